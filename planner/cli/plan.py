"""`qiantu plan REQUEST.json [-o PLAN.json] [--time-limit S] [--seed N]`."""

from __future__ import annotations

import argparse
import sys

from planner.cli.output import ProgressBar
from planner.errors import PlannerError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser("plan", help="plan a trip request (order, days, nights, times)")
    p.add_argument("request", metavar="REQUEST.json", help="a trip request or a package file")
    p.add_argument("-o", "--output", metavar="PLAN.json", help="write the plan here (default: a summary on stdout)")
    p.add_argument(
        "--time-limit", type=float, default=None, metavar="S", help="seconds of search (default: the request's)"
    )
    p.add_argument("--seed", type=int, default=None, metavar="N", help="random seed (default: the request's)")


def summary(plan, catalog) -> str:
    """A short day-by-day text of a plan."""

    def name(pid: str) -> str:
        if pid in catalog:
            return catalog.get(pid).name_zh
        if pid.startswith("custom:"):
            return pid[len("custom:") :]
        return pid

    from planner.plan import BreakItem, TravelItem, VisitItem

    lines = [f"{plan.title or 'trip'}: {plan.status}, {len(plan.days)} day(s)"]
    for k, day in enumerate(plan.days, start=1):
        lines.append(
            f"Day {k} {day.date}: {name(day.start)} -> {name(day.overnight)} ({day.travel_minutes()} min travel)"
        )
        for it in day.items:
            if isinstance(it, VisitItem):
                wait = f" (wait {it.wait_minutes} min)" if it.wait_minutes else ""
                lines.append(f"  {it.start}-{it.end}  {name(it.id)}{wait}")
            elif isinstance(it, BreakItem):
                lines.append(f"  {it.start}-{it.end}  lunch" + (f" at {name(it.place)}" if it.place else ""))
            elif isinstance(it, TravelItem):
                lines.append(f"  {it.depart}-{it.arrive}  -> {name(it.to_id)} {it.km:.0f} km ({it.mode})")
        for e in day.evening:
            lines.append(f"  {e['start']}-{e['end']}  {'dinner' if e['type'] == 'meal' else 'show'}: {name(e['id'])}")
        if day.hotel:
            lines.append(f"  hotel: {name(day.hotel)}")
        for n in day.notes:
            from planner.stay import note_text

            lines.append(f"  note: {note_text(n, catalog)}")
    t = plan.totals
    lines.append(
        f"Total: {t.get('travel_minutes', 0)} min travel, {t.get('km', 0):.0f} km, {t.get('visit_minutes', 0)} min visits"
    )
    for d in plan.dropped:
        lines.append(f"Left out: {name(d.id)} — {d.reason}")
    for w in plan.warnings:
        lines.append(f"Note: {w}")
    lines.append(f"Solver: {plan.solver.get('name')} in {plan.solver.get('seconds')} s")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.optimize.trip import plan_trip
    from planner.package import load_package

    if args.time_limit is not None and not (0 < args.time_limit <= 3600):
        raise PlannerError(f"{args.time_limit} is out of range (0..3600 s)", field="--time-limit")
    if args.seed is not None and args.seed < 0:
        raise PlannerError(f"{args.seed} is negative", field="--seed")
    from planner import io as _io

    if args.output is not None:
        _io.check_output(args.output, inputs=[args.request], what="plan", field="-o")
    catalog = load_catalog()
    pkg = load_package(args.request, catalog=catalog)
    bar = ProgressBar()
    try:
        plan = plan_trip(pkg.request, catalog, time_limit_s=args.time_limit, seed=args.seed, progress=bar)
    finally:
        bar.close()
    from planner.stay import enrich_plan

    # hotels (of the class the package's costing prices, else the request's), meals, the show, notes
    enrich_plan(plan, pkg.request, catalog, hotel_class=(pkg.costing or {}).get("hotel_class"))
    if args.output is not None:
        from planner.plan import plan_to_dict

        _io.write_json(args.output, plan_to_dict(plan), inputs=[args.request], what="plan", field="-o")
        print(
            f"{args.output}: {plan.status}, {len(plan.days)} day(s), {len(plan.order)} visits, "
            f"{len(plan.dropped)} left out"
        )
    else:
        sys.stdout.write(summary(plan, catalog))
    return 0
