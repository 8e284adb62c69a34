"""`qiantu report PLAN.json [--compare] [--pdf F] [--lang zh|en]`: the red-route test report."""

from __future__ import annotations

import argparse
import sys

from planner.errors import PlannerError


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="red-route test report: red sites covered and missed, Long March order, time on the road",
        description="Test a red-tourism route: which red sites the plan covers and misses (and why), "
        "whether it visits them in Long March order, hours of driving against hours at the sites; "
        "with --compare, the same visits ordered freely. Reads a plan, a package, or a trip request "
        "(which is planned first).",
    )
    p.add_argument("plan", metavar="PLAN.json", help="a plan, a *.qiantu.json package, or a trip request")
    p.add_argument("--compare", action="store_true", help="also plan the same visits in a free order")
    p.add_argument("--pdf", metavar="F", help="write the report as a PDF (with the map and the events timeline)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--json", metavar="F", dest="json_out", help="write the report figures as JSON")


def load_plan_and_request(path: str, catalog):
    """(plan, request or None) from a plan, a package or a trip request (planned here)."""
    from planner.package import package_from_dict
    from planner.plan import plan_from_dict
    from planner.request import SCHEMA_TAG as REQUEST_TAG
    from planner.request import read_json

    doc = read_json(path, PlannerError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if isinstance(tag, str) and tag.startswith("qiantu/plan@"):
        return plan_from_dict(doc, file=path), None
    pkg = package_from_dict(doc, file=path, catalog=catalog)
    if pkg.plan is not None:
        return pkg.plan, pkg.request
    from planner.optimize.trip import plan_trip

    what = "trip request" if tag == REQUEST_TAG else "package without a plan"
    print(f"qiantu: {path}: a {what}; planning it first", file=sys.stderr)
    return plan_trip(pkg.request, catalog), pkg.request


def run(args: argparse.Namespace) -> int:
    import os

    from planner import io as _io
    from planner.catalog import load_catalog
    from planner.report import format_report, route_report

    outs = [(opt, out) for opt, out in (("--pdf", args.pdf), ("--json", args.json_out)) if out is not None]
    for opt, out in outs:
        _io.check_output(out, inputs=[args.plan], what="report", field=opt)
    if len(outs) == 2 and os.path.realpath(outs[0][1]) == os.path.realpath(outs[1][1]):
        raise PlannerError("is given for both --pdf and --json", file=outs[0][1])
    catalog = load_catalog()
    plan, request = load_plan_and_request(args.plan, catalog)
    report = route_report(plan, request, catalog, compare=args.compare)
    sys.stdout.write(format_report(report, catalog, args.lang))
    if args.json_out:
        _io.write_json(args.json_out, report, inputs=[args.plan], what="report figures", field="--json")
        print(f"{args.json_out}: report figures written")
    if args.pdf:
        from planner.report_pdf import export_report_pdf

        note = export_report_pdf(report, plan, args.pdf, catalog=catalog, lang=args.lang)
        print(f"{args.pdf}: PDF written" + (f" ({note})" if note else ""))
    return 0
