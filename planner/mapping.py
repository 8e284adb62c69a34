"""Folium maps of the catalog and of plans, built to work offline (no CDN, optional tiles)."""

from __future__ import annotations

import html
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from planner import paths
from planner.catalog import Spot
from planner.fileio import write_text_atomic

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
GUIZHOU_PREFECTURES = frozenset(
    ("Guiyang", "Zunyi", "Anshun", "Liupanshui", "Bijie", "Tongren", "Qiandongnan", "Qiannan", "Qianxinan")
)


def escape_html(text: object) -> str:
    """Text for HTML that folium places inside JavaScript template literals (popups, tooltips,
    icons): HTML-escaped, and the backtick, ``$`` and backslash made entities so the text can
    neither end the literal nor interpolate."""
    return (
        html.escape(str(text))
        .replace("`", "&#96;")
        .replace("$", "&#36;")
        .replace("\\", "&#92;")
    )


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
    e = escape_html
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
      new QWebChannel(qt.webChannelTransport, function(ch){
        q.bridge = ch.objects.bridge || null;
        if (q.map && q.bridge && q.bridge.mapClicked) {
          q.map.on('click', function(e){ q.bridge.mapClicked(e.latlng.lat, e.latlng.lng); });
        }
      });
    }
  };
})(window.qiantu);
"""


def _legend_html(categories: Sequence[Category], lang: str, title: str | None = None) -> str:
    e = escape_html
    head = f"<b>{e(title)}</b><br>" if title else ""
    items = "".join(f'<i style="background:{c.color}"></i>{e(c.label(lang))}<br>' for c in categories)
    return f'<div class="qt-legend">{head}{items}</div>'


def add_legend(m, html_text: str, position: str = "bottomright") -> None:
    """A Leaflet control holding ``html_text`` (already escaped)."""

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
            tooltip=folium.Tooltip(escape_html(spot.name(lang))),
        )
        marker.add_to(m)
        registrations.append(f"qiantu.register({m.get_name()}, {json.dumps(spot.id)}, {marker.get_name()}, {radius});")
    used.sort(key=CATEGORIES.index)
    add_legend(m, _legend_html(used, lang))
    tail = "\n".join(registrations)
    if selected:
        tail += f"\nqiantu.select({json.dumps(selected)}, true);"
    # Open on Guizhou; the corridor cities are a zoom-out away.
    focus = [s for s in spots if s.prefecture in GUIZHOU_PREFECTURES] or spots
    if focus:
        lats = [to_display(s.lat, s.lon, tiles) for s in focus]
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
    return write_text_atomic(path, text, make_folder=True)


# --- plans ----------------------------------------------------------------------------------------

# Day colours: distinct on screen and, with the day number drawn on every marker and in the
# legend, still readable when printed in black and white.
DAY_COLORS = (
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)


def day_color(index: int) -> str:
    """Colour of day ``index`` (0-based)."""
    return DAY_COLORS[index % len(DAY_COLORS)]


def _item_type(item: dict) -> str:
    return str(item.get("type") or item.get("kind") or "")


def _place_latlon(ref, catalog, plan: dict) -> tuple[float, float] | None:
    """Position of a plan place: a catalog id, or a custom place dict with lat/lon."""
    if isinstance(ref, dict):
        if "lat" in ref and "lon" in ref:
            return float(ref["lat"]), float(ref["lon"])
        ref = ref.get("id")
    if ref is None:
        return None
    if catalog is not None and ref in catalog:
        s = catalog.spots[ref]
        return s.lat, s.lon
    places = plan.get("places") or {}
    if isinstance(places, dict):
        place = places.get(ref)
        if isinstance(place, dict) and "lat" in place:
            return float(place["lat"]), float(place["lon"])
    else:
        for place in places:
            if isinstance(place, dict) and place.get("id") == ref and "lat" in place:
                return float(place["lat"]), float(place["lon"])
    return None


def _place_name(ref, catalog, lang: str, plan: dict | None = None) -> str:
    if isinstance(ref, dict):
        return str(ref.get("name") or ref.get("id") or "")
    places = (plan or {}).get("places") or {}
    if isinstance(places, dict) and isinstance(places.get(ref), dict) and places[ref].get("name"):
        return str(places[ref]["name"])
    if isinstance(ref, str) and ref.startswith("custom:"):
        return ref[len("custom:"):]
    if catalog is not None and ref in catalog:
        return catalog.spots[ref].name(lang)
    return str(ref)


def day_summary(day: dict) -> dict:
    """Drive, rail and visit minutes, km and stop count of one plan day."""
    drive = rail = visit = 0.0
    km = 0.0
    stops = 0
    for it in day.get("items", []):
        t = _item_type(it)
        if t == "travel":
            km += float(it.get("km") or 0)
            legs = it.get("legs") or []
            if legs:
                for leg in legs:
                    if leg.get("mode") == "rail":
                        rail += float(leg.get("minutes") or 0)
                    else:
                        drive += float(leg.get("minutes") or 0)
            elif it.get("mode") == "rail":
                rail += float(it.get("minutes") or 0)
            else:
                drive += float(it.get("minutes") or 0)
        elif t == "visit":
            stops += 1
            visit += _minutes_between(it.get("start"), it.get("end"))
    return {"drive_minutes": drive, "rail_minutes": rail, "visit_minutes": visit, "km": km, "stops": stops}


def _minutes_between(a: str | None, b: str | None) -> float:
    if not a or not b:
        return 0.0
    ha, ma = a.split(":")
    hb, mb = b.split(":")
    return (int(hb) * 60 + int(mb)) - (int(ha) * 60 + int(ma))


def _fmt_hours(minutes: float, lang: str) -> str:
    h = minutes / 60
    return f"{h:.1f} h" if lang == "en" else f"{h:.1f} 小时"


def plan_map(
    plan: dict,
    catalog=None,
    *,
    lang: str = "zh",
    tiles: str = "none",
    for_app: bool = False,
    day: int | None = None,
    numbered: bool = True,
):
    """A folium map of a plan: each day's route in its colour along the network path, numbered
    stops, overnight markers, a legend with the day totals.

    Parameters
    ----------
    plan : dict
        A plan as JSON (DESIGN.md "Plan").
    catalog : Catalog, optional
        For names and positions of visited places (the bundled catalog when None).
    day : int, optional
        Draw only this day (0-based) — the per-day maps of the printed itinerary.
    """
    import folium

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    en = lang == "en"
    e = escape_html
    m = base_map(tiles=tiles, lang=lang)
    m.get_root().header.add_child(folium.Element(_POPUP_CSS + _PLAN_CSS))
    m.get_root().header.add_child(folium.Element(f"<script>{_API_JS}{_PLAN_JS}</script>"))
    if for_app:
        m.get_root().header.add_child(
            folium.Element('<script src="qrc:///qtwebchannel/qwebchannel.js"></script>')
        )
    days = plan.get("days") or []
    bounds: list[tuple[float, float]] = []
    js: list[str] = [f"qiantu.map = {m.get_name()};"]
    stop_no = 0
    legend_rows = []
    overnight_nights: dict[str, list[int]] = {}
    for di, d in enumerate(days):
        if day is not None and di != day:
            continue
        color = day_color(di)
        group = folium.FeatureGroup(name=f"day-{di + 1}")
        group.add_to(m)
        js.append(f"qiantu.registerDay({di}, {group.get_name()});")
        for ii, it in enumerate(d.get("items", [])):
            t = _item_type(it)
            key = f"{di}:{ii}"
            if t == "travel":
                path = it.get("path") or []
                pts = [to_display(float(p[0]), float(p[1]), tiles) for p in path if len(p) >= 2]
                if len(pts) < 2:
                    a = _place_latlon(it.get("from"), catalog, plan)
                    b = _place_latlon(it.get("to"), catalog, plan)
                    pts = [to_display(*a, tiles), to_display(*b, tiles)] if a and b else []
                if len(pts) < 2:
                    continue
                bounds.extend(pts)
                rail = any(leg.get("mode") == "rail" for leg in it.get("legs") or []) or it.get("mode") == "rail"
                tip = (
                    f"{'Day' if en else '第'} {di + 1}{'' if en else ' 天'}: "
                    f"{_place_name(it.get('from'), catalog, lang)} → {_place_name(it.get('to'), catalog, lang)}, "
                    f"{it.get('depart', '')}–{it.get('arrive', '')}, {int(round(float(it.get('minutes') or 0)))} min"
                    + (" (rail)" if rail and en else (" （含高铁）" if rail else ""))
                )
                line = folium.PolyLine(
                    [list(p) for p in pts],
                    color=color,
                    weight=5,
                    opacity=0.85,
                    dash_array="8 6" if rail else None,
                    tooltip=e(tip),
                )
                line.add_to(group)
                js.append(f"qiantu.registerItem({json.dumps(key)}, {di}, {line.get_name()});")
            elif t == "visit":
                stop_no += 1
                pos = _place_latlon(it.get("id"), catalog, plan)
                if not pos:
                    continue
                lat, lon = to_display(*pos, tiles)
                bounds.append((lat, lon))
                name = _place_name(it.get("id"), catalog, lang)
                wait = int(it.get("wait_minutes") or 0)
                rows = [
                    ("Day" if en else "日程", f"{'Day' if en else '第'} {di + 1}{'' if en else ' 天'} · {d.get('date', '')}"),
                    ("Arrive" if en else "到达", it.get("arrive", "")),
                    ("Visit" if en else "游览", f"{it.get('start', '')}–{it.get('end', '')}"),
                ]
                if wait:
                    rows.append(("Wait" if en else "等待", f"{wait} min"))
                table = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows)
                popup = f'<div class="qt-popup"><b>{stop_no}. {e(name)}</b><table>{table}</table></div>'
                label = str(stop_no) if numbered else ""
                icon = folium.DivIcon(
                    html=f'<div class="qt-stop" style="background:{color}">{e(label)}</div>',
                    icon_size=(24, 24),
                    icon_anchor=(12, 12),
                    class_name="qt-stop-icon",
                )
                mk = folium.Marker([lat, lon], icon=icon, popup=folium.Popup(popup, max_width=300),
                                   tooltip=e(f"{stop_no}. {name}"))
                mk.add_to(group)
                js.append(f"qiantu.registerItem({json.dumps(key)}, {di}, {mk.get_name()}, {json.dumps(it.get('id'))});")
        ov = d.get("overnight")
        if ov and (di < len(days) - 1 or day is not None):
            overnight_nights.setdefault(json.dumps(ov, sort_keys=True, ensure_ascii=False), []).append(di + 1)
        s = day_summary(d)
        parts = [
            f"{'Day' if en else '第'} {di + 1}{'' if en else ' 天'}",
            str(d.get("date", "")),
            ((f"{s['stops']} stop" + ("" if s["stops"] == 1 else "s")) if en else f"{s['stops']} 处"),
            (f"drive {_fmt_hours(s['drive_minutes'], lang)}" if en else f"驾车 {_fmt_hours(s['drive_minutes'], lang)}"),
        ]
        if s["rail_minutes"]:
            parts.append(f"rail {_fmt_hours(s['rail_minutes'], lang)}" if en else f"高铁 {_fmt_hours(s['rail_minutes'], lang)}")
        parts.append(f"{s['km']:.0f} km")
        legend_rows.append(
            f'<div class="qt-legend-day" data-day="{di}"><i style="background:{color}"></i>{e(" · ".join(parts))}</div>'
        )
    # Start and overnight places.
    if days:
        start = days[0].get("start") if day is None else days[day].get("start")
        pos = _place_latlon(start, catalog, plan)
        if pos:
            lat, lon = to_display(*pos, tiles)
            bounds.append((lat, lon))
            folium.Marker(
                [lat, lon],
                icon=folium.DivIcon(html='<div class="qt-start">★</div>', icon_size=(26, 26), icon_anchor=(13, 13),
                                    class_name="qt-start-icon"),
                tooltip=e(("Start: " if en else "出发：") + _place_name(start, catalog, lang)),
            ).add_to(m)
    for ov_key, nights in overnight_nights.items():
        ov = json.loads(ov_key)
        pos = _place_latlon(ov, catalog, plan)
        if not pos:
            continue
        lat, lon = to_display(*pos, tiles)
        bounds.append((lat, lon))
        nights_txt = ", ".join(str(n) for n in nights)
        tip = (f"Night {nights_txt}: " if en else f"第 {nights_txt} 晚：") + _place_name(ov, catalog, lang)
        mk = folium.Marker(
            [lat, lon],
            icon=folium.DivIcon(html=f'<div class="qt-night">H{e(nights_txt if len(nights) == 1 else "")}</div>',
                                icon_size=(28, 20), icon_anchor=(14, 24), class_name="qt-night-icon"),
            tooltip=e(tip),
            popup=folium.Popup(f'<div class="qt-popup"><b>{e(tip)}</b></div>', max_width=260),
        )
        mk.add_to(m)
        js.append(f"qiantu.overnights.push({mk.get_name()});")
    status = plan.get("status", "")
    title = plan.get("title") or ""
    head = e(title) + (f" <span class='qt-status'>({e(status)})</span>" if status else "")
    add_legend(m, f'<div class="qt-legend"><b>{head}</b>{"".join(legend_rows)}</div>', "topright")
    if bounds:
        m.fit_bounds(
            [[min(p[0] for p in bounds), min(p[1] for p in bounds)], [max(p[0] for p in bounds), max(p[1] for p in bounds)]],
            padding=(30, 30),
        )
    js.append("qiantu.connect();")
    add_script(m, "\n".join(js))
    return m


_PLAN_CSS = """<style>
.qt-stop{width:22px;height:22px;border-radius:11px;color:#fff;font:bold 12px/22px sans-serif;
  text-align:center;border:2px solid #fff;box-shadow:0 0 3px rgba(0,0,0,.6)}
.qt-stop.qt-hl{border-color:#ffd400;transform:scale(1.3)}
.qt-start{font:20px/26px sans-serif;color:#000;text-align:center;text-shadow:0 0 3px #fff}
.qt-night{background:#fff;border:2px solid #333;border-radius:3px;font:bold 11px/16px sans-serif;
  text-align:center;color:#333;padding:0 2px}
.qt-legend-day{white-space:nowrap;cursor:pointer}
.qt-legend-day.qt-hl{font-weight:bold}
.qt-status{font-weight:normal;color:#555}
</style>"""

_PLAN_JS = """
(function(q){
  q.days = {}; q.items = {}; q.overnights = []; q.highlighted = null;
  q.registerDay = function(i, group){ q.days[i] = group; };
  q.registerItem = function(key, day, layer, spotId){
    q.items[key] = {day: day, layer: layer, spot: spotId || null};
    layer.on('click', function(){ q.highlightItem(key); if (q.bridge && q.bridge.itemClicked) { q.bridge.itemClicked(key); } });
  };
  q.routeDays = function(){
    var out = [];
    Object.keys(q.days).forEach(function(d){
      var n = 0; q.days[d].eachLayer(function(l){ if (l instanceof L.Polyline) { n++; } });
      if (n > 0) { out.push(parseInt(d, 10)); }
    });
    return out;
  };
  q.lineCount = function(){
    var n = 0; Object.keys(q.days).forEach(function(d){ q.days[d].eachLayer(function(l){ if (l instanceof L.Polyline) { n++; } }); });
    return n;
  };
  q.stopCount = function(){
    var n = 0; Object.keys(q.items).forEach(function(k){ if (q.items[k].spot) { n++; } }); return n;
  };
  q._reset = function(){
    Object.keys(q.items).forEach(function(k){
      var l = q.items[k].layer;
      if (l.setStyle) { l.setStyle({weight: 5, opacity: 0.85}); }
      else if (l._icon) { var d = l._icon.querySelector('.qt-stop'); if (d) { d.classList.remove('qt-hl'); } }
    });
    document.querySelectorAll('.qt-legend-day').forEach(function(e){ e.classList.remove('qt-hl'); });
  };
  q.highlightDay = function(day){
    q._reset(); q.highlighted = 'day:' + day;
    var b = null;
    Object.keys(q.items).forEach(function(k){
      var it = q.items[k];
      if (it.layer.setStyle) { it.layer.setStyle(it.day === day ? {weight: 8, opacity: 1} : {weight: 3, opacity: 0.35}); }
      if (it.day === day) {
        var lb = it.layer.getBounds ? it.layer.getBounds() : L.latLngBounds([it.layer.getLatLng()]);
        b = b ? b.extend(lb) : L.latLngBounds(lb.getSouthWest(), lb.getNorthEast());
      }
    });
    document.querySelectorAll('.qt-legend-day[data-day="' + day + '"]').forEach(function(e){ e.classList.add('qt-hl'); });
    if (b && b.isValid()) { q.map.fitBounds(b, {padding: [40, 40]}); }
    return true;
  };
  q.highlightItem = function(key){
    var it = q.items[key]; if (!it) { return false; }
    q._reset(); q.highlighted = key;
    if (it.layer.setStyle) { it.layer.setStyle({weight: 9, opacity: 1}); it.layer.bringToFront(); }
    else if (it.layer._icon) { var d = it.layer._icon.querySelector('.qt-stop'); if (d) { d.classList.add('qt-hl'); } it.layer.openPopup(); }
    return true;
  };
})(window.qiantu);
"""
