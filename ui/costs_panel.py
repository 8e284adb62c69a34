"""The Costs panel: the group, hotel class, vehicle, margin and any rate for this package; the quote."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from planner.catalog import Catalog
from planner.errors import PlannerError
from planner.export.common import season_text, unit_text
from ui.document import TripDocument
from ui.i18n import tr

HOTEL_CLASSES = ("economy", "comfort", "premium")


class CostsPanel(QWidget):
    """Edits the package's costing choices (undoable) and shows the quote, updated live."""

    def __init__(self, doc: TripDocument, catalog: Catalog, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("costsPanel")
        self.doc = doc
        self.catalog = catalog
        self.lang = getattr(parent, "lang", "zh")
        self._updating = False
        self._rates = None
        self.quote = None

        self.adultsSpin = QSpinBox(self, minimum=0, maximum=500)
        self.adultsSpin.setObjectName("adultsSpin")
        self.childrenSpin = QSpinBox(self, minimum=0, maximum=500)
        self.childrenSpin.setObjectName("childrenSpin")
        self.seniorsSpin = QSpinBox(self, minimum=0, maximum=500)
        self.seniorsSpin.setObjectName("seniorsSpin")
        self.hotelCombo = QComboBox(self)
        self.hotelCombo.setObjectName("hotelClassCombo")
        self.vehicleCombo = QComboBox(self)
        self.vehicleCombo.setObjectName("vehicleCombo")
        self.marginSpin = QDoubleSpinBox(self, minimum=0.0, maximum=100.0, decimals=1, singleStep=1.0)
        self.marginSpin.setObjectName("marginSpin")
        self.focSpin = QSpinBox(self, minimum=0, maximum=100)
        self.focSpin.setObjectName("focSpin")
        self.currencyEdit = QLineEdit(self)
        self.currencyEdit.setObjectName("currencyEdit")
        self.overrideButton = QPushButton(self)
        self.overrideButton.setObjectName("rateOverrideButton")
        self.clearOverrideButton = QPushButton(self)

        self.linesView = QTableWidget(self)
        self.linesView.setObjectName("quoteView")
        self.linesView.setColumnCount(6)
        self.linesView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.linesView.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.linesView.verticalHeader().hide()
        self.linesView.setWordWrap(False)
        self.linesView.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.linesView.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.linesView.itemDoubleClicked.connect(self._on_line_double_clicked)
        self.totalLabel = QLabel(self)
        self.totalLabel.setObjectName("quoteTotalLabel")
        self.totalLabel.setWordWrap(True)
        self.breaksView = QTableWidget(self)
        self.breaksView.setObjectName("priceBreaksView")
        self.breaksView.setColumnCount(3)
        self.breaksView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.breaksView.verticalHeader().hide()
        self.breaksView.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        self.breaksView.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self._form = QGridLayout()
        self._labels = {k: QLabel(self) for k in ("adults", "children", "seniors", "hotel", "vehicle", "margin", "foc",
                                                  "currency")}
        for col, key, spin in ((0, "adults", self.adultsSpin), (2, "children", self.childrenSpin),
                               (4, "seniors", self.seniorsSpin)):
            self._form.addWidget(self._labels[key], 0, col)
            self._form.addWidget(spin, 0, col + 1)
        self._form.addWidget(self._labels["hotel"], 1, 0)
        self._form.addWidget(self.hotelCombo, 1, 1, 1, 2)
        self._form.addWidget(self._labels["vehicle"], 1, 3)
        self._form.addWidget(self.vehicleCombo, 1, 4, 1, 2)
        self._form.addWidget(self._labels["margin"], 2, 0)
        self._form.addWidget(self.marginSpin, 2, 1)
        self._form.addWidget(self.overrideButton, 2, 2, 1, 2)
        self._form.addWidget(self.clearOverrideButton, 2, 4, 1, 2)
        self._form.addWidget(self._labels["foc"], 3, 0)
        self._form.addWidget(self.focSpin, 3, 1)
        self._form.addWidget(self._labels["currency"], 3, 2)
        self._form.addWidget(self.currencyEdit, 3, 3, 1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(self._form)
        layout.addWidget(self.linesView, 3)
        layout.addWidget(self.totalLabel)
        layout.addWidget(self.breaksView, 2)

        self.adultsSpin.valueChanged.connect(lambda v: self._set("adults", int(v)))
        self.childrenSpin.valueChanged.connect(lambda v: self._set("children", int(v) or None))
        self.seniorsSpin.valueChanged.connect(lambda v: self._set("seniors", int(v) or None))
        self.hotelCombo.activated.connect(lambda _i: self._set("hotel_class", self.hotelCombo.currentData()))
        self.vehicleCombo.activated.connect(lambda _i: self._set("vehicle", self.vehicleCombo.currentData() or None))
        self.marginSpin.valueChanged.connect(self._on_margin_changed)
        self.focSpin.valueChanged.connect(lambda v: self._set("foc_per", int(v) or None))
        self.currencyEdit.editingFinished.connect(self._on_currency_edited)
        self.overrideButton.clicked.connect(self._on_override)
        self.clearOverrideButton.clicked.connect(self._on_clear_overrides)
        doc.changed.connect(self.refresh)
        self.retranslate()
        self.refresh()

    def rates(self):
        if self._rates is None:
            from planner.costing import load_rates

            self._rates = load_rates()
        return self._rates

    def retranslate(self) -> None:
        for key, text in (("adults", tr("Adults")), ("children", tr("Children (6-18)")), ("seniors", tr("Seniors (60+)")),
                          ("hotel", tr("Hotel class")), ("vehicle", tr("Vehicle")), ("margin", tr("Margin (%)")),
                          ("foc", tr("One free place per")), ("currency", tr("Second currency"))):
            self._labels[key].setText(text)
        self.overrideButton.setText(tr("Change a rate…"))
        self.overrideButton.setToolTip(tr("Set any rate for this package only (double-click a line to change its rate)"))
        self.clearOverrideButton.setText(tr("Reset rates"))
        self.focSpin.setSpecialValueText(tr("none"))
        self.focSpin.setSuffix(tr(" paying"))
        self.currencyEdit.setPlaceholderText(tr("e.g. USD=7.10 (CNY per unit)"))
        self.linesView.setHorizontalHeaderLabels([tr("Item"), tr("Qty"), tr("Unit CNY"), tr("Amount CNY"),
                                                  tr("Per person"), tr("Rate basis")])
        self.breaksView.setHorizontalHeaderLabels([tr("Group"), tr("Vehicles"), tr("Price per person")])
        self.hotelCombo.blockSignals(True)
        self.hotelCombo.clear()
        names = {"economy": tr("Economy"), "comfort": tr("Comfort"), "premium": tr("Premium")}
        for c in HOTEL_CLASSES:
            self.hotelCombo.addItem(names[c], c)
        self.hotelCombo.blockSignals(False)
        self.vehicleCombo.blockSignals(True)
        self.vehicleCombo.clear()
        self.vehicleCombo.addItem(tr("Automatic (by group size)"), "")
        try:
            for v in self.rates().vehicles_by_size():
                self.vehicleCombo.addItem(tr("{0} ({1} seats)").format(self._vehicle_name(v.id), v.passenger_seats), v.id)
        except PlannerError:
            pass
        self.vehicleCombo.blockSignals(False)
        self.refresh()

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.retranslate()

    def _vehicle_name(self, vid: str) -> str:
        v = self.rates().vehicles.get(vid)
        if v is None:
            return vid
        return v.name_en if self.lang == "en" else v.name_zh

    def _basis(self, d: dict) -> str:
        """Where a line's rate comes from, and its season, in words (the rate id stays in the data)."""
        table = str(d.get("ref") or "").partition(":")[0]
        basis = {"catalog": tr("attraction catalog"), "vehicles.csv": tr("vehicle rates"),
                 "hotel_tiers.csv": tr("hotel rates"), "guides.csv": tr("guide rates"),
                 "rail_fares.csv": tr("rail fares"), "rail_rates.csv": tr("rail rate per km"),
                 "settings.csv": tr("rate settings"), "override": tr("changed for this package")}.get(table, tr("rates"))
        if d.get("source") == "override":
            basis = tr("changed for this package")
        season = season_text(str(d.get("season") or ""), self.lang)
        return f"{basis} · {season}" if season else basis

    # -- document -> widgets ------------------------------------------------------------------
    def group_and_rates(self):
        from planner.costing import package_costing

        return package_costing(self.doc.costing, self.doc.request.get("group_size"), self.rates())

    def refresh(self) -> None:
        self._updating = True
        try:
            c = self.doc.costing
            self.adultsSpin.setValue(int(c.get("adults") if c.get("adults") is not None
                                         else (self.doc.request.get("group_size") or 2)))
            self.childrenSpin.setValue(int(c.get("children") or 0))
            self.seniorsSpin.setValue(int(c.get("seniors") or 0))
            self.hotelCombo.setCurrentIndex(max(0, self.hotelCombo.findData(c.get("hotel_class") or "comfort")))
            self.vehicleCombo.setCurrentIndex(max(0, self.vehicleCombo.findData(c.get("vehicle") or "")))
            self.focSpin.setValue(int(c.get("foc_per") or 0))
            if not self.currencyEdit.hasFocus():
                cur = c.get("currency")
                self.currencyEdit.setText(cur if isinstance(cur, str) else
                                          (f"{cur['code']}={cur['cny_per_unit']}" if isinstance(cur, dict) else ""))
            try:
                group, rates = self.group_and_rates()
                self.marginSpin.setValue(float(rates.setting("margin_pct")))
            except PlannerError as exc:
                self._show_error(exc.one_line())
                return
            self._show_quote(group, rates)
        finally:
            self._updating = False

    def _show_error(self, text: str) -> None:
        self.quote = None
        self.linesView.setRowCount(0)
        self.breaksView.setRowCount(0)
        self.totalLabel.setText(text)

    def _show_quote(self, group, rates) -> None:
        from planner.costing import parse_currency, price_breaks, quote
        from planner.plan import plan_from_dict

        if not self.doc.plan or not self.doc.plan.get("days"):
            self._show_error(tr("Optimize the trip to see its price."))
            return
        plan = plan_from_dict(self.doc.plan, validate=False)  # checked when it entered the document
        try:
            # The same numbers as planner.costing.package_quote (qiantu quote and every document).
            q = quote(plan, group, rates, self.catalog, parse_currency(self.doc.costing.get("currency")))
            breaks = price_breaks(plan, rates, self.catalog, hotel_class=group.hotel_class, vehicle=group.vehicle,
                                  foc_per=group.foc_per)
        except PlannerError as exc:
            self._show_error(exc.one_line())
            return
        self.quote = q
        self.linesView.setRowCount(len(q.lines))
        for r, line in enumerate(q.lines):
            d = line.to_dict()
            cells = [
                d.get(f"what_{self.lang}") or d.get("what", ""),
                f"{d.get('quantity', 0):g} {unit_text(str(d.get('unit', '')), self.lang)}",
                f"{d.get('unit_price_cny', 0):,.2f}",
                f"{d.get('amount_cny', 0):,.2f}",
                f"{d.get('per_person_cny', 0):,.2f}",
                self._basis(d),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(str(text))
                if col in (1, 2, 3, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, d)
                self.linesView.setItem(r, col, item)
        text = tr("Net {0:,.0f} CNY · margin {1:g}% {2:,.0f} · selling price {3:,.0f} CNY · "
                  "{4:,.0f} CNY per person ({5} travellers)").format(
            q.net_cost_cny, q.margin_pct, q.margin_cny, q.selling_price_cny, q.price_per_person_cny, group.paying)
        extra = []
        if group.foc:
            extra.append(tr("{0} free, paid by the other {1}").format(group.foc, group.paying))
        if len(q.price_per_category_cny) > 1:
            names = {"adult": tr("adult"), "child": tr("child"), "senior": tr("senior")}
            extra.append(" · ".join(f"{names[c]} {v:,.0f}" for c, v in q.price_per_category_cny.items()))
        if q.nights:
            extra.append(tr("single supplement {0:,.0f} CNY").format(q.single_supplement_cny))
        if q.currency is not None:
            extra.append(f"≈ {q.currency.code} {q.currency.convert(q.price_per_person_cny):,.0f}")
        self.totalLabel.setText(text + ("\n" + " · ".join(extra) if extra else ""))
        self.breaksView.setRowCount(len(breaks))
        for r, b in enumerate(breaks):
            fleet = " + ".join(
                (f"{c} × " if c > 1 else "") + self._vehicle_name(v) for v, c in b.fleet) if b.fleet else b.vehicles
            for col, text in enumerate((str(b.size), fleet, f"{b.price_per_person_cny:,.0f}")):
                self.breaksView.setItem(r, col, QTableWidgetItem(text))

    # -- widgets -> document ------------------------------------------------------------------
    def _set(self, key: str, value) -> None:
        if self._updating or self.doc.costing.get(key) == value:
            return
        self.doc.set_costing(key, value, text=tr("Change costing"))

    def _on_currency_edited(self) -> None:
        from planner.costing import parse_currency

        text = self.currencyEdit.text().strip()
        try:
            parse_currency(text)
        except PlannerError as exc:
            QMessageBox.warning(self, "QianTu", exc.one_line())
            self.refresh()
            return
        self._set("currency", text.upper() or None)

    def _on_margin_changed(self, value: float) -> None:
        if self._updating:
            return
        self._set("margin_pct", round(float(value), 1))

    def set_rate(self, key: str, value) -> bool:
        """Override one rate for this package (undoable); False with a message when it does not fit."""
        try:
            self.rates().with_override(key, value)
        except PlannerError as exc:
            QMessageBox.warning(self, "QianTu", exc.one_line())
            self.refresh()
            return False
        self.doc.set_costing(f"overrides.{key}", value, text=tr("Change a rate"))
        return True

    def _on_override(self) -> None:
        key, ok = QInputDialog.getText(self, tr("Change a rate"), tr("Rate key (e.g. meals_per_person_day_cny, "
                                                                      "hotels.A.comfort, vehicles.coach-33.per_day_cny)"))
        if not ok or not key.strip():
            return
        value, ok = QInputDialog.getText(self, tr("Change a rate"), tr("New value for {0}").format(key.strip()))
        if ok and value.strip():
            self.set_rate(key.strip(), value.strip())

    @staticmethod
    def rate_key(line: dict) -> str | None:
        """The override key of the rate a quote line uses, or None (tickets come from the catalog)."""
        ref = str(line.get("ref") or "")
        table, _, rest = ref.partition(":")
        unit = line.get("unit", "")
        if table == "settings.csv":
            return rest
        if table == "hotel_tiers.csv" and "/" in rest:
            tier, cls = rest.split("/", 1)
            return f"hotels.{tier}.{cls}"
        if table == "vehicles.csv":
            column = {"vehicle-day": "per_day_cny", "km": "per_km_cny", "driver-day": "driver_allowance_per_day_cny",
                      "vehicle-km": "toll_per_km_cny"}.get(unit)
            return f"vehicles.{rest}.{column}" if column else None
        if table == "guides.csv":
            return f"guides.{rest.split('-')[0]}.per_day_cny"
        return None

    def _on_line_double_clicked(self, item: QTableWidgetItem) -> None:
        d = item.data(Qt.ItemDataRole.UserRole) or {}
        key = self.rate_key(d)
        if not key:
            self._on_override()
            return
        value, ok = QInputDialog.getDouble(self, tr("Change a rate"), key, float(d.get("unit_price_cny") or 0), 0, 1e7, 2)
        if ok:
            self.set_rate(key, value)

    def _on_clear_overrides(self) -> None:
        if self.doc.costing.get("overrides"):
            costing = dict(self.doc.costing)
            costing.pop("overrides")
            self.doc.apply(tr("Reset rates"), costing=costing)
