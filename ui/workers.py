"""Run long core work (the optimizer) in a worker thread: progress and cancel become Qt signals."""

from __future__ import annotations

import gc
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from planner.errors import Cancelled, PlannerError


class _GcPause(QObject):
    """No garbage collection while a worker thread runs.

    Python collects cycles in whichever thread happens to allocate; if that is a worker, Qt
    objects in those cycles (old windows, pages, workers) are destroyed off the GUI thread and Qt
    aborts. So automatic collection is off while any worker runs and back on when the last one
    ends (the next collection then happens on the GUI thread), as pyqtgraph's GarbageCollector
    keeps collection on the GUI thread.
    """

    released = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.count = 0
        self.was_enabled = True
        self.frozen = False
        self.released.connect(self.release)

    def hold(self) -> None:
        if self.count == 0:
            self.was_enabled = gc.isenabled()
            gc.disable()
        self.count += 1

    @Slot()
    def release(self) -> None:
        self.count = max(0, self.count - 1)
        if self.count == 0 and self.was_enabled:
            if warm_up_done.is_set() and not self.frozen:
                # The modules, catalog and network loaded so far live as long as the app: moved
                # out of the collector's reach, a full collection no longer walks them (gc.freeze,
                # as large Python services do), so it cannot stall the window for long.
                gc.collect()
                gc.freeze()
                self.frozen = True
            gc.enable()


_gc_pause: _GcPause | None = None


def _gc() -> _GcPause:
    global _gc_pause
    if _gc_pause is None:
        _gc_pause = _GcPause()
    return _gc_pause


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
        self._thread.finished.connect(_gc().released)  # queued to the GUI thread, even if self is gone
        self.running = False

    def start(self) -> None:
        self.running = True
        _gc().hold()
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


_WARM_MODULES = ("planner.network", "planner.optimize.trip", "planner.plan", "planner.export", "planner.costing")
_warmed = threading.Event()
warm_up_done = threading.Event()  # set when the background imports have finished


def warm_up_imports() -> None:
    """Import the core's heavier modules once, in a background thread, so the first Optimize or
    Export does not pay for them on the UI thread (networkx alone takes about 0.2 s)."""
    if _warmed.is_set():
        return
    _warmed.set()
    pause = _gc()
    pause.hold()

    def run() -> None:
        import importlib

        for name in _WARM_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the real use reports the error where it happens
                pass
        warm_up_done.set()
        pause.released.emit()  # queued to the GUI thread

    threading.Thread(target=run, name="qiantu-warm-up", daemon=True).start()
