"""File ▸ Export and File ▸ Print Preview: the core's exporters run in a worker thread."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from planner.errors import PlannerError
from ui.i18n import tr
from ui.workers import Worker


def format_label(fmt: str) -> str:
    return {
        "pdf": tr("Itinerary for the client (PDF)"),
        "pdf-internal": tr("Internal itinerary with costs (PDF)"),
        "tour-order": tr("Tour order sheet for guide and driver (XLSX)"),
        "xlsx": tr("Excel workbook (XLSX)"),
        "gpx": tr("GPX for the driver (GPX)"),
        "kml": tr("Google Earth (KML)"),
        "geojson": tr("GeoJSON for GIS"),
        "ics": tr("Calendar for the guide (ICS)"),
        "html": tr("Interactive map (HTML)"),
    }[fmt]


# Formats of the export menu that are not planner.export.FORMATS: format -> (file extension, filter).
EXTRA_FORMATS = {"pdf-internal": ".pdf", "tour-order": ".xlsx"}


def file_extension(fmt: str) -> str:
    from planner.export import FORMATS

    return EXTRA_FORMATS.get(fmt) or FORMATS[fmt][1]


def run_export(fmt: str, plan: dict, path: str, *, lang: str, catalog, notes: str = "", quote: dict | None = None,
               tour: dict | None = None, title: str | None = None, progress=None, cancelled=None) -> list[str]:
    """Write ``plan`` as ``fmt`` to ``path`` (the core's exporter; atomic). ``pdf`` is the client's
    itinerary, ``pdf-internal`` the operator's, ``tour-order`` the tour order sheet (.xlsx or .pdf)."""
    from planner.export import FORMATS

    if progress:
        progress(0.1, fmt)
    if fmt in ("pdf", "pdf-internal"):
        from planner.export.pdf import export_pdfs, prepare_pdf

        job = prepare_pdf(plan, path, lang=lang, catalog=catalog, notes=notes, quote=quote, tour=tour, title=title,
                          audience="internal" if fmt == "pdf-internal" else "client")
        if progress:
            progress(0.25, fmt)
        # 0.4 once the maps are being drawn (the longest step), then done.
        warnings = export_pdfs([job], catalog, meanwhile=(lambda: progress(0.4, fmt)) if progress else None)[0]
    elif fmt == "tour-order":
        from planner.export.tour_order import export_tour_order

        warnings = export_tour_order(plan, path, lang=lang, catalog=catalog, quote=quote, tour=tour, title=title)
    else:
        exporter, _ext = FORMATS[fmt]
        kwargs = {"lang": lang, "catalog": catalog}
        if fmt == "xlsx" and quote is not None:
            kwargs["quote"] = quote
        warnings = exporter(plan, path, **kwargs)
    if progress:
        progress(1.0, fmt)
    return list(warnings or [])


class Exporter(QObject):
    """Asks for a file name, exports in a worker thread, reports the result in the status bar."""

    finished = Signal(str, str)  # path, error ("" when it worked)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.worker: Worker | None = None

    def export(self, fmt: str, path: str | None = None) -> bool:
        w = self.window
        plan = w.doc.plan
        if not plan:
            QMessageBox.information(w, "QianTu", tr("Optimize the trip first: there is no plan to export."))
            return False
        if self.worker is not None and self.worker.running:
            return False
        ext = file_extension(fmt)
        if path is None:
            stem = (w.doc.request.get("title") or "itinerary").replace("/", "-")
            start = os.path.join(w.settings.last_folder or os.getcwd(), stem + ext)
            pattern = "*.xlsx *.pdf" if fmt == "tour-order" else f"*{ext}"
            path, _ = QFileDialog.getSaveFileName(w, format_label(fmt), start, f"{format_label(fmt)} ({pattern})")
            if not path:
                return False
        if not path.lower().endswith(ext) and not (fmt == "tour-order" and path.lower().endswith(".pdf")):
            path += ext
        lang, catalog, notes = w.lang, w.catalog, w.doc.notes
        quote = w.costsPanel.quote.to_dict() if getattr(w, "costsPanel", None) and w.costsPanel.quote else None
        tour, title = dict(w.doc.tour), w.doc.request.get("title") or None
        self.worker = Worker(lambda progress, cancelled: run_export(fmt, plan, path, lang=lang, catalog=catalog,
                                                                    notes=notes, quote=quote, tour=tour, title=title,
                                                                    progress=progress), self)
        self._outcome = (path, "cancelled")
        self.worker.progressed.connect(
            lambda fraction, _what: w.statusBar().showMessage(tr("Exporting {0}… {1:.0f}%").format(path, 100 * fraction)))
        self.worker.succeeded.connect(lambda warnings: self._done(path, warnings))
        self.worker.failed.connect(lambda msg: self._failed(path, msg))
        self.worker.finished.connect(lambda: self.finished.emit(*self._outcome))
        w.statusBar().showMessage(tr("Exporting {0}…").format(path))
        self.worker.start()
        return True

    def _done(self, path: str, warnings: list[str]) -> None:
        w = self.window
        w.settings.last_folder = str(Path(path).parent)
        msg = tr("Exported {0}").format(path)
        if warnings:
            msg += " — " + "; ".join(warnings)
        w.statusBar().showMessage(msg, 8000)
        self._outcome = (path, "")

    def _failed(self, path: str, message: str) -> None:
        self._outcome = (path, message or "cancelled")
        QMessageBox.warning(self.window, "QianTu", message or tr("Export cancelled."))


def print_preview(window: QWidget, plan: dict, *, lang: str, catalog, notes: str = "", quote: dict | None = None,
                  tour: dict | None = None, title: str | None = None, pdf_path: str | None = None) -> None:
    """Show the printable itinerary in Qt's print preview (pages rendered from the exported PDF).

    With ``pdf_path`` (the PDF already exported, e.g. in a worker thread) nothing is exported here."""
    from PySide6.QtPdf import QPdfDocument
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    tmp = tempfile.TemporaryDirectory(prefix="qiantu-print-")
    if pdf_path is None:
        pdf_path = os.path.join(tmp.name, "itinerary.pdf")
        try:
            run_export("pdf", plan, pdf_path, lang=lang, catalog=catalog, notes=notes, quote=quote,
                       tour=tour, title=title)
        except PlannerError as exc:
            tmp.cleanup()
            QMessageBox.warning(window, "QianTu", exc.one_line())
            return
    document = QPdfDocument(window)
    document.load(pdf_path)

    def paint(printer: QPrinter) -> None:
        painter = QPainter(printer)
        rect = printer.pageLayout().paintRectPixels(printer.resolution())
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            size = document.pagePointSize(page)
            scale = min(rect.width() / size.width(), rect.height() / size.height())
            image = document.render(page, QSize(int(size.width() * scale), int(size.height() * scale)))
            painter.drawImage(0, 0, image)
        painter.end()

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintPreviewDialog(printer, window)
    dialog.setWindowTitle(tr("Print preview"))
    dialog.paintRequested.connect(paint)
    dialog.exec()
    document.close()
    tmp.cleanup()
