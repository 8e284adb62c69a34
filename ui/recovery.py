"""No lost work: the open trip is autosaved to a recovery file beside the settings.

Every change of the document restarts a short timer; when it fires the whole document
(request, plan, notes, costing and the file it came from) is written atomically to
``recovery.qiantu-recovery.json`` in the settings folder. A clean close (saved, or the changes
discarded on purpose) removes the file; after a crash or a kill it stays, and the next start
offers to restore it.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QTimer

from planner import io as _io
from planner.errors import PlannerError

SCHEMA = "qiantu/recovery@1"
FILE_NAME = "recovery.qiantu-recovery.json"
AUTOSAVE_MS = 2000
MAX_BYTES = 50 * 1024 * 1024


def settings_folder() -> Path:
    """The folder of the app's settings file (the tests' isolated one under pytest)."""
    return Path(QSettings().fileName()).resolve().parent


def recovery_path() -> Path:
    return settings_folder() / FILE_NAME


def read_recovery(path: Path | None = None) -> dict | None:
    """The recovery file's content, or None when there is none (or it is not one of ours)."""
    path = path or recovery_path()
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"),
                          parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA or not isinstance(data.get("request"), dict):
        return None
    if data.get("plan") is not None and not isinstance(data.get("plan"), dict):
        return None
    return data


def remove_recovery(path: Path | None = None) -> None:
    try:
        (path or recovery_path()).unlink()
    except FileNotFoundError:
        pass


def owner_alive(pid: int) -> bool:
    """True when process ``pid`` (the window that wrote the file) is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by another user
        return True
    return True


def ask_restore(parent, data: dict) -> bool:
    """Ask whether to restore the unsaved trip (tests replace this function)."""
    from PySide6.QtWidgets import QMessageBox

    from ui.i18n import tr

    title = (data.get("request") or {}).get("title") or (Path(data["path"]).name if data.get("path") else tr("Untitled"))
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(float(data.get("saved_at") or 0)))
    answer = QMessageBox.question(
        parent, tr("QianTu"),
        tr("QianTu was not closed properly. Restore the unsaved trip “{0}” from {1}?").format(title, when),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


class Autosaver(QObject):
    """Writes the document to the recovery file ``delay_ms`` after the last change."""

    def __init__(self, doc, parent: QObject | None = None, delay_ms: int = AUTOSAVE_MS,
                 path: Path | None = None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.path = path or recovery_path()
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self.save_now)
        doc.changed.connect(self.timer.start)
        doc.undo_stack.cleanChanged.connect(lambda _clean: self.timer.start())

    def content(self) -> dict[str, Any]:
        d = self.doc
        return {"schema": SCHEMA, "saved_at": time.time(), "pid": os.getpid(), "path": d.path,
                "request": d.request, "plan": d.plan, "plan_request": d.plan_request,
                "notes": d.notes, "costing": d.costing, "tour": d.tour}

    def save_now(self) -> None:
        """Write the recovery file now (or remove it when nothing is unsaved)."""
        self.timer.stop()
        if self.doc.undo_stack.isClean():
            remove_recovery(self.path)
            return
        text = json.dumps(self.content(), ensure_ascii=False, allow_nan=False)
        try:
            _io.write_text(self.path, text, make_folder=True, what="recovery file")
        except (OSError, PlannerError):  # a full disk must not stop the editing; the next change tries again
            pass

    def discard(self) -> None:
        """A clean close: nothing to recover."""
        self.timer.stop()
        remove_recovery(self.path)


def restore_into(doc, data: dict) -> None:
    """Put a recovered document back; it counts as unsaved (the window shows it modified)."""
    path = data.get("path") if isinstance(data.get("path"), str) else None
    doc.load(data["request"], data.get("plan"), str(data.get("notes") or ""), path,
             costing=data.get("costing") if isinstance(data.get("costing"), dict) else None)
    if isinstance(data.get("plan_request"), dict) and data.get("plan") is not None:
        doc.plan_request = data["plan_request"]
        doc.changed.emit()
    doc.undo_stack.resetClean()
