"""Edits that stay and undo (issue 16.2), pins and locked days (16.1), places outside the map (16.4)
and bad values in fields (12.7): what an operator sees in the window."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtCore import QMimeData, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QDropEvent  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402
from test_ui_planning import dialogs  # noqa: E402,F401

import ui  # noqa: E402
from ui.catalog_panel import collator  # noqa: E402
from ui.trip_panel import CustomPlaceDialog, moved_order  # noqa: E402

STOPS = ["huangguoshu-waterfall", "qingyan-ancient-town", "qianlingshan-park", "longgong-cave",
         "jiaxiu-tower", "xijiang-miao-village", "fanjingshan", "zhenyuan-ancient-town"]


def window(qtbot):
    w = ui.create_main_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    return w


def drop_on(tree, row: int, below: bool) -> None:
    """A drag of the selected stops released on ``row`` (upper or lower half), as Qt delivers it."""
    item = tree.topLevelItem(row)
    rect = tree.visualItemRect(item)
    y = rect.bottom() - 2 if below else rect.top() + 2
    mime = QMimeData()
    mime.setData("application/x-qabstractitemmodeldatalist", b"")
    event = QDropEvent(QPointF(rect.center().x(), y), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    tree.dropEvent(event)


def test_moved_order():
    assert moved_order(list("abcd"), ["a"], "c", after=True) == list("bcad")
    assert moved_order(list("abcd"), ["d"], "a", after=False) == list("dabc")
    assert moved_order(list("abcd"), ["b", "c"], None, after=False) == list("adbc")


def test_drag_reorder_is_one_undoable_step_and_keep_order_keeps_it(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    w.add_stops_from_ids(STOPS[:4])
    tree = w.tripPanel.stopsView
    tree.setCurrentItem(tree.topLevelItem(0))
    drop_on(tree, 2, below=True)
    moved = [STOPS[1], STOPS[2], STOPS[0], STOPS[3]]
    assert w.doc.stop_ids() == moved
    assert w.tripPanel.view_order() == moved  # screen and request agree
    assert "stop" in w.doc.undo_stack.undoText().lower() or "站点" in w.doc.undo_stack.undoText()
    w.tripPanel.keepOrderCheck.setChecked(True)  # ticking "keep my order" keeps what is on screen
    assert w.doc.stop_ids() == moved and w.tripPanel.view_order() == moved
    w.doc.undo_stack.undo()  # keep order
    w.doc.undo_stack.undo()  # the drag
    assert w.doc.stop_ids() == STOPS[:4] and w.tripPanel.view_order() == STOPS[:4]
    w.doc.undo_stack.redo()
    assert w.tripPanel.view_order() == moved


def test_trip_panel_shows_eight_stops_the_history_switch_and_a_sorted_start_list(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    w.add_stops_from_ids(STOPS)
    tree = w.tripPanel.stopsView
    last = tree.visualItemRect(tree.topLevelItem(7))
    assert last.isValid() and tree.viewport().rect().contains(last), "eight stops fit without scrolling"
    check = w.tripPanel.followHistoryCheck
    assert check.isVisible() and check.text()
    check.setChecked(True)
    assert w.doc.request["follow_history"] is True
    w.doc.undo_stack.undo()
    assert w.doc.request["follow_history"] is False and not check.isChecked()
    combo = w.tripPanel.startCombo
    key = collator("zh").sortKey
    places = [combo.itemText(i) for i in range(combo.count()) if combo.itemData(i) in w.catalog]
    assert len(places) > 20 and places == sorted(places, key=key)


def test_start_date_field_and_plan_dates_agree(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    w.add_stops_from_ids(["qingyan-ancient-town", "jiaxiu-tower"])
    w.doc.set_field("time_limit_s", 1)
    with qtbot.waitSignal(w.doc.planChanged, timeout=60000):
        w.optimize()
    qtbot.waitUntil(lambda: not w.worker.running, timeout=60000)
    first = w.doc.plan["days"][0]["date"]
    assert w.tripPanel.dateEdit.date().toString("yyyy-MM-dd") == first
    w.tripPanel.dateCheck.setChecked(True)
    w.tripPanel.dateEdit.setDate(w.tripPanel.dateEdit.date().addDays(3))
    want = w.tripPanel.dateEdit.date().toString("yyyy-MM-dd")
    assert w.doc.request["start_date"] == want and w.doc.plan_is_stale
    with qtbot.waitSignal(w.doc.planChanged, timeout=60000):
        w.optimize()
    qtbot.waitUntil(lambda: not w.worker.running, timeout=60000)
    assert w.doc.plan["days"][0]["date"] == want == w.tripPanel.dateEdit.date().toString("yyyy-MM-dd")


def test_pin_to_day_and_lock_day_are_undoable_and_write_the_request(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    ids = ["qingyan-ancient-town", "jiaxiu-tower", "qianlingshan-park"]
    w.add_stops_from_ids(ids)
    w.tripPanel.daysSpin.setValue(2)
    panel = w.tripPanel
    panel.select_stop("jiaxiu-tower")
    panel.stopsView.setFocus()
    w.pinActions[2].trigger()  # Alt+2
    stop = next(s for s in w.doc.request["stops"] if s["id"] == "jiaxiu-tower")
    assert stop["day"] == 2
    row = panel.view_order().index("jiaxiu-tower")
    assert "2" in panel.stopsView.topLevelItem(row).text(5)
    panel.pin_selected(3)  # past the last day: a message naming the field, nothing changes
    assert dialogs and "Day" in dialogs[-1][1] or "天" in dialogs[-1][1]
    assert next(s for s in w.doc.request["stops"] if s["id"] == "jiaxiu-tower")["day"] == 2
    w.tripPanel.daysSpin.setValue(1)  # fewer days than a pin: refused, naming the field
    assert w.doc.request["days"] == 2 and w.tripPanel.daysSpin.value() == 2
    assert dialogs[-1][1].startswith(w.tripPanel.field_label("days"))
    w.doc.undo_stack.undo()
    assert "day" not in next(s for s in w.doc.request["stops"] if s["id"] == "jiaxiu-tower")
    # Lock day 1 of a plan: its visits are pinned to day 1 in the plan's order, the day is locked.
    w.doc.set_field("time_limit_s", 1)
    with qtbot.waitSignal(w.doc.planChanged, timeout=60000):
        w.optimize()
    qtbot.waitUntil(lambda: not w.worker.running, timeout=60000)
    day1 = [it["id"] for it in w.doc.plan["days"][0]["items"] if it["type"] == "visit"]
    assert day1
    w.itineraryView.lockDayRequested.emit(1, True)
    assert w.doc.request["locked_days"] == [1]
    assert [s["id"] for s in w.doc.request["stops"] if s.get("day") == 1] == day1
    assert all(s.get("day") in (None, 1) for s in w.doc.request["stops"])
    titles = [w.itineraryView.topLevelItem(i).text(1) for i in range(w.itineraryView.topLevelItemCount())]
    assert any(t.startswith("🔒") for t in titles)
    w.doc.undo_stack.undo()
    assert "locked_days" not in w.doc.request
    assert all("day" not in s for s in w.doc.request["stops"])


def test_a_custom_start_outside_the_region_is_refused_not_clamped(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    before = dict(w.doc.request)
    dlg = CustomPlaceDialog("zh", w, which="start")
    qtbot.addWidget(dlg)
    dlg.name.setText("北京饭店")
    dlg.lat.setValue(39.9)
    dlg.lon.setValue(116.4)
    assert dlg.place() == {"name": "北京饭店", "lat": 39.9, "lon": 116.4}  # never clamped
    dlg._accept()
    assert dlg.result() != CustomPlaceDialog.DialogCode.Accepted
    kind, text = dialogs[-1]
    assert kind == "warning" and text.startswith(w.tripPanel.field_label("start")) and "39.9" in text
    assert "贵州" in text or "Guizhou" in text
    assert text.count("\n") == 0
    # The same check guards every way in (a click on the map, a script): the request is unchanged.
    w.tripPanel._set("end", {"name": "Beijing", "lat": 39.9, "lon": 116.4})
    assert w.doc.request == before
    assert dialogs[-1][1].startswith(w.tripPanel.field_label("end")) and "39.9" in dialogs[-1][1]
    dlg.lat.setValue(26.6)
    dlg.lon.setValue(106.7)
    dlg._accept()
    assert dlg.result() == CustomPlaceDialog.DialogCode.Accepted


def test_ten_in_the_adults_field_and_impossible_hours_give_one_line_naming_the_field(qtbot, dialogs):  # noqa: F811
    w = window(qtbot)
    w.costsDock.raise_()
    spin = w.costsPanel.adultsSpin
    before_costing, before_request = dict(w.doc.costing), dict(w.doc.request)
    value = spin.value()
    spin.setFocus()
    qtbot.keyClicks(spin, "ten")
    assert spin.value() == value and w.doc.costing == before_costing
    kind, text = dialogs[-1]
    assert kind == "warning" and "\n" not in text
    assert text.startswith(w.costsPanel._labels["adults"].text().rstrip(":：")) and "“t" in text
    assert len(dialogs) == 1  # one message for the refused edit, not one per key
    # A day that ends before it starts: the core's check, reported for that field.
    w.tripPanel.dayEndEdit.setTime(w.tripPanel.dayStartEdit.time().addSecs(-3600))
    kind, text = dialogs[-1]
    assert text.startswith(w.tripPanel.field_label("day_end")) and "\n" not in text
    assert w.doc.request == before_request
    assert w.tripPanel.dayEndEdit.time().toString("HH:mm") == before_request["day_end"]
    assert QMessageBox  # the dialogs fixture stands in for QMessageBox
