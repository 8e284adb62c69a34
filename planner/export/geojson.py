"""GeoJSON export: the stops, the nights and one line per day, for GIS tools and web maps."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from planner.export.common import Itinerary, build_itinerary, check_lang, label, write_text


def stay_places(it: Itinerary) -> list[tuple[Any, list[int]]]:
    """The places the group starts from or sleeps at, each once, with the night numbers spent there
    (the trip's start has night 0; the last day's end place has no night)."""
    out: dict[str, tuple[Any, list[int]]] = {}
    if it.days:
        first = it.days[0].start
        out[first.id] = (first, [])
    for day in it.days:
        place = day.overnight
        entry = out.setdefault(place.id, (place, []))
        if not day.last:
            entry[1].append(day.number)
    return list(out.values())


def feature_collection(it: Itinerary, lang: str = "zh") -> dict:
    """The plan as a GeoJSON FeatureCollection (coordinates are WGS-84 longitude, latitude)."""
    features: list[dict] = []
    for day in it.days:
        for r in day.visits():
            p = r.place
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(p.lon, 6), round(p.lat, 6)]},
                    "properties": {
                        "kind": "stop",
                        "id": p.id,
                        "name": p.name(lang),
                        "name_zh": p.name_zh,
                        "name_en": p.name_en,
                        "day": day.number,
                        "date": day.date.isoformat(),
                        "stop": r.stop_no_trip,
                        "arrive": r.arrive.strftime("%H:%M") if r.arrive else None,
                        "start": r.start.isoformat(timespec="minutes"),
                        "end": r.end.isoformat(timespec="minutes"),
                        "wait_minutes": r.wait_minutes,
                        "opening_hours": p.hours_text() or None,
                        "ticket_cny": p.ticket_cny,
                    },
                }
            )
    for day in it.days:  # the hotel, meals at named places, the show (planner.stay)
        for svc in day.services:
            sp = svc.place
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [round(sp.lon, 6), round(sp.lat, 6)]},
                    "properties": {
                        "kind": svc.kind,
                        "id": sp.id,
                        "name": sp.name(lang),
                        "name_zh": sp.name_zh,
                        "name_en": sp.name_en,
                        "day": day.number,
                        "date": day.date.isoformat(),
                        "start": svc.start.isoformat(timespec="minutes") if svc.start else None,
                        "end": svc.end.isoformat(timespec="minutes") if svc.end else None,
                    },
                }
            )
    last = it.days[-1] if it.days else None
    for place, nights in stay_places(it):
        role = "overnight" if nights else ("start" if it.days and place.id == it.days[0].start.id else "end")
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]},
                "properties": {
                    "kind": role,
                    "id": place.id,
                    "name": place.name(lang),
                    "name_zh": place.name_zh,
                    "name_en": place.name_en,
                    "nights": nights,
                    "day": nights[0] if nights else None,
                    "start_of_trip": bool(it.days and place.id == it.days[0].start.id),
                    "end_of_trip": bool(last is not None and place.id == last.overnight.id),
                },
            }
        )
    for day in it.days:
        pts = day.path()
        geom = (
            {"type": "LineString", "coordinates": [[round(lon, 6), round(lat, 6)] for lat, lon in pts]}
            if len(pts) >= 2
            else {"type": "LineString", "coordinates": [[round(pts[0][1], 6), round(pts[0][0], 6)]] * 2}
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geom,
                "properties": {
                    "kind": "route",
                    "name": label("day_n", lang, n=day.number),
                    "day": day.number,
                    "date": day.date.isoformat(),
                    "from": day.start.name(lang),
                    "to": day.overnight.name(lang),
                    "stops": len(day.visits()),
                    "travel_minutes": day.travel_minutes,
                    "km": round(day.km, 1),
                    "color": day.color,
                    "holiday": day.holiday_text(lang) or None,
                    "notes": day.note_texts(lang),
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": it.title_or_default(lang),
        "features": features,
    }


def export_geojson(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None) -> list[str]:
    """Write the plan as GeoJSON (RFC 7946): stop and overnight points, one LineString per day.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.geojson`` file (written atomically)
    lang : {"zh", "en"}
        Language of the ``name`` properties (both names are always included).
    catalog : Catalog, optional

    Returns
    -------
    list of str
        Warnings (none for this format).

    Raises
    ------
    ExportError
    """
    check_lang(lang)
    it = build_itinerary(plan, catalog)
    text = json.dumps(feature_collection(it, lang), ensure_ascii=False, indent=1)
    write_text(Path(path), text + "\n", what="GeoJSON file")
    return []
