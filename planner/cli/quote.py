"""`qiantu quote PLAN.json`: the price of a plan for a group, line by line, and the price breaks."""

from __future__ import annotations

import argparse
import json
import sys

from planner.errors import PlannerError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "quote",
        help="price a plan (or a package's plan) for a group: breakdown and price per person by group size",
        description="Price a plan for a group with the sourced rates in data/rates/ (see docs/costing.md).",
    )
    p.add_argument("plan", metavar="PLAN.json", help="a plan file or a *.qiantu.json package with a plan")
    p.add_argument(
        "--group",
        metavar="ADULTS[,CHILDREN[,SENIORS]]",
        help="travellers by fare category (default: the package's group size, else 2 adults)",
    )
    p.add_argument(
        "--hotel", choices=("economy", "comfort", "premium"), help="hotel class (default: the package's, else comfort)"
    )
    p.add_argument("--margin", metavar="PCT", help="agency margin in %% of net cost (default: settings.csv)")
    p.add_argument("--vehicle", metavar="ID", help="use this vehicle (vehicles.csv id) whatever the group size")
    p.add_argument("--foc", metavar="N", help="one free place per N paying travellers (default: the package's)")
    p.add_argument(
        "--currency", metavar="CODE=RATE", help="also show prices in a second currency, e.g. USD=7.10 (CNY per unit)"
    )
    p.add_argument(
        "--rate",
        metavar="KEY=VALUE",
        action="append",
        default=[],
        help="override one rate, e.g. hotels.A.comfort=380 or vehicles.coach-33.per_day_cny=1500",
    )
    p.add_argument(
        "--sizes", metavar="N,N,...", help="group sizes of the price-break table (default 2,6,10,16,20,30,40)"
    )
    p.add_argument("--rates", metavar="DIR", help="a folder of rate tables instead of the bundled data/rates/")
    p.add_argument("--format", choices=("table", "json"), default="table")


def _load(path: str, catalog):
    """(plan, the package's costing dict, the request's group size or None)."""
    from planner.package import package_from_dict
    from planner.plan import SCHEMA_TAG as PLAN_TAG
    from planner.plan import plan_from_dict
    from planner.request import SCHEMA_TAG as REQUEST_TAG
    from planner.request import read_json

    doc = read_json(path, PlannerError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if tag == PLAN_TAG or (isinstance(tag, str) and tag.startswith("qiantu/plan@")):
        return plan_from_dict(doc, file=path), {}, None
    if tag == REQUEST_TAG:
        raise PlannerError("is a trip request, not a plan: run `qiantu plan` on it first", file=path, field="schema")
    pkg = package_from_dict(doc, file=path, catalog=catalog)
    if pkg.plan is None:
        raise PlannerError("the package has no plan yet: optimize it first", file=path, field="plan")
    return pkg.plan, dict(pkg.costing), pkg.request.group_size


def costing_from_args(args: argparse.Namespace, costing: dict) -> dict:
    """The package's costing with the command line's choices on top (the options win)."""
    from planner.costing import group_from_text

    c = dict(costing)
    if args.group:
        g = group_from_text(args.group)
        c.update(adults=g.adults, children=g.children, seniors=g.seniors)
    if args.hotel:
        c["hotel_class"] = args.hotel
    if args.vehicle:
        c["vehicle"] = args.vehicle
    if args.foc is not None:
        if not str(args.foc).strip().isdigit() or int(args.foc) < 1:
            raise PlannerError(f"'{args.foc}' is not a whole number of paying travellers per free place (1 or more)",
                               field="--foc")
        c["foc_per"] = int(args.foc)
    if args.currency:
        from planner.costing import parse_currency

        parse_currency(args.currency, field="--currency")
        c["currency"] = args.currency
    return c


def _sizes(text: str | None) -> tuple[int, ...]:
    from planner.costing import DEFAULT_SIZES

    if not text:
        return DEFAULT_SIZES
    out = []
    for part in text.split(","):
        part = part.strip()
        if not part.isdigit() or int(part) < 1:
            raise PlannerError(f"'{part}' is not a group size (1 or more)", field="--sizes")
        out.append(int(part))
    return tuple(out)


def _money(x: float) -> str:
    return f"{x:,.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x):,}"


def run(args: argparse.Namespace) -> int:
    from planner.catalog import load_catalog
    from planner.costing import load_rates, package_costing, parse_currency, price_breaks, quote

    catalog = load_catalog()
    rates = load_rates(args.rates) if args.rates else load_rates()
    for item in args.rate:
        if "=" not in item:
            raise PlannerError(f"'{item}' is not KEY=VALUE", field="--rate")
        key, value = item.split("=", 1)
        rates = _override(rates, key.strip(), value.strip(), "--rate")
    if args.vehicle is not None and args.vehicle not in rates.vehicles:
        raise PlannerError(
            f"unknown vehicle '{args.vehicle}' (vehicles: {', '.join(rates.vehicles)})", field="--vehicle"
        )
    sizes = _sizes(args.sizes)
    plan, costing, request_size = _load(args.plan, catalog)
    costing = costing_from_args(args, costing)
    notes = []
    if not request_size and not any(costing.get(k) for k in ("adults", "children", "seniors")):
        notes.append("no --group given and no group size in the file: quoting 2 adults")
    group, rates = package_costing(costing, request_size, rates)
    if args.margin is not None:
        rates = _override(rates, "margin_pct", args.margin, "--margin")
    q = quote(plan, group, rates, catalog, parse_currency(costing.get("currency")))
    breaks = price_breaks(plan, rates, catalog, sizes, hotel_class=group.hotel_class, vehicle=group.vehicle,
                          foc_per=group.foc_per)
    if args.format == "json":
        doc = {
            "quote": q.to_dict(),
            "price_breaks": [b.to_dict() for b in breaks],
            "notes": notes,
            "overrides": [{"key": k, "value": v} for k, v in rates.overrides],
        }
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    _print_table(q, breaks, notes, plan.title or args.plan)
    return 0


def _print_table(q, breaks, notes: list[str], title: str) -> None:
    from planner.cli.output import table as _table

    out = sys.stdout
    g = q.group
    who = (
        f"{g.adults} adults"
        + (f", {g.children} children" if g.children else "")
        + (f", {g.seniors} seniors" if g.seniors else "")
        + (f" ({g.foc} free, 1 per {g.foc_per} paying)" if g.foc else "")
    )
    vehicles = " + ".join(f"{n}x {v}" if n > 1 else v for v, n in q.vehicles)
    out.write(
        f"{title}\n{who}; {g.hotel_class} hotels, {g.room_count()} rooms; {vehicles}; "
        f"{q.days} days, {q.nights} nights, {q.drive_km:.0f} road km\n\n"
    )
    rows = []
    for x in q.lines:
        qty = f"{x.quantity:g}" if x.quantity == int(x.quantity) else f"{x.quantity:.1f}"
        rows.append((x.what + (" *" if x.estimate else ""), x.unit, qty, _money(round(x.unit_price_cny, 2)),
                     _money(round(x.amount_cny, 2)), _money(round(x.per_person_cny, 2)),
                     "" if x.season == "standard" else f"{x.season} x{x.season_factor:g}", x.ref))
    out.write(_table(("item", "unit", "qty", "unit CNY", "amount CNY", "per person", "season", "rate"), rows))
    out.write("* = estimate (see the rate's note: qiantu quote --format json, or data/rates/)\n\n")
    _print_totals(q, out)
    for w in [*notes, *q.warnings]:
        out.write(f"note: {w}\n")
    out.write("\nprice breaks (adults, twin sharing)\n")
    out.write(
        _table(
            ("group", "vehicles", "net per person", "price per person"),
            [
                (str(b.size), b.vehicles, _money(round(b.net_cost_per_person_cny, 2)), _money(b.price_per_person_cny))
                for b in breaks
            ],
        )
    )


def _print_totals(q, out) -> None:
    g = q.group
    c = q.currency

    def both(cny: float) -> str:
        return f"{_money(cny)} CNY" + (f" ({_money(c.convert(cny))} {c.code})" if c else "")

    step = _money(q.rounding_step_cny)
    out.write(f"net cost            {_money(round(q.net_cost_cny, 2))} CNY\n")
    out.write(f"margin {q.margin_pct:g}%          {_money(round(q.margin_cny, 2))} CNY\n")
    out.write(f"selling price       {_money(round(q.selling_price_cny, 2))} CNY\n")
    if g.foc:
        out.write(f"free places (FOC)   {g.foc} (1 per {g.foc_per} paying; carried by the {g.paying} who pay)\n")
    out.write(f"price per person    {both(q.price_per_person_cny)} (rounded up to {step})\n")
    if len(q.price_per_category_cny) > 1 or g.adults != g.size or g.foc:
        cats = ", ".join(f"{k} {both(v)}" for k, v in q.price_per_category_cny.items())
        out.write(f"by category         {cats}\n")
    if q.nights:
        out.write(f"single supplement   {both(q.single_supplement_cny)} per person for the trip\n")
    if q.seasons():
        out.write(f"seasons             {', '.join(q.seasons())} (seasons.csv)\n")


def _override(rates, key: str, value: str, option: str):
    try:
        return rates.with_override(key, value)
    except PlannerError as exc:
        raise PlannerError(exc.message, field=f"{option} {exc.field or key}") from None
