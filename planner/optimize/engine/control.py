"""The budget of one search: wall time, iterations, seed, cancel and progress.

Every search in :mod:`planner.optimize` (trips, tours, one-day orienteering, days with hotels)
runs under one :class:`Control`, so they stop, report and repeat themselves the same way.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

#: Seconds between two progress reports.
REPORT_EVERY_S = 0.1


class Control:
    """Deadline, iteration cap, random source, cancel and progress of one search.

    Parameters
    ----------
    time_limit_s : float or None
        Wall-time budget from ``t0``; None for none.
    max_iterations : int or None
        Cap on iterations; when both this and ``time_limit_s`` are None it becomes
        ``default_iterations`` (None: no cap).
    seed : int
        Seed of :attr:`rng`. A search is repeatable for a seed whenever the time limit is not
        what stopped it.
    progress : callable(fraction, message), optional
        Called at most every :data:`REPORT_EVERY_S` seconds by :meth:`step`.
    cancelled : callable() -> bool, optional
        Polled by :meth:`step` and :meth:`should_stop`; once it returns True, :attr:`stopped` is
        set and the search returns its best so far.
    span : tuple of float
        The part of the progress bar this search fills (``0.0, 0.99`` by default), so a search
        that runs inside a larger task reports a fraction of that task.
    """

    def __init__(
        self,
        time_limit_s: float | None = None,
        max_iterations: int | float | None = None,
        seed: int = 0,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        default_iterations: int | None = None,
        t0: float | None = None,
        deadline: float | None = None,
        span: tuple[float, float] = (0.0, 0.99),
    ) -> None:
        self.t0 = time.perf_counter() if t0 is None else t0
        if deadline is not None:
            self.deadline = deadline
        else:
            self.deadline = math.inf if time_limit_s is None else self.t0 + time_limit_s
        if max_iterations is None and time_limit_s is None and deadline is None:
            max_iterations = default_iterations
        self.max_it: float = math.inf if max_iterations is None else max_iterations
        self.rng = random.Random(seed)
        self.progress = progress
        self.cancelled = cancelled
        self.span = span
        self.it = 0
        self.stopped = False
        self._next_report = time.perf_counter() + REPORT_EVERY_S

    @property
    def timed(self) -> bool:
        """True when a wall-time limit applies."""
        return math.isfinite(self.deadline)

    def out_of_time(self) -> bool:
        """True past the deadline, or once the caller cancelled."""
        if time.perf_counter() >= self.deadline:
            return True
        return self.is_cancelled()

    def is_cancelled(self) -> bool:
        if not self.stopped and self.cancelled is not None and self.cancelled():
            self.stopped = True
        return self.stopped

    def should_stop(self) -> bool:
        """True when the deadline, the iteration cap or a cancel ends the search."""
        return self.it >= self.max_it or self.out_of_time()

    def fraction(self) -> float:
        """How much of the budget is spent, in [0, 1]."""
        now = time.perf_counter()
        if self.timed:
            span = self.deadline - self.t0
            return min(1.0, (now - self.t0) / span) if span > 0 else 1.0
        if math.isfinite(self.max_it) and self.max_it > 0:
            return min(1.0, self.it / self.max_it)
        return 0.0

    def report(self, message: str | Callable[[], str], force: bool = False) -> None:
        """Tell ``progress`` how far the search is (throttled unless ``force``)."""
        if self.progress is None:
            return
        now = time.perf_counter()
        if not force and now < self._next_report:
            return
        self._next_report = now + REPORT_EVERY_S
        lo, hi = self.span
        text = message() if callable(message) else message
        self.progress(lo + (hi - lo) * self.fraction(), text)

    def step(self, message: str | Callable[[], str] = "searching") -> bool:
        """Count one iteration and report progress; False (no iteration counted) when the search must end."""
        if self.should_stop():
            return False
        self.report(message)
        self.it += 1
        return True
