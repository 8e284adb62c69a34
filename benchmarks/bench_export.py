"""Export benchmark: a 10-day, 40-stop plan to every format, against writing the plan JSON.

Run:  python benchmarks/bench_export.py [--repeat N] [--keep DIR] [--optimizer]

The plan: 40 Guizhou attractions over 10 days. By default it is synthesised (4 stops a day, in
geographic order, travel times, km and paths from the road network; a valid ``qiantu/plan@1``
plan, not an optimal one), because 10 days cannot hold 40 real visits and the optimizer would drop
most of them. ``--optimizer`` plans the same 40 stops with ``plan_trip`` instead (fewer visits).

Anchor: writing the plan JSON (``planner.plan.write_json_atomic``), measured in the same run.
Printed: seconds per format (best of N), the ratio to the anchor, and the total against the
10 s goal. The PDF includes its maps (one ``ui.snapshot`` subprocess for all 11 maps).
Then the documents an agency sends (issue 13): the client PDF, the internal PDF and the tour
order sheet (XLSX) written together — the two PDFs share one map subprocess — against the 5 s
goal, and the same three written one by one for comparison.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.catalog import load_catalog  # noqa: E402
from planner.plan import minutes_hhmm, plan_from_dict, write_json_atomic  # noqa: E402

GUIZHOU = ("Guiyang", "Zunyi", "Anshun", "Qiandongnan", "Qiannan", "Qianxinan", "Tongren", "Bijie", "Liupanshui")
GOAL_S = 10.0
DOCS_GOAL_S = 5.0  # client PDF + internal PDF + tour order sheet together (issue 13)


def pick_stops(catalog, n: int = 40) -> list:
    spots = [s for s in catalog if s.kind == "attraction" and s.prefecture in GUIZHOU]
    spots.sort(key=lambda s: (s.level != "5A", s.id))
    return spots[:n]


def synthesise_plan(catalog, network, n_days: int = 10, per_day: int = 4) -> dict:
    """A valid plan: stops in a sweep around Guiyang, per_day a day, nights at the nearest hub."""
    stops = pick_stops(catalog, n_days * per_day)
    c_lat, c_lon = 26.6, 106.7
    stops.sort(key=lambda s: math.atan2(s.lat - c_lat, s.lon - c_lon))
    hubs = [s for s in catalog if s.kind == "hub" and s.prefecture in GUIZHOU]
    first = dt.date(2027, 5, 10)
    days = []
    here = "guiyang"
    for k in range(n_days):
        day_stops = stops[k * per_day : (k + 1) * per_day]
        if k == n_days - 1:
            night = "guiyang"
        else:
            last = day_stops[-1]
            night = min(hubs, key=lambda h: (h.lat - last.lat) ** 2 + (h.lon - last.lon) ** 2).id
        t = 8 * 60
        items = []
        start = here
        for j, s in enumerate([*day_stops, None]):
            to = s.id if s is not None else night
            r = network.route(here, to, "drive")
            minutes = max(1, round(r.minutes))
            items.append(
                {
                    "type": "travel",
                    "from": here,
                    "to": to,
                    "depart": minutes_hhmm(t),
                    "arrive": minutes_hhmm(t + minutes),
                    "minutes": minutes,
                    "km": round(r.km, 2),
                    "mode": "drive",
                    "path": [[round(p[0], 6), round(p[1], 6)] for p in r.points],
                }
            )
            t += minutes
            here = to
            if s is None:
                break
            visit = 75
            items.append(
                {
                    "type": "visit",
                    "id": s.id,
                    "arrive": minutes_hhmm(t),
                    "start": minutes_hhmm(t),
                    "end": minutes_hhmm(t + visit),
                    "wait_minutes": 0,
                }
            )
            t += visit
            if j == 1:
                items.append(
                    {
                        "type": "break",
                        "kind": "lunch",
                        "start": minutes_hhmm(t),
                        "end": minutes_hhmm(t + 60),
                        "at": s.id,
                    }
                )
                t += 60
        days.append(
            {"date": (first + dt.timedelta(days=k)).isoformat(), "start": start, "overnight": night, "items": items}
        )
    travel = sum(i["minutes"] for d in days for i in d["items"] if i["type"] == "travel")
    km = sum(i["km"] for d in days for i in d["items"] if i["type"] == "travel")
    plan = {
        "schema": "qiantu/plan@1",
        "title": "贵州全景 10 日（基准）",
        "status": "feasible",
        "mode": "drive",
        "start_date_given": True,
        "days": days,
        "order": [s.id for s in stops],
        "dropped": [],
        "totals": {
            "travel_minutes": travel,
            "km": round(km, 1),
            "visit_minutes": 75 * len(stops),
            "cost_cny": 98000.0,
            "cost_per_person_cny": 4900,
        },
        "solver": {"name": "synthetic", "seconds": 0.0},
    }
    plan_from_dict(plan)  # raises if the synthetic plan is not a valid plan
    return plan


def optimizer_plan(catalog) -> dict:
    from planner.optimize.trip import plan_trip
    from planner.plan import plan_to_dict
    from planner.request import request_from_dict

    req = request_from_dict(
        {
            "schema": "qiantu/request@1",
            "title": "贵州全景 10 日",
            "start": "guiyang",
            "start_date": "2027-05-10",
            "days": 10,
            "day_start": "07:30",
            "day_end": "19:30",
            "group_size": 20,
            "stops": [{"id": s.id, "priority": 1} for s in pick_stops(catalog)],
        },
        catalog=catalog,
    )
    return plan_to_dict(plan_trip(req, catalog))


def best_of(fn, repeat: int) -> float:
    best = math.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_documents(plan: dict, catalog, folder: Path, anchor: float, repeat: int) -> None:
    from planner.costing import package_quote
    from planner.export.pdf import export_pdf, export_pdfs, prepare_pdf
    from planner.export.tour_order import export_tour_order
    from planner.plan import plan_from_dict

    quote = package_quote(plan_from_dict(plan), {"adults": 20, "foc_per": 15}, 20, catalog).to_dict()
    tour = {"agency": "黔途国际旅行社", "tour_code": "BENCH-10D", "guide": {"name": "李", "phone": "13908512233"},
            "emergency_phone": "0851-12301"}
    common = {"lang": "zh", "catalog": catalog, "quote": quote, "tour": tour}

    def together() -> None:
        # The internal copy is laid out first and its maps started; the client copy is laid out and the
        # tour order written while Chromium draws them.
        internal = prepare_pdf(plan, folder / "internal.pdf", audience="internal", **common)
        export_pdfs([internal], catalog, later=[lambda: prepare_pdf(plan, folder / "client.pdf", **common)],
                    meanwhile=lambda: export_tour_order(plan, folder / "order.xlsx", **common))

    def one_by_one() -> None:
        for a in ("client", "internal"):
            export_pdf(plan, folder / f"{a}-1.pdf", audience=a, **common)
        export_tour_order(plan, folder / "order-1.xlsx", **common)

    import json

    from planner.cli import main as qiantu

    pkg = folder / "bench.qiantu.json"
    pkg.write_text(json.dumps({
        "schema": "qiantu/package@1", "title": plan["title"],
        "request": {"schema": "qiantu/request@1", "start": "guiyang", "days": len(plan["days"]), "group_size": 20,
                    "stops": []},
        "plan": plan, "notes": "", "costing": {"adults": 20, "foc_per": 15}, "tour": tour}, ensure_ascii=False),
        encoding="utf-8")

    def cli() -> None:
        args = ["export", str(pkg), "--pdf", str(folder / "c-cli.pdf"), "--pdf-internal", str(folder / "i-cli.pdf"),
                "--tour-order", str(folder / "o-cli.xlsx")]
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            assert qiantu(args) == 0

    from planner.export import pdfkit
    from planner.export.common import build_itinerary
    from planner.export.pdf import _print_map_html

    it = build_itinerary(plan, catalog)

    def html_pages() -> None:
        for d in [None, *it.days]:
            _print_map_html(it, catalog, "zh", d)

    def html_plain() -> None:
        with pdfkit.plain_templates():
            html_pages()

    h1, h2 = best_of(html_pages, repeat), best_of(html_plain, repeat)
    print(f"print-map HTML, {len(it.days) + 1} pages: jinja2 {h1:.2f} s, plain templates {h2:.2f} s "
          f"({h1 / h2:.1f}x)")
    print("documents: client PDF + internal PDF + tour order (XLSX)")
    s1 = best_of(together, repeat)
    s3 = best_of(cli, repeat)
    s2 = best_of(one_by_one, repeat)
    print(f"{'together':<10}{s1:>10.2f}{s1 / anchor:>12.0f}  goal < {DOCS_GOAL_S:.0f} s: "
          f"{'OK' if s1 < DOCS_GOAL_S else 'OVER'}")
    print(f"{'one by one':<10}{s2:>10.2f}{s2 / anchor:>12.0f}  (each PDF its own map subprocess)")
    print(f"{'CLI':<10}{s3:>10.2f}{s3 / anchor:>12.0f}  qiantu export PKG --pdf --pdf-internal --tour-order "
          f"(with loading the package)")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per format; the best is reported")
    ap.add_argument("--keep", metavar="DIR", help="keep the exported files in DIR")
    ap.add_argument("--optimizer", action="store_true", help="plan the 40 stops with plan_trip instead")
    args = ap.parse_args()

    from planner import export as ex

    catalog = load_catalog()
    t0 = time.perf_counter()
    if args.optimizer:
        plan = optimizer_plan(catalog)
        how = "plan_trip"
    else:
        from planner.network import load_network

        plan = synthesise_plan(catalog, load_network(catalog))
        how = "synthesised"
    made = time.perf_counter() - t0
    n_visits = sum(1 for d in plan["days"] for i in d["items"] if i["type"] == "visit")
    print(f"plan: {len(plan['days'])} days, {n_visits} visits ({how}, {made:.1f} s to make)")

    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="qiantu-bench-export-"))
    folder.mkdir(parents=True, exist_ok=True)
    anchor = best_of(lambda: write_json_atomic(plan, folder / "plan.json"), max(5, args.repeat))
    print(f"anchor: write the plan JSON  {anchor * 1000:8.1f} ms")
    print(f"{'format':<10}{'seconds':>10}{'x anchor':>12}  warnings")
    total = 0.0
    for name, (func, ext) in ex.FORMATS.items():
        warnings: list[str] = []

        def run(func=func, ext=ext, warnings=warnings):
            warnings[:] = func(plan, folder / f"plan{ext}", lang="zh", catalog=catalog)

        s = best_of(run, args.repeat)
        total += s
        print(f"{name:<10}{s:>10.2f}{s / anchor:>12.0f}  {'; '.join(warnings) or '-'}")
    verdict = "OK" if total < GOAL_S else "OVER"
    print(f"{'total':<10}{total:>10.2f}{total / anchor:>12.0f}  goal < {GOAL_S:.0f} s: {verdict}")
    bench_documents(plan, catalog, folder, anchor, args.repeat)
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    else:
        print(f"files in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
