"""The red-route test report as a PDF: figures, map with the Long March events, timeline (zh or en).

Built with the PDF kit (planner.export.pdfkit) the itinerary uses too: the same embedded CJK font,
styles, colours, page furniture, map snapshots (``python -m ui.snapshot`` in a subprocess) and
atomic write.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planner.report import hours, label, missed_reason, name_of

REPORT_MAP_PX = (900, 640)

_L = {
    "subtitle": ("红色线路测试报告", "Red-route test report"),
    "figures": ("主要数据", "Figures"),
    "days": ("天数", "Days"),
    "status": ("方案状态", "Plan status"),
    "covered_n": ("已覆盖红色景点", "Red sites covered"),
    "order": ("长征历史顺序", "Long March order"),
    "order_yes": ("符合", "kept"),
    "order_no": ("{n} 对颠倒", "{n} pair(s) out of order"),
    "order_enforced": ("（优化时强制）", " (enforced)"),
    "drive": ("驾车时间", "Hours driving"),
    "rail": ("高铁时间", "Hours on trains"),
    "sites": ("景点游览时间", "Hours at sites"),
    "km": ("总里程", "Distance"),
    "map": ("线路与长征事件（按日期编号）", "Route and Long March events (numbered by date)"),
    "map_note": (
        "圆形数字为游览顺序（颜色为日程），方框数字为长征事件编号，见下文大事记。",
        "Round numbers: the visiting order (coloured by day). Boxed numbers: Long March events, see the timeline.",
    ),
    "covered": ("已覆盖的红色景点", "Red sites covered"),
    "missed": ("未覆盖的红色景点", "Red sites missed"),
    "dropped": ("已列入但未排入", "Requested but left out"),
    "not_requested": ("未列入本线路", "Not requested"),
    "day": ("日程", "Day"),
    "site": ("景点", "Site"),
    "first_event": ("排序依据的事件", "Ordered by event"),
    "reason": ("原因", "Reason"),
    "no_event": ("无纪年事件", "no dated event"),
    "history": ("历史顺序检查", "Historical order"),
    "follows": (
        "红色景点按长征事件的先后顺序游览（检查 {n} 对）。",
        "The red sites are visited in the order of the Long March events ({n} pairs checked).",
    ),
    "breaks": (
        "有 {k} 对红色景点的游览顺序与事件先后相反（检查 {n} 对）：",
        "{k} pair(s) of red sites are visited against the order of events ({n} pairs checked):",
    ),
    "pair": ("先游 {b}（{bd}），后游 {a}（{ad}）", "{b} ({bd}) visited before {a} ({ad})"),
    "undated": (
        "以下红色景点没有纪年事件，不参与顺序检查：",
        "Red sites with no dated event, not part of the order check: ",
    ),
    "compare": ("与自由排序比较", "Compared with a free order"),
    "compare_intro": (
        "相同的游览景点，不受历史顺序、固定顺序与先后规则约束重新优化。",
        "The same visits planned again with no historical order, no fixed order and no 'after' rules.",
    ),
    "given": ("本方案", "This plan"),
    "free": ("自由排序", "Free order"),
    "historical": ("历史顺序", "Historical order"),
    "travel": ("路上时间", "Travel"),
    "pairs": ("颠倒对数", "Pairs out of order"),
    "saves": (
        "自由排序节省 {m} 分钟路上时间（{km} km）{d}，代价是 {p} 对历史顺序颠倒。",
        "A free order saves {m} min of travel ({km} km){d} and puts {p} historical pair(s) out of order.",
    ),
    "saves_days": ("和 {n} 天", " and {n} day(s)"),
    "free_order": ("自由排序下的红色景点顺序：", "Red sites in the free order: "),
    "timeline": ("长征在贵州大事记", "The Long March in Guizhou: timeline"),
    "no": ("编号", "No."),
    "dates": ("日期", "Dates"),
    "event": ("事件", "Event"),
    "visited": ("本线路", "On route"),
    "notes": ("说明", "Notes"),
    "source": (
        "事件日期与地点：data/scenic_spots/long_march_events.csv（每条附来源）；景点：QianTu 景点目录。",
        "Event dates and places: data/scenic_spots/long_march_events.csv (each row sourced); sites: the QianTu catalog.",
    ),
    "dates_tbd": ("日期待定", "dates to be set"),
}


def _t(key: str, lang: str, **fmt) -> str:
    zh, en = _L[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text


def title_in(title: str, lang: str) -> str:
    """The part of a bilingual title ``中文 · English`` in ``lang`` (the whole title otherwise)."""
    if " · " in title:
        zh, en = title.split(" · ", 1)
        return en if lang == "en" else zh
    return title


def _map_page(plan, catalog, lang: str) -> str:
    """The report map made for paper: no zoom buttons or animation, framed on route and events."""
    from planner.mapping import frame, render_html
    from planner.report import report_map

    m = report_map(plan, catalog, lang=lang, legend=False)
    for opt in ("zoom_control", "zoom_animation", "fade_animation", "marker_zoom_animation", "attribution_control"):
        m.options[opt] = False
    from planner.history import load_events

    pts = [(catalog.get(e.site_id).lat, catalog.get(e.site_id).lon) for e in load_events(catalog=catalog)]
    for d in plan.days:
        for it in d.items:
            pts.extend((p[0], p[1]) for p in (getattr(it, "path", None) or []))
    frame(m, pts, padding_top_left=(40, 40), padding_bottom_right=(40, 30), max_zoom=10)
    return render_html(m, inline=True)


def export_report_pdf(
    report: dict,
    plan,
    path: str | os.PathLike,
    *,
    catalog=None,
    lang: str = "zh",
    maps: bool = True,
) -> str:
    """Write the route report (A4) atomically.

    Parameters
    ----------
    report : dict
        From :func:`planner.report.route_report`.
    plan : Plan
        The plan the report is about (for the map).
    path : path of the ``.pdf``
    lang : {"zh", "en"}
    maps : bool
        Draw the map (``python -m ui.snapshot`` in a subprocess).

    Returns
    -------
    str
        Empty, or why the map is missing (the PDF then says so where it would be).

    Raises
    ------
    ExportError
        The file cannot be written; no file is left behind.
    """
    from planner.export.common import check_lang
    from planner.export.pdfkit import MapImage, register_font, render_maps

    check_lang(lang)
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    warnings: list[str] = []
    font, _embedded = register_font(warnings)
    why = ""
    with tempfile.TemporaryDirectory(prefix="qiantu-report-") as scratch:
        img = MapImage(None, *REPORT_MAP_PX)
        if maps and plan.days:
            try:
                pngs, errors = render_maps([(_map_page(plan, catalog, lang), *REPORT_MAP_PX)], Path(scratch))
                img.png = pngs[0]
            except (OSError, ValueError, ImportError) as exc:
                errors = [f"the map could not be built: {exc}"]
            if errors:
                why = errors[0].removeprefix("ui.snapshot: ")
        else:
            why = "map turned off" if lang == "en" else "未启用地图"
        story = _story(report, catalog, lang, font, img, why)
        _build(story, path, report, lang, font)
    return why if img.png is None else ""


def _build(story, path, report: dict, lang: str, font: str) -> None:
    from reportlab.lib.units import mm

    from planner.export.pdfkit import build

    title = title_in(report.get("title") or "", lang) or _t("subtitle", lang)
    build(path, story, title=f"{title} — {_t('subtitle', lang)}", subject=_t("subtitle", lang), lang=lang,
          font=font, running_title=title, margins=(16 * mm, 16 * mm, 17 * mm))


def _table(rows, widths, width, *, head=True, zebra=True):
    from planner.export.pdfkit import grid

    return grid(rows, widths, width, head=head, zebra=zebra, pad=2.5, valign="MIDDLE")


def _story(report: dict, catalog, lang: str, font: str, img, why: str) -> list:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer, Table, TableStyle

    from planner.export.pdfkit import BRAND, RULE
    from planner.export.pdfkit import map_flowable as _map_flowable
    from planner.export.pdfkit import para as _p
    from planner.export.pdfkit import styles as _styles

    st = _styles(font, lang)
    width = A4[0] - 32 * mm
    en = lang == "en"
    sep = ", " if en else "、"
    red, hist, tm = report["red"], report["history"], report["time"]

    def nm(sid: str) -> str:
        return catalog.get(sid).name(lang) if sid in catalog else sid

    story: list = []
    # --- title band
    sub = _t("subtitle", lang) + " · " + (f"{report['days']} days" if en else f"{report['days']} 天")
    if report.get("dates") and report.get("start_date_given"):
        sub += f" · {report['dates'][0]} – {report['dates'][1]}"
    band = Table(
        [
            [_p(title_in(report.get("title") or "", lang) or _t("subtitle", lang), st["cover_title"])],
            [_p(sub, st["cover_sub"])],
        ],
        colWidths=[width],
    )
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HexColor(BRAND)),
                ("LEFTPADDING", (0, 0), (-1, -1), 7 * mm),
                ("TOPPADDING", (0, 0), (0, 0), 6 * mm),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 5 * mm),
                ("LINEBELOW", (0, -1), (-1, -1), 3, HexColor("#c0392b")),
            ]
        )
    )
    story += [band, Spacer(1, 4 * mm)]

    # --- the figures
    broken = len(hist["out_of_order"])
    order_text = _t("order_yes", lang) if not broken else _t("order_no", lang, n=broken)
    if hist["follow_history"]:
        order_text += _t("order_enforced", lang)
    facts = [
        (_t("days", lang), str(report["days"])),
        (_t("covered_n", lang), f"{len(red['covered'])} / {red['catalog_total']}"),
        (_t("order", lang), order_text),
        (_t("drive", lang), hours(tm["drive_minutes"], lang)),
        (_t("sites", lang), hours(tm["visit_minutes"], lang)),
        (_t("km", lang), f"{tm['km']:,.0f} km"),
    ]
    if tm.get("rail_minutes"):
        facts[0] = (_t("rail", lang), hours(tm["rail_minutes"], lang))
    grid = []
    for i in (0, 3):
        grid.append([_p(k, st["fact_k"]) for k, _ in facts[i : i + 3]])
        grid.append([_p(v, st["fact_v"]) for _, v in facts[i : i + 3]])
    g = Table(grid, colWidths=[width / 3] * 3)
    g.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 1), (-1, 1), 0.5, HexColor(RULE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 4),
                ("TOPPADDING", (0, 2), (-1, 2), 4),
            ]
        )
    )
    story += [g, Spacer(1, 3 * mm)]

    # --- the map
    story.append(_p(_t("map", lang), st["h2"]))
    story.append(_map_flowable(img, width, st, lang, why))
    story.append(Spacer(1, 1.5 * mm))
    story.append(_p(_t("map_note", lang), st["note"]))

    # --- covered
    story.append(CondPageBreak(40 * mm))
    story.append(_p(f"{_t('covered', lang)} ({len(red['covered'])})", st["h2"]))
    if red["covered"]:
        rows = [[_p(h, st["cell_head"]) for h in (_t("day", lang), _t("site", lang), _t("first_event", lang))]]
        first = {e["site_id"]: e for e in reversed(report["events"])}
        for c in red["covered"]:
            ev = c.get("ordered_by") or first.get(c["id"])  # the event the visit was ordered by
            evt = f"{ev['date_start']} {name_of(ev, lang)}" if ev else _t("no_event", lang)
            day = f"Day {c['day']}" if en else f"第 {c['day']} 天"
            rows.append([_p(day, st["cell"]), _p(name_of(c, lang), st["cell"]), _p(evt, st["cell"])])
        story.append(_table(rows, [14, 60, 70], width))

    # --- missed
    dropped = [m for m in red["missed"] if m["why"] == "dropped"]
    not_req = [m for m in red["missed"] if m["why"] != "dropped"]
    block = [_p(f"{_t('missed', lang)} ({len(red['missed'])})", st["h2"])]
    if dropped:
        rows = [[_p(h, st["cell_head"]) for h in (_t("dropped", lang), _t("reason", lang))]]
        rows += [[_p(name_of(m, lang), st["cell"]), _p(missed_reason(m, lang), st["cell"])] for m in dropped]
        block += [_table(rows, [50, 94], width), Spacer(1, 2 * mm)]
    if not_req:
        block.append(
            _p(
                f"{_t('not_requested', lang)}{': ' if en else '：'}" + sep.join(name_of(m, lang) for m in not_req),
                st["base"],
            )
        )
    story.append(KeepTogether(block))

    # --- historical order
    block = [_p(_t("history", lang), st["h2"])]
    if not broken:
        block.append(_p(_t("follows", lang, n=hist["pairs_checked"]), st["base"]))
    else:
        block.append(_p(_t("breaks", lang, k=broken, n=hist["pairs_checked"]), st["base"]))
        for p in hist["out_of_order"]:
            a, b = p["first"], p["then"]
            block.append(
                _p(
                    "• " + _t("pair", lang, a=name_of(a, lang), ad=a["date"], b=name_of(b, lang), bd=b["date"]),
                    st["base"],
                )
            )
    if hist["visited_order"]:
        block.append(Spacer(1, 1.5 * mm))
        block.append(_p(" → ".join(nm(s) for s in hist["visited_order"]), st["sub"]))
    if hist["undated"]:
        block.append(_p(_t("undated", lang) + sep.join(nm(s) for s in hist["undated"]), st["note"]))
    story.append(KeepTogether(block))

    # --- compare
    cmp_ = report.get("compare")
    if cmp_ and cmp_.get("given"):
        block = [_p(_t("compare", lang), st["h2"]), _p(_t("compare_intro", lang), st["note"]), Spacer(1, 1.5 * mm)]
        cols = [("given", cmp_["given"]), ("free", cmp_["free"])]
        if cmp_.get("historical"):
            cols.append(("historical", cmp_["historical"]))
        rows = [[_p("", st["cell_head"])] + [_p(_t(k, lang), st["cell_head"]) for k, _ in cols]]
        rows.append(
            [_p(_t("travel", lang), st["cell"])] + [_p(hours(c["travel_minutes"], lang), st["cell"]) for _, c in cols]
        )
        rows.append([_p(_t("km", lang), st["cell"])] + [_p(f"{c['km']:,.0f} km", st["cell"]) for _, c in cols])
        rows.append([_p(_t("days", lang), st["cell"])] + [_p(str(c["days"]), st["cell"]) for _, c in cols])
        rows.append([_p(_t("pairs", lang), st["cell"])] + [_p(str(c["out_of_order"]), st["cell"]) for _, c in cols])
        block.append(_table(rows, [40] + [34] * len(cols), width * (0.5 + 0.17 * len(cols))))
        block.append(Spacer(1, 2 * mm))
        block.append(
            _p(
                _t(
                    "saves",
                    lang,
                    m=cmp_["minutes_saved"],
                    km=f"{cmp_['km_saved']:.0f}",
                    d=_t("saves_days", lang, n=cmp_["days_saved"]) if cmp_.get("days_saved", 0) > 0 else "",
                    p=cmp_["pairs_broken_by_free"],
                ),
                st["base"],
            )
        )
        block.append(_p(_t("free_order", lang) + " → ".join(nm(s) for s in cmp_["free"]["red_order"]), st["sub"]))
        for n in cmp_.get("notes") or []:
            block.append(_p(n, st["note"]))
        story.append(KeepTogether(block))

    # --- timeline
    story.append(CondPageBreak(60 * mm))
    story.append(_p(_t("timeline", lang), st["h2"]))
    rows = [
        [
            _p(h, st["cell_head"])
            for h in (_t("no", lang), _t("dates", lang), _t("event", lang), _t("site", lang), _t("visited", lang))
        ]
    ]
    for e in report["events"]:
        rows.append(
            [
                _p(str(e["no"]), st["cell"]),
                _p(e["dates"], st["cell"]),
                _p(name_of(e, lang), st["cell"]),
                _p(nm(e["site_id"]), st["cell"]),
                _p("✓" if e["visited"] else "", st["cell"]),
            ]
        )
    story.append(_table(rows, [8, 27, 48, 55, 14], width))

    # --- notes
    notes = [_t("source", lang)] + list(report.get("warnings") or [])
    story.append(_p(label("notes", lang), st["h2"]))
    story += [_p(n, st["note"]) for n in notes]
    return story


__all__ = ["export_report_pdf", "title_in"]
