"""Issue 12 item 10 (maps): the PDF map renderer (``python -m ui.snapshot``) dies with its parent,
is killed with all its Chromium helpers on timeout, and leaves no files behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")
if not sys.platform.startswith("linux"):
    pytest.skip("reads /proc", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
# A page with no map: ui.snapshot keeps waiting for Leaflet until its own (long) timeout.
NEVER_READY = "<!DOCTYPE html><html><body><p>no map here</p></body></html>"


def _procs() -> dict[int, tuple[int, int, str, str]]:
    """pid -> (ppid, pgid, state, cmdline) of every process."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        rest = stat[stat.rindex(")") + 2:].split()
        out[int(entry)] = (int(rest[1]), int(rest[2]), rest[0], cmd)
    return out


def _alive_in_group(pgid: int) -> list[int]:
    return [pid for pid, (_pp, g, state, _c) in _procs().items() if g == pgid and state not in ("Z", "X")]


def _wait(predicate, timeout: float, what: str):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting: {what}")


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["QIANTU_SNAPSHOT_TIMEOUT"] = "600"
    return env


PARENT = """
import sys, tempfile
from pathlib import Path
from planner.export.pdfkit import render_maps
folder = Path(tempfile.mkdtemp(prefix="qiantu-pdf-"))
print(folder, flush=True)
render_maps([(sys.argv[1], 400, 300)], folder, timeout_s=600)
"""


def test_snapshot_dies_with_its_killed_parent_and_cleans_up(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", PARENT, NEVER_READY], env=_env(), cwd=tmp_path,
                              stdout=subprocess.PIPE, text=True)
    try:
        folder = Path(parent.stdout.readline().strip())
        assert folder.name.startswith("qiantu-pdf-")

        def child():
            return [pid for pid, (pp, _g, _s, cmd) in _procs().items() if pp == parent.pid and "ui.snapshot" in cmd]

        pid = _wait(child, 60, "ui.snapshot to start")[0]
        # Let Chromium start its helper processes too (same process group as the snapshot).
        _wait(lambda: len(_alive_in_group(pid)) > 1, 60, "QtWebEngineProcess helpers")
        assert (folder / "map0.html").is_file()
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=30)
        _wait(lambda: not _alive_in_group(pid), 30, "the snapshot and its helpers to end")
        _wait(lambda: not folder.exists(), 30, "the orphaned snapshot to remove the scratch folder")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()


def test_snapshot_is_killed_on_timeout_with_its_helpers(tmp_path, monkeypatch):
    from planner.export import pdfkit as pdf

    monkeypatch.setenv("QIANTU_SNAPSHOT_TIMEOUT", "600")
    started: list[subprocess.Popen] = []
    real_popen = subprocess.Popen

    class Recording(real_popen):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            started.append(self)

    monkeypatch.setattr(pdf.subprocess, "Popen", Recording)
    folder = tmp_path / "qiantu-pdf-scratch"
    folder.mkdir()
    # Time for Chromium to start its helpers before the renderer is given up on.
    pngs, errors = pdf.render_maps([(NEVER_READY, 400, 300)], folder, timeout_s=8)
    assert pngs == [None]
    assert errors and "took longer than 8 s" in errors[0]
    assert len(started) == 1
    pgid = started[0].pid
    assert started[0].returncode is not None  # reaped
    _wait(lambda: not _alive_in_group(pgid), 30, "the snapshot's helpers to end")
    # Only the caller's own input page is left (the caller's temporary folder removes it).
    assert sorted(p.name for p in folder.iterdir()) == ["map0.html"]


def test_snapshot_refuses_to_run_for_a_parent_that_is_gone(tmp_path):
    """Started with a parent pid that is not its parent (the parent died before the check)."""
    scratch = tmp_path / "qiantu-pdf-gone"
    scratch.mkdir()
    (scratch / "map0.html").write_text(NEVER_READY, encoding="utf-8")
    env = _env()
    env["QIANTU_SNAPSHOT_PARENT"] = "1"
    env["QIANTU_SNAPSHOT_SCRATCH"] = str(scratch)
    res = subprocess.run([sys.executable, "-m", "ui.snapshot", str(scratch / "map0.html"), str(scratch / "x.png"),
                          "400", "300"], env=env, cwd=tmp_path, stdin=subprocess.PIPE, capture_output=True,
                         timeout=120)
    assert res.returncode == 3
    assert not scratch.exists()
