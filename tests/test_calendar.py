"""The holiday calendar: the State Council table, the holidays package beyond it, closures on holidays."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from planner.calendar import (
    calendar_day,
    closure_weekday,
    day_info,
    known_years,
    load_holiday_table,
    table_path,
)
from planner.catalog import load_catalog
from planner.errors import DataError
from planner.optimize.trip import plan_trip
from planner.plan_check import validate_plan
from planner.request import request_from_dict

REPO = Path(__file__).resolve().parent.parent


def test_2026_schedule_from_the_state_council_notice():
    # 春节 2月15日至23日放假调休，2月14日（周六）、2月28日（周六）上班
    assert day_info("2026-02-15") == (True, False, "春节")
    assert day_info(dt.date(2026, 2, 23)).is_holiday
    assert day_info("2026-02-24") == (False, False, "")
    assert day_info("2026-02-14") == (False, True, "春节调休上班")
    assert day_info("2026-02-28").is_makeup_workday
    # 国庆节 10月1日至7日；9月20日（周日）、10月10日（周六）上班
    assert all(day_info(f"2026-10-0{d}").is_holiday for d in range(1, 8))
    assert day_info("2026-10-08") == (False, False, "")
    assert day_info("2026-09-20").is_makeup_workday and day_info("2026-10-10").is_makeup_workday
    assert calendar_day("2026-10-01").estimate is False
    assert calendar_day("2026-10-01").festival == "national_day"


def test_the_table_agrees_with_the_holidays_package_for_2026():
    import holidays

    table = {d.date for d in load_holiday_table() if d.kind == "holiday"}
    package = set(holidays.country_holidays("CN", years=2026))
    # every day off the package knows for 2026 is in the notice's blocks (which add the weekends)
    assert package <= table, sorted(package - table)
    assert len(table) == 33


def test_2027_and_2028_are_rule_based_estimates():
    assert known_years() == {2026: "notice", 2027: "estimate", 2028: "estimate"}
    cny = calendar_day("2027-02-06")  # 2027 Spring Festival (正月初一 is 2027-02-06)
    assert cny.kind == "holiday" and cny.festival == "spring_festival" and cny.estimate
    assert day_info("2027-10-01").is_holiday and calendar_day("2027-10-01").estimate
    # the customary golden weeks: 1-7 October, 1-5 May, 除夕 (2027-02-05) to 初七 (2027-02-12)
    assert all(day_info(f"2027-10-0{d}").is_holiday for d in range(1, 8))
    assert all(day_info(f"2027-05-0{d}").is_holiday for d in range(1, 6))
    assert day_info("2027-02-12").is_holiday and not day_info("2027-02-15").is_holiday
    assert day_info("2027-10-11") == (False, False, "")
    assert day_info("2028-10-03") == (True, False, "国庆节")  # 中秋 and 国庆 on one day: National Day
    assert calendar_day("2028-05-01").festival == "labour_day"
    # no make-up working days are known before the notice
    assert not any(day_info(dt.date(2027, 1, 1) + dt.timedelta(days=i)).is_makeup_workday for i in range(365))


def test_closure_weekday_is_lifted_on_public_holidays():
    assert closure_weekday("2026-10-05") == 0  # a Monday of National Day
    assert closure_weekday("2026-10-12") == 1  # an ordinary Monday
    assert closure_weekday("2026-02-14") == 6  # a make-up Saturday is still a Saturday for a museum


def test_museum_closed_on_mondays_opens_on_a_holiday_monday():
    sys.path.insert(0, str(Path(__file__).parent))
    from fake_network import FakeNetwork

    cat = load_catalog(Path(__file__).parent / "data" / "trip_catalog.csv")
    net = FakeNetwork(cat)
    assert cat.get("zunyi-conference-site").closed_weekdays == (1,)

    def one_day(date: str):
        return request_from_dict({"schema": "qiantu/request@1", "start": "guiyang", "start_date": date, "days": 1,
                                  "stops": [{"id": "zunyi-conference-site", "must": True}], "time_limit_s": 2},
                                 catalog=cat)

    holiday = plan_trip(one_day("2026-10-05"), cat, net)  # a Monday of National Day
    assert holiday.status != "infeasible" and holiday.order == ["zunyi-conference-site"]
    assert validate_plan(holiday, one_day("2026-10-05"), net, cat) == []
    ordinary = plan_trip(one_day("2026-10-12"), cat, net)  # an ordinary Monday
    assert ordinary.status == "infeasible" and ordinary.dropped[0].id == "zunyi-conference-site"


# ---------------------------------------------------------------------------- bad tables

HEADER = "year,date,kind,name_zh,name_en,source,note\n"
SRC = "国务院办公厅关于2026年部分节假日安排的通知"


@pytest.mark.parametrize(
    "row, field, words",
    [
        (f"2026,2027-01-01,holiday,元旦,New Year's Day,{SRC},", "date", "outside its year 2026"),
        (f"2027,2026-12-20,holiday,元旦,New Year's Day,{SRC},", "date", "outside its year 2027"),
        (f"2026,2026-10-08,workday,国庆节调休上班,National Day make-up,{SRC},", "date", "a weekday"),
        ("2026,2026-10-01,holiday,国庆节,National Day,,", "source", "is empty"),
        (f"2026,2026-13-01,holiday,国庆节,National Day,{SRC},", "date", "not a date"),
        (f"2026,2026-10-01,day-off,国庆节,National Day,{SRC},", "kind", "holiday or workday"),
        (f"twenty,2026-10-01,holiday,国庆节,National Day,{SRC},", "year", "not a year"),
    ],
)
def test_bad_holiday_rows_are_refused_by_line_and_field(tmp_path, row, field, words):
    p = tmp_path / "cn_holidays.csv"
    p.write_text(HEADER + f"2026,2026-10-02,holiday,国庆节,National Day,{SRC},\n" + row + "\n", encoding="utf-8")
    with pytest.raises(DataError) as ei:
        load_holiday_table(p)
    assert ei.value.row == 3 and ei.value.field == field and words in ei.value.message
    out = subprocess.run([sys.executable, "-m", "planner", "check", str(p)], capture_output=True, text=True,
                         cwd=REPO, timeout=120)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and f"{p}:3" in out.stderr and f"'{field}'" in out.stderr


def test_a_new_year_block_may_begin_in_december(tmp_path):
    # the 2024 notice: 元旦 2023-12-30 to 2024-01-01
    p = tmp_path / "cn_holidays.csv"
    p.write_text(HEADER + f"2024,2023-12-30,holiday,元旦,New Year's Day,{SRC},\n", encoding="utf-8")
    assert load_holiday_table(p)[0].date == dt.date(2023, 12, 30)


def test_duplicate_date_is_refused(tmp_path):
    p = tmp_path / "cn_holidays.csv"
    row = f"2026,2026-10-02,holiday,国庆节,National Day,{SRC},\n"
    p.write_text(HEADER + row + row, encoding="utf-8")
    with pytest.raises(DataError, match="already on line 2"):
        load_holiday_table(p)


def test_qiantu_check_accepts_the_bundled_table():
    out = subprocess.run([sys.executable, "-m", "planner", "check", str(table_path())], capture_output=True,
                         text=True, cwd=REPO, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "holiday table with 39 days (2026)" in out.stdout
