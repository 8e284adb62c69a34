"""Issue 12 item 2: the in-app map page gets no file or remote access it does not need, and the
WebChannel object answers only the map's four calls, with checked arguments."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtWebEngineCore import QWebEngineSettings  # noqa: E402

from planner.catalog import load_catalog  # noqa: E402
from planner.mapping import catalog_map, plan_map  # noqa: E402

Attr = QWebEngineSettings.WebAttribute
PLAN = __import__("pathlib").Path(__file__).resolve().parents[1] / "data" / "export_plan_5days.json"


def js(qtbot, view, expression):
    box: dict = {}
    view.page().runJavaScript(f"JSON.stringify({expression})", 0, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=10_000)
    return json.loads(box["v"]) if box["v"] else None


@pytest.fixture
def view(qtbot):
    from ui.map_view import MapView

    v = MapView()
    qtbot.addWidget(v)
    v.resize(700, 500)
    v.show()
    return v


def _show(qtbot, view, m):
    view.show_map(m)
    qtbot.waitUntil(lambda: view.ready, timeout=30_000)
    qtbot.waitUntil(lambda: js(qtbot, view, "window.qiantu && qiantu.bridge !== null"), timeout=10_000)


def test_bridge_ignores_unknown_ids_and_bad_coordinates(qtbot, view):
    catalog = load_catalog()
    _show(qtbot, view, catalog_map(catalog, for_app=True))
    got: dict[str, list] = {"spot": [], "add": [], "item": [], "click": []}
    view.spotClicked.connect(lambda s: got["spot"].append(s))
    view.addToTripRequested.connect(lambda s: got["add"].append(s))
    view.itemClicked.connect(lambda s: got["item"].append(s))
    view.mapClicked.connect(lambda a, b: got["click"].append((a, b)))
    bad = [
        "qiantu.bridge.spotClicked('no-such-spot')",
        "qiantu.bridge.spotClicked('')",
        "qiantu.bridge.spotClicked('x'.repeat(100000))",
        "qiantu.bridge.spotClicked({toString: function () { return 'huangguoshu-waterfall'; }})",
        "qiantu.bridge.addToTrip('../../etc/passwd')",
        "qiantu.bridge.addToTrip(12)",
        "qiantu.bridge.itemClicked('0:0')",  # a catalog page has no plan items
        "qiantu.bridge.mapClicked(NaN, 106.7)",
        "qiantu.bridge.mapClicked(26.5, Infinity)",
        "qiantu.bridge.mapClicked(91, 106.7)",
        "qiantu.bridge.mapClicked(26.5, -181)",
        "qiantu.bridge.mapClicked(45.0, 106.7)",  # finite, but far outside where QianTu plans
        "qiantu.bridge.mapClicked('26.5', '106.7; rm -rf /')",
    ]
    for call in bad:
        view.page().runJavaScript(call + ";")
    # Calls reach Python in order: once the valid last ones arrive, every bad one was handled.
    view.page().runJavaScript("qiantu.bridge.addToTrip('jiaxiu-tower'); qiantu.bridge.mapClicked(26.58, 106.71);")
    qtbot.waitUntil(lambda: bool(got["click"]), timeout=10_000)
    assert got["add"] == ["jiaxiu-tower"]
    assert got["spot"] == [] and got["item"] == []
    assert got["click"] == [(26.58, 106.71)]
    assert view.bridge.ignored == len(bad)
    # A marker click still reaches the app.
    view.page().runJavaScript("qiantu.markers['zunyi-conference-site'].fire('click');")
    qtbot.waitUntil(lambda: got["spot"] == ["zunyi-conference-site"], timeout=10_000)


def test_plan_page_accepts_its_own_item_keys_only(qtbot, view):
    plan = json.loads(PLAN.read_text(encoding="utf-8"))
    _show(qtbot, view, plan_map(plan, for_app=True))
    items: list[str] = []
    view.itemClicked.connect(items.append)
    view.page().runJavaScript("qiantu.bridge.itemClicked('99:0'); qiantu.bridge.itemClicked('0:1');")
    qtbot.waitUntil(lambda: bool(items), timeout=10_000)
    assert items == ["0:1"] and view.bridge.ignored == 1


def test_the_channel_publishes_only_the_four_map_calls(qtbot, view):
    _show(qtbot, view, catalog_map(load_catalog(), for_app=True))
    names = js(qtbot, view, "Object.keys(qiantu.bridge).filter(function (k) { return typeof qiantu.bridge[k] "
                            "=== 'function' || typeof qiantu.bridge[k] === 'object'; })")
    # QObject's own members (deleteLater, destroyed, objectName...) and QWebChannel's helpers are
    # on every published object; beyond those, only the map's slots.
    builtin = {"unwrapQObject", "unwrapProperties", "propertyUpdate", "signalEmitted", "deleteLater",
               "objectNameChanged", "destroyed", "__id__", "__objectSignals__", "__propertyCache__"}
    own = {n.split("(")[0] for n in names} - builtin
    assert own == {"spotClicked", "addToTrip", "itemClicked", "mapClicked"}
    # Of those built-ins, the one that could do harm is refused by QWebChannel for registered
    # objects: the bridge survives a deleteLater() from the page and keeps working.
    added: list[str] = []
    view.addToTripRequested.connect(added.append)
    view.page().runJavaScript("qiantu.bridge.deleteLater(); qiantu.bridge.objectName = 'x';")
    view.page().runJavaScript("qiantu.bridge.addToTrip('jiaxiu-tower');")
    qtbot.waitUntil(lambda: added == ["jiaxiu-tower"], timeout=10_000)
    qtbot.wait(200)  # a deferred delete would have run by now
    assert view.bridge is not None and view.bridge.parent() is view


def test_page_has_no_file_access_and_remote_only_with_online_tiles(qtbot, view, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret", encoding="utf-8")
    _show(qtbot, view, catalog_map(load_catalog(), for_app=True))
    s = view.settings()
    assert not s.testAttribute(Attr.LocalContentCanAccessFileUrls)
    assert not s.testAttribute(Attr.LocalContentCanAccessRemoteUrls)
    # The page's own folder holds only map pages; reading any file from the page fails.
    fetch = (
        "window.__read = 'pending'; fetch(URL).then(function (r) { return r.text(); })"
        ".then(function (t) { window.__read = t; }, function (e) { window.__read = 'blocked'; });"
    )
    view.page().runJavaScript(fetch.replace("URL", json.dumps(secret.as_uri())))
    qtbot.waitUntil(lambda: js(qtbot, view, "window.__read") != "pending", timeout=10_000)
    assert js(qtbot, view, "window.__read") == "blocked"
    # Online tiles: remote on (tile images), file access still off.
    _show(qtbot, view, catalog_map(load_catalog(), tiles="osm", for_app=True))
    assert s.testAttribute(Attr.LocalContentCanAccessRemoteUrls)
    assert not s.testAttribute(Attr.LocalContentCanAccessFileUrls)
    # Back to offline outlines: remote off again.
    _show(qtbot, view, catalog_map(load_catalog(), for_app=True))
    assert not s.testAttribute(Attr.LocalContentCanAccessRemoteUrls)
