"""Planning in the real window: add stops, optimize in a worker, see the days, undo, save, reopen."""

from __future__ import annotations

import json
import time

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

import ui  # noqa: E402

FIVE = ["huangguoshu-waterfall", "qingyan-ancient-town", "qianlingshan-park", "longgong-cave", "jiaxiu-tower"]


@pytest.fixture
def dialogs(monkeypatch):
    """No modal dialog may block a headless test: record what would have been shown."""
    shown = []

    def fake(kind, answer):
        def _f(parent, title, text, *a, **k):
            shown.append((kind, text))
            return answer
        return _f

    monkeypatch.setattr(QMessageBox, "warning", fake("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "information", fake("information", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "critical", fake("critical", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(QMessageBox, "question", fake("question", QMessageBox.StandardButton.Discard))
    return shown


def js(qtbot, view, expression, timeout=10000):
    box = {}
    view.page().runJavaScript(f"JSON.stringify({expression})", 0, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=timeout)
    return json.loads(box["v"]) if box["v"] else None


def open_window(qtbot, path=None):
    w = ui.create_main_window(path)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30000)
    return w


def optimize(qtbot, w, timeout=60000):
    with qtbot.waitSignal(w.doc.planChanged, timeout=timeout):
        qtbot.mouseClick(w.tripPanel.optimizeButton, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.worker.running, timeout=timeout)


def test_plan_five_stops_in_three_days(qtbot, dialogs, tmp_path):
    w = open_window(qtbot)
    w.add_stops_from_ids(FIVE)
    w.tripPanel.daysSpin.setValue(3)
    w.doc.set_field("time_limit_s", 2)
    assert w.doc.request["days"] == 3 and w.doc.stop_ids() == FIVE
    optimize(qtbot, w)
    plan = w.doc.plan
    assert plan is not None and plan["status"] in ("optimal", "feasible")
    visited = [it["id"] for d in plan["days"] for it in d["items"] if it["type"] == "visit"]
    assert sorted(visited) == sorted(FIVE)
    # Like `qiantu plan`, the app names each night's hotel where the catalog has one there.
    from planner.stay import hotels_for

    for day in plan["days"][:-1]:
        if hotels_for(w.catalog, day["overnight"]):
            assert day.get("hotel") in {h.id for h in hotels_for(w.catalog, day["overnight"])}
    # The tree shows every day with its timed items, and the totals say the same.
    assert w.itineraryView.day_count() == len(plan["days"]) <= 3
    assert f"{len(plan['days'])} 天" in w.totalsLabel.text() and "5 个站点" in w.totalsLabel.text()
    # One route line per day on the map.
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30000)
    qtbot.waitUntil(lambda: js(qtbot, w.mapView, "window.qiantu && qiantu.routeDays ? qiantu.routeDays().length : -1") >= 0,
                    timeout=10000)
    days_with_travel = sum(1 for d in plan["days"] if any(i["type"] == "travel" for i in d["items"]))
    assert js(qtbot, w.mapView, "qiantu.routeDays().length") == days_with_travel
    assert js(qtbot, w.mapView, "qiantu.stopCount()") == 5
    # Undo brings the previous (empty) plan back, redo the new one.
    w.doc.undo_stack.undo()
    assert w.doc.plan is None
    w.doc.undo_stack.redo()
    assert w.doc.plan == plan
    assert w.isWindowModified()
    # Save, close, reopen: the same plan.
    path = tmp_path / "trip.qiantu.json"
    assert w.save_to(str(path))
    assert not w.isWindowModified()
    w.close()
    w2 = open_window(qtbot, path)
    assert w2.doc.plan == plan
    assert w2.doc.stop_ids() == FIVE
    assert w2.itineraryView.day_count() == len(plan["days"])
    assert not dialogs


def test_language_switch_changes_menus_and_totals(qtbot, dialogs):
    w = open_window(qtbot)
    assert w.editMenu.title().startswith("编辑")
    w.set_language("en")
    assert w.editMenu.title() == "&Edit" and w.fileMenu.title() == "&File"
    assert "days" in w.totalsLabel.text()
    assert w.tripPanel.optimizeButton.text() == "Optimize"
    w.set_language("zh")
    assert w.tripPanel.optimizeButton.text() == "优化行程"


def test_edits_are_undoable_and_mark_the_window_modified(qtbot, dialogs):
    w = open_window(qtbot)
    assert not w.isWindowModified()
    w.tripPanel.daysSpin.setValue(4)
    w.tripPanel.daysSpin.setValue(5)  # consecutive edits of one field merge into one step
    w.add_stops_from_ids(["fanjingshan"])
    assert w.isWindowModified()
    assert w.doc.request["days"] == 5 and w.doc.stop_ids() == ["fanjingshan"]
    w.undoAction.trigger()
    assert w.doc.stop_ids() == []
    w.undoAction.trigger()
    assert w.doc.request["days"] == 3 and w.tripPanel.daysSpin.value() == 3
    assert not w.isWindowModified()
    w.redoAction.trigger()
    assert w.doc.request["days"] == 5


def test_window_stays_responsive_and_cancel_stops_a_long_run(qtbot, dialogs):
    w = open_window(qtbot)
    many = [s.id for s in w.catalog if s.kind == "attraction" and s.prefecture not in ("Guangzhou", "Guilin", "Kunming")][:30]
    w.add_stops_from_ids(many)
    w.tripPanel.daysSpin.setValue(7)
    w.doc.set_field("time_limit_s", 60)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    w.optimize()
    assert w.worker.running
    w.optimize()  # a second press while running starts nothing
    qtbot.wait(1500)
    assert w.worker.running
    # The event loop kept turning: ticks every ~20 ms, no gap longer than half a second.
    assert len(ticks) >= 20
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(gaps) < 1.0
    started = time.monotonic()
    qtbot.mouseClick(w.tripPanel.cancelButton, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not w.worker.running, timeout=15000)
    assert time.monotonic() - started < 15
    timer.stop()
    assert w.tripPanel.optimizeButton.isEnabled()


def test_costs_panel_quote_updates_live_and_rate_edit_is_undoable(qtbot, dialogs, tmp_path):
    w = open_window(qtbot)
    w.add_stops_from_ids(FIVE)
    w.tripPanel.daysSpin.setValue(3)
    w.tripPanel.groupSpin.setValue(16)
    w.doc.set_field("time_limit_s", 2)
    optimize(qtbot, w)
    costs = w.costsPanel
    assert costs.quote is not None
    base = costs.quote.price_per_person_cny
    assert costs.quote.group.size == 16
    # The plan's own totals carry the same price for the request's group.
    assert w.doc.plan["totals"]["cost_per_person_cny"] == base
    # Meals at 200 CNY a day instead of the default: the price per person goes up by about 3 days x 140.
    assert costs.set_rate("meals_per_person_day_cny", 200)
    raised = costs.quote.price_per_person_cny
    assert raised > base
    assert w.doc.costing["overrides"]["meals_per_person_day_cny"] == 200
    # A bigger group pays less each.
    costs.adultsSpin.setValue(30)
    assert costs.quote.group.size == 30 and costs.quote.price_per_person_cny < raised
    # Undo twice: back to 16 travellers and the default meal rate, same price as before.
    w.doc.undo_stack.undo()
    assert costs.quote.price_per_person_cny == raised
    w.doc.undo_stack.undo()
    assert "overrides" not in w.doc.costing and costs.quote.price_per_person_cny == base
    # A rate that does not fit is refused with a message, nothing changes.
    assert not costs.set_rate("meals_per_person_day_cny", "lots")
    assert dialogs and "lots" in dialogs[-1][1]
    dialogs.clear()
    # The package keeps its costing choices.
    costs.set_rate("margin_pct", 15)
    path = tmp_path / "priced.qiantu.json"
    assert w.save_to(str(path))
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["costing"]["overrides"]["margin_pct"] == 15
    w.close()
    w2 = open_window(qtbot, path)
    assert w2.costsPanel.quote.margin_pct == 15


def test_file_export_writes_a_pdf_another_reader_opens(qtbot, dialogs, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    w = open_window(qtbot)
    w.add_stops_from_ids(FIVE[:3])
    w.tripPanel.daysSpin.setValue(2)
    w.doc.set_field("time_limit_s", 2)
    optimize(qtbot, w)
    out = tmp_path / "trip.pdf"
    with qtbot.waitSignal(w.exporter.finished, timeout=120000) as sig:
        assert w.exporter.export("pdf", str(out))
    assert sig.args == [str(out), ""], dialogs
    text = "".join(page.extract_text() for page in pypdf.PdfReader(str(out)).pages)
    for sid in FIVE[:3]:
        assert w.catalog.spots[sid].name_zh in text
    gpx = tmp_path / "trip.gpx"
    with qtbot.waitSignal(w.exporter.finished, timeout=60000):
        w.exporter.export("gpx", str(gpx))
    assert gpx.read_text(encoding="utf-8").count("<wpt") >= 3


def test_pick_the_start_on_the_map(qtbot, dialogs, monkeypatch):
    from ui.trip_panel import CustomPlaceDialog

    def accept(self):
        self.name.setText("酒店 Hotel")
        return CustomPlaceDialog.DialogCode.Accepted

    monkeypatch.setattr(CustomPlaceDialog, "exec", accept)
    w = open_window(qtbot)
    qtbot.waitUntil(lambda: js(qtbot, w.mapView, "window.qiantu && qiantu.bridge !== null"), timeout=10000)
    w.start_picking("start")
    # A real click event on the Leaflet map reaches Python through the WebChannel.
    with qtbot.waitSignal(w.mapView.mapClicked, timeout=10000):
        w.mapView.page().runJavaScript("qiantu.map.fire('click', {latlng: L.latLng(26.58, 106.71)});")
    qtbot.waitUntil(lambda: isinstance(w.doc.request.get("start"), dict), timeout=5000)
    start = w.doc.request["start"]
    assert start["name"] == "酒店 Hotel" and abs(start["lat"] - 26.58) < 1e-6 and abs(start["lon"] - 106.71) < 1e-6
    assert w.picking is None
    w.doc.undo_stack.undo()
    assert w.doc.request["start"] == "guiyang"


def test_create_main_window_with_a_bad_file_raises_instead_of_blocking(qtbot, tmp_path):
    from planner.errors import PlannerError

    bad = tmp_path / "bad.qiantu.json"
    bad.write_text('{"schema": "qiantu/request@1", "start": "nowhere", "days": 2, "stops": []}', encoding="utf-8")
    with pytest.raises(PlannerError) as ei:
        ui.create_main_window(bad)
    assert "nowhere" in ei.value.one_line() and str(bad) in ei.value.one_line()
