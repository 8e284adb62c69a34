"""The printable itinerary (PDF), for the client or for the operator.

The *client* copy (the default): cover with the trip's title, dates, group, the price per person
(per category and the single supplement where they apply, in a second currency when set), what
the price includes and does not, the route map and each day at a glance; one section per day (map,
timetable with travel, the hotel, meals 早/中/晚); contacts. No net cost, margin, rate sources,
estimate markers or left-out stops. The *internal* copy has all of those too: the quotation with
each line's season and source, the places left out and why, the warnings.

Drawn with the PDF kit (planner.export.pdfkit). Maps are the app's folium maps rendered to images
by ``python -m ui.snapshot`` in ONE subprocess for every map of every document written together
(:func:`export_pdfs`): the client and the internal copy share them.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from planner.errors import ExportError
from planner.export import pdfkit
from planner.export import tourinfo as ti
from planner.export.common import (
    WEEKDAYS,
    DayView,
    Itinerary,
    Row,
    build_itinerary,
    check_lang,
    date_text,
    duration_text,
    group_size_of,
    label,
    mode_text,
    reason_text,
    season_text,
    unit_text,
)
from planner.export.pdfkit import (
    BRAND,
    CJK_FONT_CANDIDATES,
    FONT,
    MUTED,
    PAGE_BOTTOM,
    PAGE_HEIGHT,
    PAGE_MARGIN,
    PAGE_TOP,
    PAGE_WIDTH,
    RULE,
    TINT,
    MapImage,
    find_cjk_font,
)
from planner.export.pdfkit import para as _p
from planner.plan import MISSING_MUST_OK

__all__ = ["AUDIENCES", "CJK_FONT_CANDIDATES", "FONT", "MUTED", "PdfJob", "export_pdf", "export_pdfs",
           "find_cjk_font", "prepare_pdf"]

AUDIENCES = ("client", "internal")
# Map sizes in CSS pixels (the snapshot draws them at twice that for print): at 178 mm wide,
# 900 px makes Leaflet's 12 px labels about 6.5 pt on paper.
OVERVIEW_PX = (900, 520)
# Up to this many days the at-a-glance table shares the cover with the map; beyond, it gets a page.
GLANCE_ON_COVER_MAX_DAYS = 6
DAY_PX = (900, 440)  # the width; the height follows the page room (DAY_MAP_MM)
DAY_MAP_MM = (55.0, 95.0)  # a day's map height on paper: at least, at most
DAY_MAP_MM_FLOWING = 80.0  # when the day needs two pages anyway


# --------------------------------------------------------------------------- maps


def _print_map_html(it: Itinerary, catalog, lang: str, day: DayView | None) -> str:
    """The app's plan map, made for paper: no zoom buttons, no animation, framed on the route."""
    from planner.mapping import frame, plan_map, render_html

    m = plan_map(it.plan, catalog, lang=lang, tiles="none", day=None if day is None else day.index)
    # Leaflet options: a snapshot taken during a zoom animation shows lines and markers out of step.
    m.options["zoom_control"] = False
    m.options["zoom_animation"] = False
    m.options["fade_animation"] = False
    m.options["marker_zoom_animation"] = False
    m.options["attribution_control"] = False
    days = it.days if day is None else [day]
    pts = []
    for d in days:
        pts.extend(d.path())
        pts.extend((r.place.lat, r.place.lon) for r in d.visits())
        pts.append((d.overnight.lat, d.overnight.lon))
        pts.append((d.start.lat, d.start.lon))
    # Leave the top for the legend; never zoom in so far that the prefecture context is lost.
    # Stops of one city are fanned out (qiantu.declutter): on paper nobody can zoom.
    top = 60 if day is not None else 40
    frame(m, pts, padding_top_left=(40, top), padding_bottom_right=(40, 30), max_zoom=9, declutter=True,
          print_view=True)
    return render_html(m, inline=True)


def _map_block(img: MapImage | None, width: float, st, lang: str) -> list:
    """The map and the space below it; nothing when maps are off (``img`` None)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    if img is None:
        return []
    return [pdfkit.map_flowable(img, width, st, lang), Spacer(1, 4 * mm)]


# --------------------------------------------------------------------------- the job


@dataclass
class PdfJob:
    """One itinerary PDF to write: everything but the maps is ready; ``maps`` lists the map
    pages it wants as (key, width px, height px), key = (lang, day index or -1 for the overview)."""

    path: Path
    it: Itinerary
    lang: str
    audience: str
    font: str
    st: dict
    parts: list
    quote: dict | None
    tour: dict
    notes: str
    title: str
    group_size: int | None
    warnings: list[str]
    maps: list[tuple[tuple[str, int], int, int]] = field(default_factory=list)
    images: list[MapImage | None] = field(default_factory=list)
    catalog: object = None

    @property
    def internal(self) -> bool:
        return self.audience == "internal"


def prepare_pdf(
    plan, path, *, lang: str = "zh", catalog=None, notes: str = "", group_size: int | None = None,
    maps: bool = True, quote: dict | None = None, audience: str = "client", tour: dict | None = None,
    title: str | None = None,
) -> PdfJob:
    """Check the inputs and lay out everything of one PDF but its maps (see :func:`export_pdf`)."""
    check_lang(lang)
    if audience not in AUDIENCES:
        raise ExportError(f"unknown audience '{audience}' (choose client or internal)", field="audience")
    if not isinstance(notes, str):
        raise ExportError("must be text", field="notes")
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    it = build_itinerary(plan, catalog)
    if not it.days:
        raise ExportError("the plan has no days to print", field="days")
    if title:
        it.title = str(title)
        it.plan["title"] = it.title  # the maps' legend names the trip too
    warnings: list[str] = []
    font, _embedded = pdfkit.register_font(warnings)
    st = pdfkit.styles(font, lang)
    from planner.export.common import plan_quote

    q = plan_quote(plan, catalog, group_size=group_size, quote=quote)
    job = PdfJob(Path(path), it, lang, audience, font, st, [], q, dict(tour or {}), notes, it.title, group_size,
                 warnings, catalog=catalog)
    width = PAGE_WIDTH - 2 * PAGE_MARGIN
    job.parts = [_day_parts(job, d, width) for d in it.days]
    job.images = [None] * (1 + len(it.days))
    if maps:
        job.maps = [((lang, -1), *OVERVIEW_PX)]
        job.maps += [((lang, d.index), *_day_map_px(p, width)) for d, p in zip(it.days, job.parts)]
    return job


def start_job_maps(jobs: list[PdfJob], catalog, scratch: Path):
    """Start rendering the maps every job wants, in one ``ui.snapshot`` subprocess, each map once (a
    map two jobs want at different heights is drawn at the lower one and used by both). Returns a
    function that waits for the images and hands them to the jobs."""
    wanted: dict[tuple[str, int], tuple[int, int]] = {}
    for job in jobs:
        for key, w, h in job.maps:
            old = wanted.get(key)
            wanted[key] = (w, min(h, old[1]) if old else h)
    keys = list(wanted)
    if not keys:

        def collect_later_only(later: list[PdfJob] | tuple = ()) -> None:
            if any(j.maps for j in later):
                more = scratch / "more"
                more.mkdir(exist_ok=True)
                start_job_maps(list(later), catalog, more)()

        return collect_later_only
    base = next(j for j in jobs if j.maps)
    render = None
    try:
        with pdfkit.plain_templates():
            pages = [(_print_map_html(base.it, catalog, lang, None if k < 0 else base.it.days[k]), *wanted[(lang, k)])
                     for lang, k in keys]
        render = pdfkit.start_render_maps(pages, scratch)
    except (OSError, ValueError, ImportError) as exc:
        failure = f"the maps could not be built: {exc}"

    def collect(later: list[PdfJob] | tuple = ()) -> None:
        """Wait for the images and give them to the jobs, and to ``later`` jobs (laid out while
        the maps were drawn) whose maps are among them; any other map is drawn now."""
        pngs, errors = render.result() if render is not None else ([None] * len(keys), [failure])
        images = {key: MapImage(png, *wanted[key]) for key, png in zip(keys, pngs)}
        rest = [j for j in later if any(key not in images for key, _w, _h in j.maps)]
        if rest:
            more = scratch / f"more{len(list(scratch.iterdir()))}"
            more.mkdir()
            start_job_maps(rest, catalog, more)()
        for job in [*jobs, *(j for j in later if j not in rest)]:
            if not job.maps:
                continue
            job.images = [images[key] for key, _w, _h in job.maps]
            if errors:
                job.warnings.append("maps missing from the PDF: " + "; ".join(errors[:3]))

    return collect


def render_job_maps(jobs: list[PdfJob], catalog, scratch: Path) -> None:
    """:func:`start_job_maps` and wait for the images."""
    start_job_maps(jobs, catalog, scratch)()


def finish_pdf(job: PdfJob) -> list[str]:
    """Write the laid-out job (its maps rendered) atomically; returns its warnings."""
    from reportlab.platypus import PageBreak

    width = PAGE_WIDTH - 2 * PAGE_MARGIN
    lang, st = job.lang, job.st
    story: list = _cover(job, job.images[0], width)
    for part, img in zip(job.parts, job.images[1:]):
        story.append(PageBreak())
        story += _day_section(part, st, lang, img, width)
    if job.internal and job.quote:
        story.append(PageBreak())
        story += _quotation(job.quote, st, lang, width)
    story.append(PageBreak())
    story += _closing(job, width)
    subject = label("itinerary", lang) + ("" if not job.internal else (" (内部)" if lang == "zh" else " (internal)"))
    pdfkit.build(job.path, story, title=job.it.print_title(lang), subject=subject, lang=lang, font=job.font)
    return job.warnings


def export_pdfs(jobs: list[PdfJob], catalog=None, meanwhile=None, later=()) -> list[list[str]]:
    """Render the maps of several prepared PDFs together (one subprocess) and write them all.

    ``later``: functions of no arguments that return more jobs (``prepare_pdf`` calls); they are
    laid out while the maps of ``jobs`` are drawn and use those maps when they want the same ones
    (put the fullest document, the internal one, in ``jobs``: its maps are the smallest).
    ``meanwhile``, a function of no arguments, is also called while the maps are being drawn (the
    command line writes its other files then); what it raises is raised after the subprocess ends.
    Returns the warnings of each job, ``jobs`` first, then ``later``.
    """
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    with tempfile.TemporaryDirectory(prefix="qiantu-pdf-") as scratch:
        collect = start_job_maps(jobs, catalog, Path(scratch))
        more: list[PdfJob] = []
        try:
            more = [make() for make in later]
            if meanwhile is not None:
                meanwhile()
        finally:
            collect(more)
        return [finish_pdf(j) for j in [*jobs, *more]]


def export_pdf(
    plan,
    path: str | os.PathLike,
    *,
    lang: str = "zh",
    catalog=None,
    notes: str = "",
    group_size: int | None = None,
    maps: bool = True,
    quote: dict | None = None,
    audience: str = "client",
    tour: dict | None = None,
    title: str | None = None,
) -> list[str]:
    """Write the printable itinerary (A4 PDF, Chinese font embedded).

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.pdf`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional
        For names, hours and tickets; the bundled catalog when None.
    notes : str
        Free text for the closing page (meeting point, what to bring ...).
    group_size : int, optional
        The group when there is no ``quote``; by default derived from the plan's prices.
    maps : bool
        Draw the maps (rendered by ``python -m ui.snapshot`` in a subprocess).
    quote : dict, optional
        ``planner.costing.Quote.to_dict()`` of the package (``planner.costing.package_quote``):
        the one source of every price printed. By default one is made with the default rates
        when the plan has a price.
    audience : {"client", "internal"}
        The client's copy (no costs, margins, sources, estimates or left-out stops) or the
        operator's (all of them).
    tour : dict, optional
        The package's ``tour`` (contacts, hotels and meals per day); see ``planner.package``.
    title : str, optional
        The trip's title (default: the plan's).

    Returns
    -------
    list of str
        Warnings, e.g. that the maps could not be drawn (the PDF then says so where they would be).

    Raises
    ------
    ExportError
        The plan cannot be shown or the file cannot be written; no file is left behind.
    """
    job = prepare_pdf(plan, path, lang=lang, catalog=catalog, notes=notes, group_size=group_size, maps=maps,
                      quote=quote, audience=audience, tour=tour, title=title)
    return export_pdfs([job], catalog)[0]


# --------------------------------------------------------------------------- sections


def _route_text(it: Itinerary, lang: str) -> str:
    names: list[str] = []
    for d in it.days:
        for p in (d.start, d.overnight):
            if not names or names[-1] != p.name(lang):
                names.append(p.name(lang))
    return " → ".join(names)


def _band(job: PdfJob, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    it, lang, st = job.it, job.lang, job.st
    if it.dates_given and it.first_date and it.last_date:
        sub = f"{date_text(it.first_date, lang)} – {date_text(it.last_date, lang)}"
    else:
        sub = label("dates_tbd", lang)
    code = job.tour.get("tour_code")
    if code:
        sub += f" · {ti.t('tour_code', lang)} {code}"
    band = Table([[_p(it.print_title(lang), st["cover_title"])], [_p(sub, st["cover_sub"])]], colWidths=[width])
    band.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), HexColor(BRAND)),
        ("LEFTPADDING", (0, 0), (-1, -1), 8 * mm),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
        ("TOPPADDING", (0, 0), (0, 0), 8 * mm),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 7 * mm),
        ("LINEBELOW", (0, -1), (-1, -1), 3, HexColor("#c0392b")),
    ]))
    return band


def _facts(job: PdfJob) -> list[tuple[str, str]]:
    it, lang, q = job.it, job.lang, job.quote
    n_days = len(it.days)
    travel = sum(d.travel_minutes for d in it.days)
    km = sum(d.km for d in it.days)
    facts = [
        (label("days", lang), label("days_nights", lang, d=n_days, n=max(0, n_days - 1))),
        (label("group", lang), ti.group_text(q, lang, group_size_of(it, job.group_size))),
        (label("stops", lang), label("n_stops", lang, n=len(it.visits()))),
    ]
    prices = ti.price_lines(q, lang)
    if not prices:
        prices = [(label("price_pp", lang), label("price_tbd", lang))]
    facts += prices
    if job.internal and q:
        facts.append((label("price_total", lang), ti.money(q.get("selling_price_cny", 0), lang)))
    facts.append((label("distance", lang), f"{km:,.0f} km · {duration_text(travel, lang)}"))
    return facts


def _facts_grid(facts: list[tuple[str, str]], st, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    grid = []
    for i in range(0, len(facts), 3):
        chunk = facts[i : i + 3] + [("", "")] * (3 - len(facts[i : i + 3]))
        grid += [[_p(k, st["fact_k"]) for k, _ in chunk], [_p(v, st["fact_v"]) for _, v in chunk]]
    t = Table(grid, colWidths=[width / 3] * 3)
    t.setStyle(TableStyle([
        ("LINEBELOW", (0, 1), (-1, 1), 0.5, HexColor(RULE)),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("TOPPADDING", (0, 0), (-1, -1), 1),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


def _inclusions_block(job: PdfJob, width: float) -> list:
    from reportlab.platypus import Table

    lang, st = job.lang, job.st
    inc, exc = ti.inclusions(job.quote, lang, max(0, len(job.it.days) - 1))
    if not job.quote:
        return []
    left = [_p(ti.t("includes", lang), st["h2"])] + [_p("• " + x, st["note"]) for x in inc]
    right = [_p(ti.t("excludes", lang), st["h2"])] + [_p("• " + x, st["note"]) for x in exc]
    t = Table([[left, right]], colWidths=[width / 2, width / 2])
    t.setStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    return [t]


def _cover(job: PdfJob, overview: MapImage | None, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    it, lang, st = job.it, job.lang, job.st
    story: list = [_band(job, width), Spacer(1, 5 * mm), _facts_grid(_facts(job), st, width), Spacer(1, 2.5 * mm)]
    story.append(_p(f"{label('route', lang)}{'：' if lang == 'zh' else ': '}{_route_text(it, lang)}", st["sub"]))
    if it.status in MISSING_MUST_OK and job.internal:
        story.append(_p(label("status_infeasible", lang), st["sub"]))
    story += [Spacer(1, 2 * mm), *_inclusions_block(job, width)]
    story += [Spacer(1, 3 * mm), *_map_block(overview, width, st, lang)]
    if len(it.days) > GLANCE_ON_COVER_MAX_DAYS or job.quote:
        story.append(PageBreak())
    story.append(_p(label("glance", lang), st["h2"]))
    story.append(_glance_table(it, st, lang, width))
    return story



def _badge(day: DayView, st, lang: str, *, small: bool = False):
    """The day's colour with its number on it: still readable printed in black and white."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    # The day header's badge shows the number only: the heading beside it says "第 n 天" already.
    text = (f"D{day.number}" if lang == "en" else f"第{day.number}天") if small else str(day.number)
    size = (11 * mm, 6 * mm) if small else (17 * mm, 11 * mm)
    t = Table([[_p(text, st["badge_small" if small else "badge"])]], colWidths=[size[0]], rowHeights=[size[1]])
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HexColor(day.color)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 1),
                ("RIGHTPADDING", (0, 0), (-1, -1), 1),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return t



def _glance_table(it: Itinerary, st, lang: str, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    sep = "、" if lang == "zh" else ", "
    head = ["", label("date", lang), label("places", lang), label("drive", lang), label("overnight", lang)]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for d in it.days:
        date = date_text(d.date, lang) if it.dates_given else "—"
        ov = d.overnight.name(lang)
        if d.hotel is not None and not d.last:  # the night's hotel, as the day page names it
            ov = f"{ov} · {d.hotel.name(lang)}"
        rows.append(
            [
                _badge(d, st, lang, small=True),
                _p(date, st["cell"]),
                _p(sep.join(r.place.name(lang) for r in d.visits()) or "—", st["cell"]),
                _p(f"{duration_text(d.travel_minutes, lang)}\n{d.km:.0f} km", st["cell"]),
                _p(f"{label('end_of_trip', lang)}: {ov}" if d.last else ov, st["cell"]),
            ]
        )
    widths = [14, 30, 78, 24, 32]
    scale = width / sum(widths)
    t = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HexColor(BRAND)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, HexColor(RULE)),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [HexColor("#ffffff"), HexColor(TINT)]),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ]
        )
    )
    return t



def _row_cells(r: Row, day: DayView, st, lang: str, internal: bool) -> list:
    """One line of the day's timetable: time, no., place, what, travel, hours, ticket, notes."""
    from reportlab.platypus import Paragraph

    def place_cell(name: str, other: str, style_key: str = "cell"):
        if lang == "en" and other:
            return [_p(name, st[style_key]), Paragraph(escape(other), st["cell_cjk"])]
        return _p(name, st[style_key])

    time = f"{r.start:%H:%M}–{r.end:%H:%M}"
    notes: list[str] = []
    if r.start.date() > day.date:
        notes.append(label("next_day", lang))
    if r.kind == "visit":
        p = r.place
        if r.wait_minutes:
            notes.append(label("wait", lang, t=f"{r.arrive:%H:%M}", m=r.wait_minutes))
        if r.lunch:
            notes.append(label("lunch_at_site", lang, t=f"{r.lunch[0]:%H:%M}–{r.lunch[1]:%H:%M}"))
        if p.closed_weekdays:
            names = ("、" if lang == "zh" else ", ").join(WEEKDAYS[lang][d - 1] for d in p.closed_weekdays)
            notes.append(label("closed_on", lang, d=names))
        if p.ticket_cny is None:
            ticket = "—"
        elif p.ticket_cny == 0:
            ticket = label("free", lang)
        else:
            ticket = f"¥{p.ticket_cny:g}" if internal else ("已含" if lang == "zh" else "included")
        return [
            _p(time, st["cell"]),
            _p(str(r.stop_no), st["cell"]),
            place_cell(p.name(lang), p.other_name(lang)),
            _p(f"{label('visit', lang)} {duration_text((r.end - r.start).seconds // 60, lang)}", st["cell"]),
            _p("", st["cell"]),
            _p(p.hours_text() or "—", st["cell"]),
            _p(ticket, st["cell"]),
            _p("\n".join(notes), st["cell_muted"]),
        ]
    if r.kind == "break":
        what = label("lunch", lang) if r.break_kind == "lunch" else r.break_kind
        where = r.restaurant.name(lang) if r.restaurant is not None else r.place.name(lang)
        return [
            _p(time, st["cell_muted"]),
            _p("", st["cell"]),
            _p(where, st["cell_muted"]),
            _p(what, st["cell_muted"]),
            _p("", st["cell"]),
            _p("", st["cell"]),
            _p("", st["cell"]),
            _p("\n".join(notes), st["cell_muted"]),
        ]
    for leg in r.legs:
        if leg.get("mode") == "rail" and leg.get("line"):
            notes.append(f"{mode_text('rail', lang)} {leg['line']}")
    if r.estimate and internal:
        notes.append(mode_text("estimate", lang))
    mode = r.mode if internal or r.mode != "estimate" else "drive"
    arrow = "→ "
    # The Chinese name of a place visited next is on its own line below; a town's is shown here.
    other = "" if r.place.kind == "attraction" else r.place.other_name(lang)
    return [
        _p(time, st["cell_muted"]),
        _p("", st["cell"]),
        place_cell(arrow + r.place.name(lang), other, "cell_muted"),
        _p(label("travel_to", lang), st["cell_muted"]),
        _p(f"{mode_text(mode, lang)} {duration_text(r.minutes, lang)}\n{r.km:.0f} km", st["cell_muted"]),
        _p("", st["cell"]),
        _p("", st["cell"]),
        _p("\n".join(notes), st["cell_muted"]),
    ]



@dataclass
class DayParts:
    """A day's heading, timetable and night box, built before the maps so the map can take the
    height the page has left."""

    head: Any
    table: Any
    box: Any

    def height(self, width: float) -> float:
        return sum(f.wrap(width, 10_000)[1] for f in (self.head, self.table, self.box))


def _day_map_px(parts: DayParts, width: float) -> tuple[int, int]:
    """Size of the day's map: as tall as the page allows (a day on one page), within limits."""
    from reportlab.lib.units import mm

    frame = PAGE_HEIGHT - PAGE_TOP - PAGE_BOTTOM - 12  # the frame's own 6 pt padding top and bottom
    room = frame - parts.height(width) - (3 + 4 + 4 + 3) * mm  # spacers around the map and the box
    lo, hi = DAY_MAP_MM
    h_mm = min(hi, room / mm) if room / mm >= lo else DAY_MAP_MM_FLOWING
    return DAY_PX[0], round(DAY_PX[0] * h_mm * mm / width)




def _day_head(job: PdfJob, day: DayView, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    lang, st = job.lang, job.st
    heading = label("day_n", lang, n=day.number)
    if job.it.dates_given:
        heading += " · " + date_text(day.date, lang)
    if day.holiday_text(lang):
        heading += " · " + day.holiday_text(lang)
    summary = (
        f"{day.start.name(lang)} → {day.overnight.name(lang)} · "
        f"{label('one_place', lang) if len(day.visits()) == 1 else label('n_places', lang, n=len(day.visits()))} · "
        f"{label('drive', lang)} {duration_text(day.travel_minutes, lang)} · {day.km:.0f} km"
    )
    head = Table([[_badge(day, st, lang), [_p(heading, st["h1"]), _p(summary, st["sub"])]]],
                 colWidths=[20 * mm, width - 20 * mm])
    head.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, HexColor(day.color)),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return head


def _day_table(job: PdfJob, day: DayView, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    lang, st = job.lang, job.st
    cols = ["time", "#", "place", "what", "travel", "hours", "ticket", "notes"]
    rows = [[_p(label(c, lang) if c != "#" else c, st["cell_head"]) for c in cols]]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(BRAND)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for r in day.rows:
        rows.append(_row_cells(r, day, st, lang, job.internal))
        if r.kind == "visit":
            k = len(rows) - 1
            style.append(("BACKGROUND", (0, k), (-1, k), HexColor(TINT)))
            style.append(("LINEBEFORE", (0, k), (0, k), 2.5, HexColor(day.color)))
    widths = [20, 6, 42, 26, 27, 19, 13, 25]
    scale = width / sum(widths)
    table = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    return table


def _day_box(job: PdfJob, day: DayView, width: float):
    """The night's hotel (name, phone, address) and the day's meals."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    lang, st = job.lang, job.st
    sep = "：" if lang == "zh" else ": "
    plan_day = job.it.plan["days"][day.index]
    cls = ((job.quote or {}).get("group") or {}).get("hotel_class") or "comfort"
    has_meals = any(x.get("kind") == "meals" for x in (job.quote or {}).get("lines", [])) or not job.quote
    lines = []
    if day.last:
        lines.append(f"{label('end_of_trip', lang)}{sep}{day.overnight.name(lang)}")
    else:
        h = ti.day_hotel(job.tour, plan_day, day.number, day.overnight.name(lang), lang, cls, job.catalog)
        text = f"{label('overnight', lang)}{sep}{day.overnight.name(lang)} · {h.name}"
        extra = " · ".join(x for x in (h.phone, h.address) if x)
        lines.append(text + (f"\n{extra}" if extra else ""))
    meals = ti.day_meals(job.tour, plan_day, day.number, lang, has_meals=has_meals, catalog=job.catalog)
    lines.append(f"{ti.t('meals', lang)}{sep}{ti.meals_text(meals, lang)}")
    evening = [x.text(lang) for x in day.services if x.kind in ("dinner", "show")]
    if evening:
        lines.append(f"{label('evening', lang)}{sep}" + " · ".join(evening))
    from planner.stay import CALENDAR_CODES

    # the client sees the calendar's notes (holiday, crowds, seasons); the operator every note
    notes = day.note_texts(lang, job.catalog, codes=None if job.internal else CALENDAR_CODES)
    if notes:
        lines.append(f"{label('day_notes', lang)}{sep}" + "\n".join(f"• {x}" for x in notes))
    box = Table([[_p(lines[0], st["fact_v"])], *[[_p(x, st["base"])] for x in lines[1:]]], colWidths=[width])
    box.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.8, HexColor(BRAND)),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return box


def _day_parts(job: PdfJob, day: DayView, width: float) -> DayParts:
    return DayParts(_day_head(job, day, width), _day_table(job, day, width), _day_box(job, day, width))


def _day_section(parts: DayParts, st, lang: str, img: MapImage | None, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    story: list = [parts.head, Spacer(1, 3 * mm), *_map_block(img, width, st, lang), parts.table]
    story += [Spacer(1, 4 * mm), KeepTogether([parts.box])]
    return story


def _quotation(q: dict, st, lang: str, width: float) -> list:
    """The internal quotation page: each cost line with its season and rate, then net cost, margin,
    price, per person, per category, FOC, single supplement."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    def money(x) -> str:
        return f"{float(x):,.2f}"

    head = [label("q_item", lang), label("q_qty", lang), label("q_unit_price", lang), label("q_amount", lang),
            label("q_per_person", lang), "季节 / 来源" if lang == "zh" else "Season / rate"]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for line in q.get("lines", []):
        what = str(line.get(f"what_{lang}") or line.get("what", "")) + (" *" if line.get("estimate") else "")
        qty = f"{float(line.get('quantity', 0)):g} {unit_text(str(line.get('unit', '')), lang)}"
        season = season_text(str(line.get("season") or ""), lang)
        factor = float(line.get("season_factor") or 1.0)
        if season and factor != 1.0:
            season += f" ×{factor:g}"
        hol = str(line.get(f"holiday_{lang}") or "")
        if hol:  # the holiday the line's nights or days fall on, and what it does to the rate
            season = f"{hol} · {season}" if season else hol
        src = (season + "\n" if season else "") + str(line.get("ref") or line.get("source") or "")
        rows.append([_p(what, st["cell"]), _p(qty, st["cell"]), _p(money(line.get("unit_price_cny", 0)), st["cell"]),
                     _p(money(line.get("amount_cny", 0)), st["cell"]), _p(money(line.get("per_person_cny", 0)), st["cell"]),
                     _p(src, st["cell_muted"])])
    t = pdfkit.grid(rows, [36, 11, 11, 12, 11, 19], width, pad=2)
    size = (q.get("group") or {}).get("paying") or (q.get("group") or {}).get("size", "")
    totals = [
        (label("q_net", lang), money(q.get("net_cost_cny", 0))),
        (label("q_margin", lang, p=float(q.get("margin_pct", 0))), money(q.get("margin_cny", 0))),
        (label("q_selling", lang), money(q.get("selling_price_cny", 0))),
        (label("q_pp", lang, n=size), money(q.get("price_per_person_cny", 0))),
    ]
    for c, v in (q.get("price_per_category_cny") or {}).items():
        if len(q.get("price_per_category_cny") or {}) > 1:
            totals.append((ti.t(c, lang), money(v)))
    foc = q.get("foc") or {}
    if foc.get("free_places"):
        totals.append(("FOC", ti.t("foc", lang, n=foc["free_places"], per=foc["per"])))
    if q.get("single_supplement_cny"):
        totals.append((label("q_single", lang), money(q["single_supplement_cny"])))
    if q.get("currency"):
        c = q["currency"]
        totals.append((c["code"], f"1 {c['code']} = {c['cny_per_unit']:g} CNY"))
    tt = Table([[_p(k, st["fact_k"]), _p(v, st["base"])] for k, v in totals], colWidths=[width * 0.5, width * 0.5])
    tt.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.8, HexColor(RULE)),
                            ("LINEABOVE", (0, 2), (-1, 2), 0.4, HexColor(RULE))]))
    return [_p(label("quotation", lang), st["h1"]), Spacer(1, 2 * mm), t, Spacer(1, 4 * mm), tt, Spacer(1, 3 * mm),
            _p(label("q_estimate", lang), st["note"]), *_rate_sources(q, st, lang)]


def _rate_sources(q: dict, st, lang: str) -> list:
    """Where each rate came from: every distinct source of the lines, with the rates that use it."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    by_source: dict[str, list[str]] = {}
    for line in q.get("lines", []):
        src = str(line.get("source") or "").strip()
        ref = str(line.get("ref") or "").strip()
        if src:
            refs = by_source.setdefault(src, [])
            if ref and ref not in refs:
                refs.append(ref)
    if not by_source:
        return []
    out: list = [Spacer(1, 3 * mm), _p("费率来源" if lang == "zh" else "Rate sources", st["h2"])]
    out += [_p(f"• {', '.join(refs) or '—'}: {src}", st["note"]) for src, refs in by_source.items()]
    return out


def _dropped_block(job: PdfJob, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    it, lang, st = job.it, job.lang, job.st
    story: list = [_p(label("dropped", lang), st["h1"]), Spacer(1, 2 * mm)]
    if it.dropped:
        rows = [[_p(label("place", lang), st["cell_head"]), _p(label("reason", lang), st["cell_head"])]]
        for place, pid, reason, must in it.dropped:
            name = place.name(lang) if place else pid
            rows.append([_p(name + (" *" if must else ""), st["cell"]), _p(reason_text(reason, lang, place), st["cell"])])
        story.append(pdfkit.grid(rows, [30, 70], width))
    else:
        story.append(_p(label("none_dropped", lang), st["base"]))
    if it.warnings:
        story += [Spacer(1, 4 * mm), _p(label("warnings", lang), st["h2"])]
        story += [_p("• " + w, st["note"]) for w in it.warnings]
    return story + [Spacer(1, 6 * mm)]


def _closing(job: PdfJob, width: float) -> list:
    """(Internal: places left out, warnings,) notes, the contacts, the fine print."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    lang, st = job.lang, job.st
    story: list = _dropped_block(job, width) if job.internal else []
    story += [_p(label("notes_title", lang), st["h1"]), Spacer(1, 2 * mm)]
    if job.notes.strip():
        story += [pdfkit.boxed(job.notes.strip(), st, width), Spacer(1, 4 * mm)]
    contacts = ti.contacts(job.tour, lang, internal=job.internal)
    # Roles with nobody named yet stay as lines to fill in by hand.
    named = {role for role, _ in contacts}
    blanks = [ti.t(k, lang) for k in ("guide", "driver", "agency", "emergency") if ti.t(k, lang) not in named]
    rows = [[_p(role, st["fact_k"]), _p(text, st["base"])] for role, text in contacts]
    rows += [[_p(role, st["fact_k"]), _p("", st["base"])] for role in blanks]
    t = Table(rows, colWidths=[width * 0.22, width * 0.78], rowHeights=[9 * mm] * len(rows))
    t.setStyle(TableStyle([
        ("LINEBELOW", (1, 0), (1, -1), 0.5, HexColor(RULE)),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
    ]))
    story += [t, Spacer(1, 8 * mm), _p(label("fine_print", lang), st["note"])]
    return story
