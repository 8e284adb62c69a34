"""Orienteering with time windows: one route that collects the most score within its time budget."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.optimize.engine import Control, check_matrix, iterate, polish_path
from planner.optimize.tour import TourInputError

__all__ = ["OptwResult", "optw_schedule", "solve_optw"]

Progress = Callable[[float, str], None]
Cancelled = Callable[[], bool]

_EPS = 1e-7


@dataclass(frozen=True)
class OptwResult:
    """What :func:`solve_optw` found.

    Attributes
    ----------
    route : list[int]
        Places in visiting order, from ``start`` to ``end`` (both included; a round trip lists
        the depot at both ends).
    score : float
        Total score of the visited places (the depot's own scores are not counted).
    service_start : list[float]
        When service begins at each place of ``route`` (for the depots: departure / arrival).
    travel : float
        Total travel time of the route.
    iterations : int
        Perturbation iterations performed.
    seconds : float
        Wall time spent.
    cancelled : bool
        True when ``cancelled()`` stopped the search (``route`` is the best found so far).
    """

    route: list[int]
    score: float
    service_start: list[float]
    travel: float
    iterations: int
    seconds: float
    cancelled: bool = False


def optw_schedule(
    travel,
    route: Sequence[int],
    *,
    service=None,
    open_times=None,
    close_times=None,
    day_start: float = 0.0,
    horizon: float = math.inf,
) -> list[float] | None:
    """Earliest service start at each place of ``route``, or None when a window or the horizon is broken.

    Service at a place begins at ``max(arrival, open)`` and must begin no later than ``close``
    (waiting is allowed); the route leaves ``route[0]`` at ``day_start`` and must reach
    ``route[-1]`` by ``horizon``.
    """
    t = np.asarray(travel, dtype=float)
    n = t.shape[0]
    svc = np.zeros(n) if service is None else np.asarray(service, dtype=float)
    op = np.full(n, -math.inf) if open_times is None else np.asarray(open_times, dtype=float)
    cl = np.full(n, math.inf) if close_times is None else np.asarray(close_times, dtype=float)
    return _schedule(t.tolist(), svc.tolist(), op.tolist(), cl.tolist(), list(route), day_start, horizon)


def _schedule(T, svc, op, cl, route, day_start, horizon):
    starts = [day_start]
    now = day_start
    last = len(route) - 1
    for k in range(1, len(route)):
        prev, cur = route[k - 1], route[k]
        now = now + svc[prev] + T[prev][cur]
        if k == last:
            if now > horizon + _EPS:
                return None
        else:
            now = max(now, op[cur])
            if now > cl[cur] + _EPS:
                return None
        starts.append(now)
    return starts


def solve_optw(
    travel,
    score,
    *,
    service=None,
    open_times=None,
    close_times=None,
    start: int = 0,
    end: int | None = None,
    day_start: float = 0.0,
    horizon: float | None = None,
    max_duration: float | None = None,
    time_limit_s: float | None = 1.0,
    seed: int = 0,
    max_iterations: int | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> OptwResult:
    """Choose and order places to maximise the collected score within time windows and a budget.

    Parameters
    ----------
    travel : array_like, shape (n, n)
        Travel time from row to column (non-negative, finite; may be asymmetric).
    score : array_like, shape (n,)
        Score of visiting each place (non-negative). The depots' scores are ignored.
    service : array_like, shape (n,), optional
        Time spent at each place (default 0).
    open_times, close_times : array_like, shape (n,), optional
        Earliest and latest start of service at each place (defaults: no window). Arriving
        early means waiting until ``open``.
    start, end : int
        Depots: the route leaves ``start`` and finishes at ``end`` (default: ``start``).
    day_start : float
        Departure time from ``start``.
    horizon : float, optional
        Latest arrival at ``end`` (default: ``close_times[end]``, or no limit).
    max_duration : float, optional
        Longest route, from ``day_start`` to the arrival at ``end``; tightens ``horizon``.
    time_limit_s : float or None
        Wall-time budget. ``None``: stop by ``max_iterations`` only (default then ``100 * n``).
    seed : int
        Seed of the random perturbations; deterministic for a seed when the time limit does not
        stop the search.
    max_iterations : int, optional
        Cap on perturbation iterations.
    progress, cancelled : callable, optional
        ``progress(fraction, message)`` and ``cancelled() -> bool`` as for ``solve_tour``.

    Returns
    -------
    OptwResult

    Notes
    -----
    The engine's iterated local search (:func:`planner.optimize.engine.iterate`) with the moves
    of Vansteenwegen et al. (2009) for time windows: greedy insertion by
    ``score**2 / time shift`` with O(1) feasibility checks (wait and max-shift bookkeeping),
    relocation moves that shorten the route to make room, a swap of one visited place for a
    better unvisited one, and a perturbation that removes a random run of consecutive visits.
    """
    t0 = time.perf_counter()
    T = _square(travel)
    n = T.shape[0]
    svc = _vector(service, n, "service", 0.0)
    sc = _vector(score, n, "score", None)
    op = _vector(open_times, n, "open_times", -math.inf, allow_inf=True)
    cl = _vector(close_times, n, "close_times", math.inf, allow_inf=True)
    if (sc < 0).any() or (svc < 0).any():
        raise TourInputError("scores and service times must be non-negative")
    for name, v in (("start", start), ("end", end)):
        if v is not None and (isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < n):
            raise TourInputError(f"{name} = {v!r} is not a place index below {n}")
    end = start if end is None else int(end)
    start = int(start)
    if horizon is None:
        horizon = float(cl[end]) if math.isfinite(cl[end]) else math.inf
    if max_duration is not None:
        horizon = min(horizon, day_start + max_duration)
    deadline = math.inf if time_limit_s is None else t0 + time_limit_s

    depots = {start, end}
    candidates = np.array([v for v in range(n) if v not in depots], dtype=int)
    Tl = T.tolist()
    svcl = svc.tolist()
    opl = op.tolist()
    cll = cl.tolist()
    scl = [0.0 if v in depots else float(sc[v]) for v in range(n)]
    sc2 = np.where(np.isin(np.arange(n), list(depots)), 0.0, sc.astype(float) ** 2)

    def route_score(route: list[int]) -> float:
        return sum(scl[v] for v in route[1:-1])

    def route_travel(route: list[int]) -> float:
        return sum(Tl[route[k - 1]][route[k]] for k in range(1, len(route)))

    def times(route: list[int]):
        """Service starts, waits and max-shifts along a feasible route."""
        st = _schedule(Tl, svcl, opl, cll, route, day_start, horizon)
        L = len(route)
        arrive = [day_start] + [st[k - 1] + svcl[route[k - 1]] + Tl[route[k - 1]][route[k]] for k in range(1, L)]
        wait = [st[k] - arrive[k] for k in range(L)]
        ms = [0.0] * L
        ms[L - 1] = horizon - arrive[L - 1]
        for k in range(L - 2, 0, -1):
            ms[k] = min(cll[route[k]] - st[k], wait[k + 1] + ms[k + 1])
        ms[0] = wait[1] + ms[1] if L > 1 else 0.0
        return np.array(st), np.array(wait), np.array(ms)

    def insertion_table(route: list[int], nodes: np.ndarray):
        """Time shift and feasibility of inserting each of ``nodes`` after each route position."""
        st, wait, ms = times(route)
        r = np.array(route)
        a, b = r[:-1], r[1:]
        tab = T[a][:, nodes]  # (positions, nodes)
        arrive = (st[:-1] + svc[a])[:, None] + tab
        begin = np.maximum(arrive, op[nodes][None, :])
        shift = tab + (begin - arrive) + svc[nodes][None, :] + T[nodes][:, b].T - T[a, b][:, None]
        ok = (begin <= cl[nodes][None, :] + _EPS) & (shift <= (wait[1:] + ms[1:])[:, None] + _EPS)
        return shift, ok

    def insert_all(route: list[int], visited: np.ndarray) -> list[int]:
        """Greedy insertion by score² / shift until nothing fits."""
        while True:
            free = candidates[~visited[candidates]]
            if free.size == 0:
                return route
            shift, ok = insertion_table(route, free)
            if not ok.any():
                return route
            ratio = np.where(ok, sc2[free][None, :] / np.maximum(shift, 1e-9), -1.0)
            p, j = np.unravel_index(int(np.argmax(ratio)), ratio.shape)
            v = int(free[j])
            route.insert(int(p) + 1, v)
            visited[v] = True

    def end_time(route: list[int]) -> float:
        return _schedule(Tl, svcl, opl, cll, route, day_start, horizon)[-1]

    def shorten(route: list[int]) -> list[int]:
        """Relocate single visits to their cheapest place while that makes the route end earlier."""
        best_end = end_time(route)
        improved = True
        while improved:
            improved = False
            for i in range(1, len(route) - 1):
                v = route[i]
                base = route[:i] + route[i + 1 :]
                shift, ok = insertion_table(base, np.array([v]))
                shift = np.where(ok[:, 0], shift[:, 0], np.inf)
                shift[i - 1] = np.inf  # where it came from
                p = int(np.argmin(shift))
                if not math.isfinite(shift[p]):
                    continue
                cand = base[: p + 1] + [v] + base[p + 1 :]
                e = end_time(cand)
                if e < best_end - _EPS:
                    route, best_end, improved = cand, e, True
                    break
        return route

    def swap(route: list[int], visited: np.ndarray) -> bool:
        """Replace one visit by an unvisited place of higher score, if the route stays feasible."""
        free = candidates[~visited[candidates]]
        if free.size == 0:
            return False
        st, wait, ms = times(route)
        for i in sorted(range(1, len(route) - 1), key=lambda k: scl[route[k]]):
            v, prev, nxt = route[i], route[i - 1], route[i + 1]
            cand = free[sc[free] > scl[v] + _EPS]
            if cand.size == 0:
                continue
            arrive = st[i - 1] + svc[prev] + T[prev, cand]
            begin = np.maximum(arrive, op[cand])
            shift = begin + svc[cand] + T[cand, nxt] - (st[i + 1] - wait[i + 1])
            ok = (begin <= cl[cand] + _EPS) & (shift <= wait[i + 1] + ms[i + 1] + _EPS)
            if ok.any():
                # the highest score, then the smallest shift
                key = np.where(ok, sc[cand] * 1e9 - shift, -np.inf)
                u = int(cand[int(np.argmax(key))])
                route[i] = u
                visited[v] = False
                visited[u] = True
                return True
        return False

    def local_opt(route: list[int], visited: np.ndarray) -> list[int]:
        route = insert_all(route, visited)
        for _ in range(50):
            before = route_score(route)
            route = shorten(route)
            route = insert_all(route, visited)
            if swap(route, visited):
                route = insert_all(route, visited)
            if route_score(route) <= before + _EPS:
                break
        return route

    def polish(route: list[int]) -> list[int] | None:
        """The route reordered by the engine's path moves, when it still keeps every window and ends sooner."""
        if len(route) < 4:
            return None
        P = list(route)
        polish_path(Tl, P, deadline=min(deadline, time.perf_counter() + 0.05))
        if P == route:
            return None
        st_new = _schedule(Tl, svcl, opl, cll, P, day_start, horizon)
        if st_new is None or st_new[-1] >= end_time(route) - _EPS:
            return None
        return P

    base = [start, end]
    if _schedule(Tl, svcl, opl, cll, base, day_start, horizon) is None:
        raise TourInputError("the route cannot even go from start to end within the horizon")
    visited = np.zeros(n, dtype=bool)
    visited[list(depots)] = True

    def key(route: list[int]) -> tuple[float, float]:
        return (route_score(route), -route_travel(route))

    def better(a: list[int], b: list[int]) -> bool:
        ka, kb = key(a), key(b)
        return ka[0] > kb[0] + _EPS or (ka[0] > kb[0] - _EPS and ka[1] > kb[1] + _EPS)

    def perturb(cur: list[int], stall: int) -> list[int]:
        """Remove a random run of consecutive visits and re-insert greedily (the others first)."""
        inner = len(cur) - 2
        if inner > 0:
            r = rng.randint(1, max(1, min(inner, (inner + 2) // 3)))
            s = rng.randint(1, inner - r + 1)
            removed = cur[s : s + r]
            cur = cur[:s] + cur[s + r :]
            visited[:] = False
            visited[list(depots)] = True
            visited[cur] = True
            # removed places may come back, but only after others had their chance
            visited[removed] = True
            cur = insert_all(cur, visited)
            visited[removed] = False
            visited[cur] = True
        return cur

    def on_best(route: list[int]) -> list[int]:
        """A new best: the engine's 2-opt/Or-opt may free time for one more place."""
        polished = polish(route)
        if polished is not None:
            route = local_opt(polished, visited)
        return route

    def accept(cand: list[int], cur: list[int], best: list[int], stall: int) -> list[int]:
        """Go on from the new route; back to the best route now and then."""
        return list(best) if stall > 0 and stall % max(20, n // 2) == 0 else cand

    control = Control(time_limit_s, max_iterations, seed, progress, cancelled, t0=t0, default_iterations=100 * n)
    rng = control.rng
    cur = local_opt(list(base), visited)
    out = iterate(
        cur,
        control,
        perturb=perturb,
        improve=lambda route: local_opt(route, visited),
        better=better,
        accept=accept,
        copy=list,
        on_best=on_best,
        message=lambda best: f"choosing places (iteration {control.it}, score {route_score(best):g})",
    )
    best = out.best
    iterations = out.iterations
    stopped = control.stopped
    st = _schedule(Tl, svcl, opl, cll, best, day_start, horizon)
    if progress is not None:
        progress(1.0, "route found")
    return OptwResult(best, route_score(best), st, route_travel(best), iterations, time.perf_counter() - t0, stopped)


def _square(matrix) -> np.ndarray:
    t = check_matrix(matrix, "travel matrix", TourInputError)
    if not np.isfinite(t).all():
        raise TourInputError("the travel matrix must hold finite, non-negative times")
    return t


def _vector(values, n: int, name: str, default, allow_inf: bool = False) -> np.ndarray:
    if values is None:
        if default is None:
            raise TourInputError(f"{name} is required")
        return np.full(n, default, dtype=float)
    v = np.asarray(values, dtype=float)
    if v.shape != (n,):
        raise TourInputError(f"{name} must have one value per place ({n}), got shape {v.shape}")
    if np.isnan(v).any() or (not allow_inf and not np.isfinite(v).all()):
        raise TourInputError(f"{name} must hold finite numbers")
    return v
