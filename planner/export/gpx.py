"""GPX 1.1 export for drivers' navigation apps: stops and nights as waypoints, one track per day."""

from __future__ import annotations

import os
from pathlib import Path

from planner.export.common import build_itinerary, check_lang, label, write_text
from planner.export.geojson import stay_places


def export_gpx(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None) -> list[str]:
    """Write the plan as GPX 1.1.

    Waypoints: every visited stop (named ``D1-2 name``: day 1, second stop) and every place the group
    starts from or sleeps at. Tracks: one per day, along the road / rail network path of the day's
    travel items, so a navigation app shows the road actually planned.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.gpx`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional

    Returns
    -------
    list of str
        Warnings (none for this format).

    Raises
    ------
    ExportError
    """
    import datetime as dt
    from zoneinfo import ZoneInfo

    import gpxpy.gpx

    check_lang(lang)
    it = build_itinerary(plan, catalog)
    tz = ZoneInfo("Asia/Shanghai")
    g = gpxpy.gpx.GPX()
    g.version = "1.1"
    g.creator = "QianTu 黔途"
    g.name = it.title_or_default(lang)
    first, last = it.first_date, it.last_date
    g.description = f"{first.isoformat()} – {last.isoformat()}" if first and last else None
    for day in it.days:
        for r in day.visits():
            p = r.place
            wp = gpxpy.gpx.GPXWaypoint(
                latitude=round(p.lat, 6),
                longitude=round(p.lon, 6),
                name=f"D{day.number}-{r.stop_no} {p.name(lang)}",
                description=f"{label('day_n', lang, n=day.number)} {r.start:%H:%M}–{r.end:%H:%M}"
                + (f" · {p.other_name(lang)}" if p.other_name(lang) else ""),
                symbol="Scenic Area",
                type="stop",
            )
            wp.time = r.start.replace(tzinfo=tz).astimezone(dt.UTC)
            g.waypoints.append(wp)
    symbols = {"hotel": "Lodging", "lunch": "Restaurant", "dinner": "Restaurant", "show": "Civil"}
    for day in it.days:  # the hotel, meals at named places, the show (planner.stay)
        for svc in day.services:
            sp = svc.place
            when = f" {svc.start:%H:%M}–{svc.end:%H:%M}" if svc.start and svc.end else ""
            wp = gpxpy.gpx.GPXWaypoint(
                latitude=round(sp.lat, 6),
                longitude=round(sp.lon, 6),
                name=f"D{day.number} {label('svc_' + svc.kind, lang)} {sp.name(lang)}",
                description=f"{label('day_n', lang, n=day.number)}{when}"
                + (f" · {day.holiday_text(lang)}" if day.holiday_text(lang) else "")
                + (f" · {sp.other_name(lang)}" if sp.other_name(lang) else ""),
                symbol=symbols[svc.kind],
                type=svc.kind,
            )
            if svc.start is not None:
                wp.time = svc.start.replace(tzinfo=tz).astimezone(dt.UTC)
            g.waypoints.append(wp)
    for place, nights in stay_places(it):
        if nights:
            what = label("overnight", lang) + " " + ", ".join(label("day_n", lang, n=n) for n in nights)
            kind = "overnight"
        else:
            what = label("start", lang) if it.days and place.id == it.days[0].start.id else label("end_of_trip", lang)
            kind = "start" if what == label("start", lang) else "end"
        g.waypoints.append(
            gpxpy.gpx.GPXWaypoint(
                latitude=round(place.lat, 6),
                longitude=round(place.lon, 6),
                name=f"{place.name(lang)} ({what})",
                description=place.other_name(lang) or None,
                symbol="Lodging" if kind == "overnight" else "Flag, Blue",
                type=kind,
            )
        )
    for day in it.days:
        trk = gpxpy.gpx.GPXTrack(
            name=f"{label('day_n', lang, n=day.number)} {day.start.name(lang)} → {day.overnight.name(lang)}",
            description=f"{day.date.isoformat()} · {day.km:.0f} km"
            + (f" · {day.holiday_text(lang)}" if day.holiday_text(lang) else ""),
        )
        trk.number = day.number
        seg = gpxpy.gpx.GPXTrackSegment()
        for lat, lon in day.path():
            seg.points.append(gpxpy.gpx.GPXTrackPoint(round(lat, 6), round(lon, 6)))
        trk.segments.append(seg)
        g.tracks.append(trk)
    write_text(Path(path), g.to_xml(version="1.1"), what="GPX file")
    return []
