"""The printable itinerary (PDF): cover, route map, one section per day with its map and timetable, notes.

Drawn with reportlab (see docs/decisions-export.md). Maps are the app's folium maps rendered to PNG
by ``python -m ui.snapshot`` in a subprocess, because the core never imports Qt; when that cannot run
the PDF is still written, says so where the map would be, and a warning is returned.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from planner.errors import ExportError
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
    money_text,
    reason_text,
    write_atomic,
)

# The snapshot module run in the subprocess (a module-level name so a test can point it elsewhere).
SNAPSHOT_MODULE = "ui.snapshot"
# Map sizes in CSS pixels (the snapshot draws them at twice that for print): at 178 mm wide,
# 900 px makes Leaflet's 12 px labels about 6.5 pt on paper.
OVERVIEW_PX = (900, 520)
# Up to this many days the at-a-glance table shares the cover with the map; beyond, it gets a page.
GLANCE_ON_COVER_MAX_DAYS = 6
DAY_PX = (900, 440)  # the width; the height follows the page room (DAY_MAP_MM)
DAY_MAP_MM = (55.0, 95.0)  # a day's map height on paper: at least, at most
DAY_MAP_MM_FLOWING = 80.0  # when the day needs two pages anyway
# A4 in points and the page margins (points): 16 mm left/right and top, 17 mm bottom.
PAGE_WIDTH, PAGE_HEIGHT = 595.2756, 841.8898
PAGE_MARGIN = 16 * 72 / 25.4
PAGE_TOP = 16 * 72 / 25.4
PAGE_BOTTOM = 17 * 72 / 25.4


# Fonts that draw Chinese and whose text pdftotext gives back as the same characters (ENVIRONMENT.md:
# Noto CJK extracts as radicals). TrueType outlines only: reportlab cannot embed CFF (.otf) fonts.
CJK_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "C:/Windows/Fonts/msyh.ttc",
    "C:/Windows/Fonts/simhei.ttf",
    "/System/Library/Fonts/STHeiti Light.ttc",
    "/Library/Fonts/Arial Unicode.ttf",
)
FONT = "QianTuCJK"

# Palette: dark blue for structure, day colours only as accents (always with the day number).
INK = "#1b2631"
BRAND = "#1f3a5f"
MUTED = "#5d6d7e"
RULE = "#c8d1da"
TINT = "#f2f5f8"


@dataclass
class MapImage:
    """A map to draw: its PNG (None when it could not be rendered) and size on the page."""

    png: Path | None
    width_px: int
    height_px: int


# --------------------------------------------------------------------------- fonts


def find_cjk_font() -> str | None:
    """Path of a TrueType font with Chinese glyphs: ``QIANTU_PDF_FONT``, then the usual places."""
    env = os.environ.get("QIANTU_PDF_FONT")
    for cand in ([env] if env else []) + list(CJK_FONT_CANDIDATES):
        if cand and os.path.isfile(cand):
            return cand
    return None


def _register_font(warnings: list[str]) -> tuple[str, bool]:
    """Register the CJK font with reportlab; (font name, embedded)."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    if FONT in pdfmetrics.getRegisteredFontNames():
        return FONT, True
    path = find_cjk_font()
    if path:
        try:
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            for bold in (0, 1):
                for italic in (0, 1):
                    addMapping(FONT, bold, italic, FONT)
            return FONT, True
        except (TTFError, OSError) as exc:
            warnings.append(f"the font {path} could not be used ({exc})")
    # Last resort: a standard CJK font the viewer supplies (not embedded; prints on most viewers).
    warnings.append(
        "no Chinese TrueType font found (install fonts-wqy-microhei or set QIANTU_PDF_FONT); "
        "the PDF uses STSong-Light, which is not embedded"
    )
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light", False


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


def _stop(proc: subprocess.Popen) -> None:
    """End the snapshot process and everything it started (its process group), then reap it."""
    import signal

    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        elif proc.poll() is None:  # pragma: no cover - Windows
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass
    if proc.stdin is not None:
        try:
            proc.stdin.close()
        except OSError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:  # pragma: no cover - a process that ignores SIGKILL
        pass


def render_maps(
    pages: list[tuple[str, int, int]], folder: Path, timeout_s: float | None = None
) -> tuple[list[Path | None], list[str]]:
    """Render HTML pages to JPEG images in one ``ui.snapshot`` subprocess.

    Parameters
    ----------
    pages : list of (html text, width px, height px)
    folder : a scratch folder for the pages and images

    Returns
    -------
    (pngs, errors)
        One image path (None where it failed) per page, and the reasons of the failures.
    """
    args: list[str] = []
    outs: list[Path] = []
    for k, (page, w, h) in enumerate(pages):
        src = folder / f"map{k}.html"
        src.write_text(page, encoding="utf-8")
        out = folder / f"map{k}.jpg"
        args += [str(src), str(out), str(w), str(h)]
        outs.append(out)
    env = dict(os.environ)
    # ``ui`` sits next to ``planner`` in a checkout and in site-packages alike.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    timeout_s = timeout_s or 30.0 + 10.0 * len(pages)
    # The child dies with this process (ui.snapshot: PR_SET_PDEATHSIG on Linux, and everywhere a
    # watch on its stdin pipe, which closes when this process ends however it ends); an orphaned
    # child then removes ``folder`` too, so a killed export leaves no files behind.
    env["QIANTU_SNAPSHOT_PARENT"] = str(os.getpid())
    env["QIANTU_SNAPSHOT_SCRATCH"] = str(folder)
    errors: list[str] = []
    log = folder / "snapshot.log"
    try:
        with open(log, "w+", encoding="utf-8", errors="replace") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", SNAPSHOT_MODULE, *args],
                env=env,
                cwd=str(folder),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=err,
                start_new_session=True,  # its Chromium helpers form one group that can be killed at once
            )
            try:
                code = proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                errors.append(f"the map renderer took longer than {timeout_s:.0f} s")
                code = None
            finally:
                _stop(proc)
            err.seek(0)
            stderr = err.read()
        if code not in (0, None):
            lines = [ln for ln in stderr.splitlines() if ln.startswith("ui.snapshot:")]
            tail = [ln for ln in stderr.splitlines() if ln.strip()][-1:] or [f"exit status {code}"]
            errors.extend(lines or tail)
    except OSError as exc:
        errors.append(f"the map renderer could not start: {exc}")
    finally:
        log.unlink(missing_ok=True)
    pngs = [p if p.is_file() and p.stat().st_size > 0 else None for p in outs]
    if any(p is None for p in pngs) and not errors:
        errors.append("the map renderer wrote no image")
    return pngs, errors


# --------------------------------------------------------------------------- page furniture


def _canvas_class(it: Itinerary, lang: str, font: str):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas

    title = it.title_or_default(lang)

    class NumberedCanvas(rl_canvas.Canvas):
        """Draws "page p of n" (known only at the end) and a running header after the cover."""

        def __init__(self, *args, **kw):
            # Without this every page names Helvetica (not embedded) in its preamble.
            kw["initialFontName"] = kw.get("initialFontName") or font
            super().__init__(*args, **kw)
            self._pages: list[dict] = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            n = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(n)
                super().showPage()
            super().save()

        def _furniture(self, n: int) -> None:
            w, h = self._pagesize
            p = self._pageNumber
            self.saveState()
            self.setStrokeColor(HexColor(RULE))
            self.setLineWidth(0.5)
            self.setFillColor(HexColor(MUTED))
            self.setFont(font, 7.5)
            if p > 1:
                self.line(16 * mm, h - 12 * mm, w - 16 * mm, h - 12 * mm)
                self.drawString(16 * mm, h - 10.5 * mm, title[:80])
                self.drawRightString(w - 16 * mm, h - 10.5 * mm, "QianTu 黔途")
            self.line(16 * mm, 12 * mm, w - 16 * mm, 12 * mm)
            self.drawCentredString(w / 2, 8 * mm, label("page", lang, p=p, n=n))
            self.restoreState()

    return NumberedCanvas


def _styles(font: str, lang: str):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    wrap = "CJK" if lang == "zh" else None
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=12.5, textColor=HexColor(INK), wordWrap=wrap)
    s = {
        "base": base,
        "cover_title": ParagraphStyle("ct", parent=base, fontSize=24, leading=30, textColor=HexColor("#ffffff")),
        "cover_sub": ParagraphStyle("cs", parent=base, fontSize=11, leading=15, textColor=HexColor("#d6e2ee")),
        "h1": ParagraphStyle("h1", parent=base, fontSize=16, leading=20, textColor=HexColor(BRAND), spaceAfter=2),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=12, leading=16, textColor=HexColor(BRAND), spaceBefore=8, spaceAfter=4
        ),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9.5, leading=13, textColor=HexColor(MUTED)),
        "fact_k": ParagraphStyle("fk", parent=base, fontSize=8.5, leading=11, textColor=HexColor(MUTED)),
        "fact_v": ParagraphStyle("fv", parent=base, fontSize=11, leading=14),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10.2),
        "cell_cjk": ParagraphStyle(
            "cellc", parent=base, fontSize=7, leading=9, textColor=HexColor(MUTED), wordWrap="CJK"
        ),
        "cell_muted": ParagraphStyle("cellm", parent=base, fontSize=8, leading=10.2, textColor=HexColor(MUTED)),
        "cell_head": ParagraphStyle("cellh", parent=base, fontSize=8, leading=10, textColor=HexColor("#ffffff")),
        "badge": ParagraphStyle(
            "badge", parent=base, fontSize=13, leading=15, alignment=1, textColor=HexColor("#ffffff")
        ),
        "badge_small": ParagraphStyle(
            "bs", parent=base, fontSize=8.5, leading=10, alignment=1, textColor=HexColor("#ffffff")
        ),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=11, textColor=HexColor(MUTED)),
        "missing": ParagraphStyle("miss", parent=base, fontSize=9, leading=12, alignment=1, textColor=HexColor(MUTED)),
    }
    return s


def _p(text: str, style):
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _badge(day: DayView, st, lang: str, *, small: bool = False):
    """The day's colour with its number on it: still readable printed in black and white."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    text = f"D{day.number}" if lang == "en" else f"第{day.number}天"
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


def _map_block(img: MapImage | None, width: float, st, lang: str) -> list:
    """The map and the space below it; nothing when maps are off (``img`` None)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    if img is None:
        return []
    return [_map_flowable(img, width, st, lang), Spacer(1, 4 * mm)]


def _map_flowable(img: MapImage, width: float, st, lang: str, why: str = ""):
    """The map framed, or a note where it could not be drawn (one flowable).

    ``why``, when given, is printed in the note (planner.report_pdf does, for an internal report);
    the itinerary passes none: its technical reason goes back to the caller as a warning instead.
    """
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Image, Table, TableStyle

    height = width * img.height_px / img.width_px
    if img.png is not None:
        pic = Image(str(img.png), width=width, height=height)
        frame = Table([[pic]], colWidths=[width], rowHeights=[height])
        frame.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return frame
    note = label("map_missing_why", lang, why=why) if why else label("map_missing", lang)
    box = Table([[_p(note, st["missing"])]], colWidths=[width], rowHeights=[min(height, 30)])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
                ("BACKGROUND", (0, 0), (-1, -1), HexColor(TINT)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return box


# --------------------------------------------------------------------------- sections


def _route_text(it: Itinerary, lang: str) -> str:
    names: list[str] = []
    for d in it.days:
        for p in (d.start, d.overnight):
            if not names or names[-1] != p.name(lang):
                names.append(p.name(lang))
    return " → ".join(names)


def _cover(it: Itinerary, st, lang: str, overview: MapImage | None, width: float, group_size: int | None) -> list:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    story: list = []
    sub = label("itinerary", lang)
    if it.days:
        if it.dates_given:
            sub += " · " + f"{date_text(it.first_date, lang)} – {date_text(it.last_date, lang)}"
        else:
            sub += " · " + label("dates_tbd", lang)
    band = Table([[_p(it.title_or_default(lang), st["cover_title"])], [_p(sub, st["cover_sub"])]], colWidths=[width])
    band.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), HexColor(BRAND)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8 * mm),
                ("TOPPADDING", (0, 0), (0, 0), 8 * mm),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 7 * mm),
                ("LINEBELOW", (0, -1), (-1, -1), 3, HexColor("#c0392b")),
            ]
        )
    )
    story += [band, Spacer(1, 5 * mm)]
    n_days = len(it.days)
    n = group_size_of(it, group_size)
    total, pp = it.totals.get("cost_cny"), it.totals.get("cost_per_person_cny")
    travel = sum(d.travel_minutes for d in it.days)
    km = sum(d.km for d in it.days)
    facts = [
        (label("days", lang), label("days_nights", lang, d=n_days, n=max(0, n_days - 1))),
        (label("group", lang), label("people", lang, n=n) if n else "—"),
        (label("stops", lang), label("n_stops", lang, n=len(it.visits()))),
        (label("price_total", lang), money_text(total, lang)),
        (label("price_pp", lang), money_text(pp, lang)),
        (label("distance", lang), f"{km:,.0f} km · {duration_text(travel, lang)}"),
    ]
    cells = [[_p(k, st["fact_k"]) for k, _ in facts[i : i + 3]] for i in (0, 3)]
    vals = [[_p(v, st["fact_v"]) for _, v in facts[i : i + 3]] for i in (0, 3)]
    grid = [cells[0], vals[0], cells[1], vals[1]]
    col = width / 3
    t = Table(grid, colWidths=[col] * 3)
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 1), (-1, 1), 0.5, HexColor(RULE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, 1), 5),
                ("TOPPADDING", (0, 2), (-1, 2), 5),
            ]
        )
    )
    story += [t, Spacer(1, 2.5 * mm)]
    story.append(_p(f"{label('route', lang)}{'：' if lang == 'zh' else ': '}{_route_text(it, lang)}", st["sub"]))
    if it.status == "infeasible":
        story.append(_p(label("status_infeasible", lang), st["sub"]))
    story += [Spacer(1, 3 * mm), *_map_block(overview, width, st, lang)]
    if len(it.days) > GLANCE_ON_COVER_MAX_DAYS:
        from reportlab.platypus import PageBreak

        story.append(PageBreak())
    story.append(_p(label("glance", lang), st["h2"]))
    story.append(_glance_table(it, st, lang, width))
    return story


def _glance_table(it: Itinerary, st, lang: str, width: float):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    sep = "、" if lang == "zh" else ", "
    head = ["", label("date", lang), label("places", lang), label("drive", lang), label("overnight", lang)]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for d in it.days:
        date = date_text(d.date, lang) if it.dates_given else "—"
        ov = d.overnight.name(lang)
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


def _row_cells(r: Row, day: DayView, st, lang: str) -> list:
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
        if p.closed_weekdays:
            names = ("、" if lang == "zh" else ", ").join(WEEKDAYS[lang][d - 1] for d in p.closed_weekdays)
            notes.append(label("closed_on", lang, d=names))
        if p.ticket_cny is None:
            ticket = "—"
        elif p.ticket_cny == 0:
            ticket = label("free", lang)
        else:
            ticket = f"¥{p.ticket_cny:g}"
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
        return [
            _p(time, st["cell_muted"]),
            _p("", st["cell"]),
            _p(r.place.name(lang), st["cell_muted"]),
            _p(what, st["cell_muted"]),
            _p("", st["cell"]),
            _p("", st["cell"]),
            _p("", st["cell"]),
            _p("\n".join(notes), st["cell_muted"]),
        ]
    for leg in r.legs:
        if leg.get("mode") == "rail" and leg.get("line"):
            notes.append(f"{mode_text('rail', lang)} {leg['line']}")
    if r.estimate:
        notes.append(mode_text("estimate", lang))
    arrow = "→ "
    # The Chinese name of a place visited next is on its own line below; a town's is shown here.
    other = "" if r.place.kind == "attraction" else r.place.other_name(lang)
    return [
        _p(time, st["cell_muted"]),
        _p("", st["cell"]),
        place_cell(arrow + r.place.name(lang), other, "cell_muted"),
        _p(label("travel_to", lang), st["cell_muted"]),
        _p(f"{mode_text(r.mode, lang)} {duration_text(r.minutes, lang)}\n{r.km:.0f} km", st["cell_muted"]),
        _p("", st["cell"]),
        _p("", st["cell"]),
        _p("\n".join(notes), st["cell_muted"]),
    ]


@dataclass
class DayParts:
    """A day's heading, timetable and night box, built before the maps so the map can take the
    height the page has left."""

    head: object
    table: object
    box: object

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


def _day_parts(it: Itinerary, day: DayView, st, lang: str, width: float) -> DayParts:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    heading = label("day_n", lang, n=day.number)
    if it.dates_given:
        heading += " · " + date_text(day.date, lang)
    summary = (
        f"{day.start.name(lang)} → {day.overnight.name(lang)} · "
        f"{label('one_place', lang) if len(day.visits()) == 1 else label('n_places', lang, n=len(day.visits()))} · "
        f"{label('drive', lang)} {duration_text(day.travel_minutes, lang)} · {day.km:.0f} km"
    )
    head = Table(
        [[_badge(day, st, lang), [_p(heading, st["h1"]), _p(summary, st["sub"])]]],
        colWidths=[20 * mm, width - 20 * mm],
    )
    head.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (0, 0), 0),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, HexColor(day.color)),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            ]
        )
    )
    cols = [
        label("time", lang),
        "#",
        label("place", lang),
        label("what", lang),
        label("travel", lang),
        label("hours", lang),
        label("ticket", lang),
        label("notes", lang),
    ]
    rows = [[_p(c, st["cell_head"]) for c in cols]]
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
        rows.append(_row_cells(r, day, st, lang))
        if r.kind == "visit":
            k = len(rows) - 1
            style.append(("BACKGROUND", (0, k), (-1, k), HexColor(TINT)))
            style.append(("LINEBEFORE", (0, k), (0, k), 2.5, HexColor(day.color)))
    widths = [20, 6, 42, 26, 27, 19, 13, 25]
    scale = width / sum(widths)
    table = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1)
    table.setStyle(TableStyle(style))
    ov = day.overnight
    key = "end_of_trip" if day.last else "overnight"
    ov_text = f"{label(key, lang)}{'：' if lang == 'zh' else ': '}{ov.name(lang)}"
    if ov.other_name(lang):
        ov_text += f"（{ov.other_name(lang)}）" if lang == "zh" else f" ({ov.other_name(lang)})"
    box = Table([[_p(ov_text, st["fact_v"])]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.8, HexColor(BRAND)),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return DayParts(head, table, box)


def _day_section(parts: DayParts, st, lang: str, img: MapImage | None, width: float) -> list:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    story: list = [parts.head, Spacer(1, 3 * mm), *_map_block(img, width, st, lang), parts.table]
    story += [Spacer(1, 4 * mm), KeepTogether([parts.box])]
    return story


def _quotation(q: dict, st, lang: str, width: float) -> list:
    """The quotation page: one line per cost item, then net cost, margin, price and per person."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    def money(x) -> str:
        return f"{float(x):,.2f}"

    head = [label("q_item", lang), label("q_qty", lang), label("q_unit_price", lang), label("q_amount", lang),
            label("q_per_person", lang)]
    rows = [[_p(h, st["cell_head"]) for h in head]]
    for line in q.get("lines", []):
        what = str(line.get("what", "")) + (" *" if line.get("estimate") else "")
        qty = f"{float(line.get('quantity', 0)):g} {line.get('unit', '')}"
        rows.append([_p(what, st["cell"]), _p(qty, st["cell"]), _p(money(line.get("unit_price_cny", 0)), st["cell"]),
                     _p(money(line.get("amount_cny", 0)), st["cell"]), _p(money(line.get("per_person_cny", 0)), st["cell"])])
    t = Table(rows, colWidths=[width * 0.44, width * 0.14, width * 0.14, width * 0.14, width * 0.14], repeatRows=1)
    t.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HexColor(BRAND)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    size = (q.get("group") or {}).get("size", "")
    totals = [
        (label("q_net", lang), money(q.get("net_cost_cny", 0))),
        (label("q_margin", lang, p=float(q.get("margin_pct", 0))), money(q.get("margin_cny", 0))),
        (label("q_selling", lang), money(q.get("selling_price_cny", 0))),
        (label("q_pp", lang, n=size), money(q.get("price_per_person_cny", 0))),
    ]
    if q.get("single_supplement_cny"):
        totals.append((label("q_single", lang), money(q["single_supplement_cny"])))
    tt = Table([[_p(k, st["fact_k"]), _p(v, st["base"])] for k, v in totals], colWidths=[width * 0.5, width * 0.5])
    tt.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 0.8, HexColor(RULE)),
                            ("LINEABOVE", (0, 2), (-1, 2), 0.4, HexColor(RULE))]))
    return [_p(label("quotation", lang), st["h1"]), Spacer(1, 2 * mm), t, Spacer(1, 4 * mm), tt, Spacer(1, 3 * mm),
            _p(label("q_estimate", lang), st["note"])]


def _closing(it: Itinerary, st, lang: str, width: float, notes: str, warnings: list[str]) -> list:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer, Table, TableStyle

    story: list = [_p(label("dropped", lang), st["h1"]), Spacer(1, 2 * mm)]
    if it.dropped:
        rows = [[_p(label("place", lang), st["cell_head"]), _p(label("reason", lang), st["cell_head"])]]
        for place, pid, reason, must in it.dropped:
            name = place.name(lang) if place else pid
            rows.append(
                [_p(name + (" *" if must else ""), st["cell"]), _p(reason_text(reason, lang, place), st["cell"])]
            )
        t = Table(rows, colWidths=[width * 0.3, width * 0.7], repeatRows=1)
        t.setStyle(
            TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), HexColor(BRAND)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 1), (-1, -1), 0.4, HexColor(RULE)),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story.append(t)
    else:
        story.append(_p(label("none_dropped", lang), st["base"]))
    shown = list(it.warnings) + list(warnings)
    if shown:
        story += [Spacer(1, 4 * mm), _p(label("warnings", lang), st["h2"])]
        story += [_p("• " + w, st["note"]) for w in shown]
    story += [Spacer(1, 6 * mm), _p(label("notes_title", lang), st["h1"]), Spacer(1, 2 * mm)]
    if notes.strip():
        box = Table([[_p(notes.strip(), st["base"])]], colWidths=[width])
        box.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
                    ("BACKGROUND", (0, 0), (-1, -1), HexColor(TINT)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ]
            )
        )
        story += [box, Spacer(1, 4 * mm)]
    # Blank lines to fill in by hand: the people the group calls on the road.
    contacts = [label("guide", lang), label("driver", lang), label("agency", lang), label("emergency", lang)]
    rows = [[_p(c, st["fact_k"]), _p("", st["base"])] for c in contacts]
    rows += [[_p("", st["base"]), _p("", st["base"])] for _ in range(2)]
    t = Table(rows, colWidths=[width * 0.22, width * 0.78], rowHeights=[9 * mm] * len(rows))
    t.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (1, 0), (1, -1), 0.5, HexColor(RULE)),
                ("LINEBELOW", (0, len(contacts)), (0, -1), 0.5, HexColor(RULE)),
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ]
        )
    )
    story += [t, Spacer(1, 8 * mm), _p(label("fine_print", lang), st["note"])]
    return story


def _table_fonts(flowables, font: str) -> None:
    """Give every table cell our font: reportlab sets each cell's font (Helvetica by default) even
    when the cell holds a Paragraph, which puts a non-embedded Helvetica into the PDF."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    for f in flowables:
        if isinstance(f, Table):
            f.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font)]))
            for row in f._cellvalues:
                for cell in row:
                    _table_fonts(cell if isinstance(cell, (list, tuple)) else [cell], font)
        elif isinstance(f, KeepTogether):
            _table_fonts(f._content, font)


# --------------------------------------------------------------------------- entry point


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
) -> list[str]:
    """Write the printable itinerary (A4 PDF, Chinese font embedded).

    Cover (title, dates, days, group, price, route, overview map, each day at a glance), one
    section per day (map of the day, timetable with travel, opening hours and tickets, the night's
    place) and a closing page (places left out and why, notes, contacts to fill in).

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.pdf`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional
        For names, hours and tickets; the bundled catalog when None.
    notes : str
        Free text for the closing page (contacts, meeting point, what to bring ...).
    group_size : int, optional
        Shown on the cover; by default derived from the plan's prices.
    maps : bool
        Draw the maps (rendered by ``python -m ui.snapshot`` in a subprocess).
    quote : dict, optional
        ``planner.costing.Quote.to_dict()`` for the quotation page (the app passes its Costs
        panel's); by default one is made with the default rates when the plan has a price.

    Returns
    -------
    list of str
        Warnings, e.g. that the maps could not be drawn (the PDF then says so where they would be).

    Raises
    ------
    ExportError
        The plan cannot be shown or the file cannot be written; no file is left behind.
    """
    check_lang(lang)
    if not isinstance(notes, str):
        raise ExportError("must be text", field="notes")
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    it = build_itinerary(plan, catalog)
    if not it.days:
        raise ExportError("the plan has no days to print", field="days")
    warnings: list[str] = []
    font, _embedded = _register_font(warnings)
    st = _styles(font, lang)
    width = PAGE_WIDTH - 2 * PAGE_MARGIN
    parts = [_day_parts(it, d, st, lang, width) for d in it.days]
    with tempfile.TemporaryDirectory(prefix="qiantu-pdf-") as scratch:
        images: list[MapImage | None] = [None] * (1 + len(it.days))
        if maps:
            sizes = [OVERVIEW_PX] + [_day_map_px(p, width) for p in parts]
            images = [MapImage(None, w, h) for w, h in sizes]
            try:
                pages = [(_print_map_html(it, catalog, lang, None), *sizes[0])]
                pages += [(_print_map_html(it, catalog, lang, d), *size) for d, size in zip(it.days, sizes[1:])]
                pngs, errors = render_maps(pages, Path(scratch))
            except (OSError, ValueError, ImportError) as exc:
                pngs, errors = [None] * len(images), [f"the maps could not be built: {exc}"]
            for img, png in zip(images, pngs):
                img.png = png
            if errors:
                warnings.append("maps missing from the PDF: " + "; ".join(errors[:3]))
        from planner.export.common import plan_quote

        q = plan_quote(plan, catalog, group_size=group_size, quote=quote)
        _build_pdf(
            it, path, lang=lang, font=font, st=st, parts=parts, images=images, notes=notes, group_size=group_size,
            quote=q,
        )
    return warnings


def _build_pdf(it: Itinerary, path, *, lang, font, st, parts, images, notes, group_size, quote=None) -> None:
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    width = PAGE_WIDTH - 2 * PAGE_MARGIN
    story: list = _cover(it, st, lang, images[0], width, group_size)
    for part, img in zip(parts, images[1:]):
        story.append(PageBreak())
        story += _day_section(part, st, lang, img, width)
    if quote:
        story.append(PageBreak())
        story += _quotation(quote, st, lang, width)
    story.append(PageBreak())
    story += _closing(it, st, lang, width, notes, [])
    _table_fonts(story, font)

    # Binary streams: ASCII85 (reportlab's default, pure Python) took 0.8 s of a 5-day PDF's 1.5 s.
    rl_config.useA85 = 0

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(
            str(tmp),
            pagesize=A4,
            leftMargin=PAGE_MARGIN,
            rightMargin=PAGE_MARGIN,
            topMargin=PAGE_TOP,
            bottomMargin=PAGE_BOTTOM,
            title=it.title_or_default(lang),
            author="QianTu 黔途",
            subject=label("itinerary", lang),
            creator="QianTu 黔途",
            lang="zh-CN" if lang == "zh" else "en",
            initialFontName=font,
        )
        doc.build(story, canvasmaker=_canvas_class(it, lang, font))

    write_atomic(Path(path), write, what="PDF")
