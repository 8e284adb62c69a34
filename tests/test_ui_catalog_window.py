"""The real main window, headless: catalog list and map agree, filters and selection go both ways."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6.QtWebEngineWidgets")

from PySide6.QtWidgets import QComboBox, QLineEdit, QTableView  # noqa: E402

import ui  # noqa: E402
from ui.catalog_panel import GUIZHOU, GUIZHOU_PREFECTURES, collator, prefecture_label  # noqa: E402


def js(qtbot, view, expression, timeout=10000):
    """Evaluate a JS expression in the map page and return its value (JSON round trip)."""
    box = {}
    view.page().runJavaScript(f"JSON.stringify({expression})", 0, lambda v: box.setdefault("v", v))
    qtbot.waitUntil(lambda: "v" in box, timeout=timeout)
    return json.loads(box["v"]) if box["v"] else None


@pytest.fixture
def window(qtbot):
    w = ui.create_main_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30000)
    qtbot.waitUntil(lambda: js(qtbot, w.mapView, "typeof qiantu === 'object' && qiantu.ids().length") > 0, timeout=10000)
    return w


def test_object_names_exist(window):
    for name, cls in (("catalogView", QTableView), ("searchBox", QLineEdit), ("themeFilter", QComboBox)):
        assert window.findChild(cls, name) is not None, name
    assert window.findChild(object, "mapView") is window.mapView


def test_map_is_offline_and_has_one_marker_per_row(qtbot, window):
    view = window.mapView
    assert js(qtbot, view, "typeof L") == "object"
    # No script or stylesheet of the page comes from the network.
    remote = js(qtbot, view, "Array.from(document.querySelectorAll('script[src],link[href]'))"
                ".map(function(e){return e.src||e.href}).filter(function(u){return /^https?:/.test(u)})")
    assert remote == []
    rows = window.catalogPanel.proxy.rowCount()
    # The list opens on Guizhou: its nine prefectures, not the rail corridor's cities.
    assert rows == sum(1 for s in window.catalog if s.prefecture in GUIZHOU_PREFECTURES) < len(window.catalog)
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.visibleCount()") == rows, timeout=10000)
    # The outlines of the prefectures are drawn (a map, not a grey page).
    assert js(qtbot, view, "document.querySelectorAll('path.leaflet-interactive, path').length") > rows


def test_filter_changes_markers(qtbot, window):
    view, panel = window.mapView, window.catalogPanel
    panel.set_theme("red")
    red_rows = panel.proxy.rowCount()
    assert 14 <= red_rows < len(window.catalog)
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.visibleCount()") == red_rows, timeout=10000)
    shown = set(js(qtbot, view, "qiantu.visibleIds()"))
    assert shown == set(panel.visible_ids())
    assert all("red" in window.catalog.spots[i].themes for i in shown)
    panel.searchBox.setText("遵义")
    n = panel.proxy.rowCount()
    assert 1 <= n < red_rows
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.visibleCount()") == n, timeout=10000)
    panel.searchBox.clear()
    panel.set_theme("")
    panel.prefectureFilter.setCurrentIndex(panel.prefectureFilter.findData(""))  # "All"
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.visibleCount()") == len(window.catalog), timeout=10000)


def test_catalog_opens_on_guizhou_sorted_by_prefecture_then_name(window):
    panel = window.catalogPanel
    assert panel.prefectureFilter.currentData() == GUIZHOU
    rows = [panel.model.spot(panel.proxy.mapToSource(panel.proxy.index(r, 0)).row())
            for r in range(panel.proxy.rowCount())]
    assert {s.prefecture for s in rows} <= GUIZHOU_PREFECTURES
    key = collator("zh").sortKey
    pairs = [(key(prefecture_label(s.prefecture, "zh")), key(s.name("zh"))) for s in rows]
    assert pairs == sorted(pairs)
    # 安顺 (Anshun, pinyin "an") comes first, 遵义 (Zunyi) last.
    assert rows[0].prefecture == "Anshun" and rows[-1].prefecture == "Zunyi"
    assert prefecture_label("Liuzhou", "zh") == "柳州"


def test_list_selection_highlights_marker_and_click_selects_row(qtbot, window):
    view, panel = window.mapView, window.catalogPanel
    assert panel.select("huangguoshu-waterfall")
    window._on_list_selected("huangguoshu-waterfall")
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.selected") == "huangguoshu-waterfall", timeout=10000)
    assert "黄果树" in window.detailsPane.toPlainText() or "Huangguoshu" in window.detailsPane.toPlainText()
    # A click on a marker reaches Python through the WebChannel and selects the row in the list.
    qtbot.waitUntil(lambda: js(qtbot, view, "qiantu.bridge !== null"), timeout=10000)
    with qtbot.waitSignal(view.spotClicked, timeout=10000) as sig:
        view.page().runJavaScript("qiantu.markers['zunyi-conference-site'].fire('click');")
    assert sig.args == ["zunyi-conference-site"]
    qtbot.waitUntil(lambda: panel.current_id() == "zunyi-conference-site", timeout=5000)
    assert "遵义会议" in window.detailsPane.toPlainText() or "Zunyi" in window.detailsPane.toPlainText()


def test_language_switch_changes_names(qtbot, window):
    window.set_language("en")
    assert window.fileMenu.title() == "&File"
    panel = window.catalogPanel
    row = panel.model.row_of("huangguoshu-waterfall")
    assert panel.model.index(row, 0).data() == window.catalog.spots["huangguoshu-waterfall"].name_en
    qtbot.waitUntil(lambda: window.mapView.ready, timeout=30000)
    window.set_language("zh")
    assert window.fileMenu.title().startswith("文件")
