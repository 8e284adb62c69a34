"""Package costing: the arithmetic, vehicle choice, price breaks, overrides and rate-file errors."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import shutil
from pathlib import Path

import pytest

from planner.catalog import Catalog, Spot, load_catalog
from planner.cli import main
from planner.costing import (
    Group,
    TripSummary,
    choose_vehicles,
    estimate_cost_per_person,
    fill_plan_costs,
    load_rates,
    package_quote,
    parse_currency,
    price_breaks,
    quote,
    rates_dir,
    round_up,
    summarize_plan,
)
from planner.errors import DataError, PlannerError
from planner.plan import load_plan

DATA = Path(__file__).resolve().parent / "data"
PLAN = DATA / "quote_plan.json"

# Round-number rates, so the expected figures below can be worked out by hand. The bundled
# data/rates/ tables are sourced and change; these do not.
TEST_RATES = {
    "settings.csv": """key,value,unit,source,note
meals_per_person_day_cny,60,CNY,test,
insurance_per_person_day_cny,5,CNY,test,
guide_allowance_per_day_cny,200,CNY,test,
include_guide,1,0 or 1,test,
margin_pct,10,%,test,
rounding_step_cny,10,CNY,test,
expressway_share,0.5,share,test,
rail_fallback_class,g,class,test,
""",
    "concessions.csv": """category,ticket_ratio,rail_ratio,meal_ratio,rule,source,note
adult,1,1,1,full,test,
child,0.5,0.5,0.5,half,test,
senior,0,1,1,free entry,test,
""",
    "vehicles.csv": """id,name_zh,name_en,seats,passenger_seats,toll_class,per_day_cny,km_included_per_day,per_km_cny,driver_allowance_per_day_cny,toll_per_km_cny,source,note
car-5,轿车,car,5,4,1,400,100,2,100,0.5,test,
mpv-7,商务车,MPV,7,6,1,600,100,3,100,0.5,test,
minibus-19,中巴,minibus,19,18,2,900,100,4,150,0.8,test,
coach-33,中型客车,coach 33,33,32,3,1200,100,5,200,1.0,test,
coach-53,大巴,coach 53,53,52,4,1600,100,6,200,1.2,test,
""",
    "rail_rates.csv": """class,cny_per_km,speed,source,note
g,0.5,300,test,
d,0.3,250,test,
""",
    "rail_fares.csv": """from,to,fare_cny,class,km,source,note
guiyang-north-station,kaili-south-station,70,g,142,test,
""",
    "hotel_tiers.csv": """tier,class,room_night_cny,source,note
A,economy,200,test,
A,comfort,300,test,
A,premium,500,test,
B,economy,150,test,
B,comfort,250,test,
B,premium,400,test,
C,economy,100,test,
C,comfort,200,test,
C,premium,300,test,
""",
    "hotel_cities.csv": """place,tier,source,note
guiyang,A,test,
xijiang-miao-village,C,test,
""",
    "guides.csv": """min_group,max_group,per_day_cny,per_person_day_cny,source,note
1,9,300,0,test,
10,29,0,30,test,
30,999,0,25,test,
""",
}


def _write_rates(folder: Path, **replace: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**TEST_RATES, **replace}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _spot(sid: str, name_en: str, kind: str, ticket: float | None) -> Spot:
    return Spot(
        id=sid,
        name_zh=sid,
        name_en=name_en,
        kind=kind,
        themes=("culture",),
        prefecture="Guiyang",
        lat=26.6,
        lon=106.7,
        ticket_cny=ticket,
        source="test",
    )


@pytest.fixture
def rates(tmp_path):
    return load_rates(_write_rates(tmp_path / "rates"))


@pytest.fixture
def catalog():
    spots = [
        _spot("guiyang", "Guiyang", "hub", None),
        _spot("huangguoshu-waterfall", "Huangguoshu Waterfall", "attraction", 160.0),
        _spot("xijiang-miao-village", "Xijiang", "attraction", 90.0),
        _spot("zhenyuan-ancient-town", "Zhenyuan Ancient Town", "attraction", None),
    ]
    return Catalog(spots={s.id: s for s in spots})


@pytest.fixture
def plan():
    return load_plan(PLAN)


def test_fixture_plan_uses_real_catalog_ids(plan):
    real = load_catalog()
    ids = {v.id for v in plan.visits()} | {d.overnight for d in plan.days} | {d.start for d in plan.days}
    for it in (i for d in plan.days for i in d.items if getattr(i, "legs", None)):
        ids |= {leg["from"] for leg in it.legs} | {leg["to"] for leg in it.legs}
    assert ids <= set(real.spots), ids - set(real.spots)


def test_summary_of_the_fixture_plan(plan):
    s = summarize_plan(plan)
    assert s.days == 3
    assert s.nights == ["guiyang", "xijiang-miao-village"]  # the last day's overnight ends the trip
    assert s.visits == ["huangguoshu-waterfall", "xijiang-miao-village", "zhenyuan-ancient-town"]
    # day 1: 128 + 128 drive; day 2: 10 + 45 access around the train; day 3: 150 + 95 drive + 12 access
    assert s.drive_km_per_day == [256.0, 55.0, 257.0]
    assert [(r.from_id, r.to_id, r.km) for r in s.rail_rides] == [
        ("guiyang-north-station", "kaili-south-station", 142.0),
        ("kaili-south-station", "guiyang-east-station", 132.3),
    ]


def test_hand_worked_quote(plan, rates, catalog):
    # 10 adults, 2 children, 3 seniors = 15 travellers; guide on board -> 16 seats -> minibus-19 (18 seats).
    q = quote(plan, Group(adults=10, children=2, seniors=3, hotel_class="comfort"), rates, catalog)
    assert q.vehicles == [("minibus-19", 1)]
    by = {}
    for x in q.lines:
        by[x.kind] = by.get(x.kind, 0.0) + x.amount_cny

    # Tickets: full-ticket equivalents 10*1 + 2*0.5 + 3*0 = 11.
    #   Huangguoshu 11 * 160 = 1760; Xijiang 11 * 90 = 990; Zhenyuan has no price -> 0.  Sum 2750.
    assert by["tickets"] == pytest.approx(2750.0)
    # Rail: seat equivalents 10 + 2*0.5 + 3*1 = 14, plus the guide's seat.
    #   Guiyang North - Kaili South, fare 70: 14*70 + 70 = 1050.
    #   Kaili South - Guiyang East, no fare: 132.3 km * 0.5 = 66.15 -> 66.0 (to 0.5 CNY): 14*66 + 66 = 990.
    assert by["rail"] == pytest.approx(2040.0)
    # Hotel: ceil(15 / 2) = 8 twin rooms; Guiyang tier A comfort 8*300 = 2400, Xijiang tier C 8*200 = 1600.
    assert by["hotel"] == pytest.approx(4000.0)
    # Vehicle on all 3 days: 3 * 900 = 2700; km beyond 100/day: 156 + 0 + 157 = 313 * 4 = 1252;
    #   driver 3 * 150 = 450.  Sum 4402.
    assert by["vehicle"] == pytest.approx(4402.0)
    # Tolls: 568 road km * 0.5 on expressways = 284 km * 0.8 = 227.2.
    assert by["tolls"] == pytest.approx(227.2)
    # Guide (10-29 tier): 30 * 15 = 450 a day * 3 = 1350; board and lodging 3 * 200 = 600.  Sum 1950.
    assert by["guide"] == pytest.approx(1950.0)
    # Meals: (10 + 2*0.5 + 3) * 3 days = 42 person-days * 60 = 2520.  Insurance: 15 * 3 * 5 = 225.
    assert by["meals"] == pytest.approx(2520.0)
    assert by["insurance"] == pytest.approx(225.0)
    # Net 2750 + 2040 + 4000 + 4402 + 227.2 + 1950 + 2520 + 225 = 18114.2; margin 10% = 1811.42;
    # selling 19925.62; per person 19925.62 / 15 = 1328.37 -> rounded up to 10: 1330.
    assert q.net_cost_cny == pytest.approx(18114.2)
    assert q.margin_cny == pytest.approx(1811.42)
    assert q.selling_price_cny == pytest.approx(19925.62)
    assert q.price_per_person_cny == 1330
    # By category: shared (hotel 4000 + vehicle 4402 + tolls 227.2 + guide 1950 + guide's seats 136)
    #   = 10715.2 / 15 = 714.35 each.  Adult own 250 tickets + 136 rail + 180 meals + 15 insurance = 581:
    #   (714.35 + 581) * 1.1 = 1424.88 -> 1430.  Child 125 + 68 + 90 + 15 = 298: 1113.58 -> 1120.
    #   Senior 0 + 136 + 180 + 15 = 331: 1149.88 -> 1150.
    assert q.price_per_category_cny == {"adult": 1430, "child": 1120, "senior": 1150}
    # Single supplement: half a room each night, (300 + 200) / 2 = 250 * 1.1 = 275 -> 280.
    assert q.single_supplement_cny == 280
    # The missing fare and the missing ticket price are said, not hidden.
    rail = next(x for x in q.lines if x.kind == "rail" and "guiyang-east-station" in x.what and "guide" not in x.what)
    assert rail.estimate and "no fare" in rail.note and "132.3 km" in rail.note
    assert any("Zhenyuan" in w for w in q.warnings)
    assert all(x.source for x in q.lines)


def test_line_per_person_sums_to_net(plan, rates, catalog):
    q = quote(plan, Group(adults=7), rates, catalog)
    assert sum(x.per_person_cny for x in q.lines) * 7 == pytest.approx(q.net_cost_cny)


@pytest.mark.parametrize(
    "size, expected",
    [
        (1, [("car-5", 1)]),
        (3, [("car-5", 1)]),  # 3 + guide = 4 passenger seats
        (4, [("mpv-7", 1)]),
        (5, [("mpv-7", 1)]),
        (6, [("minibus-19", 1)]),
        (17, [("minibus-19", 1)]),
        (18, [("coach-33", 1)]),
        (31, [("coach-33", 1)]),
        (32, [("coach-53", 1)]),
        (51, [("coach-53", 1)]),
        (52, [("coach-53", 1), ("car-5", 1)]),  # 53 seated: a full coach and one more seat
        (103, [("coach-53", 2)]),
    ],
)
def test_vehicle_changes_at_thresholds(plan, rates, catalog, size, expected):
    q = quote(plan, Group(adults=size), rates, catalog)
    assert q.vehicles == expected


def test_fixed_vehicle_and_no_guide(plan, rates, catalog):
    q = quote(plan, Group(adults=3, vehicle="coach-53"), rates, catalog)
    assert q.vehicles == [("coach-53", 1)]
    no_guide = rates.with_override("include_guide", 0)
    assert [v.id for v, _ in choose_vehicles(no_guide, 4)] == ["car-5"]
    q2 = quote(plan, Group(adults=4), no_guide, catalog)
    assert q2.vehicles == [("car-5", 1)]
    assert not [x for x in q2.lines if x.kind == "guide"]


def test_price_per_person_falls_with_group_size(plan, rates, catalog):
    breaks = price_breaks(plan, rates, catalog)
    assert [b.size for b in breaks] == [2, 6, 10, 16, 20, 30, 40]
    prices = [b.price_per_person_cny for b in breaks]
    assert prices[-1] < prices[0]
    # Within one vehicle the price per person only falls.
    same = [b for b in breaks if b.vehicles == "minibus-19"]
    assert len(same) >= 3
    assert all(a.price_per_person_cny > b.price_per_person_cny for a, b in itertools.pairwise(same))
    # ... while what each traveller pays for himself stays the same.
    for size in (2, 10, 40):
        q = quote(plan, Group(adults=size), rates, catalog)
        per_head = {x.kind: 0.0 for x in q.lines}
        for x in q.lines:
            if x.kind in ("tickets", "meals") or (x.kind == "rail" and "guide" not in x.what):
                per_head[x.kind] += x.amount_cny / size
        assert per_head["tickets"] == pytest.approx(250.0)
        assert per_head["meals"] == pytest.approx(180.0)
        assert per_head["rail"] == pytest.approx(136.0)


def test_overrides_change_the_quote(plan, rates, catalog):
    group = Group(adults=10, children=2, seniors=3)
    base = quote(plan, group, rates, catalog)
    dearer = rates.with_override("hotels.A.comfort", "400")
    q = quote(plan, group, dearer, catalog)
    assert q.net_cost_cny - base.net_cost_cny == pytest.approx(8 * 100)  # 8 rooms, 1 night in Guiyang
    assert any(x.source == "override" for x in q.lines)
    assert rates.hotel_tiers[("A", "comfort")].value == 300  # the original is untouched

    margin = rates.with_override("margin_pct", 20)
    assert quote(plan, group, margin, catalog).selling_price_cny == pytest.approx(base.net_cost_cny * 1.2)

    fare = rates.with_override("rail_fares.guiyang-east-station.kaili-south-station", 80)
    q = quote(plan, group, fare, catalog)
    assert q.net_cost_cny - base.net_cost_cny == pytest.approx(15 * (80 - 66))  # 14 seat equivalents + guide
    assert not [w for w in q.warnings if "no fare" in w]

    seniors_half = rates.with_override("concessions.senior.ticket_ratio", 0.5)
    q = quote(plan, group, seniors_half, catalog)
    assert q.net_cost_cny - base.net_cost_cny == pytest.approx(3 * 0.5 * 250)

    bus = rates.with_override("vehicles.minibus-19.per_day_cny", 1000)
    assert quote(plan, group, bus, catalog).net_cost_cny - base.net_cost_cny == pytest.approx(300)
    assert bus.overrides == (("vehicles.minibus-19.per_day_cny", 1000),)

    for key, value in [
        ("nonsense", 1),
        ("margin_pct", "abc"),
        ("margin_pct", -1),
        ("vehicles.bus.per_day_cny", 1),
        ("hotels.Z.comfort", 1),
        ("concessions.child.ticket_ratio", 2),
        ("include_guide", 2),
    ]:
        with pytest.raises(PlannerError) as err:
            rates.with_override(key, value)
        assert err.value.field == key


def test_fill_plan_costs(plan, rates, catalog):
    q = fill_plan_costs(plan, Group(adults=10, children=2, seniors=3), rates, catalog)
    assert plan.totals["cost_cny"] == pytest.approx(19925.62)
    assert plan.totals["cost_per_person_cny"] == 1330 == q.price_per_person_cny
    assert fill_plan_costs(plan, None, rates, catalog) is None
    assert plan.totals["cost_cny"] is None and plan.totals["cost_per_person_cny"] is None


def test_estimate_cost_per_person_matches_quote(plan, rates, catalog):
    s = summarize_plan(plan)
    q = quote(plan, Group(adults=12), rates, catalog)
    assert estimate_cost_per_person(s, 12, rates, catalog) == pytest.approx(q.selling_price_cny / 12)
    # A candidate without the Huangguoshu visit costs 160 * 1.1 less per person.
    cheaper = TripSummary(
        days=s.days, nights=s.nights, visits=s.visits[1:], drive_km_per_day=s.drive_km_per_day, rail_rides=s.rail_rides
    )
    diff = estimate_cost_per_person(s, 12, rates, catalog) - estimate_cost_per_person(cheaper, 12, rates, catalog)
    assert diff == pytest.approx(160 * 1.1)


def test_group_validation():
    with pytest.raises(PlannerError):
        Group(adults=0)
    with pytest.raises(PlannerError) as err:
        Group(adults=2, hotel_class="palace")
    assert err.value.field == "hotel_class"
    assert Group(adults=3).room_count() == 2
    assert Group(adults=3, singles=1).room_count() == 2
    assert Group(adults=4, singles=2).room_count() == 3
    assert Group(adults=4, rooms=4).room_count() == 4


# --------------------------------------------------------------------------- bad rate files


@pytest.mark.parametrize(
    "name, text, row, field",
    [
        (
            "vehicles.csv",
            TEST_RATES["vehicles.csv"].replace(
                "coach-33,中型客车,coach 33,33,32,3,1200", "coach-33,中型客车,coach 33,33,32,3,lots"
            ),
            5,
            "per_day_cny",
        ),
        (
            "vehicles.csv",
            TEST_RATES["vehicles.csv"].replace("car-5,轿车,car,5,4", "car-5,轿车,car,5,5"),
            2,
            "passenger_seats",
        ),
        ("hotel_tiers.csv", TEST_RATES["hotel_tiers.csv"].replace("B,comfort,250", "B,comfy,250"), 6, "class"),
        ("concessions.csv", TEST_RATES["concessions.csv"].replace("child,0.5", "child,1.5"), 3, "ticket_ratio"),
        ("rail_fares.csv", TEST_RATES["rail_fares.csv"].replace(",70,g,142,test,", ",70,g,142,,"), 2, "source"),
        (
            "hotel_cities.csv",
            TEST_RATES["hotel_cities.csv"].replace("xijiang-miao-village,C", "xijiang-miao-village,Q"),
            3,
            "tier",
        ),
        ("settings.csv", TEST_RATES["settings.csv"].replace("margin_pct,10", "margin_pct,ten"), 6, "value"),
        ("guides.csv", TEST_RATES["guides.csv"].replace("10,29,0,30", "12,29,0,30"), 3, "min_group"),
        ("vehicles.csv", TEST_RATES["vehicles.csv"].replace("toll_per_km_cny,", "toll_cny,"), 1, "toll_per_km_cny"),
    ],
)
def test_bad_rate_file_names_file_row_and_field(tmp_path, name, text, row, field):
    folder = _write_rates(tmp_path / "rates", **{name: text})
    with pytest.raises(DataError) as err:
        load_rates(folder)
    e = err.value
    assert e.file == str(folder / name)
    assert e.row == row
    assert e.field == field
    assert name in e.one_line() and f":{row}" in e.one_line()


def test_missing_rate_file(tmp_path):
    folder = _write_rates(tmp_path / "rates")
    (folder / "guides.csv").unlink()
    with pytest.raises(DataError) as err:
        load_rates(folder)
    assert err.value.file == str(folder / "guides.csv")


# --------------------------------------------------------------------------- the bundled rates


def test_bundled_rates_load_and_are_sourced():
    r = load_rates()
    assert set(r.vehicles) == {"car-5", "mpv-7", "minibus-19", "coach-33", "coach-53"}
    assert r.fare("guangzhou-south-station", "guiyang-north-station") is not None
    stations = {s.id for s in load_catalog().filter(kind="station")}
    assert {x for pair in r.rail_fares for x in pair} <= stations
    hubs = {s.id for s in load_catalog().filter(kind="hub")}
    assert hubs <= set(r.hotel_cities)
    for f in sorted(rates_dir().glob("*.csv")):
        text = f.read_text(encoding="utf-8")
        assert "source" in text.splitlines()[0]


# --------------------------------------------------------------------------- the command


def test_cli_quote_json(capsys):
    assert main(["quote", str(PLAN), "--group", "10,2,3", "--hotel", "economy", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["quote"]["group"] == {
        "adults": 10,
        "children": 2,
        "seniors": 3,
        "size": 15,
        "paying": 15,
        "rooms": 8,
        "hotel_class": "economy",
        "foc_per": None,
    }
    assert doc["quote"]["price_per_person_cny"] > 0
    assert [b["size"] for b in doc["price_breaks"]] == [2, 6, 10, 16, 20, 30, 40]
    assert all(line["source"] for line in doc["quote"]["lines"])


def test_cli_quote_table_and_margin(capsys):
    assert main(["quote", str(PLAN), "--group", "20", "--margin", "0"]) == 0
    out = capsys.readouterr().out
    assert "price per person" in out and "price breaks" in out and "coach-33" in out
    assert "margin 0%" in out


def test_cli_quote_package(tmp_path, capsys):
    plan_doc = json.loads(PLAN.read_text(encoding="utf-8"))
    pkg = {
        "schema": "qiantu/package@1",
        "title": "fixture",
        "request": {
            "schema": "qiantu/request@1",
            "title": "fixture",
            "start": "guiyang",
            "days": 3,
            "stops": [{"id": "huangguoshu-waterfall"}],
            "group_size": 12,
        },
        "plan": plan_doc,
        "notes": "",
    }
    path = tmp_path / "trip.qiantu.json"
    path.write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    assert main(["quote", str(path), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["quote"]["group"]["size"] == 12


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--group", "10,x"], "--group"),
        (["--group", "0"], "--group"),
        (["--margin", "abc"], "--margin"),
        (["--rate", "hotels.A.comfort"], "KEY=VALUE"),
        (["--rate", "nope=1"], "nope"),
        (["--vehicle", "rocket"], "rocket"),
        (["--sizes", "2,x"], "--sizes"),
    ],
)
def test_cli_quote_bad_input(capsys, args, needle):
    assert main(["quote", str(PLAN), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_cli_quote_bad_files(tmp_path, capsys):
    assert main(["quote", str(tmp_path / "missing.json")]) == 2
    assert "missing.json" in capsys.readouterr().err
    req = tmp_path / "req.json"
    req.write_text(
        json.dumps({"schema": "qiantu/request@1", "start": "guiyang", "days": 2, "stops": []}), encoding="utf-8"
    )
    assert main(["quote", str(req)]) == 2
    assert "not a plan" in capsys.readouterr().err
    bad_rates = _write_rates(tmp_path / "rates", **{"vehicles.csv": "id,seats\nx,1\n"})
    assert main(["quote", str(PLAN), "--rates", str(bad_rates)]) == 2
    assert "vehicles.csv" in capsys.readouterr().err


def test_rates_folder_copy_is_independent(tmp_path):
    # the bundled tables load from any folder (QIANTU_DATA or --rates)
    shutil.copytree(rates_dir(), tmp_path / "r")
    assert load_rates(tmp_path / "r").vehicles.keys() == load_rates().vehicles.keys()


# --------------------------------------------------------------------------- FOC, seasons, currency, package


SEASONS_HEAD = "id,name_zh,name_en,start,end,hotel,vehicle,guide,source,note\n"


def test_foc_free_place_is_carried_by_the_payers(plan, rates, catalog):
    plain = quote(plan, Group(adults=16), rates, catalog)
    foc = quote(plan, Group(adults=16, foc_per=15), rates, catalog)
    assert foc.group.foc == 1 and foc.group.paying == 15
    # the same trip costs the same; 15 people pay for it
    assert foc.net_cost_cny == pytest.approx(plain.net_cost_cny)
    assert foc.price_per_person_cny == round_up(foc.selling_price_cny / 15, rates.setting("rounding_step_cny"))
    assert foc.price_per_person_cny > plain.price_per_person_cny
    d = foc.to_dict()
    assert d["foc"] == {"per": 15, "free_places": 1, "paying": 15}
    # 32 travellers at 1 per 15: two go free
    assert Group(adults=32, foc_per=15).foc == 2
    with pytest.raises(PlannerError) as e:
        Group(adults=10, foc_per=0)
    assert e.value.field == "foc_per"


def test_season_multiplies_the_nights_it_covers(plan, catalog, tmp_path):
    base = load_rates(_write_rates(tmp_path / "a"))
    folder = _write_rates(
        tmp_path / "b",
        **{"seasons.csv": SEASONS_HEAD + "peak,旺季,peak,2027-04-06,2027-04-06,2,1.5,1,test,estimate\n"},
    )
    peak = load_rates(folder)
    q0 = quote(plan, Group(adults=10), base, catalog)
    q1 = quote(plan, Group(adults=10), peak, catalog)
    hotels0 = [x for x in q0.lines if x.kind == "hotel"]
    hotels1 = [x for x in q1.lines if x.kind == "hotel"]
    assert {x.season for x in hotels0} == {"standard"}
    # night 1 (6 Apr) is in the peak at twice the rate, night 2 (7 Apr) is not
    first = hotels1[0]
    assert first.season == "peak" and first.unit_price_cny == pytest.approx(2 * hotels0[0].unit_price_cny)
    assert hotels1[-1].season == "standard"
    assert q1.to_dict()["seasons"] == ["peak"]
    assert all("season" in line for line in q1.to_dict()["lines"])
    assert q1.net_cost_cny > q0.net_cost_cny


@pytest.mark.parametrize(
    "rows, field",
    [
        ("a,a,a,2027-05-01,2027-04-01,1,1,1,test,\n", "end"),
        ("a,a,a,2027-04-01,2027-04-10,1,1,1,test,\nb,b,b,2027-04-10,2027-04-12,1,1,1,test,\n", "start"),
        ("a,a,a,2027-04-01,2027-04-10,0,1,1,test,\n", "hotel"),
        ("a,a,a,2027-4-1,2027-04-10,1,1,1,test,\n", "start"),
        ("a,a,a,2027-04-01,2027-04-10,1,x,1,test,\n", "vehicle"),
    ],
)
def test_bad_seasons_file_names_the_field(tmp_path, rows, field):
    folder = _write_rates(tmp_path / "r", **{"seasons.csv": SEASONS_HEAD + rows})
    with pytest.raises(DataError) as e:
        load_rates(folder)
    assert e.value.field == field and "seasons.csv" in e.value.one_line()


def test_bundled_seasons_are_sourced_and_do_not_overlap():
    r = load_rates()
    assert {s.id for s in r.seasons.ranges} >= {"golden-week", "spring-festival", "summer-peak", "low-season"}
    assert all(s.source for s in r.seasons.ranges)
    assert r.seasons.factor(dt.date(2026, 10, 3), "hotel") == (1.5, "golden-week")


def test_currency_and_its_bad_values():
    c = parse_currency("USD=7.10")
    assert c.code == "USD" and c.convert(1420) == 200 and c.convert(1421) == 201
    for bad in ("XYZ=7", "USD=0", "USD=-1", "USD", "USD=abc", "CNY=1"):
        with pytest.raises(PlannerError) as e:
            parse_currency(bad)
        assert e.value.field == "costing.currency"


def _package(tmp_path, costing: dict | None = None, group_size: int = 16) -> Path:
    plan_doc = json.loads(PLAN.read_text(encoding="utf-8"))
    pkg = {
        "schema": "qiantu/package@1",
        "title": "fixture",
        "request": {"schema": "qiantu/request@1", "title": "fixture", "start": "guiyang", "days": 3,
                    "stops": [{"id": "huangguoshu-waterfall"}], "group_size": group_size},
        "plan": plan_doc,
        "notes": "",
        **({"costing": costing} if costing is not None else {}),
    }
    path = tmp_path / "trip.qiantu.json"
    path.write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_quote_uses_the_package_costing(tmp_path, capsys):
    costing = {"adults": 10, "hotel_class": "premium", "margin_pct": 25, "foc_per": 9, "currency": "USD=7.10"}
    path = _package(tmp_path, costing)
    assert main(["quote", str(path), "--format", "json"]) == 0
    q = json.loads(capsys.readouterr().out)["quote"]
    assert q["group"]["size"] == 10 and q["group"]["hotel_class"] == "premium" and q["margin_pct"] == 25
    assert q["foc"] == {"per": 9, "free_places": 1, "paying": 9}
    assert q["currency"] == {"code": "USD", "cny_per_unit": 7.1}
    assert q["prices"]["price_per_person_usd"] == math.ceil(q["price_per_person_cny"] / 7.1)
    assert all(line["season"] for line in q["lines"])
    # the same numbers as the library's package_quote (the app and the documents call it)
    from planner.package import load_package

    pkg = load_package(path)
    same = package_quote(pkg.plan, pkg.costing, pkg.request.group_size, load_catalog())
    assert same.price_per_person_cny == q["price_per_person_cny"]
    # the command line's options win over the package
    assert main(["quote", str(path), "--format", "json", "--hotel", "economy", "--currency", "EUR=7.8"]) == 0
    q2 = json.loads(capsys.readouterr().out)["quote"]
    assert q2["group"]["hotel_class"] == "economy" and q2["currency"]["code"] == "EUR"


@pytest.mark.parametrize(
    "costing, field",
    [
        ({"adults": -1}, "costing.adults"),
        ({"adults": "ten"}, "costing.adults"),
        ({"foc_per": 0}, "costing.foc_per"),
        ({"hotel_class": "palace"}, "costing.hotel_class"),
        ({"currency": "XYZ=3"}, "costing.currency"),
        ({"margin_pct": "lots"}, "costing.margin_pct"),
    ],
)
def test_cli_quote_bad_package_costing(tmp_path, capsys, costing, field):
    path = _package(tmp_path, costing)
    assert main(["quote", str(path)]) == 2
    err = capsys.readouterr().err
    assert field in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, needle", [(["--foc", "0"], "--foc"), (["--currency", "ABC=1"], "--currency"),
                                          (["--currency", "USD=x"], "--currency")])
def test_cli_quote_bad_foc_and_currency(capsys, args, needle):
    assert main(["quote", str(PLAN), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and len(err.strip().splitlines()) == 1


def test_cli_quote_with_a_bad_seasons_file_exits_2(tmp_path, capsys):
    folder = _write_rates(tmp_path / "r", **{"seasons.csv": SEASONS_HEAD + "a,a,a,2027-05-01,2027-04-01,1,1,1,t,\n"})
    assert main(["quote", str(PLAN), "--rates", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "seasons.csv" in err and "end" in err and len(err.strip().splitlines()) == 1
