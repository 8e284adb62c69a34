"""The catalog panel: search, filters by theme / prefecture / level, and the list of places."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QCollator,
    QItemSelectionModel,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from planner.catalog import Catalog, Spot
from planner.mapping import spot_category
from ui.i18n import tr

THEME_LABELS = {
    "natural": ("自然", "Nature"),
    "karst": ("喀斯特", "Karst"),
    "waterfall": ("瀑布", "Waterfall"),
    "cave": ("溶洞", "Cave"),
    "mountain": ("山岳", "Mountain"),
    "canyon": ("峡谷", "Canyon"),
    "river": ("河流", "River"),
    "lake": ("湖泊", "Lake"),
    "forest": ("森林", "Forest"),
    "ethnic": ("民族村寨", "Ethnic village"),
    "red": ("红色旅游", "Red tourism"),
    "culture": ("人文", "Culture"),
    "history": ("历史", "History"),
    "town": ("古镇", "Old town"),
    "city": ("城市", "City"),
    "museum": ("博物馆", "Museum"),
    "science": ("科学", "Science"),
    "park": ("公园", "Park"),
    "religion": ("宗教", "Religion"),
    "food": ("美食", "Food"),
    "transport": ("交通", "Transport"),
    "wellness": ("康养", "Wellness"),
    "mountain-sports": ("山地体育", "Mountain sports"),
    "rural": ("乡村休闲", "Rural leisure"),
    "stay": ("住宿", "Stay"),
    "show": ("演出", "Shows"),
    "shopping": ("购物", "Shopping"),
    "craft": ("手工艺", "Crafts"),
}
KIND_LABELS = {
    "attraction": ("景点", "Attraction"),
    "hub": ("城市", "City"),
    "station": ("车站", "Station"),
    "hotel": ("酒店", "Hotel"),
    "restaurant": ("餐厅", "Restaurant"),
    "show": ("演出", "Show"),
    "shop": ("购物", "Shop"),
}
PREFECTURE_ZH = {
    "Guiyang": "贵阳",
    "Zunyi": "遵义",
    "Anshun": "安顺",
    "Liupanshui": "六盘水",
    "Bijie": "毕节",
    "Tongren": "铜仁",
    "Qiandongnan": "黔东南",
    "Qiannan": "黔南",
    "Qianxinan": "黔西南",
    "Guangzhou": "广州",
    "Guilin": "桂林",
    "Kunming": "昆明",
    "Liuzhou": "柳州",
}
# Guizhou's nine prefecture-level divisions; the rest of the catalog is the rail corridor
# (Guangzhou, Guilin, Liuzhou, Kunming). The list opens on Guizhou.
GUIZHOU_PREFECTURES = frozenset({"Guiyang", "Zunyi", "Anshun", "Liupanshui", "Bijie", "Tongren", "Qiandongnan",
                                 "Qiannan", "Qianxinan"})
GUIZHOU = "@guizhou"


def collator(lang: str) -> QCollator:
    """Sorts names as a reader of ``lang`` expects (Chinese by pinyin)."""
    c = QCollator(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang != "en"
                  else QLocale(QLocale.Language.English))
    c.setNumericMode(True)
    return c


def sort_spots(spots, lang: str) -> list:
    """Places by prefecture (Guizhou's first), then by name, in the reader's order."""
    key = collator(lang).sortKey
    return sorted(spots, key=lambda s: (s.prefecture not in GUIZHOU_PREFECTURES, key(prefecture_label(s.prefecture, lang)),
                                        key(s.name(lang)), s.id))


def label(table: dict, key: str, lang: str) -> str:
    zh, en = table.get(key, (key, key))
    return en if lang == "en" else zh


def prefecture_label(name: str, lang: str) -> str:
    return name if lang == "en" else PREFECTURE_ZH.get(name, name)


SPOT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


class CatalogModel(QAbstractTableModel):
    """The catalog as a table: name, other-language name, kind, prefecture, level."""

    COLUMNS = ("name", "other", "prefecture", "level")

    def __init__(self, catalog: Catalog, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self._catalog = catalog
        self._spots: list[Spot] = sort_spots(catalog, lang)
        self._lang = lang

    def set_language(self, lang: str) -> None:
        self.beginResetModel()
        self._lang = lang
        self._spots = sort_spots(self._catalog, lang)
        self.endResetModel()

    def spot(self, row: int) -> Spot:
        return self._spots[row]

    def row_of(self, spot_id: str) -> int:
        for i, s in enumerate(self._spots):
            if s.id == spot_id:
                return i
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._spots)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (tr("Name"), tr("Other name"), tr("Prefecture"), tr("Level"))[section]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        s = self._spots[index.row()]
        col = self.COLUMNS[index.column()]
        other = "zh" if self._lang == "en" else "en"
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "name":
                return s.name(self._lang)
            if col == "other":
                return s.name(other)
            if col == "prefecture":
                return prefecture_label(s.prefecture, self._lang)
            if col == "level":
                return s.level
        elif role == Qt.ItemDataRole.ToolTipRole:
            kind = label(KIND_LABELS, s.kind, self._lang)
            themes = ", ".join(label(THEME_LABELS, t, self._lang) for t in s.themes)
            return f"{s.name(other)}\n{kind} · {themes}"
        elif role == Qt.ItemDataRole.DecorationRole and col == "name":
            return QColor(spot_category(s).color)
        elif role == Qt.ItemDataRole.ForegroundRole and s.kind == "station":
            return QBrush(QColor("#666"))
        elif role == SPOT_ID_ROLE:
            return s.id
        return None


class CatalogFilter(QSortFilterProxyModel):
    """Filters the catalog by free text (id and both names), theme, prefecture and level."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.text = ""
        self.theme = ""
        self.prefecture = ""
        self.level = ""

    def set_criteria(self, *, text: str, theme: str, prefecture: str, level: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            self.text, self.theme, self.prefecture, self.level = text.strip().lower(), theme, prefecture, level
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.text, self.theme, self.prefecture, self.level = text.strip().lower(), theme, prefecture, level
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:
        model: CatalogModel = self.sourceModel()  # type: ignore[assignment]
        s = model.spot(source_row)
        if self.theme and self.theme not in s.themes:
            return False
        if self.prefecture == GUIZHOU:
            if s.prefecture not in GUIZHOU_PREFECTURES:
                return False
        elif self.prefecture and s.prefecture != self.prefecture:
            return False
        if self.level and s.level != self.level:
            return False
        t = self.text
        if t and t not in s.id and t not in s.name_zh.lower() and t not in s.name_en.lower():
            return False
        return True

    def visible_ids(self) -> list[str]:
        model: CatalogModel = self.sourceModel()  # type: ignore[assignment]
        return [model.spot(self.mapToSource(self.index(r, 0)).row()).id for r in range(self.rowCount())]


class CatalogPanel(QWidget):
    """Search box, filters and the list; says which spot is selected and what is shown."""

    spotSelected = Signal(str)
    spotActivated = Signal(str)  # double-click: add to the trip
    filterChanged = Signal(list)

    def __init__(self, catalog: Catalog, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self.catalog = catalog
        self.lang = lang
        self.model = CatalogModel(catalog, lang, self)
        self.proxy = CatalogFilter(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

        self.searchBox = QLineEdit(self)
        self.searchBox.setObjectName("searchBox")
        self.searchBox.setClearButtonEnabled(True)
        self.themeFilter = QComboBox(self)
        self.themeFilter.setObjectName("themeFilter")
        self.prefectureFilter = QComboBox(self)
        self.prefectureFilter.setObjectName("prefectureFilter")
        self.levelFilter = QComboBox(self)
        self.levelFilter.setObjectName("levelFilter")
        self.countLabel = QLabel(self)
        self.countLabel.setObjectName("catalogCountLabel")

        self.view = QTableView(self)
        self.view.setObjectName("catalogView")
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.view.setDragEnabled(True)
        self._apply_header()

        self._form = QFormLayout()
        self._form.addRow(self.searchBox)
        self._theme_label = QLabel(self)
        self._pref_label = QLabel(self)
        self._level_label = QLabel(self)
        self._form.addRow(self._theme_label, self.themeFilter)
        self._form.addRow(self._pref_label, self.prefectureFilter)
        self._form.addRow(self._level_label, self.levelFilter)
        top = QVBoxLayout(self)
        top.setContentsMargins(4, 4, 4, 4)
        top.addLayout(self._form)
        row = QHBoxLayout()
        row.addWidget(self.countLabel)
        top.addLayout(row)
        top.addWidget(self.view, 1)

        self._fill_filters()
        self.prefectureFilter.setCurrentIndex(self.prefectureFilter.findData(GUIZHOU))  # opens on Guizhou
        self.proxy.set_criteria(text="", theme="", prefecture=GUIZHOU, level="")
        self.searchBox.textChanged.connect(self._on_criteria_changed)
        self.themeFilter.currentIndexChanged.connect(self._on_criteria_changed)
        self.prefectureFilter.currentIndexChanged.connect(self._on_criteria_changed)
        self.levelFilter.currentIndexChanged.connect(self._on_criteria_changed)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_changed)
        self.view.doubleClicked.connect(self._on_double_clicked)
        self._update_count()

    def _apply_header(self) -> None:
        # Section resize modes are lost when the model resets (a language switch): set them again.
        hh = self.view.horizontalHeader()
        hh.setStretchLastSection(False)
        hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        hh.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 95)
        for col in (2, 3):
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.view.setColumnHidden(3, True)  # the level is in the filter and the details; room for names

    # -- language -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        current = self.current_id()
        self.lang = lang
        self.model.set_language(lang)
        self._apply_header()
        self._fill_filters()
        if current:
            self.select(current)

    def _fill_filters(self) -> None:
        self.searchBox.setPlaceholderText(
            tr("Search by name (中文 or English)")
        )
        self._theme_label.setText(tr("Theme"))
        self._pref_label.setText(tr("Prefecture"))
        self._level_label.setText(tr("Level"))
        for combo, items in (
            (self.themeFilter, [(label(THEME_LABELS, t, self.lang), t) for t in self.catalog.themes_used()]),
            (self.prefectureFilter, self._prefecture_items()),
            (self.levelFilter, [("5A", "5A"), ("4A", "4A"), ("3A", "3A")]),
        ):
            keep = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(tr("All"), "")
            for text, value in items:
                combo.addItem(text, value)
            i = combo.findData(keep)
            combo.setCurrentIndex(max(i, 0))
            combo.blockSignals(False)
        self._update_count()

    def _prefecture_items(self) -> list[tuple[str, str]]:
        key = collator(self.lang).sortKey
        prefs = sorted(self.catalog.prefectures(),
                       key=lambda p: (p not in GUIZHOU_PREFECTURES, key(prefecture_label(p, self.lang))))
        return [(tr("Guizhou (all)"), GUIZHOU)] + [(prefecture_label(p, self.lang), p) for p in prefs]

    # -- filtering ----------------------------------------------------------------------------
    def set_theme(self, theme: str) -> None:
        i = self.themeFilter.findData(theme)
        if i < 0:
            raise ValueError(f"no theme '{theme}' in the catalog")
        self.themeFilter.setCurrentIndex(i)

    def _on_criteria_changed(self, *_args) -> None:
        self.proxy.set_criteria(
            text=self.searchBox.text(),
            theme=self.themeFilter.currentData() or "",
            prefecture=self.prefectureFilter.currentData() or "",
            level=self.levelFilter.currentData() or "",
        )
        self._update_count()
        self.filterChanged.emit(self.visible_ids())

    def _update_count(self) -> None:
        n, total = self.proxy.rowCount(), self.model.rowCount()
        self.countLabel.setText(tr("{0} / {1} places").format(n, total))

    def visible_ids(self) -> list[str]:
        return self.proxy.visible_ids()

    # -- selection ----------------------------------------------------------------------------
    def current_id(self) -> str | None:
        idx = self.view.currentIndex()
        if not idx.isValid():
            return None
        return self.model.spot(self.proxy.mapToSource(idx).row()).id

    def select(self, spot_id: str) -> bool:
        """Select ``spot_id`` in the list (clearing filters that hide it); no signal is sent."""
        row = self.model.row_of(spot_id)
        if row < 0:
            return False
        src = self.model.index(row, 0)
        idx = self.proxy.mapFromSource(src)
        if not idx.isValid():
            self.searchBox.clear()
            for combo in (self.themeFilter, self.prefectureFilter, self.levelFilter):
                combo.setCurrentIndex(0)
            idx = self.proxy.mapFromSource(src)
        sm = self.view.selectionModel()
        sm.blockSignals(True)
        sm.setCurrentIndex(
            idx, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        sm.blockSignals(False)
        self.view.scrollTo(idx)
        self.view.viewport().update()
        return True

    def _on_current_changed(self, current, _previous) -> None:
        if current.isValid():
            self.spotSelected.emit(self.model.spot(self.proxy.mapToSource(current).row()).id)

    def _on_double_clicked(self, index) -> None:
        if index.isValid():
            self.spotActivated.emit(self.model.spot(self.proxy.mapToSource(index).row()).id)


if __name__ == "__main__":  # open this panel alone for a quick look
    import sys

    from PySide6.QtWidgets import QApplication

    from planner.catalog import load_catalog

    app = QApplication(sys.argv)
    w = CatalogPanel(load_catalog())
    w.resize(420, 700)
    w.show()
    sys.exit(app.exec())
