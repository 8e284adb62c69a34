"""Files QianTu writes are readable by others (a colleague, a web server), like any new file."""

from __future__ import annotations

import os
import stat

from planner.fileio import publish


def test_published_file_gets_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        tmp = tmp_path / ".x.tmp"
        tmp.write_text("{}", encoding="utf-8")
        os.chmod(tmp, 0o600)  # what mkstemp gives
        publish(tmp, tmp_path / "plan.json")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "plan.json").stat().st_mode)
    assert mode == 0o644 and not tmp.exists()
