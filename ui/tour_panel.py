"""The Tour panel: the tour's details for the documents (agency, tour code, operator, guide, driver
and plate, leader, emergency phone; hotel and meals per day). Phone numbers and the plate are
checked as typed (planner.package); every change is one undoable step of the document."""

from __future__ import annotations

import copy

from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.errors import PlannerError
from ui.document import TripDocument
from ui.i18n import tr

# (tour key, object name); "a.b" keys are fields of a person object.
FIELDS = (
    ("agency", "agencyEdit"),
    ("tour_code", "tourCodeEdit"),
    ("operator.name", "operatorNameEdit"),
    ("operator.phone", "operatorPhoneEdit"),
    ("guide.name", "guideNameEdit"),
    ("guide.phone", "guidePhoneEdit"),
    ("driver.name", "driverNameEdit"),
    ("driver.phone", "driverPhoneEdit"),
    ("driver.plate", "plateEdit"),
    ("leader.name", "leaderNameEdit"),
    ("leader.phone", "leaderPhoneEdit"),
    ("emergency_phone", "emergencyPhoneEdit"),
    ("notes", "tourNotesEdit"),
)
LIMITS = {"notes": 2000}  # characters; every other field 200 (planner.package.check_tour)
# Columns of the per-day table: (list, key in its items).
DAY_COLUMNS = (("hotels", "name"), ("hotels", "phone"), ("hotels", "address"), ("meals", "breakfast"),
               ("meals", "lunch"), ("meals", "dinner"), ("trains", "number"))
ERROR_STYLE = "QLineEdit { border: 1px solid #c0392b; }"


def check_field(key: str, value: str) -> str:
    """The value as the package keeps it; PlannerError (naming ``tour.<key>``) when it does not fit."""
    from planner.package import check_phone, check_plate

    if key.endswith("phone"):
        return check_phone(value, f"tour.{key}")
    if key.endswith("plate"):
        return check_plate(value, f"tour.{key}")
    return value.strip()


class TourPanel(QWidget):
    """Edits the package's ``tour`` (see planner.package.check_tour)."""

    def __init__(self, doc: TripDocument, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("tourPanel")
        self.doc = doc
        self._updating = False
        self.edits: dict[str, QLineEdit] = {}
        self._labels: dict[str, QLabel] = {}
        form = QGridLayout()
        for i, (key, name) in enumerate(FIELDS):
            edit = QLineEdit(self)
            edit.setObjectName(name)
            edit.editingFinished.connect(lambda key=key: self._on_edited(key))
            self.edits[key] = edit
            label = QLabel(self)
            self._labels[key] = label
            row, col = divmod(i, 2)
            form.addWidget(label, row, col * 2)
            if key == "notes":  # the last field, the whole width
                form.addWidget(edit, row, 1, 1, 3)
            else:
                form.addWidget(edit, row, col * 2 + 1)
        self.errorLabel = QLabel(self)
        self.errorLabel.setObjectName("tourErrorLabel")
        self.errorLabel.setStyleSheet("color: #c0392b;")
        self.errorLabel.setWordWrap(True)
        self.daysTable = QTableWidget(self)
        self.daysTable.setObjectName("tourDaysTable")
        self.daysTable.setColumnCount(len(DAY_COLUMNS))
        self.daysTable.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.daysTable.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.daysTable.itemChanged.connect(self._on_day_changed)
        self.daysLabel = QLabel(self)
        self.daysLabel.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(form)
        layout.addWidget(self.errorLabel)
        layout.addWidget(self.daysLabel)
        layout.addWidget(self.daysTable, 1)
        doc.changed.connect(self.refresh)
        self.retranslate()

    def retranslate(self) -> None:
        texts = {
            "agency": tr("Agency"), "tour_code": tr("Tour code"), "operator.name": tr("Operator"),
            "operator.phone": tr("Operator's phone"), "guide.name": tr("Guide"), "guide.phone": tr("Guide's phone"),
            "driver.name": tr("Driver"), "driver.phone": tr("Driver's phone"), "driver.plate": tr("Plate"),
            "leader.name": tr("Tour leader"), "leader.phone": tr("Leader's phone"),
            "emergency_phone": tr("Emergency phone"), "notes": tr("Notes for guide and driver"),
        }
        for key, label in self._labels.items():
            label.setText(texts[key])
        self.edits["driver.plate"].setPlaceholderText(tr("e.g. 贵A·12345"))
        self.daysTable.setHorizontalHeaderLabels([tr("Hotel"), tr("Hotel phone"), tr("Address"), tr("Breakfast"),
                                                  tr("Lunch"), tr("Dinner"), tr("Trains")])
        self.daysLabel.setText(tr("Hotel and meals per day. A meal left empty is not included once any meal of "
                                  "that day is filled; leave all three empty for the package's standard meals."))
        self.refresh()

    def set_language(self, _lang: str) -> None:
        self.retranslate()

    # -- document -> widgets ------------------------------------------------------------------
    def _value(self, key: str) -> str:
        head, _, sub = key.partition(".")
        v = self.doc.tour.get(head)
        if sub:
            v = (v or {}).get(sub) if isinstance(v, dict) else ""
        return str(v or "")

    def _n_days(self) -> int:
        plan = self.doc.plan or {}
        return len(plan.get("days") or []) or int(self.doc.request.get("days") or 0)

    def refresh(self) -> None:
        self._updating = True
        try:
            for key, edit in self.edits.items():
                if not edit.hasFocus() or edit.styleSheet():
                    edit.setText(self._value(key))
                    edit.setStyleSheet("")
            n = self._n_days()
            self.daysTable.setRowCount(n)
            self.daysTable.setVerticalHeaderLabels([tr("Day {0}").format(k + 1) for k in range(n)])
            by_day = {name: {x.get("day"): x for x in self.doc.tour.get(name) or []} for name in ("hotels", "meals")}
            for row in range(n):
                for col, (name, key) in enumerate(DAY_COLUMNS):
                    if name == "trains":
                        text = ", ".join(x.get("number", "") for x in self.doc.tour.get("trains") or []
                                         if x.get("day") == row + 1)
                    else:
                        text = str(by_day[name].get(row + 1, {}).get(key) or "")
                    item = self.daysTable.item(row, col)
                    if item is None:
                        self.daysTable.setItem(row, col, QTableWidgetItem(text))
                    elif item.text() != text:
                        item.setText(text)
        finally:
            self._updating = False

    # -- widgets -> document ------------------------------------------------------------------
    def _on_edited(self, key: str) -> None:
        if self._updating:
            return
        edit = self.edits[key]
        try:
            value = check_field(key, edit.text())
        except PlannerError as exc:
            edit.setStyleSheet(ERROR_STYLE)
            self.errorLabel.setText(exc.one_line())
            return
        limit = LIMITS.get(key, 200)
        if len(value) > limit:
            from planner.errors import RequestError

            edit.setStyleSheet(ERROR_STYLE)
            self.errorLabel.setText(RequestError(f"is longer than {limit} characters", field=f"tour.{key}").one_line())
            return
        edit.setStyleSheet("")
        self.errorLabel.clear()
        if value != self._value(key):
            self.doc.set_tour(key, value, text=tr("Change tour details"))

    def set_field(self, key: str, value: str) -> bool:
        """Type ``value`` into the field of ``key`` and finish editing; False when it was refused."""
        self.edits[key].setText(value)
        self._on_edited(key)
        return not self.edits[key].styleSheet()

    def _on_day_changed(self, item: QTableWidgetItem) -> None:
        if self._updating:
            return
        from planner.package import check_phone

        row, col = item.row(), item.column()
        name, key = DAY_COLUMNS[col]
        text = item.text().strip()
        if name == "trains":
            self._on_trains_changed(item, row, text)
            return
        if key == "phone":
            try:
                text = check_phone(text, f"tour.hotels[{row}].phone")
            except PlannerError as exc:
                self.errorLabel.setText(exc.one_line())
                self._updating = True
                item.setText(self._day_value(name, row + 1, key))
                self._updating = False
                return
        self.errorLabel.clear()
        tour = copy.deepcopy(self.doc.tour)
        items = [x for x in tour.get(name) or [] if x.get("day") != row + 1]
        entry = {k: v for k, v in (next((x for x in tour.get(name) or [] if x.get("day") == row + 1), {})).items()}
        entry["day"] = row + 1
        if text:
            entry[key] = text
        else:
            entry.pop(key, None)
        if len(entry) > 1:
            items.append(entry)
        items.sort(key=lambda x: x["day"])
        if items:
            tour[name] = items
        else:
            tour.pop(name, None)
        self._apply(tour, f"tour:{name}:{row}:{key}")

    def _on_trains_changed(self, item: QTableWidgetItem, row: int, text: str) -> None:
        """``G2961, D8512``: the day's trains in order (tour.trains)."""
        from planner.package import check_train

        try:
            numbers = [check_train(x, f"tour.trains[{row}].number") for x in text.replace("，", ",").split(",")
                       if x.strip()]
        except PlannerError as exc:
            self.errorLabel.setText(exc.one_line())
            self.refresh()
            return
        self.errorLabel.clear()
        tour = copy.deepcopy(self.doc.tour)
        trains = [x for x in tour.get("trains") or [] if x.get("day") != row + 1]
        trains += [{"day": row + 1, "number": x} for x in numbers]
        trains.sort(key=lambda x: x["day"])
        if trains:
            tour["trains"] = trains
        else:
            tour.pop("trains", None)
        self._apply(tour, f"tour:trains:{row}")

    def _apply(self, tour: dict, merge_key: str) -> bool:
        """Put ``tour`` into the document as one undoable step, if the package would accept it."""
        from planner.package import check_tour

        try:
            check_tour(tour)
        except PlannerError as exc:
            self.errorLabel.setText(exc.one_line())
            self.refresh()
            return False
        self.doc.apply(tr("Change tour details"), tour=tour, merge_key=merge_key)
        return True

    def _day_value(self, name: str, day: int, key: str) -> str:
        for x in self.doc.tour.get(name) or []:
            if x.get("day") == day:
                return str(x.get(key) or "")
        return ""
