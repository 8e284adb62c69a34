"""The trip panel: where the trip starts and ends, dates, days, limits, mode, group, and the stops."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.catalog import Catalog
from ui.document import TripDocument
from ui.i18n import tr


def set_text(key: str) -> str:
    """The name of the undoable edit of request field ``key`` (shown in Edit ▸ Undo …)."""
    return {"title": tr("Set title"), "start": tr("Set the start"), "end": tr("Set the end"),
            "start_date": tr("Set start date"), "days": tr("Set days"), "day_start": tr("Set day hours"),
            "day_end": tr("Set day hours"), "max_drive_minutes_per_day": tr("Set max drive"),
            "mode": tr("Set travel mode"), "group_size": tr("Set group size"), "lunch_minutes": tr("Set lunch"),
            "budget_per_person_cny": tr("Set budget"), "keep_order": tr("Keep my order"),
            "follow_history": tr("Follow Long March history")}.get(key, tr("Edit the trip"))


CUSTOM = "__custom__"
PICK = "__pick__"
SAME_AS_START = "__same__"
ANYWHERE = "anywhere"


class CustomPlaceDialog(QDialog):
    """Name and WGS-84 position of a place that is not in the catalog (a hotel)."""

    def __init__(self, lang: str, parent=None, lat: float = 26.58, lon: float = 106.71, which: str = "start") -> None:
        super().__init__(parent)
        en = lang == "en"
        self.which = which
        self.setWindowTitle(tr("Custom place"))
        self.name = QLineEdit(self)
        self.name.setObjectName("customPlaceName")
        # The whole globe: a place outside the region is refused with a message, never clamped.
        self.lat = QDoubleSpinBox(self, decimals=5, minimum=-90.0, maximum=90.0, value=lat)
        self.lat.setObjectName("customPlaceLat")
        self.lon = QDoubleSpinBox(self, decimals=5, minimum=-180.0, maximum=180.0, value=lon)
        self.lon.setObjectName("customPlaceLon")
        form = QFormLayout(self)
        form.addRow(tr("Name"), self.name)
        form.addRow(tr("Latitude (WGS-84)"), self.lat)
        form.addRow(tr("Longitude (WGS-84)"), self.lon)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._en = en

    def _accept(self) -> None:
        if not self.name.text().strip():
            QMessageBox.warning(self, self.windowTitle(), tr("Give the place a name."))
            return
        problem = place_problem(self.place(), self.which)
        if problem:
            QMessageBox.warning(self, self.windowTitle(), problem)
            return
        self.accept()

    def place(self) -> dict:
        return {"name": self.name.text().strip(), "lat": round(self.lat.value(), 6), "lon": round(self.lon.value(), 6)}


def place_problem(place: dict, which: str) -> str:
    """Why a custom ``place`` cannot be the trip's ``which`` ("start"/"end"), or "" when it can.

    The region is the core's (planner.catalog.REGION_LAT/LON, the one the command line checks)."""
    from planner.catalog import REGION_LAT, REGION_LON

    lat, lon = float(place["lat"]), float(place["lon"])
    if REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1]:
        return ""
    field = tr("Start") if which == "start" else tr("End")
    return tr("{0}: ({1}, {2}) is outside the area QianTu plans in: Guizhou and the Guangzhou–Guilin–Kunming "
              "corridor (latitude {3}–{4}, longitude {5}–{6}).").format(
        field, f"{lat:g}", f"{lon:g}", f"{REGION_LAT[0]:g}", f"{REGION_LAT[1]:g}", f"{REGION_LON[0]:g}",
        f"{REGION_LON[1]:g}")


def moved_order(order: list[str], moving: list[str], target: str | None, after: bool) -> list[str]:
    """``order`` with the ids in ``moving`` taken out and put before (or ``after``) ``target``
    (at the end when ``target`` is None or is itself moving)."""
    moving = [i for i in order if i in set(moving)]
    rest = [i for i in order if i not in set(moving)]
    if target is None or target not in rest:
        return rest + moving
    at = rest.index(target) + (1 if after else 0)
    return rest[:at] + moving + rest[at:]


class StopsTree(QTreeWidget):
    """The stop list: reorder by dragging, and accept places dragged from the catalog list."""

    catalogDropped = Signal(list)
    orderDropped = Signal(list)  # the stop ids in their new order after an internal drag

    def _from_catalog(self, event) -> bool:
        src = event.source()
        return src is not None and src is not self and src.objectName() == "catalogView"

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if self._from_catalog(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event) -> None:  # noqa: N802
        if self._from_catalog(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802
        if not self._from_catalog(event):
            # A move inside the list: the document changes (one undoable command) and the list is
            # redrawn from it; Qt's own move is not done, so screen and request cannot differ.
            ids = [self.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) for i in range(self.topLevelItemCount())]
            moving = [i.data(0, Qt.ItemDataRole.UserRole) for i in self.selectedItems()]
            pos = event.position().toPoint()
            item = self.itemAt(pos)
            target, after = None, False
            if item is not None:
                rect = self.visualItemRect(item)
                target = item.data(0, Qt.ItemDataRole.UserRole)
                after = pos.y() > rect.center().y()
            event.setDropAction(Qt.DropAction.IgnoreAction)
            event.accept()
            new = moved_order(ids, moving, target, after)
            if moving and new != ids:
                self.orderDropped.emit(new)
            return
        view = event.source()
        ids = [i.data(Qt.ItemDataRole.UserRole + 1) for i in view.selectionModel().selectedRows(0)]
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()
        self.catalogDropped.emit([i for i in ids if i])


class TripPanel(QWidget):
    """Edits the request of a TripDocument; every change is an undoable command."""

    optimizeRequested = Signal()
    cancelRequested = Signal()
    pickRequested = Signal(str)  # "start" or "end": the next click on the map places it
    stopSelected = Signal(str)

    def __init__(self, doc: TripDocument, catalog: Catalog, lang: str = "zh", parent=None) -> None:
        super().__init__(parent)
        self.doc = doc
        self.catalog = catalog
        self.lang = lang
        self._updating = False

        self.titleEdit = QLineEdit(self)
        self.titleEdit.setObjectName("titleEdit")
        self.startCombo = QComboBox(self)
        self.startCombo.setObjectName("startCombo")
        self.endCombo = QComboBox(self)
        self.endCombo.setObjectName("endCombo")
        self.dateCheck = QCheckBox(self)
        self.dateEdit = QDateEdit(self)
        self.dateEdit.setObjectName("startDateEdit")
        self.dateEdit.setCalendarPopup(True)
        self.dateEdit.setDisplayFormat("yyyy-MM-dd")
        self.daysSpin = QSpinBox(self, minimum=1, maximum=30)
        self.daysSpin.setObjectName("daysSpin")
        self.dayStartEdit = QTimeEdit(self)
        self.dayStartEdit.setDisplayFormat("HH:mm")
        self.dayEndEdit = QTimeEdit(self)
        self.dayEndEdit.setDisplayFormat("HH:mm")
        self.driveSpin = QDoubleSpinBox(self, minimum=0.0, maximum=16.0, singleStep=0.5, decimals=1)
        self.driveSpin.setObjectName("driveLimitSpin")
        self.modeCombo = QComboBox(self)
        self.modeCombo.setObjectName("modeCombo")
        self.groupSpin = QSpinBox(self, minimum=1, maximum=200)
        self.groupSpin.setObjectName("groupSizeSpin")
        self.lunchSpin = QSpinBox(self, minimum=0, maximum=180, singleStep=15)
        self.lunchSpin.setObjectName("lunchSpin")
        self.budgetSpin = QSpinBox(self, minimum=0, maximum=1000000, singleStep=100)
        self.budgetSpin.setObjectName("budgetSpin")
        self.keepOrderCheck = QCheckBox(self)
        self.keepOrderCheck.setObjectName("keepOrderCheck")
        self.followHistoryCheck = QCheckBox(self)
        self.followHistoryCheck.setObjectName("followHistoryCheck")

        self.stopsView = StopsTree(self)
        self.stopsView.setObjectName("stopsView")
        self.stopsView.setAcceptDrops(True)
        self.stopsView.setRootIsDecorated(False)
        self.stopsView.setColumnCount(6)
        self.stopsView.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.stopsView.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.stopsView.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.stopsView.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.stopsView.header().setStretchLastSection(False)
        for col in (1, 2, 3, 4, 5):
            self.stopsView.header().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.stopsView.orderDropped.connect(self._on_order_dropped)
        self.stopsView.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.stopsView.customContextMenuRequested.connect(self._on_stops_menu)
        # At least eight stops visible without scrolling.
        row_h = max(self.stopsView.fontMetrics().height() + 8, 22)
        self.stopsView.setMinimumHeight(self.stopsView.header().sizeHint().height() + 8 * row_h
                                        + 2 * self.stopsView.frameWidth() + 4)
        self.upButton = QPushButton("▲", self)
        self.downButton = QPushButton("▼", self)
        self.removeButton = QPushButton(self)
        self.removeButton.setObjectName("removeStopButton")
        self.afterButton = QPushButton(self)
        self.afterButton.setObjectName("afterButton")

        self.optimizeButton = QPushButton(self)
        self.optimizeButton.setObjectName("optimizeButton")
        self.optimizeButton.setDefault(True)
        self.cancelButton = QPushButton(self)
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setEnabled(False)
        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("optimizeProgress")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setTextVisible(True)
        self.progressBar.hide()

        self._form = QFormLayout()
        self._labels = {k: QLabel(self) for k in ("title", "start", "end", "date", "days", "hours", "drive",
                                                   "mode", "group", "lunch", "budget")}
        self._form.addRow(self._labels["title"], self.titleEdit)
        self._form.addRow(self._labels["start"], self.startCombo)
        self._form.addRow(self._labels["end"], self.endCombo)
        date_row = QHBoxLayout()
        date_row.addWidget(self.dateCheck)
        date_row.addWidget(self.dateEdit, 1)
        self._form.addRow(self._labels["date"], date_row)
        self._form.addRow(self._labels["days"], self.daysSpin)
        hours = QHBoxLayout()
        hours.addWidget(self.dayStartEdit)
        hours.addWidget(QLabel("–", self))
        hours.addWidget(self.dayEndEdit)
        self._form.addRow(self._labels["hours"], hours)
        self._form.addRow(self._labels["drive"], self.driveSpin)
        self._form.addRow(self._labels["mode"], self.modeCombo)
        self._form.addRow(self._labels["group"], self.groupSpin)
        self._form.addRow(self._labels["lunch"], self.lunchSpin)
        self._form.addRow(self._labels["budget"], self.budgetSpin)

        stop_buttons = QHBoxLayout()
        for b in (self.upButton, self.downButton, self.afterButton, self.removeButton):
            stop_buttons.addWidget(b)
        run = QHBoxLayout()
        run.addWidget(self.optimizeButton, 1)
        run.addWidget(self.cancelButton)

        self._stops_label = QLabel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._form)
        layout.addWidget(self._stops_label)
        layout.addWidget(self.stopsView, 1)
        layout.addLayout(stop_buttons)
        layout.addWidget(self.keepOrderCheck)
        layout.addWidget(self.followHistoryCheck)
        layout.addLayout(run)
        layout.addWidget(self.progressBar)
        self._layout = layout

        self.titleEdit.editingFinished.connect(lambda: self._set("title", self.titleEdit.text().strip()))
        self.startCombo.activated.connect(self._on_start_activated)
        self.endCombo.activated.connect(self._on_end_activated)
        self.dateCheck.toggled.connect(self._on_date_changed)
        self.dateEdit.dateChanged.connect(self._on_date_changed)
        self.daysSpin.valueChanged.connect(lambda v: self._set("days", int(v)))
        self.dayStartEdit.timeChanged.connect(lambda t: self._set("day_start", t.toString("HH:mm")))
        self.dayEndEdit.timeChanged.connect(lambda t: self._set("day_end", t.toString("HH:mm")))
        self.driveSpin.valueChanged.connect(
            lambda v: self._set("max_drive_minutes_per_day", int(round(v * 60)) if v > 0 else None)
        )
        self.modeCombo.activated.connect(lambda _i: self._set("mode", self.modeCombo.currentData()))
        self.groupSpin.valueChanged.connect(lambda v: self._set("group_size", int(v)))
        self.lunchSpin.valueChanged.connect(lambda v: self._set("lunch_minutes", int(v)))
        self.budgetSpin.valueChanged.connect(lambda v: self._set("budget_per_person_cny", int(v) or None))
        self.keepOrderCheck.toggled.connect(lambda v: self._set("keep_order", bool(v)))
        self.followHistoryCheck.toggled.connect(lambda v: self._set("follow_history", bool(v)))
        self.stopsView.itemChanged.connect(self._on_stop_item_changed)
        self.stopsView.currentItemChanged.connect(self._on_stop_current)
        self.upButton.clicked.connect(lambda: self._move_selected(-1))
        self.downButton.clicked.connect(lambda: self._move_selected(+1))
        self.removeButton.clicked.connect(self._remove_selected)
        self.afterButton.clicked.connect(self._set_after_previous)
        self.optimizeButton.clicked.connect(self.optimizeRequested)
        self.cancelButton.clicked.connect(self.cancelRequested)
        doc.changed.connect(self.refresh)
        self.retranslate()
        self.refresh()

    def add_totals(self, label: QLabel) -> None:
        """Show the plan's totals under the Optimize button."""
        self._layout.addWidget(label)

    # -- language -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.retranslate()
        self.refresh()

    def retranslate(self) -> None:
        texts = {
            "title": tr("Title"), "start": tr("Start"), "end": tr("End"), "date": tr("Start date"), "days": tr("Days"),
            "hours": tr("Day hours"), "drive": tr("Max drive / day (h)"), "mode": tr("Travel mode"),
            "group": tr("Group size"), "lunch": tr("Lunch (min)"), "budget": tr("Budget / person (CNY)"),
        }
        for k, text in texts.items():
            self._labels[k].setText(text)
        self.dateCheck.setToolTip(tr("Plan on real dates (weekly closures apply)"))
        self.driveSpin.setSpecialValueText(tr("no limit"))
        self.keepOrderCheck.setText(tr("Keep my order (re-time only)"))
        self.followHistoryCheck.setText(tr("Follow Long March history (red sites in historical order)"))
        self.followHistoryCheck.setToolTip(tr("Red-tourism stops are visited in the order of the events they stand for"))
        self.budgetSpin.setSpecialValueText(tr("no limit"))
        self.stopsView.setHeaderLabels(
            [tr("Stop"), tr("Must"), tr("Prio."), tr("Min"), tr("After"), tr("Day")]
        )
        self._stops_label.setText(tr("Stops (drag to reorder; double-click a place in the list to add)"))
        native = QKeySequence.SequenceFormat.NativeText
        self.upButton.setToolTip(tr("Move up") + f" ({QKeySequence('Ctrl+Up').toString(native)})")
        self.downButton.setToolTip(tr("Move down") + f" ({QKeySequence('Ctrl+Down').toString(native)})")
        self.removeButton.setText(tr("Remove"))
        self.afterButton.setText(tr("After previous"))
        self.afterButton.setToolTip(tr("The selected stop must come after the stop above it"))
        self.optimizeButton.setText(tr("Optimize"))
        self.cancelButton.setText(tr("Cancel"))
        self.modeCombo.blockSignals(True)
        self.modeCombo.clear()
        self.modeCombo.addItem(tr("Road"), "drive")
        self.modeCombo.addItem(tr("Road + high-speed rail"), "drive+rail")
        self.modeCombo.blockSignals(False)
        self._fill_places()

    def _fill_places(self) -> None:
        from ui.catalog_panel import collator

        key = collator(self.lang).sortKey  # Chinese names in pinyin order, English alphabetically
        hubs = [s for s in self.catalog if s.kind in ("hub", "station") or s.overnight]
        hubs.sort(key=lambda s: (key(s.name(self.lang)), s.id))
        for combo, extra in ((self.startCombo, []), (self.endCombo, [(SAME_AS_START, tr("Same as start")),
                                                                      (ANYWHERE, tr("Anywhere (open end)"))])):
            combo.blockSignals(True)
            combo.clear()
            for key, text in extra:
                combo.addItem(text, key)
            for s in hubs:
                combo.addItem(s.name(self.lang), s.id)
                combo.setItemData(combo.count() - 1, s.name("zh" if self.lang == "en" else "en"), Qt.ItemDataRole.ToolTipRole)
            combo.addItem(tr("Custom place…"), CUSTOM)
            combo.addItem(tr("Pick on the map…"), PICK)
            combo.blockSignals(False)

    # -- document -> widgets ------------------------------------------------------------------
    def refresh(self) -> None:
        self._updating = True
        try:
            r = self.doc.request
            self.titleEdit.setText(r.get("title") or "")
            self._show_place(self.startCombo, r.get("start"))
            end = r.get("end")
            self._show_place(self.endCombo, SAME_AS_START if end in (None, r.get("start")) else end)
            has_date = bool(r.get("start_date"))
            self.dateCheck.setChecked(has_date)
            self.dateEdit.setEnabled(has_date)
            plan_days = (self.doc.plan or {}).get("days") or []
            if has_date:
                self.dateEdit.setDate(QDate.fromString(r["start_date"], "yyyy-MM-dd"))
            elif plan_days and plan_days[0].get("date"):
                # No date asked for: the field shows the first day the plan counts from.
                self.dateEdit.setDate(QDate.fromString(plan_days[0]["date"], "yyyy-MM-dd"))
            elif not self.dateEdit.date().isValid() or self.dateEdit.date() <= QDate(2000, 1, 1):
                self.dateEdit.setDate(QDate.currentDate().addDays(14))
            self.daysSpin.setValue(int(r.get("days") or 1))
            self.dayStartEdit.setTime(QTime.fromString(r.get("day_start") or "08:30", "HH:mm"))
            self.dayEndEdit.setTime(QTime.fromString(r.get("day_end") or "18:30", "HH:mm"))
            drive = r.get("max_drive_minutes_per_day")
            self.driveSpin.setValue((drive or 0) / 60)
            self.modeCombo.setCurrentIndex(max(0, self.modeCombo.findData(r.get("mode") or "drive")))
            self.groupSpin.setValue(int(r.get("group_size") or 1))
            self.lunchSpin.setValue(int(r.get("lunch_minutes") if r.get("lunch_minutes") is not None else 60))
            self.keepOrderCheck.setChecked(bool(r.get("keep_order")))
            self.followHistoryCheck.setChecked(bool(r.get("follow_history")))
            self.budgetSpin.setValue(int(r.get("budget_per_person_cny") or 0))
            self._fill_stops()
        finally:
            self._updating = False

    def _show_place(self, combo: QComboBox, value) -> None:
        if isinstance(value, dict):
            key = f"custom:{value.get('name')}"
            i = combo.findData(key)
            if i < 0:
                at = max(0, combo.count() - 2)  # before "Custom place…" and "Pick on the map…"
                combo.insertItem(at, f"{value.get('name')} ({value.get('lat')}, {value.get('lon')})", key)
                combo.setItemData(at, value, Qt.ItemDataRole.UserRole + 1)
                i = combo.findData(key)
            combo.setCurrentIndex(i)
            return
        i = combo.findData(value)
        if i < 0 and isinstance(value, str) and value in self.catalog:
            s = self.catalog.spots[value]
            combo.insertItem(max(0, combo.count() - 2), s.name(self.lang), value)
            i = combo.findData(value)
        combo.setCurrentIndex(max(i, 0))

    def _fill_stops(self) -> None:
        current = self.current_stop()
        self.stopsView.blockSignals(True)
        self.stopsView.clear()
        names = {}
        for s in self.doc.request.get("stops", []):
            spot = self.catalog.spots.get(s["id"])
            name = spot.name(self.lang) if spot else s["id"]
            names[s["id"]] = name
            item = QTreeWidgetItem()
            item.setText(0, name)
            item.setData(0, Qt.ItemDataRole.UserRole, s["id"])
            if spot:
                item.setToolTip(0, spot.name("zh" if self.lang == "en" else "en"))
            item.setFlags(
                Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEditable
            )
            item.setCheckState(1, Qt.CheckState.Checked if s.get("must") else Qt.CheckState.Unchecked)
            item.setText(2, f"{s.get('priority', 1):g}")
            default_visit = spot.visit_minutes if spot else 0
            item.setText(3, str(s.get("visit_minutes") or default_visit))
            if s.get("visit_minutes"):
                f = item.font(3)
                f.setBold(True)
                item.setFont(3, f)
            item.setText(4, ", ".join(names.get(a, self.catalog.spots[a].name(self.lang) if a in self.catalog else a)
                                      for a in s.get("after", []) or []))
            if s.get("day"):
                item.setText(5, f"📌 {int(s['day'])}")
                item.setToolTip(5, tr("Pinned to day {0}").format(int(s["day"])))
            self.stopsView.addTopLevelItem(item)
        self.stopsView.blockSignals(False)
        if current:
            self.select_stop(current)

    # -- widgets -> document ------------------------------------------------------------------
    FIELD_LABELS = {"title": "title", "start": "start", "end": "end", "start_date": "date", "days": "days",
                    "day_start": "hours", "day_end": "hours", "max_drive_minutes_per_day": "drive", "mode": "mode",
                    "group_size": "group", "lunch_minutes": "lunch", "budget_per_person_cny": "budget"}

    def field_label(self, key: str) -> str:
        label = self._labels.get(self.FIELD_LABELS.get(key, ""))
        if label is not None:
            return label.text()
        return {"keep_order": self.keepOrderCheck.text(), "follow_history": self.followHistoryCheck.text()}.get(key, key)

    def problem(self, key: str, value) -> str:
        """Why the request with ``key`` = ``value`` is not a valid trip request ("" when it is):
        the core's own check (planner.request), reported for this field only."""
        from planner.errors import PlannerError
        from planner.request import request_from_dict
        from ui.document import clean_request

        req = {**self.doc.request, key: value}
        if key == "days" and isinstance(value, int):
            pinned = [(int(s["day"]), s["id"]) for s in req.get("stops") or [] if s.get("day")]
            pinned += [(int(d), None) for d in req.get("locked_days") or []]
            late = max(pinned, default=(0, None))
            if late[0] > value:
                sid = late[1]
                what = (self.catalog.spots[sid].name(self.lang) if sid in self.catalog else sid) if sid else None
                return tr("{0}: {1} is pinned to day {2}; unpin it first.").format(
                    self.field_label(key), what or tr("Day {0}").format(late[0]), late[0])
        try:
            request_from_dict(clean_request(req), catalog=self.catalog)
        except PlannerError as exc:
            if exc.field and exc.field.split(".")[0].split("[")[0] == key:
                return f"{self.field_label(key)}: {exc.message}"
        return ""

    def _set(self, key: str, value) -> None:
        if self._updating or self.doc.request.get(key) == value:
            return
        why = self.problem(key, value)
        if why:
            QMessageBox.warning(self, "QianTu", why)
            self.refresh()  # the request (and the plan) on screen stay as they were
            return
        self.doc.set_field(key, value, text=set_text(key))

    def _pick_place(self, combo: QComboBox):
        data = combo.currentData()
        if data == PICK:
            self.pickRequested.emit("start" if combo is self.startCombo else "end")
            self.refresh()
            return None
        if data == CUSTOM:
            dlg = CustomPlaceDialog(self.lang, self, which="start" if combo is self.startCombo else "end")
            if dlg.exec() != QDialog.DialogCode.Accepted:
                self.refresh()
                return None
            return dlg.place()
        if isinstance(data, str) and data.startswith("custom:"):
            return combo.currentData(Qt.ItemDataRole.UserRole + 1)
        return data

    def _on_start_activated(self, _index: int) -> None:
        value = self._pick_place(self.startCombo)
        if value is not None:
            self._set("start", value)

    def _on_end_activated(self, _index: int) -> None:
        value = self._pick_place(self.endCombo)
        if value is None:
            return
        self._set("end", None if value == SAME_AS_START else value)

    def _on_date_changed(self, *_args) -> None:
        self.dateEdit.setEnabled(self.dateCheck.isChecked())
        if self._updating:
            return
        value = self.dateEdit.date().toString("yyyy-MM-dd") if self.dateCheck.isChecked() else None
        self._set("start_date", value)

    def _on_stop_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._updating:
            return
        sid = item.data(0, Qt.ItemDataRole.UserRole)
        if column == 1:
            self.doc.edit_stop(sid, "must", True if item.checkState(1) == Qt.CheckState.Checked else None)
        elif column == 2:
            try:
                value = float(item.text(2))
                if value < 0:
                    raise ValueError
            except ValueError:
                QMessageBox.warning(self, "QianTu", tr("Priority must be a number ≥ 0."))
                self.refresh()
                return
            self.doc.edit_stop(sid, "priority", None if value == 1 else value)
        elif column == 3:
            spot = self.catalog.spots.get(sid)
            try:
                value = int(item.text(3))
                if not 1 <= value <= 24 * 60:
                    raise ValueError
            except ValueError:
                QMessageBox.warning(self, "QianTu", tr("Visit time is a whole number of minutes (1–1440)."))
                self.refresh()
                return
            self.doc.edit_stop(sid, "visit_minutes", None if spot and value == spot.visit_minutes else value)

    def _on_stop_current(self, current, _previous) -> None:
        if current is not None and not self._updating:
            self.stopSelected.emit(current.data(0, Qt.ItemDataRole.UserRole))

    def current_stop(self) -> str | None:
        item = self.stopsView.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def selected_stops(self) -> list[str]:
        return [i.data(0, Qt.ItemDataRole.UserRole) for i in self.stopsView.selectedItems()]

    def select_stop(self, spot_id: str) -> None:
        for i in range(self.stopsView.topLevelItemCount()):
            item = self.stopsView.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole) == spot_id:
                self.stopsView.blockSignals(True)
                self.stopsView.setCurrentItem(item)
                self.stopsView.blockSignals(False)
                return

    def view_order(self) -> list[str]:
        return [self.stopsView.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.stopsView.topLevelItemCount())]

    def _on_order_dropped(self, order: list[str]) -> None:
        if order != self.doc.stop_ids():
            self.reorderRequested(order)
        self._fill_stops()

    # -- pins -----------------------------------------------------------------------------------
    def pin_selected(self, day: int | None) -> None:
        """Pin the selected stops to ``day`` (1-based; None unpins): one undoable command."""
        ids = self.selected_stops() or ([self.current_stop()] if self.current_stop() else [])
        if not ids:
            return
        days = int(self.doc.request.get("days") or 1)
        if day is not None and not 1 <= day <= days:
            QMessageBox.warning(self, "QianTu", tr("Day: the trip has {0} days; a stop cannot be pinned to day {1}.")
                                .format(days, day))
            return
        self.doc.pin_stops(ids, day)

    def _on_stops_menu(self, pos) -> None:
        from PySide6.QtWidgets import QMenu

        item = self.stopsView.itemAt(pos)
        if item is None:
            return
        if not item.isSelected():
            self.stopsView.setCurrentItem(item)
        menu = QMenu(self)
        pin = menu.addMenu(tr("Pin to day"))
        for d in range(1, int(self.doc.request.get("days") or 1) + 1):
            a = pin.addAction(tr("Day {0}").format(d))
            a.triggered.connect(lambda _c=False, d=d: self.pin_selected(d))
        unpin = menu.addAction(tr("Unpin"))
        unpin.triggered.connect(lambda: self.pin_selected(None))
        menu.addSeparator()
        menu.addAction(tr("Remove"), self._remove_selected)
        self._menu = menu
        menu.popup(self.stopsView.viewport().mapToGlobal(pos))

    def reorderRequested(self, order: list[str]) -> None:
        """Overridden by the main window (re-time at once when the order is kept)."""
        self.doc.reorder_stops(order)

    def _move_selected(self, delta: int) -> None:
        sid = self.current_stop()
        order = self.doc.stop_ids()
        if sid not in order:
            return
        i = order.index(sid)
        j = i + delta
        if not 0 <= j < len(order):
            return
        order[i], order[j] = order[j], order[i]
        self.reorderRequested(order)
        self.select_stop(sid)

    def _remove_selected(self) -> None:
        ids = self.selected_stops()
        if ids:
            self.doc.remove_stops(ids)

    def _set_after_previous(self) -> None:
        sid = self.current_stop()
        order = self.doc.stop_ids()
        if sid not in order or order.index(sid) == 0:
            return
        prev = order[order.index(sid) - 1]
        stop = next(s for s in self.doc.request["stops"] if s["id"] == sid)
        after = list(stop.get("after") or [])
        if prev in after:
            after.remove(prev)
        else:
            after.append(prev)
        self.doc.edit_stop(sid, "after", after)

    # -- running ------------------------------------------------------------------------------
    def set_running(self, running: bool) -> None:
        self.optimizeButton.setEnabled(not running)
        self.cancelButton.setEnabled(running)
        self.progressBar.setVisible(running)
        if running:
            self.progressBar.setValue(0)
            self.progressBar.setFormat("%p%")

    def show_progress(self, fraction: float, message: str) -> None:
        self.progressBar.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        self.progressBar.setFormat(f"%p%  {message}" if message else "%p%")
