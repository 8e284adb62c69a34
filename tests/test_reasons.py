"""Left-out reasons as codes: every code renders in Chinese without English words and in English
without Chinese (names aside); lunch starts inside its window over varied real requests."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.reasons import CODES, SUGGESTIONS, namer, render, render_dropped, render_night, render_suggestion

ROOT = Path(__file__).resolve().parent.parent

# one example of every code's parameters (ids from the bundled catalog)
EXAMPLES = {
    "closed_on_date": {"weekdays": [1, 2], "dates": ["2027-04-05", "2027-04-06", "2027-04-12", "2027-04-13"]},
    "visit_too_long": {"visit_minutes": 660, "day_start": "08:30", "day_end": "18:30"},
    "drive_limit": {"limit_minutes": 60, "near": "tongren", "away_minutes": 69},
    "not_reachable": {
        "visit_minutes": 360, "day_start": "08:30", "day_end": "18:30", "near": "tongren", "away_minutes": 69,
    },
    "no_time": {"visit_minutes": 95, "days": 2, "day_minutes_short": 40, "priority": 2, "must": False},
    "history_order": {"visit_minutes": 60},
    "after_order": {"visit_minutes": 60},
    "pin_infeasible": {"day": 2, "date": "2027-04-05", "closed": True},
    "over_budget": {"budget_cny": 3000, "price_with_cny": 3210.5},
    "no_plan": {"days": 1, "day_start": "08:30", "day_end": "18:30", "from": "guiyang", "to": "kunming",
                "travel_minutes": 700},
    "unknown": {},
}
SUGGESTION_EXAMPLES = [
    {"code": "add_day", "params": {"after_day": 2}},
    {"code": "start_earlier", "params": {"minutes": 60}},
    {"code": "end_later", "params": {"minutes": 90}},
    {"code": "drop_stop", "params": {"id": "jiaxiu-tower"}},
    {"code": "raise_drive_limit", "params": {"minutes": 420}},
    {"code": "unpin", "params": {"day": 2}},
]
CJK = re.compile(r"[\u3400-\u9fff]")
# words that may stay in a Chinese text: units (km) only; times, dates and numbers are not words
LATIN_WORD = re.compile(r"[A-Za-z]+")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


def test_every_code_and_suggestion_has_an_example():
    assert set(EXAMPLES) == set(CODES)
    assert {s["code"] for s in SUGGESTION_EXAMPLES} == set(SUGGESTIONS)


@pytest.mark.parametrize("code", CODES)
def test_zh_has_no_english_words_and_en_no_chinese(catalog, code):
    stop = "zunyi-conference-site"
    entry = {"id": stop, "code": code, "params": EXAMPLES[code], "suggestions": SUGGESTION_EXAMPLES, "reason": ""}
    zh = render_dropped(entry, "zh", namer("zh", catalog))
    en = render_dropped(entry, "en", namer("en", catalog))
    assert zh and en and zh != en
    assert LATIN_WORD.findall(zh) == [], zh
    assert not CJK.search(en), en
    if code not in ("unknown", "no_plan"):  # no_plan names the trip's ends, not the stop
        assert catalog.get(stop).name_zh in zh and catalog.get(stop).name_en in en


def test_suggestions_render_each_language(catalog):
    for s in SUGGESTION_EXAMPLES:
        zh = render_suggestion(s["code"], s["params"], "zh", namer("zh", catalog))
        en = render_suggestion(s["code"], s["params"], "en", namer("en", catalog))
        assert not LATIN_WORD.findall(zh) and not CJK.search(en), (zh, en)
    assert render_suggestion("drop_stop", {"id": "jiaxiu-tower"}, "zh", namer("zh", catalog)) == "去掉甲秀楼"
    assert render_suggestion("start_earlier", {"minutes": 60}, "en", namer("en", catalog)) == "start 1 h earlier"


@pytest.mark.parametrize(
    "note",
    [
        {"code": "night_no_nearer_hotel", "params": {"minutes_to_next": 67}},
        {"code": "night_nearer_does_not_fit",
         "params": {"minutes_to_next": 192, "nearer": "zunyi", "nearer_minutes": 10, "day": 3}},
        {"code": "night_more_travel",
         "params": {"minutes_to_next": 113, "nearer": "zunyi", "nearer_minutes": 29, "extra_minutes": 25}},
    ],
)
def test_night_notes_render_in_each_language(catalog, note):
    zh = render_night(note, "zh", namer("zh", catalog))
    en = render_night(note, "en", namer("en", catalog))
    assert zh.startswith("住宿地离次日第一站") and en.startswith("the night's place is")
    assert not LATIN_WORD.findall(zh) and not CJK.search(en), (zh, en)
    if "nearer" in note["params"]:
        assert "遵义" in zh and "Zunyi" in en


def test_numbers_in_reasons_come_from_params(catalog):
    text = render("no_time", EXAMPLES["no_time"], "zh", namer("zh", catalog), "jiaxiu-tower")
    assert text == "时间不足未能安排：甲秀楼需游览 1 小时 35 分钟，2 天行程已排满，最接近的一天还差 40 分钟（优先级 2）"
    text = render("over_budget", EXAMPLES["over_budget"], "en", namer("en", catalog), "jiaxiu-tower")
    assert text == "Jiaxiu Tower left out to keep within the budget of 3,000 CNY per person (with it: 3,210 CNY)"


def test_lunch_starts_inside_the_window_over_the_benchmark_requests(catalog):
    """The 20 requests of benchmarks/bench_trips.py on the real network: every lunch starts
    between 11:30 and 13:30 and validate_plan accepts every plan (items chain, lunch in window)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_trips import make_requests

    from planner.network import load_network
    from planner.optimize.trip import plan_trip
    from planner.plan_check import validate_plan
    from planner.request import request_from_dict

    network = load_network(catalog)
    lunches = []
    on_the_way = 0
    for d in make_requests(catalog):
        r = request_from_dict(d, catalog=catalog)
        p = plan_trip(r, catalog, network, time_limit_s=0.3)
        assert validate_plan(p, r, network, catalog) == [], d["title"]
        for day in p.days:
            for it in day.items:
                if it.type == "break":
                    lunches.append(it.start)
                elif it.type == "visit" and it.lunch:
                    lunches.append(it.lunch[0])
                elif it.type == "travel" and it.leg_of and it.to_id in p.places:
                    on_the_way += 1
    assert len(lunches) > 50
    assert all("11:30" <= s <= "13:30" for s in lunches), sorted(lunches)[-5:]
    assert on_the_way > 0  # some long drives stop for lunch on the way
