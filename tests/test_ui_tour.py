"""The Tour panel and the client/internal/tour-order exports in the real window (issue 13)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtWidgets import QMessageBox  # noqa: E402

import ui  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
TOUR = {
    "agency": "黔途国际旅行社",
    "tour_code": "QT-20270406-A",
    "guide": {"name": "李晓黔", "phone": "139 0851 2233"},
    "driver": {"name": "王师傅", "phone": "138 0851 7788", "plate": "贵A·D1234"},
    "emergency_phone": "0851-12301",
}
COSTING = {"adults": 14, "children": 2, "seniors": 2, "hotel_class": "premium", "margin_pct": 18, "foc_per": 15,
           "currency": "USD=7.10"}


@pytest.fixture
def dialogs(monkeypatch):
    shown = []

    def fake(parent, title, text, *a, **k):
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, fake)
    return shown


@pytest.fixture
def package(tmp_path) -> Path:
    plan = json.loads((DATA / "export_plan_5days.json").read_text(encoding="utf-8"))
    pkg = {
        "schema": "qiantu/package@1",
        "title": "黔东南与红色遵义五日游",
        "request": {"schema": "qiantu/request@1", "title": "黔东南与红色遵义五日游", "start": "guiyang", "days": 5,
                    "group_size": 16, "stops": [{"id": "huangguoshu-waterfall"}]},
        "plan": plan,
        "notes": "",
        "costing": COSTING,
        "tour": TOUR,
    }
    path = tmp_path / "trip.qiantu.json"
    path.write_text(json.dumps(pkg, ensure_ascii=False), encoding="utf-8")
    return path


def open_window(qtbot, path):
    w = ui.create_main_window(path)
    qtbot.addWidget(w)
    w.show()
    return w


def test_tour_form_validates_and_every_edit_is_undoable(qtbot, dialogs, package, tmp_path):
    w = open_window(qtbot, package)
    panel = w.tourPanel
    assert panel.edits["guide.phone"].text() == "139 0851 2233"
    assert panel.edits["driver.plate"].text() == "贵A·D1234"
    # A phone with letters is refused, named, and the package keeps the old number.
    assert not panel.set_field("guide.phone", "139-08x1")
    assert "tour.guide.phone" in panel.errorLabel.text()
    assert w.doc.tour["guide"]["phone"] == "139 0851 2233"
    assert not panel.set_field("driver.plate", "ABC-123")
    assert "tour.driver.plate" in panel.errorLabel.text()
    # A good number goes in as one undoable step.
    assert panel.set_field("guide.phone", "+86 139 0000 1111")
    assert w.doc.tour["guide"]["phone"] == "+86 139 0000 1111" and not panel.errorLabel.text()
    assert panel.set_field("leader.name", "Anna Smith")
    assert w.doc.tour["leader"] == {"name": "Anna Smith"}
    w.doc.undo_stack.undo()
    assert "leader" not in w.doc.tour
    w.doc.undo_stack.undo()
    assert w.doc.tour["guide"]["phone"] == "139 0851 2233" and panel.edits["guide.phone"].text() == "139 0851 2233"
    # The hotel of day 2 from the table, undoable; a hotel phone with letters is refused.
    assert panel.daysTable.rowCount() == 5
    panel.daysTable.item(1, 0).setText("遵义宾馆")
    assert w.doc.tour["hotels"] == [{"day": 2, "name": "遵义宾馆"}]
    panel.daysTable.item(1, 1).setText("0851-abc")
    assert "phone" in panel.errorLabel.text() and w.doc.tour["hotels"] == [{"day": 2, "name": "遵义宾馆"}]
    w.doc.undo_stack.undo()
    assert "hotels" not in w.doc.tour and panel.daysTable.item(1, 0).text() == ""
    # Text the package would refuse on reading it back is refused here too.
    panel.daysTable.item(2, 2).setText("x" * 300)
    assert "tour.hotels[0].address" in panel.errorLabel.text() and "hotels" not in w.doc.tour
    assert not panel.set_field("agency", "y" * 300) and "hotels" not in w.doc.tour
    # Train numbers of a day, checked, in order.
    panel.daysTable.item(0, 6).setText("g2961, D8512")
    assert w.doc.tour["trains"] == [{"day": 1, "number": "G2961"}, {"day": 1, "number": "D8512"}]
    panel.daysTable.item(0, 6).setText("bus 12")
    assert "tour.trains" in panel.errorLabel.text() and len(w.doc.tour["trains"]) == 2
    assert panel.daysTable.item(0, 6).text() == "G2961, D8512"
    # Saved with the package and read back.
    panel.set_field("agency", "贵州山水国旅")
    out = tmp_path / "saved.qiantu.json"
    assert w.save_to(str(out))
    assert json.loads(out.read_text(encoding="utf-8"))["tour"]["agency"] == "贵州山水国旅"
    w.close()


def test_costs_panel_shows_the_price_of_qiantu_quote(qtbot, dialogs, package, capsys):
    from planner.cli import main

    assert main(["quote", str(package), "--format", "json"]) == 0
    q = json.loads(capsys.readouterr().out)["quote"]
    w = open_window(qtbot, package)
    app_quote = w.costsPanel.quote.to_dict()
    assert app_quote["price_per_person_cny"] == q["price_per_person_cny"]
    assert app_quote["price_per_category_cny"] == q["price_per_category_cny"]
    assert app_quote["prices"] == q["prices"]
    assert w.costsPanel.focSpin.value() == 15 and w.costsPanel.currencyEdit.text() == "USD=7.10"
    assert "USD" in w.costsPanel.totalLabel.text()
    w.close()


def test_export_menu_offers_client_internal_and_tour_order(qtbot, dialogs, package, tmp_path, monkeypatch):
    import openpyxl
    import pypdf

    from planner.export import pdfkit

    monkeypatch.setattr(pdfkit, "SNAPSHOT_MODULE", "ui.no_such_snapshot_module")  # no maps: faster
    w = open_window(qtbot, package)
    assert {"pdf", "pdf-internal", "tour-order"} <= set(w.exportActions)
    out = {}
    for fmt, name in (("pdf", "client.pdf"), ("pdf-internal", "internal.pdf"), ("tour-order", "order.xlsx")):
        out[fmt] = tmp_path / name
        with qtbot.waitSignal(w.exporter.finished, timeout=120000) as sig:
            assert w.exporter.export(fmt, str(out[fmt]))
        assert sig.args == [str(out[fmt]), ""], dialogs
    client = "".join(p.extract_text() for p in pypdf.PdfReader(str(out["pdf"])).pages)
    internal = "".join(p.extract_text() for p in pypdf.PdfReader(str(out["pdf-internal"])).pages)
    price = w.costsPanel.quote.price_per_category_cny["adult"]
    assert f"{price:,.0f}" in client and "黔东南与红色遵义五日游" in client and "李晓黔" in client
    assert "成本" not in client and "利润" not in client and "成本合计" in internal
    ws = openpyxl.load_workbook(out["tour-order"]).active
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c]
    assert "QT-20270406-A" in values and "贵A·D1234" in values
    w.close()
