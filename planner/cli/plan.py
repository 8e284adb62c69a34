"""`qiantu plan REQUEST.json [-o PLAN.json] [--time-limit S] [--seed N] [--lang zh|en] [--lock-day N ...]`."""

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
    p.add_argument(
        "--lang", choices=("zh", "en"), default="zh", help="language of reasons and notes (default zh, as the exports)"
    )
    p.add_argument(
        "--lock-day",
        type=int,
        action="append",
        default=[],
        metavar="N",
        help="keep day N of the previous plan as it is (its visits, in order); repeatable",
    )
    p.add_argument(
        "--previous",
        metavar="PLAN.json",
        help="the plan the locked days come from (default: the package's own plan)",
    )


def summary(plan, catalog, lang: str = "en") -> str:
    """A short day-by-day text of a plan (left-out reasons rendered in ``lang``)."""
    from planner.reasons import namer, render_dropped, render_night

    def name(pid: str) -> str:
        if pid in catalog:
            return catalog.get(pid).name_zh
        if pid in plan.places:
            return str(plan.places[pid].get("name") or pid)
        if pid.startswith("custom:"):
            return pid[len("custom:") :]
        return pid

    from planner.plan import BreakItem, TravelItem, VisitItem

    lines = [f"{plan.title or 'trip'}: {plan.status}, {len(plan.days)} day(s)"]
    for k, day in enumerate(plan.days, start=1):
        lines.append(
            f"Day {k} {day.date}: {name(day.start)} -> {name(day.overnight)} ({day.travel_minutes()} min travel)"
        )
        night = render_night(day.night_note, lang, namer(lang, catalog, plan.places))
        for it in day.items:
            if isinstance(it, VisitItem):
                wait = f" (wait {it.wait_minutes} min)" if it.wait_minutes else ""
                lunch = f" (lunch {it.lunch[0]}-{it.lunch[1]} at the site)" if it.lunch else ""
                lines.append(f"  {it.start}-{it.end}  {name(it.id)}{wait}{lunch}")
            elif isinstance(it, BreakItem):
                at = f" at {name(it.place)}" if it.place else (f" at {name(it.at)}" if it.at else "")
                lines.append(f"  {it.start}-{it.end}  lunch{at}")
            elif isinstance(it, TravelItem):
                lines.append(f"  {it.depart}-{it.arrive}  -> {name(it.to_id)} {it.km:.0f} km ({it.mode})")
        for e in day.evening:
            lines.append(f"  {e['start']}-{e['end']}  {'dinner' if e['type'] == 'meal' else 'show'}: {name(e['id'])}")
        if day.hotel:
            lines.append(f"  hotel: {name(day.hotel)}")
        if night:
            lines.append(f"  Night: {night}")
        for n in day.notes:
            from planner.stay import note_text

            lines.append(f"  note: {note_text(n, catalog, lang)}")
    t = plan.totals
    lines.append(
        f"Total: {t.get('travel_minutes', 0)} min travel, {t.get('km', 0):.0f} km, {t.get('visit_minutes', 0)} min visits"
    )
    names = namer(lang, catalog, plan.places)
    for d in plan.dropped:
        why = render_dropped(d, lang, names) if d.code != "unknown" else d.reason
        lines.append(f"Left out: {name(d.id)} [{d.code}] — {why}")
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
    request = pkg.request
    if args.lock_day:
        from planner.plan import load_plan
        from planner.request import lock_days

        previous = load_plan(args.previous) if args.previous else pkg.plan
        if previous is None:
            raise PlannerError(
                "needs the plan the day comes from: a package with a plan, or --previous PLAN.json",
                file=args.request,
                field="--lock-day",
            )
        for n in args.lock_day:
            if not 1 <= n <= min(request.days, len(previous.days)):
                raise PlannerError(
                    f"day {n} is not a day of the previous plan (1..{min(request.days, len(previous.days))})",
                    field="--lock-day",
                )
        request = lock_days(request, previous, args.lock_day)
    bar = ProgressBar()
    try:
        plan = plan_trip(request, catalog, time_limit_s=args.time_limit, seed=args.seed, progress=bar, lang=args.lang)
    finally:
        bar.close()
    from planner.stay import enrich_plan

    # hotels (of the class the package's costing prices, else the request's), meals, the show, notes
    enrich_plan(plan, request, catalog, hotel_class=(pkg.costing or {}).get("hotel_class"))
    if args.output is not None:
        from planner.plan import plan_to_dict

        _io.write_json(args.output, plan_to_dict(plan), inputs=[args.request], what="plan", field="-o")
        print(
            f"{args.output}: {plan.status}, {len(plan.days)} day(s), {len(plan.order)} visits, "
            f"{len(plan.dropped)} left out"
        )
    else:
        sys.stdout.write(summary(plan, catalog, args.lang))
    return 0
