"""吃住购娱 around a plan: each night's hotel, lunch and dinner at real places, an evening show, calendar notes.

Everything here runs after the optimizer, on its :class:`~planner.plan.Plan`, and never changes
the chained ``items`` of a day (their times are the optimizer's): it fills the optional day
fields ``hotel``, ``evening`` and ``notes`` and the ``place`` of a lunch break.

Rules (docs/decisions.md, "Stay"):

* Hotel: among the hotels whose ``city`` is the night's place, those of the requested class
  (else the nearest class up, then down, with a note); of those, the nearest to where the next
  day begins (its first visit; the night's place when the next day has none). No hotel on the
  last day: the trip ends there.
* Lunch: the nearest restaurant serving lunch within 15 km of where the group is when the lunch
  break begins, open for the whole break.
* Dinner: after the arrival at the night's place and 30 minutes to check in, from 18:00 at the
  earliest, 90 minutes, at a restaurant serving dinner in that city (or within 15 km of it) and
  open until the dinner ends; a group-meal place and one not used before are preferred, then the
  nearest to the hotel.
* Show (request ``dinner_show``): after dinner, the earliest show time at a show of the night's
  place (its ``city``, or within 30 km) that the group can reach (urban transfer estimated at
  30 km/h over 1.3 x the straight line, plus 5 min), not closed that day, and not already seen on
  this trip (without a dinner place, after a dinner assumed from 18:00 or the arrival); a show
  with no show time from 18:00 on (a daytime show) is never an evening show. When none fits, a
  ``no_show`` note says why.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Iterable
from pathlib import Path

from planner.catalog import HOTEL_CLASSES, Catalog, Spot, format_hhmm, parse_hhmm
from planner.errors import RequestError
from planner.geo import haversine_km
from planner.plan import BreakItem, Day, Plan, TravelItem, VisitItem

LUNCH_RADIUS_KM = 15.0
DINNER_RADIUS_KM = 15.0
SHOW_RADIUS_KM = 30.0
CHECKIN_MINUTES = 30
DINNER_FROM = 18 * 60
DINNER_MINUTES = 90
URBAN_KMH = 30.0
DETOUR = 1.3
ROOM_SHARE = 2  # persons per room: the per-person hotel price is a twin-share price


# --------------------------------------------------------------------------- positions


def _latlon(plan: Plan, catalog: Catalog, ref: str | None) -> tuple[float, float] | None:
    if ref is None:
        return None
    spot = catalog.spots.get(ref)
    if spot is not None:
        return (spot.lat, spot.lon)
    place = plan.places.get(ref)
    if place:
        return (float(place["lat"]), float(place["lon"]))
    return None


def _km(a: tuple[float, float], b: Spot | tuple[float, float]) -> float:
    if isinstance(b, Spot):
        return haversine_km(a[0], a[1], b.lat, b.lon)
    return haversine_km(a[0], a[1], b[0], b[1])


def _where_at(plan: Plan, catalog: Catalog, day: Day, index: int) -> tuple[float, float] | None:
    """Where the group is when item ``index`` of ``day`` begins."""
    for it in reversed(day.items[:index]):
        if isinstance(it, VisitItem):
            return _latlon(plan, catalog, it.id)
        if isinstance(it, TravelItem):
            pos = _latlon(plan, catalog, it.to_id)
            if pos is None and it.path:  # a stop on the way (a network node): the end of the path
                pos = (float(it.path[-1][0]), float(it.path[-1][1]))
            return pos
        if isinstance(it, BreakItem) and it.at:
            pos = _latlon(plan, catalog, it.at)
            if pos is not None:
                return pos
    return _latlon(plan, catalog, day.start)


def _day_end(day: Day) -> int:
    """When the group arrives at the night's place (a rest day: free before dinner)."""
    if not day.items:
        return DINNER_FROM - CHECKIN_MINUTES
    last = day.items[-1]
    return _clock(last.end)


def _clock(text: str) -> int:
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def _closed_on(spot: Spot, date: str) -> bool:
    from planner.calendar import closure_weekday

    try:
        return closure_weekday(_dt.date.fromisoformat(date)) in spot.closed_weekdays
    except ValueError:
        return False


def _open_between(spot: Spot, start: int, end: int) -> bool:
    if spot.open_minutes is None or spot.close_minutes is None:
        return True
    return spot.open_minutes <= start and end <= spot.close_minutes


def _note(day: Day, code: str, **params) -> dict:
    note = {"code": code, "params": params}
    day.notes.append(note)
    return note


# --------------------------------------------------------------------------- hotels


NEAR_NIGHT_KM = 3.0
"""A hotel this close to a night place serves it too, whatever its ``city`` says (a hub and the
old town beside it, such as Zhenyuan's station district and the ancient town, are one stay)."""


def hotels_for(catalog: Catalog, place: str) -> list[Spot]:
    """The hotels that serve the night place ``place``: those whose ``city`` it is, and those
    within :data:`NEAR_NIGHT_KM` of it."""
    at = catalog.spots.get(place)
    out = []
    for s in catalog:
        if s.kind != "hotel":
            continue
        if s.city == place or (at is not None and _km((at.lat, at.lon), s) <= NEAR_NIGHT_KM):
            out.append(s)
    return out


def _class_order(hotel_class: str) -> list[str]:
    i = HOTEL_CLASSES.index(hotel_class)
    # the class asked for, then the next up, then down (a group is moved up rather than down)
    return [hotel_class] + list(HOTEL_CLASSES[i + 1 :]) + list(reversed(HOTEL_CLASSES[:i]))


def assign_hotels(plan: Plan, catalog: Catalog, hotel_class: str = "comfort") -> list[dict]:
    """Choose each night's hotel and write it to the day's ``hotel``; returns the notes written.

    Parameters
    ----------
    plan : Plan
        Changed in place: ``day.hotel`` of every day but the last.
    catalog : Catalog
        With the hotel rows (kind ``hotel``).
    hotel_class : str
        ``economy``, ``comfort`` or ``premium``.
    """
    if hotel_class not in HOTEL_CLASSES:
        raise RequestError(f"'{hotel_class}' is not a hotel class ({', '.join(HOTEL_CLASSES)})", field="hotel_class")
    notes: list[dict] = []
    if not any(s.kind == "hotel" for s in catalog):
        return notes  # no hotel data in this catalog: nothing to choose from, nothing to say
    for k, day in enumerate(plan.days):
        day.hotel = None
        day.notes = [n for n in day.notes if not n["code"].startswith("hotel_")]
        if k == len(plan.days) - 1:
            break
        nxt = plan.days[k + 1]
        first = nxt.visits()[0].id if nxt.visits() else day.overnight
        target = _latlon(plan, catalog, first) or _latlon(plan, catalog, day.overnight)
        cands = hotels_for(catalog, day.overnight)
        if not cands:
            notes.append(_note(day, "hotel_none", place=day.overnight))
            continue
        for cls in _class_order(hotel_class):
            of_class = [h for h in cands if h.hotel_class == cls]
            if of_class:
                break
        best = min(of_class, key=lambda h: (_km(target, h) if target else 0.0, h.id))
        day.hotel = best.id
        if best.hotel_class != hotel_class:
            notes.append(_note(day, "hotel_other_class", place=day.overnight, asked=hotel_class, chosen=best.hotel_class))
    return notes


def hotel_choices(plan: Plan, day_index: int, catalog: Catalog) -> list[Spot]:
    """The hotels the user may pick for the night of ``plan.days[day_index]``: those of its night
    place, by class (economy, comfort, premium) and then by distance to where the next day begins."""
    day = plan.days[day_index]
    nxt = plan.days[day_index + 1] if day_index + 1 < len(plan.days) else None
    first = nxt.visits()[0].id if nxt is not None and nxt.visits() else day.overnight
    target = _latlon(plan, catalog, first) or _latlon(plan, catalog, day.overnight)
    return sorted(
        hotels_for(catalog, day.overnight),
        key=lambda h: (HOTEL_CLASSES.index(h.hotel_class), round(_km(target, h), 3) if target else 0.0, h.id),
    )


def set_hotel(plan: Plan, day_index: int, hotel_id: str, catalog: Catalog) -> None:
    """The user's choice of hotel for the night of ``plan.days[day_index]``.

    Raises RequestError when the id is not a hotel or the hotel does not serve that night's place.
    """
    if not 0 <= day_index < len(plan.days):
        raise RequestError(f"there is no day {day_index + 1} in the plan", field="hotel")
    spot = catalog.get(hotel_id)
    if spot.kind != "hotel":
        raise RequestError(f"'{hotel_id}' is a {spot.kind}, not a hotel", field=f"days[{day_index}].hotel")
    day = plan.days[day_index]
    if spot not in hotels_for(catalog, day.overnight):
        raise RequestError(
            f"'{hotel_id}' is a hotel of '{spot.city}', but the night of day {day_index + 1} is at '{day.overnight}'",
            field=f"days[{day_index}].hotel",
        )
    day.hotel = hotel_id
    day.notes = [n for n in day.notes if not n["code"].startswith("hotel_")]


# --------------------------------------------------------------------------- meals


def assign_meals(plan: Plan, catalog: Catalog) -> list[dict]:
    """Lunch breaks get the nearest lunch restaurant (``place``); each night but the last a dinner
    in ``day.evening``. Returns the notes written."""
    restaurants = [s for s in catalog if s.kind == "restaurant"]
    used: set[str] = set()
    notes: list[dict] = []
    if not restaurants:
        return notes  # no restaurant data in this catalog
    for k, day in enumerate(plan.days):
        day.notes = [n for n in day.notes if n["code"] not in ("no_lunch_place", "no_dinner_place")]
        day.evening = [e for e in day.evening if e.get("type") != "meal"]
        for i, it in enumerate(day.items):
            if not (isinstance(it, BreakItem) and it.kind == "lunch"):
                continue
            it.place = None
            pos = _where_at(plan, catalog, day, i)
            a, b = _clock(it.start), _clock(it.end)
            cands = [
                (round(_km(pos, r), 3), r.id, r)
                for r in restaurants
                if pos is not None
                and "lunch" in r.meals
                and _km(pos, r) <= LUNCH_RADIUS_KM
                and _open_between(r, a, b)
                and not _closed_on(r, day.date)
            ]
            if cands:
                it.place = min(cands)[2].id
                used.add(it.place)
            else:
                notes.append(_note(day, "no_lunch_place", radius_km=LUNCH_RADIUS_KM, start=it.start))
        if k == len(plan.days) - 1:
            continue
        arrive = _day_end(day)
        home = _latlon(plan, catalog, day.hotel) or _latlon(plan, catalog, day.overnight)
        night = _latlon(plan, catalog, day.overnight)
        choices = []
        for r in restaurants:
            if "dinner" not in r.meals or _closed_on(r, day.date):
                continue
            if r.city != day.overnight and (night is None or _km(night, r) > DINNER_RADIUS_KM):
                continue
            start = max(arrive + CHECKIN_MINUTES, DINNER_FROM, r.open_minutes or 0)
            end = start + DINNER_MINUTES
            if r.close_minutes is not None and end > r.close_minutes:
                continue
            dist = _km(home, r) if home else 0.0
            choices.append(((r.id in used, not r.group_meal, round(dist, 3), r.id), r, start, end))
        if not choices:
            notes.append(_note(day, "no_dinner_place", place=day.overnight, arrive=format_hhmm(arrive)))
            continue
        _, r, start, end = min(choices, key=lambda c: c[0])
        used.add(r.id)
        day.evening.insert(0, {"type": "meal", "id": r.id, "start": format_hhmm(start), "end": format_hhmm(end)})
    return notes


# --------------------------------------------------------------------------- shows


def transfer_minutes(a: tuple[float, float] | None, b: Spot) -> int:
    """Estimated minutes from ``a`` to ``b`` in town (0 within 1 km)."""
    if a is None:
        return 0
    km = _km(a, b)
    if km <= 1.0:
        return 0
    return math.ceil(km * DETOUR / URBAN_KMH * 60) + 5


def schedule_shows(plan: Plan, catalog: Catalog) -> list[dict]:
    """An evening show after dinner on each night but the last; a ``no_show`` note where none fits."""
    shows = [s for s in catalog if s.kind == "show"]
    seen: set[str] = set()
    notes = []
    for k, day in enumerate(plan.days):
        day.notes = [n for n in day.notes if n["code"] != "no_show"]
        day.evening = [e for e in day.evening if e.get("type") != "show"]
        if k == len(plan.days) - 1:
            continue
        meal = next((e for e in day.evening if e.get("type") == "meal"), None)
        if meal is not None:
            ready, here = _clock(meal["end"]), _latlon(plan, catalog, meal["id"])
        else:  # dinner somewhere not in the catalog: the show still comes after it
            ready = max(_day_end(day) + CHECKIN_MINUTES, DINNER_FROM) + DINNER_MINUTES
            here = _latlon(plan, catalog, day.hotel) or _latlon(plan, catalog, day.overnight)
        night = _latlon(plan, catalog, day.overnight)
        # a show that only plays before dinner can ever begin (a daytime show) is no evening show
        near = [
            s for s in shows if (s.city == day.overnight or (night is not None and _km(night, s) <= SHOW_RADIUS_KM))
            and any(parse_hhmm(a) >= DINNER_FROM for a, _b in s.show_times)
        ]
        best = None
        why = "none_near"
        last_start = None
        for s in near:
            if s.id in seen:
                why = "seen" if why == "none_near" else why
                continue
            if _closed_on(s, day.date):
                why = "closed" if why in ("none_near", "seen") else why
                continue
            go = transfer_minutes(here, s)
            for a, b in s.show_times:
                t0 = parse_hhmm(a)
                last_start = max(last_start or t0, t0)
                if t0 >= ready + go:
                    key = (t0, go, s.id)
                    if best is None or key < best[0]:
                        best = (key, s, a, b)
            why = "too_late"
        if best is None:
            params = {"place": day.overnight, "reason": why, "ready": format_hhmm(ready)}
            if why == "too_late" and last_start is not None:
                params["last_start"] = format_hhmm(last_start)
            notes.append(_note(day, "no_show", **params))
            continue
        _, s, a, b = best
        seen.add(s.id)
        day.evening.append({"type": "show", "id": s.id, "start": a, "end": b})
    return notes


# --------------------------------------------------------------------------- calendar notes

_CLOSURE_WORDS = ("封山", "关闭", "闭园", "停运", "closed", "closure", "closes")
_MONTHS_EN = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Season words where a text names no month (早春 before 春: the longer word first).
_SEASON_WORDS = (
    ("早春", {2, 3}),
    ("深秋", {10, 11}),
    ("晚秋", {10, 11}),
    ("春", {3, 4, 5}),
    ("夏", {6, 7, 8}),
    ("秋", {9, 10, 11}),
    ("冬", {12, 1, 2}),
    ("spring", {3, 4, 5}),
    ("summer", {6, 7, 8}),
    ("autumn", {9, 10, 11}),
    ("winter", {12, 1, 2}),
)


def _month_run(first: int, last: int) -> set[int]:
    out, m = set(), first
    while True:
        out.add(m)
        if m == last:
            return out
        m = m % 12 + 1


def _segment_months(seg: str) -> set[int]:
    """Months of one clause: from the first month named to the last, else its season words."""
    import re

    # "N月", and the N of "N–M月" (a range written with one 月)
    zh = [int(m) for m in re.findall(r"(?<!\d)(1[0-2]|[1-9])(?=\s*(?:月|[–—\-~至到]+\s*(?:1[0-2]|[1-9])\s*月))", seg)]
    months = zh or [
        _MONTHS_EN.index(m.lower()[:3]) + 1
        for m in re.findall(r"\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b", seg, re.I)
    ]
    if months:
        return _month_run(months[0], months[-1])
    out: set[int] = set()
    low = seg.lower()
    for word, ms in _SEASON_WORDS:
        if word in low:
            out |= ms
            low = low.replace(word, " ")
    return out


def _clauses(text: str) -> list[str]:
    """The clauses of a season text: its Chinese half when it is written "中文 / English"."""
    import re

    if " / " in text and re.search(r"[\u4e00-\u9fff]", text.split(" / ")[0]):
        text = text.split(" / ")[0]
    return [c for c in re.split(r"[，,;；、。]", text) if c.strip()]


def season_parts(text: str) -> tuple[set[int], set[int]]:
    """``(good months, closure months)`` of a season text, clause by clause.

    ``"4–5月 杜鹃, 6–8月 避暑云海, 10月下旬–12月 红叶; 冬季冰雪时东西门临时关闭"`` ->
    ({4, 5, 6, 7, 8, 10, 11, 12}, {12, 1, 2}): a clause that speaks of closing gives closure months.
    """
    good: set[int] = set()
    closed: set[int] = set()
    for c in _clauses(text):
        ms = _segment_months(c)
        if any(w in c.lower() for w in _CLOSURE_WORDS):
            closed |= ms
        else:
            good |= ms
    return good, closed


def season_months(text: str) -> set[int]:
    """Every month a season text names, clause by clause: ``"3月下旬–4月 杜鹃花期 / late Mar–Apr"`` -> {3, 4}.

    In each clause the Chinese months (``N月``, ``N–M月``) are read first, else English month names,
    else season words (春, 夏, 秋, 冬, spring ...); a range runs from the first month named to the
    last, across the new year when needed (``12月–2月`` -> {12, 1, 2}).
    """
    out: set[int] = set()
    for c in _clauses(text):
        out |= _segment_months(c)
    return out


def calendar_notes(plan: Plan, catalog: Catalog) -> list[dict]:
    """Holiday, make-up working day, crowd and season notes: ``[{"day", "code", "params"}]``.

    ``day`` counts from 1. Codes: ``holiday`` and ``makeup_workday`` (the calendar), ``holiday_crowd``
    (a 5A visit on a day of 春节, 劳动节 or 国庆节), ``season_best`` (a visit in the months of its
    ``best_season``) and ``season_closure`` (a visit in the months a clause of its ``best_season`` or
    ``season_note`` says it closes: "冬季冰雪时…关闭").
    Without a start date (``plan.start_date_given`` false) the dates are arbitrary: no notes.
    """
    from planner.calendar import CROWD_FESTIVALS, calendar_day

    out: list[dict] = []
    if not plan.start_date_given:
        return out
    for k, day in enumerate(plan.days, start=1):
        try:
            date = _dt.date.fromisoformat(day.date)
        except ValueError:
            continue
        c = calendar_day(date)
        if c is not None:
            code = "holiday" if c.kind == "holiday" else "makeup_workday"
            out.append({"day": k, "code": code, "params": {"name_zh": c.name_zh, "name_en": c.name_en,
                                                             "estimate": c.estimate}})
        for v in day.visits():
            spot = catalog.spots.get(v.id)
            if spot is None:
                continue
            if c is not None and c.kind == "holiday" and c.festival in CROWD_FESTIVALS and spot.level == "5A":
                out.append({"day": k, "code": "holiday_crowd", "params": {"id": spot.id, "festival": c.festival,
                                                                          "name_zh": c.name_zh, "name_en": c.name_en}})
            good, closed = season_parts(spot.best_season) if spot.best_season else (set(), set())
            if date.month in good:
                out.append({"day": k, "code": "season_best", "params": {"id": spot.id, "text": spot.best_season}})
            closure_text = spot.best_season if date.month in closed else ""
            if not closure_text and spot.season_note and date.month in season_parts(spot.season_note)[1]:
                closure_text = spot.season_note
            if closure_text:
                out.append({"day": k, "code": "season_closure", "params": {"id": spot.id, "text": closure_text}})
    return out


CALENDAR_CODES = ("holiday", "makeup_workday", "holiday_crowd", "season_best", "season_closure")


def add_calendar_notes(plan: Plan, catalog: Catalog) -> list[dict]:
    """Write :func:`calendar_notes` into the days' ``notes`` (replacing earlier ones); returns them."""
    notes = calendar_notes(plan, catalog)
    for day in plan.days:
        day.notes = [n for n in day.notes if n["code"] not in CALENDAR_CODES]
    for n in notes:
        plan.days[n["day"] - 1].notes.append({"code": n["code"], "params": n["params"]})
    return notes


def note_text(note: dict, catalog: Catalog | None = None, lang: str = "zh") -> str:
    """One note in words (``zh`` or ``en``)."""
    p = note.get("params") or {}
    en = lang == "en"

    def name(sid: str | None) -> str:
        if catalog is not None and sid is not None and sid in catalog:
            return catalog.get(sid).name(lang)
        return str(sid)

    est = (" (estimate)" if en else "（估计）") if p.get("estimate") else ""
    code = note.get("code")

    def side(text: object) -> str:
        """A "zh / en" data text (best_season) in the note's language."""
        zh, sep, en_text = str(text or "").partition(" / ")
        return (en_text if en else zh).strip() if sep else str(text or "")

    if code == "holiday":
        return (f"Public holiday: {p.get('name_en')}{est}" if en else f"法定节假日：{p.get('name_zh')}{est}")
    if code == "makeup_workday":
        return f"Make-up working day ({p.get('name_en')})" if en else f"调休上班日（{p.get('name_zh')}）"
    if code == "holiday_crowd":
        return (f"{name(p.get('id'))}: expect large crowds on {p.get('name_en')}; book tickets ahead"
                if en else f"{name(p.get('id'))}：{p.get('name_zh')}期间游客极多，请提前预约购票")
    if code == "season_best":
        return f"{name(p.get('id'))}: in season — {side(p.get('text'))}" if en else f"{name(p.get('id'))}：正值最佳季节（{side(p.get('text'))}）"
    if code == "season_closure":
        return (f"{name(p.get('id'))}: may be closed in this season — {side(p.get('text'))}"
                if en else f"{name(p.get('id'))}：此季节可能封闭（{side(p.get('text'))}）")
    if code == "hotel_none":
        return f"No hotel listed at {name(p.get('place'))}" if en else f"{name(p.get('place'))}没有可选酒店"
    if code == "hotel_other_class":
        cls = {"economy": "经济型", "comfort": "舒适型", "premium": "高档"}
        asked, chosen = str(p.get("asked")), str(p.get("chosen"))
        return (f"No {asked} hotel at {name(p.get('place'))}: {chosen} chosen"
                if en else f"{name(p.get('place'))}没有{cls.get(asked, asked)}酒店，改选{cls.get(chosen, chosen)}酒店")
    if code == "no_lunch_place":
        return (f"No restaurant serving lunch within {p.get('radius_km'):.0f} km at {p.get('start')}"
                if en else f"{p.get('start')} 午餐：{p.get('radius_km'):.0f} 公里内没有供应午餐的餐厅")
    if code == "no_dinner_place":
        return (f"No restaurant for dinner at {name(p.get('place'))} after arriving at {p.get('arrive')}"
                if en else f"{name(p.get('place'))}：{p.get('arrive')} 到达后没有可安排晚餐的餐厅")
    if code == "no_show":
        reason = p.get("reason")
        place = name(p.get("place"))
        if reason == "too_late":
            return (f"No evening show: the last show near {place} starts at {p.get('last_start')}, "
                    f"the group is free at {p.get('ready')}" if en else
                    f"无晚间演出：{place}附近最晚一场 {p.get('last_start')} 开演，团队 {p.get('ready')} 才有空")
        if reason == "seen":
            return (f"No evening show: the show near {place} was seen on an earlier evening" if en
                    else f"无晚间演出：{place}附近的演出已在前一晚观看")
        if reason == "closed":
            return f"No evening show: the show near {place} does not play that day" if en else f"无晚间演出：{place}附近的演出当天停演"
        return (f"No evening show within {SHOW_RADIUS_KM:.0f} km of {place}" if en
                else f"无晚间演出：{place} {SHOW_RADIUS_KM:.0f} 公里内没有演出")
    return str(code)


# --------------------------------------------------------------------------- all of it


def enrich_plan(plan: Plan, request, catalog: Catalog, *, hotel_class: str | None = None) -> Plan:
    """Hotels, meals, the evening show (when the request asks for it) and calendar notes, in that order.

    ``hotel_class`` overrides the request's (a package's ``costing.hotel_class`` is the one the
    quote prices, so it wins when set).
    """
    hotel_class = hotel_class or getattr(request, "hotel_class", "comfort") or "comfort"
    assign_hotels(plan, catalog, hotel_class)
    assign_meals(plan, catalog)
    if getattr(request, "dinner_show", False):
        schedule_shows(plan, catalog)
    add_calendar_notes(plan, catalog)
    _reprice(plan, request, catalog, hotel_class)
    return plan


def _reprice(plan: Plan, request, catalog: Catalog, hotel_class: str) -> None:
    """The plan's price again, now with its hotels, meals and show (the optimizer priced it with
    class estimates): ``plan.totals`` agrees with the quote of the same group."""
    size = getattr(request, "group_size", None)
    if not size or plan.totals.get("cost_cny") is None:
        return
    from planner.costing import Group, fill_plan_costs, load_rates
    from planner.errors import PlannerError

    try:
        fill_plan_costs(plan, Group(adults=int(size), hotel_class=hotel_class), load_rates(), catalog)
    except PlannerError as exc:  # bad rate data must not cost the planner its plan
        plan.warnings.append(f"costs not computed: {exc.one_line()}")
        return
    # The optimizer kept the budget with class estimates; the named hotels, meals and show may
    # cost more. Say so rather than hand over a plan silently above the budget.
    budget = getattr(request, "budget_per_person_cny", None)
    price = plan.totals.get("cost_per_person_cny")
    if budget and price is not None and float(price) > float(budget) + 0.005:
        plan.warnings.append(
            f"over budget: with its hotels, meals and show the trip costs {float(price):,.0f} CNY per person, "
            f"more than the budget of {float(budget):,.0f} CNY (the optimizer priced hotels and meals at class estimates)"
        )


# --------------------------------------------------------------------------- prices


def class_rate_cny(place: str, hotel_class: str, rates_dir: Path | str | None = None, *, rates=None) -> float | None:
    """The estimated room-night rate of ``hotel_class`` at ``place`` from data/rates (tier of the place),
    as the quote prices it (:class:`planner.costing.Rates`, tier ``FALLBACK_TIER`` for a place without one)."""
    from planner.costing import FALLBACK_TIER, load_rates

    r = rates if rates is not None else load_rates(rates_dir)
    src = r.hotel_cities.get(place)
    rate = r.hotel_tiers.get((src.value if src is not None else FALLBACK_TIER, hotel_class))
    return float(rate.value) if rate is not None else None


def priced_extras(plan: Plan, catalog: Catalog, *, rates_dir: Path | str | None = None) -> list[dict]:
    """The priced lines of the stay, one per night, meal, show and shop visit, in plan order: a
    per-person view for display. The price of a package is :func:`planner.costing.package_quote`,
    which prices the same hotels (replacing the class estimate), meals, shows and shops.

    Each line: ``kind`` (hotel | lunch | dinner | show | shop), ``id``, ``label_zh``, ``label_en``,
    ``date``, ``cny_per_person`` (a hotel: the room rate over ``ROOM_SHARE``), and ``source``;
    a hotel line also ``cny_per_room`` and ``class_rate_cny`` (the data/rates estimate for its
    class at that place, for comparison); a line on a public holiday ``holiday_zh``/``holiday_en``.
    Lines without a known price are left out.
    """
    from planner.calendar import calendar_day
    from planner.costing import load_rates

    out: list[dict] = []
    rates = load_rates(rates_dir) if any(d.hotel for d in plan.days) else None  # once, for the hotel lines

    def line(kind: str, spot: Spot, date: str, cny: float, zh: str, en: str, **more) -> None:
        out.append({"kind": kind, "id": spot.id, "label_zh": f"{zh} {spot.name_zh}", "label_en": f"{en} {spot.name_en}",
                    "date": date, "cny_per_person": round(float(cny), 2), "source": spot.source, **more})
        try:
            c = calendar_day(date) if plan.start_date_given else None
        except ValueError:
            c = None
        if c is not None and c.kind == "holiday":  # the quote can show the holiday beside the price
            out[-1].update(holiday_zh=c.name_zh, holiday_en=c.name_en)

    for day in plan.days:
        for it in day.items:
            if isinstance(it, BreakItem) and it.place is not None and it.place in catalog:
                r = catalog.get(it.place)
                if r.price_per_head_cny is not None:
                    line("lunch", r, day.date, r.price_per_head_cny, "午餐", "Lunch")
            elif isinstance(it, VisitItem) and it.id in catalog:
                s = catalog.get(it.id)
                if s.kind == "shop" and s.ticket_cny:
                    line("shop", s, day.date, s.ticket_cny, "购物点", "Shop")
        for e in day.evening:
            ev = catalog.spots.get(str(e.get("id")))
            if ev is None:
                continue
            s = ev
            if e.get("type") == "meal" and s.price_per_head_cny is not None:
                line("dinner", s, day.date, s.price_per_head_cny, "晚餐", "Dinner")
            elif e.get("type") == "show" and s.ticket_cny is not None:
                line("show", s, day.date, s.ticket_cny, "演出", "Show")
        if day.hotel and day.hotel in catalog:
            h = catalog.get(day.hotel)
            if h.room_night_cny is not None:
                line("hotel", h, day.date, h.room_night_cny / ROOM_SHARE, "住宿", "Hotel",
                     cny_per_room=h.room_night_cny, hotel_class=h.hotel_class,
                     class_rate_cny=class_rate_cny(day.overnight, h.hotel_class, rates=rates))
    return out


def extras_total_per_person(lines: Iterable[dict]) -> float:
    """The sum of ``cny_per_person`` over priced lines."""
    return round(sum(x["cny_per_person"] for x in lines), 2)
