"""Trip optimizer benchmark: 20 seeded Guizhou requests against an OR-Tools routing anchor.

Run:  python benchmarks/bench_trips.py [--time-limit S] [--only N] [--fake-network]

For each request (5 to 40 stops, 2 to 10 days) QianTu's ``plan_trip`` and the anchor get the
same time limit. The anchor is OR-Tools routing (``pip install ortools``) on the same day
structure: one vehicle from the start to the end, the days as time windows on an absolute
clock, an evening and a morning node per night at one of the same overnight places (disjunctions), each
stop's opening hours on each open day as its allowed arrival times, the lunch as a shorter
day, optional stops as disjunctions with a penalty of priority x (more than any travel).
The anchor's visiting sequence is then timed by QianTu's exact day split (same lunch rule,
same nights, same travel minutes) so both are measured by one ruler; stops it cannot fit
under those rules are dropped from its sequence, lowest priority first.

Printed per request: stops/days, QianTu priority / travel / seconds / status, the anchor's
priority / travel, and the travel ratio QianTu / anchor (< 1: QianTu better) when both reach
the same priority.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import itertools

from planner.catalog import load_catalog
from planner.errors import PlannerError
from planner.optimize.trip import plan_trip
from planner.optimize.trip_model import ANY, TripModel
from planner.request import request_from_dict

GUIZHOU = ("Guiyang", "Zunyi", "Anshun", "Qiandongnan", "Qiannan", "Qianxinan", "Tongren", "Bijie", "Liupanshui")
SIZES = [
    (5, 2),
    (6, 2),
    (8, 2),
    (8, 3),
    (10, 3),
    (12, 3),
    (12, 4),
    (15, 4),
    (18, 5),
    (20, 5),
    (22, 6),
    (25, 6),
    (28, 7),
    (30, 7),
    (30, 7),
    (32, 8),
    (35, 8),
    (36, 9),
    (40, 10),
    (40, 10),
]


def make_requests(catalog, seed: int = 2027) -> list[dict]:
    """20 requests a product designer might write: a start city, a mix of must and optional stops."""
    rng = random.Random(seed)
    attractions = sorted(s.id for s in catalog if s.kind == "attraction" and s.prefecture in GUIZHOU)
    starts = [h for h in ("guiyang", "zunyi", "kaili", "anshun") if h in catalog] or ["guiyang"]
    out = []
    for i, (n, days) in enumerate(SIZES):
        n = min(n, len(attractions))
        ids = rng.sample(attractions, n)
        stops = []
        for sid in ids:
            s: dict = {"id": sid}
            x = rng.random()
            if x < 0.15:
                s["must"] = True
            else:
                s["priority"] = rng.choice([1, 1, 2, 3])
            stops.append(s)
        d = {
            "schema": "qiantu/request@1",
            "title": f"bench {i + 1}: {n} stops, {days} days",
            "start": starts[0] if i % 3 else rng.choice(starts),
            "days": days,
            "stops": stops,
            "seed": 0,
        }
        if i % 2 == 0:
            d["start_date"] = f"2027-04-{5 + i % 7:02d}"
        if i % 5 == 4:
            d["end"] = "anywhere"
        out.append(d)
    return out


# ---------------------------------------------------------------------------- the anchor


def ortools_anchor(m: TripModel, time_limit_s: float):
    """Visiting sequence found by OR-Tools routing on the same day structure (None if none)."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    DAY = 1440
    n, D = m.n, m.D
    ds, de = m.day_start, m.day_end - (m.L if m.lunch_needed else 0)
    hubs = list(m.hubs)
    # nodes: 0 start, 1 end, 2..n+1 stops, then for each night k and place h an evening node
    # (arrive by the end of day k) and a morning node (leave from the start of day k + 1);
    # an evening node leads only to its own morning node.
    places = [m.start, m.end if m.end != ANY else m.start] + [m.stop_place[s] for s in range(n)]
    night_nodes: list[tuple[int, int, str]] = []
    for k in range(D - 1):
        for h in hubs:
            night_nodes.append((k, h, "evening"))
            places.append(h)
            night_nodes.append((k, h, "morning"))
            places.append(h)
    N = len(places)
    BIG = 10 * D * DAY
    service = [0, 0] + [m.visit[s] for s in range(n)] + [0] * len(night_nodes)
    manager = pywrapcp.RoutingIndexManager(N, 1, [0], [1])
    routing = pywrapcp.RoutingModel(manager)
    base = 2 + n

    def travel(i, j):
        if i >= base and night_nodes[i - base][2] == "evening":
            return 0 if j == i + 1 else BIG
        if j >= base and night_nodes[j - base][2] == "morning":
            return 0 if i == j - 1 else BIG
        if j == 1 and m.end == ANY:
            return 0
        return m.T[places[i]][places[j]]

    def cost_cb(a, b):
        return travel(manager.IndexToNode(a), manager.IndexToNode(b))

    def time_cb(a, b):
        i, j = manager.IndexToNode(a), manager.IndexToNode(b)
        return service[i] + travel(i, j)

    cost_idx = routing.RegisterTransitCallback(cost_cb)
    time_idx = routing.RegisterTransitCallback(time_cb)
    routing.SetArcCostEvaluatorOfAllVehicles(cost_idx)
    horizon = D * DAY + BIG
    routing.AddDimension(time_idx, horizon, horizon, False, "time")
    tdim = routing.GetDimensionOrDie("time")
    tdim.CumulVar(routing.Start(0)).SetRange(ds, ds)
    tdim.CumulVar(routing.End(0)).SetRange(0, (D - 1) * DAY + de)
    total_travel_bound = sum(max(row) for row in m.T) + 1
    for s in range(n):
        idx = manager.NodeToIndex(2 + s)
        var = tdim.CumulVar(idx)
        windows = []
        for k in range(D):
            if m.wd[k] in m.closed[s]:
                continue
            lo = k * DAY + max(ds, m.open[s])
            hi = k * DAY + min(de, m.close[s]) - m.visit[s]
            if lo <= hi:
                windows.append((lo, hi))
        if not windows:
            var.SetRange(0, 0)
            routing.AddDisjunction([idx], 0)
            continue
        var.SetRange(windows[0][0], windows[-1][1])
        for (a0, a1), (b0, b1) in itertools.pairwise(windows):
            if a1 + 1 <= b0 - 1:
                var.RemoveInterval(a1 + 1, b0 - 1)
        weight = (10 * (sum(m.prio) + 1)) if m.must[s] else m.prio[s]
        routing.AddDisjunction([idx], round(weight * total_travel_bound) or 1)
    for k in range(D - 1):
        for part in ("evening", "morning"):
            idxs = []
            for j, (kk, h, p) in enumerate(night_nodes):
                if kk == k and p == part:
                    idx = manager.NodeToIndex(base + j)
                    if part == "evening":
                        tdim.CumulVar(idx).SetRange(k * DAY + ds, k * DAY + de)
                    else:
                        tdim.CumulVar(idx).SetRange((k + 1) * DAY + ds, (k + 1) * DAY + de)
                    idxs.append(idx)
            # exactly one night place per night (leaving the night out costs more than anything)
            routing.AddDisjunction(idxs, 100 * total_travel_bound * (n + 1), 1)
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(time_limit_s * 1000))
    sol = routing.SolveWithParameters(params)
    if sol is None:
        return None
    seq = []
    idx = routing.Start(0)
    while not routing.IsEnd(idx):
        node = manager.IndexToNode(idx)
        if 2 <= node < 2 + n:
            seq.append(node - 2)
        idx = sol.Value(routing.NextVar(idx))
    return seq


def score_sequence(m: TripModel, seq: list[int]):
    """(objective, days) of a sequence under QianTu's rules, dropping what does not fit."""
    seq = list(seq)
    while True:
        r = m.split(seq)
        if r is not None:
            travel, days = r
            return m.objective(seq, travel), days
        if not seq:
            return None
        # drop the stop worth least (optional before must, then lowest priority, then latest)
        worst = min(range(len(seq)), key=lambda i: (m.must[seq[i]], m.prio[seq[i]], -i))
        seq.pop(worst)


# ---------------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=2.0, help="seconds for each solver (default 2)")
    ap.add_argument("--anchor-time-limit", type=float, default=None, help="seconds for the anchor (default: the same)")
    ap.add_argument("--only", type=int, default=None, help="run request N (1-based) only")
    ap.add_argument("--fake-network", action="store_true", help="great-circle x 1.3 at 60 km/h instead of the network")
    args = ap.parse_args(argv)

    catalog = load_catalog()
    network_name = "data/network"
    if args.fake_network:
        network = None
    else:
        try:
            from planner.network import load_network

            network = load_network(catalog)
        except PlannerError as exc:
            print(f"# the road network does not load ({exc.one_line()}); using the great-circle stand-in")
            network = None
    if network is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from fake_network import FakeNetwork

        network = FakeNetwork(catalog)
        network_name = "great-circle x1.3 @ 60 km/h (tests/fake_network.py)"
    print(
        f"# network: {network_name}; time limit {args.time_limit} s for QianTu, "
        f"{args.anchor_time_limit or args.time_limit} s for the anchor, per request"
    )
    try:
        import ortools  # noqa: F401

        have_ortools = True
    except ImportError:
        have_ortools = False
        print("# OR-Tools not installed: anchor skipped (pip install ortools)")

    reqs = make_requests(catalog)
    header = (
        f"{'#':>2} {'stops':>5} {'days':>4} | {'QianTu prio':>11} {'travel':>6} {'s':>5} {'status':>10} | "
        f"{'anchor prio':>11} {'travel':>6} | {'travel ratio':>12}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    prio_wins = prio_losses = 0
    for i, d in enumerate(reqs, start=1):
        if args.only is not None and i != args.only:
            continue
        req = request_from_dict(d, catalog=catalog)
        t0 = time.perf_counter()
        plan = plan_trip(req, catalog, network, time_limit_s=args.time_limit)
        secs = time.perf_counter() - t0
        m = TripModel(req, catalog, network)
        visited = [s for s in range(m.n) if m.stop_ids[s] in plan.order]
        ours = m.objective(visited, plan.totals["travel_minutes"]) if plan.days else None
        row = f"{i:>2} {m.n:>5} {m.D:>4} | {(-ours[1] if ours else 0):>11g} {(ours[2] if ours else 0):>6} {secs:>5.2f} {plan.status:>10} | "
        if have_ortools:
            seq = ortools_anchor(m, args.anchor_time_limit or args.time_limit)
            theirs = score_sequence(m, seq) if seq is not None else None
            if theirs is None:
                row += f"{'-':>11} {'-':>6} | {'anchor none':>12}"
            else:
                tobj = theirs[0]
                row += f"{-tobj[1]:>11g} {tobj[2]:>6} | "
                if ours is not None and ours[:2] == tobj[:2]:
                    ratio = ours[2] / max(1, tobj[2])
                    ratios.append(ratio)
                    row += f"{ratio:>12.3f}"
                elif ours is not None and ours < tobj:
                    prio_wins += 1
                    row += f"{'QianTu more':>12}"
                else:
                    prio_losses += 1
                    row += f"{'anchor more':>12}"
        print(row, flush=True)
    if ratios:
        import statistics

        print(
            f"# same priority on {len(ratios)} requests: travel ratio QianTu/anchor "
            f"mean {statistics.mean(ratios):.3f}, worst {max(ratios):.3f}, best {min(ratios):.3f}"
        )
    print(f"# QianTu more priority (or fewer missed must stops) on {prio_wins}, anchor more on {prio_losses}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
