"""iCalendar export: the program in the group's calendars, in China time."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from planner.export.common import (
    ICS_TRAVEL_MIN_MINUTES,
    TZ_NAME,
    build_itinerary,
    check_lang,
    duration_text,
    label,
    mode_text,
    write_atomic,
)


def export_ics(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None) -> list[str]:
    """Write the plan as an iCalendar file (RFC 5545).

    One event per visit and per travel leg longer than 30 minutes, per meal at a named place and
    per evening show; an all-day event per day naming its holiday, its hotel and its notes; times carry
    ``TZID=Asia/Shanghai`` (a VTIMEZONE is included), LOCATION is the place name, GEO its
    coordinates; the dates are the plan's day dates.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.ics`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional

    Returns
    -------
    list of str
        Warnings: one when the plan's dates are placeholders (the request had no start date).

    Raises
    ------
    ExportError
    """
    import datetime as dt
    from zoneinfo import ZoneInfo

    import icalendar

    check_lang(lang)
    it = build_itinerary(plan, catalog)
    tz = ZoneInfo(TZ_NAME)
    warnings = []
    if not it.dates_given:
        warnings.append(
            "the plan has no start date; the calendar uses its placeholder dates "
            f"from {it.first_date.isoformat() if it.first_date else '?'}"
        )
    # Stable UIDs: re-importing an updated export replaces events instead of duplicating them.
    digest = hashlib.sha1(json.dumps(it.plan.get("order", []), ensure_ascii=False).encode()).hexdigest()[:12]
    cal = icalendar.Calendar()
    cal.add("prodid", "-//QianTu//qiantu export//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", it.title_or_default(lang))
    cal.add("x-wr-timezone", TZ_NAME)
    sep = ": " if lang == "en" else "："
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    for day in it.days:
        day_label = label("day_n", lang, n=day.number)
        for k, r in enumerate(day.rows):
            if r.kind == "visit":
                p = r.place
                summary = f"{label('visit', lang)}{sep}{p.name(lang)}"
                desc = [f"{day_label} · {r.start:%H:%M}–{r.end:%H:%M}"]
                if p.other_name(lang):
                    desc.append(p.other_name(lang))
                if p.hours_text():
                    desc.append(f"{label('hours', lang)}{sep}{p.hours_text()}")
                if r.wait_minutes:
                    desc.append(label("wait", lang, t=f"{r.arrive:%H:%M}", m=r.wait_minutes))
                location, geo = p.name(lang), (p.lat, p.lon)
            elif r.kind == "travel" and r.minutes > ICS_TRAVEL_MIN_MINUTES:
                origin = r.origin.name(lang) if r.origin is not None else ""
                summary = f"{mode_text(r.mode, lang)}{sep}{origin} → {r.place.name(lang)}"
                desc = [f"{day_label} · {duration_text(r.minutes, lang)} · {r.km:.0f} km"]
                location, geo = f"{origin} → {r.place.name(lang)}", (r.place.lat, r.place.lon)
            else:
                continue
            ev = icalendar.Event()
            ev.add("uid", f"{digest}-d{day.number}-{k}@qiantu")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", r.start.replace(tzinfo=tz))
            ev.add("dtend", r.end.replace(tzinfo=tz))
            ev.add("summary", summary)
            ev.add("location", location)
            ev.add("geo", (round(geo[0], 6), round(geo[1], 6)))
            ev.add("description", "\n".join(desc))
            ev.add("categories", ["QianTu", day_label])
            cal.add_component(ev)
        # What planner.stay arranged: dinner and the show as timed events, lunch at a named place
        # (its time is the lunch break's), and the day itself (holiday, hotel, notes) all day long.
        for k, svc in enumerate(day.services):
            if svc.start is None or svc.end is None:
                continue
            p = svc.place
            ev = icalendar.Event()
            ev.add("uid", f"{digest}-d{day.number}-{svc.kind}{k}@qiantu")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", svc.start.replace(tzinfo=tz))
            ev.add("dtend", svc.end.replace(tzinfo=tz))
            ev.add("summary", f"{label('svc_' + svc.kind, lang)}{sep}{p.name(lang)}")
            ev.add("location", p.name(lang))
            ev.add("geo", (round(p.lat, 6), round(p.lon, 6)))
            ev.add("description", "\n".join(x for x in (f"{day_label} · {svc.start:%H:%M}–{svc.end:%H:%M}",
                                                         p.other_name(lang)) if x))
            ev.add("categories", ["QianTu", day_label])
            cal.add_component(ev)
        head = [x.text(lang) for x in day.services if x.kind == "hotel"]
        notes = day.note_texts(lang)
        if day.holiday_text(lang) or head or notes:
            ev = icalendar.Event()
            ev.add("uid", f"{digest}-d{day.number}-day@qiantu")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", day.date)
            ev.add("dtend", day.date + dt.timedelta(days=1))
            ev.add("summary", " · ".join(x for x in (day_label, day.holiday_text(lang), *head) if x))
            ev.add("description", "\n".join([*(x.text(lang) for x in day.services), *notes]))
            ev.add("transp", "TRANSPARENT")
            ev.add("categories", ["QianTu", day_label])
            cal.add_component(ev)
    cal.subcomponents.insert(0, _vtimezone_shanghai())

    def write(tmp: Path) -> None:
        tmp.write_bytes(cal.to_ical())

    write_atomic(Path(path), write, what="calendar file")
    return warnings


def _vtimezone_shanghai():
    """VTIMEZONE for Asia/Shanghai: UTC+8 all year (China has not used daylight saving since 1991)."""
    import datetime as dt

    import icalendar

    tz = icalendar.Timezone()
    tz.add("tzid", TZ_NAME)
    tz.add("x-lic-location", TZ_NAME)
    std = icalendar.TimezoneStandard()
    std.add("dtstart", dt.datetime(1992, 1, 1))
    std.add("tzoffsetfrom", dt.timedelta(hours=8))
    std.add("tzoffsetto", dt.timedelta(hours=8))
    std.add("tzname", "CST")
    tz.add_component(std)
    return tz
