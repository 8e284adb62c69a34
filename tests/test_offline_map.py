"""The map works with no internet: shipped Leaflet/jQuery, no CDN links, and the outlines GeoJSON."""

from __future__ import annotations

import json
import os
import re

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

import folium  # noqa: E402
import pytest  # noqa: E402
from branca.element import MacroElement, Template  # noqa: E402

from planner.offline import (  # noqa: E402
    OFFLINE_CSS,
    OFFLINE_JS,
    external_resources,
    inline_assets,
    make_offline,
)
from planner.paths import assets_dir  # noqa: E402

ASSETS = assets_dir()
OUTLINES = ASSETS / "outlines.geojson"

PLACES = [
    ("甲秀楼", 26.5786, 106.7163),
    ("遵义会议会址", 27.6949, 106.9281),
    ("黄果树瀑布", 25.9920, 105.6660),
    ("西江千户苗寨", 26.4970, 108.1750),
]

LEGEND = """
{% macro html(this, kwargs) %}
<div id="qiantu-legend" style="position: fixed; bottom: 20px; left: 20px; z-index: 9999;
     background: white; padding: 6px; font-size: 12px;">
  <b>图例</b><br><span style="color:#c0392b">&#9679;</span> 景点
</div>
{% endmacro %}
"""


def build_map(tiles: str | None = None, outlines: bool = True) -> folium.Map:
    """A map like the ones QianTu draws: circle markers with popups, a line, GeoJSON, a legend."""
    m = folium.Map(location=[26.8, 106.8], zoom_start=7, tiles=tiles)
    if outlines:
        folium.GeoJson(
            json.loads(OUTLINES.read_text(encoding="utf-8")),
            name="outlines",
            style_function=lambda f: {"color": "#555", "weight": 1, "fillOpacity": 0.05},
            tooltip=folium.GeoJsonTooltip(fields=["name_zh"]),
        ).add_to(m)
    for name, lat, lon in PLACES:
        folium.CircleMarker(
            [lat, lon], radius=6, color="#c0392b", fill=True, popup=folium.Popup(f"<b>{name}</b>", max_width=240),
            tooltip=name,
        ).add_to(m)
    folium.PolyLine([[lat, lon] for _n, lat, lon in PLACES], color="#2980b9", weight=3).add_to(m)
    legend = MacroElement()
    legend._template = Template(LEGEND)
    m.get_root().add_child(legend)
    return m


def outline_features() -> list[dict]:
    return json.loads(OUTLINES.read_text(encoding="utf-8"))["features"]


# --------------------------------------------------------------------------- assets on disk


def test_shipped_assets_exist_and_are_small():
    for _name, rel in (*OFFLINE_JS, *OFFLINE_CSS):
        assert (ASSETS / rel).is_file(), rel
    for name in ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png", "layers.png", "layers-2x.png"):
        assert (ASSETS / "leaflet" / "images" / name).is_file(), name
    assert (ASSETS / "leaflet" / "LICENSE").is_file()
    assert (ASSETS / "jquery" / "LICENSE.txt").is_file()
    assert (ASSETS / "README.md").is_file()
    assert "1.9.4" in (ASSETS / "leaflet" / "leaflet.js").read_text(encoding="utf-8")[:200]
    assert "v3.7.1" in (ASSETS / "jquery" / "jquery.min.js").read_text(encoding="utf-8")[:200]
    total = sum(p.stat().st_size for p in ASSETS.rglob("*") if p.is_file())
    assert total < 2 * 1024 * 1024, total
    assert not list(ASSETS.rglob("*.map")), "no source maps"


# --------------------------------------------------------------------------- rendered HTML


def _src_urls(html: str) -> list[str]:
    return re.findall(r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"']([^\"']+)", html, flags=re.IGNORECASE)


def test_offline_html_has_no_network_urls():
    m = make_offline(build_map())
    html = m.get_root().render()
    assert external_resources(html) == []
    urls = _src_urls(html)
    assert urls, "the page still loads the shipped files"
    assert all(u.startswith("file://") for u in urls), urls
    assert sorted(u.rsplit("/", 2)[-2] + "/" + u.rsplit("/", 1)[-1] for u in urls) == sorted(
        rel for _n, rel in (*OFFLINE_JS, *OFFLINE_CSS)
    )
    # No tile layer was asked for, so no tile URL either.
    assert "http://" not in html and "https://" not in html


def test_cdn_map_is_what_folium_gives_by_default():
    html = build_map(outlines=False).get_root().render()
    assert len(external_resources(html)) == 10  # leaflet, jquery, bootstrap, awesome-markers, fonts...


def test_make_offline_leaves_folium_defaults_alone():
    before_js, before_css = list(folium.Map.default_js), list(folium.Map.default_css)
    make_offline(build_map(outlines=False))
    assert folium.Map.default_js == before_js
    assert folium.Map.default_css == before_css
    other = build_map(outlines=False).get_root().render()
    assert "cdn.jsdelivr.net/npm/leaflet" in other


def test_make_offline_after_a_render_removes_the_cdn_links():
    m = build_map(outlines=False)
    m.get_root().render()
    html = make_offline(m).get_root().render()
    assert external_resources(html) == []


def test_assets_url_prefix():
    html = make_offline(build_map(outlines=False), assets_url="assets/").get_root().render()
    assert sorted(_src_urls(html)) == sorted(f"assets/{rel}" for _n, rel in (*OFFLINE_JS, *OFFLINE_CSS))


def test_osm_tile_url_only_when_asked_for():
    html = make_offline(build_map(tiles="OpenStreetMap", outlines=False)).get_root().render()
    assert external_resources(html) == []  # scripts and styles still local
    assert "tile.openstreetmap.org" in html  # the tile layer itself is online by nature


def test_inline_assets_is_self_contained():
    html = inline_assets(make_offline(build_map()).get_root().render())
    assert _src_urls(html) == []
    assert not re.search(r"<link\b[^>]*\bhref=", html, flags=re.IGNORECASE)
    assert "file://" not in html
    assert "sourceMappingURL" not in html
    assert "url(images/" not in html  # CSS images became data: URIs
    assert html.count("data:image/png;base64,") >= 5
    assert external_resources(html) == []  # (the inlined libraries still mention URLs in comments)
    assert len(html.encode("utf-8")) < 2 * 1024 * 1024


def test_inline_assets_leaves_unknown_resources():
    html = '<script src="https://example.org/x.js"></script><link rel="stylesheet" href="y.css"/>'
    assert inline_assets(html) == html


# --------------------------------------------------------------------------- outlines GeoJSON


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def point_in_feature(lat: float, lon: float, feature: dict) -> bool:
    """Pure-Python point-in-polygon (even-odd rule, holes respected)."""
    geom = feature["geometry"]
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    for poly in polys:
        if _in_ring(lon, lat, poly[0]) and not any(_in_ring(lon, lat, hole) for hole in poly[1:]):
            return True
    return False


def containing(lat: float, lon: float, level: str) -> list[str]:
    return [
        f["properties"]["name_zh"]
        for f in outline_features()
        if f["properties"]["level"] == level and point_in_feature(lat, lon, f)
    ]


def test_outlines_file_shape():
    assert OUTLINES.stat().st_size < 1.5 * 1024 * 1024
    feats = outline_features()
    for f in feats:
        p = f["properties"]
        assert p["name_zh"] and p["name_en"]
        assert p["level"] in ("province", "prefecture")
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")
    provinces = {f["properties"]["name_en"] for f in feats if f["properties"]["level"] == "province"}
    assert {"Guizhou", "Guangxi", "Guangdong", "Yunnan", "Sichuan", "Chongqing", "Hunan"} <= provinces
    # WGS-84 lon/lat around south-west China.
    for f in feats:
        geom = f["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for poly in polys:
            for ring in poly:
                assert ring[0] == ring[-1]
                for lon, lat in ring:
                    assert 95 < lon < 120 and 15 < lat < 36


@pytest.mark.parametrize(
    ("lat", "lon", "province"),
    [
        (26.647, 106.630, "贵州"),  # Guiyang
        (27.706, 106.937, "贵州"),  # Zunyi
        (23.13, 113.26, "广东"),  # Guangzhou
        (25.04, 102.71, "云南"),  # Kunming
        (25.27, 110.29, "广西"),  # Guilin
        (30.66, 104.07, "四川"),  # Chengdu
        (29.56, 106.55, "重庆"),  # Chongqing
        (28.23, 112.94, "湖南"),  # Changsha
    ],
)
def test_city_falls_in_its_province(lat, lon, province):
    assert containing(lat, lon, "province") == [province]


@pytest.mark.parametrize(
    ("lat", "lon", "prefecture"),
    [(26.647, 106.630, "贵阳"), (27.706, 106.937, "遵义")],
)
def test_city_falls_in_its_prefecture(lat, lon, prefecture):
    if not any(f["properties"]["level"] == "prefecture" for f in outline_features()):
        pytest.skip("outlines.geojson has no prefecture features (no open prefecture-level source; see assets/README.md)")
    assert containing(lat, lon, "prefecture") == [prefecture]


# --------------------------------------------------------------------------- in a real browser, offline

QtWebEngineWidgets = pytest.importorskip("PySide6.QtWebEngineWidgets")
QtWebEngineCore = pytest.importorskip("PySide6.QtWebEngineCore")
from PySide6.QtCore import QCoreApplication, QEvent, QUrl  # noqa: E402


class _NetworkRecorder(QtWebEngineCore.QWebEngineUrlRequestInterceptor):
    """Records every request the page makes and blocks everything that would go to the network."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info) -> None:  # noqa: N802 - Qt name
        url = info.requestUrl()
        self.urls.append(url.toString())
        if url.scheme() not in ("file", "data", "qrc"):
            info.block(True)


@pytest.fixture
def offline_view(qtbot):
    recorder = _NetworkRecorder()
    profile = QtWebEngineCore.QWebEngineProfile.defaultProfile()
    profile.setUrlRequestInterceptor(recorder)
    view = QtWebEngineWidgets.QWebEngineView()
    view.resize(800, 600)
    view.show()
    yield view, recorder
    # Delete the page now, not at interpreter exit (Qt warns when a profile outlives its pages).
    view.close()
    view.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    profile.setUrlRequestInterceptor(None)


def _eval(qtbot, view, script: str):
    box: list = []
    view.page().runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return json.loads(box[0])


PROBE = """
(function () {
  var m = window[%s];
  var out = {L: typeof L, jq: typeof $, circles: 0, polygons: 0, lines: 0, legend: 0, svgPaths: 0};
  if (!m) { return JSON.stringify(out); }
  m.eachLayer(function (l) {
    if (l instanceof L.CircleMarker) { out.circles++; }
    else if (l instanceof L.Polygon) { out.polygons++; }
    else if (l instanceof L.Polyline) { out.lines++; }
  });
  out.legend = document.querySelectorAll('#qiantu-legend').length;
  out.svgPaths = document.querySelectorAll('path.leaflet-interactive').length;
  return JSON.stringify(out);
})()
"""

OPEN_POPUP = """
(function () {
  var m = window[%s], first = null;
  m.eachLayer(function (l) { if (!first && l instanceof L.CircleMarker) { first = l; } });
  first.fire('click');
  var c = document.querySelector('.leaflet-popup-content');
  return JSON.stringify(c ? c.textContent.trim() : null);
})()
"""


def _load_and_probe(qtbot, view, path, map_name: str) -> dict:
    with qtbot.waitSignal(view.loadFinished, timeout=30_000) as blocker:
        view.load(QUrl.fromLocalFile(str(path)))
    assert blocker.args == [True]
    qtbot.waitUntil(lambda: _eval(qtbot, view, PROBE % json.dumps(map_name))["svgPaths"] > 0, timeout=10_000)
    return _eval(qtbot, view, PROBE % json.dumps(map_name))


def _check_page(qtbot, view, path, m: folium.Map) -> None:
    probe = _load_and_probe(qtbot, view, path, m.get_name())
    assert probe["L"] == "object"
    assert probe["jq"] == "function"
    assert probe["circles"] == len(PLACES)
    assert probe["lines"] == 1
    assert probe["polygons"] == len(outline_features())
    assert probe["legend"] == 1
    assert probe["svgPaths"] >= len(PLACES) + 1 + len(outline_features())
    assert _eval(qtbot, view, OPEN_POPUP % json.dumps(m.get_name())) == PLACES[0][0]


def test_offline_page_draws_in_qwebengineview(qtbot, offline_view, tmp_path):
    view, recorder = offline_view
    m = make_offline(build_map())
    page = tmp_path / "map.html"
    m.save(str(page))
    _check_page(qtbot, view, page, m)
    network = [u for u in recorder.urls if not u.startswith(("file:", "data:", "qrc:"))]
    assert network == []


def test_inlined_page_draws_with_nothing_but_itself(qtbot, offline_view, tmp_path):
    view, recorder = offline_view
    m = make_offline(build_map())
    page = tmp_path / "export.html"
    page.write_text(inline_assets(m.get_root().render()), encoding="utf-8")
    _check_page(qtbot, view, page, m)
    assert [u for u in recorder.urls if not u.startswith("data:")] == [QUrl.fromLocalFile(str(page)).toString()]


# --------------------------------------------------------------------------- QianTu's own pages

QIANTU_PROBE = """JSON.stringify({
  L: typeof L, jq: typeof $, kind: qiantu.data && qiantu.data.kind,
  stops: qiantu.stopCount ? qiantu.stopCount() : 0, lines: qiantu.lineCount ? qiantu.lineCount() : 0,
  markers: Object.keys(qiantu.markers).length,
  outlines: document.querySelectorAll('path').length,
  labels: document.querySelectorAll('.qt-area-label').length,
  legendRows: document.querySelectorAll('.qt-legend i').length
})"""


@pytest.mark.parametrize("kind", ["catalog", "plan"])
def test_qiantu_page_draws_from_itself_alone(qtbot, offline_view, tmp_path, kind):
    """planner.mapping's inline page: Leaflet + qiantu.js + data, no jQuery, no other request."""
    from planner.catalog import load_catalog
    from planner.mapping import catalog_map, plan_map, render_html

    view, recorder = offline_view
    catalog = load_catalog()
    plan = json.loads((ASSETS.parents[1] / "tests" / "data" / "export_plan_5days.json").read_text(encoding="utf-8"))
    m = catalog_map(catalog) if kind == "catalog" else plan_map(plan, catalog)
    page = tmp_path / f"{kind}.html"
    page.write_text(render_html(m, inline=True), encoding="utf-8")
    with qtbot.waitSignal(view.loadFinished, timeout=30_000):
        view.load(QUrl.fromLocalFile(str(page)))
    qtbot.waitUntil(lambda: _eval(qtbot, view, "JSON.stringify(!!(window.qiantu && qiantu.map))"), timeout=10_000)
    probe = _eval(qtbot, view, QIANTU_PROBE)
    assert probe["L"] == "object" and probe["jq"] == "undefined" and probe["kind"] == kind
    features = len(outline_features())
    assert probe["labels"] == features
    if kind == "catalog":
        assert probe["markers"] == len(catalog)
        assert probe["outlines"] >= features + len(catalog)
        from planner.mapping import spot_category

        assert probe["legendRows"] == len({spot_category(s) for s in catalog.spots.values()})
    else:
        assert probe["stops"] == 12 and probe["lines"] == 17
        assert probe["legendRows"] == len(plan["days"])
    assert [u for u in recorder.urls if not u.startswith("data:")] == [QUrl.fromLocalFile(str(page)).toString()]


def test_qiantu_page_linked_mode_points_at_the_package_assets():
    """render_html(inline=False), for working on qiantu.js: every link is a shipped file."""
    from planner.catalog import load_catalog
    from planner.mapping import catalog_map, render_html

    page = render_html(catalog_map(load_catalog()), inline=False)
    assert external_resources(page) == []
    assert sorted(u.rsplit("/assets/", 1)[-1] for u in _src_urls(page)) == [
        "leaflet/leaflet.css", "leaflet/leaflet.js", "qiantu.css", "qiantu.js"]
    assert all(u.startswith("file://") and (ASSETS / u.rsplit("/assets/", 1)[-1]).is_file() for u in _src_urls(page))
