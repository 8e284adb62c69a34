"""The app's texts go through Qt's translation system: every text has a Chinese translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_ts_file_lists_every_text_with_a_translation():
    out = subprocess.run([sys.executable, str(ROOT / "tools" / "update_ts.py"), "--check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr or "ui/i18n/qiantu_zh_CN.ts is out of date: run tools/update_ts.py"


def test_compiled_translation_loads(qapp):
    pytest.importorskip("PySide6")
    from ui.i18n import install_language, tr

    assert install_language("zh")
    assert tr("&File") == "文件(&F)"
    assert tr("Optimize") == "优化行程"
    assert install_language("en")
    assert tr("&File") == "&File"


# -- the whole window in Chinese ------------------------------------------------------------------
import re  # noqa: E402

# ASCII words a Chinese reader is expected to see: units, file formats, codes.
ALLOWED_WORDS = {
    "km", "GPX", "KML", "PDF", "XLSX", "ICS", "HTML", "GeoJSON", "CSV", "JSON", "CNY", "WGS", "OSM",
    "QianTu", "GCJ", "AAAAA", "AAAA", "AAA", "qiantu", "Ctrl", "Shift", "Alt", "Del", "Esc", "OpenStreetMap",
    "Excel", "Google", "GIS",  # product names, written so in Chinese too
    "English",  # the language menu names each language in itself
    "FAST",  # the telescope (中国天眼 FAST) is called so in Chinese
    "USD", "EUR", "HKD", "JPY", "GBP",  # currency codes (ISO 4217), written so in Chinese too
}
_WORD = re.compile(r"[A-Za-z][A-Za-z]{2,}")
_TRAIN = re.compile(r"\b[GDCKTZ]\d+\b")


def english_words(text: str, allowed: set[str] = ALLOWED_WORDS) -> list[str]:
    """ASCII words of three letters or more in ``text`` that are not on the allowlist."""
    text = _TRAIN.sub("", text or "")
    text = re.sub(r"https?://\S+|\S+\.(?:json|pdf|xlsx|gpx|kml|ics|html)\b", "", text)  # links and file names
    text = re.sub(r"\S*\w\.\w+/\S*", "", text)  # a source link shortened at the front ("…example.com/a/b")
    text = re.sub(r"\b[a-z0-9]+(?:-[a-z0-9]+)+\b", "", text)  # place ids (lowercase-hyphen slugs)
    return [w for w in _WORD.findall(text) if w not in allowed]


def _model_texts(m, name: str) -> list[tuple[str, str]]:
    from PySide6.QtCore import QModelIndex, Qt

    out = [(f"{name} header", str(m.headerData(c, Qt.Orientation.Horizontal) or "")) for c in range(m.columnCount())]

    def walk(parent, depth):
        for r in range(m.rowCount(parent)):
            for c in range(m.columnCount(parent)):
                idx = m.index(r, c, parent)
                out.append((f"{name} cell", str(idx.data() or "")))
                out.append((f"{name} cell tooltip", str(idx.data(Qt.ItemDataRole.ToolTipRole) or "")))
            if depth < 3:
                walk(m.index(r, 0, parent), depth + 1)

    walk(QModelIndex(), 0)
    return out


def _menu_texts(menu, where: str, out: list, seen: set) -> None:
    if id(menu) in seen:
        return
    seen.add(id(menu))
    menu.aboutToShow.emit()  # menus filled on demand (recent files, presets)
    out.append((where, menu.title()))
    for a in menu.actions():
        out.append((f"{where} > action", a.text()))
        if a.toolTip() != a.text().replace("&", ""):
            out.append((f"{where} > action tooltip", a.toolTip()))
        if a.menu() is not None:
            _menu_texts(a.menu(), f"{where} > {a.text()}", out, seen)


def visible_texts(root):
    """(where, text) for every text ``root`` (a window or a panel) can show: widgets, menus and
    actions, item views (rows, headers, tooltips), dock titles, tabs, combo items, tooltips."""
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QDockWidget,
        QGroupBox,
        QHeaderView,
        QLabel,
        QLineEdit,
        QMainWindow,
        QMenu,
        QTabBar,
        QTextEdit,
        QWidget,
    )

    out: list[tuple[str, str]] = []
    seen: set = set()
    if isinstance(root, QMainWindow):
        for a in root.menuBar().actions():
            if a.menu() is not None:
                _menu_texts(a.menu(), "menu", out, seen)
        out.append(("status bar", root.statusBar().currentMessage()))
    for a in root.findChildren(QAction):
        out.append(("action", a.text()))
    for w in [root, *root.findChildren(QWidget)]:
        name = f"{type(w).__name__}#{w.objectName()}"
        if not w.isVisibleTo(root) and w is not root and not isinstance(w, (QDockWidget, QMenu)):
            continue
        out.append((f"{name} tooltip", w.toolTip()))
        out.append((f"{name} title", w.windowTitle()))
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append((name, w.text()))
        elif isinstance(w, QGroupBox):
            out.append((name, w.title()))
        elif isinstance(w, QLineEdit):
            out.append((f"{name} placeholder", w.placeholderText()))
        elif isinstance(w, QTextEdit):
            out.append((name, w.toPlainText()))
        elif isinstance(w, QTabBar):
            out += [(f"{name} tab", w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QComboBox):
            out += [(f"{name} item", w.itemText(i)) for i in range(w.count())]
        if isinstance(w, QAbstractItemView) and not isinstance(w, QHeaderView) and w.model() is not None:
            out += _model_texts(w.model(), name)
    return out


def _other_language_names(catalog) -> set[str]:
    """English the Chinese interface shows on purpose: the catalog's "other name" column, the
    tooltips that give a place's name in the other language, and the data's English-only notes."""
    names = {s.name_en for s in catalog}
    # proper names whose Chinese form no source gives (a few hotels known only from English guides)
    names |= {s.name_zh for s in catalog if not any("\u4e00" <= c <= "\u9fff" for c in s.name_zh)}
    # The catalog's source notes exist only in English (data, quoted as the sources give them).
    notes = {n for s in catalog for n in (s.note, s.season_note) if n}
    return names | notes


def _english_leaks(window, skip_under=()):
    """(where, text) of every visible text with an English word, leaving out the other-language
    names shown on purpose and the texts of the widgets in ``skip_under``."""
    others = _other_language_names(window.catalog)
    skipped = {t for root in skip_under for _w, t in visible_texts(root)}
    leaks = []
    for where, text in visible_texts(window):
        if text in skipped:
            continue
        for line in (text or "").split("\n"):
            # a line may give the other language's name first ("Huangguoshu Waterfall · id")
            if line in others or line.split(" · ")[0].lstrip("● ") in others:
                continue
            if english_words(line):
                leaks.append((where, line))
    return leaks


def _plan_in_zh(qtbot, monkeypatch):
    pytest.importorskip("PySide6.QtWebEngineWidgets")
    from PySide6.QtWidgets import QMessageBox

    import ui

    for name in ("warning", "information", "critical"):
        monkeypatch.setattr(QMessageBox, name, lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    w = ui.create_main_window()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.mapView.ready, timeout=30000)
    assert w.lang == "zh"
    w.add_stops_from_ids(["huangguoshu-waterfall", "qingyan-ancient-town", "jiaxiu-tower", "xijiang-miao-village"])
    w.tripPanel.daysSpin.setValue(3)
    w.doc.set_field("time_limit_s", 1)
    with qtbot.waitSignal(w.doc.planChanged, timeout=60000):
        w.optimize()
    qtbot.waitUntil(lambda: not w.worker.running and not w.map_busy(), timeout=60000)
    return w


def test_after_a_plan_in_chinese_no_english_is_left(qtbot, monkeypatch):
    w = _plan_in_zh(qtbot, monkeypatch)
    assert w.doc.plan and not w.doc.plan.get("dropped")
    leaks = _english_leaks(w, skip_under=(w.costsPanel,))
    # the tabbed panels behind the visible ones: the Long March timeline and a place's details
    w._on_list_selected("huangguoshu-waterfall")
    for dock in (w.timelineDock, w.detailsDock):
        dock.raise_()
        leaks += _english_leaks(w, skip_under=(w.costsPanel,))
    assert not leaks, leaks[:10]
    # Qt's own texts: Undo/Redo with the command's name, standard dialog buttons.
    assert w.undoAction.text().startswith("撤") and not english_words(w.undoAction.text())
    w.doc.undo_stack.undo()
    assert w.redoAction.text().startswith("重做") and not english_words(w.redoAction.text())
    from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

    from ui.trip_panel import CustomPlaceDialog

    dlg = CustomPlaceDialog("zh", w)
    qtbot.addWidget(dlg)
    texts = [b.text() for b in dlg.findChild(QDialogButtonBox).buttons()]
    assert texts and not any(english_words(t) for t in texts), texts
    box = QMessageBox(QMessageBox.Icon.Question, "黔途", "?",
                      QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                      | QMessageBox.StandardButton.Cancel, w)
    qtbot.addWidget(box)
    texts = [b.text() for b in box.buttons()]
    assert len(texts) == 3 and not any(english_words(t) for t in texts), texts


def test_the_costs_panel_in_chinese_has_no_english(qtbot, monkeypatch):
    w = _plan_in_zh(qtbot, monkeypatch)
    leaks = [(where, t) for where, t in visible_texts(w.costsPanel) if english_words(t)]
    assert not leaks, leaks[:60]


def test_counts_are_plural_aware_in_english(qapp):
    from ui.i18n import count_text, install_language, tr

    assert install_language("en")
    assert count_text(1, tr("{0} day"), tr("{0} days")) == "1 day"
    assert count_text(2, tr("{0} day"), tr("{0} days")) == "2 days"
    assert count_text(1, tr("{0} stop"), tr("{0} stops")) == "1 stop"
    assert install_language("zh")
    assert count_text(1, tr("{0} day"), tr("{0} days")) == "1 天"
    assert count_text(5, tr("{0} stop"), tr("{0} stops")) == "5 个站点"
