"""The itinerary view: the plan as a tree of days and timed items, with the dropped stops."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem

from planner.catalog import Catalog
from planner.export.common import label as end_label
from planner.mapping import day_color, day_summary
from planner.reasons import migrate_dropped, namer, render_dropped
from ui.i18n import tr

KEY_ROLE = Qt.ItemDataRole.UserRole
SPOT_ROLE = Qt.ItemDataRole.UserRole + 1


def place_name(ref, catalog: Catalog, lang: str, plan: dict | None = None) -> str:
    """A plan place's name in ``lang`` (the core's one resolver, with the plan's own places)."""
    from planner.domain import place_name as resolve

    return resolve(ref, catalog, lang, (plan or {}).get("places"))


def mode_label(item: dict, lang: str) -> str:
    legs = item.get("legs") or []
    if any(leg.get("mode") == "rail" for leg in legs) or item.get("mode") == "rail":
        return tr("road + rail")
    return tr("drive")


class ItineraryView(QTreeWidget):
    """Days → travel / visit / lunch items, then the dropped stops with their reasons.

    Item keys are ``"day:<d>"`` and ``"<d>:<i>"`` (day index, item index) — the same keys the map
    uses, so a selection here highlights there and the reverse.
    """

    dayActivated = Signal(int)
    itemActivated = Signal(str)
    lockDayRequested = Signal(int, bool)  # plan day (1-based), locked
    pinRequested = Signal(str, int)  # stop id, plan day (1-based)

    def __init__(self, catalog: Catalog, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("itineraryView")
        self.catalog = catalog
        self.lang = lang
        self.plan: dict | None = None
        self.setColumnCount(3)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.currentItemChanged.connect(self._on_current_changed)
        self.locked_days: set[int] = set()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_menu)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setHeaderLabels([tr("Time"), tr("What"), tr("Details")])

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self._retranslate()
        self.show_plan(self.plan)

    def show_plan(self, plan: dict | None, stale: bool = False) -> None:
        self.plan = plan
        self.blockSignals(True)
        self.clear()
        if not plan:
            hint = QTreeWidgetItem(["", tr("Add stops and press Optimize."), ""])
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.addTopLevelItem(hint)
            self.blockSignals(False)
            return
        if stale:
            warn = QTreeWidgetItem(["⚠", tr("The trip was edited after this plan was made: press Optimize to update."), ""])
            warn.setForeground(1, QBrush(QColor("#b35900")))
            self.addTopLevelItem(warn)
        stop_no = 0
        for di, day in enumerate(plan.get("days") or []):
            s = day_summary(day)
            start_name = place_name(day.get("start"), self.catalog, self.lang, plan)
            night = place_name(day.get("overnight"), self.catalog, self.lang, plan)
            title = tr("Day {0} · {1}").format(di + 1, day.get("date", ""))
            if di + 1 in self.locked_days:
                title = "🔒 " + title
            detail = tr("{0} → {1} · drive {2:.1f} h · {3:.0f} km").format(
                start_name, night, s["drive_minutes"] / 60, s["km"])
            top = QTreeWidgetItem(["", title, detail])
            top.setData(0, KEY_ROLE, f"day:{di}")
            color = QColor(day_color(di))
            top.setForeground(1, QBrush(color))
            f = top.font(1)
            f.setBold(True)
            top.setFont(1, f)
            self.addTopLevelItem(top)
            for ii, it in enumerate(day.get("items") or []):
                t = it.get("type")
                if t == "travel":
                    frm = place_name(it.get("from"), self.catalog, self.lang, plan)
                    to = place_name(it.get("to"), self.catalog, self.lang, plan)
                    minutes = int(round(float(it.get("minutes") or 0)))
                    what = f"{frm} → {to}"
                    est = (tr(" (estimate)")) if it.get("estimate") else ""
                    detail = tr("{0} {1} min · {2:.0f} km").format(mode_label(it, self.lang), minutes,
                                                                  float(it.get("km") or 0)) + est
                    child = QTreeWidgetItem([f"{it.get('depart', '')}–{it.get('arrive', '')}", what, detail])
                elif t == "visit":
                    stop_no += 1
                    name = place_name(it.get("id"), self.catalog, self.lang, plan)
                    wait = int(it.get("wait_minutes") or 0)
                    bits = []
                    if wait:
                        bits.append(tr("arrives {0}, waits {1} min").format(it.get("arrive"), wait))
                    spot = self.catalog.spots.get(it.get("id"))
                    if spot and spot.hours_text():
                        bits.append((tr("open ")) + spot.hours_text())
                    child = QTreeWidgetItem([f"{it.get('start', '')}–{it.get('end', '')}", f"{stop_no}. {name}", " · ".join(bits)])
                    child.setData(0, SPOT_ROLE, it.get("id"))
                    if spot:
                        child.setToolTip(1, spot.name("zh" if self.lang == "en" else "en"))
                else:
                    where = place_name(it["place"], self.catalog, self.lang, plan) if it.get("place") else ""
                    child = QTreeWidgetItem([f"{it.get('start', '')}–{it.get('end', '')}", tr("Lunch"), where])
                    child.setForeground(1, QBrush(QColor("#666")))
                child.setData(0, KEY_ROLE, f"{di}:{ii}")
                top.addChild(child)
            for e in day.get("evening") or []:  # dinner and the evening show (planner.stay)
                what = tr("Dinner: {0}") if e.get("type") == "meal" else tr("Evening show: {0}")
                ev = QTreeWidgetItem([f"{e.get('start', '')}–{e.get('end', '')}",
                                      what.format(place_name(e.get("id"), self.catalog, self.lang, plan)), ""])
                ev.setData(0, SPOT_ROLE, e.get("id"))
                top.addChild(ev)
            if di == len(plan.get("days") or []) - 1:  # the last day ends at the end place, not a hotel
                night_item = QTreeWidgetItem(["", f"{end_label('end_of_trip', self.lang)}: {night}", ""])
            else:
                hotel = place_name(day["hotel"], self.catalog, self.lang, plan) if day.get("hotel") else ""
                night_item = QTreeWidgetItem(["", (tr("Overnight: ")) + night + (f" · {hotel}" if hotel else ""), ""])
            night_item.setForeground(1, QBrush(QColor("#444")))
            top.addChild(night_item)
            for n in day.get("notes") or []:  # holidays, crowds, seasons, a show that did not fit
                from planner.stay import note_text

                note = QTreeWidgetItem(["", "ℹ " + note_text(n, self.catalog, self.lang), ""])
                note.setForeground(1, QBrush(QColor("#6a5a00")))
                top.addChild(note)
            top.setExpanded(True)
        dropped = plan.get("dropped") or []
        if dropped:
            top = QTreeWidgetItem(["", tr("Left out ({0})").format(len(dropped)), ""])
            top.setForeground(1, QBrush(QColor("#a00")))
            top.setData(0, KEY_ROLE, "dropped")
            self.addTopLevelItem(top)
            name = namer(self.lang, self.catalog, plan.get("places"))
            for d in dropped:
                why = render_dropped(migrate_dropped(d), self.lang, name)
                child = QTreeWidgetItem(["", place_name(d.get("id"), self.catalog, self.lang, plan), why])
                child.setData(0, SPOT_ROLE, d.get("id"))
                child.setToolTip(2, why)
                top.addChild(child)
            top.setExpanded(True)
        self.blockSignals(False)

    def day_of(self, item: QTreeWidgetItem | None) -> int | None:
        """The plan day (1-based) a row belongs to."""
        while item is not None:
            key = str(item.data(0, KEY_ROLE) or "")
            if key.startswith("day:"):
                return int(key[4:]) + 1
            if ":" in key and key.split(":")[0].isdigit():
                return int(key.split(":")[0]) + 1
            item = item.parent()
        return None

    def _on_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        item = self.itemAt(pos)
        day = self.day_of(item)
        if day is None:
            return
        menu = QMenu(self)
        locked = day in self.locked_days
        a = menu.addAction(tr("Unlock day {0}").format(day) if locked else tr("Lock day {0}").format(day))
        a.triggered.connect(lambda: self.lockDayRequested.emit(day, not locked))
        spot = item.data(0, SPOT_ROLE) if item is not None else None
        if spot and item.parent() is not None and str(item.parent().data(0, KEY_ROLE) or "").startswith("day:"):
            b = menu.addAction(tr("Pin to day {0}").format(day))
            b.triggered.connect(lambda: self.pinRequested.emit(spot, day))
        self._menu = menu
        menu.popup(self.viewport().mapToGlobal(pos))

    def select_key(self, key: str) -> bool:
        """Select the row with map key ``key`` (no signal)."""
        it = self._find(key)
        if it is None:
            return False
        self.blockSignals(True)
        self.setCurrentItem(it)
        self.scrollToItem(it)
        self.blockSignals(False)
        return True

    def _find(self, key: str) -> QTreeWidgetItem | None:
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top.data(0, KEY_ROLE) == key:
                return top
            for j in range(top.childCount()):
                if top.child(j).data(0, KEY_ROLE) == key:
                    return top.child(j)
        return None

    def _on_current_changed(self, current, _previous) -> None:
        if current is None:
            return
        key = current.data(0, KEY_ROLE)
        if not key:
            return
        if key.startswith("day:"):
            self.dayActivated.emit(int(key[4:]))
        elif key != "dropped":
            self.itemActivated.emit(key)

    def day_count(self) -> int:
        return sum(1 for i in range(self.topLevelItemCount())
                   if str(self.topLevelItem(i).data(0, KEY_ROLE) or "").startswith("day:"))
