"""`qiantu export PLAN.json --pdf F --xlsx F ...`: a plan (or a package's plan) to files other programs open."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

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
    p.add_argument(
        "--tour-order",
        metavar="F",
        dest="tour_order",
        help="the tour order sheet (派团单) for the guide and driver, as .xlsx or .pdf (by the name)",
    )
    p.add_argument(
        "--pdf-internal",
        metavar="F",
        dest="pdf_internal",
        help="also the internal itinerary (costs, margin, sources, left-out stops); drawn with --pdf's maps",
    )
    p.add_argument(
        "--audience",
        choices=("client", "internal"),
        default="client",
        help="the PDF for the client (default: no costs, margins, sources or left-out stops) or internal (all)",
    )
    p.add_argument(
        "--currency", metavar="CODE=RATE", help="also show prices in a second currency, e.g. USD=7.10 (CNY per unit)"
    )
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="language of the exports (default zh)")


def load_source(path: str):
    """(plan, package or None) from a plan file or a package file with a plan; PlannerError
    naming the file otherwise (the file is read once, with the guarded reader)."""
    from planner.package import package_from_dict
    from planner.plan import plan_from_dict
    from planner.request import SCHEMA_TAG as REQUEST_TAG
    from planner.request import read_json

    doc = read_json(path, PlannerError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if isinstance(tag, str) and tag.startswith("qiantu/plan@"):
        return plan_from_dict(doc, file=path), None
    if tag == REQUEST_TAG:
        raise PlannerError("is a trip request, not a plan: run `qiantu plan` on it first", file=path, field="schema")
    pkg = package_from_dict(doc, file=path)
    if pkg.plan is None:
        raise PlannerError("the package has no plan yet: optimize it first", file=path, field="plan")
    return pkg.plan, pkg


def source_quote(plan, pkg, catalog, currency: str | None) -> dict | None:
    """The package's quote (its costing; the request's group size the fallback headcount); for a bare
    plan, the default rates for the group its price implies. None when nothing says who travels."""
    from planner.costing import package_quote

    costing = dict(pkg.costing) if pkg is not None else {}
    if currency:
        from planner.costing import parse_currency

        parse_currency(currency, field="--currency")
        costing["currency"] = currency
    size = pkg.request.group_size if pkg is not None else None
    if pkg is None:
        total, per = plan.totals.get("cost_cny"), plan.totals.get("cost_per_person_cny")
        size = max(1, round(float(total) / float(per))) if total and per else None
    if size is None and not any(costing.get(k) for k in ("adults", "children", "seniors")):
        if currency:
            print("qiantu: warning: the plan has no price and no group: --currency has nothing to convert",
                  file=sys.stderr)
        return None
    try:
        return package_quote(plan, costing, size, catalog).to_dict()
    except PlannerError as exc:
        if pkg is None:
            raise
        raise PlannerError(exc.message, file=None, field=exc.field) from None


def _check_outputs(wanted: list[tuple[str, str]], batch) -> None:
    """Refuse, before any work, outputs that are inputs, folders, devices, read-only files, a
    missing folder, a path given twice, or a tour order sheet that is neither .xlsx nor .pdf."""
    seen: dict[str, str] = {}
    for name, out in wanted:
        batch.check(out, what=f"{name.upper()} file", field=f"--{name}")
        key = os.path.realpath(out)
        if key in seen:
            raise PlannerError(f"is given for both --{seen[key]} and --{name}", file=out)
        seen[key] = name
        if name == "tour-order" and Path(out).suffix.lower() not in (".xlsx", ".pdf"):
            raise PlannerError("the tour order sheet is written as .xlsx or .pdf", file=out, field="--tour-order")


def run(args: argparse.Namespace) -> int:
    from planner import io as _io
    from planner.catalog import load_catalog

    wanted = [(name, getattr(args, name)) for name, _ in _OPTIONS if getattr(args, name) is not None]
    if getattr(args, "tour_order", None) is not None:
        wanted.insert(0, ("tour-order", args.tour_order))
    if getattr(args, "pdf_internal", None) is not None:
        wanted.append(("pdf-internal", args.pdf_internal))
    if not wanted:
        raise PlannerError(
            "nothing to export: give at least one of " + ", ".join(f"--{n} F" for n, _ in _OPTIONS) + ", --tour-order F"
        )
    batch = _io.WriteBatch(inputs=[args.plan])
    _check_outputs(wanted, batch)
    plan, pkg = load_source(args.plan)
    catalog = load_catalog()
    # A problem inside the plan is the input file's, not an output's: check it once, up front.
    from planner.export.common import build_itinerary

    try:
        build_itinerary(plan, catalog)
        quote = source_quote(plan, pkg, catalog, getattr(args, "currency", None))
    except PlannerError as exc:
        raise PlannerError(exc.message, file=exc.file or args.plan, field=exc.field) from None
    context = {
        "quote": quote,
        "tour": pkg.tour if pkg is not None else {},
        "title": (pkg.title or pkg.request.title) if pkg is not None else None,
        "notes": pkg.notes if pkg is not None else "",
        "group_size": pkg.request.group_size if pkg is not None else None,
    }
    # Every file is written under a hidden temporary name next to its target and moved into place
    # only when every export worked: a failed (or interrupted) export changes no file.

    def add(out: str, write, name: str) -> None:
        """Stage one output: ``write(tmp)`` fills a temporary file next to ``out``."""
        try:
            batch.add(out, write, what=f"{name.upper()} file", field=f"--{name}")
        except PlannerError as exc:
            if exc.file not in (None, str(out)) and not Path(str(exc.file)).name.startswith(_io.TEMP_PREFIX):
                raise  # a file written inside this one's (the PDF writes the others while its maps draw)
            raise PlannerError(exc.message, file=out, field=exc.field or f"--{name}") from None

    with batch:
        write_outputs(add, wanted, plan, catalog, args, context)
        batch.commit()
    for name, out in wanted:
        print(f"{out} ({name})")
    return 0


def write_outputs(add, wanted: list[tuple[str, str]], plan, catalog, args, ctx: dict) -> None:
    """Write every output through ``add(out, write, name)`` (``write(tmp)`` fills a temporary file;
    ``add`` stages it: ``planner.io.WriteBatch.add`` does the same). The PDF itineraries are laid
    out first (the internal one, whose maps are the smallest, before the client's) and, while their
    maps are drawn in one subprocess, every other file is written."""
    from planner.export import FORMATS
    from planner.export.pdf import export_pdfs, prepare_pdf

    native = FORMATS["pdf"][0].__module__ == "planner.export.pdf"
    audience = {"pdf": args.audience, "pdf-internal": "internal"}
    pdfs = [(n, o) for n, o in wanted if n == "pdf-internal" or (n == "pdf" and native)]
    pdfs.sort(key=lambda x: audience[x[0]] != "internal")
    others = [(n, o) for n, o in wanted if (n, o) not in pdfs]

    def write_others() -> None:
        for name, out in others:
            add(out, lambda tmp, name=name, out=out: _warn(out, _write_one(name, tmp, out, args, plan, catalog, ctx)),
                name)

    if not pdfs:
        write_others()
        return

    def job(name: str, tmp: Path):
        return prepare_pdf(plan, tmp, lang=args.lang, catalog=catalog, notes=ctx["notes"],
                           group_size=ctx["group_size"], quote=ctx["quote"], audience=audience[name],
                           tour=ctx["tour"], title=ctx["title"])

    first_name, first_out = pdfs[0]

    def write_first(tmp: Path) -> None:
        first = job(first_name, tmp)
        # The other PDFs get their temporary files now; export_pdfs lays them out and fills them.
        later: list[tuple[str, str, Path]] = []
        for name, out in pdfs[1:]:
            add(out, lambda t, name=name, out=out: later.append((out, name, t)), name)
        makers = [lambda name=name, t=t: job(name, t) for _out, name, t in later]
        results = export_pdfs([first], catalog, meanwhile=write_others, later=makers)
        for out, warnings in zip([first_out, *(o for o, _n, _t in later)], results):
            _warn(out, warnings)

    add(first_out, write_first, first_name)


def _write_one(name: str, tmp: Path, out: str, args, plan, catalog, ctx: dict) -> list[str]:
    from planner.export import FORMATS
    from planner.export.tour_order import export_tour_order

    if name == "tour-order":
        return export_tour_order(plan, tmp, lang=args.lang, catalog=catalog, quote=ctx["quote"], tour=ctx["tour"],
                                 title=ctx["title"], fmt=Path(out).suffix.lower()[1:])
    func, _ext = FORMATS[name]
    kwargs: dict = {"lang": args.lang, "catalog": catalog}
    if name == "pdf":
        kwargs.update(notes=ctx["notes"], group_size=ctx["group_size"], quote=ctx["quote"])
    elif name == "xlsx":
        kwargs.update(group_size=ctx["group_size"], quote=ctx["quote"], title=ctx["title"])
    return func(plan, tmp, **kwargs)


def _warn(out: str, warnings) -> None:
    for w in warnings:
        print(f"qiantu: warning: {out}: {w}", file=sys.stderr)
