"""Exports read back by independent readers: poppler / pypdf, openpyxl, gpxpy, GDAL, icalendar."""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from planner.errors import ExportError

DATA = Path(__file__).resolve().parent / "data"
PLAN_FILE = DATA / "export_plan_5days.json"
HAVE_POPPLER = shutil.which("pdftotext") is not None and shutil.which("pdffonts") is not None
HAVE_OGR = shutil.which("ogrinfo") is not None
needs_poppler = pytest.mark.skipif(not HAVE_POPPLER, reason="poppler-utils (pdftotext, pdffonts) not installed")
# Tests that print PDFs with maps start Qt WebEngine in a subprocess (about 3 s per PDF).
slow = pytest.mark.slow
needs_ogr = pytest.mark.skipif(not HAVE_OGR, reason="GDAL's ogrinfo not installed (apt-get install gdal-bin)")


@pytest.fixture(scope="module")
def plan() -> dict:
    return json.loads(PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog():
    from planner.catalog import load_catalog

    return load_catalog()


def visits(plan: dict) -> list[tuple[int, dict]]:
    return [(k, it) for k, d in enumerate(plan["days"]) for it in d["items"] if it["type"] == "visit"]


def stay_ids(plan: dict) -> set[str]:
    """Places the group starts from or sleeps at."""
    return {plan["days"][0]["start"]} | {d["overnight"] for d in plan["days"]}


def squash(text: str) -> str:
    """Text without any white space: a name wrapped over two lines of a table cell still matches."""
    return re.sub(r"\s+", "", text)


def folder_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def ogr_counts(path: Path) -> dict[str, int]:
    """Layer name -> feature count, as GDAL reads the file."""
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert out.returncode == 0, out.stderr
    counts: dict[str, int] = {}
    layer = None
    for line in out.stdout.splitlines():
        if line.startswith("Layer name:"):
            layer = line.split(":", 1)[1].strip()
        elif line.startswith("Feature Count:") and layer is not None:
            counts[layer] = int(line.split(":", 1)[1])
    return counts


def test_fixture_is_a_realistic_five_day_plan(plan):
    from planner.plan import plan_from_dict

    p = plan_from_dict(plan)
    assert len(p.days) == 5 and len(p.visits()) == 12
    ids = {v.id for v in p.visits()}
    assert {"zunyi-conference-site", "huangguoshu-waterfall", "xijiang-miao-village"} <= ids
    assert all(len(i.path) >= 2 for d in p.days for i in d.items if i.type == "travel")
    assert p.dropped and p.totals["cost_cny"]


# --------------------------------------------------------------------------- PDF


TOUR = {
    "agency": "黔途国际旅行社",
    "tour_code": "QT-20270406-A",
    "operator": {"name": "陈计调", "phone": "0851-86660000"},
    "guide": {"name": "李晓黔", "phone": "139 0851 2233"},
    "driver": {"name": "王师傅", "phone": "138 0851 7788", "plate": "贵A·D1234"},
    "leader": {"name": "Anna Smith", "phone": "+44 7700 900123"},
    "emergency_phone": "0851-12301",
    "hotels": [{"day": 1, "name": "凯里国际大酒店", "phone": "0855-8251888", "address": "凯里市韶山南路"}],
    "meals": [{"day": 2, "breakfast": "酒店自助早", "lunch": "苗家长桌宴 50元/人", "dinner": ""}],
    "trains": [{"day": 1, "number": "G2961"}],
}


@pytest.fixture(scope="module")
def pdfs(plan, catalog, tmp_path_factory):
    """The 5-day plan printed for the client and for the office, in Chinese and in English, maps
    included (one snapshot process per language, shared by the two copies)."""
    from planner.export.pdf import export_pdfs, prepare_pdf

    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for lang in ("zh", "en"):
        jobs = {}
        for audience in ("client", "internal"):
            path = folder / f"plan-{lang}-{audience}.pdf"
            jobs[audience] = prepare_pdf(plan, path, lang=lang, catalog=catalog, audience=audience, tour=TOUR,
                                         notes="集合：贵阳北站 08:00 / Meet at Guiyang North")
        for audience, warnings in zip(jobs, export_pdfs(list(jobs.values()), catalog)):
            out[(lang, audience)] = (jobs[audience].path, warnings)
            if audience == "internal":
                out[lang] = out[(lang, audience)]
    return out


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@slow
@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_holds_every_day_and_place(pdfs, plan, catalog, lang):
    path, warnings = pdfs[lang]
    assert warnings == []
    text = squash(pdf_text(path))
    for k in range(len(plan["days"])):
        heading = f"第{k + 1}天" if lang == "zh" else f"Day{k + 1}"
        assert heading in text
    for _day, v in visits(plan):
        spot = catalog.get(v["id"])
        assert squash(spot.name(lang)) in text, spot.name(lang)
    # Overnight places, the dropped stops and the notes reach the paper too.
    for d in plan["days"][:-1]:
        assert squash(catalog.get(d["overnight"]).name(lang)) in text
    for x in plan["dropped"]:
        assert squash(catalog.get(x["id"]).name(lang)) in text
    assert squash("集合：贵阳北站 08:00") in text
    # The client's copy has every day and place but none of the stops left out.
    client = squash(pdf_text(pdfs[(lang, "client")][0]))
    for _day, v in visits(plan):
        assert squash(catalog.get(v["id"]).name(lang)) in client
    for x in plan["dropped"]:
        if not any(v["id"] == x["id"] for _d, v in visits(plan)):
            assert squash(catalog.get(x["id"]).name(lang)) not in client
    assert ("每人价格" if lang == "zh" else "Priceperperson") in text
    assert "2,260" in text


@slow
@needs_poppler
def test_pdf_embeds_its_chinese_font_and_has_page_numbers(pdfs):
    path, _ = pdfs["zh"]
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [ln.split() for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows, fonts
    # Column "emb" is the fifth from the right (emb sub uni object ID).
    assert all(r[-5] == "yes" for r in rows), fonts
    assert any("WenQuanYi" in r[0] for r in rows) or any("Hei" in r[0] for r in rows)
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    n = len(reader.pages)
    assert n >= 1 + 5 + 1  # cover, a section per day, closing page
    assert reader.metadata.title == "贵州经典与红色之旅 5 日"
    assert f"第 1 / {n} 页" in reader.pages[0].extract_text() or f"第1/{n}页" in squash(reader.pages[0].extract_text())
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


@slow
@needs_poppler
def test_pdf_has_the_overview_and_a_map_per_day(pdfs, plan):
    path, _ = pdfs["en"]
    out = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
    images = [ln for ln in out.splitlines()[2:] if ln.strip()]
    assert len(images) == 1 + len(plan["days"])
    pages = [int(ln.split()[0]) for ln in images]
    assert pages[0] == 1 and len(set(pages[1:])) == len(plan["days"])  # one day map per day page


@needs_poppler
def test_pdf_without_the_snapshot_still_written_and_says_so(plan, catalog, tmp_path, monkeypatch):
    from planner.export import pdf as pdf_mod
    from planner.export import pdfkit

    monkeypatch.setattr(pdfkit, "SNAPSHOT_MODULE", "ui.no_such_snapshot_module")
    path = tmp_path / "nomaps.pdf"
    warnings = pdf_mod.export_pdf(plan, path, lang="en", catalog=catalog)
    assert path.is_file()
    assert any("maps missing" in w for w in warnings)
    text = pdf_text(path)
    assert "The map could not be drawn here" in text
    assert "Day 5" in text
    assert folder_files(tmp_path) == ["nomaps.pdf"]


def test_pdf_in_chinese_without_maps_is_fast_and_valid(plan, catalog, tmp_path):
    from pypdf import PdfReader

    from planner.export import export_pdf

    path = tmp_path / "a.pdf"
    assert export_pdf(plan, path, catalog=catalog, maps=False, audience="internal") == []
    text = squash("".join(p.extract_text() for p in PdfReader(str(path)).pages))
    assert "黄果树瀑布" in text and "住宿：凯里" in text and "未安排的景点" in text


# --------------------------------------------------------------------------- XLSX


def test_xlsx_has_a_sheet_per_day_with_real_times(plan, catalog, tmp_path):
    from openpyxl import load_workbook

    from planner.export import export_xlsx

    path = tmp_path / "plan.xlsx"
    export_xlsx(plan, path, lang="en", catalog=catalog)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "Summary"
    day_sheets = [ws for ws in wb.worksheets if ws.title.startswith("Day")]
    assert len(day_sheets) == len(plan["days"])
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.column_dimensions["A"].width and ws.column_dimensions["B"].width
    for k, ws in enumerate(day_sheets):
        items = plan["days"][k]["items"]
        rows = list(ws.iter_rows(min_row=2, max_row=1 + len(items), values_only=True))
        for it, row in zip(items, rows):
            start = it.get("depart") or it["start"]
            assert isinstance(row[1], dt.time) and row[1].strftime("%H:%M") == start
            assert isinstance(row[2], dt.time)
            if it["type"] == "travel":
                assert isinstance(row[6], int) and row[6] == it["minutes"]
                assert isinstance(row[7], float)
            if it["type"] == "visit":
                assert row[11] == it["id"]
    summary = wb["Summary"]
    first = next(summary.iter_rows(min_row=2, max_row=2, values_only=True))
    assert (
        first[0] == 1 and isinstance(first[1], dt.datetime) and first[1].date().isoformat() == plan["days"][0]["date"]
    )
    values = {r[0]: r[1] for r in summary.iter_rows(values_only=True) if r[0]}
    assert values["Price per person"] == plan["totals"]["cost_per_person_cny"]
    assert "Places left out" in wb.sheetnames


# --------------------------------------------------------------------------- GPX, KML, GeoJSON


def test_gpx_waypoints_and_one_track_per_day(plan, catalog, tmp_path):
    import gpxpy

    from planner.export import export_gpx

    path = tmp_path / "plan.gpx"
    export_gpx(plan, path, lang="zh", catalog=catalog)
    g = gpxpy.parse(path.read_text(encoding="utf-8"))
    assert g.version == "1.1"
    assert len(g.waypoints) == len(visits(plan)) + len(stay_ids(plan))
    names = [w.name for w in g.waypoints]
    assert any("黄果树瀑布" in n for n in names)
    assert len(g.tracks) == len(plan["days"])
    for k, trk in enumerate(g.tracks):
        pts = [(p.latitude, p.longitude) for p in trk.segments[0].points]
        day_path = [tuple(p) for it in plan["days"][k]["items"] if it["type"] == "travel" for p in it["path"]]
        # The track follows the network path of the day's travel items, not straight lines.
        assert len(pts) >= len({*day_path}) - len(plan["days"][k]["items"])
        assert pts[0] == pytest.approx(day_path[0], abs=1e-6) and pts[-1] == pytest.approx(day_path[-1], abs=1e-6)


@needs_ogr
def test_gpx_read_by_gdal(plan, catalog, tmp_path):
    from planner.export import export_gpx

    path = tmp_path / "plan.gpx"
    export_gpx(plan, path, catalog=catalog)
    counts = ogr_counts(path)
    assert counts["waypoints"] == len(visits(plan)) + len(stay_ids(plan))
    assert counts["tracks"] == len(plan["days"])


@needs_ogr
def test_kml_folder_per_day_read_by_gdal(plan, catalog, tmp_path):
    from planner.export import export_kml

    path = tmp_path / "plan.kml"
    export_kml(plan, path, lang="en", catalog=catalog)
    counts = ogr_counts(path)
    day_layers = [name for name in counts if name.startswith("Day ")]
    assert len(day_layers) == len(plan["days"])
    for k, d in enumerate(plan["days"]):
        layer = next(n for n in day_layers if n.startswith(f"Day {k + 1} "))
        n_visits = sum(1 for it in d["items"] if it["type"] == "visit")
        # the line, the stops, the night's place (and the trip's start on day 1)
        assert counts[layer] == 1 + n_visits + 1 + (1 if k == 0 else 0)


def test_kml_lines_styled_in_day_colours(plan, catalog, tmp_path):
    from planner.export import export_kml
    from planner.export.common import day_color
    from planner.export.kml import kml_color

    path = tmp_path / "plan.kml"
    export_kml(plan, path, catalog=catalog)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.parse(path).getroot()
    folders = root.findall(".//k:Folder", ns)
    assert len(folders) == len(plan["days"])
    assert len(root.findall(".//k:LineString", ns)) == len(plan["days"])
    line_colours = {e.text for e in root.findall(".//k:LineStyle/k:color", ns)}
    assert {kml_color(day_color(k)) for k in range(len(plan["days"]))} <= line_colours
    assert kml_color("#d62728") == "e62827d6"


@needs_ogr
def test_geojson_points_and_a_line_per_day(plan, catalog, tmp_path):
    from planner.export import export_geojson

    path = tmp_path / "plan.geojson"
    export_geojson(plan, path, catalog=catalog)
    counts = ogr_counts(path)
    assert sum(counts.values()) == len(visits(plan)) + len(stay_ids(plan)) + len(plan["days"])
    doc = json.loads(path.read_text(encoding="utf-8"))
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    stops = [f for f in doc["features"] if f["properties"]["kind"] == "stop"]
    assert [f["properties"]["day"] for f in lines] == list(range(1, len(plan["days"]) + 1))
    assert len(stops) == len(visits(plan))
    first = stops[0]["properties"]
    day0, v0 = visits(plan)[0]
    assert first["id"] == v0["id"] and first["start"] == f"{plan['days'][day0]['date']}T{v0['start']}"
    lon, lat = stops[0]["geometry"]["coordinates"]
    assert catalog.get(v0["id"]).lat == pytest.approx(lat, abs=1e-5) and 100 < lon < 115


# --------------------------------------------------------------------------- ICS


def test_ics_one_event_per_visit_at_local_times(plan, catalog, tmp_path):
    import icalendar

    from planner.export import export_ics

    path = tmp_path / "plan.ics"
    export_ics(plan, path, lang="zh", catalog=catalog)
    raw = path.read_bytes()
    assert b"BEGIN:VTIMEZONE" in raw and b"TZID:Asia/Shanghai" in raw
    cal = icalendar.Calendar.from_ical(raw)
    events = list(cal.walk("VEVENT"))
    visit_events = [e for e in events if str(e["summary"]).startswith("游览")]
    long_legs = [it for d in plan["days"] for it in d["items"] if it["type"] == "travel" and it["minutes"] > 30]
    assert len(visit_events) == len(visits(plan))
    assert len(events) == len(visits(plan)) + len(long_legs)
    for ev, (k, v) in zip(visit_events, visits(plan)):
        start = ev.decoded("dtstart")
        assert ev["dtstart"].params["TZID"] == "Asia/Shanghai"
        assert start.strftime("%Y-%m-%d %H:%M") == f"{plan['days'][k]['date']} {v['start']}"
        assert start.utcoffset() == dt.timedelta(hours=8)
        assert ev.decoded("dtend").strftime("%H:%M") == v["end"]
        spot = catalog.get(v["id"])
        assert str(ev["location"]) == spot.name_zh
        assert ev["geo"].latitude == pytest.approx(spot.lat, abs=1e-5)


# --------------------------------------------------------------------------- HTML


def test_html_is_one_offline_file(plan, catalog, tmp_path):
    from planner.export import export_html

    path = tmp_path / "plan.html"
    export_html(plan, path, lang="en", catalog=catalog)
    page = path.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=[\"']?https?:", page, re.IGNORECASE)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", page, re.IGNORECASE)
    assert "L.map(" in page or "L.map (" in page  # Leaflet is inlined and builds the map
    for _k, v in visits(plan):
        assert catalog.get(v["id"]).name_en.replace("'", "&#x27;") in page or catalog.get(v["id"]).name_en in page
    assert folder_files(tmp_path) == ["plan.html"]


# --------------------------------------------------------------------------- failures leave nothing


ALL = ["export_pdf", "export_xlsx", "export_gpx", "export_kml", "export_geojson", "export_ics", "export_html"]


@pytest.mark.parametrize("name", ALL)
def test_a_plan_with_a_bad_field_leaves_no_file(plan, catalog, tmp_path, name):
    import planner.export as ex

    bad = copy.deepcopy(plan)
    k = next(i for i, it in enumerate(bad["days"][1]["items"]) if it["type"] == "visit")
    bad["days"][1]["items"][k]["id"] = "no-such-spot"
    target = tmp_path / "out.file"
    with pytest.raises(ExportError) as err:
        getattr(ex, name)(bad, target, catalog=catalog)
    assert "no-such-spot" in str(err.value) and "days[1].items" in str(err.value)
    assert folder_files(tmp_path) == []


@pytest.mark.parametrize("name", ALL)
def test_an_unwritable_path_raises_export_error(plan, catalog, tmp_path, name):
    import planner.export as ex

    target = tmp_path / "missing-folder" / "out.file"
    with pytest.raises(ExportError, match="does not exist"):
        getattr(ex, name)(plan, target, catalog=catalog, **({"maps": False} if name == "export_pdf" else {}))
    assert folder_files(tmp_path) == []


def test_a_failure_while_writing_keeps_the_old_file(plan, catalog, tmp_path, monkeypatch):
    import openpyxl

    from planner.export import export_xlsx

    target = tmp_path / "plan.xlsx"
    target.write_bytes(b"old")

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(ExportError, match="No space left"):
        export_xlsx(plan, target, catalog=catalog)
    assert target.read_bytes() == b"old"
    assert folder_files(tmp_path) == ["plan.xlsx"]


def test_not_a_plan_is_an_export_error(catalog, tmp_path):
    from planner.export import export_gpx

    with pytest.raises(ExportError, match="not a valid plan"):
        export_gpx({"schema": "qiantu/plan@1", "status": "done"}, tmp_path / "x.gpx", catalog=catalog)
    with pytest.raises(ExportError, match="language"):
        export_gpx(json.loads(PLAN_FILE.read_text()), tmp_path / "x.gpx", lang="fr", catalog=catalog)
    assert folder_files(tmp_path) == []


# --------------------------------------------------------------------------- CLI


def run_cli(*args: str, capsys) -> tuple[int, str, str]:
    from planner.cli import main

    code = main(["export", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_exports_a_package_plan(plan, tmp_path, capsys):
    import gpxpy
    import icalendar

    pkg = {
        "schema": "qiantu/package@1",
        "title": plan["title"],
        "request": {
            "schema": "qiantu/request@1",
            "start": "guiyang",
            "days": 5,
            "group_size": 16,
            "stops": [{"id": v["id"]} for _k, v in visits(plan)],
        },
        "plan": plan,
        "notes": "",
    }
    src = tmp_path / "trip.qiantu.json"
    src.write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    code, out, err = run_cli(
        str(src),
        "--gpx",
        str(tmp_path / "t.gpx"),
        "--ics",
        str(tmp_path / "t.ics"),
        "--geojson",
        str(tmp_path / "t.geojson"),
        "--lang",
        "en",
        capsys=capsys,
    )
    assert code == 0, err
    assert len(gpxpy.parse((tmp_path / "t.gpx").read_text(encoding="utf-8")).tracks) == 5
    cal = icalendar.Calendar.from_ical((tmp_path / "t.ics").read_bytes())
    assert any(str(e["summary"]).startswith("Visit: ") for e in cal.walk("VEVENT"))
    assert "t.gpx" in out


def test_cli_bad_input_is_one_line_and_no_partial_output(plan, tmp_path, capsys):
    # No output option.
    code, _out, err = run_cli(str(PLAN_FILE), capsys=capsys)
    assert code == 2 and "nothing to export" in err and len(err.strip().splitlines()) == 1
    # A package without a plan.
    pkg = tmp_path / "empty.qiantu.json"
    pkg.write_text(
        json.dumps(
            {
                "schema": "qiantu/package@1",
                "title": "x",
                "request": {
                    "schema": "qiantu/request@1",
                    "start": "guiyang",
                    "days": 2,
                    "stops": [{"id": "jiaxiu-tower"}],
                },
                "plan": None,
                "notes": "",
            }
        ),
        encoding="utf-8",
    )
    code, _out, err = run_cli(str(pkg), "--gpx", str(tmp_path / "a.gpx"), capsys=capsys)
    assert code == 2 and "no plan" in err and len(err.strip().splitlines()) == 1
    # A plan with an unknown place: the first format would work, the plan fails -> nothing written.
    bad = copy.deepcopy(plan)
    bad["days"][4]["overnight"] = "atlantis"
    src = tmp_path / "bad.json"
    src.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    before = folder_files(tmp_path)
    code, _out, err = run_cli(
        str(src), "--xlsx", str(tmp_path / "a.xlsx"), "--gpx", str(tmp_path / "a.gpx"), capsys=capsys
    )
    assert code == 2 and "atlantis" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert folder_files(tmp_path) == before
    # A missing file.
    code, _out, err = run_cli(str(tmp_path / "nope.json"), "--gpx", str(tmp_path / "a.gpx"), capsys=capsys)
    assert code == 2 and "not found" in err


def test_cli_one_failing_output_writes_none(plan, tmp_path, capsys, monkeypatch):
    from planner.export import FORMATS

    def fails(*a, **k):
        raise ExportError("the disk is full")

    monkeypatch.setitem(FORMATS, "ics", (fails, ".ics"))
    code, _out, err = run_cli(
        str(PLAN_FILE), "--gpx", str(tmp_path / "a.gpx"), "--ics", str(tmp_path / "a.ics"), capsys=capsys
    )
    assert code == 2 and "disk is full" in err
    assert folder_files(tmp_path) == []


def test_priced_plan_gets_a_quotation_page_and_a_costs_sheet(tmp_path):
    """Issue 7: the PDF has a quotation page and the XLSX a costing sheet, read back independently."""
    import openpyxl
    import pypdf

    from planner.export import export_pdf, export_xlsx

    plan = json.loads((Path(__file__).parent / "data" / "export_plan_5days.json").read_text(encoding="utf-8"))
    assert plan["totals"].get("cost_per_person_cny")
    quote = {
        "group": {"size": 10},
        "lines": [{"what": "门票 黄果树瀑布 Huangguoshu Waterfall", "unit": "ticket", "quantity": 10,
                   "unit_price_cny": 160, "amount_cny": 1600, "per_person_cny": 160, "estimate": False, "ref": "x"}],
        "net_cost_cny": 1600, "margin_pct": 10, "margin_cny": 160, "selling_price_cny": 1760,
        "price_per_person_cny": 176, "single_supplement_cny": 0,
    }
    pdf = tmp_path / "q.pdf"
    export_pdf(plan, pdf, lang="en", maps=False, quote=quote, audience="internal")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(str(pdf)).pages)
    assert "Quotation" in text and "1,760.00" in text and "176.00" in text
    xlsx = tmp_path / "q.xlsx"
    export_xlsx(plan, xlsx, lang="zh", quote=quote)
    ws = openpyxl.load_workbook(xlsx)["报价"]
    assert ws.cell(row=2, column=5).value == 1600 and isinstance(ws.cell(row=2, column=3).value, (int, float))
    values = [ws.cell(row=r, column=5).value for r in range(1, ws.max_row + 1)]
    assert 1760 in values and 176 in values


# --------------------------------------------------------------------------- client, internal, tour order (issue 13)

INTERNAL_WORDS_ZH = ("成本", "利润", "毛利", "估算", "来源", "data/rates", "未安排", "报价单", "费率")
INTERNAL_WORDS_EN = ("margin", "net", "estimate", "estimated", "source", "sources", "data/rates", "dropped",
                     "left out", "rate", "quotation")
QUOTE_PLAN = DATA / "quote_plan.json"


def _package(tmp_path: Path, plan: dict, *, costing: dict | None = None, tour: dict | None = None,
             title: str = "黔东南与红色遵义五日游") -> Path:
    pkg = {
        "schema": "qiantu/package@1",
        "title": title,
        "request": {"schema": "qiantu/request@1", "title": "", "start": "guiyang", "days": len(plan["days"]),
                    "group_size": 16, "stops": []},
        "plan": plan,
        "notes": "集合：贵阳北站 08:00",
        **({"costing": costing} if costing is not None else {}),
        **({"tour": tour} if tour is not None else {}),
    }
    path = tmp_path / "trip.qiantu.json"
    path.write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    return path


def _no_maps(monkeypatch):
    from planner.export import pdfkit

    monkeypatch.setattr(pdfkit, "SNAPSHOT_MODULE", "ui.no_such_snapshot_module")


def _pdf_words(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


COSTING = {"adults": 14, "children": 2, "seniors": 2, "hotel_class": "premium", "margin_pct": 18, "foc_per": 15,
           "currency": "USD=7.10"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_client_pdf_has_no_internal_words_and_has_title_and_contacts(plan, tmp_path, capsys, monkeypatch, lang):
    _no_maps(monkeypatch)
    src = _package(tmp_path, plan, costing=COSTING, tour=TOUR)
    out = tmp_path / "client.pdf"
    code, _o, err = run_cli(str(src), "--pdf", str(out), "--lang", lang, capsys=capsys)
    assert code == 0, err
    text = _pdf_words(out)
    flat = squash(text)
    if lang == "zh":
        for word in INTERNAL_WORDS_ZH:
            assert word not in text, word
        assert "费用包含" in flat and "费用不含" in flat
        assert "第1天第1天" not in flat  # the day header says its number once
    else:
        low = text.lower()
        for word in INTERNAL_WORDS_EN:
            assert not re.search(rf"\b{re.escape(word)}\b", low), word
        assert "Thepriceincludes" in flat
    assert "*" not in text  # no estimate markers
    assert squash("黔东南与红色遵义五日游") in flat  # the package's title, not "行程方案"
    for needle in ("李晓黔", "139 0851 2233", "0851-12301", "王师傅", "贵A·D1234", "QT-20270406-A", "凯里国际大酒店",
                   "0855-8251888", "苗家长桌宴"):
        assert squash(needle) in flat, needle


def test_internal_pdf_has_costs_sources_and_left_out_stops(plan, tmp_path, capsys, monkeypatch, catalog):
    _no_maps(monkeypatch)
    src = _package(tmp_path, plan, costing=COSTING, tour=TOUR)
    out = tmp_path / "internal.pdf"
    code, _o, err = run_cli(str(src), "--pdf", str(out), "--audience", "internal", capsys=capsys)
    assert code == 0, err
    flat = squash(_pdf_words(out))
    assert "成本合计" in flat and "利润" in flat and "报价单" in flat and "未安排的景点" in flat
    assert "hotel_tiers.csv" in flat  # each line's rate
    assert "费率来源" in flat and "myfova.cn" in flat  # and where it comes from (the meal rate's source)
    assert "陈计调" in flat  # the operator is for the office only
    for x in plan["dropped"]:
        assert squash(catalog.get(x["id"]).name("zh")) in flat


def test_one_price_in_the_quote_the_pdfs_and_the_workbook(plan, tmp_path, capsys, monkeypatch):
    """Issue 13 item 1: the package's costing gives the same prices in every format."""
    import openpyxl

    from planner.cli import main

    _no_maps(monkeypatch)
    src = _package(tmp_path, plan, costing=COSTING, tour=TOUR)
    assert main(["quote", str(src), "--format", "json"]) == 0
    q = json.loads(capsys.readouterr().out)["quote"]
    prices = q["prices"]
    assert set(prices["price_per_category_cny"]) == {"adult", "child", "senior"}
    assert q["foc"]["free_places"] == 1
    code, _o, err = run_cli(str(src), "--pdf", str(tmp_path / "c.pdf"), "--xlsx", str(tmp_path / "w.xlsx"),
                            capsys=capsys)
    assert code == 0, err
    code, _o, err = run_cli(str(src), "--pdf", str(tmp_path / "i.pdf"), "--audience", "internal", capsys=capsys)
    assert code == 0, err
    client = squash(_pdf_words(tmp_path / "c.pdf"))
    internal = squash(_pdf_words(tmp_path / "i.pdf"))
    for cat, cny in prices["price_per_category_cny"].items():
        usd = prices["price_per_category_usd"][cat]
        assert f"{cny:,.0f}元（约USD{usd:,.0f}）" in client, (cat, cny)
        assert f"{cny:,.2f}" in internal
    single = prices["single_supplement_cny"]
    assert f"{single:,.0f}元" in client and f"{single:,.2f}" in internal
    assert f"{q['price_per_person_cny']:,.2f}" in internal
    ws = openpyxl.load_workbook(tmp_path / "w.xlsx")["总览"]
    facts = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2).value for r in range(1, ws.max_row + 1)}
    assert facts["每人价格"] == q["price_per_person_cny"]
    assert facts["每人价格 · 儿童"] == prices["price_per_category_cny"]["child"]
    assert facts["单房差（每人全程）"] == single
    assert facts["每人价格 (USD)"] == prices["price_per_person_usd"]
    assert facts["团费合计"] == pytest.approx(q["selling_price_cny"])


def test_tour_order_xlsx_reads_back_every_field(tmp_path, capsys):
    import openpyxl

    plan = json.loads(QUOTE_PLAN.read_text(encoding="utf-8"))
    tour = dict(TOUR, notes="客人有两位素食", hotels=[{"day": 1, "name": "西江苗寨观景酒店", "phone": "0855-3348888",
                                                     "address": "雷山县西江镇"}],
                meals=[{"day": 2, "breakfast": "酒店早餐", "lunch": "长桌宴 60元/人", "dinner": ""}],
                trains=[{"day": 2, "number": "G2961"}])
    src = _package(tmp_path, plan, costing={"adults": 10, "children": 2, "seniors": 1}, tour=tour)
    out = tmp_path / "order.xlsx"
    code, _o, err = run_cli(str(src), "--tour-order", str(out), capsys=capsys)
    assert code == 0, err
    ws = openpyxl.load_workbook(out)["派团单"]
    cells = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    fields = {r[0]: r[1] for r in cells if r and isinstance(r[0], str) and len(r) > 1}
    assert fields["组团社"] == "黔途国际旅行社" and fields["团号"] == "QT-20270406-A"
    assert fields["人数"] == "成人 10 · 儿童 2 · 长者 1"
    assert fields["领队"] == "Anna Smith +44 7700 900123" and fields["计调"] == "陈计调 0851-86660000"
    assert fields["车牌"] == "贵A·D1234" and fields["司机"] == "王师傅 138 0851 7788"
    assert fields["导游"] == "李晓黔 139 0851 2233" and fields["紧急联系电话"] == "0851-12301"
    assert fields["车辆"]  # the vehicle the quote chose
    assert fields["备注"] == "客人有两位素食"
    # trains: number, stations and times (08:30 departure + 25 min access + 30 min change)
    trains = [r for r in cells if r and r[2] in ("G2961", "待定")]
    assert trains[0][2] == "G2961" and "贵阳北" in trains[0][3] and "凯里南" in trains[0][4]
    assert trains[0][5] and trains[0][6] and trains[0][5] < trains[0][6]
    head = next(i for i, r in enumerate(cells) if r and r[0] == "天" and r[2] == "行程（时间）")
    days = cells[head + 1 : head + 1 + len(plan["days"])]
    assert [d[0] for d in days] == [1, 2, 3]
    assert isinstance(days[0][1], dt.datetime) and days[0][1].date() == dt.date(2027, 4, 6)
    assert "黄果树瀑布" in days[0][2] and re.search(r"\d\d:\d\d–\d\d:\d\d", days[0][2])
    assert days[1][3:6] == ["酒店早餐", "长桌宴 60元/人", "不含"]
    assert days[0][6] == "西江苗寨观景酒店" and days[0][7] == "0855-3348888"
    assert "黄果树瀑布" in days[0][8] and "× 13" in days[0][8]
    assert days[2][6] == "行程结束"


def test_tour_order_pdf_is_written(tmp_path, capsys):
    plan = json.loads(QUOTE_PLAN.read_text(encoding="utf-8"))
    src = _package(tmp_path, plan, tour=TOUR)
    out = tmp_path / "order.pdf"
    code, _o, err = run_cli(str(src), "--tour-order", str(out), capsys=capsys)
    assert code == 0, err
    flat = squash(_pdf_words(out))
    assert "派团单" in flat and "李晓黔" in flat and "贵A·D1234" in flat and "G2961" not in flat


@needs_poppler
def test_tour_order_opens_in_libreoffice(tmp_path, capsys):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("LibreOffice not installed")
    plan = json.loads(QUOTE_PLAN.read_text(encoding="utf-8"))
    src = _package(tmp_path, plan, tour=TOUR)
    out = tmp_path / "order.xlsx"
    assert run_cli(str(src), "--tour-order", str(out), capsys=capsys)[0] == 0
    # CSV filter options: comma, double quote, UTF-8 (76); LibreOffice converts the first sheet
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(out)],
                   capture_output=True, timeout=180, check=True)
    text = (tmp_path / "order.csv").read_text(encoding="utf-8")
    for needle in ("QT-20270406-A", "黔途国际旅行社", "李晓黔", "王师傅", "贵A·D1234", "Anna Smith", "0851-12301",
                   "凯里国际大酒店"):
        assert needle in text, needle


@pytest.mark.parametrize(
    "extra, tour, costing, needle",
    [
        (["--currency", "XYZ=7"], None, None, "--currency"),
        (["--currency", "USD=0"], None, None, "--currency"),
        ([], {"guide": {"name": "李", "phone": "139-abc"}}, None, "tour.guide.phone"),
        ([], {"driver": {"plate": "ABC-123"}}, None, "tour.driver.plate"),
        ([], {"trains": [{"day": 1, "number": "bus 12"}]}, None, "tour.trains[0].number"),
        ([], {"hotels": [{"day": 0, "name": "x"}]}, None, "tour.hotels[0].day"),
        ([], None, {"adults": -2}, "costing.adults"),
        ([], None, {"foc_per": 0}, "costing.foc_per"),
        ([], None, {"hotel_class": "palace"}, "costing.hotel_class"),
        ([], None, {"currency": "ABC=1"}, "costing.currency"),
    ],
)
def test_cli_bad_costing_or_tour_is_one_line_and_writes_nothing(plan, tmp_path, capsys, extra, tour, costing, needle):
    src = _package(tmp_path, plan, costing=costing, tour=tour)
    before = folder_files(tmp_path)
    code, _o, err = run_cli(str(src), "--xlsx", str(tmp_path / "a.xlsx"), "--tour-order", str(tmp_path / "o.xlsx"),
                            *extra, capsys=capsys)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert folder_files(tmp_path) == before


def test_cli_tour_order_needs_xlsx_or_pdf(plan, tmp_path, capsys):
    src = _package(tmp_path, plan)
    code, _o, err = run_cli(str(src), "--tour-order", str(tmp_path / "o.docx"), capsys=capsys)
    assert code == 2 and "--tour-order" in err


def test_print_maps_skip_jinja_only_for_plain_text(plan, catalog):
    """The print maps' speed-up renders plain template text verbatim: the same text jinja2 gives."""
    import branca.element as be
    from jinja2 import Template

    from planner.export import pdfkit
    from planner.export.common import build_itinerary
    from planner.export.pdf import _print_map_html

    for src in ("<b>a</b>\n", "x\r\ny\r\n", "", "<script>var a = {b: 1};</script>\n\n"):
        assert pdfkit.is_plain(src) and pdfkit.PlainTemplate(src).render() == Template(src).render()
    assert not pdfkit.is_plain("{{ this.x }}") and not pdfkit.is_plain("{% if a %}{% endif %}")
    it = build_itinerary(plan, catalog)
    original = be.Template
    with pdfkit.plain_templates():
        page = _print_map_html(it, catalog, "zh", it.days[0])
    assert be.Template is original
    assert "L.map(" in page and squash(it.days[0].visits()[0].place.name("zh")) in squash(page)


def test_pdfs_laid_out_while_the_maps_are_drawn_share_them(plan, catalog, tmp_path, monkeypatch):
    """One map subprocess for the internal copy and the client copy laid out meanwhile."""
    from planner.export import pdfkit
    from planner.export.pdf import export_pdfs, prepare_pdf

    calls = []
    real = pdfkit.start_render_maps

    def counting(pages, folder, timeout_s=None):
        calls.append(len(pages))
        return real(pages, folder, timeout_s)

    monkeypatch.setattr(pdfkit, "start_render_maps", counting)
    monkeypatch.setattr(pdfkit, "SNAPSHOT_MODULE", "ui.no_such_snapshot_module")
    internal = prepare_pdf(plan, tmp_path / "i.pdf", catalog=catalog, audience="internal")
    made = []
    warnings = export_pdfs([internal], catalog, meanwhile=lambda: made.append("order"),
                           later=[lambda: prepare_pdf(plan, tmp_path / "c.pdf", catalog=catalog),
                                  lambda: prepare_pdf(plan, tmp_path / "e.pdf", catalog=catalog, lang="en")])
    # zh maps once for both zh copies; the English copy's maps in a second call
    assert calls == [1 + len(plan["days"]), 1 + len(plan["days"])]
    assert made == ["order"] and len(warnings) == 3
    assert all((tmp_path / n).is_file() for n in ("i.pdf", "c.pdf", "e.pdf"))


def test_cli_a_format_failing_while_the_pdf_maps_draw_names_its_file(tmp_path, capsys, monkeypatch):
    from planner.export import FORMATS

    def fails(*a, **k):
        raise ExportError("the disk is full")

    _no_maps(monkeypatch)
    monkeypatch.setitem(FORMATS, "ics", (fails, ".ics"))
    code, _out, err = run_cli(str(PLAN_FILE), "--pdf", str(tmp_path / "a.pdf"), "--gpx", str(tmp_path / "a.gpx"),
                              "--ics", str(tmp_path / "a.ics"), capsys=capsys)
    assert code == 2 and "disk is full" in err and "a.ics" in err and "a.pdf" not in err
    assert folder_files(tmp_path) == []


def test_documents_fall_back_to_the_plans_hotel_and_meals():
    """Without tour.hotels/meals the documents take the plan's day fields (planner.stay fills them)."""
    from types import SimpleNamespace

    from planner.export import tourinfo as ti

    hotel = SimpleNamespace(name_zh="凯里凯莱酒店", name_en="Kaili Kailai Hotel", phone="0855-8888888", address="凯里市")
    cat = SimpleNamespace(spots={"kailai": hotel, "lmt": SimpleNamespace(name_zh="长桌宴餐厅", name_en="Long Table")})
    day = {"hotel": "kailai", "items": [{"type": "break", "kind": "lunch", "place": "lmt"}],
           "evening": [{"type": "meal", "id": "lmt", "start": "19:00", "end": "20:00"}]}
    h = ti.day_hotel({}, day, 1, "凯里", "zh", "comfort", cat)
    assert (h.name, h.phone, h.address, h.given) == ("凯里凯莱酒店", "0855-8888888", "凯里市", True)
    assert ti.day_hotel({}, day, 1, "Kaili", "en", "comfort", cat).name == "Kaili Kailai Hotel"
    meals = ti.day_meals({}, day, 2, "zh", has_meals=True, catalog=cat)
    assert meals == {"breakfast": "酒店早餐", "lunch": "长桌宴餐厅", "dinner": "长桌宴餐厅"}
    # the tour's own entries win; without anything, the class in the town
    tour = {"hotels": [{"day": 1, "name": "西江观景酒店"}], "meals": [{"day": 2, "lunch": "团餐", "dinner": ""}]}
    assert ti.day_hotel(tour, day, 1, "凯里", "zh", "comfort", cat).name == "西江观景酒店"
    assert ti.day_meals(tour, day, 2, "zh", has_meals=True, catalog=cat) == {"breakfast": "", "lunch": "团餐",
                                                                             "dinner": ""}
    plain = ti.day_hotel({}, {}, 1, "凯里", "zh", "premium")
    assert plain.name == "凯里高档型酒店（或同级）" and not plain.given


def test_cli_client_and_internal_pdf_and_tour_order_in_one_call(plan, tmp_path, capsys, monkeypatch):
    from planner.export import pdfkit

    calls = []
    real = pdfkit.start_render_maps
    monkeypatch.setattr(pdfkit, "start_render_maps", lambda pages, folder, t=None: calls.append(1) or real(pages, folder, t))
    _no_maps(monkeypatch)
    src = _package(tmp_path, plan, costing=COSTING, tour=TOUR)
    code, out, err = run_cli(str(src), "--pdf", str(tmp_path / "c.pdf"), "--pdf-internal", str(tmp_path / "i.pdf"),
                             "--tour-order", str(tmp_path / "o.xlsx"), capsys=capsys)
    assert code == 0, err
    assert calls == [1]  # one map subprocess for both PDFs
    client, internal = squash(_pdf_words(tmp_path / "c.pdf")), squash(_pdf_words(tmp_path / "i.pdf"))
    assert "成本合计" in internal and "成本" not in client and "李晓黔" in client
    assert {"c.pdf", "i.pdf", "o.xlsx", "trip.qiantu.json"} == set(folder_files(tmp_path))
    assert "i.pdf (pdf-internal)" in out


def test_documents_name_the_lunch_place_and_a_lunch_inside_a_visit(tmp_path, catalog):
    """Lunch at a real restaurant (planner.stay's break ``place``) and lunch at the site of a long
    visit (``visit.lunch``) are printed where a client and an office read them."""
    import openpyxl

    from planner.export.pdf import export_pdf
    from planner.export.xlsx import export_xlsx

    d = json.loads((DATA / "export_plan_5days.json").read_text(encoding="utf-8"))
    for it in d["days"][1]["items"]:
        if it["type"] == "break":
            it["place"] = "xijiang-long-table-feast"
    for it in d["days"][4]["items"]:
        if it["type"] == "visit" and it["id"] == "huangguoshu-waterfall":  # 11:17-15:17
            it["lunch"] = ["12:00", "13:00"]
    pdf = tmp_path / "lunch.pdf"
    export_pdf(d, pdf, lang="zh", catalog=catalog, maps=False)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(str(pdf)).pages).replace("\n", "")  # cells wrap
    assert "西江千户苗寨长桌宴" in text
    assert "含午餐 12:00–13:00" in text
    xlsx = tmp_path / "lunch.xlsx"
    export_xlsx(d, xlsx, lang="en", catalog=catalog)
    cells = [str(c.value) for ws in openpyxl.load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row
             if c.value]
    assert any("Xijiang Miao Long-Table Feast" in c for c in cells)
    assert any("lunch at the site 12:00–13:00" in c for c in cells)
