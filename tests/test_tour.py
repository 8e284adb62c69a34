"""Tests of the ordering core (solve_tour) and the orienteering solver (solve_optw)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.errors import PlannerError
from planner.optimize import TourInputError, solve_tour, solve_tour_result, tour_length
from planner.optimize.optw import optw_schedule, solve_optw

# burma14 (TSPLIB, GEO coordinates DDD.MM); published optimum 3323
BURMA14 = [
    (16.47, 96.10), (16.47, 94.44), (20.09, 92.54), (22.39, 93.37), (25.23, 97.24), (22.00, 96.05),
    (20.47, 97.02), (17.20, 96.29), (16.30, 97.38), (14.05, 98.12), (16.53, 97.38), (21.52, 95.59),
    (19.41, 97.13), (20.09, 94.55),
]  # fmt: skip


def geo_matrix(coords) -> np.ndarray:
    """TSPLIB GEO distances (truncated degrees, PI = 3.141592, RRR = 6378.388)."""
    xy = np.array(coords)
    deg = np.trunc(xy)
    rad = 3.141592 * (deg + 5.0 * (xy - deg) / 3.0) / 180.0
    lat, lon = rad[:, 0], rad[:, 1]
    q1 = np.cos(lon[:, None] - lon[None, :])
    q2 = np.cos(lat[:, None] - lat[None, :])
    q3 = np.cos(lat[:, None] + lat[None, :])
    d = np.trunc(6378.388 * np.arccos(np.clip(0.5 * ((1 + q1) * q2 - (1 - q1) * q3), -1, 1)) + 1.0)
    np.fill_diagonal(d, 0)
    return d


def brute_force(d: np.ndarray, start: int, end: int | None) -> float:
    n = len(d)
    fixed = end is not None and end != start
    middle = [v for v in range(n) if v != start and not (fixed and v == end)]
    tail = [end] if fixed else []
    return min(tour_length(d, [start, *p, *tail], end) for p in itertools.permutations(middle))


def is_valid(order, n, start, end) -> bool:
    return sorted(order) == list(range(n)) and order[0] == start and (end is None or end == start or order[-1] == end)


CASES = [
    (n, symmetric, kind, seed)
    for n in (1, 2, 3, 5, 7, 8)
    for symmetric in (True, False)
    for kind in ("closed", "open", "fixed")
    for seed in range(2)
]


@pytest.mark.parametrize(("n", "symmetric", "kind", "seed"), CASES)
def test_small_instances_match_brute_force(n, symmetric, kind, seed):
    rng = np.random.default_rng(1000 * n + seed)
    d = rng.integers(0, 100, (n, n)).astype(float)
    if symmetric:
        d = d + d.T
    start = int(rng.integers(n))
    end = {"closed": start, "open": None, "fixed": int((start + 1 + rng.integers(max(n - 1, 1))) % n)}[kind]
    if kind == "fixed" and n == 1:
        end = start
    best = brute_force(d, start, end)
    exact = solve_tour_result(d, start, end)
    assert is_valid(exact.order, n, start, end)
    assert exact.length == pytest.approx(best)
    assert tour_length(d, exact.order, end) == pytest.approx(best)
    if n >= 6:
        # the iterated local search alone (run with an iteration cap, hence deterministic)
        heur = solve_tour_result(d, start, end, time_limit_s=None, max_iterations=300, method="heuristic")
        assert heur.method == "ils"
        assert is_valid(heur.order, n, start, end)
        assert heur.length == pytest.approx(best)


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 30),
    data=st.data(),
    symmetric=st.booleans(),
)
def test_order_is_a_permutation_from_start_to_end(n, data, symmetric):
    values = data.draw(st.lists(st.integers(0, 1000), min_size=n * n, max_size=n * n))
    d = np.array(values, dtype=float).reshape(n, n)
    if symmetric:
        d = d + d.T
    start = data.draw(st.integers(0, n - 1))
    end = data.draw(st.one_of(st.none(), st.integers(0, n - 1)))
    order = solve_tour(d, start, end, time_limit_s=None, max_iterations=20, seed=data.draw(st.integers(0, 9)))
    assert is_valid(order, n, start, end)


def test_burma14_reaches_the_published_optimum():
    d = geo_matrix(BURMA14)
    exact = solve_tour_result(d)
    assert exact.optimal and exact.method == "exact"
    assert exact.length == 3323
    heur = solve_tour_result(d, time_limit_s=None, max_iterations=2000, method="heuristic")
    assert heur.length == 3323


def test_same_seed_same_order_when_iterations_cap_the_search():
    rng = np.random.default_rng(7)
    xy = rng.random((60, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    a = solve_tour(d, 0, None, time_limit_s=None, max_iterations=200, seed=3)
    b = solve_tour(d, 0, None, time_limit_s=None, max_iterations=200, seed=3)
    assert a == b


def test_asymmetric_heuristic_beats_nothing_worse_than_nearest_neighbour():
    rng = np.random.default_rng(11)
    d = rng.integers(1, 1000, (40, 40)).astype(float)
    res = solve_tour_result(d, 0, 0, time_limit_s=None, max_iterations=200)
    # nearest-neighbour tour from 0 as a floor the search must not lose to
    left, cur, nn = set(range(1, 40)), 0, [0]
    while left:
        cur = min(left, key=lambda v: d[cur, v])
        left.remove(cur)
        nn.append(cur)
    assert is_valid(res.order, 40, 0, 0)
    assert res.length <= tour_length(d, nn, 0)


@pytest.mark.parametrize("end", [0, None, 59])
def test_asymmetric_order_has_no_improving_segment_move_priced_on_the_directed_matrix(end):
    """One-way costs: no run of 1-3 places moved elsewhere (forwards or reversed) shortens the order."""
    rng = np.random.default_rng(5)
    n = 60
    xy = rng.uniform(0, 100, (n, 2))
    climb = np.maximum(rng.uniform(0, 30, n)[None, :] - rng.uniform(0, 30, n)[:, None], 0)
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) + climb
    np.fill_diagonal(d, 0)
    res = solve_tour_result(d, 0, end, time_limit_s=None, max_iterations=20, method="heuristic")
    order = res.order
    assert is_valid(order, n, 0, end)
    path = order + [0] if end == 0 else list(order)

    def length(p):
        return sum(d[p[k], p[k + 1]] for k in range(len(p) - 1))

    best = length(path)
    last = len(path) - 1 if end is not None else len(path)  # an open path's last place may move
    for size in (1, 2, 3):
        for i in range(1, last - size + 1):
            run = path[i : i + size]
            rest = path[:i] + path[i + size :]
            for k in range(1, len(rest) + (0 if end is not None else 1)):
                for r in (run, run[::-1]):
                    cand = rest[:k] + r + rest[k:]
                    assert length(cand) >= best - 1e-6


@pytest.mark.parametrize(
    ("matrix", "start", "end", "words"),
    [
        ([[0, 1, 2], [1, 0, 3]], 0, 0, "square"),
        ([], 0, 0, "square"),
        ([[0, math.nan], [1, 0]], 0, 0, "NaN"),
        ([[0, -1], [1, 0]], 0, 0, "negative"),
        ([[0, math.inf], [1, 0]], 0, 0, "infinite"),
        ([["a", 1], [1, 0]], 0, 0, "numbers"),
        ([[0, 1], [1, 0]], 2, 0, "start"),
        ([[0, 1], [1, 0]], 0, -1, "end"),
        ([[0, 1], [1, 0]], 0.5, 0, "start"),
        ([[0, 1], [1, 0]], True, 0, "start"),
    ],
)
def test_bad_input_raises_a_clear_value_error(matrix, start, end, words):
    with pytest.raises(ValueError, match=words) as info:
        solve_tour(matrix, start, end)
    assert isinstance(info.value, PlannerError)


def test_bad_limits_raise():
    with pytest.raises(TourInputError, match="time_limit_s"):
        solve_tour([[0, 1], [1, 0]], time_limit_s=0)
    with pytest.raises(TourInputError, match="max_iterations"):
        solve_tour([[0, 1], [1, 0]], max_iterations=-1)


def test_cancel_returns_a_valid_order_and_progress_reaches_one():
    rng = np.random.default_rng(5)
    xy = rng.random((80, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    seen = []
    res = solve_tour_result(d, 4, 9, time_limit_s=30, cancelled=lambda: True, progress=lambda f, m: seen.append(f))
    assert res.cancelled
    assert is_valid(res.order, 80, 4, 9)
    assert seen[0] == 0.0 and seen[-1] == 1.0
    assert all(0.0 <= f <= 1.0 for f in seen)


def test_tour_length_conventions():
    d = [[0, 1, 5], [2, 0, 1], [1, 9, 0]]
    assert tour_length(d, [0, 1, 2], 0) == 1 + 1 + 1  # closed
    assert tour_length(d, [0, 1, 2], None) == 2  # open
    assert tour_length(d, [0, 1, 2], 2) == 2  # path to a fixed end
    with pytest.raises(ValueError, match="fixed end"):
        tour_length(d, [0, 2, 1], 2)


# ---------------------------------------------------------------------------------------------
# orienteering with time windows


def tiny_optw(seed: int):
    rng = np.random.default_rng(seed)
    n = 8
    xy = rng.random((n, 2)) * 50
    travel = np.round(np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)))
    service = np.r_[0, rng.integers(5, 15, n - 1)].astype(float)
    score = np.r_[0, rng.integers(1, 10, n - 1)].astype(float)
    open_t = np.r_[0, rng.integers(0, 100, n - 1)].astype(float)
    close_t = open_t + np.r_[200, rng.integers(10, 60, n - 1)]
    return travel, service, score, open_t, close_t, 160.0


def brute_force_optw(travel, service, score, open_t, close_t, horizon):
    n = len(score)
    best = 0.0
    for k in range(1, n):
        for subset in itertools.combinations(range(1, n), k):
            value = score[list(subset)].sum()
            if value <= best:
                continue
            for perm in itertools.permutations(subset):
                route = [0, *perm, 0]
                if optw_schedule(travel, route, service=service, open_times=open_t, close_times=close_t,
                                 horizon=horizon) is not None:  # fmt: skip
                    best = value
                    break
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_optw_tiny_instance_matches_brute_force(seed):
    travel, service, score, open_t, close_t, horizon = tiny_optw(seed)
    best = brute_force_optw(travel, service, score, open_t, close_t, horizon)
    res = solve_optw(
        travel, score, service=service, open_times=open_t, close_times=close_t, horizon=horizon,
        time_limit_s=None, max_iterations=60, seed=0,
    )  # fmt: skip
    assert res.route[0] == 0 and res.route[-1] == 0
    assert len(set(res.route[1:-1])) == len(res.route) - 2
    st_times = optw_schedule(travel, res.route, service=service, open_times=open_t, close_times=close_t,
                             horizon=horizon)  # fmt: skip
    assert st_times is not None  # feasible
    assert res.score == best
    assert res.score == score[res.route[1:-1]].sum()
