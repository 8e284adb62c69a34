"""Excel workbook export for the office: a summary sheet, one sheet per day, the places left out."""

from __future__ import annotations

import os
from pathlib import Path

from planner.export.common import (
    Itinerary,
    Row,
    build_itinerary,
    check_lang,
    group_size_of,
    label,
    mode_text,
    reason_text,
    season_text,
    unit_text,
    write_atomic,
)
from planner.export.safe import text_cells

_HEADER_FILL = "1F3A5F"
_TIME_FMT = "hh:mm"
_DATE_FMT = "yyyy-mm-dd"
_MONEY_FMT = "#,##0"


def _append(ws, values: list) -> None:
    """Add one row to a sheet: every cell this module writes goes through here (one place to
    escape text that a spreadsheet would take for a formula)."""
    ws.append(list(values))


def _notes(r: Row, day_date, lang: str) -> str:
    notes = []
    if r.kind == "visit" and r.wait_minutes:
        notes.append(label("wait", lang, t=f"{r.arrive:%H:%M}", m=r.wait_minutes))
    if r.kind == "visit" and r.lunch:
        notes.append(label("lunch_at_site", lang, t=f"{r.lunch[0]:%H:%M}–{r.lunch[1]:%H:%M}"))
    if r.kind == "break" and r.restaurant is not None:
        notes.append(r.restaurant.name(lang))
    if r.start.date() > day_date:
        notes.append(label("next_day", lang))
    if r.kind == "visit" and r.place.closed_weekdays:
        from planner.export.common import WEEKDAYS

        names = "、".join(WEEKDAYS[lang][d - 1] for d in r.place.closed_weekdays)
        notes.append(label("closed_on", lang, d=names))
    if r.kind == "travel":
        rail = [leg for leg in r.legs if leg.get("mode") == "rail"]
        for leg in rail:
            notes.append(f"{mode_text('rail', lang)} {leg.get('line') or ''}".strip())
        if r.estimate:
            notes.append(mode_text("estimate", lang))
    return "; ".join(notes)


def _what(r: Row, lang: str) -> str:
    if r.kind == "visit":
        return label("visit", lang)
    if r.kind == "break":
        return label("lunch", lang) if r.break_kind == "lunch" else r.break_kind
    return mode_text(r.mode, lang)


def export_xlsx(
    plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None, group_size: int | None = None,
    quote: dict | None = None, title: str | None = None,
) -> list[str]:
    """Write the plan as an Excel workbook (.xlsx).

    Sheets: a summary (facts and one line per day), one sheet per day (one row per visit,
    travel leg and break) and, when stops were dropped, the places left out with the reason.
    Times are real time cells (``hh:mm``), dates real dates, minutes, km and prices numbers;
    every sheet has set column widths and a frozen header row.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.xlsx`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional
    group_size : int, optional
        Shown in the summary; by default taken from the plan's prices.

    Returns
    -------
    list of str
        Warnings (none for this format).

    Raises
    ------
    ExportError
    """
    from openpyxl import Workbook

    check_lang(lang)
    it = build_itinerary(plan, catalog)
    from planner.export.common import plan_quote

    q = plan_quote(plan, catalog, group_size=group_size, quote=quote)
    if title:
        it.title = str(title)
    wb = Workbook()
    _summary_sheet(wb.active, it, lang, group_size, q)
    for day in it.days:
        _day_sheet(wb.create_sheet(label("day_n", lang, n=day.number).replace(" ", "")), day, lang)
    if it.dropped:
        ws = wb.create_sheet(label("dropped", lang)[:31])
        head = ["id", label("place", lang), label("reason", lang), "must"]
        _append(ws, head)
        for place, pid, reason, must in it.dropped:
            _append(ws, [pid, place.name(lang) if place else pid, reason_text(reason, lang, place), bool(must)])
        _finish(ws, [26, 30, 90, 8])
    if q:
        _costs_sheet(wb.create_sheet(label("q_sheet", lang)), q, lang)

    def write(tmp: Path) -> None:
        text_cells(wb)  # text from files stays text: never a formula, never a control character
        wb.save(tmp)

    write_atomic(Path(path), write, what="Excel workbook")
    return []


def _costs_sheet(ws, q: dict, lang: str) -> None:
    """The quotation: one row per cost item (numbers in cells), then the totals."""
    from openpyxl.styles import Font

    zh = lang == "zh"
    _append(ws, [label("q_item", lang), "单位" if zh else "unit", label("q_qty", lang), label("q_unit_price", lang),
               label("q_amount", lang), label("q_per_person", lang), "估算" if zh else "estimate",
               "费率来源" if zh else "rate", "季节" if zh else "season", "季节系数" if zh else "season factor",
               label("holiday", lang)])
    for line in q.get("lines", []):
        _append(ws, [line.get(f"what_{lang}") or line.get("what", ""), unit_text(str(line.get("unit", "")), lang),
                   float(line.get("quantity", 0)),
                   float(line.get("unit_price_cny", 0)), float(line.get("amount_cny", 0)),
                   float(line.get("per_person_cny", 0)), bool(line.get("estimate")), line.get("ref", ""),
                   season_text(str(line.get("season", "")), lang) or line.get("season", ""),
                   float(line.get("season_factor") or 1.0), line.get(f"holiday_{lang}") or None])
    _append(ws, [])
    size = (q.get("group") or {}).get("size", "")
    for key, value in ((label("q_net", lang), q.get("net_cost_cny")),
                       (label("q_margin", lang, p=float(q.get("margin_pct", 0))), q.get("margin_cny")),
                       (label("q_selling", lang), q.get("selling_price_cny")),
                       (label("q_pp", lang, n=size), q.get("price_per_person_cny"))):
        _append(ws, [key, "", "", "", float(value or 0)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for row in ws.iter_rows(min_row=2, min_col=3, max_col=6):
        for cell in row:
            cell.number_format = "#,##0.00"
    _finish(ws, [48, 12, 10, 14, 14, 14, 9, 28, 16, 10, 14])


def _style_header(ws) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    for cell in ws[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)


def _finish(ws, widths: list[float]) -> None:
    from openpyxl.utils import get_column_letter

    _style_header(ws)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A2"


def _summary_sheet(ws, it: Itinerary, lang: str, group_size: int | None, q: dict | None = None) -> None:
    ws.title = "总览" if lang == "zh" else "Summary"
    head = [
        label("day_n", lang, n="").strip() or "Day",
        label("date", lang),
        label("start", lang),
        label("overnight", lang),
        label("stops", lang),
        label("places", lang),
        label("travel", lang) + (" (min)" if lang == "en" else "（分钟）"),
        "km",
        label("svc_hotel", lang),
        label("holiday", lang),
    ]
    head[0] = "天" if lang == "zh" else "Day"
    _append(ws, head)
    for day in it.days:
        ov = day.overnight.name(lang)
        _append(ws,
            [
                day.number,
                day.date,
                day.start.name(lang),
                (label("end_of_trip", lang) + ": " + ov) if day.last else ov,
                len(day.visits()),
                "、".join(r.place.name(lang) for r in day.visits())
                if lang == "zh"
                else ", ".join(r.place.name(lang) for r in day.visits()),
                day.travel_minutes,
                round(day.km, 1),
                day.hotel.name(lang) if day.hotel is not None else None,
                day.holiday_text(lang) or None,
            ]
        )
        ws.cell(row=ws.max_row, column=2).number_format = _DATE_FMT
        ws.cell(row=ws.max_row, column=8).number_format = "0.0"
    # Trip facts below the table, label in column A and value in column B.
    n = group_size_of(it, group_size)
    facts: list[tuple[str, object, str | None]] = [
        (label("itinerary", lang), it.title_or_default(lang), None),
        (label("dates", lang), it.first_date, _DATE_FMT),
        ("", it.last_date, _DATE_FMT),
        (label("days", lang), len(it.days), None),
        (label("group", lang), n, None),
        *_price_facts(it, lang, q),
        (label("distance", lang) + " (km)", round(sum(d.km for d in it.days), 1), "0.0"),
        (
            label("travel_time", lang) + (" (min)" if lang == "en" else "（分钟）"),
            sum(d.travel_minutes for d in it.days),
            None,
        ),
        ("status", it.status, None),
    ]
    _append(ws, [])
    for name, value, fmt in facts:
        _append(ws, [name, value])
        if fmt:
            ws.cell(row=ws.max_row, column=2).number_format = fmt
    _finish(ws, [14, 14, 18, 22, 8, 70, 14, 10, 26, 16])


def _price_facts(it: Itinerary, lang: str, q: dict | None) -> list[tuple[str, object, str | None]]:
    """The prices of the quote (the package's: the same numbers as every other document)."""
    from planner.export.tourinfo import t

    if not q:
        return [(label("price_total", lang), it.totals.get("cost_cny"), _MONEY_FMT),
                (label("price_pp", lang), it.totals.get("cost_per_person_cny"), _MONEY_FMT)]
    out: list[tuple[str, object, str | None]] = [
        (label("price_total", lang), round(float(q.get("selling_price_cny") or 0), 2), _MONEY_FMT),
        (label("price_pp", lang), q.get("price_per_person_cny"), _MONEY_FMT),
    ]
    cats = q.get("price_per_category_cny") or {}
    if len(cats) > 1:
        out += [(f"{label('price_pp', lang)} · {t(c, lang)}", v, _MONEY_FMT) for c, v in cats.items()]
    if q.get("single_supplement_cny"):
        out.append((label("q_single", lang), q["single_supplement_cny"], _MONEY_FMT))
    cur = q.get("currency")
    if cur:
        prices = q.get("prices") or {}
        code = cur["code"]
        out.append((f"{label('price_pp', lang)} ({code})", prices.get(f"price_per_person_{code.lower()}"), _MONEY_FMT))
    foc = q.get("foc") or {}
    if foc.get("free_places"):
        out.append(("FOC", t("foc", lang, n=foc["free_places"], per=foc["per"]), None))
    return out


def _day_sheet(ws, day, lang: str) -> None:
    _append(ws,
        [
            "#",
            label("time", lang) + (" (start)" if lang == "en" else "（开始）"),
            label("time", lang) + (" (end)" if lang == "en" else "（结束）"),
            label("what", lang),
            label("place", lang),
            "名称（英文）" if lang == "zh" else "Name (Chinese)",
            label("travel", lang) + (" (min)" if lang == "en" else "（分钟）"),
            "km",
            label("hours", lang),
            label("ticket", lang) + " (CNY)",
            label("notes", lang),
            "id",
        ]
    )
    for r in day.rows:
        if r.kind == "travel":
            place = f"{r.origin.name(lang)} → {r.place.name(lang)}"
            other = (
                f"{r.origin.other_name(lang) or r.origin.name(lang)} → {r.place.other_name(lang) or r.place.name(lang)}"
            )
        else:
            place, other = r.place.name(lang), r.place.other_name(lang)
        _append(ws,
            [
                r.stop_no if r.kind == "visit" else None,
                r.start.time(),
                r.end.time(),
                _what(r, lang),
                place,
                other,
                r.minutes if r.kind == "travel" else None,
                round(r.km, 1) if r.kind == "travel" else None,
                r.place.hours_text() if r.kind == "visit" else None,
                r.place.ticket_cny if r.kind == "visit" else None,
                _notes(r, day.date, lang) or None,
                r.place.id if r.kind != "travel" else None,
            ]
        )
        row = ws.max_row
        ws.cell(row=row, column=2).number_format = _TIME_FMT
        ws.cell(row=row, column=3).number_format = _TIME_FMT
        ws.cell(row=row, column=8).number_format = "0.0"
        ws.cell(row=row, column=10).number_format = _MONEY_FMT
    for svc in day.services:  # the evening (planner.stay): dinner and the show, with their times
        if svc.kind not in ("dinner", "show") or svc.start is None or svc.end is None:
            continue
        _append(ws, [None, svc.start.time(), svc.end.time(), label("svc_" + svc.kind, lang), svc.place.name(lang),
                     svc.place.other_name(lang), None, None, None, None, None, svc.place.id])
        ws.cell(row=ws.max_row, column=2).number_format = _TIME_FMT
        ws.cell(row=ws.max_row, column=3).number_format = _TIME_FMT
    _append(ws, [])
    ov = day.overnight
    hotel = day.hotel
    _append(ws,
        [None, None, None, label("end_of_trip" if day.last else "overnight", lang), ov.name(lang), ov.other_name(lang),
         None, None, None, None,
         f"{label('svc_hotel', lang)}{'：' if lang == 'zh' else ': '}{hotel.name(lang)}" if hotel is not None else None,
         hotel.id if hotel is not None else None]
    )
    if day.holiday_text(lang):
        _append(ws, [None, None, None, label("holiday", lang), day.holiday_text(lang)])
    for text in day.note_texts(lang):
        _append(ws, [None, None, None, label("notes", lang), text])
    _finish(ws, [5, 10, 10, 12, 34, 34, 12, 8, 14, 12, 36, 26])
