"""Trip request, plan and package files: JSON round trips and one clear error per bad field."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from planner.catalog import load_catalog
from planner.errors import PlannerError, RequestError, UnknownPlaceError
from planner.package import Package, load_package, save_package
from planner.plan import load_plan, plan_from_dict, plan_to_dict, save_plan
from planner.request import CustomPlace, load_request, request_from_dict, request_to_dict
from planner.validate import check_file

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA / "trip_catalog.csv")


def base(**kw) -> dict:
    d = {
        "schema": "qiantu/request@1",
        "title": "遵义红色经典 3 日",
        "start": "guiyang",
        "start_date": "2027-04-06",
        "days": 3,
        "stops": [
            {"id": "zunyi-conference-site", "must": True},
            {"id": "loushan-pass", "priority": 3},
            {"id": "sidu-chishui-memorial", "after": ["zunyi-conference-site"]},
        ],
    }
    d.update(kw)
    return d


def write(tmp_path, doc, name="req.json") -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return p


def test_defaults_follow_design(catalog):
    req = request_from_dict(base(), catalog=catalog)
    assert req.end_place == "guiyang"
    assert (req.day_start, req.day_end, req.lunch_minutes, req.mode) == ("08:30", "18:30", 60, "drive")
    assert (req.time_limit_s, req.seed) == (5, 0)
    assert req.stops[1].priority == 3 and req.stops[2].after == ("zunyi-conference-site",)
    assert req.stops[2].priority == 1 and not req.stops[2].must


def test_request_round_trip(tmp_path, catalog):
    doc = base(
        end="anywhere",
        mode="drive+rail",
        max_drive_minutes_per_day=300,
        keep_order=True,
        stops=[
            {"id": "zunyi-conference-site", "must": True, "visit_minutes": 60, "open": "09:00", "close": "16:00"},
            {"id": "loushan-pass", "priority": 2.5, "after": ["zunyi-conference-site"]},
        ],
    )
    req = request_from_dict(doc, catalog=catalog)
    again = request_from_dict(json.loads(json.dumps(request_to_dict(req))), catalog=catalog)
    assert again == req
    assert again.open_end


def test_custom_start_place(catalog):
    req = request_from_dict(base(start={"name": "花溪宾馆", "lat": 26.43, "lon": 106.67}), catalog=catalog)
    assert isinstance(req.start, CustomPlace) and req.start.id == "custom:花溪宾馆"
    assert request_to_dict(req)["start"] == {"name": "花溪宾馆", "lat": 26.43, "lon": 106.67}


@pytest.mark.parametrize(
    "change, field, words",
    [
        ({"days": 0}, "days", "out of range"),
        ({"days": 31}, "days", "out of range"),
        ({"day_start": "8:30"}, "day_start", "HH:MM"),
        ({"day_end": "07:00"}, "day_end", "not after day_start"),
        ({"mode": "fly"}, "mode", "not one of"),
        ({"start_date": "2027-02-30"}, "start_date", "not a date"),
        ({"lunch_minutes": -5}, "lunch_minutes", "out of range"),
        ({"dayz": 3}, "dayz", "not a known field"),
        ({"schema": "qiantu/request@9"}, "schema", "not supported"),
        ({"start": 5}, "start", "spot id"),
        ({"start": "guiyng"}, "start", "did you mean"),
        ({"stops": [{"id": "loushan-pas"}]}, "stops[0].id", "did you mean: loushan-pass"),
        ({"stops": [{"id": "loushan-pass"}, {"id": "loushan-pass"}]}, "stops[1].id", "already"),
        ({"stops": [{"id": "loushan-pass", "priority": -1}]}, "stops[0].priority", "out of range"),
        ({"stops": [{"id": "loushan-pass", "open": "09:00"}]}, "stops[0].close", "together"),
        ({"stops": [{"id": "loushan-pass", "open": "12:00", "close": "09:00"}]}, "stops[0].close", "not after"),
        ({"stops": [{"id": "loushan-pass", "after": ["xiaoqikong"]}]}, "stops[0].after[0]", "not one of the requested"),
        (
            {
                "stops": [
                    {"id": "loushan-pass", "after": ["fanjingshan"]},
                    {"id": "fanjingshan", "after": ["loushan-pass"]},
                ]
            },
            "stops[0].after",
            "cycle",
        ),
        (
            {"stops": [{"id": "loushan-pass"}, {"id": "fanjingshan", "visit_minutes": 900}]},
            "stops[1].visit_minutes",
            "opening hours",
        ),
        ({"stops": [{"id": "loushan-pass", "must": "yes"}]}, "stops[0].must", "boolean"),
    ],
)
def test_each_error_names_file_and_field(tmp_path, catalog, change, field, words):
    p = write(tmp_path, base(**change))
    with pytest.raises(RequestError) as info:
        load_request(p, catalog=catalog)
    err = info.value
    assert err.field == field
    assert err.file == str(p)
    assert words in err.one_line()
    assert str(p) in err.one_line() and field in err.one_line()


def test_missing_required_field_and_bad_json(tmp_path, catalog):
    doc = base()
    del doc["days"]
    with pytest.raises(RequestError) as info:
        load_request(write(tmp_path, doc), catalog=catalog)
    assert info.value.field == "days" and "missing" in info.value.message
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "qiantu/request@1",\n "days": }', encoding="utf-8")
    with pytest.raises(RequestError) as info:
        load_request(bad, catalog=catalog)
    assert info.value.row == 2 and "not valid JSON" in info.value.message
    with pytest.raises(RequestError, match="file not found"):
        load_request(tmp_path / "nope.json", catalog=catalog)


def test_unknown_id_gives_suggestions(catalog):
    with pytest.raises(UnknownPlaceError) as info:
        request_from_dict(base(stops=[{"id": "huangguoshu"}]), catalog=catalog)
    assert "huangguoshu-waterfall" in info.value.suggestions


def test_keep_order_with_backward_after_is_an_error(catalog):
    doc = base(keep_order=True, stops=[{"id": "loushan-pass", "after": ["fanjingshan"]}, {"id": "fanjingshan"}])
    with pytest.raises(RequestError) as info:
        request_from_dict(doc, catalog=catalog)
    assert info.value.field == "stops[0].after[0]"


# ---------------------------------------------------------------------------- plans


def sample_plan_dict() -> dict:
    return {
        "schema": "qiantu/plan@1",
        "title": "t",
        "status": "feasible",
        "mode": "drive+rail",
        "days": [
            {
                "date": "2027-04-06",
                "start": "guiyang",
                "overnight": "zunyi",
                "items": [
                    {
                        "type": "travel",
                        "from": "guiyang",
                        "to": "zunyi-conference-site",
                        "depart": "08:30",
                        "arrive": "10:30",
                        "minutes": 120,
                        "km": 150.5,
                        "mode": "drive+rail",
                        "path": [[26.6, 106.6], [27.7, 106.9]],
                        "legs": [
                            {"mode": "rail", "from": "a", "to": "b", "minutes": 60, "km": 140, "line": "G1", "path": []}
                        ],
                    },
                    {
                        "type": "visit",
                        "id": "zunyi-conference-site",
                        "arrive": "10:30",
                        "start": "10:30",
                        "end": "12:00",
                        "wait_minutes": 0,
                    },
                    {"type": "break", "kind": "lunch", "at": "zunyi-conference-site", "start": "12:00", "end": "13:00"},
                    {
                        "type": "travel",
                        "from": "zunyi-conference-site",
                        "to": "zunyi",
                        "depart": "13:00",
                        "arrive": "13:05",
                        "minutes": 5,
                        "km": 3.0,
                        "mode": "drive",
                        "path": [],
                    },
                ],
            }
        ],
        "order": ["zunyi-conference-site"],
        "dropped": [{"id": "loushan-pass", "reason": "left out for lack of time"}],
        "totals": {
            "travel_minutes": 125,
            "km": 153.5,
            "visit_minutes": 90,
            "cost_cny": None,
            "cost_per_person_cny": None,
        },
        "solver": {"name": "x", "seconds": 0.1, "lower_bound": None},
    }


def test_plan_round_trip_and_atomic_save(tmp_path):
    plan = plan_from_dict(sample_plan_dict())
    assert plan.days[0].items[0].legs[0]["line"] == "G1"
    p = tmp_path / "plan.json"
    save_plan(plan, p)
    assert load_plan(p) == plan
    assert plan_to_dict(load_plan(p)) == plan_to_dict(plan)
    assert [f for f in os.listdir(tmp_path) if f != "plan.json"] == []


def test_save_plan_leaves_old_file_on_failure(tmp_path, monkeypatch):
    p = tmp_path / "plan.json"
    p.write_text("old", encoding="utf-8")
    plan = plan_from_dict(sample_plan_dict())
    import planner.io as io_mod

    def boom(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(io_mod.os, "fsync", boom)
    with pytest.raises(PlannerError, match="No space left"):
        save_plan(plan, p)
    assert p.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["plan.json"]


@pytest.mark.parametrize(
    "path, value, field",
    [
        (("status",), "great", "status"),
        (("days", 0, "items", 1, "start"), "10:3", "days[0].items[1]"),
        (("order",), "x", "order"),
    ],
)
def test_plan_errors_name_the_field(path, value, field):
    d = sample_plan_dict()
    node = d
    for p in path[:-1]:
        node = node[p]
    node[path[-1]] = value
    with pytest.raises(RequestError) as info:
        plan_from_dict(d, file="p.json")
    assert info.value.field.startswith(field)


# ---------------------------------------------------------------------------- packages and check


def test_package_round_trip_and_bare_request(tmp_path, catalog):
    req = request_from_dict(base(), catalog=catalog)
    plan = plan_from_dict(sample_plan_dict())
    pkg = Package(request=req, plan=plan, title="遵义 3 日", notes="客户要求少走路")
    p = tmp_path / "trip.qiantu.json"
    save_package(pkg, p)
    again = load_package(p, catalog=catalog)
    assert again.title == "遵义 3 日" and again.notes == "客户要求少走路"
    assert again.plan == plan and again.request == req
    bare = load_package(write(tmp_path, base()), catalog=catalog)
    assert bare.plan is None and bare.title == "遵义红色经典 3 日"


def test_package_newer_schema_is_a_clear_error(tmp_path, catalog):
    p = write(tmp_path, {"schema": "qiantu/package@7", "request": base()}, "x.qiantu.json")
    with pytest.raises(RequestError) as info:
        load_package(p, catalog=catalog)
    assert info.value.field == "schema" and "qiantu/package@1" in info.value.message
    p = write(tmp_path, {"schema": "qiantu/package@1", "request": base(days=99)}, "y.qiantu.json")
    with pytest.raises(RequestError) as info:
        load_package(p, catalog=catalog)
    assert info.value.field == "request.days"


def test_check_file_recognises_each_kind(tmp_path, catalog):
    assert "trip request: 3 stops (1 must)" in check_file(write(tmp_path, base()), catalog=catalog)
    plan_path = write(tmp_path, sample_plan_dict(), "plan.json")
    assert "plan (feasible)" in check_file(plan_path, catalog=catalog)
    pkg = {"schema": "qiantu/package@1", "title": "a", "request": base(), "plan": None, "notes": ""}
    assert "no plan yet" in check_file(write(tmp_path, pkg, "p.qiantu.json"), catalog=catalog)
    assert "catalog table" in check_file(DATA / "trip_catalog.csv")
    with pytest.raises(RequestError) as info:
        check_file(write(tmp_path, {"hello": 1}, "h.json"))
    assert info.value.field == "schema"


# ---------------------------------------------------------------------------- pins, events, lunch window


def test_pins_events_lunch_window_and_locked_days_round_trip(catalog):
    doc = base(
        stops=[
            {"id": "zunyi-conference-site", "must": True, "day": 2},
            {"id": "sidu-chishui-memorial", "event": "south-wujiang-crossing"},
        ],
        lunch_window=["12:00", "13:00"],
        locked_days=[2],
    )
    req = request_from_dict(doc, catalog=catalog)
    assert req.stop("zunyi-conference-site").day == 2
    assert req.stop("sidu-chishui-memorial").event == "south-wujiang-crossing"
    assert req.lunch_window == ("12:00", "13:00") and req.locked_days == (2,)
    again = request_from_dict(request_to_dict(req), catalog=catalog)
    assert again == req
    # defaults
    plain = request_from_dict(base(), catalog=catalog)
    assert plain.lunch_window == ("11:30", "13:30") and plain.locked_days == ()


BAD_PLAN_INPUTS = [
    # a pin to day 0 or past the last day
    ({"stops": [{"id": "loushan-pass", "day": 0}]}, "stops[0].day", "days are numbered from 1"),
    ({"stops": [{"id": "loushan-pass", "day": 4}]}, "stops[0].day", "past the last day"),
    ({"locked_days": [5]}, "locked_days[0]", "past the last day"),
    # two pins that cannot share a day: Fanjingshan (6 h) and Huangguoshu (4 h) 400 km apart
    (
        {"stops": [{"id": "fanjingshan", "day": 1}, {"id": "huangguoshu-waterfall", "day": 1}]},
        "stops[1].day",
        "cannot share day 1",
    ),
    # an event that is not one of the site's (or any)
    ({"stops": [{"id": "sidu-chishui-memorial", "event": "zunyi-meeting"}]}, "stops[0].event", "is not an event at"),
    ({"stops": [{"id": "loushan-pass", "event": "no-such-event"}]}, "stops[0].event", "is not an event at"),
    # a lunch window that ends before it starts
    ({"lunch_window": ["13:30", "11:30"]}, "lunch_window", "not after its start"),
    ({"lunch_window": ["11:30"]}, "lunch_window", ""),
]


@pytest.mark.parametrize("change, field, words", BAD_PLAN_INPUTS)
def test_bad_pins_events_and_lunch_window_name_the_field(catalog, change, field, words):
    with pytest.raises(RequestError) as exc:
        request_from_dict(base(**change), file="req.json", catalog=catalog)
    assert exc.value.field == field
    assert words in str(exc.value)


@pytest.mark.parametrize("change, field, words", BAD_PLAN_INPUTS[:7])
def test_bad_pins_events_and_lunch_window_exit_2_in_the_cli(tmp_path, change, field, words):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    # the bundled catalog has every id used here
    f = write(tmp_path, base(**change))
    out = subprocess.run(
        [sys.executable, "-m", "planner", "plan", str(f)], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and field in lines[0] and words in lines[0], out.stderr
    assert "Traceback" not in out.stderr


def test_lock_day_needs_the_plan_it_comes_from(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    f = write(tmp_path, base())
    out = subprocess.run(
        [sys.executable, "-m", "planner", "plan", str(f), "--lock-day", "1"],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 2 and "--lock-day" in out.stderr and "previous" in out.stderr


def test_lock_day_from_a_previous_plan_in_the_cli(tmp_path):
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    doc = base(stops=[{"id": "zunyi-conference-site"}, {"id": "loushan-pass"}, {"id": "jiaxiu-tower"}],
               time_limit_s=1)
    f = write(tmp_path, doc)
    first = tmp_path / "first.json"
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "planner", "plan", *a], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert run(str(f), "-o", str(first)).returncode == 0
    p1 = load_plan(first)
    day2 = [v.id for v in p1.days[1].visits()]
    # add a stop and re-plan with day 2 locked: day 2 is unchanged
    doc["stops"].append({"id": "qingyan-ancient-town"})
    f2 = write(tmp_path, doc, "req2.json")
    second = tmp_path / "second.json"
    out = run(str(f2), "--lock-day", "2", "--previous", str(first), "-o", str(second))
    assert out.returncode == 0, out.stderr
    p2 = load_plan(second)
    assert [v.id for v in p2.days[1].visits()] == day2


def test_plan_from_dict_without_validation_reads_the_same_plan_and_still_refuses_a_broken_one():
    from planner.errors import RequestError
    from planner.plan import plan_from_dict, plan_to_dict

    good = plan_to_dict(plan_from_dict(sample_plan_dict()))
    assert plan_to_dict(plan_from_dict(good, validate=False)) == plan_to_dict(plan_from_dict(good))
    broken = dict(good)
    del broken["days"]
    with pytest.raises(RequestError):
        plan_from_dict(broken, validate=False)
