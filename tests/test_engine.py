"""The one search core (planner.optimize.engine): budget, loop, exact order, and every solver on it."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from planner.optimize import solve_tour_result
from planner.optimize.engine import Control, held_karp_path, iterate, path_length, solve_days
from planner.optimize.optw import solve_optw


def _points(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    p = rng.random((n, 2)) * 100
    return np.hypot(*(p[:, None, :] - p[None, :, :]).transpose(2, 0, 1))


def test_control_counts_iterations_and_stops_at_the_cap():
    c = Control(None, 5, seed=1)
    steps = 0
    while c.step():
        steps += 1
    assert steps == 5 and c.it == 5 and not c.stopped


def test_control_cancel_sets_stopped_and_reports_inside_its_span():
    calls = []
    polls = iter([False, False, True])
    c = Control(None, 100, progress=lambda f, m: calls.append((f, m)), cancelled=lambda: next(polls),
                span=(0.2, 0.6))
    c.report("x", force=True)
    n = 0
    while c.step("working"):
        n += 1
    assert n == 2 and c.stopped
    assert calls and all(0.2 <= f <= 0.6 for f, _ in calls)


def test_control_same_seed_same_random_choices():
    assert Control(None, 1, seed=7).rng.random() == Control(None, 1, seed=7).rng.random()


def test_iterate_finds_the_minimum_of_a_toy_landscape_and_restarts():
    # minimise (x - 37)^2 over integers with random kicks; local search = one step downhill
    def f(x):
        return (x - 37) ** 2

    control = Control(None, 500, seed=3)
    restarts = []

    def improve(x):
        while min(f(x - 1), f(x + 1)) < f(x):
            x = x - 1 if f(x - 1) < f(x + 1) else x + 1
        return x

    def restart(best, k):
        restarts.append(k)
        return improve(control.rng.randrange(-1000, 1000)) if k < 2 else None

    out = iterate(
        improve(900),
        control,
        perturb=lambda x, stall: x + control.rng.randint(-50, 50),
        improve=improve,
        better=lambda a, b: f(a) < f(b),
        accept=lambda cand, cur, best, stall: best,
        copy=lambda x: x,
        patience=20,
        restart=restart,
    )
    assert out.best == 37
    assert restarts == [0, 1, 2] and out.reason == "patience"


def test_iterate_ends_when_finished_says_nothing_better_exists():
    control = Control(None, 1000)
    out = iterate(5, control, perturb=lambda x, s: x - 1, improve=lambda x: x, better=lambda a, b: a < b,
                  accept=lambda c, cur, b, s: c, copy=lambda x: x, finished=lambda x: x <= 0)
    assert out.best == 0 and out.reason == "done" and out.iterations == 5


def test_held_karp_matches_brute_force_on_an_asymmetric_matrix():
    rng = random.Random(4)
    n = 7
    d = np.array([[0 if i == j else rng.randint(1, 50) for j in range(n)] for i in range(n)], dtype=float)
    for end in (0, None, 3):
        order = held_karp_path(d, 0, end)
        free = [v for v in range(n) if v != 0 and v != (end if end not in (None, 0) else -1)]

        def length(o):
            total = sum(d[o[k], o[k + 1]] for k in range(len(o) - 1))
            return total + (d[o[-1], 0] if end == 0 else 0.0)

        tail = [end] if end not in (None, 0) else []
        best = min(length([0, *p, *tail]) for p in itertools.permutations(free))
        assert order[0] == 0 and sorted(order) == list(range(n))
        assert length(order) == pytest.approx(best)


@pytest.mark.parametrize("solver", ["tour", "optw", "days"])
def test_every_solver_stops_on_cancel_with_its_best_so_far(solver):
    d = _points(60, 2)
    polls = {"n": 0}

    def cancelled():
        polls["n"] += 1
        return polls["n"] > 3

    if solver == "tour":
        r = solve_tour_result(d, 0, 0, time_limit_s=30, cancelled=cancelled, method="heuristic")
        assert r.cancelled and sorted(r.order) == list(range(60))
    elif solver == "optw":
        r = solve_optw(d, np.ones(60), start=0, horizon=400.0, time_limit_s=30, cancelled=cancelled)
        assert r.cancelled and r.route[0] == 0 and r.route[-1] == 0
    else:
        r = solve_days(d, np.r_[0.0, 0.0, np.ones(58)], [300.0, 300.0], start=0, end=1, hotels=[0, 1],
                       time_limit_s=30, cancelled=cancelled)
        assert r.cancelled
        for k, day in enumerate(r.days):
            assert path_length(d.tolist(), [r.nights[k], *day, r.nights[k + 1]]) <= 300.0 + 1e-9
    assert polls["n"] >= 4


@pytest.mark.parametrize("solver", ["tour", "optw", "days"])
def test_every_solver_repeats_itself_for_a_seed(solver):
    d = _points(40, 9)
    if solver == "tour":
        def run():
            return solve_tour_result(d, 0, 0, time_limit_s=None, max_iterations=200, seed=5,
                                     method="heuristic").order
    elif solver == "optw":
        def run():
            return solve_optw(d, np.arange(40.0), start=0, horizon=250.0, time_limit_s=None,
                              max_iterations=80, seed=5).route
    else:
        def run():
            r = solve_days(d, np.r_[0.0, 0.0, np.arange(38.0)], [150.0, 150.0], start=0, end=1,
                           hotels=[0, 1], time_limit_s=None, max_iterations=80, seed=5)
            return r.days
    assert run() == run()
