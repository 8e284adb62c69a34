"""`qiantu spots [--theme T] [--kind K] [--prefecture P] [--format table|json|csv]`: the catalog."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys

from planner.catalog import KINDS
from planner.cli.output import table
from planner.errors import PlannerError


def add_parser(sub) -> None:
    sp = sub.add_parser("spots", help="list the catalog: attractions, hubs, stations, hotels, restaurants, shows, shops")
    sp.add_argument("--theme", help="only spots with this theme (e.g. red, waterfall, ethnic)")
    sp.add_argument("--kind", choices=KINDS, help="only this kind")
    sp.add_argument("--prefecture", help="only this prefecture (English name, e.g. Zunyi)")
    sp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sp.add_argument("--lang", choices=("zh", "en"), default="zh", help="name shown first in the table")
    sp.add_argument("--data", help="a catalog folder or CSV file instead of the bundled one")


def run(args: argparse.Namespace) -> int:
    from planner.catalog import THEMES, load_catalog

    catalog = load_catalog(args.data) if args.data else load_catalog()
    if args.theme and args.theme not in THEMES:
        raise PlannerError(
            f"unknown theme '{args.theme}' (themes: {', '.join(catalog.themes_used())})", field="--theme"
        )
    if args.prefecture and args.prefecture not in catalog.prefectures():
        raise PlannerError(
            f"unknown prefecture '{args.prefecture}' (prefectures: {', '.join(catalog.prefectures())})",
            field="--prefecture",
        )
    spots = catalog.filter(theme=args.theme, kind=args.kind, prefecture=args.prefecture)
    out = sys.stdout
    if args.format == "json":
        json.dump([s.to_dict() for s in spots], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "csv":
        from planner.catalog import COLUMNS

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for s in spots:
            d = s.to_dict()
            d["themes"] = ";".join(s.themes)
            d["closed_weekdays"] = ";".join(map(str, s.closed_weekdays))
            d["overnight"] = int(s.overnight)
            w.writerow(["" if d[c] is None else d[c] for c in COLUMNS])
        out.write(buf.getvalue())
    else:
        rows = [
            (
                s.id,
                s.name(args.lang),
                s.name("en" if args.lang == "zh" else "zh"),
                s.kind,
                ",".join(s.themes),
                s.prefecture,
                f"{s.lat:.5f}",
                f"{s.lon:.5f}",
                s.level or "",
            )
            for s in spots
        ]
        header = ("id", "name", "other name", "kind", "themes", "prefecture", "lat", "lon", "level")
        out.write(table(header, rows))
        from planner.catalog import kind_counts

        counts = kind_counts(spots)
        out.write("kinds: " + ", ".join(f"{k} {n} ({m} source{'s' if m != 1 else ''})" for k, n, m in counts) + "\n")
        out.write(f"{len(spots)} of {len(catalog)} places\n")
    return 0
