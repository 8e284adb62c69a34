"""No lost work: autosave, a real kill of a running app, and the offer to restore at the next start."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

import ui  # noqa: E402
from ui import recovery  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

DRIVER = textwrap.dedent("""
    import os, sys
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication
    QCoreApplication.setOrganizationName("QianTuTests")
    QCoreApplication.setApplicationName("QianTuTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
    app = QApplication(sys.argv[:1])
    import ui
    w = ui.create_main_window()
    w.show()
    w.doc.set_field("title", "黄果树 recovered 3 日")
    w.add_stops_from_ids(["huangguoshu-waterfall", "qingyan-ancient-town"])
    w.tripPanel.daysSpin.setValue(4)
    print("edited", flush=True)
    app.exec()
""")


def _settings_folder() -> Path:
    return Path(QSettings().fileName()).resolve().parent.parent  # the folder given to QSettings.setPath


def test_killed_app_offers_its_unsaved_trip_at_the_next_start(qtbot, monkeypatch):
    folder = _settings_folder()
    rec = recovery.recovery_path()
    assert not rec.exists()
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(folder)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        qtbot.waitUntil(rec.exists, timeout=90000)
        data = recovery.read_recovery(rec)
        assert data is not None and data["request"]["days"] == 4
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # a real kill: no close event, no clean-up
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    assert rec.exists()

    offers = []

    def answer(parent, data):
        offers.append(data)
        return True

    monkeypatch.setattr(recovery, "ask_restore", answer)
    w = ui.create_main_window()
    qtbot.addWidget(w)
    assert len(offers) == 1
    assert w.doc.request["title"] == "黄果树 recovered 3 日"
    assert w.tripPanel.titleEdit.text() == "黄果树 recovered 3 日"
    assert w.doc.stop_ids() == ["huangguoshu-waterfall", "qingyan-ancient-town"]
    assert w.tripPanel.daysSpin.value() == 4
    assert w.isWindowModified()  # restored work is unsaved work
    # Closing asks about the unsaved changes; discarding them is a clean close: the file goes.
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.Discard)
    assert w.close()
    assert len(asked) == 1 and not rec.exists()


def test_autosave_after_an_edit_and_clean_states_leave_no_file(qtbot, monkeypatch):
    monkeypatch.setattr(recovery, "ask_restore", lambda parent, data: pytest.fail("nothing to restore"))
    w = ui.create_main_window()
    qtbot.addWidget(w)
    rec = w.autosaver.path
    with qtbot.waitSignal(w.autosaver.timer.timeout, timeout=10000):
        w.tripPanel.daysSpin.setValue(5)
    assert recovery.read_recovery(rec)["request"]["days"] == 5
    # Undo back to the saved state: nothing is unsaved, so nothing to recover.
    with qtbot.waitSignal(w.autosaver.timer.timeout, timeout=10000):
        w.doc.undo_stack.undo()
    assert not rec.exists()
    # Closing with unsaved changes asks; "Cancel" keeps the window and the work.
    with qtbot.waitSignal(w.autosaver.timer.timeout, timeout=10000):
        w.tripPanel.daysSpin.setValue(6)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    assert not w.close()
    assert rec.exists() and w.doc.request["days"] == 6


def test_declining_the_offer_removes_the_file(qtbot, monkeypatch, tmp_path):
    rec = recovery.recovery_path()
    rec.parent.mkdir(parents=True, exist_ok=True)
    rec.write_text('{"schema": "qiantu/recovery@1", "pid": 1, "path": null, "request": {"days": 2}}', encoding="utf-8")
    monkeypatch.setattr(recovery, "owner_alive", lambda pid: False)
    seen = []
    monkeypatch.setattr(recovery, "ask_restore", lambda parent, data: seen.append(data) or False)
    w = ui.create_main_window()
    qtbot.addWidget(w)
    assert len(seen) == 1 and not rec.exists()
    assert w.doc.request["days"] == 3 and not w.isWindowModified()
