"""Red-tourism routes: Long March events, follow_history in the optimizer, presets, the route report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fake_network import FakeNetwork

from planner.catalog import load_catalog
from planner.cli import main
from planner.errors import DataError, RequestError
from planner.history import (
    history_precedence,
    load_events,
    pairs_out_of_order,
    red_sites_without_events,
    site_order,
)
from planner.optimize.trip import plan_trip
from planner.plan import plan_from_dict, plan_to_dict, save_plan
from planner.plan_check import validate_plan
from planner.report import format_report, report_map, route_report
from planner.request import request_from_dict
from planner.routes import list_routes, load_route

DATA = Path(__file__).resolve().parent / "data"
FAKE_CATALOG = load_catalog(DATA / "trip_catalog.csv")
FAKE_NETWORK = FakeNetwork(FAKE_CATALOG)

# Start in Tucheng (by the Four Crossings memorial), end in Guiyang: the free order sweeps
# Tucheng -> Loushan -> Zunyi on the way south, the reverse of the events of 1935.
TUCHENG_HOTEL = {"name": "Tucheng hotel", "lat": 28.27, "lon": 105.99}
RED3 = ["zunyi-conference-site", "loushan-pass", "sidu-chishui-memorial"]
# the memorial standing for one of its later events (南渡乌江, 31 March 1935): last of the three
LATE_MEMORIAL = {"sidu-chishui-memorial": "south-wujiang-crossing"}
RED3_STOPS = [{"id": s, **({"event": LATE_MEMORIAL[s]} if s in LATE_MEMORIAL else {})} for s in RED3]

EVENTS_HEADER = "id,date_start,date_end,name_zh,name_en,site_id,account_zh,account_en,source\n"


@pytest.fixture(scope="module")
def real():
    from planner.network import load_network

    catalog = load_catalog()
    return catalog, load_network(catalog)


def fake_req(stops, **kw):
    d = {"schema": "qiantu/request@1", "start": "guiyang", "days": 3, "stops": stops, "time_limit_s": 5}
    d.update(kw)
    return request_from_dict(d, catalog=FAKE_CATALOG)


def fake_plan(r):
    p = plan_trip(r, FAKE_CATALOG, FAKE_NETWORK)
    assert validate_plan(p, r, FAKE_NETWORK, FAKE_CATALOG) == []
    assert plan_from_dict(json.loads(json.dumps(plan_to_dict(p)))) == p
    return p


# ---------------------------------------------------------------------------- events


def test_events_are_dated_sorted_and_at_red_sites():
    catalog = load_catalog()
    events = load_events()
    assert len(events) >= 15
    assert [e.date_start for e in events] == sorted(e.date_start for e in events)
    assert events[0].site_id == "liping-conference-site" and events[0].date_start == "1934-12-14"
    for e in events:
        assert "red" in catalog.get(e.site_id).themes, e.id
        assert e.date_end >= e.date_start and e.source


def test_red_sites_without_events_are_the_museums_and_memorials():
    # These four tell the story but host no dated event of 1934-35: a modern museum, an
    # exhibition hall next to the Gouba site, the General Political Department's church and
    # the Women Red Army memorial. They are placed freely when follow_history is on.
    assert red_sites_without_events(load_catalog()) == [
        "long-march-digital-art-museum",
        "gouba-exhibition-hall",
        "red-army-general-political-dept",
        "women-red-army-memorial",
    ]


def test_site_order_is_the_order_of_first_events():
    catalog = load_catalog()
    key = site_order(catalog)
    assert sorted(key, key=key.get) == [
        "liping-conference-site",
        "houchang-conference-site",
        "wujiang-crossing",
        "huilongchang-crossing",
        "zunyi-conference-site",
        "qinggangpo-battlefield",
        "tucheng-crossing-monument",
        "sidu-chishui-memorial",
        "erlangtan-crossing",
        "loushan-pass",
        "hongjunshan-martyrs-cemetery",
        "gouba-conference-site",
        "maotai-crossing",
    ]
    # every pair of dated red stops, none for scenery or undated red sites; by default the
    # memorial stands for its first event (29 January), before Loushan (25 February)
    extra = ["huangguoshu-waterfall", "women-red-army-memorial"]
    assert history_precedence(RED3 + extra, catalog) == [
        ("zunyi-conference-site", "sidu-chishui-memorial"),
        ("zunyi-conference-site", "loushan-pass"),
        ("sidu-chishui-memorial", "loushan-pass"),
    ]
    pairs = history_precedence(RED3 + extra, catalog, chosen=LATE_MEMORIAL)
    assert pairs == [
        ("zunyi-conference-site", "loushan-pass"),
        ("zunyi-conference-site", "sidu-chishui-memorial"),
        ("loushan-pass", "sidu-chishui-memorial"),
    ]
    assert pairs_out_of_order(list(reversed(RED3)), pairs) == pairs


@pytest.mark.parametrize(
    "row, field, message",
    [
        ("x,1935-13-01,1935-01-02,a,b,zunyi-conference-site,,,s", "date_start", "is not a date"),
        ("x,1935-01-05,1935-01-02,a,b,zunyi-conference-site,,,s", "date_end", "before date_start"),
        ("x,1935/01/05,1935-01-05,a,b,zunyi-conference-site,,,s", "date_start", "is not a date"),
        ("x,1935-01-05,1935-01-05,a,b,zunyi-confrence-site,,,s", "site_id", "not a place in the catalog"),
        ("x,1935-01-05,1935-01-05,a,b,zunyi-conference-site,,,", "source", "is empty"),
        ("X Y,1935-01-05,1935-01-05,a,b,zunyi-conference-site,,,s", "id", "slug"),
    ],
)
def test_bad_events_name_file_row_and_field(tmp_path, row, field, message):
    f = tmp_path / "events.csv"
    good = "ok,1935-01-07,1935-01-07,占领遵义,Capture,zunyi-conference-site,,,src\n"
    f.write_text(EVENTS_HEADER + good + row + "\n", encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_events(f)
    assert exc.value.file == str(f) and exc.value.row == 3 and exc.value.field == field
    assert message in exc.value.message
    assert f"{f}:3" in exc.value.one_line()


def test_events_file_missing_column_and_duplicate(tmp_path):
    f = tmp_path / "events.csv"
    f.write_text("id,date_start,name_zh\nx,1935-01-01,a\n", encoding="utf-8")
    with pytest.raises(DataError, match="missing column"):
        load_events(f)
    row = "dup,1935-01-07,1935-01-07,a,b,zunyi-conference-site,,,s\n"
    f.write_text(EVENTS_HEADER + row + row, encoding="utf-8")
    with pytest.raises(DataError, match="duplicate id") as exc:
        load_events(f)
    assert exc.value.row == 3


# ---------------------------------------------------------------------------- the optimizer


def test_follow_history_is_a_real_constraint_when_the_free_order_breaks_it():
    stops = RED3_STOPS
    free = fake_plan(fake_req(stops, start=TUCHENG_HOTEL, end="guiyang"))
    kept = fake_plan(fake_req(stops, start=TUCHENG_HOTEL, end="guiyang", follow_history=True))
    pairs = history_precedence(RED3, FAKE_CATALOG, chosen=LATE_MEMORIAL)
    # the free optimum goes against history, the constrained one follows it and travels more
    assert free.order == list(reversed(RED3))
    assert pairs_out_of_order(free.order, pairs) == pairs
    assert kept.order == RED3
    assert kept.totals["travel_minutes"] > free.totals["travel_minutes"]
    assert kept.status == "optimal" and kept.solver["follow_history"] is True
    assert kept.solver["history"]["kept"] is True and kept.solver["history"]["order"] == RED3
    assert free.solver["follow_history"] is False and "history" not in free.solver


def test_follow_history_leaves_scenery_free_and_reports_undated_red_stops(real):
    catalog, network = real
    r = request_from_dict(
        {
            "schema": "qiantu/request@1",
            "start": "guiyang",
            "days": 3,
            "follow_history": True,
            "stops": [
                {"id": "loushan-pass"},
                {"id": "zunyi-conference-site"},
                {"id": "red-army-general-political-dept"},
                {"id": "qingyan-ancient-town"},
            ],
        },
        catalog=catalog,
    )
    p = plan_trip(r, catalog, network)
    assert validate_plan(p, r, network, catalog) == []
    assert p.order.index("zunyi-conference-site") < p.order.index("loushan-pass")
    assert p.solver["history"]["undated"] == ["red-army-general-political-dept"]
    assert any("red-army-general-political-dept" in w for w in p.warnings)


def test_follow_history_against_an_after_rule_is_a_request_error():
    r = fake_req(
        [{"id": "loushan-pass"}, {"id": "zunyi-conference-site", "after": ["loushan-pass"]}], follow_history=True
    )
    with pytest.raises(RequestError, match="follow_history") as exc:
        plan_trip(r, FAKE_CATALOG, FAKE_NETWORK)
    assert exc.value.field == "follow_history"


def test_full_long_march_preset_visits_red_sites_in_event_order(real):
    catalog, network = real
    r = load_route("long-march-guizhou", catalog)
    assert r.follow_history
    p = plan_trip(r, catalog, network)
    assert validate_plan(p, r, network, catalog) == []
    assert p.status != "infeasible" and not p.dropped
    first = {e.site_id: e.date_start for e in reversed(load_events())}  # earliest event per site
    dates = [first[s] for s in p.order if s in first]
    assert len(dates) == len(r.stops) == 13
    assert dates == sorted(dates)
    assert p.order[0] == "liping-conference-site" and p.order[-1] == "maotai-crossing"
    # the memorial at Tucheng stands for its first event (the first crossing, 29 Jan 1935):
    # after Qinggangpo (28 Jan), before Erlangtan (second crossing, Feb)
    pos = {s: i for i, s in enumerate(p.order)}
    assert pos["qinggangpo-battlefield"] < pos["sidu-chishui-memorial"] < pos["erlangtan-crossing"]
    assert p.solver["history"]["events"]["sidu-chishui-memorial"] == "tucheng-first-crossing-memorial"
    assert p.solver["history"]["kept"] is True
    # each night is within an hour of the next day's first visit, or the plan says why not
    # (and a nearer place to stay that costs no more travel is taken, not explained)
    for k, day in enumerate(p.days[:-1]):
        nxt = p.days[k + 1].visits()
        if not nxt:
            continue
        far = round(network.route(day.overnight, nxt[0].id).minutes)
        if far > 61:
            assert day.night_note and day.night_note["code"] in (
                "night_no_nearer_hotel", "night_nearer_does_not_fit", "night_more_travel"
            ), (k, far)
            assert day.night_note["params"].get("extra_minutes", 1) > 0
    assert p.days[-1].overnight == "guiyang" and p.days[-1].night_note is None


# ---------------------------------------------------------------------------- presets


@pytest.mark.parametrize("route_id", [r.id for r in list_routes()])
def test_each_preset_agrees_with_the_dated_events(route_id):
    """Every preset read against data/scenic_spots/long_march_events.csv: each named event is an
    event of its site (checked on load), and a preset that follows history lists its dated red
    stops in the order of the events they stand for (each site's first unless it names one)."""
    from planner.history import stop_events

    catalog = load_catalog()
    r = load_route(route_id, catalog)
    chosen = {s.id: s.event for s in r.stops if s.event}
    evs = stop_events([s.id for s in r.stops], catalog, chosen=chosen)
    for sid, ev in evs.items():
        assert ev.site_id == sid and (sid not in chosen or ev.id == chosen[sid])
    if r.follow_history:
        listed = [(evs[s.id].date_start, s.id) for s in r.stops if s.id in evs]
        assert [d for d, _ in listed] == sorted(d for d, _ in listed), listed


def test_the_memorial_stands_for_its_first_event_unless_the_request_names_another():
    base = [{"id": "zunyi-conference-site"}, {"id": "sidu-chishui-memorial"}, {"id": "loushan-pass"}]
    kw = dict(start=TUCHENG_HOTEL, end="guiyang", follow_history=True)
    by_default = fake_plan(fake_req(base, **kw))
    # the first crossing (29 January) comes before Loushan (25 February)
    assert by_default.order == ["zunyi-conference-site", "sidu-chishui-memorial", "loushan-pass"]
    assert by_default.solver["history"]["events"]["sidu-chishui-memorial"] == "tucheng-first-crossing-memorial"
    named = [dict(s, event="south-wujiang-crossing") if s["id"] == "sidu-chishui-memorial" else s for s in base]
    late = fake_plan(fake_req(named, **kw))
    assert late.order == RED3 and late.solver["history"]["events"]["sidu-chishui-memorial"] == "south-wujiang-crossing"


def test_presets_are_listed_with_title_and_source():
    routes = {r.id: r for r in list_routes()}
    assert {"zunyi-classic", "sidu-chishui", "long-march-guizhou", "red-and-scenery", "gz-gl-gy-km-rail"} <= set(routes)
    for r in routes.values():
        assert r.title and r.notes, r.id
        assert "designed for this catalog" in r.notes.lower() or "http" in r.notes
    rail = routes["gz-gl-gy-km-rail"]
    assert (rail.start, rail.end, rail.mode) == ("guangzhou", "kunming", "drive+rail")
    with pytest.raises(RequestError, match="did you mean: zunyi-classic"):
        load_route("zunyi-clasic")


@pytest.mark.parametrize("route_id", [r.id for r in list_routes() if r.id != "long-march-guizhou"])
def test_each_preset_plans(real, route_id):
    catalog, network = real
    r = load_route(route_id, catalog)
    p = plan_trip(r, catalog, network)
    assert p.status in ("optimal", "feasible")
    assert validate_plan(p, r, network, catalog) == []
    assert all(not d.must for d in p.dropped)
    if r.follow_history:
        assert p.solver["history"]["kept"] is True
    if r.mode == "drive+rail":
        assert p.days[0].start == "guangzhou" and p.days[-1].overnight == "kunming"
        assert any(leg["mode"] == "rail" for d in p.days for it in d.items for leg in (getattr(it, "legs", None) or []))


# ---------------------------------------------------------------------------- the report


def test_report_covered_missed_pairs_and_compare():
    r = fake_req(
        [{"id": "zunyi-conference-site"}, {"id": "sidu-chishui-memorial", "event": "south-wujiang-crossing"},
         {"id": "loushan-pass"}],
        start=TUCHENG_HOTEL,
        end="guiyang",
        follow_history=True,
    )
    p = fake_plan(r)
    rep = route_report(p, r, FAKE_CATALOG, compare=True, network=FAKE_NETWORK, events=load_events())
    assert [c["id"] for c in rep["red"]["covered"]] == RED3
    # the report says which event each visit was ordered by (the memorial: the one requested)
    by = {c["id"]: c["ordered_by"]["id"] for c in rep["red"]["covered"]}
    assert by == {"zunyi-conference-site": "capture-zunyi", "loushan-pass": "loushan-pass-battle",
                  "sidu-chishui-memorial": "south-wujiang-crossing"}
    assert "[1935-03-31 Recrossing the Wu River southward]" in format_report(rep, FAKE_CATALOG, "en")
    assert rep["red"]["missed"] == [] and rep["red"]["catalog_total"] == 3
    assert rep["history"]["follows"] and rep["history"]["out_of_order"] == []
    assert rep["time"]["drive_minutes"] == p.totals["travel_minutes"]
    assert rep["time"]["visit_minutes"] == p.totals["visit_minutes"]
    c = rep["compare"]
    assert c["given"]["order"] == RED3 and c["free"]["order"] == list(reversed(RED3))
    assert c["minutes_saved"] == p.totals["travel_minutes"] - c["free"]["travel_minutes"] > 60
    assert c["pairs_broken_by_free"] == 3 and c["given"]["out_of_order"] == 0
    text = format_report(rep, FAKE_CATALOG, "en")
    assert f"A free order saves {c['minutes_saved']} min" in text and "breaks 3 historical pair(s)" in text


def test_report_of_a_free_plan_lists_pairs_out_of_order_and_reasons():
    r = fake_req(
        [
            {"id": "sidu-chishui-memorial"},
            {"id": "zunyi-conference-site", "visit_minutes": 700, "open": "00:00", "close": "23:59"},
        ],
        start=TUCHENG_HOTEL,
        end="guiyang",
    )
    p = fake_plan(r)
    rep = route_report(p, r, FAKE_CATALOG, events=load_events())
    missed = {m["id"]: m for m in rep["red"]["missed"]}
    assert missed["loushan-pass"]["why"] == "not-requested" and missed["loushan-pass"]["reason"] == "not requested"
    assert missed["zunyi-conference-site"]["why"] == "dropped"
    assert missed["zunyi-conference-site"]["reason"] == p.dropped[0].reason and "more than the" in p.dropped[0].reason
    assert rep["compare"] is None

    # visiting Loushan (February) before Zunyi (January) is one pair out of order
    r2 = fake_req([{"id": "loushan-pass"}, {"id": "zunyi-conference-site", "after": ["loushan-pass"]}])
    rep2 = route_report(fake_plan(r2), r2, FAKE_CATALOG, events=load_events())
    assert not rep2["history"]["follows"]
    (pair,) = rep2["history"]["out_of_order"]
    assert pair["first"]["id"] == "zunyi-conference-site" and pair["first"]["date"] == "1935-01-07"
    assert pair["then"]["id"] == "loushan-pass" and pair["then"]["date"] == "1935-02-25"


def test_report_map_numbers_events_by_date(real):
    catalog, network = real
    r = load_route("zunyi-classic", catalog)
    p = plan_trip(r, catalog, network)
    from planner.mapping import map_data, render_html

    m = report_map(p, catalog, lang="en")
    page = render_html(m)
    n = len(load_events())
    events = map_data(m)["events"]
    assert "1·2" in [s["label"] for s in events["sites"]]  # Liping: events 1 and 2
    assert [r["number"] for r in events["legend"]["rows"]] == [str(k) for k in range(1, n + 1)]  # every event
    assert "Zunyi Conference" in page


# ---------------------------------------------------------------------------- the CLI


def test_cli_routes_and_report_exit_codes(real, tmp_path, capsys):
    catalog, network = real
    assert main(["routes"]) == 0
    out = capsys.readouterr().out
    assert "zunyi-classic" in out and "long-march-guizhou" in out
    assert main(["routes", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == len(list_routes())

    r = load_route("zunyi-classic", catalog)
    f = tmp_path / "plan.json"
    save_plan(plan_trip(r, catalog, network), f)
    assert main(["report", str(f), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "Red sites covered (4/" in out and "Follows the Long March order: yes" in out

    assert main(["report", str(tmp_path / "missing.json")]) == 2
    assert "file not found" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text("{", encoding="utf-8")
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err
    assert main(["report", str(f), "--pdf", str(tmp_path / "no" / "r.pdf")]) == 2
    assert not (tmp_path / "no").exists()
    with pytest.raises(SystemExit) as exc:
        main(["report", str(f), "--lang", "fr"])
    assert exc.value.code == 2


def test_report_pdf_in_both_languages(real, tmp_path, capsys):
    from pypdf import PdfReader

    from planner.report_pdf import export_report_pdf

    catalog, network = real
    r = load_route("zunyi-classic", catalog)
    p = plan_trip(r, catalog, network)
    rep = route_report(p, r, catalog, compare=True, network=network)
    f = tmp_path / "r.pdf"
    why = export_report_pdf(rep, p, f, catalog=catalog, lang="en", maps=False)
    assert why == "map turned off"
    text = " ".join(page.extract_text() for page in PdfReader(f).pages)
    for needle in (
        "Zunyi red classic",
        "Red sites covered",
        "Compared with a free order",
        "Zunyi Conference",
        "1935-01-07",
    ):
        assert needle in text, needle
    assert "(The map could not be drawn here: map turned off)" in text

    # the CLI: Chinese, with the map rendered in a subprocess when Qt can run here
    zh = tmp_path / "zh.pdf"
    src = tmp_path / "plan.json"
    save_plan(p, src)
    assert main(["report", str(src), "--pdf", str(zh), "--lang", "zh"]) == 0
    assert f"{zh}: PDF written" in capsys.readouterr().out
    reader = PdfReader(zh)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "遵义红色经典" in text and "长征在贵州大事记" in text
    assert not [x for x in tmp_path.iterdir() if x.name.startswith(".")]  # no temporary file left
