"""Visiting order over a travel matrix: exact Held–Karp for small n, iterated local search beyond."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.errors import PlannerError
from planner.optimize.engine import Control, check_matrix, held_karp_path, iterate, path_length, polish_path
from planner.optimize.engine.ring import Ring

__all__ = ["EXACT_MAX_N", "TourInputError", "TourResult", "solve_tour", "solve_tour_result", "tour_length"]

#: Largest number of places solved exactly (Held–Karp, proven optimal) by ``method="auto"``.
#: At n = 16 the DP takes ~0.1 s here; every step up roughly doubles time and memory.
EXACT_MAX_N = 16
#: Hard ceiling for ``method="exact"`` (n = 20 needs ~1.5 GB for the DP table).
_EXACT_HARD_MAX_N = 18
#: Non-improving kicks (times the node count) before one worse tour is accepted.
_STALL_FACTOR = 4
#: The search ends after max(_PATIENCE_MIN, _PATIENCE_FACTOR * nodes) kicks without a better tour.
_PATIENCE_MIN = 5000
_PATIENCE_FACTOR = 100

#: Share of the time limit kept, on asymmetric matrices, for the engine's exact asymmetric polish.
_POLISH_SHARE = 0.1

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]


class TourInputError(PlannerError, ValueError):
    """The matrix, start, end or a limit given to the tour solver is invalid."""


@dataclass(frozen=True)
class TourResult:
    """What :func:`solve_tour_result` found.

    Attributes
    ----------
    order : list[int]
        The visiting order, beginning with ``start`` (and ending with ``end`` when it is a
        different fixed place).
    length : float
        Its length under the same ``end`` convention (see :func:`tour_length`).
    optimal : bool
        True when the order is proven optimal (exact dynamic programming, or n ≤ 3).
    method : str
        ``"trivial"``, ``"exact"`` or ``"ils"``.
    iterations : int
        Iterated-local-search kicks performed (0 for the exact method).
    seconds : float
        Wall time spent.
    cancelled : bool
        True when ``cancelled()`` stopped the search early (``order`` is then the best so far).
    """

    order: list[int]
    length: float
    optimal: bool
    method: str
    iterations: int
    seconds: float
    cancelled: bool = False


# --------------------------------------------------------------------------------------------
# public API


def solve_tour(
    matrix,
    start: int = 0,
    end: int | None = 0,
    time_limit_s: float | None = 1.0,
    seed: int = 0,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    max_iterations: int | None = None,
) -> list[int]:
    """Order the places of a travel matrix so that the total travel is as short as possible.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Travel cost from row to column (minutes, km, ...): finite and non-negative; it may be
        asymmetric. The diagonal is ignored.
    start : int
        Index of the first place.
    end : int or None
        ``end == start``: a closed tour (back to the start, which is not repeated at the end of
        the order); ``None``: an open path that may end anywhere; another index: a path from
        ``start`` to ``end`` (``end`` is the last place of the order).
    time_limit_s : float or None
        Wall-time budget of the heuristic search (n > ``EXACT_MAX_N``). With a time limit (and
        no ``max_iterations``) the search uses it: after a long run of kicks without a shorter
        tour it restarts — from the best tour shaken by many kicks, and on asymmetric matrices
        also from a random tour — keeping the best. Without a time limit, or with
        ``max_iterations``, it ends after ``max(5000, 100 * n)`` kicks in a row that found no
        shorter tour, or at ``max_iterations``. ``None`` means no time limit (then
        ``max_iterations`` defaults to ``200 * n``).
    seed : int
        Seed of the random perturbations. The result is deterministic for a given seed whenever
        the time limit is not what stops the search (set ``max_iterations`` and
        ``time_limit_s=None`` for runs that are reproducible on any machine); when the time limit
        stops it, the number of iterations, and so possibly the result, depends on the machine's
        speed and load.
    progress : callable(fraction, message), optional
        Called about ten times a second with a fraction in [0, 1].
    cancelled : callable() -> bool, optional
        Polled between iterations; when it returns True the best order found so far is returned.
    max_iterations : int, optional
        Cap on the perturbation-plus-local-search iterations.

    Returns
    -------
    list[int]
        A permutation of ``range(n)`` beginning with ``start``.

    Raises
    ------
    TourInputError
        (a ``ValueError``) for a non-square, empty, NaN/infinite or negative matrix, or a start,
        end or limit that is out of range.

    Notes
    -----
    Up to ``EXACT_MAX_N`` places the Held–Karp dynamic programme proves the optimum. Beyond,
    a greedy-edge (symmetric) or nearest-neighbour (asymmetric) tour is improved by 2-opt and
    Or-opt moves on 10-nearest candidate lists with a work queue ("don't-look bits"), then by
    iterated local search: a local double-bridge (segment swap) kick followed by the same local
    search, keeping the result when it is no longer than the current tour. An asymmetric matrix
    is solved through the Jonker–Volgenant transformation to a symmetric one of twice the size,
    then polished on the directed matrix itself by the engine's asymmetric-correct 2-opt and
    Or-opt (:func:`planner.optimize.engine.polish_path`, the last 10 % of the time limit).
    """
    return solve_tour_result(
        matrix,
        start,
        end,
        time_limit_s,
        seed,
        progress=progress,
        cancelled=cancelled,
        max_iterations=max_iterations,
    ).order


def solve_tour_result(
    matrix,
    start: int = 0,
    end: int | None = 0,
    time_limit_s: float | None = 1.0,
    seed: int = 0,
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
    max_iterations: int | None = None,
    method: str = "auto",
) -> TourResult:
    """Like :func:`solve_tour`, with the length, the proof status and statistics.

    ``method`` is ``"auto"`` (exact up to ``EXACT_MAX_N`` places), ``"exact"`` (Held–Karp, up to
    18 places) or ``"heuristic"`` (iterated local search at any size; tiny instances of fewer than
    6 places are still solved exactly).
    """
    t0 = time.perf_counter()
    d, start, end = _validate(matrix, start, end)
    if time_limit_s is not None and (
        isinstance(time_limit_s, bool) or not isinstance(time_limit_s, (int, float)) or not time_limit_s > 0
    ):
        raise TourInputError(f"time_limit_s must be a positive number of seconds or None, got {time_limit_s!r}")
    if max_iterations is not None and (
        isinstance(max_iterations, bool) or not isinstance(max_iterations, (int, np.integer)) or max_iterations < 0
    ):
        raise TourInputError(f"max_iterations must be a non-negative integer or None, got {max_iterations!r}")
    if method not in ("auto", "exact", "heuristic"):
        raise TourInputError(f"method must be 'auto', 'exact' or 'heuristic', got {method!r}")
    n = d.shape[0]
    if progress is not None:
        progress(0.0, f"ordering {n} places")

    def done(order: list[int], optimal: bool, how: str, iterations: int = 0, stopped: bool = False) -> TourResult:
        if progress is not None:
            progress(1.0, "order found" if not stopped else "cancelled: best order so far")
        length = _length(d, order, end)
        return TourResult(order, length, optimal, how, iterations, time.perf_counter() - t0, stopped)

    fixed_end = end is not None and end != start
    free = n - 1 - (1 if fixed_end else 0)
    if free <= 2:
        # at most two free places: try both orders
        others = [v for v in range(n) if v != start and not (fixed_end and v == end)]
        tail = [end] if fixed_end and end is not None else []
        candidates = [[start, *others, *tail], [start, *others[::-1], *tail]]
        best = min(candidates, key=lambda o: _length(d, o, end))
        return done(best, True, "trivial")
    if method == "exact" and n > _EXACT_HARD_MAX_N:
        raise TourInputError(f"method='exact' handles at most {_EXACT_HARD_MAX_N} places, got {n}")
    if method == "exact" or (method == "auto" and n <= EXACT_MAX_N) or n < 6:
        return done(held_karp_path(d, start, end), True, "exact")

    symmetric = bool(np.array_equal(d, d.T))
    budget = time_limit_s
    if not symmetric and time_limit_s is not None:
        budget = time_limit_s * (1.0 - _POLISH_SHARE)  # the rest for the exact asymmetric polish
    order, iterations, stopped = _heuristic(d, start, end, budget, seed, max_iterations, progress, cancelled)
    if not symmetric and not stopped:
        deadline = math.inf if time_limit_s is None else t0 + time_limit_s
        order = _polish_asymmetric(d, order, end, deadline)
    return done(order, False, "ils", iterations, stopped)


def tour_length(matrix, order: Sequence[int], end: int | None = 0) -> float:
    """Length of a visiting order under the convention of :func:`solve_tour`.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        The travel matrix.
    order : sequence of int
        The visiting order.
    end : int or None
        ``None``: an open path (no return); equal to ``order[0]``: a closed tour (the return to
        ``order[0]`` is counted); any other index: a path that must finish at ``end``.

    Returns
    -------
    float
    """
    d = np.asarray(matrix, dtype=float)
    order = [int(v) for v in order]
    if not order:
        return 0.0
    if end is not None and end != order[0] and order[-1] != end:
        raise TourInputError(f"the order ends at {order[-1]}, not at the fixed end {end}")
    return _length(d, order, end)


# --------------------------------------------------------------------------------------------
# validation and small helpers


def _validate(matrix, start, end) -> tuple[np.ndarray, int, int | None]:
    d = check_matrix(matrix, "travel matrix", TourInputError)
    n = d.shape[0]
    start = _index(start, n, "start")
    if end is not None:
        end = _index(end, n, "end")
    return d, start, end


def _index(value, n: int, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TourInputError(f"{name} must be an integer index, got {value!r}")
    if not 0 <= value < n:
        raise TourInputError(f"{name} = {value} is out of range for a matrix of {n} places")
    return int(value)


def _length(d: np.ndarray, order: Sequence[int], end: int | None) -> float:
    if len(order) < 2:
        return 0.0
    idx = np.asarray(order)
    total = float(d[idx[:-1], idx[1:]].sum())
    if end is not None and end == order[0]:
        total += float(d[idx[-1], idx[0]])
    return total


# --------------------------------------------------------------------------------------------
# heuristic: iterated local search on a closed symmetric tour


def _heuristic(d, start, end, time_limit_s, seed, max_iterations, progress, cancelled):
    """Reduce every variant to a closed symmetric tour, search it, and map the answer back."""
    n = d.shape[0]
    scale = float(d.max()) + 1.0
    # Fixed edges get -big: no improving move can ever remove one (it would cost more than any
    # tour). Forbidden edges (Jonker–Volgenant) get +big for the same reason.
    big = scale * (2 * n + 4) * 4.0
    fixed: tuple[int, int] | None
    if end is None:
        m = n + 1  # a dummy place closes the open path: last -> dummy -> start
        a = np.zeros((m, m))
        a[:n, :n] = d
        fixed = (n, start)
    else:
        m = n
        a = d.copy()
        fixed = (end, start) if end != start else None
    symmetric = bool(np.array_equal(d, d.T))
    if symmetric:
        c = a
        if fixed is not None:
            c[fixed[0], fixed[1]] = c[fixed[1], fixed[0]] = -big
        tour0 = None
    else:
        # Jonker–Volgenant: place i becomes i (arrive) and m+i (leave), tied by a fixed edge;
        # the directed edge i -> j becomes the undirected edge (m+i, j).
        c = np.full((2 * m, 2 * m), big)
        c[m:, :m] = a
        c[:m, m:] = a.T
        ii = np.arange(m)
        c[ii, m + ii] = c[m + ii, ii] = -big
        if fixed is not None:
            u, v = fixed
            c[m + u, v] = c[v, m + u] = -big
        directed = _nearest_neighbour_directed(a, fixed)
        tour0 = [x for v in directed for x in (v, m + v)]
    np.fill_diagonal(c, 0.0)

    # Or-opt moves 1-3 places; in the doubled (Jonker–Volgenant) matrix a place is two nodes
    seg_lengths = (1, 2, 3) if symmetric else (2, 4, 6)
    random_tour = None
    if not symmetric:
        places = [v for v in range(m) if fixed is None or v not in fixed]

        def random_tour(rng):
            """A random directed cycle through the fixed edge, doubled as Jonker–Volgenant nodes."""
            rest = places[:]
            rng.shuffle(rest)
            directed = [fixed[1], *rest, fixed[0]] if fixed is not None else rest
            return [x for v in directed for x in (v, m + v)]

    tour = _ils(c, tour0, -big / 2, seg_lengths, time_limit_s, seed, max_iterations, progress, cancelled,
                random_tour)
    order_nodes, iterations, stopped = tour

    # map back to an order over the m places of `a`
    if symmetric:
        cyc = order_nodes
    else:
        p = order_nodes.index(start)
        nxt = order_nodes[(p + 1) % len(order_nodes)]
        cyc = order_nodes if nxt == m + start else order_nodes[::-1]
        cyc = [v for v in cyc if v < m]
    p = cyc.index(start)
    cyc = cyc[p:] + cyc[:p]
    if fixed is not None and len(cyc) > 2 and cyc[1] == fixed[0]:
        # the fixed edge is u -> start; the cycle runs the wrong way round
        cyc = [cyc[0], *cyc[1:][::-1]]
    if end is None:
        cyc = [v for v in cyc if v != n]
    return cyc, iterations, stopped


def _polish_asymmetric(d: np.ndarray, order: list[int], end: int | None, deadline: float) -> list[int]:
    """2-opt and Or-opt of the shared engine on the original matrix (reversals priced backwards).

    The Jonker–Volgenant search moves places only in ways its doubled symmetric matrix allows;
    this pass prices every segment move and reversal on the directed matrix itself.
    """
    n = d.shape[0]
    start = order[0]
    if end is None:
        # an open path: a dummy last place reached from anywhere at no cost
        e = np.zeros((n + 1, n + 1))
        e[:n, :n] = d
        P = [*order, n]
    elif end == start:
        e = d
        P = [*order, start]
    else:
        e = d
        P = list(order)
    D = e.tolist()
    before = path_length(D, P)
    polish_path(D, P, deadline)
    if path_length(D, P) >= before - 1e-9:
        return order
    if end is None:
        return P[:-1]
    if end == start:
        return P[:-1]
    return P


def _nearest_neighbour_directed(a: np.ndarray, fixed: tuple[int, int] | None) -> list[int]:
    """A directed nearest-neighbour cycle that contains the fixed edge u -> v (if any)."""
    m = a.shape[0]
    first = fixed[1] if fixed else 0
    last = fixed[0] if fixed else None
    left = np.ones(m, dtype=bool)
    left[first] = False
    if last is not None:
        left[last] = False
    order = [first]
    cur = first
    for _ in range(int(left.sum())):
        row = np.where(left, a[cur], np.inf)
        cur = int(np.argmin(row))
        left[cur] = False
        order.append(cur)
    if last is not None:
        order.append(last)
    return order


class _Tour:
    """A tour for the search loop: its length, and its order once it is kept (None: the ring now)."""

    __slots__ = ("length", "order")

    def __init__(self, length: float, order: list[int] | None = None) -> None:
        self.length = length
        self.order = order


def _ils(c, tour0, fixed_below, seg_lengths, time_limit_s, seed, max_iterations, progress, cancelled,
         random_tour=None):
    """The engine's iterated local search on a closed symmetric tour (2-opt + Or-opt, local double bridge).

    Returns (tour, iterations, cancelled). Acceptance: a kicked tour no longer than the current
    one; after ``_STALL_FACTOR * n`` kicks without a better best, one worse tour (a random-walk
    step). With a time limit (and no iteration cap) a long run without a better tour restarts
    the search, alternately from a random tour (asymmetric) and from the best shaken by many
    kicks; otherwise it ends there.
    """
    n = c.shape[0]
    control = Control(time_limit_s, max_iterations, seed, progress, cancelled, default_iterations=200 * n)
    ring = Ring(c, tour0, fixed_below, seg_lengths, control.rng)
    eps = ring.eps
    ring.descend()
    stall_limit = _STALL_FACTOR * n
    patience = max(_PATIENCE_MIN, _PATIENCE_FACTOR * n)
    can_restart = control.timed and max_iterations is None
    walk = [0]

    def perturb(cur: _Tour, stall: int) -> _Tour:
        return _Tour(ring.kick_descend())

    def accept(cand: _Tour, cur: _Tour, best: _Tour, stall: int) -> _Tour:
        walk[0] = 0 if stall == 0 else walk[0] + 1
        if cand.length <= cur.length + eps or walk[0] >= stall_limit:
            if walk[0] >= stall_limit:
                walk[0] = 0
            ring.save()
            return cand
        ring.restore()
        return cur

    def restart(best: _Tour, restarts: int) -> _Tour | None:
        if not can_restart:
            return None
        if restarts % 2 == 0 and random_tour is not None:
            ring.load(random_tour(control.rng))
        else:
            ring.load(best.order or ring.t)
            for _ in range(max(8, n // 8)):
                ring.kick()
        return _Tour(ring.descend())

    out = iterate(
        _Tour(ring.length),
        control,
        perturb=perturb,
        improve=lambda s: s,
        better=lambda a, b: a.length < b.length - eps,
        accept=accept,
        copy=lambda s: _Tour(s.length, ring.t[:] if s.order is None else list(s.order)),
        # the first restart of a symmetric tour waits the full patience, later ones (and every
        # asymmetric one, which alternates with random tours) a shorter run
        patience=lambda restarts: (patience if not can_restart or (random_tour is None and not restarts)
                                   else max(1500, 30 * n)),
        restart=restart,
        message=lambda best: f"improving the order (iteration {control.it})",
    )
    return out.best.order, control.it, control.stopped
