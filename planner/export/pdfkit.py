"""The small PDF kit the itinerary, the tour order sheet and the red-route report are drawn with:
an embedded CJK font, the palette and paragraph styles, page furniture ("page p of n" and a running
title), framed maps rendered by ``python -m ui.snapshot`` in one subprocess, tables, and an atomic
build of the document. Built on reportlab (see docs/decisions-export.md).
"""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from planner.export.common import label, write_atomic

# The snapshot module run in the subprocess (a module-level name so a test can point it elsewhere).
SNAPSHOT_MODULE = "ui.snapshot"

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


def find_cjk_font() -> str | None:
    """Path of a TrueType font with Chinese glyphs: ``QIANTU_PDF_FONT``, then the usual places."""
    env = os.environ.get("QIANTU_PDF_FONT")
    for cand in ([env] if env else []) + list(CJK_FONT_CANDIDATES):
        if cand and os.path.isfile(cand):
            return cand
    return None


def register_font(warnings: list[str]) -> tuple[str, bool]:
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


class MapRender:
    """Map pages being rendered by a ``ui.snapshot`` subprocess; :meth:`result` waits for it.

    Started by :func:`start_render_maps`, so the caller can do other work (write other files)
    while Chromium draws the maps. The child dies with this process: ``ui.snapshot`` sets
    PR_SET_PDEATHSIG on Linux and watches its stdin pipe (which closes when this process ends,
    however it ends); an orphaned child removes ``folder`` too, so a killed export leaves no files.
    It runs in its own process group, killed as a whole when the result is in, on timeout or error.
    """

    def __init__(self, pages: list[tuple[str, int, int]], folder: Path, timeout_s: float | None = None) -> None:
        args: list[str] = []
        self.outs: list[Path] = []
        for k, (page, w, h) in enumerate(pages):
            src = folder / f"map{k}.html"
            src.write_text(page, encoding="utf-8")
            out = folder / f"map{k}.jpg"
            args += [str(src), str(out), str(w), str(h)]
            self.outs.append(out)
        env = dict(os.environ)
        # ``ui`` sits next to ``planner`` in a checkout and in site-packages alike.
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        env.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
        env["QIANTU_SNAPSHOT_PARENT"] = str(os.getpid())
        env["QIANTU_SNAPSHOT_SCRATCH"] = str(folder)
        self.timeout_s = timeout_s or 30.0 + 10.0 * len(pages)
        self.errors: list[str] = []
        self.proc: subprocess.Popen | None = None
        self._log_path = folder / "snapshot.log"
        self._log = None
        try:
            # stderr to a file, not a pipe: waiting never deadlocks on a full pipe, and stdin stays
            # open (its closing tells the child that this process is gone).
            self._log = open(self._log_path, "w+", encoding="utf-8", errors="replace")  # noqa: SIM115
            self.proc = subprocess.Popen(
                [sys.executable, "-m", SNAPSHOT_MODULE, *args],
                env=env,
                cwd=str(folder),
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=self._log,
                start_new_session=True,  # its Chromium helpers form one group that can be killed at once
            )
        except OSError as exc:
            self.errors.append(f"the map renderer could not start: {exc}")

    def result(self) -> tuple[list[Path | None], list[str]]:
        """Wait for the images: (one path or None per page, the reasons of the failures)."""
        if self.proc is not None:
            try:
                code: int | None = self.proc.wait(timeout=self.timeout_s)
            except subprocess.TimeoutExpired:
                self.errors.append(f"the map renderer took longer than {self.timeout_s:.0f} s")
                code = None
            finally:
                _stop(self.proc)
            stderr = ""
            if self._log is not None:
                self._log.seek(0)
                stderr = self._log.read()
            if code not in (0, None):
                lines = [ln for ln in stderr.splitlines() if ln.startswith("ui.snapshot:")]
                tail = [ln for ln in stderr.splitlines() if ln.strip()][-1:] or [f"exit status {code}"]
                self.errors.extend(lines or tail)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
            self._log_path.unlink(missing_ok=True)
        pngs = [p if p.is_file() and p.stat().st_size > 0 else None for p in self.outs]
        if any(p is None for p in pngs) and not self.errors:
            self.errors.append("the map renderer wrote no image")
        return pngs, self.errors


def start_render_maps(pages: list[tuple[str, int, int]], folder: Path, timeout_s: float | None = None) -> MapRender:
    """Start rendering HTML pages (html text, width px, height px) to JPEG images in one
    ``ui.snapshot`` subprocess, the files in ``folder``; returns at once."""
    return MapRender(pages, folder, timeout_s)


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
    return start_render_maps(pages, folder, timeout_s).result()


class PlainTemplate:
    """What jinja2 makes of a text with no template syntax: the text itself (one trailing newline
    dropped and line ends made ``\\n``, as jinja2's defaults do), without compiling anything."""

    def __init__(self, source: str) -> None:
        text = source.replace("\r\n", "\n").replace("\r", "\n")
        self.text = text[:-1] if text.endswith("\n") else text

    def render(self, *args, **kwargs) -> str:
        return self.text


def is_plain(source: str) -> bool:
    """True when ``source`` has none of jinja2's delimiters."""
    return "{{" not in source and "{%" not in source and "{#" not in source


@contextmanager
def plain_templates():
    """Within the block, branca/folium elements whose template text is plain (no ``{{``, ``{%``,
    ``{#``: the already-rendered pieces folium wraps in an Element) skip jinja2's compiler, which
    took about 60% of the time of building a print map. Templates with syntax compile as before."""
    import branca.element as be

    original = be.Template

    def template(source, *args, **kwargs):
        if not args and not kwargs and isinstance(source, str) and is_plain(source):
            return PlainTemplate(source)
        return original(source, *args, **kwargs)

    # A deliberate monkeypatch: branca only calls Template(source).render(...), which PlainTemplate
    # provides; mypy sees a function replacing a class and refuses to rebind a class name.
    be.Template = template  # type: ignore[misc, assignment]
    try:
        yield
    finally:
        be.Template = original  # type: ignore[misc]


def numbered_canvas(title: str, lang: str, font: str):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas as rl_canvas

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


def styles(font: str, lang: str):
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


def para(text: str, style):
    """A paragraph of plain text (escaped; newlines become line breaks)."""
    from reportlab.platypus import Paragraph

    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def map_flowable(img: MapImage, width: float, st, lang: str, why: str = ""):
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
    box = Table([[para(note, st["missing"])]], colWidths=[width], rowHeights=[min(height, 30)])
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


def table_fonts(flowables, font: str) -> None:
    """Give every table cell our font: reportlab sets each cell's font (Helvetica by default) even
    when the cell holds a Paragraph, which puts a non-embedded Helvetica into the PDF."""
    from reportlab.platypus import KeepTogether, Table, TableStyle

    for f in flowables:
        if isinstance(f, Table):
            f.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), font)]))
            for row in f._cellvalues:
                for cell in row:
                    table_fonts(cell if isinstance(cell, (list, tuple)) else [cell], font)
        elif isinstance(f, KeepTogether):
            table_fonts(f._content, font)




def grid(rows: list, widths: list[float], width: float, *, head: bool = True, zebra: bool = False, pad: float = 3,
         valign: str = "TOP"):
    """A table of ``rows`` scaled to ``width`` (relative ``widths``): brand-coloured header row,
    thin rules between rows, optional zebra stripes."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    scale = width / sum(widths)
    t = Table(rows, colWidths=[w * scale for w in widths], repeatRows=1 if head else 0, hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), valign),
        ("LINEBELOW", (0, 1 if head else 0), (-1, -1), 0.4, HexColor(RULE)),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if head:
        style.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(BRAND)))
    if zebra:
        style.append(("ROWBACKGROUNDS", (0, 1 if head else 0), (-1, -1), [HexColor("#ffffff"), HexColor(TINT)]))
    t.setStyle(TableStyle(style))
    return t


def boxed(flowable_text: str, st, width: float, *, style: str = "base", tint: bool = True):
    """Text in a framed, tinted box."""
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Table, TableStyle

    box = Table([[para(flowable_text, st[style])]], colWidths=[width])
    box.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, HexColor(RULE)),
                ("BACKGROUND", (0, 0), (-1, -1), HexColor(TINT if tint else "#ffffff")),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 6),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box


def build(path, story: list, *, title: str, subject: str, lang: str, font: str, running_title: str | None = None,
          margins: tuple[float, float, float] = (PAGE_MARGIN, PAGE_TOP, PAGE_BOTTOM)) -> None:
    """Lay ``story`` out on A4 pages with the page furniture and write it atomically to ``path``."""
    from reportlab import rl_config
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    table_fonts(story, font)
    # Binary streams: ASCII85 (reportlab's default, pure Python) took 0.8 s of a 5-day PDF's 1.5 s.
    rl_config.useA85 = 0
    side, top, bottom = margins

    def write(tmp: Path) -> None:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=side, rightMargin=side, topMargin=top, bottomMargin=bottom,
            title=title, author="QianTu 黔途", subject=subject, creator="QianTu 黔途",
            lang="zh-CN" if lang == "zh" else "en", initialFontName=font,
        )
        from reportlab.platypus.doctemplate import LayoutError

        try:
            doc.build(story, canvasmaker=numbered_canvas(running_title or title, lang, font))
        except LayoutError:
            # A text from a file too long to fit a page (a title or note with no place to break).
            from planner.errors import ExportError

            raise ExportError("a text of the plan (its title, a name or a note) is too long to fit on a page; "
                              "shorten it") from None

    write_atomic(Path(path), write, what="PDF")

