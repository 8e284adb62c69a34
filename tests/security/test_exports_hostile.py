"""Hostile text in a plan, exported to every format and read back by independent readers
(issue: security and no lost work, items 5 and 6).

The text carries a spreadsheet formula, XML and CDATA breakers, HTML, control characters, a
line separator and CR/LF: each reader must parse its file and show the text as text.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "export_plan_5days.json"

EVIL = '=HYPERLINK("http://evil.example/x","click")\x01\x0b]]><b>&amp;</b>\u2028\r\nline2 {{7*7}} </script>'
VISIBLE = '=HYPERLINK("http://evil.example/x","click")'


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    d = json.loads(PLAN.read_text(encoding="utf-8"))
    d["title"] = EVIL
    # a custom place of the plan carries the hostile name too: the start of day 1
    start = d["days"][0]["start"]
    d.setdefault("places", {})["evil-place"] = {"name": EVIL, "lat": 26.57, "lon": 106.71}
    for day in d["days"]:
        if day["start"] == start:
            day["start"] = "evil-place"
        for it in day["items"]:
            for key in ("from", "to"):
                if it.get(key) == start:
                    it[key] = "evil-place"
        if day["overnight"] == start:
            day["overnight"] = "evil-place"
    p = folder / "evil.json"
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    outs = {fmt: folder / f"evil.{ext}" for fmt, ext in
            (("xlsx", "xlsx"), ("kml", "kml"), ("gpx", "gpx"), ("ics", "ics"), ("geojson", "geojson"))}
    args = [a for fmt, out in outs.items() for a in (f"--{fmt}", str(out))]
    res = subprocess.run([sys.executable, "-m", "planner", "export", str(p), *args],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return outs


def test_xlsx_formula_text_stays_text(exports):
    import openpyxl

    wb = openpyxl.load_workbook(exports["xlsx"])
    hits = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK"):
                    hits.append(cell)
    assert hits, "the title should appear in the workbook"
    for cell in hits:
        assert cell.data_type == "s"  # a string cell: Excel and LibreOffice show it, never run it
        assert cell.value.startswith(VISIBLE)
        assert "\x01" not in cell.value and "\x0b" not in cell.value
    # and no cell anywhere is a formula
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_kml_parses_and_shows_the_text_literally(exports):
    root = ET.parse(exports["kml"]).getroot()
    ns = "{http://www.opengis.net/kml/2.2}"
    names = [e.text or "" for e in root.iter(f"{ns}name")]
    assert any(n.startswith(VISIBLE) and "]]><b>&amp;</b>" in n for n in names)
    # descriptions are HTML for KML readers: user text in them is escaped, so no <b> tag appears
    for e in root.iter(f"{ns}description"):
        assert "<b>" not in (e.text or "")


def test_gpx_parses_with_gpxpy(exports):
    import gpxpy

    g = gpxpy.parse(exports["gpx"].read_text(encoding="utf-8"))
    assert g.name.startswith(VISIBLE)
    assert any(w.name and VISIBLE in w.name for w in g.waypoints)
    ET.parse(exports["gpx"])  # well-formed XML for any other reader too


def test_ics_parses_and_keeps_one_line_summaries(exports):
    import icalendar

    raw = exports["ics"].read_bytes()
    cal = icalendar.Calendar.from_ical(raw)
    assert str(cal.get("x-wr-calname")).startswith(VISIBLE)
    summaries = [str(e.get("summary")) for e in cal.walk("VEVENT")]
    assert any(VISIBLE in s for s in summaries)
    for s in summaries:
        assert "\n" not in s and "\r" not in s
    # every physical line ends CRLF and has no bare CR or LF inside (RFC 5545)
    for line in raw.split(b"\r\n"):
        assert b"\r" not in line and b"\n" not in line


def test_geojson_parses_and_keeps_the_text(exports):
    d = json.loads(exports["geojson"].read_text(encoding="utf-8"))
    text = json.dumps(d, ensure_ascii=False)
    assert VISIBLE.replace('"', '\\"') in text
    assert "\x01" not in text
