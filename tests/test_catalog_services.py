"""The sourced service rows (hotels, restaurants, shows, shops; issue 17) are well formed.

These tests read the CSV files directly, so they check the data whatever the loader does:
the fixed column order, ids unique across every catalog file, WGS-84 points inside Guizhou (or, for a
row serving a Guangzhou-Guilin-Kunming corridor place, inside the catalog's region),
times as HH:MM with each show inside its venue's hours, every row serving a real overnight
place, a source URL on every row, and room rates that are either the class rate of the city's
tier (then the note says "estimate") or a price the note quotes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from planner.domain import REGION_LAT, REGION_LON  # the catalog's region (Guizhou and the corridor)

ROOT = Path(__file__).resolve().parent.parent
SPOTS = ROOT / "data" / "scenic_spots"
RATES = ROOT / "data" / "rates"

COMMON = (
    "id,name_zh,name_en,kind,themes,prefecture,lat,lon,level,visit_minutes,open,close,"
    "closed_weekdays,overnight,season_note,ticket_cny,summary_zh,summary_en,source,note"
).split(",")
FILES = {
    "hotels.csv": ("hotel", ["hotel_class", "city", "room_night_cny", "phone", "address"]),
    "restaurants.csv": ("restaurant", ["meals", "price_per_head_cny", "group_meal", "city", "phone"]),
    "shows.csv": ("show", ["show_times", "city"]),
    "shops.csv": ("shop", ["specialty", "city"]),
}
GUIZHOU = {"Guiyang", "Zunyi", "Anshun", "Liupanshui", "Bijie", "Tongren", "Qiandongnan", "Qiannan", "Qianxinan"}
CORRIDOR = {"Guangzhou", "Guilin", "Kunming"}  # prefectures of the corridor hubs and attractions
HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _all_rows() -> dict[str, list[dict]]:
    out = {}
    for path in sorted(SPOTS.glob("*.csv")):
        if path.name == "long_march_events.csv":
            continue
        out[path.name] = _read(path)[1]
    return out


def _overnight_places() -> dict[str, str]:
    """Overnight place id -> its prefecture."""
    places = {}
    for name, rows in _all_rows().items():
        for r in rows:
            if name == "hubs.csv" or r.get("overnight") == "1":
                places[r["id"]] = r["prefecture"]
    return places


def _service_rows():
    for name, (kind, extra) in FILES.items():
        header, rows = _read(SPOTS / name)
        for line, row in enumerate(rows, start=2):
            yield name, kind, extra, header, line, row


@pytest.mark.parametrize("name", sorted(FILES))
def test_header_is_the_common_columns_then_the_kind_columns(name):
    header, rows = _read(SPOTS / name)
    assert header == COMMON + FILES[name][1]
    assert rows, f"{name} has no rows"


def test_ids_are_slugs_and_unique_across_every_catalog_file():
    seen: dict[str, str] = {}
    for name, rows in _all_rows().items():
        for r in rows:
            assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", r["id"]), (name, r["id"])
            assert r["id"] not in seen, f"{r['id']} in both {seen.get(r['id'])} and {name}"
            seen[r["id"]] = name


def test_every_row_is_well_formed():
    places = _overnight_places()
    for name, kind, extra, header, line, r in _service_rows():
        where = f"{name}:{line} {r['id']}"
        assert r["kind"] == kind, where
        assert r["name_zh"] and r["name_en"] and r["summary_zh"] and r["summary_en"], where
        lat, lon = float(r["lat"]), float(r["lon"])
        if places.get(r["city"]) in CORRIDOR:
            assert r["prefecture"] in CORRIDOR, f"{where}: prefecture {r['prefecture']!r} for a corridor place"
            assert REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1], (
                f"{where}: {lat},{lon} outside the catalog's region"
            )
        else:
            assert r["prefecture"] in GUIZHOU, where
            assert 24.0 <= lat <= 30.0 and 103.0 <= lon <= 110.0, f"{where}: {lat},{lon} outside Guizhou"
        assert int(r["visit_minutes"]) >= 0, where
        assert r["overnight"] == "0", where
        for col in ("open", "close"):
            assert not r[col] or HHMM.match(r[col]), f"{where}: {col}={r[col]!r}"
        for col in ("ticket_cny", "room_night_cny", "price_per_head_cny"):
            if r.get(col):
                assert float(r[col]) >= 0, f"{where}: {col}"
        assert "http" in r["source"], f"{where}: no source URL"
        assert r["note"].strip(), f"{where}: empty note"
        assert r["city"] in places, f"{where}: city {r['city']!r} is not an overnight place"
        for col, value in r.items():
            assert not (value and value[0] in "=+@"), f"{where}: {col} starts like a spreadsheet formula"


def test_kind_specific_columns():
    for name, kind, extra, header, line, r in _service_rows():
        where = f"{name}:{line} {r['id']}"
        if kind == "hotel":
            assert r["hotel_class"] in ("economy", "comfort", "premium"), where
            assert float(r["room_night_cny"]) > 0, where
            assert r["visit_minutes"] == "0" and r["ticket_cny"] == "", where
            assert r["themes"] == "stay", where
        elif kind == "restaurant":
            meals = r["meals"].split(";")
            assert meals and set(meals) <= {"breakfast", "lunch", "dinner"}, where
            assert float(r["price_per_head_cny"]) > 0, where
            assert 30 <= int(r["visit_minutes"]) <= 120, where
            assert r["themes"] == "food", where
        elif kind == "show":
            assert "show" in r["themes"].split(";"), where
            for slot in r["show_times"].split(";"):
                start, end = slot.split("-")
                assert HHMM.match(start) and HHMM.match(end), f"{where}: {slot}"
                assert _minutes(start) < _minutes(end), f"{where}: {slot}"
                if r["open"] and r["close"]:
                    assert _minutes(r["open"]) <= _minutes(start), f"{where}: {slot} before opening"
                    assert _minutes(end) <= _minutes(r["close"]), f"{where}: {slot} after closing"
        elif kind == "shop":
            assert r["specialty"], where
            assert r["themes"] == "shopping;craft", where


def test_room_rates_are_the_tier_rate_or_a_quoted_price():
    _, tiers = _read(RATES / "hotel_tiers.csv")
    _, cities = _read(RATES / "hotel_cities.csv")
    rate = {(t["tier"], t["class"]): float(t["room_night_cny"]) for t in tiers}
    tier_of = {c["place"]: c["tier"] for c in cities}
    for name, kind, extra, header, line, r in _service_rows():
        if kind != "hotel":
            continue
        where = f"hotels.csv:{line} {r['id']}"
        assert r["city"] in tier_of, f"{where}: {r['city']} has no tier in hotel_cities.csv"
        class_rate = rate[(tier_of[r["city"]], r["hotel_class"])]
        if float(r["room_night_cny"]) == class_rate:
            assert "estimate" in r["note"], f"{where}: tier rate used but the note does not say estimate"
        else:
            assert "price" in r["note"], f"{where}: rate {r['room_night_cny']} is not the tier rate and no price is quoted"


def test_the_xijiang_evening_show_and_colourful_guizhou_are_there():
    _, shows = _read(SPOTS / "shows.csv")
    by_id = {s["id"]: s for s in shows}
    assert by_id["beautiful-xijiang-show"]["show_times"] == "20:00-21:10"
    assert by_id["beautiful-xijiang-show"]["city"] == "xijiang-miao-village"
    assert by_id["duocai-guizhou-feng"]["city"] == "guiyang"


# Coverage reached so far (issue 17 asks for two hotels per class in every overnight place; see
# docs/catalog-sources-services.md for the gaps). These assertions only pin what the data has, so
# a row lost in a merge or an edit shows up here.
HOTEL_PLACES_REACHED = {
    "guiyang", "anshun", "kaili", "zunyi", "jiangkou", "libo", "xingyi", "duyun", "chishui",
    "bijie", "liupanshui",
    "xijiang-miao-village", "zhenyuan-ancient-town", "zhaoxing-dong-village", "maotai-town",
    "guangzhou", "shamian-island", "guilin", "yangshuo", "kunming",
}


def _hotels_by_city() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in _read(SPOTS / "hotels.csv")[1]:
        per = out.setdefault(r["city"], {"economy": 0, "comfort": 0, "premium": 0})
        per[r["hotel_class"]] += 1
    return out


def test_hotel_coverage_does_not_shrink():
    by_city = _hotels_by_city()
    missing = sorted(HOTEL_PLACES_REACHED - set(by_city))
    assert not missing, f"overnight places that lost their hotels: {missing}"
    assert all(by_city["guiyang"][c] >= 2 for c in ("economy", "comfort", "premium")), by_city["guiyang"]
    for city in ("anshun", "zunyi"):
        assert all(by_city[city][c] >= 1 for c in ("economy", "comfort", "premium")), (city, by_city[city])
    for city in ("guiyang", "kaili", "libo", "zunyi", "chishui", "xijiang-miao-village", "zhaoxing-dong-village",
                 "zhenyuan-ancient-town", "guilin", "yangshuo"):
        assert by_city[city]["economy"] >= 2, (city, by_city[city])
    for city in ("guiyang", "guangzhou", "guilin", "kunming"):
        assert by_city[city]["premium"] >= 2, (city, by_city[city])
    assert by_city["kaili"]["comfort"] >= 1 and by_city["kaili"]["premium"] >= 1, by_city["kaili"]
    assert by_city["liupanshui"]["comfort"] >= 2, by_city["liupanshui"]


def test_a_hotel_on_its_city_point_says_so():
    points = {}
    for name, rows in _all_rows().items():
        for r in rows:
            if name == "hubs.csv" or r.get("overnight") == "1":
                points[r["id"]] = (float(r["lat"]), float(r["lon"]))
    for line, r in enumerate(_read(SPOTS / "hotels.csv")[1], start=2):
        at_city_point = points[r["city"]] == (float(r["lat"]), float(r["lon"]))
        if at_city_point:
            note = r["note"]
            assert "hub" in note or "catalog point" in note or "town point" in note, (
                f"hotels.csv:{line} {r['id']}: placed on the point of {r['city']} but the note does not say so"
            )
