"""The app's texts go through Qt's translation system: every text has a Chinese translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ts_file_lists_every_text_with_a_translation():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "update_ts.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr or "ui/i18n/qiantu_zh_CN.ts is out of date: run tools/update_ts.py"


def test_compiled_translation_loads(qapp):
    pytest.importorskip("PySide6")
    from ui.i18n import install_language, tr

    assert install_language("zh")
    assert tr("&File") == "文件(&F)"
    assert tr("Optimize") == "优化行程"
    assert install_language("en")
    assert tr("&File") == "&File"
