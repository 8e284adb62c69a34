"""`qiantu routes [--format table|json]`: the preset routes in data/routes/."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "routes",
        help="list the preset routes (data/routes/): Zunyi classic, Four Crossings, the Long March, ...",
        description="List the preset trip requests in data/routes/; plan one with `qiantu plan FILE`.",
    )
    p.add_argument("--format", choices=("table", "json"), default="table")


def run(args: argparse.Namespace) -> int:
    from planner.routes import list_routes

    routes = list_routes()
    out = sys.stdout
    if args.format == "json":
        json.dump([r.to_dict() for r in routes], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    from planner.cli.output import table as _table

    rows = [
        (
            r.id,
            str(r.days),
            f"{r.start} → {r.end}",
            r.mode,
            str(r.stops),
            "yes" if r.follow_history else "",
            r.title,
        )
        for r in routes
    ]
    out.write(_table(("id", "days", "from → to", "mode", "stops", "history order", "title"), rows))
    from planner.routes import routes_dir

    out.write(f"{len(routes)} preset route(s) in {routes_dir()}; plan one with: qiantu plan FILE\n")
    return 0
