"""What every exporter shares: the plan checked and resolved into named places, labels, atomic writes."""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from planner.domain import DAY_COLORS, bilingual, day_color  # noqa: F401  (one colour table: map, PDF, KML, app)
from planner.errors import ExportError, PlannerError
from planner.export.safe import clean_tree, one_line
from planner.mapping import WEEKDAYS_EN, WEEKDAYS_ZH

TZ_NAME = "Asia/Shanghai"
LANGS = ("zh", "en")
# Travel longer than this gets its own calendar event (shorter hops stay inside the visits).
ICS_TRAVEL_MIN_MINUTES = 30



# --------------------------------------------------------------------------- labels

_LABELS: dict[str, tuple[str, str]] = {
    "quotation": ("报价单", "Quotation"),
    "q_item": ("项目", "Item"),
    "q_qty": ("数量", "Quantity"),
    "q_unit_price": ("单价（元）", "Unit price (CNY)"),
    "q_amount": ("金额（元）", "Amount (CNY)"),
    "q_per_person": ("人均（元）", "Per person (CNY)"),
    "q_net": ("成本合计", "Net cost"),
    "q_margin": ("利润（{p:g}%）", "Margin ({p:g}%)"),
    "q_selling": ("团费合计", "Selling price"),
    "q_pp": ("每人价格（{n} 人）", "Price per person ({n} travellers)"),
    "q_single": ("单房差（每人全程）", "Single supplement (per person, whole trip)"),
    "q_estimate": ("* 为估算费率，详见 data/rates/ 的来源说明。", "* estimated rate; see the sources in data/rates/."),
    "q_sheet": ("报价", "Costs"),
    "itinerary": ("行程方案", "Itinerary"),
    "day_n": ("第 {n} 天", "Day {n}"),
    "dates": ("日期", "Dates"),
    "days": ("天数", "Length"),
    "days_nights": ("{d} 天 {n} 晚", "{d} days, {n} nights"),
    "group": ("团队人数", "Group size"),
    "people": ("{n} 人", "{n} people"),
    "price_total": ("团费合计", "Total price"),
    "price_pp": ("每人价格", "Price per person"),
    "price_tbd": ("待定", "to be quoted"),
    "route": ("线路", "Route"),
    "distance": ("总里程", "Distance"),
    "travel_time": ("车程合计", "Time on the road"),
    "stops": ("景点", "Places"),
    "n_stops": ("{n} 处", "{n}"),
    "overview_map": ("线路总图", "Route overview"),
    "glance": ("每日一览", "Day by day at a glance"),
    "date": ("日期", "Date"),
    "places": ("游览", "Visits"),
    "drive": ("车程", "Travel"),
    "overnight": ("住宿", "Overnight"),
    "end_of_trip": ("行程结束", "End of trip"),
    "time": ("时间", "Time"),
    "place": ("地点", "Place"),
    "what": ("安排", "What"),
    "travel": ("交通", "Travel"),
    "hours": ("开放时间", "Opening hours"),
    "ticket": ("门票", "Ticket"),
    "notes": ("备注", "Notes"),
    "visit": ("游览", "Visit"),
    "lunch": ("午餐", "Lunch"),
    "lunch_at_site": ("含午餐 {t}（景区内）", "lunch at the site {t}"),
    "travel_to": ("前往", "Travel"),
    "n_places": ("{n} 处景点", "{n} places"),
    "one_place": ("1 处景点", "1 place"),
    "wait": ("到达 {t}，候开门 {m} 分钟", "arrive {t}, wait {m} min for opening"),
    "free": ("免费", "free"),
    "closed_on": ("{d}闭馆", "closed {d}"),
    "dropped": ("未安排的景点", "Places left out"),
    "reason": ("原因", "Reason"),
    "none_dropped": ("所有申请的景点均已安排。", "Every requested place is in the itinerary."),
    "notes_title": ("备注与联系方式", "Notes and contacts"),
    "guide": ("导游", "Guide"),
    "driver": ("司机", "Driver"),
    "agency": ("旅行社", "Agency"),
    "emergency": ("紧急联系电话", "Emergency phone"),
    "warnings": ("提示", "Please note"),
    "page": ("第 {p} / {n} 页", "Page {p} of {n}"),
    "map_missing": ("（此处地图未能生成）", "(The map could not be drawn here.)"),
    "map_missing_why": ("（此处地图未能生成：{why}）", "(The map could not be drawn here: {why})"),
    "fine_print": (
        "时间为计划时间，以当天路况为准；开放时间与门票以景区公布为准。",
        "Times are planned times and depend on the day's traffic; opening hours and tickets as published by each site.",
    ),
    "dates_tbd": ("日期待定（按第 1 天起算）", "dates to be fixed (counted from day 1)"),
    "start": ("出发", "Start"),
    "mode_drive": ("驾车", "drive"),
    "mode_rail": ("高铁", "rail"),
    "mode_drive+rail": ("驾车+高铁", "drive + rail"),
    "mode_estimate": ("驾车（估算）", "drive (estimate)"),
    "mode_access": ("接驳", "transfer"),
    "mode_transfer": ("换乘", "change"),
    "minutes": ("{m} 分钟", "{m} min"),
    "hm": ("{h} 小时 {m} 分", "{h} h {m} min"),
    "h": ("{h} 小时", "{h} h"),
    "next_day": ("次日", "next day"),
    "svc_hotel": ("酒店", "Hotel"),
    "svc_lunch": ("午餐", "Lunch"),
    "svc_dinner": ("晚餐", "Dinner"),
    "svc_show": ("演出", "Show"),
    "evening": ("晚间", "Evening"),
    "day_notes": ("当日提示", "Notes for the day"),
    "holiday": ("法定节假日", "public holiday"),
    "status_infeasible": (
        "注意：此方案未能满足全部要求（见最后一页）。",
        "Note: this plan does not meet every requirement (see the last page).",
    ),
}
WEEKDAYS = {"zh": WEEKDAYS_ZH, "en": WEEKDAYS_EN}


def label(key: str, lang: str, **fmt: Any) -> str:
    """A fixed text of the exports in ``lang``, with ``{placeholders}`` filled from ``fmt``."""
    return bilingual(_LABELS, key, lang, **fmt)


def duration_text(minutes: float, lang: str) -> str:
    """``151`` -> ``2 h 31 min`` / ``2 小时 31 分``; under an hour ``45 min``."""
    m = round(minutes)
    if m < 60:
        return label("minutes", lang, m=m)
    h, rest = divmod(m, 60)
    return label("h", lang, h=h) if rest == 0 else label("hm", lang, h=h, m=rest)


def mode_text(mode: str, lang: str) -> str:
    key = f"mode_{mode}"
    return label(key, lang) if key in _LABELS else mode


def date_text(date: _dt.date, lang: str, *, weekday: bool = True) -> str:
    """``2027-04-06`` -> ``4月6日 周二`` / ``Tue 6 Apr 2027``."""
    wd = WEEKDAYS[lang][date.isoweekday() - 1]
    if lang == "en":
        base = f"{date.day} {date.strftime('%b')} {date.year}"
        return f"{wd} {base}" if weekday else base
    base = f"{date.year}年{date.month}月{date.day}日"
    return f"{base} {wd}" if weekday else base


def reason_text(reason: Any, lang: str, place: Place | None = None) -> str:
    """The reason a stop was left out, in ``lang``, rendered from its code (planner.reasons).

    ``reason`` is the plan's dropped entry (a dict with ``code``, ``params``, ``suggestions``);
    an entry without a code, or a bare string (a plan written before the codes), is shown as
    it was written. ``place`` gives the stop's own name in both languages.
    """
    from planner.reasons import migrate_dropped, namer, render_dropped

    if isinstance(reason, str):
        return reason
    entry = migrate_dropped(reason)
    base = namer(lang)

    def name(pid: str) -> str:
        if place is not None and pid == place.id:
            return place.name(lang)
        return base(pid)

    return render_dropped(entry, lang, name)


def money_text(amount: float | None, lang: str) -> str:
    if amount is None:
        return label("price_tbd", lang)
    return f"¥{amount:,.0f}" if lang == "en" else f"{amount:,.0f} 元"


# --------------------------------------------------------------------------- the resolved plan


@dataclass(frozen=True)
class Place:
    """A place of the plan with both names and a position."""

    id: str
    name_zh: str
    name_en: str
    lat: float
    lon: float
    kind: str = "place"
    open: str | None = None
    close: str | None = None
    closed_weekdays: tuple[int, ...] = ()
    ticket_cny: float | None = None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_zh

    def other_name(self, lang: str) -> str:
        """The name in the other language, when it differs."""
        other = self.name_zh if lang == "en" else self.name_en
        return "" if other == self.name(lang) else other

    def hours_text(self) -> str:
        return f"{self.open}–{self.close}" if self.open and self.close else ""


@dataclass
class Row:
    """One line of a day's program: a visit, a travel leg or a break, with real clock times."""

    kind: str  # "visit" | "travel" | "break"
    start: _dt.datetime
    end: _dt.datetime
    place: Place  # where the visit or break is; for travel, where it goes
    origin: Place | None = None  # travel: where it leaves from
    minutes: int = 0
    km: float = 0.0
    mode: str = ""
    path: list[tuple[float, float]] = field(default_factory=list)
    legs: list[dict] = field(default_factory=list)
    arrive: _dt.datetime | None = None  # visit: when the group gets there (before a wait)
    wait_minutes: int = 0
    estimate: bool = False
    break_kind: str = ""
    restaurant: Place | None = None  # break: where the meal is taken (planner.stay), when known
    stop_no: int = 0  # visits: number on the day's map (1-based per day)
    stop_no_trip: int = 0  # visits: number on the overview map (1-based over the trip)
    # visits across the whole lunch window: lunch at the site (start, end), inside start..end
    lunch: tuple[_dt.datetime, _dt.datetime] | None = None


@dataclass(frozen=True)
class Service:
    """What :mod:`planner.stay` arranged around a day: the night's hotel, lunch and dinner at a
    real place, the evening show; ``start``/``end`` None for the hotel."""

    kind: str  # "hotel" | "lunch" | "dinner" | "show"
    place: Place
    start: _dt.datetime | None = None
    end: _dt.datetime | None = None

    def text(self, lang: str) -> str:
        """``18:00–19:30 晚餐：草堂茶居（西江）`` / ``Hotel: Xijiang Yuetang Hotel``."""
        sep = ": " if lang == "en" else "："
        when = f"{self.start:%H:%M}–{self.end:%H:%M} " if self.start and self.end else ""
        return f"{when}{label('svc_' + self.kind, lang)}{sep}{self.place.name(lang)}"


@dataclass
class DayView:
    """One day ready to print: date, places, rows, totals; what :mod:`planner.stay` added (the
    hotel, meals and show as ``services``, the day's ``notes``) and the ``holiday`` it falls on."""

    index: int
    date: _dt.date
    start: Place
    overnight: Place
    rows: list[Row]
    last: bool = False
    services: list[Service] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    holiday: tuple[str, str] | None = None  # (zh, en) of a public holiday or make-up working day
    catalog: Any = field(default=None, repr=False, compare=False)  # names in the notes

    def service(self, kind: str) -> list[Service]:
        return [x for x in self.services if x.kind == kind]

    @property
    def hotel(self) -> Place | None:
        h = self.service("hotel")
        return h[0].place if h else None

    def holiday_text(self, lang: str) -> str:
        return "" if self.holiday is None else self.holiday[1 if lang == "en" else 0]

    def note_texts(self, lang: str, catalog=None, *, codes: tuple[str, ...] | None = None) -> list[str]:
        """The day's notes in words (only the ``codes`` given, when given)."""
        from planner.stay import note_text

        catalog = catalog if catalog is not None else self.catalog
        out = []
        for n in self.notes:
            if not isinstance(n, dict) or (codes is not None and n.get("code") not in codes):
                continue
            try:
                out.append(one_line(note_text(n, catalog, lang)))
            except (TypeError, ValueError, KeyError, AttributeError):
                out.append(one_line(str(n.get("code"))))
        return out

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def color(self) -> str:
        return day_color(self.index)

    def visits(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "visit"]

    def travels(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "travel"]

    @property
    def travel_minutes(self) -> int:
        return sum(r.minutes for r in self.travels())

    @property
    def km(self) -> float:
        return sum(r.km for r in self.travels())

    def path(self) -> list[tuple[float, float]]:
        """The day's route as (lat, lon) points along the network, joined leg to leg."""
        pts: list[tuple[float, float]] = []
        for r in self.travels():
            leg = r.path
            if len(leg) < 2 and r.origin is not None:
                leg = [(r.origin.lat, r.origin.lon), (r.place.lat, r.place.lon)]
            for p in leg:
                if not pts or pts[-1] != p:
                    pts.append(p)
        if not pts:
            pts = [(self.start.lat, self.start.lon)]
        return pts


_UNITS = {
    "ticket": ("张", "ticket"), "seat": ("座", "seat"), "room-night": ("间夜", "room-night"),
    "vehicle-day": ("车·天", "vehicle-day"), "km": ("km", "km"), "driver-day": ("司机·天", "driver-day"),
    "vehicle-km": ("车·km", "vehicle-km"), "guide-day": ("导游·天", "guide-day"),
    "person-day": ("人·天", "person-day"), "person-meal": ("人·餐", "person-meal"), "night": ("晚", "night"),
    "meal": ("餐", "meal"),
}


def unit_text(unit: str, lang: str) -> str:
    """A quote line's unit (``room-night`` ...) in ``lang``."""
    zh, en = _UNITS.get(unit, (unit, unit))
    return en if lang == "en" else zh


def season_text(season: str, lang: str) -> str:
    """A season id of data/rates/seasons.csv by its name in ``lang`` ("" for standard rates)."""
    if not season or season == "standard":
        return ""
    return _season_names().get(season, (season, season))[1 if lang == "en" else 0]


@lru_cache(maxsize=1)
def _season_names() -> dict[str, tuple[str, str]]:
    try:
        from planner.costing import load_rates

        return {s.id: (s.name_zh, s.name_en) for s in load_rates().seasons.ranges}
    except PlannerError:
        return {}


def short_title(title: str, limit: int = 120) -> str:
    """``title`` cut to ``limit`` characters with "…" (printed pages)."""
    return title if len(title) <= limit else title[: limit - 1] + "…"


@dataclass
class Itinerary:
    """A validated plan with every place resolved: what the exporters draw from."""

    plan: dict
    days: list[DayView]
    # (place, id, the dropped entry {code, params, suggestions, reason}, must): reason_text renders it
    dropped: list[tuple[Place | None, str, dict, bool]]
    title: str
    status: str
    totals: dict
    warnings: list[str]
    dates_given: bool

    @property
    def first_date(self) -> _dt.date | None:
        return self.days[0].date if self.days else None

    @property
    def last_date(self) -> _dt.date | None:
        return self.days[-1].date if self.days else None

    def visits(self) -> list[Row]:
        return [r for d in self.days for r in d.visits()]

    def overnights(self) -> list[tuple[DayView, Place]]:
        """(day, place) of every night: each day but the last ends at a hotel."""
        return [(d, d.overnight) for d in self.days if not d.last]

    def title_or_default(self, lang: str) -> str:
        return self.title or label("itinerary", lang)

    def print_title(self, lang: str) -> str:
        """The title as a printed page shows it: at most 120 characters (a longer one is cut with
        "…", so a page can always hold it); files other programs read keep it whole."""
        return short_title(self.title_or_default(lang))


def plan_dict(plan: Any) -> dict:
    """A Plan or plan dict -> the validated plan dict; ExportError naming the field when it is not a plan."""
    from planner.plan import Plan, plan_from_dict, plan_to_dict

    if isinstance(plan, Plan):
        obj = plan
    else:
        try:
            obj = plan_from_dict(plan)
        except PlannerError as exc:
            raise ExportError(f"not a valid plan: {exc.message}", field=exc.field) from None
    try:
        return plan_to_dict(obj)
    except (TypeError, ValueError, AttributeError, IndexError) as exc:
        raise ExportError(f"not a valid plan: {exc}") from None


def _clock(date: _dt.date, hhmm: str, field_name: str) -> _dt.datetime:
    try:
        h, m = hhmm.split(":")
        return _dt.datetime.combine(date, _dt.time()) + _dt.timedelta(hours=int(h), minutes=int(m))
    except (ValueError, AttributeError):
        raise ExportError(f"'{hhmm}' is not a time HH:MM", field=field_name) from None


def resolve_place(ref: str, catalog, places: dict, field_name: str) -> Place:
    """A plan place id -> Place (catalog spot, or a custom place of the plan)."""
    if catalog is not None and ref in catalog:
        s = catalog.spots[ref]
        return Place(
            id=s.id,
            name_zh=one_line(s.name_zh),
            name_en=one_line(s.name_en),
            lat=float(s.lat),
            lon=float(s.lon),
            kind=s.kind,
            open=s.open,
            close=s.close,
            closed_weekdays=tuple(s.closed_weekdays),
            ticket_cny=s.ticket_cny if s.kind == "attraction" else None,
        )
    p = places.get(ref)
    if isinstance(p, dict) and "lat" in p and "lon" in p:
        name = one_line(p.get("name") or ref)
        return Place(id=ref, name_zh=name, name_en=name, lat=float(p["lat"]), lon=float(p["lon"]), kind="custom")
    raise ExportError(f"unknown place '{ref}' (not in the catalog nor in the plan's places)", field=field_name)


def _optional_place(ref, catalog, places: dict) -> Place | None:
    """A place a plan may name (a restaurant, a hotel) that the catalog may no longer have."""
    if not ref:
        return None
    try:
        return resolve_place(str(ref), catalog, places, "place")
    except ExportError:
        return None


def build_itinerary(plan: Any, catalog=None) -> Itinerary:
    """Check ``plan`` and resolve every place and time; ExportError on anything an export cannot show.

    Every text of the plan is passed through :func:`planner.export.safe.clean_tree`: no exporter
    sees a control character from someone else's file."""
    d = clean_tree(plan_dict(plan))
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    places = d.get("places") or {}
    days: list[DayView] = []
    stop_trip = 0
    n_days = len(d["days"])
    for di, day in enumerate(d["days"]):
        where = f"days[{di}]"
        try:
            date = _dt.date.fromisoformat(day["date"])
        except ValueError:
            raise ExportError(f"'{day['date']}' is not a date YYYY-MM-DD", field=f"{where}.date") from None
        start = resolve_place(day["start"], catalog, places, f"{where}.start")
        overnight = resolve_place(day["overnight"], catalog, places, f"{where}.overnight")
        rows: list[Row] = []
        here = start
        stop_day = 0
        for ii, it in enumerate(day["items"]):
            f = f"{where}.items[{ii}]"
            t = it["type"]
            if t == "travel":
                origin = resolve_place(it["from"], catalog, places, f"{f}.from")
                dest = resolve_place(it["to"], catalog, places, f"{f}.to")
                rows.append(
                    Row(
                        kind="travel",
                        start=_clock(date, it["depart"], f"{f}.depart"),
                        end=_clock(date, it["arrive"], f"{f}.arrive"),
                        place=dest,
                        origin=origin,
                        minutes=int(it["minutes"]),
                        km=float(it["km"]),
                        mode=str(it.get("mode") or "drive"),
                        path=[(float(p[0]), float(p[1])) for p in it.get("path") or []],
                        legs=list(it.get("legs") or []),
                        estimate=bool(it.get("estimate")),
                    )
                )
                here = dest
            elif t == "visit":
                spot = resolve_place(it["id"], catalog, places, f"{f}.id")
                stop_day += 1
                stop_trip += 1
                rows.append(
                    Row(
                        kind="visit",
                        start=_clock(date, it["start"], f"{f}.start"),
                        end=_clock(date, it["end"], f"{f}.end"),
                        place=spot,
                        arrive=_clock(date, it["arrive"], f"{f}.arrive"),
                        wait_minutes=int(it.get("wait_minutes") or 0),
                        stop_no=stop_day,
                        stop_no_trip=stop_trip,
                        lunch=(
                            (_clock(date, it["lunch"][0], f"{f}.lunch"), _clock(date, it["lunch"][1], f"{f}.lunch"))
                            if it.get("lunch")
                            else None
                        ),
                    )
                )
                here = spot
            else:
                at = resolve_place(it["at"], catalog, places, f"{f}.at") if it.get("at") else here
                rows.append(
                    Row(
                        kind="break",
                        start=_clock(date, it["start"], f"{f}.start"),
                        end=_clock(date, it["end"], f"{f}.end"),
                        place=at,
                        break_kind=str(it.get("kind") or "lunch"),
                        restaurant=_optional_place(it.get("place"), catalog, places),
                    )
                )
            if rows[-1].end < rows[-1].start:
                raise ExportError("ends before it starts", field=f)
        services = _services(day, date, rows, catalog, places, last=di == n_days - 1, field_name=where)
        notes = [n for n in (day.get("notes") or []) if isinstance(n, dict)]
        days.append(DayView(di, date, start, overnight, rows, last=di == n_days - 1, services=services, notes=notes,
                            catalog=catalog, holiday=_holiday(notes, date, bool(d.get("start_date_given", True)))))
    dropped = []
    for k, x in enumerate(d.get("dropped") or []):
        try:
            place: Place | None = resolve_place(x["id"], catalog, places, f"dropped[{k}].id")
        except ExportError:
            place = None  # a dropped stop may be a place the catalog no longer has; still list it
        dropped.append((place, x["id"], dict(x), bool(x.get("must"))))
    return Itinerary(
        plan=d,
        days=days,
        dropped=dropped,
        title=one_line(d.get("title") or ""),
        status=str(d.get("status") or ""),
        totals=dict(d.get("totals") or {}),
        warnings=list(d.get("warnings") or []),
        dates_given=bool(d.get("start_date_given", True)),
    )


def _services(day: dict, date: _dt.date, rows: list[Row], catalog, places: dict, *, last: bool,
              field_name: str) -> list[Service]:
    """The hotel (not on the last day), lunch at a named place, then the evening's dinner and show."""
    out: list[Service] = []
    for r in rows:
        if r.kind == "break" and r.restaurant is not None:
            out.append(Service("lunch", r.restaurant, r.start, r.end))
    for k, ev in enumerate(day.get("evening") or []):
        if not isinstance(ev, dict) or ev.get("type") not in ("meal", "show"):
            continue
        place = _optional_place(ev.get("id"), catalog, places)
        if place is None:
            continue
        f = f"{field_name}.evening[{k}]"
        a, b = ev.get("start"), ev.get("end")
        start = _clock(date, str(a), f"{f}.start") if a else None
        end = _clock(date, str(b), f"{f}.end") if b else None
        out.append(Service("dinner" if ev["type"] == "meal" else "show", place, start, end))
    hotel = None if last else _optional_place(day.get("hotel"), catalog, places)
    if hotel is not None:
        out.insert(0, Service("hotel", hotel))
    return out


def _holiday(notes: list[dict], date: _dt.date, dates_given: bool) -> tuple[str, str] | None:
    """The holiday or make-up working day of a day: its ``holiday``/``makeup_workday`` note, else the
    calendar's (only when the plan's dates are real)."""
    for n in notes:
        raw = n.get("params")
        p: dict = raw if isinstance(raw, dict) else {}
        if n.get("code") == "holiday" and p.get("name_zh"):
            return one_line(p["name_zh"]), one_line(p.get("name_en") or p["name_zh"])
        if n.get("code") == "makeup_workday" and p.get("name_zh"):
            zh, en = str(p["name_zh"]), str(p.get("name_en") or p["name_zh"])
            return (one_line(zh if "调休" in zh else f"{zh}调休上班"),
                    one_line(en if "make-up" in en.lower() else f"{en} make-up working day"))
    if not dates_given:
        return None
    from planner.costing.lines import holiday_of

    zh, en = holiday_of(date)
    return (zh, en) if zh else None


def group_size_of(it: Itinerary, group_size: int | None = None) -> int | None:
    """The group size: given, in the totals, or (the costing rounds the per-person price up by a
    few yuan) the total price divided by the per-person price, rounded."""
    if group_size:
        return int(group_size)
    if it.totals.get("group_size"):
        return int(it.totals["group_size"])
    total, pp = it.totals.get("cost_cny"), it.totals.get("cost_per_person_cny")
    if total and pp:
        return max(1, round(float(total) / float(pp)))
    return None


# --------------------------------------------------------------------------- writing


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ExportError(f"unknown language '{lang}' (choose zh or en)", field="lang")
    return lang


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None], *, what: str, inputs=()) -> Path:
    """Call ``write(tmp)`` on a temporary file next to ``path``, then move it into place with the
    one safe writer (:func:`planner.io.write_file`): outputs that are inputs, folders, devices
    and read-only files are refused; on any failure the old file stays and no temporary remains.
    Problems are ExportError naming the file."""
    from planner import io as _io

    try:
        return _io.write_file(path, write, what=what, inputs=inputs)
    except ExportError:
        raise
    except PlannerError as exc:
        raise ExportError(exc.message, file=exc.file or str(path), field=exc.field) from None


def write_text(path: str | os.PathLike, text: str, *, what: str) -> Path:
    """Write ``text`` (UTF-8) atomically."""

    def w(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return write_atomic(path, w, what=what)


def plan_quote(plan: Any, catalog=None, *, group_size: int | None = None, quote: dict | None = None) -> dict | None:
    """The quotation to print with a plan: ``quote`` as given (the app's Costs panel), or one made
    with the default rates for ``group_size`` travellers (by default the plan's price ÷ price per
    person); None when the plan has no price."""
    if quote is not None:
        return quote
    d = plan_dict(plan)
    totals = d.get("totals") or {}
    total, per = totals.get("cost_cny"), totals.get("cost_per_person_cny")
    if group_size is None:
        if not total or not per:
            return None
        group_size = max(1, int(round(float(total) / float(per))))
    from planner.costing import Group, load_rates
    from planner.costing import quote as make_quote
    from planner.plan import plan_from_dict

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    try:
        return make_quote(plan_from_dict(d), Group(adults=int(group_size)), load_rates(), catalog).to_dict()
    except PlannerError:
        return None
