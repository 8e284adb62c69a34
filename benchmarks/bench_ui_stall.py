"""How long the app's event loop stalls while a 5-day plan is optimized, shown and exported.

A 10 ms QTimer records when it fires; the longest gap between two ticks is the longest time the
window could not repaint or answer a click. Goal (issue 14 §3): under 50 ms. The anchor is an idle
event loop measured in the same run (the machine's own noise).

    python benchmarks/bench_ui_stall.py [--repeat N] [--profile]

``--profile`` also prints the main thread's slowest functions (cProfile) during the same work.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
os.environ.setdefault("QT_LOGGING_RULES", "qt.rhi.*=false;qt.webenginecontext.debug=false")

FIVE_DAYS = ["huangguoshu-waterfall", "qingyan-ancient-town", "qianlingshan-park", "longgong-cave",
             "jiaxiu-tower", "xijiang-miao-village", "fanjingshan", "zhenyuan-ancient-town",
             "libo-xiaoqikong", "zunyi-conference-site"]


class Probe:
    """Ticks every 10 ms on the UI thread and keeps the longest gap between ticks."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.last = None
        self.worst = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        if self.last is not None:
            self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0  # a stall right after start counts too
        self.timer.start()

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return self.worst * 1000


def wait_until(app, cond, timeout_s: float = 120) -> None:
    """Run the event loop (as the app does) until ``cond()`` holds.

    One QEventLoop with a polling timer: not a processEvents() busy loop (with PySide6 6.12 on
    Python 3.11 each such call drops a reference to None, and some thousand calls abort the
    interpreter) and not QTest.qWait (it sleeps between batches, which the probe would count)."""
    from PySide6.QtCore import QEventLoop, QTimer

    if cond():
        return
    end = time.monotonic() + timeout_s
    loop = QEventLoop()
    poll = QTimer()
    poll.setInterval(20)
    timed_out = []

    def check() -> None:
        if cond():
            loop.quit()
        elif time.monotonic() > end:
            timed_out.append(1)
            loop.quit()

    poll.timeout.connect(check)
    poll.start()
    loop.exec()
    poll.stop()
    if timed_out:
        raise SystemExit("timed out")


def run_once(app, window_factory, probe: Probe, tmp: Path, profiler=None) -> dict:
    w = window_factory()
    w.show()
    from ui.workers import warm_up_done

    wait_until(app, lambda: w.mapView.ready and warm_up_done.is_set())
    ids = [i for i in FIVE_DAYS if i in w.catalog]
    w.add_stops_from_ids(ids)
    w.tripPanel.daysSpin.setValue(5)
    w.doc.set_field("time_limit_s", 2)
    wait_until(app, lambda: w.mapView.ready)
    out = {}
    # idle anchor
    probe.start()
    end = time.monotonic() + 0.5
    wait_until(app, lambda: time.monotonic() > end)
    out["idle"] = probe.stop()
    # optimize and show
    if profiler:
        profiler.enable()
    probe.start()
    done = []
    w.doc.planChanged.connect(lambda: done.append(1))
    w.optimize()
    wait_until(app, lambda: done and not w.worker.running and w.mapView.ready and not w.map_busy())
    end = time.monotonic() + 0.3
    wait_until(app, lambda: time.monotonic() > end)
    out["optimize+show"] = probe.stop()
    # export (PDF, the slowest format)
    probe.start()
    path = tmp / f"bench-{time.monotonic_ns()}.pdf"
    w.exporter.export("pdf", str(path))
    wait_until(app, lambda: not w.exporter.worker.running)
    out["export pdf"] = probe.stop()
    if profiler:
        profiler.disable()
    w.doc.undo_stack.setClean()
    w.close()
    import shiboken6

    shiboken6.delete(w)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args(argv)
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    tmp = Path(tempfile.mkdtemp(prefix="qiantu-bench-"))
    QCoreApplication.setOrganizationName("QianTuBench")
    QCoreApplication.setApplicationName("QianTuBench")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp))
    app = QApplication(sys.argv[:1])
    import ui

    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    probe = Probe()
    rows = [run_once(app, ui.create_main_window, probe, tmp, profiler) for _ in range(args.repeat)]
    print("longest UI-thread stall (ms), 10 ms probe timer; goal < 50 ms")
    print(f"{'phase':<16}" + "".join(f"{'run ' + str(i + 1):>9}" for i in range(len(rows))) + f"{'worst':>9}")
    for key in rows[0]:
        vals = [r[key] for r in rows]
        print(f"{key:<16}" + "".join(f"{v:9.1f}" for v in vals) + f"{max(vals):9.1f}")
    if profiler:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"ui/|planner/|copy", 40)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
