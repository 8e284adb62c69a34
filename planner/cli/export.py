"""`qiantu export PLAN.json --pdf F --xlsx F ...`: a plan (or a package's plan) to files other programs open."""

from __future__ import annotations

import argparse
import os
import sys

from planner.errors import PlannerError

# Option -> format, in the order the files are written (the slow PDF last).
_OPTIONS = (
    ("xlsx", "an Excel workbook: summary, a sheet per day"),
    ("gpx", "GPX 1.1 for navigation apps: waypoints and a track per day"),
    ("kml", "KML for Google Earth / map apps: a folder per day"),
    ("geojson", "GeoJSON for GIS tools: points and a line per day"),
    ("ics", "an iCalendar file: the visits and long drives as events"),
    ("html", "the interactive map as one HTML file that opens offline"),
    ("pdf", "the printable itinerary (A4, maps, timetable per day)"),
)


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "export",
        help="export a plan to PDF, XLSX, GPX, KML, GeoJSON, ICS or HTML",
        description="Write a plan (or the plan of a *.qiantu.json package) to one or more files. "
        "Either every file is written or none is.",
    )
    p.add_argument("plan", metavar="PLAN.json", help="a plan file or a *.qiantu.json package with a plan")
    for name, what in _OPTIONS:
        p.add_argument(f"--{name}", metavar="F", help=what)
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the exports (default zh)")


def load_plan_and_package(path: str):
    """(plan, group size or None, notes) from a plan file or a package file; PlannerError otherwise."""
    from planner.package import package_from_dict
    from planner.plan import SCHEMA_TAG as PLAN_TAG
    from planner.plan import plan_from_dict
    from planner.request import SCHEMA_TAG as REQUEST_TAG
    from planner.request import read_json

    if not os.path.exists(path):
        raise PlannerError("file not found", file=path)
    doc = read_json(path, PlannerError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if tag == PLAN_TAG or (isinstance(tag, str) and tag.startswith("qiantu/plan@")):
        return plan_from_dict(doc, file=path), None, ""
    if tag == REQUEST_TAG:
        raise PlannerError("is a trip request, not a plan: run `qiantu plan` on it first", file=path, field="schema")
    pkg = package_from_dict(doc, file=path)
    if pkg.plan is None:
        raise PlannerError("the package has no plan yet: optimize it first", file=path, field="plan")
    return pkg.plan, pkg.request.group_size, pkg.notes


def run(args: argparse.Namespace) -> int:
    from planner import io as _io
    from planner.catalog import load_catalog
    from planner.export import FORMATS

    wanted = [(name, getattr(args, name)) for name, _ in _OPTIONS if getattr(args, name) is not None]
    if not wanted:
        raise PlannerError("nothing to export: give at least one of " + ", ".join(f"--{n} F" for n, _ in _OPTIONS))
    batch = _io.WriteBatch(inputs=[args.plan])
    seen: dict[str, str] = {}
    for name, out in wanted:
        batch.check(out, what=f"{name.upper()} file", field=f"--{name}")
        key = os.path.realpath(out)
        if key in seen:
            raise PlannerError(f"is given for both --{seen[key]} and --{name}", file=out)
        seen[key] = name
    plan, group_size, notes = load_plan_and_package(args.plan)
    catalog = load_catalog()
    # A problem inside the plan is the input file's, not an output's: check it once, up front.
    from planner.export.common import build_itinerary

    try:
        build_itinerary(plan, catalog)
    except PlannerError as exc:
        raise PlannerError(exc.message, file=args.plan, field=exc.field) from None

    # Every file is written under a hidden temporary name next to its target and moved into place
    # only when every export worked: a failed (or interrupted) export changes no file.
    with batch:
        for name, out in wanted:
            func, _ext = FORMATS[name]
            kwargs: dict = {"lang": args.lang, "catalog": catalog}
            if name == "pdf":
                kwargs.update(notes=notes or "", group_size=group_size)
            elif name == "xlsx":
                kwargs.update(group_size=group_size)
            warnings: list[str] = []

            def write(tmp, func=func, kwargs=kwargs, warnings=warnings):
                warnings.extend(func(plan, tmp, **kwargs) or [])

            try:
                batch.add(out, write, what=f"{name.upper()} file", field=f"--{name}")
            except PlannerError as exc:
                raise PlannerError(exc.message, file=out, field=exc.field or f"--{name}") from None
            for w in warnings:
                print(f"qiantu: warning: {out}: {w}", file=sys.stderr)
        batch.commit()
    for name, out in wanted:
        print(f"{out} ({name})")
    return 0
