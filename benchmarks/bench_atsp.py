"""Asymmetric tours: ``planner.optimize.solve_tour`` against OR-Tools on directed travel matrices.

Run from the repository root::

    .venv/bin/python benchmarks/bench_atsp.py            # 16 instances, 30-150 places
    .venv/bin/python benchmarks/bench_atsp.py --sizes 30 60 --limit-scale 0.5

Mountain roads and rail timetables make travel times directed. Four kinds of instance, built
the same way on every machine (seeded):

* ``gz-N``: N places of QianTu's own Guizhou network (``load_network``), travel minutes by road
  and rail (``drive+rail``), in tenths of a minute. Rail legs follow timetables, so about 13 %
  of the pairs differ by direction (up to 5 minutes).
* ``hill-N``: the first N cities of TSPLIB gr229 (geographic distances, km) plus a climbing
  cost: ``d(i, j) = geo(i, j) + 0.5 * max(0, h[j] - h[i])`` with seeded heights ``h`` of
  0-800 (a road up costs more than the road down).

* ``rand-N``: uniformly random integer costs 0-999 in each direction (the hardest class for
  tour moves: no triangle inequality, no geometry).
* ``oneway-N``: N random points in a 1000 x 1000 square, Euclidean distances, where 30 % of the
  directed pairs take a detour of 2.5 times the distance (one-way streets, a mountain road
  closed downhill).

No proven optima exist for these, so the reference is the best tour any solver found in this
run, including OR-Tools given 3x the time. Each solver gets the same wall-time limit (2 s up
to 60 places, 5 s at 100, 10 s at 150); the anchor is OR-Tools routing with guided local search
(PATH_CHEAPEST_ARC start) at that limit. Every tour is re-checked (a permutation, its length
recomputed here). The last lines print the mean gap of each solver and QianTu's length and time
as ratios against the anchor.
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_tsplib import distance_matrix, read_tsplib, run_ortools, shared_dir  # noqa: E402

from planner.optimize import solve_tour_result  # noqa: E402

ANCHOR = "ortools"


def limit_for(n: int, scale: float) -> float:
    return scale * (2.0 if n <= 60 else 5.0 if n <= 100 else 10.0)


@functools.lru_cache(maxsize=1)
def _network():
    from planner.catalog import load_catalog
    from planner.network import load_network

    return load_network(catalog=load_catalog())


def network_instance(n: int) -> np.ndarray:
    net = _network()
    base = sorted(v for v in net.graph.nodes if not v.endswith("#rail"))
    random.Random(n).shuffle(base)
    m = net.matrix(base[:n], "drive+rail")
    m = np.array(getattr(m, "minutes", m), dtype=float)
    return np.rint(m * 10.0)


def hill_instance(n: int) -> np.ndarray:
    weight_type, xy = read_tsplib(shared_dir() / "benchmarks" / "tsplib" / "gr229.tsp")
    d = distance_matrix(weight_type, xy[:n])
    h = np.random.default_rng(n).random(n) * 800.0
    climb = np.maximum(0.0, h[None, :] - h[:, None])
    out = np.rint(d + 0.5 * climb)
    np.fill_diagonal(out, 0.0)
    return out


def rand_instance(n: int) -> np.ndarray:
    d = np.random.default_rng(1000 + n).integers(0, 1000, (n, n)).astype(float)
    np.fill_diagonal(d, 0.0)
    return d


def oneway_instance(n: int) -> np.ndarray:
    rng = np.random.default_rng(2000 + n)
    p = rng.random((n, 2)) * 1000.0
    e = np.hypot(p[:, None, 0] - p[None, :, 0], p[:, None, 1] - p[None, :, 1])
    d = np.rint(np.where(rng.random((n, n)) < 0.3, 2.5 * e, e))
    np.fill_diagonal(d, 0.0)
    return d


BUILDERS = {"gz": network_instance, "hill": hill_instance, "rand": rand_instance, "oneway": oneway_instance}


def cycle_length(d: np.ndarray, order: list[int]) -> float:
    n = d.shape[0]
    assert sorted(order) == list(range(n)), "not a permutation"
    return float(sum(d[order[k], order[(k + 1) % n]] for k in range(n)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", nargs="+", type=int, default=[30, 60, 100, 150])
    ap.add_argument("--kinds", nargs="+", default=list(BUILDERS), choices=list(BUILDERS))
    ap.add_argument("--limit-scale", type=float, default=1.0, help="multiply every time limit")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    try:
        import ortools.constraint_solver.pywrapcp  # noqa: F401
        have_ortools = True
    except ImportError:
        have_ortools = False
        print("# ortools: not installed; only QianTu's lengths are printed")
    if "hill" in args.kinds and not (shared_dir() / "benchmarks" / "tsplib" / "gr229.tsp").is_file():
        print("# no TSPLIB gr229 (set QIANTU_SHARED): hill instances skipped")
        args.kinds = [k for k in args.kinds if k != "hill"]

    print(f"{'instance':<9} {'n':>4} {'limit':>5} {'asym%':>6} | {'reference':>10} | {'qiantu':>10} {'gap%':>6} {'s':>5}"
          f" | {'ortools':>10} {'gap%':>6} {'s':>5} | {'ortools 3x':>10}")
    rows = []
    for kind in args.kinds:
        for n in args.sizes:
            d = BUILDERS[kind](n)
            asym = 100.0 * float((np.abs(d - d.T) > 0).sum()) / (n * (n - 1))
            limit = limit_for(n, args.limit_scale)
            t0 = time.perf_counter()
            ours = solve_tour_result(d, 0, 0, time_limit_s=limit, seed=args.seed)
            t_ours = time.perf_counter() - t0
            l_ours = cycle_length(d, ours.order)
            l_or = t_or = l_long = math.nan
            if have_ortools:
                t0 = time.perf_counter()
                order, _ = run_ortools(d, limit, args.seed)
                t_or = time.perf_counter() - t0
                l_or = cycle_length(d, order)
                order, _ = run_ortools(d, 3 * limit, args.seed)
                l_long = cycle_length(d, order)
            ref = min(x for x in (l_ours, l_or, l_long) if not math.isnan(x))
            g_ours = 100.0 * (l_ours - ref) / ref
            g_or = 100.0 * (l_or - ref) / ref
            rows.append((g_ours, g_or, l_ours, l_or, t_ours, t_or))
            print(f"{kind}-{n:<6} {n:>4} {limit:>5g} {asym:>6.1f} | {ref:>10.0f} | {l_ours:>10.0f} {g_ours:>6.2f} "
                  f"{t_ours:>5.1f} | {l_or:>10.0f} {g_or:>6.2f} {t_or:>5.1f} | {l_long:>10.0f}", flush=True)
    if rows:
        print(f"mean gap to the reference: qiantu {sum(r[0] for r in rows) / len(rows):.2f}%"
              + (f", ortools {sum(r[1] for r in rows) / len(rows):.2f}%" if have_ortools else "")
              + f" over {len(rows)} instances (target: qiantu <= 0.5%)")
        if have_ortools:
            lr = math.exp(sum(math.log(r[2] / r[3]) for r in rows) / len(rows))
            tr = math.exp(sum(math.log(r[4] / r[5]) for r in rows) / len(rows))
            wins = sum(r[2] <= r[3] for r in rows)
            print(f"ratio qiantu/{ANCHOR} (geometric mean): length {lr:.4f}, time {tr:.2f}; "
                  f"qiantu no longer on {wins}/{len(rows)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
