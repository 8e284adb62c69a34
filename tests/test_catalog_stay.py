"""Catalog tables of hotels, restaurants, shows and shops: loaded with their columns, bad rows refused by line and field."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from planner.catalog import THEMES, load_catalog, read_spot_table
from planner.errors import DataError

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent


def _rows(name: str) -> tuple[list[str], list[dict]]:
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        r = csv.DictReader(fh)
        return list(r.fieldnames or []), list(r)


def _write(tmp_path: Path, name: str, cols: list[str], rows: list[dict]) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    p = tmp_path / name
    p.write_text(buf.getvalue(), encoding="utf-8")
    return p


def test_service_kinds_load_with_their_columns():
    cat = load_catalog([DATA / "stay_catalog.csv", *(DATA / f"stay_{k}.csv" for k in
                                                     ("hotels", "restaurants", "shows", "shops"))])
    h = cat.get("gy-comfort-north")
    assert (h.kind, h.hotel_class, h.city, h.room_night_cny) == ("hotel", "comfort", "guiyang", 380.0)
    assert h.overnight is False and h.phone == "0851-8000000"
    r = cat.get("xj-long-table")
    assert r.meals == ("lunch", "dinner") and r.price_per_head_cny == 120 and r.group_meal is True
    s = cat.get("xj-evening-show")
    assert s.show_times == (("20:30", "21:30"),) and s.ticket_cny == 100
    assert cat.get("kl-miao-embroidery").specialty.startswith("苗绣")
    assert (s.open, s.close) == ("19:00", "22:00")  # the venue's hours
    b = cat.get("baili-dujuan")
    assert b.level_year == 2013 and b.best_season.startswith("3月下旬")
    d = h.to_dict()
    assert d["hotel_class"] == "comfort" and d["room_night_cny"] == 380.0 and "show_times" not in d
    assert cat.filter(kind="show") == [cat.get("xj-evening-show"), cat.get("gy-colourful-guizhou")]
    for t in ("wellness", "mountain-sports", "rural", "science"):
        assert t in THEMES


@pytest.mark.parametrize(
    "name, change, field, words",
    [
        ("stay_hotels.csv", {"source": ""}, "source", "is empty"),
        ("stay_hotels.csv", {"hotel_class": "luxury"}, "hotel_class", "not one of economy, comfort, premium"),
        ("stay_hotels.csv", {"room_night_cny": ""}, "room_night_cny", "a hotel needs it"),
        ("stay_hotels.csv", {"room_night_cny": "cheap"}, "room_night_cny", "not a number"),
        ("stay_hotels.csv", {"city": ""}, "city", "a hotel needs it"),
        ("stay_hotels.csv", {"phone": "call us"}, "phone", "not a phone number"),
        ("stay_restaurants.csv", {"source": ""}, "source", "is empty"),
        ("stay_restaurants.csv", {"meals": "brunch"}, "meals", "'brunch' is not one of"),
        ("stay_restaurants.csv", {"price_per_head_cny": "-5"}, "price_per_head_cny", "negative"),
        ("stay_shows.csv", {"show_times": "18:30-19:30"}, "show_times", "outside the venue's hours 19:00-22:00"),
        ("stay_shows.csv", {"show_times": "21:30-22:30"}, "show_times", "outside the venue's hours"),
        ("stay_shows.csv", {"show_times": "20:30"}, "show_times", "not a time range"),
        ("stay_shows.csv", {"show_times": "21:00-20:00"}, "show_times", "ends before it starts"),
        ("stay_shows.csv", {"show_times": ""}, "show_times", "a show needs it"),
        ("stay_shops.csv", {"city": "Kaili City"}, "city", "not a place id"),
    ],
)
def test_bad_service_rows_are_refused_by_line_and_field(tmp_path, name, change, field, words):
    cols, rows = _rows(name)
    rows[-1] = {**rows[-1], **change}
    p = _write(tmp_path, name, cols, rows)
    with pytest.raises(DataError) as ei:
        read_spot_table(p)
    line = len(rows) + 1
    assert (ei.value.row, ei.value.field) == (line, field)
    assert words in ei.value.message
    out = subprocess.run([sys.executable, "-m", "planner", "check", str(p)], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.count("\n") == 1 and f"{p}:{line}" in out.stderr and f"'{field}'" in out.stderr


def test_a_show_without_venue_hours_is_open_while_it_plays(tmp_path):
    cols, rows = _rows("stay_shows.csv")
    rows[0].update(open="", close="", show_times="11:30-12:00;14:30-15:00")
    s = read_spot_table(_write(tmp_path, "shows.csv", cols, rows))[0]
    assert (s.open, s.close) == ("11:30", "15:00")


def test_a_hotel_table_without_its_columns_is_refused(tmp_path):
    cols, rows = _rows("stay_hotels.csv")
    p = _write(tmp_path, "hotels.csv", [c for c in cols if c != "hotel_class"], rows)
    with pytest.raises(DataError) as ei:
        read_spot_table(p)
    assert ei.value.field == "hotel_class" and "needed by kind hotel" in ei.value.message


def test_city_must_be_an_overnight_place(tmp_path):
    cols, rows = _rows("stay_hotels.csv")
    rows[2]["city"] = "huangguoshu-waterfall"  # an attraction where one does not sleep
    p = _write(tmp_path, "hotels.csv", cols, rows)
    with pytest.raises(DataError) as ei:
        load_catalog([DATA / "stay_catalog.csv", p])
    assert (ei.value.row, ei.value.field) == (4, "city") and "not an overnight place" in ei.value.message
    rows[2]["city"] = "atlantis"
    p = _write(tmp_path, "hotels.csv", cols, rows)
    out = subprocess.run([sys.executable, "-m", "planner", "check", str(p)], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 2 and "city 'atlantis'" in out.stderr and f"{p}:4" in out.stderr


def test_level_year_and_best_season_columns(tmp_path):
    cols, rows = _rows("stay_catalog.csv")
    rows[-1]["level_year"] = "1890"
    p = _write(tmp_path, "spots.csv", cols, rows)
    with pytest.raises(DataError) as ei:
        read_spot_table(p)
    assert ei.value.field == "level_year" and "1999" in ei.value.message
    rows[-1]["level_year"] = "2007"
    rows[0]["level_year"] = "2010"  # Guiyang is a hub without a level
    p = _write(tmp_path, "spots.csv", cols, rows)
    with pytest.raises(DataError, match="no level"):
        read_spot_table(p)
    # the old 20-column tables still load: the columns are optional
    assert len(read_spot_table(REPO / "data" / "scenic_spots" / "hubs.csv")) > 5


def test_qiantu_spots_counts_each_kind_with_its_sources(tmp_path):
    d = tmp_path / "spots"
    d.mkdir()
    for f in ("stay_catalog.csv", "stay_hotels.csv", "stay_restaurants.csv", "stay_shows.csv", "stay_shops.csv"):
        (d / f).write_bytes((DATA / f).read_bytes())
    out = subprocess.run([sys.executable, "-m", "planner", "spots", "--data", str(d)], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == "25 of 25 places"
    assert "hotel 8 (1 source)" in lines[-2] and "show 2 (1 source)" in lines[-2]
    out = subprocess.run([sys.executable, "-m", "planner", "spots", "--data", str(d), "--kind", "hotel", "--format",
                          "json"], capture_output=True, text=True, cwd=REPO, timeout=120)
    hotels = json.loads(out.stdout)
    assert len(hotels) == 8 and {h["hotel_class"] for h in hotels} == {"economy", "comfort", "premium"}
