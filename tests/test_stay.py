"""吃住购娱: hotels by class and position, meals at real places, evening shows, calendar notes, prices."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.errors import RequestError
from planner.plan import BreakItem, Day, Plan, TravelItem, VisitItem, plan_from_dict, plan_to_dict
from planner.stay import (
    assign_hotels,
    assign_meals,
    calendar_notes,
    enrich_plan,
    note_text,
    priced_extras,
    schedule_shows,
    season_months,
    set_hotel,
)

DATA = Path(__file__).parent / "data"
SERVICE_FILES = ["stay_hotels.csv", "stay_restaurants.csv", "stay_shows.csv", "stay_shops.csv"]
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def cat():
    return load_catalog([DATA / "stay_catalog.csv", *(DATA / f for f in SERVICE_FILES)])


def _travel(a, b, t0, t1):
    h0, m0 = map(int, t0.split(":"))
    h1, m1 = map(int, t1.split(":"))
    return TravelItem(a, b, t0, t1, (h1 * 60 + m1) - (h0 * 60 + m0), 10.0)


def _visit(sid, t0, t1):
    return VisitItem(sid, t0, t0, t1)


def national_day_plan(day3_first="xijiang-miao-village", arrive_xijiang="17:00") -> Plan:
    """3 days from Guiyang over National Day 2026: Huangguoshu, Zunyi, Xijiang."""
    d1 = Day(
        "2026-10-01",
        "guiyang",
        "guiyang",
        [
            _travel("guiyang", "huangguoshu-waterfall", "08:30", "10:30"),
            _visit("huangguoshu-waterfall", "10:30", "11:30"),
            BreakItem("11:30", "12:30"),
            _travel("huangguoshu-waterfall", "guiyang", "12:30", "15:00"),
        ],
    )
    d2 = Day(
        "2026-10-02",
        "guiyang",
        "xijiang-miao-village",
        [
            _travel("guiyang", "zunyi-conference-site", "08:30", "10:30"),
            _visit("zunyi-conference-site", "10:30", "12:00"),
            _travel("zunyi-conference-site", "xijiang-miao-village", "12:00", arrive_xijiang),
        ],
    )
    d3 = Day(
        "2026-10-03",
        "xijiang-miao-village",
        "guiyang",
        [
            _travel("xijiang-miao-village", day3_first, "08:30", "08:40"),
            _visit(day3_first, "08:40", "10:40"),
            _travel(day3_first, "guiyang", "10:40", "14:00"),
        ],
    )
    totals = {"travel_minutes": 0, "km": 0.0, "visit_minutes": 0, "cost_cny": None, "cost_per_person_cny": None}
    order = [v.id for d in (d1, d2, d3) for v in d.visits()]
    return Plan(status="feasible", days=[d1, d2, d3], order=order, totals=totals, solver={"name": "hand", "seconds": 0})


# ---------------------------------------------------------------------------- hotels


def test_hotel_each_night_by_class_and_the_next_days_first_visit(cat):
    plan = national_day_plan()
    assign_hotels(plan, cat, "comfort")
    # night 1 in Guiyang: day 2 begins at Zunyi (north) -> the north comfort hotel, not the south one
    assert plan.days[0].hotel == "gy-comfort-north"
    # night 2 at Xijiang: day 3 begins in the village -> the lodge 0.30 km from it (the other is 0.37 km)
    assert plan.days[1].hotel == "xj-comfort-hill"
    assert plan.days[2].hotel is None  # the trip ends on day 3
    # the same night with day 3 beginning at the Kaili embroidery workshop (west): the river lodge
    plan = national_day_plan(day3_first="kl-miao-embroidery")
    assign_hotels(plan, cat, "comfort")
    assert plan.days[1].hotel == "xj-comfort-river"
    # another class: the premium hotel in Guiyang, the economy inn in Xijiang
    assign_hotels(plan, cat, "economy")
    assert [d.hotel for d in plan.days] == ["gy-economy-inn", "xj-economy-inn", None]


def test_missing_class_moves_up_with_a_note(cat):
    plan = national_day_plan()
    plan.days[1].overnight = "kaili"
    plan.days[2].start = "kaili"
    notes = assign_hotels(plan, cat, "comfort")
    assert plan.days[1].hotel == "kl-premium-hotel"
    assert notes == [
        {"code": "hotel_other_class", "params": {"place": "kaili", "asked": "comfort", "chosen": "premium"}}
    ]
    assert "premium" in note_text(notes[0], cat, "en")


def test_user_picks_another_hotel(cat):
    plan = national_day_plan()
    assign_hotels(plan, cat, "comfort")
    from planner.stay import hotel_choices

    assert [h.id for h in hotel_choices(plan, 0, cat)] == [
        "gy-economy-inn", "gy-comfort-north", "gy-comfort-south", "gy-premium-grand"]
    set_hotel(plan, 0, "gy-premium-grand", cat)
    assert plan.days[0].hotel == "gy-premium-grand"
    with pytest.raises(RequestError, match="hotel of 'xijiang-miao-village'"):
        set_hotel(plan, 0, "xj-comfort-hill", cat)
    with pytest.raises(RequestError, match="not a hotel"):
        set_hotel(plan, 0, "gy-sour-soup", cat)
    with pytest.raises(RequestError, match="no day 9"):
        set_hotel(plan, 8, "gy-premium-grand", cat)
    assert plan.days[0].hotel == "gy-premium-grand"  # refused picks change nothing


def test_unknown_hotel_class_is_refused(cat):
    with pytest.raises(RequestError) as ei:
        assign_hotels(national_day_plan(), cat, "luxury")
    assert ei.value.field == "hotel_class"


# ---------------------------------------------------------------------------- meals and shows


def test_lunch_at_the_nearest_lunch_place_within_15_km(cat):
    plan = national_day_plan()
    assign_hotels(plan, cat)
    assign_meals(plan, cat)
    lunch = plan.days[0].items[2]
    # the canteen 0.5 km from the falls, not the cheaper noodle shop 22 km away
    assert lunch.place == "hgs-lunch-hall"
    assert plan_to_dict(plan)["days"][0]["items"][2]["place"] == "hgs-lunch-hall"


def test_lunch_without_a_place_in_reach_gets_a_note(cat):
    plan = national_day_plan()
    plan.days[1].items.insert(2, BreakItem("12:00", "13:00"))  # lunch at Zunyi: no restaurant near
    plan.days[1].items[3] = _travel("zunyi-conference-site", "xijiang-miao-village", "13:00", "17:00")
    assign_meals(plan, cat)
    assert plan.days[1].items[2].place is None
    assert {"code": "no_lunch_place", "params": {"radius_km": 15.0, "start": "12:00"}} in plan.days[1].notes


def test_dinner_and_show_after_arrival_chained_in_the_evening(cat):
    plan = national_day_plan()
    before = plan_to_dict(plan)["days"]
    assign_hotels(plan, cat)
    assign_meals(plan, cat)
    schedule_shows(plan, cat)
    # Guiyang: arrival 15:00 -> dinner from 18:00 (90 min) -> 多彩贵州风 at 20:00 (12 min transfer fits)
    assert plan.days[0].evening == [
        {"type": "meal", "id": "gy-sour-soup", "start": "18:00", "end": "19:30"},
        {"type": "show", "id": "gy-colourful-guizhou", "start": "20:00", "end": "21:30"},
    ]
    # Xijiang: the long-table banquet, then the village's evening show
    assert plan.days[1].evening == [
        {"type": "meal", "id": "xj-long-table", "start": "18:00", "end": "19:30"},
        {"type": "show", "id": "xj-evening-show", "start": "20:30", "end": "21:30"},
    ]
    assert plan.days[2].evening == []  # the last day ends the trip
    after = plan_to_dict(plan)["days"]
    assert [d["items"] for d in after] != [] and all(
        [{k: v for k, v in i.items() if k != "place"} for i in a["items"]] == b["items"] for a, b in zip(after, before)
    ), "the day's chained items stay unchanged"


def test_late_arrival_means_no_show_and_a_note_that_says_why(cat):
    plan = national_day_plan(arrive_xijiang="19:30")
    assign_hotels(plan, cat)
    assign_meals(plan, cat)
    schedule_shows(plan, cat)
    # arrival 19:30 + 30 min check-in -> dinner 20:00-21:30; the only show starts 20:30
    assert plan.days[1].evening == [{"type": "meal", "id": "xj-long-table", "start": "20:00", "end": "21:30"}]
    note = next(n for n in plan.days[1].notes if n["code"] == "no_show")
    assert note["params"] == {"place": "xijiang-miao-village", "reason": "too_late", "ready": "21:30",
                              "last_start": "20:30"}
    assert "20:30" in note_text(note, cat, "en") and "21:30" in note_text(note, cat, "en")


def test_a_show_is_not_booked_twice(cat):
    plan = national_day_plan()
    # two nights in Guiyang: 多彩贵州风 on the first evening only
    plan.days[1].overnight = "guiyang"
    plan.days[1].items[-1] = _travel("zunyi-conference-site", "guiyang", "12:00", "15:00")
    plan.days[2].start = "guiyang"
    plan.days[2].items[0] = _travel("guiyang", "xijiang-miao-village", "08:30", "08:40")
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat)
    assert [e["id"] for e in plan.days[0].evening] == ["gy-sour-soup", "gy-colourful-guizhou"]
    assert [e["type"] for e in plan.days[1].evening] == ["meal"]
    assert any(n["code"] == "no_show" and n["params"]["reason"] == "seen" for n in plan.days[1].notes)


def test_no_show_without_the_request(cat):
    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": False, "hotel_class": "comfort"})(), cat)
    assert all(e["type"] == "meal" for d in plan.days for e in d.evening)


# ---------------------------------------------------------------------------- calendar notes


def test_national_day_crowd_warning_only_at_5a_areas(cat):
    plan = national_day_plan()
    notes = calendar_notes(plan, cat)
    assert [n["day"] for n in notes if n["code"] == "holiday"] == [1, 2, 3]
    crowd = [n for n in notes if n["code"] == "holiday_crowd"]
    # Huangguoshu (5A) on day 1; the Zunyi site (4A) and Xijiang (no level) get none
    assert crowd == [{"day": 1, "code": "holiday_crowd", "params": {
        "id": "huangguoshu-waterfall", "festival": "national_day", "name_zh": "国庆节", "name_en": "National Day"}}]
    # an ordinary week: no holiday, no crowd
    for k, d in enumerate(plan.days):
        d.date = f"2026-10-{12 + k}"
    assert [n for n in calendar_notes(plan, cat) if n["code"] in ("holiday", "holiday_crowd")] == []


def _one_visit_plan(sid: str, date: str) -> Plan:
    day = Day(date, "guiyang", "guiyang", [_travel("guiyang", sid, "08:30", "10:30"), _visit(sid, "10:30", "12:30"),
                                           _travel(sid, "guiyang", "12:30", "15:00")])
    return Plan(status="feasible", days=[day], order=[sid])


@pytest.mark.parametrize(
    "sid, date, code",
    [
        ("baili-dujuan", "2027-04-10", "season_best"),  # azalea bloom, late Mar-Apr
        ("baili-dujuan", "2027-07-10", None),
        ("wanfenglin", "2027-03-01", "season_best"),  # rape flowers Feb-Mar
        ("fanjingshan", "2027-01-15", "season_closure"),  # closed in ice and snow, Dec-Feb
        ("fanjingshan", "2027-05-15", "season_best"),
    ],
)
def test_seasonal_highlights_on_the_days_they_touch(cat, sid, date, code):
    codes = [n["code"] for n in calendar_notes(_one_visit_plan(sid, date), cat) if n["code"].startswith("season")]
    assert codes == ([code] if code else [])


def test_season_months_reads_chinese_and_english():
    assert season_months("3月下旬–4月 杜鹃花期 / late Mar–Apr azalea bloom") == {3, 4}
    assert season_months("late Nov to Feb") == {11, 12, 1, 2}
    assert season_months("冬季（12月–2月）封山") == {12, 1, 2}
    assert season_months("4–10月 / Apr–Oct") == set(range(4, 11))
    from planner.stay import season_parts

    # clause by clause, as the data's texts are written (梵净山, 加榜梯田, 草海)
    assert season_parts("4–5月 杜鹃, 6–8月 避暑云海, 10月下旬–12月 红叶; 冬季冰雪时东西门临时关闭 / azaleas Apr–May") == (
        {4, 5, 6, 7, 8, 10, 11, 12}, {12, 1, 2})
    assert season_months("4–5月 梯田灌水如镜，9–10月 稻熟金黄 / Apr–May, Sep–Oct") == {4, 5, 9, 10}
    assert season_months("秋冬–早春 黑颈鹤越冬观鸟 / late autumn to early spring") == {9, 10, 11, 12, 1, 2, 3}
    assert season_months("all year") == set()


def test_notes_are_stored_in_the_plan_and_read_back(cat):
    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat)
    doc = json.loads(json.dumps(plan_to_dict(plan)))
    again = plan_from_dict(doc)
    assert again.days[0].hotel == "gy-comfort-north"
    assert again.days[0].evening == plan.days[0].evening
    assert {"code": "holiday", "params": {"name_zh": "国庆节", "name_en": "National Day", "estimate": False}} in (
        again.days[0].notes
    )
    assert "国庆节" in note_text(again.days[0].notes[0], cat, "zh")


# ---------------------------------------------------------------------------- prices


def test_priced_extras_hotels_meals_and_shows(cat):
    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat)
    lines = priced_extras(plan, cat)
    got = [(x["kind"], x["id"], x["date"], x["cny_per_person"]) for x in lines]
    assert got == [
        ("lunch", "hgs-lunch-hall", "2026-10-01", 50.0),
        ("dinner", "gy-sour-soup", "2026-10-01", 80.0),
        ("show", "gy-colourful-guizhou", "2026-10-01", 190.0),
        ("hotel", "gy-comfort-north", "2026-10-01", 190.0),  # 380 a room, twin share
        ("dinner", "xj-long-table", "2026-10-02", 120.0),
        ("show", "xj-evening-show", "2026-10-02", 100.0),
        ("hotel", "xj-comfort-hill", "2026-10-02", 210.0),
    ]
    hotel = lines[3]
    assert hotel["cny_per_room"] == 380 and hotel["hotel_class"] == "comfort"
    assert hotel["class_rate_cny"] == 340  # data/rates: Guiyang is tier A, comfort 340
    assert hotel["label_zh"] == "住宿 北城舒适酒店" and hotel["label_en"] == "Hotel North Town Comfort Hotel"
    assert {x.get("holiday_zh") for x in lines} == {"国庆节"}  # every line falls in National Day


# ---------------------------------------------------------------------------- the CLI, end to end


@pytest.fixture()
def data_with_services(tmp_path):
    d = tmp_path / "data"
    shutil.copytree(REPO / "data", d)
    for f in SERVICE_FILES:
        shutil.copy(DATA / f, d / "scenic_spots" / f)
    return d


def _qiantu(args, env_data, cwd):
    import os

    env = {**os.environ, "QIANTU_DATA": str(env_data), "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=300)


def test_qiantu_plan_names_hotels_meals_show_and_a_shop_stop(data_with_services, tmp_path):
    req = {
        "schema": "qiantu/request@1",
        "title": "黔东南 2 日",
        "start": "guiyang",
        "start_date": "2026-10-01",
        "days": 2,
        "stops": [{"id": "xijiang-miao-village", "must": True}, {"id": "kl-miao-embroidery", "priority": 2}],
        "dinner_show": True,
        "hotel_class": "comfort",
        "time_limit_s": 2,
    }
    (tmp_path / "req.json").write_text(json.dumps(req, ensure_ascii=False), encoding="utf-8")
    out = _qiantu(["plan", "req.json", "-o", "plan.json"], data_with_services, tmp_path)
    assert out.returncode == 0, out.stderr
    doc = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    cat = load_catalog(data_with_services / "scenic_spots")
    assert "kl-miao-embroidery" in doc["order"]  # the shop is an ordinary optional stop
    night = doc["days"][0]
    assert cat.get(night["hotel"]).city == night["overnight"]
    assert [e["type"] for e in night.get("evening", [])][:1] == ["meal"]
    assert any(n["code"] == "holiday" for n in night["notes"])
    assert "hotel" not in doc["days"][-1]
    check = _qiantu(["check", "plan.json"], data_with_services, tmp_path)
    assert check.returncode == 0, check.stderr
    text = _qiantu(["plan", "req.json"], data_with_services, tmp_path).stdout
    assert "hotel: " in text and "法定节假日：国庆节" in text


def test_qiantu_check_refuses_a_plan_with_an_unknown_hotel_or_show(cat, tmp_path):
    from planner.errors import PlannerError
    from planner.validate import check_plan_consistency

    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat)
    doc = plan_to_dict(plan)
    check_plan_consistency(doc, "plan.json", cat)  # the enriched plan is consistent
    bad = json.loads(json.dumps(doc))
    bad["days"][0]["hotel"] = "gy-sour-soup"
    with pytest.raises(PlannerError) as ei:
        check_plan_consistency(bad, "plan.json", cat)
    assert ei.value.field == "days[0].hotel"
    bad = json.loads(json.dumps(doc))
    bad["days"][0]["evening"][1]["start"] = "19:00"  # the show before dinner ends
    with pytest.raises(PlannerError) as ei:
        check_plan_consistency(bad, "plan.json", cat)
    assert ei.value.field == "days[0].evening[1].start"


def test_a_night_place_without_hotels_or_restaurants_says_so(cat):
    plan = national_day_plan()
    plan.days[0].overnight = "anshun"  # the fixture lists no hotel and no dinner place in Anshun
    plan.days[0].items[-1] = _travel("huangguoshu-waterfall", "anshun", "12:30", "13:30")
    plan.days[1].start = "anshun"
    plan.days[1].items[0] = _travel("anshun", "zunyi-conference-site", "08:30", "10:30")
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat)
    codes = {n["code"]: n["params"] for n in plan.days[0].notes}
    assert plan.days[0].hotel is None and codes["hotel_none"] == {"place": "anshun"}
    assert codes["no_dinner_place"] == {"place": "anshun", "arrive": "13:30"}
    # no show within 30 km of Anshun; the group would be free after a dinner from 18:00
    assert codes["no_show"] == {"place": "anshun", "reason": "none_near", "ready": "19:30"}
    assert plan.days[0].evening == []


def test_a_packages_costing_hotel_class_wins(cat):
    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": False, "hotel_class": "comfort"})(), cat, hotel_class="premium")
    assert plan.days[0].hotel == "gy-premium-grand"


def test_a_hotel_beside_the_night_place_serves_it_whatever_its_city():
    """Zhenyuan: the inns are filed under the ancient town, the plan may sleep at the hub 0.6 km away."""
    from planner.catalog import load_catalog
    from planner.stay import hotels_for

    catalog = load_catalog()
    town = [h.id for h in hotels_for(catalog, "zhenyuan-ancient-town")]
    hub = [h.id for h in hotels_for(catalog, "zhenyuan")]
    assert town and set(town) <= set(hub)
    far = [h for h in hotels_for(catalog, "zhenyuan") if h.city not in ("zhenyuan", "zhenyuan-ancient-town")]
    assert all(h.city != "guiyang" for h in far)


# ---------------------------------------------------------------------------- the quote and the documents


def _enriched(cat, show=True):
    plan = national_day_plan()
    enrich_plan(plan, type("R", (), {"dinner_show": show, "hotel_class": "comfort"})(), cat)
    return plan


def _quote(plan, cat, adults=4):
    from planner.costing import Group, load_rates, quote

    return quote(plan, Group(adults=adults), load_rates(), cat)


def test_the_show_is_after_dinner_inside_its_show_time(cat):
    plan = _enriched(cat)
    for day in plan.days[:-1]:
        meal, show = day.evening
        assert (meal["type"], show["type"]) == ("meal", "show")
        assert meal["end"] <= show["start"]  # after dinner (and the transfer)
        assert (show["start"], show["end"]) in [tuple(t) for t in cat.get(show["id"]).show_times]
    assert [e["start"] for e in plan.days[0].evening] == ["18:00", "20:00"]


def test_each_night_is_priced_at_its_chosen_hotels_rate_not_the_class_estimate(cat):
    plan = _enriched(cat)
    q = _quote(plan, cat)  # 4 adults: 2 rooms; 1-2 Oct 2026 is Golden Week (hotels x1.5)
    hotels = [x for x in q.lines if x.kind == "hotel"]
    assert [(x.ref, x.quantity, x.unit_price_cny) for x in hotels] == [
        ("catalog:gy-comfort-north", 2, 380 * 1.5),
        ("catalog:xj-comfort-hill", 2, 420 * 1.5),
    ]
    assert not any(x.ref.startswith("hotel_tiers") for x in q.lines)  # the class estimate is replaced
    assert hotels[0].what_zh == "住宿 北城舒适酒店（贵阳，第 1 晚，国庆节）"
    assert hotels[0].what_en.endswith("(Guiyang, night 1, National Day)")
    assert (hotels[0].season, hotels[0].season_factor, hotels[0].holiday_en) == ("golden-week", 1.5, "National Day")
    assert "replaces the class estimate" in hotels[0].note
    assert q.single_supplement_cny >= (570 + 630) / 2  # half a room of each night, before the margin


def test_meals_at_real_places_are_priced_per_head_and_the_rest_at_the_estimate(cat):
    from planner.costing import load_rates

    plan = _enriched(cat)
    q = _quote(plan, cat)
    meals = [(x.ref, x.unit, x.quantity, x.unit_price_cny) for x in q.lines if x.kind == "meals"]
    day_rate = load_rates().settings["meals_per_person_day_cny"].value
    assert meals == [
        ("catalog:hgs-lunch-hall", "person-meal", 4, 50),  # lunch at 11:30 on day 1
        ("catalog:gy-sour-soup", "person-meal", 4, 80),
        ("catalog:xj-long-table", "person-meal", 4, 120),
        ("settings.csv:meals_per_person_day_cny", "person-meal", 3 * 4, day_rate / 2),  # 6 meals, 3 named
    ]
    lunch = next(x for x in q.lines if x.ref == "catalog:hgs-lunch-hall")
    assert (lunch.what_zh, lunch.what_en) == ("午餐 黄果树游客餐厅（第 1 天，国庆节）",
                                             f"lunch at {cat.get('hgs-lunch-hall').name_en} (day 1, National Day)")
    shows = [(x.ref, x.unit_price_cny) for x in q.lines if x.kind == "show"]
    assert shows == [("catalog:gy-colourful-guizhou", 190), ("catalog:xj-evening-show", 100)]


def test_the_total_is_the_sum_of_the_lines_and_the_price_per_person_follows(cat):
    from planner.costing import round_up

    plan = _enriched(cat)
    q = _quote(plan, cat, adults=6)
    assert round(q.net_cost_cny, 2) == round(sum(x.amount_cny for x in q.lines), 2)
    assert round(q.selling_price_cny, 2) == round(q.net_cost_cny * (1 + q.margin_pct / 100), 2)
    assert q.price_per_person_cny == round_up(q.selling_price_cny / 6, q.rounding_step_cny)
    assert q.price_per_category_cny["adult"] == q.price_per_person_cny
    without = _quote(national_day_plan(), cat, adults=6)  # the same trip before planner.stay ran
    assert q.net_cost_cny != without.net_cost_cny
    assert [x.kind for x in without.lines].count("show") == 0


def test_plan_totals_are_repriced_with_the_hotels_meals_and_show(cat):
    plan = national_day_plan()
    plan.totals["cost_cny"] = 1.0  # what the optimizer wrote, with class estimates
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort", "group_size": 4})(), cat)
    q = _quote(plan, cat, adults=4)
    assert plan.totals["cost_per_person_cny"] == q.price_per_person_cny


def test_a_plan_its_hotels_take_over_the_budget_says_so(cat):
    request = {"dinner_show": True, "hotel_class": "comfort", "group_size": 4}
    plan = national_day_plan()
    plan.totals["cost_cny"] = 1.0
    enrich_plan(plan, type("R", (), request)(), cat)
    price = plan.totals["cost_per_person_cny"]
    assert not [w for w in plan.warnings if w.startswith("over budget")]
    # a budget just under the priced trip: the warning names both figures
    plan = national_day_plan()
    plan.totals["cost_cny"] = 1.0
    enrich_plan(plan, type("R", (), {**request, "budget_per_person_cny": price - 10})(), cat)
    over = [w for w in plan.warnings if w.startswith("over budget")]
    assert len(over) == 1 and f"{price:,.0f} CNY" in over[0] and f"{price - 10:,.0f} CNY" in over[0]
    # at or above the price: no warning
    plan = national_day_plan()
    plan.totals["cost_cny"] = 1.0
    enrich_plan(plan, type("R", (), {**request, "budget_per_person_cny": price})(), cat)
    assert not [w for w in plan.warnings if w.startswith("over budget")]


def _pdftotext(path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext is not installed")
    return subprocess.run([exe, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdfs_name_the_holiday_hotel_meals_show_and_calendar_notes(cat, tmp_path):
    from planner.export import export_pdf

    plan = _enriched(cat)
    q = _quote(plan, cat).to_dict()
    export_pdf(plan, tmp_path / "c.pdf", catalog=cat, maps=False, quote=q)
    export_pdf(plan, tmp_path / "o.pdf", catalog=cat, maps=False, quote=q, audience="internal")
    client, operator = _pdftotext(tmp_path / "c.pdf"), _pdftotext(tmp_path / "o.pdf")
    for text in (client, operator):
        assert "第 1 天 · 2026年10月1日 周四 · 国庆节" in text
        assert "住宿：贵阳 · 北城舒适酒店" in text
        assert "晚间：18:00–19:30 晚餐：筑城酸汤鱼 · 20:00–21:30 演出：多彩贵州风" in text
        assert "中：黄果树游客餐厅" in text
        assert "法定节假日：国庆节" in text  # the calendar note on the day it touches
        assert "国庆节期间游客极多" in text  # holiday_crowd at the 5A Huangguoshu
    assert "570.00" not in client and "黄金周" not in client  # the client sees the price per person only
    line = next(x for x in operator.splitlines() if "住宿 北城舒适酒店（贵阳，第 1 晚，国庆节）" in x)
    assert "570.00" in line and "1,140.00" in line  # 380 a room x 1.5 in Golden Week, 2 rooms
    assert "国庆节 · 国庆黄金周 ×1.5" in line  # the holiday and what it does to the rate
    show = next(x for x in operator.splitlines() if "演出 多彩贵州风（第 1 天，国庆节）" in x)
    assert "190.00" in show and "760.00" in show


def test_every_document_names_the_hotel_the_meals_and_the_show(cat, tmp_path):
    import zipfile

    from planner.export import export_gpx, export_html, export_ics, export_kml, export_tour_order, export_xlsx
    from planner.export.geojson import export_geojson

    plan = _enriched(cat)
    q = _quote(plan, cat).to_dict()
    hotel, dinner, show = (cat.get(x).name_zh for x in ("gy-comfort-north", "xj-long-table", "xj-evening-show"))
    lunch = cat.get("hgs-lunch-hall").name_zh
    export_xlsx(plan, tmp_path / "a.xlsx", catalog=cat, quote=q)
    export_tour_order(plan, tmp_path / "t.xlsx", catalog=cat, quote=q, fmt="xlsx")
    for f, ex in (("a.ics", export_ics), ("a.kml", export_kml), ("a.gpx", export_gpx), ("a.geojson", export_geojson),
                  ("a.html", export_html)):
        ex(plan, tmp_path / f, catalog=cat)
    texts = {}
    for f in ("a.xlsx", "t.xlsx"):
        with zipfile.ZipFile(tmp_path / f) as z:
            texts[f] = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    for f in ("a.ics", "a.kml", "a.gpx", "a.geojson", "a.html"):
        texts[f] = (tmp_path / f).read_text(encoding="utf-8").replace("\r\n ", "")
    for f, text in texts.items():
        for word in (hotel, lunch, dinner, show, "国庆节"):
            assert word in text, (f, word)


def test_the_xlsx_lists_the_evening_and_the_holiday_by_day(cat, tmp_path):
    import datetime as dt

    import openpyxl

    from planner.export import export_xlsx

    plan = _enriched(cat)
    export_xlsx(plan, tmp_path / "a.xlsx", catalog=cat, quote=_quote(plan, cat).to_dict())
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    summary = [r for r in wb.worksheets[0].iter_rows(values_only=True)]
    assert summary[0][8:10] == ("酒店", "法定节假日")
    assert summary[1][8:10] == ("北城舒适酒店", "国庆节")
    day1 = [r for r in wb.worksheets[1].iter_rows(values_only=True)]
    evening = [(r[1], r[3], r[4]) for r in day1 if r[3] in ("晚餐", "演出")]
    assert evening == [(dt.time(18, 0), "晚餐", cat.get("gy-sour-soup").name_zh),
                       (dt.time(20, 0), "演出", cat.get("gy-colourful-guizhou").name_zh)]
    costs = wb.worksheets[-1]
    head = [c.value for c in costs[1]]
    hotel_row = next(r for r in costs.iter_rows(values_only=True) if str(r[0]).startswith("住宿 北城舒适酒店"))
    assert hotel_row[head.index("季节系数")] == 1.5 and hotel_row[head.index("法定节假日")] == "国庆节"


def test_children_pay_their_concession_on_meals_at_real_places_and_the_categories_add_up(cat):
    from planner.costing import Group, load_rates, quote

    plan = _enriched(cat)
    q = quote(plan, Group(adults=2, children=2, seniors=1), load_rates(), cat)
    g, step = q.group, q.rounding_step_cny
    total = sum(q.price_per_category_cny[c] * g.count(c) for c in ("adult", "child", "senior"))
    assert q.selling_price_cny <= total < q.selling_price_cny + step * g.size  # each category rounded up once
    assert q.price_per_category_cny["child"] < q.price_per_category_cny["adult"]


def test_a_make_up_working_day_is_named_as_one():
    from planner.costing.lines import holiday_of

    assert holiday_of(__import__("datetime").date(2026, 10, 10)) == ("国庆节调休上班", "National Day make-up working day")
    assert holiday_of(__import__("datetime").date(2026, 10, 12)) == ("", "")


def test_a_quote_for_another_class_keeps_the_plans_hotels_and_says_so(cat):
    from planner.costing import Group, load_rates, quote

    plan = _enriched(cat)  # comfort hotels
    q = quote(plan, Group(adults=4, hotel_class="premium"), load_rates(), cat)
    assert [x.ref for x in q.lines if x.kind == "hotel"] == ["catalog:gy-comfort-north", "catalog:xj-comfort-hill"]
    assert any("night 1: priced at the plan's hotel" in w and "premium" in w for w in q.warnings)
    assert not any("priced at the plan's hotel" in w for w in _quote(plan, cat).warnings)


def test_a_make_up_working_day_heads_its_day_in_the_documents(cat):
    from planner.export.common import build_itinerary

    plan = national_day_plan()
    for k, day in enumerate(plan.days):  # Fri 9 - Sun 11 Oct 2026; Sat 10 Oct is a make-up working day
        day.date = f"2026-10-{9 + k:02d}"
    it = build_itinerary(plan, cat)
    assert [d.holiday_text("zh") for d in it.days] == ["", "国庆节调休上班", ""]
    assert it.days[1].holiday_text("en") == "National Day make-up working day"
    plan.start_date_given = False  # placeholder dates: no holiday is named
    assert [d.holiday for d in build_itinerary(plan, cat).days] == [None, None, None]


def test_note_text_from_a_file_stays_text_in_the_documents(cat, tmp_path):
    import openpyxl

    from planner.export import export_html, export_xlsx

    plan = _enriched(cat)
    doc = plan_to_dict(plan)
    doc["days"][0]["notes"] = [{"code": "holiday", "params": {"name_zh": "=HYPERLINK(\"x\")", "name_en": "</script>"}}]
    export_xlsx(doc, tmp_path / "a.xlsx", catalog=cat, lang="zh")
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)  # a formula's text, never a formula
    export_html(doc, tmp_path / "a.html", catalog=cat, lang="en")
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "Day 1 · 2026-10-01 · \\u003c/script\\u003e" in page  # named in the legend, escaped
    assert page.count("</script>") == page.count("<script")


def test_a_daytime_show_is_no_evening_show_and_the_note_says_the_show_was_seen(tmp_path):
    src = (DATA / "stay_shows.csv").read_text(encoding="utf-8").splitlines()
    head = src[0].split(",")
    row = next(x for x in src[1:] if x.startswith("xj-evening-show,"))
    import csv
    import io

    rec = dict(zip(head, next(csv.reader(io.StringIO(row)))))
    rec.update(id="xj-daytime-show", name_zh="西江白天歌舞", name_en="Xijiang Daytime Show", show_times="10:30-11:00",
               open="", close="")
    out = io.StringIO()
    w = csv.DictWriter(out, head, lineterminator="\n")
    w.writeheader()
    w.writerows([dict(zip(head, next(csv.reader(io.StringIO(x))))) for x in src[1:]] + [rec])
    (tmp_path / "shows.csv").write_text(out.getvalue(), encoding="utf-8")
    cat2 = load_catalog([DATA / "stay_catalog.csv", *(DATA / f for f in SERVICE_FILES if f != "stay_shows.csv"),
                         tmp_path / "shows.csv"])
    plan = national_day_plan()
    # two nights at Xijiang: its evening show on the first, and the daytime show never in the evening
    plan.days[0].overnight = "xijiang-miao-village"
    plan.days[0].items[-1] = _travel("huangguoshu-waterfall", "xijiang-miao-village", "12:30", "16:30")
    plan.days[1].start = "xijiang-miao-village"
    plan.days[1].items[0] = _travel("xijiang-miao-village", "zunyi-conference-site", "08:30", "10:30")
    enrich_plan(plan, type("R", (), {"dinner_show": True, "hotel_class": "comfort"})(), cat2)
    assert [e["id"] for e in plan.days[0].evening if e["type"] == "show"] == ["xj-evening-show"]
    assert [e for e in plan.days[1].evening if e["type"] == "show"] == []
    note = next(n for n in plan.days[1].notes if n["code"] == "no_show")
    assert note["params"]["reason"] == "seen"


def test_season_notes_are_printed_on_the_day_they_touch_in_both_pdfs(cat, tmp_path):
    from planner.export import export_pdf

    plan = Plan(status="feasible", days=[
        _one_visit_plan("fanjingshan", "2027-01-15").days[0],  # closed in ice and snow
        _one_visit_plan("baili-dujuan", "2027-01-16").days[0],  # out of its season: no note
    ], order=["fanjingshan", "baili-dujuan"])
    enrich_plan(plan, type("R", (), {"dinner_show": False, "hotel_class": "comfort"})(), cat)
    name = cat.get("fanjingshan").name_zh
    for audience in ("client", "internal"):
        export_pdf(plan, tmp_path / f"{audience}.pdf", catalog=cat, maps=False, audience=audience)
        pages = _pdftotext(tmp_path / f"{audience}.pdf").split("\f")
        day1 = next(p for p in pages if "第 1 天 · 2027年1月15日" in p)
        assert f"{name}：此季节可能封闭" in day1
        assert "此季节可能封闭" not in "".join(p for p in pages if "第 2 天 · 2027年1月16日" in p)


def test_a_five_day_package_names_its_hotels_meals_and_show_in_every_document(tmp_path):
    """Guiyang – Qingyan – Xijiang – Xiasi – Zhenyuan – Shibing over National Day 2026, with the
    bundled data: every export names each night's hotel, the meals at real places and the show."""
    import os
    import zipfile

    req = {"schema": "qiantu/request@1", "title": "黔东南 5 日", "start": "guiyang", "start_date": "2026-09-30",
           "days": 5, "group_size": 10, "dinner_show": True, "hotel_class": "comfort", "time_limit_s": 3,
           "stops": [{"id": "qingyan-ancient-town", "must": True, "day": 1},
                     {"id": "xijiang-miao-village", "must": True, "day": 2},
                     {"id": "xiasi-ancient-town", "must": True, "day": 3},
                     {"id": "zhenyuan-ancient-town", "must": True, "day": 4},
                     {"id": "yuntaishan-shibing", "must": True, "day": 5}]}
    (tmp_path / "req.json").write_text(json.dumps(req, ensure_ascii=False), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "QT_QPA_PLATFORM": "offscreen"}

    def run(*args):
        out = subprocess.run([sys.executable, "-m", "planner", *args], capture_output=True, text=True, env=env,
                             cwd=tmp_path, timeout=600)
        assert out.returncode == 0, out.stderr
        return out.stdout

    run("plan", "req.json", "-o", "plan.json")
    plan = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    pkg = {"schema": "qiantu/package@1", "title": req["title"], "request": req, "plan": plan,
           "costing": {"adults": 10, "hotel_class": "comfort"}}
    (tmp_path / "p.qiantu.json").write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    cat = load_catalog()
    hotels = {d["hotel"] for d in plan["days"] if d.get("hotel")}
    evening = {e["id"] for d in plan["days"] for e in d.get("evening", [])}
    shows = {e["id"] for d in plan["days"] for e in d.get("evening", []) if e["type"] == "show"}
    assert len(hotels) >= 2 and shows and len(evening) > len(shows)  # hotels, dinners and a show
    names = {cat.get(x).name_zh for x in hotels | evening}
    quote = json.loads(run("quote", "p.qiantu.json", "--format", "json"))["quote"]
    refs = {x["ref"] for x in quote["lines"]}
    assert {f"catalog:{x}" for x in hotels | evening} <= refs  # each priced on its own line
    assert round(sum(x["amount_cny"] for x in quote["lines"]), 2) == quote["net_cost_cny"]
    assert any(x["holiday_zh"] == "国庆节" and x["season"] == "golden-week" for x in quote["lines"])
    run("export", "p.qiantu.json", "--pdf", "c.pdf", "--pdf-internal", "o.pdf", "--xlsx", "a.xlsx", "--ics", "a.ics",
        "--kml", "a.kml", "--gpx", "a.gpx", "--geojson", "a.geojson", "--html", "a.html", "--tour-order", "t.xlsx")
    texts = {f: _pdftotext(tmp_path / f) for f in ("c.pdf", "o.pdf")}
    for f in ("a.xlsx", "t.xlsx"):
        with zipfile.ZipFile(tmp_path / f) as z:
            texts[f] = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
    for f in ("a.ics", "a.kml", "a.gpx", "a.geojson", "a.html"):
        texts[f] = (tmp_path / f).read_text(encoding="utf-8").replace("\r\n ", "")
    import html as _html

    for f, text in texts.items():
        text = _html.unescape(text)
        for name in names | {"国庆节"}:
            assert name in text, (f, name)
