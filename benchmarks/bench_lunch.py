"""Lunch times over the 20 requests of bench_trips.py: how many lunches start outside the window.

Run:  python benchmarks/bench_lunch.py [--time-limit S]

For each request (real network) the plan's lunches are counted: a ``break`` item, or lunch at
the site inside a visit across the whole window (``visit.lunch``). Printed: lunches, how many
start after the window's end (13:30 by default), the latest start, how many are on the way
(a travel split at a town), inside a visit, or after a wait; and whether validate_plan accepts
every plan. The planner's rule is that none starts outside the window.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_trips import make_requests  # noqa: E402

from planner.catalog import load_catalog  # noqa: E402
from planner.network import load_network  # noqa: E402
from planner.optimize.trip import plan_trip  # noqa: E402
from planner.plan_check import validate_plan  # noqa: E402
from planner.request import request_from_dict  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=1.0, help="seconds of search per request (default 1)")
    args = ap.parse_args()
    catalog = load_catalog()
    network = load_network(catalog)
    starts: list[str] = []
    late = on_the_way = inside = waited = invalid = 0
    for d in make_requests(catalog):
        r = request_from_dict(d, catalog=catalog)
        p = plan_trip(r, catalog, network, time_limit_s=args.time_limit)
        invalid += bool(validate_plan(p, r, network, catalog))
        w1 = getattr(r, "lunch_window", ("11:30", "13:30"))[1]
        for day in p.days:
            for it in day.items:
                start = None
                if it.type == "break":
                    start = it.start
                    waited += bool(getattr(it, "wait_minutes", 0))
                elif it.type == "visit" and getattr(it, "lunch", None):
                    start = it.lunch[0]
                    inside += 1
                elif it.type == "travel" and getattr(it, "leg_of", None) and it.to_id in p.places:
                    on_the_way += 1
                if start is not None:
                    starts.append(start)
                    late += start > w1
    print(
        f"{len(starts)} lunches over 20 requests: {late} start after the window, latest {max(starts)}; "
        f"{on_the_way} on the way, {inside} inside a visit, {waited} after a wait; {invalid} invalid plans"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
