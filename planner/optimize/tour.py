"""Visiting order over a travel matrix: exact Held–Karp for small n, iterated local search beyond."""

from __future__ import annotations

import math
import random
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.errors import PlannerError
from planner.optimize.engine import check_matrix, path_length, polish_path

__all__ = ["EXACT_MAX_N", "TourInputError", "TourResult", "solve_tour", "solve_tour_result", "tour_length"]

#: Largest number of places solved exactly (Held–Karp, proven optimal) by ``method="auto"``.
#: At n = 16 the DP takes ~0.1 s here; every step up roughly doubles time and memory.
EXACT_MAX_N = 16
#: Hard ceiling for ``method="exact"`` (n = 20 needs ~1.5 GB for the DP table).
_EXACT_HARD_MAX_N = 18
#: Candidate neighbours per place for the local search moves.
_NEIGHBOURS = 10
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
        return done(_held_karp(d, start, end), True, "exact")

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
# exact: Held–Karp


def _held_karp(d: np.ndarray, start: int, end: int | None) -> list[int]:
    """Optimal order by dynamic programming over subsets, vectorised one subset size at a time."""
    n = d.shape[0]
    closed = end == start
    fixed_end = end is not None and not closed
    free = [v for v in range(n) if v != start and not (fixed_end and v == end)]
    m = len(free)
    tail = [end] if fixed_end and end is not None else []
    if m == 0:
        return [start, *tail]
    w = d[np.ix_(free, free)]
    if closed:
        last = d[free, start]
    elif fixed_end:
        last = d[free, end]
    else:
        last = np.zeros(m)
    size = 1 << m
    idx = np.arange(m)
    dp = np.full((size, m), np.inf)
    parent = np.full((size, m), -1, dtype=np.int8)
    dp[1 << idx, idx] = d[start, free]
    masks = np.arange(size)
    bits = ((masks[:, None] >> idx) & 1).astype(bool)
    popcount = bits.sum(axis=1)
    for k in range(1, m):
        layer = masks[popcount == k]
        cand = dp[layer][:, :, None] + w[None, :, :]  # (subset, from i, to j)
        arg = cand.argmin(axis=1)
        best = np.take_along_axis(cand, arg[:, None, :], axis=1)[:, 0, :]
        rows, cols = np.nonzero(~bits[layer])
        grown = layer[rows] | (1 << cols)
        dp[grown, cols] = best[rows, cols]
        parent[grown, cols] = arg[rows, cols]
    full = size - 1
    j = int(np.argmin(dp[full] + last))
    mask = full
    back: list[int] = []
    while j >= 0:
        back.append(free[j])
        pj = int(parent[mask, j])
        mask ^= 1 << j
        j = pj
    return [start, *back[::-1], *tail]


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


def _neighbour_lists(c: np.ndarray, k: int) -> list[list[int]]:
    n = c.shape[0]
    k = min(k, n - 1)
    work = c.copy()
    np.fill_diagonal(work, np.inf)
    part = np.argpartition(work, k - 1, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    order = np.argsort(work[rows, part], axis=1, kind="stable")
    return part[rows, order].tolist()


def _greedy_tour(c: np.ndarray, neigh: list[list[int]]) -> list[int]:
    """Greedy-edge construction on candidate edges, fragments joined by nearest endpoints."""
    n = c.shape[0]
    edges = sorted({(min(i, j), max(i, j)) for i in range(n) for j in neigh[i]}, key=lambda e: (c[e[0], e[1]], e))
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    deg = [0] * n
    adj: list[list[int]] = [[] for _ in range(n)]
    taken = 0
    for i, j in edges:
        if deg[i] < 2 and deg[j] < 2:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[ri] = rj
                deg[i] += 1
                deg[j] += 1
                adj[i].append(j)
                adj[j].append(i)
                taken += 1
                if taken == n - 1:
                    break
    # walk the fragments, hopping from a fragment's tail to the nearest free endpoint
    seen = [False] * n
    endpoints = np.array([deg[v] < 2 for v in range(n)])
    tour: list[int] = []
    cur = next(v for v in range(n) if deg[v] < 2)
    while True:
        # walk the fragment that starts at endpoint `cur`
        prev = -1
        while True:
            tour.append(cur)
            seen[cur] = True
            endpoints[cur] = False
            nxt = [w for w in adj[cur] if w != prev and not seen[w]]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
        if len(tour) == n:
            return tour
        row = np.where(endpoints, c[cur], np.inf)
        cur = int(np.argmin(row))


def _ils(c, tour0, fixed_below, seg_lengths, time_limit_s, seed, max_iterations, progress, cancelled,
         random_tour=None):
    """Iterated local search (2-opt + Or-opt, local double bridge) on a symmetric cost matrix.

    Returns (tour, iterations, cancelled). Edges costing less than ``fixed_below`` are fixed:
    kicks never cut them and no improving move can.
    """
    t_start = time.perf_counter()
    deadline = math.inf if time_limit_s is None else t_start + time_limit_s
    n = c.shape[0]
    if max_iterations is None and time_limit_s is None:
        max_iterations = 200 * n
    max_it = math.inf if max_iterations is None else max_iterations
    rng = random.Random(seed)
    neigh = _neighbour_lists(c, _NEIGHBOURS)
    D = c.tolist()
    t = list(tour0) if tour0 is not None else _greedy_tour(c, neigh)
    pos = [0] * n
    for i, v in enumerate(t):
        pos[v] = i
    real = c[(c > fixed_below) & (c < -fixed_below)]
    eps = 1e-9 * (float(np.abs(real).max()) if real.size else 1.0)

    queue: deque[int] = deque()
    inq = [False] * n

    def push(*nodes: int) -> None:
        for v in nodes:
            if not inq[v]:
                inq[v] = True
                queue.append(v)

    def reverse(i: int, j: int) -> None:
        """Reverse tour positions i..j (cyclic, inclusive), or the shorter complement."""
        length = (j - i) % n + 1
        if 2 * length > n:
            i, j = (j + 1) % n, (i - 1) % n
            length = n - length
        for _ in range(length // 2):
            a = t[i]
            b = t[j]
            t[i] = b
            pos[b] = i
            t[j] = a
            pos[a] = j
            i += 1
            if i == n:
                i = 0
            j -= 1
            if j < 0:
                j = n - 1

    def move_segment(i: int, j: int, c1: int, c2: int, rev: bool) -> None:
        """Move the segment at positions i..j between the adjacent places c1 -> c2."""
        seg_len = (j - i) % n + 1
        seg = [t[(i + k) % n] for k in range(seg_len)]
        if rev:
            seg.reverse()
        p2 = pos[c2]
        forward = (pos[c1] - j) % n  # places after the segment up to c1
        backward = (i - p2) % n  # places from c2 up to just before the segment
        if forward <= backward:
            new = [t[(j + 1 + k) % n] for k in range(forward)] + seg
            s = i
        else:
            new = seg + [t[(p2 + k) % n] for k in range(backward)]
            s = p2
        for v in new:
            t[s] = v
            pos[v] = s
            s += 1
            if s == n:
                s = 0

    def improve(a: int) -> float:
        """Apply the first improving 2-opt or Or-opt move around place a; return its gain."""
        Da = D[a]
        pa = pos[a]
        na = neigh[a]
        # 2-opt, a -> succ(a)
        b = t[pa + 1 if pa + 1 < n else 0]
        dab = Da[b]
        for cc in na:
            g1 = dab - Da[cc]
            if g1 <= eps:
                break
            pc = pos[cc]
            dd = t[pc + 1 if pc + 1 < n else 0]
            if dd == a:
                continue
            delta = g1 + D[cc][dd] - D[b][dd]
            if delta > eps:
                reverse(pos[b], pc)
                push(a, b, cc, dd)
                return delta
        # 2-opt, pred(a) -> a
        b = t[pa - 1]
        dab = Da[b]
        for cc in na:
            g1 = dab - Da[cc]
            if g1 <= eps:
                break
            pc = pos[cc]
            dd = t[pc - 1]
            if dd == a:
                continue
            delta = g1 + D[cc][dd] - D[b][dd]
            if delta > eps:
                reverse(pa, pos[dd])
                push(a, b, cc, dd)
                return delta
        # Or-opt: move a short segment that has a at one end
        for seg_len in seg_lengths:
            for backwards in (False, True) if seg_len > 1 else (False,):
                if backwards:
                    i = (pa - seg_len + 1) % n
                    j = pa
                else:
                    i = pa
                    j = (pa + seg_len - 1) % n
                s1 = t[i]
                e = t[j]
                p = t[i - 1]
                nx = t[j + 1 if j + 1 < n else 0]
                if nx == p or nx == s1:
                    continue
                Ds1 = D[s1]
                De = D[e]
                g = D[p][s1] + De[nx] - D[p][nx]
                if g <= eps:
                    continue
                seg = (s1, e) if seg_len < 3 else tuple(t[(i + k) % n] for k in range(seg_len))
                for cc in neigh[s1]:
                    dsc = Ds1[cc]
                    if dsc >= g:
                        break
                    if cc in seg:
                        continue
                    Dc = D[cc]
                    pc = pos[cc]
                    c2 = t[pc + 1 if pc + 1 < n else 0]
                    if c2 not in seg:  # cc, s1..e, c2
                        delta = g - dsc - De[c2] + Dc[c2]
                        if delta > eps:
                            move_segment(i, j, cc, c2, False)
                            push(p, nx, s1, e, cc, c2)
                            return delta
                    c0 = t[pc - 1]
                    if c0 not in seg:  # c0, e..s1, cc
                        delta = g - D[c0][e] - dsc + D[c0][cc]
                        if delta > eps:
                            move_segment(i, j, c0, cc, True)
                            push(p, nx, s1, e, cc, c0)
                            return delta
                for cc in neigh[e]:
                    dec = De[cc]
                    if dec >= g:
                        break
                    if cc in seg:
                        continue
                    Dc = D[cc]
                    pc = pos[cc]
                    c0 = t[pc - 1]
                    if c0 not in seg:  # c0, s1..e, cc
                        delta = g - D[c0][s1] - dec + D[c0][cc]
                        if delta > eps:
                            move_segment(i, j, c0, cc, False)
                            push(p, nx, s1, e, cc, c0)
                            return delta
                    c2 = t[pc + 1 if pc + 1 < n else 0]
                    if c2 not in seg:  # cc, e..s1, c2
                        delta = g - dec - Ds1[c2] + Dc[c2]
                        if delta > eps:
                            move_segment(i, j, cc, c2, True)
                            push(p, nx, s1, e, cc, c2)
                            return delta
        return 0.0

    def local_search() -> float:
        gain = 0.0
        while queue:
            a = queue.popleft()
            inq[a] = False
            gain += improve(a)
        return gain

    # kick segments are whole places: one node, or two in the doubled matrix
    unit = seg_lengths[0]
    seg_max = max(1, min(n // unit // 2, 30))

    def kick() -> float:
        """Swap two short adjacent segments (a double bridge confined to a window)."""
        for _ in range(50):
            p0 = rng.randrange(n)
            l1 = unit * rng.randint(1, seg_max)
            l2 = unit * rng.randint(1, seg_max)
            if l1 + l2 + 2 > n:
                continue
            a = t[p0]
            b0 = t[(p0 + 1) % n]
            b1 = t[(p0 + l1) % n]
            c0 = t[(p0 + l1 + 1) % n]
            c1 = t[(p0 + l1 + l2) % n]
            d0 = t[(p0 + l1 + l2 + 1) % n]
            if D[a][b0] < fixed_below or D[b1][c0] < fixed_below or D[c1][d0] < fixed_below:
                continue
            delta = D[a][c0] + D[c1][b0] + D[b1][d0] - D[a][b0] - D[b1][c0] - D[c1][d0]
            s = (p0 + 1) % n
            block = [t[(s + k) % n] for k in range(l1 + l2)]
            for v in block[l1:] + block[:l1]:
                t[s] = v
                pos[v] = s
                s += 1
                if s == n:
                    s = 0
            push(a, b0, b1, c0, c1, d0)
            return delta
        return 0.0

    def length_of(tour: list[int]) -> float:
        return sum(D[tour[k - 1]][tour[k]] for k in range(n))

    push(*t)
    local_search()
    cur = length_of(t)
    saved_t = t[:]
    saved_pos = pos[:]
    best = cur
    best_t = t[:]
    stall = 0
    stall_limit = _STALL_FACTOR * n
    last_best = 0
    patience = max(_PATIENCE_MIN, _PATIENCE_FACTOR * n)
    iterations = 0
    restarts = 0
    restart_patience = max(1500, 30 * n)
    stopped = False
    next_report = time.perf_counter() + 0.1
    while iterations < max_it:
        now = time.perf_counter()
        if now >= deadline:
            break
        if cancelled is not None and cancelled():
            stopped = True
            break
        if progress is not None and now >= next_report:
            next_report = now + 0.1
            if time_limit_s is not None:
                frac = (now - t_start) / time_limit_s
            else:
                frac = iterations / max_it
            progress(min(0.99, frac), f"improving the order (iteration {iterations})")
        iterations += 1
        delta = kick()
        new = cur + delta - local_search()
        if new < best - eps:
            best = new
            best_t[:] = t
            stall = 0
            last_best = iterations
        else:
            stall += 1
            can_restart = time_limit_s is not None and max_iterations is None
            if not can_restart:
                if iterations - last_best >= patience:
                    break
            elif iterations - last_best >= (patience if random_tour is None and not restarts else restart_patience):
                # time is left: restart, alternately from a random tour and from the best tour
                # shaken by many kicks at once (the best is kept either way)
                if restarts % 2 == 0 and random_tour is not None:
                    t[:] = random_tour(rng)
                else:
                    t[:] = best_t
                for i, v in enumerate(t):
                    pos[v] = i
                queue.clear()
                inq[:] = [False] * n
                if restarts % 2 == 1 or random_tour is None:
                    for _ in range(max(8, n // 8)):
                        kick()
                push(*t)
                local_search()
                cur = length_of(t)
                saved_t[:] = t
                saved_pos[:] = pos
                last_best = iterations
                stall = 0
                restarts += 1
                if cur < best - eps:
                    best = cur
                    best_t[:] = t
                continue
        # Accept "no worse than the current tour"; after a long stall accept one worse tour,
        # a random-walk step that lets the search leave a deep local optimum.
        if new <= cur + eps or stall >= stall_limit:
            if stall >= stall_limit:
                stall = 0
            cur = new
            saved_t[:] = t
            saved_pos[:] = pos
        else:
            t[:] = saved_t
            pos[:] = saved_pos
    return best_t, iterations, stopped
