"""The red-route report in the app: computed in a worker, shown as text, saved as PDF."""

from __future__ import annotations

import os

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QMessageBox, QPlainTextEdit, QVBoxLayout

from planner.errors import PlannerError
from ui.i18n import tr
from ui.workers import Worker


class ReportDialog(QDialog):
    """Shows a route report; "Save PDF…" writes it with the core's report PDF."""

    def __init__(self, report: dict, plan, catalog, lang: str, folder: str = "", parent=None) -> None:
        super().__init__(parent)
        from planner.report import format_report

        self.setObjectName("reportDialog")
        self.setWindowTitle(tr("Red-route report"))
        self.report, self.plan, self.catalog, self.lang, self.folder = report, plan, catalog, lang, folder
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("reportText")
        self.text.setReadOnly(True)
        self.text.setFont(QFont("monospace"))
        self.text.setPlainText(format_report(report, catalog, lang))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.saveButton = buttons.addButton(tr("Save PDF…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.saveButton.clicked.connect(self.save_pdf)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.resize(900, 700)

    def save_pdf(self, path: str | None = None) -> bool:
        from planner.report_pdf import export_report_pdf

        if not path:
            path, _ = QFileDialog.getSaveFileName(self, tr("Save PDF…"), os.path.join(self.folder, "route-report.pdf"),
                                                  "PDF (*.pdf)")
            if not path:
                return False
        try:
            export_report_pdf(self.report, self.plan, path, catalog=self.catalog, lang=self.lang)
        except PlannerError as exc:
            QMessageBox.warning(self, "QianTu", exc.one_line())
            return False
        return True


def compute_report(window) -> Worker | None:
    """Start the report of the window's plan (with the free-order comparison) in a worker."""
    from planner.plan import plan_from_dict
    from planner.request import request_from_dict
    from ui.document import clean_request

    doc = window.doc
    if not doc.plan:
        QMessageBox.information(window, "QianTu", tr("Optimize the trip first: there is no plan to export."))
        return None
    try:
        plan = plan_from_dict(doc.plan)
        request = request_from_dict(clean_request(doc.plan_request or doc.request), catalog=window.catalog)
        network = window.network()
    except PlannerError as exc:
        QMessageBox.warning(window, "QianTu", exc.one_line())
        return None
    catalog = window.catalog

    def work(progress, cancelled):
        from planner.report import route_report

        progress(0.1, "")
        return route_report(plan, request, catalog, compare=True, network=network, time_limit_s=2)

    worker = Worker(work, window)
    worker.succeeded.connect(lambda report: window.show_report(report, plan))
    worker.failed.connect(lambda msg: msg and QMessageBox.warning(window, "QianTu", msg))
    window.statusBar().showMessage(tr("Preparing the route report…"))
    worker.start()
    return worker
