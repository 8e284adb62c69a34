"""TSPLIB benchmark of ``planner.optimize.solve_tour`` against networkx and OR-Tools.

Run from the repository root::

    .venv/bin/python benchmarks/bench_tsplib.py                    # all GEO instances
    .venv/bin/python benchmarks/bench_tsplib.py --instances burma14 gr96 --small-limit 1

Each solver gets the same wall-time limit (2 s up to 137 cities, 10 s beyond; see the flags).
The anchor is OR-Tools routing with guided local search; the last lines print our tour length
and time as ratios against it (geometric mean over the instances both solved). A solver whose
library is missing is skipped with a note. ``QIANTU_SHARED`` overrides where the shared
benchmark data is looked for (default: ``../shared`` next to the repository root).
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from planner.optimize import solve_tour_result, tour_length

DEFAULT_INSTANCES = ["burma14", "ulysses16", "ulysses22", "gr96", "gr137", "gr202", "gr229", "gr431"]
SOLVERS = ["qiantu", "christofides", "annealing", "ortools"]
ANCHOR = "ortools"


def shared_dir() -> Path:
    """The shared folder: ``$QIANTU_SHARED``, else ``../shared`` relative to the repository root."""
    env = os.environ.get("QIANTU_SHARED")
    return Path(env) if env else ROOT.parent / "shared"


# --------------------------------------------------------------------------------------------
# TSPLIB reading


def read_tsplib(path: Path) -> tuple[str, np.ndarray]:
    """Read a TSPLIB file with NODE_COORD_SECTION; return its EDGE_WEIGHT_TYPE and the coordinates."""
    weight_type = None
    coords: list[tuple[float, float]] = []
    in_coords = False
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line == "EOF":
            continue
        if in_coords:
            parts = line.split()
            coords.append((float(parts[1]), float(parts[2])))
        elif line.startswith("NODE_COORD_SECTION"):
            in_coords = True
        elif ":" in line:
            key, value = (s.strip() for s in line.split(":", 1))
            if key == "EDGE_WEIGHT_TYPE":
                weight_type = value
    if weight_type is None:
        raise ValueError(f"{path}: no EDGE_WEIGHT_TYPE")
    return weight_type, np.array(coords)


def distance_matrix(weight_type: str, xy: np.ndarray) -> np.ndarray:
    """Integer TSPLIB distances (GEO, EUC_2D, ATT) as a float matrix with a zero diagonal."""
    x, y = xy[:, 0], xy[:, 1]
    if weight_type == "GEO":
        pi = 3.141592  # TSPLIB's truncated constant, on purpose

        def rad(v):
            deg = np.trunc(v)  # C's (int) cast: towards zero
            return pi * (deg + 5.0 * (v - deg) / 3.0) / 180.0

        lat, lon = rad(x), rad(y)
        q1 = np.cos(lon[:, None] - lon[None, :])
        q2 = np.cos(lat[:, None] - lat[None, :])
        q3 = np.cos(lat[:, None] + lat[None, :])
        arg = np.clip(0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3), -1.0, 1.0)
        d = np.trunc(6378.388 * np.arccos(arg) + 1.0)
    elif weight_type == "EUC_2D":
        d = np.floor(np.hypot(x[:, None] - x[None, :], y[:, None] - y[None, :]) + 0.5)
    elif weight_type == "ATT":
        r = np.sqrt(((x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2) / 10.0)
        t = np.floor(r + 0.5)
        d = np.where(t < r, t + 1.0, t)
    else:
        raise ValueError(f"unsupported EDGE_WEIGHT_TYPE {weight_type}")
    np.fill_diagonal(d, 0.0)
    return d


def read_optima(folder: Path) -> dict[str, int]:
    with open(folder / "optima.csv", newline="") as fh:
        return {row["instance"]: int(row["optimum"]) for row in csv.DictReader(fh)}


# --------------------------------------------------------------------------------------------
# solvers: each returns (closed tour as a list of indices, note) or raises ImportError


def run_qiantu(d: np.ndarray, limit: float, seed: int) -> tuple[list[int], str]:
    res = solve_tour_result(d, 0, 0, time_limit_s=limit, seed=seed)
    return res.order, "proven optimal" if res.optimal else f"{res.iterations} kicks"


def _nx_graph(d: np.ndarray):
    import networkx as nx

    n = d.shape[0]
    g = nx.Graph()
    g.add_weighted_edges_from((i, j, d[i, j]) for i in range(n) for j in range(i + 1, n))
    return g


def run_christofides(d: np.ndarray, limit: float, seed: int) -> tuple[list[int], str]:
    import networkx as nx

    cycle = nx.approximation.traveling_salesman_problem(
        _nx_graph(d), weight="weight", cycle=True, method=nx.approximation.christofides
    )
    return cycle[:-1], ""


def run_annealing(d: np.ndarray, limit: float, seed: int) -> tuple[list[int], str]:
    import networkx as nx

    # networkx's defaults (max_iterations=10, N_inner=100); it has no time limit
    cycle = nx.approximation.simulated_annealing_tsp(_nx_graph(d), "greedy", weight="weight", seed=seed)
    return cycle[:-1], "greedy init, nx defaults"


def run_ortools(d: np.ndarray, limit: float, seed: int) -> tuple[list[int], str]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = d.shape[0]
    dist = d.astype(np.int64).tolist()
    manager = pywrapcp.RoutingIndexManager(n, 1, 0)
    routing = pywrapcp.RoutingModel(manager)

    def cost(i: int, j: int) -> int:
        return dist[manager.IndexToNode(i)][manager.IndexToNode(j)]

    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitCallback(cost))
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(limit * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        raise RuntimeError("OR-Tools found no solution")
    order, idx = [], routing.Start(0)
    while not routing.IsEnd(idx):
        order.append(manager.IndexToNode(idx))
        idx = sol.Value(routing.NextVar(idx))
    return order, "GLS"


RUNNERS = {
    "qiantu": run_qiantu,
    "christofides": run_christofides,
    "annealing": run_annealing,
    "ortools": run_ortools,
}


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instances", nargs="+", default=DEFAULT_INSTANCES, help="TSPLIB names (default: the GEO set)")
    ap.add_argument("--solvers", nargs="+", default=SOLVERS, choices=SOLVERS)
    ap.add_argument("--small-limit", type=float, default=2.0, help="seconds per solver up to --large-n cities")
    ap.add_argument("--large-limit", type=float, default=10.0, help="seconds per solver above --large-n cities")
    ap.add_argument("--large-n", type=int, default=137, help="largest size that gets --small-limit")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--christofides-max-n", type=int, default=250, help="skip networkx christofides above this")
    args = ap.parse_args(argv)

    folder = shared_dir() / "benchmarks" / "tsplib"
    if not folder.is_dir():
        print(f"no TSPLIB data at {folder} (set QIANTU_SHARED)", file=sys.stderr)
        return 2
    optima = read_optima(folder)

    available = []
    for name in args.solvers:
        try:
            __import__({"ortools": "ortools.constraint_solver.pywrapcp"}.get(name, "networkx"))
            available.append(name)
        except ImportError:
            print(f"# {name}: library not installed, skipped")

    header = f"{'instance':<10} {'n':>4} {'opt':>7} {'limit':>5}"
    for name in available:
        header += f" | {name[:12]:>12} {'gap%':>6} {'s':>5}"
    print(header)
    print("-" * len(header))
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for inst in args.instances:
        weight_type, xy = read_tsplib(folder / f"{inst}.tsp")
        d = distance_matrix(weight_type, xy)
        n = d.shape[0]
        opt = optima.get(inst)
        limit = args.small_limit if n <= args.large_n else args.large_limit
        line = f"{inst:<10} {n:>4} {opt if opt else '?':>7} {limit:>5g}"
        results[inst] = {}
        notes = []
        for name in available:
            if name == "christofides" and n > args.christofides_max_n:
                line += f" | {'(skipped)':>12} {'':>6} {'':>5}"
                continue
            t0 = time.perf_counter()
            order, note = RUNNERS[name](d, limit, args.seed)
            secs = time.perf_counter() - t0
            assert sorted(order) == list(range(n)), f"{name} returned no permutation on {inst}"
            length = tour_length(d, order, end=order[0])
            gap = 100.0 * (length - opt) / opt if opt else float("nan")
            results[inst][name] = (length, secs)
            line += f" | {length:>12.0f} {gap:>6.2f} {secs:>5.1f}"
            if note and name == "qiantu":
                notes.append(note)
        print(line + (f"   [{'; '.join(notes)}]" if notes else ""), flush=True)

    if ANCHOR in available and "qiantu" in available:
        pairs = [r for r in results.values() if ANCHOR in r and "qiantu" in r]
        if pairs:
            len_ratio = math.exp(sum(math.log(r["qiantu"][0] / r[ANCHOR][0]) for r in pairs) / len(pairs))
            time_ratio = math.exp(sum(math.log(r["qiantu"][1] / r[ANCHOR][1]) for r in pairs) / len(pairs))
            wins = sum(r["qiantu"][0] <= r[ANCHOR][0] for r in pairs)
            print(
                f"ratio qiantu/{ANCHOR} (geometric mean over {len(pairs)} instances): "
                f"length {len_ratio:.4f}, time {time_ratio:.2f}; qiantu no longer on {wins}/{len(pairs)}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
