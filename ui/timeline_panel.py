"""The Long March timeline: the Central Red Army's events in Guizhou by date, each at its site."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from planner.catalog import Catalog
from planner.errors import PlannerError
from ui.i18n import tr

SITE_ROLE = Qt.ItemDataRole.UserRole


class TimelinePanel(QWidget):
    """Events by date; selecting one shows its site, a button adds the site to the trip."""

    siteSelected = Signal(str)
    addSiteRequested = Signal(list)

    def __init__(self, catalog: Catalog, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePanel")
        self.catalog = catalog
        self.lang = lang
        try:
            from planner.history import load_events

            self.events = sorted(load_events(catalog=catalog), key=lambda e: (e.date_start, e.date_end, e.id))
            self.error = ""
        except PlannerError as exc:
            self.events = []
            self.error = exc.one_line()
        self.view = QTreeWidget(self)
        self.view.setObjectName("timelineView")
        self.view.setRootIsDecorated(False)
        self.view.setColumnCount(3)
        self.view.setAlternatingRowColors(True)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.addButton = QPushButton(self)
        self.addButton.setObjectName("addEventSiteButton")
        self.addAllButton = QPushButton(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(self.addButton)
        row.addWidget(self.addAllButton)
        layout.addLayout(row)
        self.view.currentItemChanged.connect(self._on_current)
        self.view.itemDoubleClicked.connect(lambda item, _c: self.addSiteRequested.emit([item.data(0, SITE_ROLE)]))
        self.addButton.clicked.connect(self._on_add)
        self.addAllButton.clicked.connect(self._on_add_all)
        self.retranslate()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.retranslate()

    def retranslate(self) -> None:
        self.view.setHeaderLabels([tr("Date"), tr("Event"), tr("Site")])
        self.addButton.setText(tr("Add the site to the trip"))
        self.addAllButton.setText(tr("Add every site, in order"))
        self.view.clear()
        if self.error:
            self.view.addTopLevelItem(QTreeWidgetItem(["", self.error, ""]))
            return
        for ev in self.events:
            spot = self.catalog.spots.get(ev.site_id)
            item = QTreeWidgetItem([ev.dates_text(), ev.name(self.lang), spot.name(self.lang) if spot else ev.site_id])
            item.setData(0, SITE_ROLE, ev.site_id)
            item.setToolTip(1, ev.account(self.lang))
            item.setToolTip(2, ev.account(self.lang))
            self.view.addTopLevelItem(item)

    def event_count(self) -> int:
        return len(self.events)

    def select_event(self, index: int) -> None:
        self.view.setCurrentItem(self.view.topLevelItem(index))

    def _on_current(self, current, _previous) -> None:
        if current is not None and current.data(0, SITE_ROLE):
            self.siteSelected.emit(current.data(0, SITE_ROLE))

    def _on_add(self) -> None:
        item = self.view.currentItem()
        if item is not None and item.data(0, SITE_ROLE):
            self.addSiteRequested.emit([item.data(0, SITE_ROLE)])

    def _on_add_all(self) -> None:
        seen: list[str] = []
        for ev in self.events:
            if ev.site_id not in seen:
                seen.append(ev.site_id)
        self.addSiteRequested.emit(seen)
