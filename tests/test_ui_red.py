"""Red tourism in the app: presets, the Long March timeline, the red filter, the route report."""

from __future__ import annotations


import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from test_ui_planning import dialogs, js, open_window, optimize  # noqa: E402,F401


def test_preset_timeline_and_report(qtbot, dialogs, tmp_path):  # noqa: F811
    w = open_window(qtbot)
    assert w.new_from_preset("zunyi-classic")
    stops = w.doc.stop_ids()
    assert {"zunyi-conference-site", "loushan-pass", "gouba-conference-site"} <= set(stops)
    assert w.doc.path is None  # a preset opens as a new trip, Save asks where
    # The timeline lists the events by date; selecting one shows its site.
    tl = w.timelinePanel
    assert tl.event_count() >= 14
    dates = [tl.events[i].date_start for i in range(tl.event_count())]
    assert dates == sorted(dates)
    zunyi = next(i for i, e in enumerate(tl.events) if e.site_id == "zunyi-conference-site")
    tl.select_event(zunyi)
    assert w.catalogPanel.current_id() == "zunyi-conference-site"
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30000)
    qtbot.waitUntil(lambda: js(qtbot, w.mapView, "window.qiantu ? qiantu.selected : null") == "zunyi-conference-site",
                    timeout=10000)
    # Adding every site in event order is one undoable step.
    before = list(w.doc.stop_ids())
    tl._on_add_all()
    assert len(w.doc.stop_ids()) > len(before)
    w.doc.undo_stack.undo()
    assert w.doc.stop_ids() == before
    # The red filter shows only Long March sites.
    w.catalogPanel.set_theme("red")
    assert all("red" in w.catalog.spots[i].themes for i in w.catalogPanel.visible_ids())
    # Plan it, then the report.
    w.doc.set_field("time_limit_s", 2)
    optimize(qtbot, w)
    w.open_report()
    qtbot.waitUntil(lambda: getattr(w, "reportDialog", None) is not None, timeout=120000)
    text = w.reportDialog.text.toPlainText()
    assert "遵义会议会址" in text
    out = tmp_path / "report.pdf"
    assert w.reportDialog.save_pdf(str(out))
    assert out.read_bytes()[:4] == b"%PDF"
    w.reportDialog.close()
    assert not dialogs, dialogs
