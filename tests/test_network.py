"""The travel network: routes, matrices, data checks and calibration against published times."""

from __future__ import annotations

import csv
import shutil
import statistics

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import paths
from planner.catalog import Catalog
from planner.errors import DataError, UnknownPlaceError
from planner.geo import geodesic_km
from planner.network import FILES, Place, load_network

REGION_LAT = (18.0, 32.0)
REGION_LON = (97.0, 117.0)


@pytest.fixture(scope="module")
def net():
    return load_network()


def need(net, *ids):
    missing = [i for i in ids if i not in net and i not in net.catalog]
    if missing:
        print(f"skipping: not in the catalog yet: {', '.join(missing)}")
        pytest.skip(f"not in the catalog yet: {', '.join(missing)}")


def _places(net, n=12):
    """A fixed mix of hubs, stations and (where present) catalog spots."""
    ids = ["guiyang", "zunyi", "kaili", "anshun", "libo", "tongren", "guiyang-north-station", "guangzhou"]
    ids += [s.id for s in net.catalog if s.kind == "attraction"][: n - len(ids)]
    return ids


def test_guiyang_to_huangguoshu_by_road_about_two_hours(net):
    need(net, "huangguoshu-waterfall")
    r = net.route("guiyang", "huangguoshu-waterfall", "drive")
    assert 100 <= r.minutes <= 150
    assert 120 <= r.km <= 180
    assert {leg.mode for leg in r.legs} <= {"drive", "access"}
    assert not r.estimate


def test_guiyang_to_guangzhou_by_rail_four_hours_on_the_train(net):
    r = net.route("guiyang", "guangzhou", "drive+rail")
    rail = [leg for leg in r.legs if leg.mode == "rail"]
    assert rail, "expected a high-speed-rail leg"
    # About four hours on the train (the fastest G-train is 4 h 10 min); door to door adds the
    # drive to and from the stations and the boarding / alighting time.
    assert 220 <= r.minutes_in("rail") <= 280
    assert 240 <= r.minutes <= 390
    # about 6 h door to door against 11-12 h by road (published car times are 9-10 h): well under
    # two thirds of the drive, though not under half of it now that the expressway runs at 85 km/h
    assert r.minutes < net.route("guiyang", "guangzhou", "drive").minutes * 0.6
    assert [leg.mode for leg in r.legs].count("transfer") == 2


def test_drive_mode_never_uses_rail(net):
    r = net.route("guiyang", "guangzhou", "drive")
    assert {leg.mode for leg in r.legs} <= {"drive", "access", "estimate"}
    assert r.km > 700


@pytest.mark.parametrize("mode", ["drive", "drive+rail"])
def test_route_minutes_and_km_are_the_sum_of_its_legs(net, mode):
    ids = _places(net)
    for a in ids:
        for b in ids:
            r = net.route(a, b, mode)
            assert r.minutes == pytest.approx(sum(leg.minutes for leg in r.legs), abs=1e-6)
            assert r.km == pytest.approx(sum(leg.km for leg in r.legs), abs=1e-6)
            for prev, nxt in zip(r.legs, r.legs[1:]):
                assert prev.to_id == nxt.from_id


@pytest.mark.parametrize("mode", ["drive", "drive+rail"])
def test_matrix_equals_route_pair_by_pair(net, mode):
    places = _places(net) + [Place("hotel-x", "Hotel X", 26.58, 106.72)]
    calls = []
    m = net.matrix(places, mode, progress=lambda f, msg: calls.append(f))
    assert calls[-1] == pytest.approx(1.0)
    assert m.minutes.shape == (len(places), len(places))
    for i, a in enumerate(places):
        for j, b in enumerate(places):
            r = net.route(a, b, mode)
            assert m.minutes[i, j] == pytest.approx(r.minutes, abs=1e-6)
            assert m.km[i, j] == pytest.approx(r.km, abs=1e-6)


def test_matrix_can_be_cancelled(net):
    from planner.errors import Cancelled

    with pytest.raises(Cancelled):
        net.matrix(["guiyang", "zunyi"], cancelled=lambda: True)


@pytest.mark.parametrize("mode", ["drive", "drive+rail"])
def test_triangle_inequality_on_the_matrix(net, mode):
    m = net.matrix(_places(net, 16), mode).minutes
    n = len(m)
    assert np.all(np.diag(m) == 0)
    for k in range(n):
        # going through k is never quicker than the direct shortest path
        assert np.all(m <= m[:, [k]] + m[[k], :] + 1e-6)


def test_every_path_is_drawable_within_the_region(net):
    ids = _places(net)
    for a in ids:
        for b in ids:
            r = net.route(a, b, "drive+rail")
            assert r.points and all(len(p) == 2 for p in r.points)
            for lat, lon in r.points:
                assert REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1]
            if a != b:
                assert len(r.points) >= 2


def test_drawn_route_follows_the_road_not_a_straight_line(net):
    r = net.route("guiyang", "zunyi", "drive")
    assert len(r.points) >= 5


def test_custom_place_is_an_estimate(net):
    hotel = Place("my-hotel", "我的酒店", 26.60, 106.70)
    r = net.route(hotel, "zunyi")
    assert r.estimate
    assert r.legs[0].mode == "estimate"
    assert r.from_id == "my-hotel"
    assert not net.route("guiyang", "zunyi").estimate


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    lat=st.floats(24.7, 29.0),
    lon=st.floats(104.0, 109.3),
    mode=st.sampled_from(["drive", "drive+rail"]),
)
def test_any_point_in_guizhou_gets_a_sane_route(net, lat, lon, mode):
    p = Place("p", "p", lat, lon)
    r = net.route(p, "guiyang", mode)
    assert r.estimate
    straight = geodesic_km(lat, lon, *net.position("guiyang"))
    assert r.km >= straight * 0.99
    assert r.minutes > 0
    back = net.route("guiyang", p, mode)
    assert back.minutes == pytest.approx(r.minutes, rel=0.35)


def test_unknown_place_names_close_matches(net):
    with pytest.raises(UnknownPlaceError) as exc:
        net.route("guiyangg", "zunyi")
    assert "guiyang" in exc.value.suggestions


def test_names_are_accepted(net):
    need(net, "huangguoshu-waterfall")
    spot = net.catalog.get("huangguoshu-waterfall")
    by_name = net.route(spot.name_zh, "guiyang")
    assert by_name.from_id == "huangguoshu-waterfall"


def test_catalog_spot_without_access_row_is_joined_as_an_estimate(tmp_path):
    from planner.catalog import Spot

    spot = Spot(
        id="new-spot", name_zh="新景点", name_en="New Spot", kind="attraction", themes=("natural",),
        prefecture="Guiyang", lat=26.9, lon=106.5, source="test",
    )
    net = load_network(catalog=Catalog({"new-spot": spot}), directory=paths.network_dir())
    r = net.route("new-spot", "guiyang")
    assert r.estimate and r.minutes > 0


def _copy_network(tmp_path):
    d = tmp_path / "network"
    shutil.copytree(paths.network_dir(), d)
    return d


def _edit_row(path, row_index, field, value):
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
        cols = list(rows[0].keys())
    rows[row_index][field] = value
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.mark.parametrize(
    "table,field,value,words",
    [
        ("roads", "to", "nowhere-town", "unknown node id"),
        ("roads", "km", "-5", "negative"),
        ("roads", "class", "motorway", "road class"),
        ("roads", "km", "1", "shorter than the straight-line"),
        ("rail", "from", "guiyang", "not a station"),
        ("nodes", "lat", "abc", "not a number"),
    ],
)
def test_bad_network_row_names_file_row_and_field(tmp_path, table, field, value, words):
    d = _copy_network(tmp_path)
    path = d / FILES[table]
    _edit_row(path, 2, field, value)  # the third data row: line 4 of the file
    with pytest.raises(DataError) as exc:
        load_network(catalog=Catalog(), directory=d)
    err = exc.value
    assert err.file == str(path)
    assert err.row == 4
    assert err.field == field
    assert words in err.message


def test_links_are_never_shorter_than_the_straight_line(net):
    ratios = []
    for u, v, d in net.graph.edges(data=True):
        if d["mode"] not in ("drive", "rail", "access") or d["km"] == 0:
            continue
        a, b = net.graph.nodes[u], net.graph.nodes[v]
        g = geodesic_km(a["lat"], a["lon"], b["lat"], b["lon"])
        if g > 0.5:
            ratios.append(d["km"] / g)
            assert d["km"] >= g * 0.99, (u, v)
    q = np.percentile(ratios, [0, 10, 50, 90, 100])
    print("km / straight-line ratio: min %.2f p10 %.2f median %.2f p90 %.2f max %.2f" % tuple(q))


def _calibration_rows():
    from planner.network import calibration_table

    rows = calibration_table()
    for r in rows:
        if r["skip"]:
            print(f"skipped {r['from']} -> {r['to']}: {r['skip']}")
    return rows


def _summary(rows):
    errors = [abs(r["error"]) for r in rows]
    worst = max(rows, key=lambda r: abs(r["error"]))
    return statistics.median(errors), worst


def test_calibration_has_at_least_20_road_figures():
    road = [r for r in _calibration_rows() if r["used"] and r["mode"] == "drive"]
    if len(road) < 10:
        pytest.skip(f"only {len(road)} road calibration pairs present in the catalog")
    assert len(road) >= 20, f"only {len(road)} published door-to-door road figures are scored"


# GitHub issue 3 asks for median <= 10 % and none over 25 % on the ROAD figures alone. Met after the
# third pass (the Huishui-Luodian and Pingtang-Luodian expressways to Kedu instead of a corridor that
# does not exist, and the published 102 km Xiaobi-Majiang on the G60/G75): 21 figures, median ~9 %,
# worst Xijiang -> Guiyang ~+24 % (see docs/travel-times.md). Speeds are per road class, never per pair.
def test_calibration_road_only_thresholds():
    road = [r for r in _calibration_rows() if r["used"] and r["mode"] == "drive"]
    if len(road) < 10:
        pytest.skip(f"only {len(road)} road calibration pairs present in the catalog")
    median, worst = _summary(road)
    print(f"road-only calibration: {len(road)} pairs, median abs error {median:.1%}, worst {worst['error']:+.1%}")
    assert median <= 0.10
    assert abs(worst["error"]) <= 0.25, f"{worst['from']} -> {worst['to']} off by {worst['error']:+.0%}"


def test_calibration_rail_rows_reproduce_the_timetables():
    """Rail rows are mostly the figures the rail links were built from: a data-entry check."""
    rail = [r for r in _calibration_rows() if r["used"] and r["mode"] != "drive"]
    if not rail:
        pytest.skip("no rail calibration rows")
    median, worst = _summary(rail)
    print(f"rail calibration: {len(rail)} rows, median abs error {median:.1%}, worst {worst['error']:+.1%}")
    assert median <= 0.10
    assert abs(worst["error"]) <= 0.25, f"{worst['from']} -> {worst['to']} off by {worst['error']:+.0%}"


def test_road_km_in_sync_with_node_positions():
    """data/network/road_links.csv: every estimate km equals what tools/recompute_road_km.py gives
    from the current node (and catalog) positions, so no link is shorter than its straight line."""
    import importlib.util

    from planner.catalog import load_catalog

    tool = paths.data_dir().parent / "tools" / "recompute_road_km.py"
    if not tool.is_file():
        pytest.skip("tools/ not present (installed wheel)")
    spec = importlib.util.spec_from_file_location("recompute_road_km", tool)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = paths.network_dir()
    with open(d / FILES["roads"], encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    new, problems = mod.recompute(rows, mod.node_positions(d, load_catalog()))
    assert not problems, problems
    stale = [f"{a['from']}-{a['to']}: {a['km']} -> {b['km']}" for a, b in zip(rows, new) if a["km"] != b["km"]]
    assert not stale, "run python tools/recompute_road_km.py: " + "; ".join(stale[:5])


def test_junctions_say_where_their_position_comes_from():
    with open(paths.network_dir() / FILES["nodes"], encoding="utf-8", newline="") as fh:
        junctions = [r for r in csv.DictReader(fh) if r["kind"] == "junction"]
    assert junctions
    for r in junctions:
        src, note = r["source"], r["note"]
        assert (
            src.startswith("https://pypi.org/project/cpca")
            or src.startswith("catalog: ")
            or (src == "QianTu estimate" and note.startswith("estimate"))
        ), (r["id"], src)


def test_travel_cli_unknown_place_exit_2(capsys):
    from planner.cli import main

    assert main(["travel", "guiyang", "nowhere-at-all"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown place" in err


def test_travel_cli_json(capsys):
    import json

    from planner.cli import main

    assert main(["travel", "guiyang", "guangzhou", "--mode", "drive+rail", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["mode"] == "drive+rail" and "rail" in [leg["mode"] for leg in out["legs"]]
    assert out["path"][0] == "guiyang" and out["path"][-1] == "guangzhou"
