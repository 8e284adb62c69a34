"""Run long core work (the optimizer) in a worker thread: progress and cancel become Qt signals."""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from planner.errors import Cancelled, PlannerError


class _Runner(QObject):
    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], cancel_event: threading.Event) -> None:
        super().__init__()
        self._fn = fn
        self._cancel = cancel_event

    @Slot()
    def run(self) -> None:
        try:
            result = self._fn(progress=self._on_progress, cancelled=self._cancel.is_set)
        except Cancelled:
            self.failed.emit("")
        except PlannerError as exc:
            self.failed.emit(exc.one_line())
        except Exception as exc:  # a bug: show it, keep the app alive
            traceback.print_exc()
            self.failed.emit(f"internal error: {exc!r}")
        else:
            self.succeeded.emit(result)
        finally:
            self.finished.emit()

    def _on_progress(self, fraction: float, message: str = "") -> None:
        self.progressed.emit(float(fraction), str(message))


class Worker(QObject):
    """One run of ``fn(progress=..., cancelled=...)`` in its own QThread.

    Signals: ``progressed(fraction, message)``, ``succeeded(result)``, ``failed(message)``
    (an empty message means it was cancelled), ``finished()`` (always, last).
    """

    progressed = Signal(float, str)
    succeeded = Signal(object)
    failed = Signal(str)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._thread = QThread()
        self._runner = _Runner(fn, self._cancel)
        self._runner.moveToThread(self._thread)
        self._thread.started.connect(self._runner.run)
        self._runner.progressed.connect(self.progressed)
        self._runner.succeeded.connect(self.succeeded)
        self._runner.failed.connect(self.failed)
        self._runner.finished.connect(self._thread.quit)
        self._thread.finished.connect(self._on_thread_finished)
        self.running = False

    def start(self) -> None:
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def wait(self, ms: int = 30000) -> bool:
        return self._thread.wait(ms)

    def _on_thread_finished(self) -> None:
        self.running = False
        self.finished.emit()
