"""The tour order sheet (派团单) a Guizhou ground operator sends its guide and driver, as XLSX or PDF.

Group (组团社, 团号, headcount by category, leader), the trains with their times, the vehicle and
its plate, driver and guide with phones, and per day: the route with times, the meals (早/中/晚
with the standard), the hotel with its phone, the tickets to buy and the notes.
"""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from planner.domain import bilingual
from planner.errors import ExportError
from planner.export import tourinfo as ti
from planner.export.common import DayView, build_itinerary, check_lang, date_text, label, short_title, write_atomic

_L = {
    "title": ("派团单", "Tour order"),
    "group": ("团队", "Group"),
    "dates": ("日期", "Dates"),
    "headcount": ("人数", "Headcount"),
    "vehicle": ("车辆", "Vehicle"),
    "trains": ("火车", "Trains"),
    "train_no": ("车次", "Train"),
    "from": ("出发站", "From"),
    "to": ("到达站", "To"),
    "depart": ("开车", "Departs"),
    "arrive": ("到达", "Arrives"),
    "tbc": ("待定", "to be confirmed"),
    "day": ("天", "Day"),
    "date": ("日期", "Date"),
    "route": ("行程（时间）", "Route (times)"),
    "hotel": ("酒店", "Hotel"),
    "hotel_phone": ("酒店电话", "Hotel phone"),
    "tickets": ("需购门票", "Tickets to buy"),
    "notes": ("备注", "Notes"),
    "none": ("无", "none"),
    "wait": ("候开门 {m} 分钟", "wait {m} min for opening"),
    "closed": ("{d}闭馆", "closed {d}"),
}


def _t(key: str, lang: str, **fmt) -> str:
    return bilingual(_L, key, lang, **fmt)


@dataclass
class Train:
    day: int
    date: _dt.date
    number: str
    line: str
    from_name: str
    to_name: str
    depart: str
    arrive: str


@dataclass
class OrderDay:
    number: int
    date: _dt.date
    route: str
    meals: dict[str, str]
    hotel: str
    hotel_phone: str
    tickets: str
    notes: str


@dataclass
class TourOrder:
    """Everything the sheet shows, in the order it shows it (XLSX and PDF draw from this)."""

    title: str
    header: list[tuple[str, str]]
    trains: list[Train] = field(default_factory=list)
    days: list[OrderDay] = field(default_factory=list)


def _clock(t: _dt.datetime, minutes: float) -> str:
    return (t + _dt.timedelta(minutes=round(minutes))).strftime("%H:%M")


def _trains(it, tour: dict, catalog, lang: str) -> list[Train]:
    """Rail legs of the plan with their times (from the travel item's departure and the legs'
    minutes) and numbers (``tour.trains`` in order per day, else "to be confirmed")."""
    from planner.export.common import resolve_place

    given: dict[int, list[dict]] = {}
    for x in tour.get("trains") or []:
        given.setdefault(x.get("day"), []).append(x)
    out: list[Train] = []
    places = it.plan.get("places") or {}
    for d in it.days:
        k = 0
        for r in d.travels():
            elapsed = 0.0
            for leg in r.legs:
                mins = float(leg.get("minutes") or 0)
                if leg.get("mode") == "rail":
                    info = (given.get(d.number) or [])[k:k + 1]
                    num = (info[0].get("number") if info else "") or leg.get("train") or _t("tbc", lang)

                    def name(pid: str) -> str:
                        try:
                            return resolve_place(pid, catalog, places, "legs").name(lang)
                        except ExportError:
                            return pid

                    out.append(Train(d.number, d.date, str(num), str(leg.get("line") or ""), name(leg["from"]),
                                     name(leg["to"]), (info[0].get("depart") if info else "") or _clock(r.start, elapsed),
                                     (info[0].get("arrive") if info else "") or _clock(r.start, elapsed + mins)))
                    k += 1
                elapsed += mins
    return out


def _route(d: DayView, lang: str) -> str:
    """``08:00 贵阳 → 08:58 黔灵山公园 08:58–11:28 → ...``: each stop with its times."""
    parts = [f"{d.rows[0].start:%H:%M} {d.start.name(lang)}" if d.rows else d.start.name(lang)]
    for r in d.rows:
        if r.kind == "visit":
            parts.append(f"{r.place.name(lang)} {r.start:%H:%M}–{r.end:%H:%M}")
        elif r.kind == "travel" and r.place.kind != "attraction":
            parts.append(f"{r.place.name(lang)} {r.end:%H:%M}")
    return " → ".join(parts)


def _tickets(d: DayView, lang: str, size: int) -> str:
    sep = "；" if lang == "zh" else "; "
    items = []
    for r in d.visits():
        price = r.place.ticket_cny
        if price:
            items.append(f"{r.place.name(lang)} {price:g}{'元' if lang == 'zh' else ' CNY'} × {size}")
    return sep.join(items) or _t("none", lang)


def _notes(d: DayView, plan_day: dict, lang: str) -> str:
    from planner.export.common import WEEKDAYS

    notes = []
    if d.holiday_text(lang):  # the day's holiday first: crowds, seasonal rates
        notes.append(f"{label('holiday', lang)}{'：' if lang == 'zh' else ': '}{d.holiday_text(lang)}")
    notes += [x.text(lang) for x in d.service("show")]
    for r in d.visits():
        if r.wait_minutes:
            notes.append(f"{r.place.name(lang)} {_t('wait', lang, m=r.wait_minutes)}")
        if r.place.closed_weekdays:
            days = "、".join(WEEKDAYS[lang][w - 1] for w in r.place.closed_weekdays)
            notes.append(f"{r.place.name(lang)} {_t('closed', lang, d=days)}")
    if isinstance(plan_day.get("notes"), str) and plan_day["notes"].strip():
        notes.append(plan_day["notes"].strip())
    notes += [x for x in d.note_texts(lang) if x not in notes and not x.startswith(("法定节假日", "Public holiday"))]
    return ("；" if lang == "zh" else "; ").join(notes)


def _header(it, quote: dict | None, tour: dict, lang: str, vehicles_text: str) -> list[tuple[str, str]]:
    def person(role: str) -> str:
        p = tour.get(role) or {}
        return " ".join(x for x in (p.get("name", ""), p.get("phone", "")) if x)

    dates = f"{date_text(it.first_date, lang)} – {date_text(it.last_date, lang)}"
    return [
        (ti.t("agency", lang), tour.get("agency", "")),
        (ti.t("tour_code", lang), tour.get("tour_code", "")),
        (_t("dates", lang), dates),
        (_t("headcount", lang), ti.group_text(quote, lang, None)),
        (ti.t("leader", lang), person("leader")),
        (ti.t("operator", lang), person("operator")),
        (_t("vehicle", lang), vehicles_text),
        (ti.t("plate", lang), (tour.get("driver") or {}).get("plate", "")),
        (ti.t("driver", lang), person("driver")),
        (ti.t("guide", lang), person("guide")),
        (ti.t("emergency", lang), tour.get("emergency_phone", "")),
        (_t("notes", lang), tour.get("notes", "")),
    ]


def _vehicles_text(quote: dict | None, lang: str) -> str:
    if not quote or not quote.get("vehicles"):
        return ""
    try:
        from planner.costing import load_rates

        names = {v.id: (v.name_en if lang == "en" else v.name_zh) for v in load_rates().vehicles.values()}
    except Exception:  # noqa: BLE001 - a name is a nicety; the id will do
        names = {}
    return " + ".join(f"{names.get(v['id'], v['id'])}" + (f" ×{v['count']}" if v["count"] > 1 else "")
                      for v in quote["vehicles"])


def tour_order(plan, *, lang: str = "zh", catalog=None, quote: dict | None = None, tour: dict | None = None,
               title: str | None = None) -> TourOrder:
    """The tour order sheet's content for a plan (see the module's docstring)."""
    check_lang(lang)
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    it = build_itinerary(plan, catalog)
    if not it.days:
        raise ExportError("the plan has no days to send out", field="days")
    tour = dict(tour or {})
    size = int(((quote or {}).get("group") or {}).get("size") or 0) or (it.totals.get("group_size") or 0)
    cls = ((quote or {}).get("group") or {}).get("hotel_class") or "comfort"
    has_meals = any(x.get("kind") == "meals" for x in (quote or {}).get("lines", [])) or not quote
    days = []
    for d in it.days:
        plan_day = it.plan["days"][d.index]
        if d.last:
            hotel = ti.Hotel(label("end_of_trip", lang))
        else:
            hotel = ti.day_hotel(tour, plan_day, d.number, d.overnight.name(lang), lang, cls, catalog)
        days.append(OrderDay(d.number, d.date, _route(d, lang), ti.day_meals(tour, plan_day, d.number, lang,
                                                                                has_meals=has_meals, catalog=catalog),
                             hotel.name, hotel.phone, _tickets(d, lang, size), _notes(d, plan_day, lang)))
    head = _header(it, quote, tour, lang, _vehicles_text(quote, lang))
    name = f"{_t('title', lang)} · {short_title(title or it.title_or_default(lang))}"
    return TourOrder(name, head, _trains(it, tour, catalog, lang), days)


# --------------------------------------------------------------------------- XLSX

def _day_head(lang: str) -> list[str]:
    return [_t("day", lang), _t("date", lang), _t("route", lang), ti.t("breakfast", lang), ti.t("lunch", lang),
            ti.t("dinner", lang), _t("hotel", lang), _t("hotel_phone", lang), _t("tickets", lang), _t("notes", lang)]


def _train_head(lang: str) -> list[str]:
    return [_t("day", lang), _t("date", lang), _t("train_no", lang), _t("from", lang), _t("to", lang),
            _t("depart", lang), _t("arrive", lang)]


def write_xlsx(order: TourOrder, path, lang: str) -> None:
    """One sheet: the header fields (label in A, value in B), the trains, then a row per day."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from planner.export.xlsx import _append

    wb = Workbook()
    ws = wb.active
    ws.title = _t("title", lang)
    _append(ws, [order.title])
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for k, v in order.header:
        _append(ws, [k, v])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    heads = []
    _append(ws, [])
    _append(ws, [_t("trains", lang)])
    _append(ws, _train_head(lang))
    heads.append(ws.max_row)
    for tr in order.trains:
        _append(ws, [tr.day, tr.date, tr.number, tr.from_name, tr.to_name, tr.depart, tr.arrive])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
    _append(ws, [])
    _append(ws, _day_head(lang))
    heads.append(ws.max_row)
    for d in order.days:
        m = d.meals
        _append(ws, [d.number, d.date, d.route, m["breakfast"] or ti.t("not_included", lang),
                     m["lunch"] or ti.t("not_included", lang), m["dinner"] or ti.t("not_included", lang), d.hotel,
                     d.hotel_phone, d.tickets, d.notes])
        ws.cell(row=ws.max_row, column=2).number_format = "yyyy-mm-dd"
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in heads:
        for cell in ws[r]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F3A5F")
    from openpyxl.utils import get_column_letter

    for i, w in enumerate([14, 22, 60, 12, 14, 14, 26, 16, 36, 30], start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    write_atomic(Path(path), lambda tmp: wb.save(tmp), what="tour order sheet")


# --------------------------------------------------------------------------- PDF

def write_pdf(order: TourOrder, path, lang: str) -> list[str]:
    """The same sheet on A4 landscape-wide tables (no maps: it is a working paper)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    from planner.export import pdfkit

    warnings: list[str] = []
    font, _ = pdfkit.register_font(warnings)
    st = pdfkit.styles(font, lang)
    P = pdfkit.para
    width = pdfkit.PAGE_WIDTH - 2 * pdfkit.PAGE_MARGIN
    story: list = [P(order.title, st["h1"]), Spacer(1, 2 * mm)]
    rows = [[P(k, st["fact_k"]), P(v or "—", st["cell"]), P(k2, st["fact_k"]), P(v2 or "—", st["cell"])]
            for (k, v), (k2, v2) in zip(order.header[0::2], order.header[1::2] + [("", "")])]
    story += [pdfkit.grid(rows, [14, 36, 14, 36], width, head=False), Spacer(1, 4 * mm)]
    story.append(P(_t("trains", lang), st["h2"]))
    trows = [[P(h, st["cell_head"]) for h in _train_head(lang)]]
    trows += [[P(str(x), st["cell"]) for x in (tr.day, date_text(tr.date, lang, weekday=False), tr.number,
                                                  tr.from_name, tr.to_name, tr.depart, tr.arrive)]
              for tr in order.trains]
    if not order.trains:
        trows.append([P(_t("none", lang), st["cell"])] + [P("", st["cell"])] * 6)
    story += [pdfkit.grid(trows, [6, 16, 14, 20, 20, 10, 10], width), Spacer(1, 4 * mm)]
    drows = [[P(h, st["cell_head"]) for h in _day_head(lang)]]
    for d in order.days:
        m = d.meals
        cells = [d.number, date_text(d.date, lang, weekday=False), d.route, m["breakfast"] or ti.t("not_included", lang),
                 m["lunch"] or ti.t("not_included", lang), m["dinner"] or ti.t("not_included", lang), d.hotel,
                 d.hotel_phone, d.tickets, d.notes]
        drows.append([P(str(x), st["cell"]) for x in cells])
    story.append(pdfkit.grid(drows, [5, 12, 40, 8, 8, 8, 16, 12, 20, 16], width, zebra=True))
    pdfkit.build(path, story, title=order.title, subject=_t("title", lang), lang=lang, font=font)
    return warnings


def export_tour_order(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None, quote: dict | None = None,
                      tour: dict | None = None, title: str | None = None, fmt: str | None = None) -> list[str]:
    """Write the tour order sheet; ``fmt`` "xlsx" or "pdf" (default: by the file name). Returns warnings."""
    suffix = f".{fmt}" if fmt else Path(path).suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ExportError("the tour order sheet is written as .xlsx or .pdf", file=str(path))
    order = tour_order(plan, lang=lang, catalog=catalog, quote=quote, tour=tour, title=title)
    if suffix == ".xlsx":
        write_xlsx(order, path, lang)
        return []
    return write_pdf(order, path, lang)
