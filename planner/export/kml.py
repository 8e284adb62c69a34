"""KML export for Google Earth and Chinese map apps: a folder per day with its coloured route and places."""

from __future__ import annotations

import html
import os
from pathlib import Path

from planner.export.common import build_itinerary, check_lang, duration_text, label, write_atomic
from planner.export.geojson import stay_places

_SERVICE_ICONS = {
    "hotel": "http://maps.google.com/mapfiles/kml/shapes/lodging.png",
    "lunch": "http://maps.google.com/mapfiles/kml/shapes/dining.png",
    "dinner": "http://maps.google.com/mapfiles/kml/shapes/dining.png",
    "show": "http://maps.google.com/mapfiles/kml/shapes/arts.png",
}


def kml_color(hex_rgb: str, alpha: int = 0xE6) -> str:
    """``#d62728`` -> KML's ``aabbggrr`` (``e62827d6``)."""
    h = hex_rgb.lstrip("#")
    r, g, b = h[0:2], h[2:4], h[4:6]
    return f"{alpha:02x}{b}{g}{r}".lower()


def export_kml(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None) -> list[str]:
    """Write the plan as KML 2.2: one folder per day with a line in the day's colour along the
    network path, a placemark per stop (numbered as on the printed map) and the night's place.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.kml`` file (written atomically)
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
    import simplekml

    check_lang(lang)
    it = build_itinerary(plan, catalog)
    e = html.escape
    kml = simplekml.Kml(name=it.title_or_default(lang))
    kml.document.name = it.title_or_default(lang)
    stays = {p.id: nights for p, nights in stay_places(it)}
    for day in it.days:
        folder = kml.newfolder(name=f"{label('day_n', lang, n=day.number)} · {day.date.isoformat()}")
        # KML readers show descriptions as HTML: user text in them is HTML-escaped here, and
        # simplekml then escapes the XML.
        folder.description = e(
            f"{day.start.name(lang)} → {day.overnight.name(lang)} · {day.km:.0f} km · "
            f"{duration_text(day.travel_minutes, lang)}"
            + "".join(f" · {x}" for x in (day.holiday_text(lang), *day.note_texts(lang)) if x)
        )
        style = simplekml.Style()
        style.linestyle.color = kml_color(day.color)
        style.linestyle.width = 4
        style.iconstyle.color = kml_color(day.color, 0xFF)
        style.iconstyle.scale = 1.1
        style.iconstyle.icon.href = "http://maps.google.com/mapfiles/kml/paddle/wht-blank.png"
        line = folder.newlinestring(
            name=f"{label('day_n', lang, n=day.number)}: {day.start.name(lang)} → {day.overnight.name(lang)}",
            coords=[(round(lon, 6), round(lat, 6)) for lat, lon in day.path()],
        )
        line.tessellate = 1
        line.style = style
        if day.index == 0:
            pt = folder.newpoint(
                name=f"{label('start', lang)}: {day.start.name(lang)}",
                coords=[(round(day.start.lon, 6), round(day.start.lat, 6))],
            )
            pt.style.iconstyle.icon.href = "http://maps.google.com/mapfiles/kml/paddle/grn-stars.png"
        for r in day.visits():
            p = r.place
            rows = [
                (label("time", lang), f"{r.start:%H:%M}–{r.end:%H:%M}"),
                (label("hours", lang), p.hours_text() or "—"),
            ]
            if p.other_name(lang):
                rows.insert(0, ("", p.other_name(lang)))
            pt = folder.newpoint(
                name=f"{day.number}-{r.stop_no} {p.name(lang)}",
                coords=[(round(p.lon, 6), round(p.lat, 6))],
                description="<br>".join(f"{e(k)} {e(v)}".strip() for k, v in rows),
            )
            pt.style = style
            pt.timespan.begin = r.start.isoformat() + "+08:00"
            pt.timespan.end = r.end.isoformat() + "+08:00"
        for svc in day.services:  # the hotel, meals at named places, the show (planner.stay)
            sp = svc.place
            when = f"{svc.start:%H:%M}–{svc.end:%H:%M}" if svc.start and svc.end else ""
            pt = folder.newpoint(name=f"{day.number} {label('svc_' + svc.kind, lang)}: {sp.name(lang)}",
                                 coords=[(round(sp.lon, 6), round(sp.lat, 6))],
                                 description=e(" · ".join(x for x in (when, sp.other_name(lang)) if x)))
            pt.style.iconstyle.icon.href = _SERVICE_ICONS[svc.kind]
            if svc.start and svc.end:
                pt.timespan.begin = svc.start.isoformat() + "+08:00"
                pt.timespan.end = svc.end.isoformat() + "+08:00"
        place = day.overnight
        if day.last:
            name = f"{label('end_of_trip', lang)}: {place.name(lang)}"
        else:
            name = f"{label('overnight', lang)}: {place.name(lang)}"
        pt = folder.newpoint(name=name, coords=[(round(place.lon, 6), round(place.lat, 6))])
        pt.description = e(", ".join(label("day_n", lang, n=n) for n in stays.get(place.id, [])))
        pt.style.iconstyle.icon.href = "http://maps.google.com/mapfiles/kml/shapes/lodging.png"

    def write(tmp: Path) -> None:
        tmp.write_text(kml.kml(format=True), encoding="utf-8")

    write_atomic(Path(path), write, what="KML file")
    return []
