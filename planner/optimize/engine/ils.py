"""The one iterated local search loop of :mod:`planner.optimize`.

``perturb`` → ``improve`` → keep the best → ``accept`` decides where the next iteration starts,
with ``restart`` after a run of iterations without a better solution. Every solver plugs its
own solution type and moves into this loop: the visiting order (:mod:`planner.optimize.tour`),
one day with time windows (:mod:`planner.optimize.optw`), days with hotels
(:func:`planner.optimize.engine.solve_days`) and trips (:mod:`planner.optimize.trip_search`).
The budget, seed, cancel and progress come from one :class:`~planner.optimize.engine.control.Control`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from planner.optimize.engine.control import Control

S = TypeVar("S")


@dataclass
class Outcome(Generic[S]):
    """The best solution of :func:`iterate` and how the loop ended."""

    best: S
    iterations: int
    reason: str  # "budget", "patience", "done", "cancelled"


def iterate(
    current: S,
    control: Control,
    *,
    perturb: Callable[[S, int], S],
    improve: Callable[[S], S],
    better: Callable[[S, S], bool],
    accept: Callable[[S, S, S, int], S],
    copy: Callable[[S], S],
    patience: int | float | Callable[[int], float] | None = None,
    restart: Callable[[S, int], S | None] | None = None,
    budget: int | float | None = None,
    finished: Callable[[S], bool] | None = None,
    on_best: Callable[[S], S] | None = None,
    message: Callable[[S], str] | None = None,
    best: S | None = None,
) -> Outcome[S]:
    """Iterated local search from ``current`` (already locally optimal); the best solution found.

    Parameters
    ----------
    perturb(cur, stall) -> S
        A kick of the current solution (may change it in place and return it).
    improve(s) -> S
        Local search to a local optimum.
    better(a, b) -> bool
        True when ``a`` is strictly better than ``b``.
    accept(candidate, current, best, stall) -> S
        Where the next iteration starts, after ``candidate`` was compared with the best.
    copy(s) -> S
        An independent copy (kept as the best).
    patience
        Iterations in a row without a better best after which ``restart`` is called (or the loop
        ends when there is none, or it returns None); a number, or a function of the number of
        restarts so far.
    restart(best, restarts) -> S or None
        A new current solution (already improved), e.g. from a fresh construction.
    budget
        Iterations of this call at most (``control.max_it`` caps all calls together).
    finished(best) -> bool
        True when nothing better can exist (every place visited, a proven bound reached).
    on_best(s) -> S
        Called with each new best (e.g. an extra polish); returns the solution to keep.
    message(best) -> str
        The progress text.
    best
        A best solution already known (default: ``current``).
    """
    top: S = copy(current) if best is None else best
    first = control.it
    stall = 0
    restarts = 0
    reason = "budget"
    text = (lambda: message(top)) if message is not None else "searching"
    while True:
        if finished is not None and finished(top):
            reason = "done"
            break
        if budget is not None and control.it - first >= budget:
            break
        if not control.step(text):
            reason = "cancelled" if control.stopped else "budget"
            break
        cand = improve(perturb(current, stall))
        if better(cand, top):
            if on_best is not None:
                cand = on_best(cand)
            top = copy(cand)
            stall = 0
        else:
            stall += 1
        if patience is not None and stall >= (patience(restarts) if callable(patience) else patience):
            fresh = restart(top, restarts) if restart is not None else None
            if fresh is None:
                reason = "patience"
                break
            restarts += 1
            stall = 0
            if better(fresh, top):
                top = copy(fresh)
            current = fresh
            continue
        current = accept(cand, current, top, stall)
    return Outcome(top, control.it - first, reason)
