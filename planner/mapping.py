"""Folium maps of the catalog and of plans, built to work offline (no CDN, optional tiles)."""

from __future__ import annotations

import html
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence

from planner import paths
from planner.catalog import Spot

# Tile choices: "none" draws only the shipped outlines (works with no internet, the default);
# "osm" is OpenStreetMap (WGS-84); "gaode" is an AutoNavi-style Chinese provider in GCJ-02, for
# which every marker and line is shifted WGS-84 -> GCJ-02 so it sits on the right street.
TILES = ("none", "osm", "gaode")
TILE_LABELS = {
    "none": ("离线轮廓（无底图）", "Offline outlines (no tiles)"),
    "osm": ("OpenStreetMap 在线底图", "OpenStreetMap tiles (online)"),
    "gaode": ("高德风格在线底图（GCJ-02）", "AutoNavi-style tiles, GCJ-02 (online)"),
}
_GAODE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"

GUIZHOU_CENTER = (26.8, 106.8)


def add_script(m, code: str) -> None:
    """Append JavaScript that runs after the map (and everything added to it before) exists."""
    from branca.element import MacroElement
    from jinja2 import Template

    el = MacroElement()
    el._name = "QianTuScript"
    el._template = Template(
        "{% macro script(this, kwargs) %}{% raw %}" + code.replace("{% endraw %}", "") + "{% endraw %}{% endmacro %}"
    )
    m.add_child(el)


@dataclass(frozen=True)
class Category:
    """A marker colour class shown in the legend."""

    key: str
    color: str
    label_zh: str
    label_en: str
    themes: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


# Order matters: a spot takes the first category any of its themes belongs to, so a Long March
# memorial in a karst valley is drawn red, a Miao village with a waterfall is drawn as ethnic.
CATEGORIES: tuple[Category, ...] = (
    Category("red", "#c0392b", "红色旅游（长征）", "Red tourism (Long March)", ("red",)),
    Category("ethnic", "#8e44ad", "民族村寨", "Ethnic villages", ("ethnic",)),
    Category("water", "#1f77b4", "瀑布与河湖", "Waterfalls, rivers, lakes", ("waterfall", "river", "lake")),
    Category("karst", "#2e8b57", "喀斯特与山地", "Karst, caves, mountains",
             ("karst", "cave", "canyon", "mountain", "forest", "natural", "park")),
    Category("culture", "#d68910", "古镇与人文", "Old towns and culture",
             ("culture", "history", "town", "museum", "religion", "food")),
    Category("science", "#138d75", "科学", "Science", ("science",)),
    Category("city", "#2c3e50", "城市（可住宿）", "Cities (hotels)", ("city",)),
    Category("station", "#7f8c8d", "高铁站", "Rail stations", ("transport",)),
)
_FALLBACK = CATEGORIES[3]


def spot_category(spot: Spot) -> Category:
    """The legend category that colours ``spot``'s marker."""
    if spot.kind == "station":
        return CATEGORIES[-1]
    if spot.kind == "hub":
        return CATEGORIES[-2]
    for cat in CATEGORIES:
        if any(t in cat.themes for t in spot.themes):
            return cat
    return _FALLBACK


def to_display(lat: float, lon: float, tiles: str) -> tuple[float, float]:
    """WGS-84 data -> the coordinates the chosen tiles expect (GCJ-02 for the Chinese provider)."""
    if tiles == "gaode":
        from planner.geo import wgs84_to_gcj02

        return wgs84_to_gcj02(lat, lon)
    return lat, lon


@lru_cache(maxsize=1)
def _outlines() -> dict | None:
    p = paths.assets_dir() / "outlines.geojson"
    if not p.is_file():
        return None
    with open(p, encoding="utf-8") as fh:
        return json.load(fh)


def _shift_geojson(gj: dict, tiles: str) -> dict:
    if tiles != "gaode":
        return gj

    def conv(coords):
        if coords and isinstance(coords[0], (int, float)):
            lat, lon = to_display(coords[1], coords[0], tiles)
            return [lon, lat]
        return [conv(c) for c in coords]

    out = {"type": "FeatureCollection", "features": []}
    for f in gj.get("features", []):
        g = dict(f["geometry"])
        g["coordinates"] = conv(g["coordinates"])
        out["features"].append({**f, "geometry": g})
    return out


def base_map(
    *,
    center: tuple[float, float] = GUIZHOU_CENTER,
    zoom: int = 7,
    tiles: str = "none",
    lang: str = "zh",
):
    """An empty folium map with the offline outlines and, optionally, online tiles."""
    import folium

    if tiles not in TILES:
        raise ValueError(f"unknown tiles '{tiles}' (choose from {', '.join(TILES)})")
    m = folium.Map(
        location=list(to_display(*center, tiles)),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # A light background so the outline-only map reads as land, not as an unloaded page.
    m.get_root().header.add_child(
        folium.Element("<style>.leaflet-container{background:#eef3f6;}</style>")
    )
    if tiles == "osm":
        folium.TileLayer(
            tiles=_OSM_URL,
            attr="&copy; OpenStreetMap contributors",
            name="OpenStreetMap",
            max_zoom=19,
        ).add_to(m)
    elif tiles == "gaode":
        folium.TileLayer(
            tiles=_GAODE_URL,
            attr="&copy; AutoNavi",
            name="AutoNavi",
            subdomains="1234",
            max_zoom=18,
        ).add_to(m)
    gj = _outlines()
    if gj is not None:
        name_key = "name_en" if lang == "en" else "name_zh"
        fill = tiles == "none"
        folium.GeoJson(
            _shift_geojson(gj, tiles),
            name="outlines",
            style_function=lambda f, fill=fill: {
                "color": "#7b8a97" if f["properties"].get("level") == "prefecture" else "#4d5b66",
                "weight": 1 if f["properties"].get("level") == "prefecture" else 2,
                "fillColor": "#fbfaf5" if f["properties"].get("level") == "prefecture" else "#f1efe6",
                "fillOpacity": 1.0 if fill else 0.0,
                "interactive": False,
            },
            tooltip=None,
            control=False,
            smooth_factor=1.0,
        ).add_to(m)
        _add_outline_labels(m, gj, name_key, tiles)
    return m


def _add_outline_labels(m, gj: dict, name_key: str, tiles: str) -> None:
    """Prefecture names as faint labels at each polygon's bounding-box centre."""
    import folium

    labels = []
    for f in gj.get("features", []):
        props = f.get("properties", {})
        name = props.get(name_key) or props.get("name_zh") or ""
        pt = props.get("label_point")
        if not pt:
            pt = _bbox_center(f["geometry"]["coordinates"])
        if not name or not pt:
            continue
        lat, lon = to_display(pt[1], pt[0], tiles)
        labels.append({"name": name, "lat": lat, "lon": lon, "level": props.get("level", "")})
    script = f"""
    (function(){{
      var labels = {json.dumps(labels, ensure_ascii=False)};
      labels.forEach(function(l){{
        L.marker([l.lat, l.lon], {{interactive:false, keyboard:false,
          icon: L.divIcon({{className:'qt-area-label qt-area-' + l.level,
                           html: l.name.replace(/[&<>]/g, function(c){{return {{'&':'&amp;','<':'&lt;','>':'&gt;'}}[c];}}),
                           iconSize:[120,16], iconAnchor:[60,8]}})}}).addTo({m.get_name()});
      }});
    }})();
    """
    m.get_root().header.add_child(
        folium.Element(
            "<style>.qt-area-label{color:#8a96a0;font:12px sans-serif;text-align:center;white-space:nowrap;"
            "pointer-events:none}.qt-area-province{font-size:14px;color:#6b7780;font-weight:bold}</style>"
        )
    )
    add_script(m, script)


def _bbox_center(coords) -> tuple[float, float] | None:
    xs: list[float] = []
    ys: list[float] = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for cc in c:
                walk(cc)

    walk(coords)
    if not xs:
        return None
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def popup_html(spot: Spot, lang: str = "zh", *, add_button: bool = False) -> str:
    """The popup of a spot: both names, level, hours, closures, ticket — all escaped."""
    en = lang == "en"
    e = html.escape
    primary, secondary = (spot.name_en, spot.name_zh) if en else (spot.name_zh, spot.name_en)
    rows = []
    if spot.level:
        rows.append((("Level" if en else "等级"), spot.level))
    hours = spot.hours_text()
    if hours:
        rows.append((("Hours" if en else "开放时间"), hours))
    if spot.closed_weekdays:
        names = WEEKDAYS_EN if en else WEEKDAYS_ZH
        rows.append((("Closed" if en else "闭馆"), ", ".join(names[d - 1] for d in spot.closed_weekdays)))
    if spot.kind == "attraction":
        if spot.ticket_cny is None:
            price = "—"
        elif spot.ticket_cny == 0:
            price = "free" if en else "免费"
        else:
            price = f"¥{spot.ticket_cny:g}"
        rows.append((("Ticket" if en else "门票"), price))
        if spot.visit_minutes:
            h = spot.visit_minutes / 60
            rows.append((("Visit" if en else "游览"), f"{h:g} h" if en else f"{h:g} 小时"))
    table = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in rows)
    summary = spot.summary(lang)
    button = ""
    if add_button:
        label = "Add to trip" if en else "加入行程"
        button = (
            f'<button class="qt-add" onclick="qiantu.addToTrip({e(json.dumps(spot.id))})">{e(label)}</button>'
        )
    return (
        f'<div class="qt-popup"><b>{e(primary)}</b><br><span class="qt-sub">{e(secondary)}</span>'
        f"<table>{table}</table>"
        + (f'<div class="qt-summary">{e(summary)}</div>' if summary else "")
        + button
        + "</div>"
    )


WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_POPUP_CSS = """<style>
.qt-popup{font:13px sans-serif;min-width:180px}
.qt-popup .qt-sub{color:#666}
.qt-popup table{margin-top:4px;border-collapse:collapse}
.qt-popup th{text-align:left;padding-right:8px;color:#555;font-weight:normal}
.qt-popup .qt-summary{margin-top:4px;color:#333;max-width:260px}
.qt-popup .qt-add{margin-top:6px}
.qt-legend{background:rgba(255,255,255,.92);padding:6px 8px;font:12px sans-serif;
  border-radius:4px;box-shadow:0 0 4px rgba(0,0,0,.3);line-height:18px}
.qt-legend i{display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:6px;
  vertical-align:-2px;border:1px solid rgba(0,0,0,.35)}
</style>"""

# The page's small JavaScript API: the desktop app and the tests talk to the map through it.
_API_JS = """
window.qiantu = window.qiantu || {};
(function(q){
  q.markers = q.markers || {};
  q.hidden = q.hidden || {};
  q.selected = null;
  q.bridge = null;
  q.register = function(map, id, layer, baseRadius){
    q.map = map;
    layer.qtId = id; layer.qtRadius = baseRadius;
    q.markers[id] = layer;
    layer.on('click', function(){ q.select(id, false); if (q.bridge) { q.bridge.spotClicked(id); } });
  };
  q.ids = function(){ return Object.keys(q.markers); };
  q.visibleIds = function(){
    return Object.keys(q.markers).filter(function(id){ return q.map.hasLayer(q.markers[id]); });
  };
  q.visibleCount = function(){ return q.visibleIds().length; };
  q.setVisible = function(ids){
    var keep = {}; ids.forEach(function(id){ keep[id] = true; });
    Object.keys(q.markers).forEach(function(id){
      var m = q.markers[id];
      if (keep[id]) { if (!q.map.hasLayer(m)) { m.addTo(q.map); } }
      else if (q.map.hasLayer(m)) { q.map.removeLayer(m); }
    });
    return q.visibleCount();
  };
  q.select = function(id, pan){
    if (q.selected && q.markers[q.selected]) {
      var old = q.markers[q.selected];
      old.setStyle({weight: 1, color: '#333'}); old.setRadius(old.qtRadius);
    }
    q.selected = null;
    var m = q.markers[id];
    if (!m) { return false; }
    if (!q.map.hasLayer(m)) { m.addTo(q.map); }
    m.setStyle({weight: 4, color: '#ffd400'}); m.setRadius(m.qtRadius + 5); m.bringToFront();
    q.selected = id;
    if (pan !== false) { q.map.panTo(m.getLatLng()); m.openPopup(); }
    return true;
  };
  q.addToTrip = function(id){ if (q.bridge && q.bridge.addToTrip) { q.bridge.addToTrip(id); } };
  q.connect = function(){
    if (typeof qt !== 'undefined' && qt.webChannelTransport && typeof QWebChannel !== 'undefined') {
      new QWebChannel(qt.webChannelTransport, function(ch){ q.bridge = ch.objects.bridge || null; });
    }
  };
})(window.qiantu);
"""


def _legend_html(categories: Sequence[Category], lang: str, title: str | None = None) -> str:
    e = html.escape
    head = f"<b>{e(title)}</b><br>" if title else ""
    items = "".join(f'<i style="background:{c.color}"></i>{e(c.label(lang))}<br>' for c in categories)
    return f'<div class="qt-legend">{head}{items}</div>'


def add_legend(m, html_text: str, position: str = "bottomright") -> None:
    """A Leaflet control holding ``html_text`` (already escaped)."""
    import folium

    script = f"""
    (function(){{
      var legend = L.control({{position: {json.dumps(position)}}});
      legend.onAdd = function(){{ var d = L.DomUtil.create('div'); d.innerHTML = {json.dumps(html_text)};
        L.DomEvent.disableClickPropagation(d); return d.firstChild; }};
      legend.addTo({m.get_name()});
    }})();
    """
    add_script(m, script)


def catalog_map(
    spots: Iterable[Spot],
    *,
    lang: str = "zh",
    tiles: str = "none",
    for_app: bool = False,
    selected: str | None = None,
):
    """A folium map with one circle marker per spot, coloured by theme, with a legend.

    Parameters
    ----------
    spots : iterable of Spot
        The places to draw (the app draws the whole catalog and hides the filtered-out ones).
    lang : {"zh", "en"}
        Language of popups and legend.
    tiles : {"none", "osm", "gaode"}
        Background; "none" works offline.
    for_app : bool
        Connect clicks to the desktop app through Qt's WebChannel and show "add to trip" buttons.
    selected : str, optional
        A spot id to highlight.
    """
    import folium

    spots = list(spots)
    m = base_map(tiles=tiles, lang=lang)
    m.get_root().header.add_child(folium.Element(_POPUP_CSS))
    m.get_root().header.add_child(folium.Element(f"<script>{_API_JS}</script>"))
    if for_app:
        m.get_root().header.add_child(
            folium.Element('<script src="qrc:///qtwebchannel/qwebchannel.js"></script>')
        )
    used: list[Category] = []
    registrations = []
    for spot in spots:
        cat = spot_category(spot)
        if cat not in used:
            used.append(cat)
        radius = 7 if spot.kind == "attraction" else (6 if spot.kind == "hub" else 4)
        if spot.level == "5A":
            radius += 2
        lat, lon = to_display(spot.lat, spot.lon, tiles)
        marker = folium.CircleMarker(
            location=[lat, lon],
            radius=radius,
            color="#333",
            weight=1,
            fill=True,
            fill_color=cat.color,
            fill_opacity=0.9,
            popup=folium.Popup(popup_html(spot, lang, add_button=for_app and spot.kind != "station"), max_width=320),
            tooltip=folium.Tooltip(html.escape(spot.name(lang))),
        )
        marker.add_to(m)
        registrations.append(f"qiantu.register({m.get_name()}, {json.dumps(spot.id)}, {marker.get_name()}, {radius});")
    used.sort(key=CATEGORIES.index)
    add_legend(m, _legend_html(used, lang))
    tail = "\n".join(registrations)
    if selected:
        tail += f"\nqiantu.select({json.dumps(selected)}, true);"
    if spots:
        lats = [to_display(s.lat, s.lon, tiles) for s in spots]
        south = min(p[0] for p in lats)
        north = max(p[0] for p in lats)
        west = min(p[1] for p in lats)
        east = max(p[1] for p in lats)
        m.fit_bounds([[south, west], [north, east]], padding=(20, 20))
    tail += "\nqiantu.connect();"
    add_script(m, tail)
    return m


def render_html(m, *, inline: bool = False) -> str:
    """The map as an HTML page whose scripts and styles come from the package, not a CDN.

    ``inline=True`` embeds them, giving one self-contained file (for the HTML export).
    """
    from planner import offline

    offline.make_offline(m)
    page = m.get_root().render()
    if inline:
        page = offline.inline_assets(page)
    return page


def save_html(m, path: Path | str, *, inline: bool = False) -> Path:
    """Write the map page atomically (temporary file, then rename)."""
    path = Path(path)
    text = render_html(m, inline=inline)
    return write_text_atomic(path, text)


def write_text_atomic(path: Path | str, text: str) -> Path:
    """Write ``text`` to ``path`` via a temporary file in the same folder, then rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + path.name + ".", suffix=".tmp", dir=str(path.parent))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path
