"""What goes on the maps, as plain data: outlines, catalog markers, plan routes, events.

Every function here returns or fills JSON-ready dicts (strings, numbers, lists); ``qiantu.js`` draws
them. Text is left as it is (no HTML): the page shows it with ``textContent``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable

from planner.catalog import Spot
from planner.mapping.outlines import outline_data, outlines  # noqa: E402,F401  (re-exported)
from planner.mapping.page import base_map, frame, map_data
from planner.mapping.style import (
    CATEGORIES,
    GUIZHOU_PREFECTURES,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    Category,
    day_color,
    spot_category,
    to_display,
)

# --------------------------------------------------------------------------- the catalog


def spot_popup(spot: Spot, lang: str = "zh", *, add_button: bool = False) -> dict:
    """The popup of a spot as data: both names, level, hours, closures, ticket, summary."""
    en = lang == "en"
    primary, secondary = (spot.name_en, spot.name_zh) if en else (spot.name_zh, spot.name_en)
    rows: list[list[str]] = []
    if spot.level:
        rows.append(["Level" if en else "等级", str(spot.level)])
    hours = spot.hours_text()
    if hours:
        rows.append(["Hours" if en else "开放时间", str(hours)])
    if spot.closed_weekdays:
        names = WEEKDAYS_EN if en else WEEKDAYS_ZH
        rows.append(["Closed" if en else "闭馆", ", ".join(names[d - 1] for d in spot.closed_weekdays)])
    if spot.kind == "attraction":
        if spot.ticket_cny is None:
            price = "—"
        elif spot.ticket_cny == 0:
            price = "free" if en else "免费"
        else:
            price = f"¥{spot.ticket_cny:g}"
        rows.append(["Ticket" if en else "门票", price])
        if spot.visit_minutes:
            h = spot.visit_minutes / 60
            rows.append(["Visit" if en else "游览", f"{h:g} h" if en else f"{h:g} 小时"])
    popup: dict = {"title": str(primary or ""), "sub": str(secondary or ""), "rows": rows}
    summary = spot.summary(lang)
    if summary:
        popup["summary"] = str(summary)
    if add_button:
        popup["button"] = "Add to trip" if en else "加入行程"
    return popup


def _legend(categories: Iterable[Category], lang: str) -> dict:
    return {"position": "bottomright", "rows": [{"color": c.color, "text": c.label(lang)} for c in categories]}


def catalog_map(
    spots: Iterable[Spot],
    *,
    lang: str = "zh",
    tiles: str = "none",
    for_app: bool = False,
    selected: str | None = None,
):
    """A map with one circle marker per spot, coloured by theme, with a legend.

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
    spots = list(spots)
    m = base_map(tiles=tiles, lang=lang)
    data = map_data(m)
    used: list[Category] = []
    markers = []
    for spot in spots:
        cat = spot_category(spot)
        if cat not in used:
            used.append(cat)
        radius = 7 if spot.kind == "attraction" else (6 if spot.kind == "hub" else 4)
        if spot.level == "5A":
            radius += 2
        lat, lon = to_display(spot.lat, spot.lon, tiles)
        markers.append({
            "id": str(spot.id),
            "lat": lat,
            "lon": lon,
            "radius": radius,
            "color": cat.color,
            "tooltip": str(spot.name(lang)),
            "popup": spot_popup(spot, lang, add_button=for_app and spot.kind != "station"),
        })
    used.sort(key=CATEGORIES.index)
    data.update(kind="catalog", app=bool(for_app), spots=markers, legend=_legend(used, lang))
    if selected:
        data["selected"] = str(selected)
    # Open on Guizhou; the corridor cities are a zoom-out away.
    focus = [s for s in spots if s.prefecture in GUIZHOU_PREFECTURES] or spots
    if focus:
        frame(m, [to_display(s.lat, s.lon, tiles) for s in focus], padding_top_left=(20, 20),
              padding_bottom_right=(20, 20))
    return m


def known_ids(m) -> tuple[frozenset[str], frozenset[str]]:
    """The spot ids and plan item keys map ``m`` draws (what its page may report back)."""
    data = map_data(m)
    spots = {s["id"] for s in data.get("spots", [])}
    items = set()
    for d in data.get("days", []):
        for it in d.get("items", []):
            items.add(it["key"])
            if it.get("spot"):
                spots.add(it["spot"])
    return frozenset(spots), frozenset(items)


# --------------------------------------------------------------------------- plans


def _item_type(item: dict) -> str:
    return str(item.get("type") or item.get("kind") or "")


def _finite_pair(lat, lon) -> tuple[float, float] | None:
    try:
        a, b = float(lat), float(lon)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b) and -90 <= a <= 90 and -180 <= b <= 180):
        return None
    return a, b


def _place_latlon(ref, catalog, plan: dict) -> tuple[float, float] | None:
    """Position of a plan place: a catalog id, or a custom place dict with lat/lon."""
    if isinstance(ref, dict):
        if "lat" in ref and "lon" in ref:
            return _finite_pair(ref["lat"], ref["lon"])
        ref = ref.get("id")
    if ref is None or not isinstance(ref, str):
        return None
    if catalog is not None and ref in catalog:
        s = catalog.spots[ref]
        return s.lat, s.lon
    places = plan.get("places") or {}
    if isinstance(places, dict):
        place = places.get(ref)
        if isinstance(place, dict) and "lat" in place:
            return _finite_pair(place.get("lat"), place.get("lon"))
    elif isinstance(places, list):
        for place in places:
            if isinstance(place, dict) and place.get("id") == ref and "lat" in place:
                return _finite_pair(place.get("lat"), place.get("lon"))
    return None


def _place_name(ref, catalog, lang: str, plan: dict | None = None) -> str:
    from planner.domain import place_name

    return place_name(ref, catalog, lang, (plan or {}).get("places"))


_STATUS = {"optimal": ("最优", "optimal"), "feasible": ("可行", "feasible"), "infeasible": ("不可行", "infeasible"),
           "incomplete": ("时限内未找到完整方案", "no complete plan found in the time")}


def _status_text(status: str, lang: str) -> str:
    """The plan's status as the legend shows it, in ``lang``."""
    zh, en = _STATUS.get(status, (status, status))
    return en if lang == "en" else zh


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


def _day_label(di: int, en: bool) -> str:
    return f"Day {di + 1}" if en else f"第 {di + 1} 天"


def _travel_item(it: dict, key: str, di: int, catalog, plan: dict, lang: str, tiles: str) -> dict | None:
    en = lang == "en"
    pts = []
    for p in it.get("path") or []:
        if isinstance(p, (list, tuple)) and len(p) >= 2:
            pair = _finite_pair(p[0], p[1])
            if pair:
                pts.append(to_display(*pair, tiles))
    if len(pts) < 2:
        a = _place_latlon(it.get("from"), catalog, plan)
        b = _place_latlon(it.get("to"), catalog, plan)
        pts = [to_display(*a, tiles), to_display(*b, tiles)] if a and b else []
    if len(pts) < 2:
        return None
    rail = any(isinstance(leg, dict) and leg.get("mode") == "rail" for leg in it.get("legs") or []) \
        or it.get("mode") == "rail"
    tip = (
        f"{_day_label(di, en)}: "
        f"{_place_name(it.get('from'), catalog, lang, plan)} → {_place_name(it.get('to'), catalog, lang, plan)}, "
        f"{it.get('depart', '')}–{it.get('arrive', '')}, {int(round(float(it.get('minutes') or 0)))} min"
        + (" (rail)" if rail and en else (" （含高铁）" if rail else ""))
    )
    return {"type": "line", "key": key, "points": [list(p) for p in pts], "rail": bool(rail), "tooltip": tip}


def _holiday_name(d: dict, en: bool) -> str:
    """The public holiday or make-up working day a day's notes name (planner.stay), or ""."""
    for n in d.get("notes") or []:
        if not isinstance(n, dict) or n.get("code") not in ("holiday", "makeup_workday"):
            continue
        raw = n.get("params")
        p: dict = raw if isinstance(raw, dict) else {}
        name = str(p.get("name_en" if en else "name_zh") or p.get("name_zh") or "")
        if n["code"] == "makeup_workday" and name and "调休" not in name and "make-up" not in name.lower():
            name = f"{name} make-up working day" if en else f"{name}调休上班"
        return name
    return ""


def _night_rows(d: dict, di: int, catalog, lang: str, plan: dict) -> list[list[str]]:
    """Popup rows of a night: the hotel, the dinner and the show planner.stay chose."""
    en = lang == "en"
    night = f"Night {di + 1}" if en else f"第 {di + 1} 晚"
    rows = []
    if d.get("hotel"):
        rows.append([night, _place_name(d["hotel"], catalog, lang, plan)])
    for ev in d.get("evening") or []:
        if isinstance(ev, dict) and ev.get("id") and ev.get("type") in ("meal", "show"):
            what = ("Dinner" if en else "晚餐") if ev["type"] == "meal" else ("Show" if en else "演出")
            rows.append([what, f"{ev.get('start', '')}–{ev.get('end', '')} {_place_name(ev['id'], catalog, lang, plan)}"])
    return rows


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
    """A map of a plan: each day's route in its colour along the network path, numbered stops,
    overnight markers, a legend with the day totals.

    Parameters
    ----------
    plan : dict
        A plan as JSON (DESIGN.md "Plan").
    catalog : Catalog, optional
        For names and positions of visited places (the bundled catalog when None).
    day : int, optional
        Draw only this day (0-based) — the per-day maps of the printed itinerary.
    """
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    en = lang == "en"
    m = base_map(tiles=tiles, lang=lang)
    data = map_data(m)
    days = plan.get("days") or []
    bounds: list[tuple[float, float]] = []
    stop_no = 0
    out_days = []
    legend_rows = []
    overnight_nights: dict[str, list[int]] = {}
    night_rows: dict[int, list[list[str]]] = {}
    for di, d in enumerate(days):
        if day is not None and di != day:
            continue
        color = day_color(di)
        items: list[dict] = []
        lunch_rows: list[list[str]] = []  # a lunch at a named place: a row of the stop before it (or after)
        for ii, it in enumerate(d.get("items", [])):
            t = _item_type(it)
            key = f"{di}:{ii}"
            if t == "break" and it.get("place"):
                lunch_rows.append(["Lunch" if en else "午餐",
                                   f"{it.get('start', '')}–{it.get('end', '')} {_place_name(it['place'], catalog, lang, plan)}"])
                stops = [x for x in items if x["type"] == "stop"]
                if stops:
                    stops[-1]["popup"]["rows"] += lunch_rows
                    lunch_rows = []
                continue
            if t == "travel":
                line = _travel_item(it, key, di, catalog, plan, lang, tiles)
                if line:
                    bounds.extend(tuple(p) for p in line["points"])
                    items.append(line)
            elif t == "visit":
                stop_no += 1
                pos = _place_latlon(it.get("id"), catalog, plan)
                if not pos:
                    continue
                lat, lon = to_display(*pos, tiles)
                bounds.append((lat, lon))
                name = _place_name(it.get("id"), catalog, lang, plan)
                wait = int(it.get("wait_minutes") or 0)
                rows = [
                    ["Day" if en else "日程", f"{_day_label(di, en)} · {d.get('date', '')}"],
                    ["Arrive" if en else "到达", str(it.get("arrive", ""))],
                    ["Visit" if en else "游览", f"{it.get('start', '')}–{it.get('end', '')}"],
                ]
                if wait:
                    rows.append(["Wait" if en else "等待", f"{wait} min"])
                rows += lunch_rows
                lunch_rows = []
                spot_id = it.get("id")
                items.append({
                    "type": "stop",
                    "key": key,
                    "lat": lat,
                    "lon": lon,
                    "label": str(stop_no) if numbered else "",
                    "tooltip": f"{stop_no}. {name}",
                    "spot": str(spot_id) if isinstance(spot_id, str) else key,
                    "popup": {"title": f"{stop_no}. {name}", "rows": rows},
                })
        out_days.append({"index": di, "color": color, "items": items})
        ov = d.get("overnight")
        if ov and (di < len(days) - 1 or day is not None):
            overnight_nights.setdefault(json.dumps(ov, sort_keys=True, ensure_ascii=False), []).append(di + 1)
            night_rows[di + 1] = _night_rows(d, di, catalog, lang, plan)
        s = day_summary(d)
        parts = [
            _day_label(di, en),
            str(d.get("date", "")),
            ((f"{s['stops']} stop" + ("" if s["stops"] == 1 else "s")) if en else f"{s['stops']} 处"),
            (f"drive {_fmt_hours(s['drive_minutes'], lang)}" if en else f"驾车 {_fmt_hours(s['drive_minutes'], lang)}"),
        ]
        if s["rail_minutes"]:
            parts.append(f"rail {_fmt_hours(s['rail_minutes'], lang)}" if en else f"高铁 {_fmt_hours(s['rail_minutes'], lang)}")
        parts.append(f"{s['km']:.0f} km")
        hol = _holiday_name(d, en)
        if hol:
            parts.insert(2, hol)
        legend_rows.append({"color": color, "text": " · ".join(parts), "day": di})
    places = []
    # Start and overnight places.
    if days:
        start = days[0].get("start") if day is None else days[day].get("start")
        pos = _place_latlon(start, catalog, plan)
        if pos:
            lat, lon = to_display(*pos, tiles)
            bounds.append((lat, lon))
            places.append({"type": "start", "lat": lat, "lon": lon,
                           "tooltip": ("Start: " if en else "出发：") + _place_name(start, catalog, lang, plan)})
    for ov_key, nights in overnight_nights.items():
        ov = json.loads(ov_key)
        pos = _place_latlon(ov, catalog, plan)
        if not pos:
            continue
        lat, lon = to_display(*pos, tiles)
        bounds.append((lat, lon))
        nights_txt = ", ".join(str(n) for n in nights)
        tip = (f"Night {nights_txt}: " if en else f"第 {nights_txt} 晚：") + _place_name(ov, catalog, lang, plan)
        rows = [r for n in nights for r in night_rows.get(n, [])]
        places.append({"type": "night", "lat": lat, "lon": lon, "label": "H" + (nights_txt if len(nights) == 1 else ""),
                       "tooltip": tip, "popup": {"title": tip, "rows": rows} if rows else {"title": tip}})
    title = plan.get("title") or ""
    data.update(
        kind="plan",
        app=bool(for_app),
        title=str(title),
        days=out_days,
        places=places,
        legend={
            "position": "topright",
            "title": str(title),
            "status": _status_text(str(plan.get("status") or ""), lang),
            "rows": legend_rows,
            "rowsAsDivs": True,
        },
    )
    if bounds:
        frame(m, bounds)
    return m


def add_events(m, sites: list[dict], legend: dict | None = None) -> None:
    """Put numbered event markers (the report's Long March events) on map ``m``.

    ``sites``: dicts with ``lat``, ``lon`` (page coordinates), ``label`` (the numbers), ``tooltip``
    and ``popup`` (``{"title": ..., "rows": [[number, dates, name], ...]}``). ``legend``: a title and
    ``rows`` of ``{"number": ..., "text": ...}``, shown bottom left.
    """
    data = map_data(m)
    events: dict = {"sites": []}
    for s in sites:
        label = str(s.get("label", ""))
        events["sites"].append({
            "lat": float(s["lat"]),
            "lon": float(s["lon"]),
            "label": label,
            "width": 10 + 8 * len(label),
            "tooltip": str(s.get("tooltip", "")),
            "popup": s.get("popup"),
        })
    if legend:
        events["legend"] = {
            "position": "bottomleft",
            "extraClass": "qt-event-legend",
            "title": str(legend.get("title", "")),
            "rows": [{"number": str(r["number"]), "text": str(r["text"])} for r in legend.get("rows", [])],
            "rowsAsDivs": True,
        }
    data["events"] = events
