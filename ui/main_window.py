"""The main window: catalog on the left, the map in the centre, details and the trip on the right."""

from __future__ import annotations

import copy
import os
import threading
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from planner.catalog import Catalog, load_catalog
from planner.errors import PlannerError
from planner.mapping import TILE_LABELS, catalog_map, day_summary, plan_map
from ui.catalog_panel import CatalogPanel
from ui.costs_panel import CostsPanel
from ui.details import DetailsPane
from ui.document import TripDocument, clean_request
from ui.exporting import Exporter, format_label, print_preview
from ui.i18n import count_text, install_language, tr
from ui.itinerary import ItineraryView
from ui.map_view import MapView, page_parts
from ui.settings import Settings
from ui.timeline_panel import TimelinePanel
from ui.tour_panel import TourPanel
from ui.trip_panel import TripPanel
from ui.workers import Worker

FILE_FILTER = "QianTu packages (*.qiantu.json);;Trip requests (*.json);;All files (*)"


class MainWindow(QMainWindow):
    """QianTu's window. Views take the catalog and talk through signals; no logic lives in widgets."""

    languageChanged = Signal(str)

    def __init__(self, catalog: Catalog | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.lang = self.settings.language
        install_language(self.lang)
        self.tiles = self.settings.tiles
        try:
            self.catalog = catalog if catalog is not None else load_catalog()
        except PlannerError as exc:
            QMessageBox.critical(None, "QianTu", exc.one_line())
            raise
        self.resize(1400, 880)

        self.mapView = MapView(self)
        self.setCentralWidget(self.mapView)

        self.catalogPanel = CatalogPanel(self.catalog, self.lang, self)
        self.catalogDock = QDockWidget(self)
        self.catalogDock.setObjectName("catalogDock")
        self.catalogDock.setWidget(self.catalogPanel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.catalogDock)

        self.timelinePanel = TimelinePanel(self.catalog, self.lang, self)
        self.timelineDock = QDockWidget(self)
        self.timelineDock.setObjectName("timelineDock")
        self.timelineDock.setWidget(self.timelinePanel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.timelineDock)
        self.tabifyDockWidget(self.catalogDock, self.timelineDock)
        self.catalogDock.raise_()

        self.detailsPane = DetailsPane(self)
        self.detailsDock = QDockWidget(self)
        self.detailsDock.setObjectName("detailsDock")
        self.detailsDock.setWidget(self.detailsPane)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detailsDock)

        self.doc = TripDocument(self)
        self.worker: Worker | None = None
        self.picking: str | None = None  # "start"/"end" while waiting for a click on the map
        self._network = None
        self._network_lock = threading.Lock()
        self.showing_plan = False
        self._map_worker: Worker | None = None
        self._print_worker: Worker | None = None
        self._map_again = False

        self.tripPanel = TripPanel(self.doc, self.catalog, self.lang, self)
        self.tripPanel.reorderRequested = self._on_reorder_requested  # re-time at once when order is kept
        self.tripDock = QDockWidget(self)
        self.tripDock.setObjectName("tripDock")
        self.tripDock.setWidget(self.tripPanel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tripDock)

        self.itineraryView = ItineraryView(self.catalog, self.lang, self)
        self.itineraryDock = QDockWidget(self)
        self.itineraryDock.setObjectName("itineraryDock")
        self.itineraryDock.setWidget(self.itineraryView)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.itineraryDock)
        self.splitDockWidget(self.tripDock, self.itineraryDock, Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.itineraryDock, self.detailsDock)
        self.costsPanel = CostsPanel(self.doc, self.catalog, self)
        self.costsDock = QDockWidget(self)
        self.costsDock.setObjectName("costsDock")
        self.costsDock.setWidget(self.costsPanel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.costsDock)
        self.tabifyDockWidget(self.detailsDock, self.costsDock)
        self.tourPanel = TourPanel(self.doc, self)
        self.tourDock = QDockWidget(self)
        self.tourDock.setObjectName("tourDock")
        self.tourDock.setWidget(self.tourPanel)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.tourDock)
        self.tabifyDockWidget(self.costsDock, self.tourDock)
        self.itineraryDock.raise_()
        self.resizeDocks([self.catalogDock, self.tripDock], [380, 440], Qt.Orientation.Horizontal)
        self.resizeDocks([self.tripDock, self.itineraryDock], [430, 470], Qt.Orientation.Vertical)

        self.totalsLabel = QLabel(self)
        self.totalsLabel.setObjectName("totalsLabel")
        self.totalsLabel.setWordWrap(True)
        self.totalsLabel.setStyleSheet("QLabel{padding:4px;background:#f4f6f8;border:1px solid #d0d7de;border-radius:3px}")
        self.tripPanel.add_totals(self.totalsLabel)
        self.tilesLabel = QLabel(self)
        self.tilesLabel.setObjectName("tilesLabel")
        self.statusBar().addPermanentWidget(self.tilesLabel)

        self._build_menus()
        self.catalogPanel.spotSelected.connect(self._on_list_selected)
        self.catalogPanel.spotActivated.connect(self.add_stops_from_ids)
        self.catalogPanel.filterChanged.connect(self._on_filter_changed)
        self.mapView.spotClicked.connect(self._on_marker_clicked)
        self.mapView.addToTripRequested.connect(self.add_stops_from_ids)
        self.mapView.itemClicked.connect(self._on_map_item_clicked)
        self.mapView.mapClicked.connect(self._on_map_clicked)
        self.tripPanel.pickRequested.connect(self.start_picking)
        self.mapView.mapReady.connect(self._on_map_ready)
        self.timelinePanel.siteSelected.connect(self._on_event_site_selected)
        self.timelinePanel.addSiteRequested.connect(self.add_stops_from_ids)
        self.tripPanel.optimizeRequested.connect(self.optimize)
        self.tripPanel.cancelRequested.connect(self.cancel_optimize)
        self.tripPanel.stopSelected.connect(self._on_list_selected)
        self.tripPanel.stopsView.catalogDropped.connect(self.add_stops_from_ids)
        self.itineraryView.dayActivated.connect(self._on_day_activated)
        self.itineraryView.itemActivated.connect(self._on_item_activated)
        self.itineraryView.lockDayRequested.connect(self.doc.set_day_locked)
        self.itineraryView.pinRequested.connect(lambda sid, day: self.doc.pin_stops([sid], day))
        self.doc.changed.connect(self._on_doc_changed)
        self.doc.planChanged.connect(self._on_plan_changed)
        self.doc.undo_stack.cleanChanged.connect(self._update_title)

        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self._retranslate()
        self._on_doc_changed()
        self.itineraryView.show_plan(None)
        self.reload_map()
        from ui.recovery import Autosaver
        from ui.workers import warm_up_imports

        self.autosaver = Autosaver(self.doc, self)
        warm_up_imports()
        from ui.validation import ValueGuard

        self.valueGuard = ValueGuard(self)
        for panel in (self.tripPanel, self.costsPanel):
            self.valueGuard.watch(panel)

    def offer_recovery(self) -> bool:
        """After a crash or kill: offer the autosaved trip; True when it was restored."""
        from ui import recovery

        data = recovery.read_recovery(self.autosaver.path)
        if data is None:
            return False
        pid = data.get("pid")
        if isinstance(pid, int) and pid != os.getpid() and recovery.owner_alive(pid):
            return False  # another QianTu window is running and owns it
        if recovery.ask_restore(self, data):
            recovery.restore_into(self.doc, data)
            self._update_title()
            self.statusBar().showMessage(tr("The unsaved trip was restored."), 8000)
            return True
        recovery.remove_recovery(self.autosaver.path)
        return False

    # -- menus --------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.fileMenu = mb.addMenu("")
        self.newAction = QAction(self, shortcut=QKeySequence.StandardKey.New, triggered=self.new_trip)
        self.openAction = QAction(self, shortcut=QKeySequence.StandardKey.Open, triggered=self.open_dialog)
        self.saveAction = QAction(self, shortcut=QKeySequence.StandardKey.Save, triggered=self.save)
        self.saveAsAction = QAction(self, shortcut=QKeySequence.StandardKey.SaveAs, triggered=self.save_as)
        self.recentMenu = self.fileMenu.addMenu("")
        self.presetMenu = self.fileMenu.addMenu("")
        self.presetMenu.aboutToShow.connect(self._fill_presets)
        for a in (self.newAction, self.openAction, self.saveAction, self.saveAsAction):
            self.fileMenu.addAction(a)
        self.fileMenu.insertMenu(self.openAction, self.presetMenu)
        self.fileMenu.insertMenu(self.saveAction, self.recentMenu)
        self.fileMenu.addSeparator()
        self.exporter = Exporter(self)
        self.exportMenu = self.fileMenu.addMenu("")
        self.exportActions = {}
        for fmt in ("pdf", "pdf-internal", "tour-order", "xlsx", "gpx", "kml", "geojson", "ics", "html"):
            a = QAction(self)
            a.triggered.connect(lambda _c=False, fmt=fmt: self.exporter.export(fmt))
            self.exportMenu.addAction(a)
            self.exportActions[fmt] = a
        self.exportActions["pdf"].setShortcut(QKeySequence("Ctrl+E"))
        self.printPreviewAction = QAction(self, shortcut=QKeySequence.StandardKey.Print, triggered=self._on_print_preview)
        self.fileMenu.addAction(self.printPreviewAction)
        self.fileMenu.addSeparator()
        self.recentMenu.aboutToShow.connect(self._fill_recent)

        self.editMenu = mb.addMenu("")
        self.undoAction = self.doc.undo_stack.createUndoAction(self)
        self.undoAction.setShortcut(QKeySequence.StandardKey.Undo)
        self.redoAction = self.doc.undo_stack.createRedoAction(self)
        self.redoAction.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
        self.editMenu.addAction(self.undoAction)
        self.editMenu.addAction(self.redoAction)
        self.editMenu.addSeparator()
        self.addStopAction = QAction(self, shortcut=QKeySequence("Ctrl+Return"), triggered=self._add_current_stop)
        self.removeStopAction = QAction(self, shortcut=QKeySequence.StandardKey.Delete,
                                        triggered=self.tripPanel._remove_selected)
        self.removeStopAction.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.tripPanel.stopsView.addAction(self.removeStopAction)
        self.moveUpAction = QAction(self, shortcut=QKeySequence("Ctrl+Up"), triggered=lambda: self.tripPanel._move_selected(-1))
        self.moveDownAction = QAction(self, shortcut=QKeySequence("Ctrl+Down"), triggered=lambda: self.tripPanel._move_selected(1))
        # Pin the selected stops to day 1..9 (Alt+digit), Alt+0 unpins; also in the list's context menu.
        self.pinActions = []
        for d in range(0, 10):
            a = QAction(self, shortcut=QKeySequence(f"Alt+{d}"))
            a.triggered.connect(lambda _c=False, d=d: self.tripPanel.pin_selected(d or None))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.tripPanel.stopsView.addAction(a)
            self.pinActions.append(a)
        self.optimizeAction = QAction(self, shortcut=QKeySequence("F5"), triggered=self.optimize)
        self.reportAction = QAction(self, shortcut=QKeySequence("Ctrl+R"), triggered=self.open_report)
        for a in (self.addStopAction, self.removeStopAction, self.moveUpAction, self.moveDownAction, self.optimizeAction):
            self.editMenu.addAction(a)
        self.editMenu.addSeparator()
        self.editMenu.addAction(self.reportAction)

        self.quitAction = QAction(self)
        self.quitAction.setShortcut(QKeySequence.StandardKey.Quit)
        self.quitAction.triggered.connect(self.close)
        self.fileMenu.addAction(self.quitAction)

        self.viewMenu = mb.addMenu("")
        self.languageMenu = self.viewMenu.addMenu("")
        self.languageGroup = QActionGroup(self)
        self.languageActions = {}
        for code, text in (("zh", "中文"), ("en", "English")):
            a = QAction(text, self, checkable=True)
            a.setData(code)
            a.setChecked(code == self.lang)
            self.languageGroup.addAction(a)
            self.languageMenu.addAction(a)
            self.languageActions[code] = a
        self.languageGroup.triggered.connect(lambda a: self.set_language(a.data()))
        self.tilesMenu = self.viewMenu.addMenu("")
        self.tilesGroup = QActionGroup(self)
        self.tilesActions = {}
        for code in TILE_LABELS:
            a = QAction(self, checkable=True)
            a.setData(code)
            a.setChecked(code == self.tiles)
            self.tilesGroup.addAction(a)
            self.tilesMenu.addAction(a)
            self.tilesActions[code] = a
        self.tilesGroup.triggered.connect(lambda a: self.set_tiles(a.data()))
        self.viewMenu.addSeparator()
        self.showPlanAction = QAction(self, checkable=True, shortcut=QKeySequence("Ctrl+M"))
        self.showPlanAction.toggled.connect(self._on_show_plan_toggled)
        self.viewMenu.addAction(self.showPlanAction)
        self.viewMenu.addSeparator()
        for dock in (self.catalogDock, self.timelineDock, self.tripDock, self.itineraryDock, self.detailsDock,
                     self.costsDock, self.tourDock):
            self.viewMenu.addAction(dock.toggleViewAction())

        self.helpMenu = mb.addMenu("")
        self.aboutAction = QAction(self)
        self.aboutAction.triggered.connect(self._on_about)
        self.helpMenu.addAction(self.aboutAction)

    def _retranslate(self) -> None:
        en = self.lang == "en"
        self._update_title()
        self.fileMenu.setTitle(tr("&File"))
        self.newAction.setText(tr("&New"))
        self.openAction.setText(tr("&Open…"))
        self.recentMenu.setTitle(tr("Open &Recent"))
        self.saveAction.setText(tr("&Save"))
        self.saveAsAction.setText(tr("Save &As…"))
        self.exportMenu.setTitle(tr("&Export"))
        for fmt, a in self.exportActions.items():
            a.setText(format_label(fmt) + "…")
        self.printPreviewAction.setText(tr("Print Pre&view…"))
        self.editMenu.setTitle(tr("&Edit"))
        self.undoAction.setText(tr("&Undo"))
        self.redoAction.setText(tr("&Redo"))
        self.addStopAction.setText(tr("Add selected place to trip"))
        self.removeStopAction.setText(tr("Remove stop"))
        self.moveUpAction.setText(tr("Move stop up"))
        self.moveDownAction.setText(tr("Move stop down"))
        for d, a in enumerate(self.pinActions):
            a.setText(tr("Pin to day {0}").format(d) if d else tr("Unpin"))
        self.optimizeAction.setText(tr("&Optimize"))
        self.showPlanAction.setText(tr("Show the &plan on the map"))
        self.tripDock.setWindowTitle(tr("Trip"))
        self.itineraryDock.setWindowTitle(tr("Itinerary"))
        self.costsDock.setWindowTitle(tr("Costs"))
        self.tourDock.setWindowTitle(tr("Tour details"))
        self.timelineDock.setWindowTitle(tr("Long March timeline"))
        self.reportAction.setText(tr("Red-route &report…"))
        self.presetMenu.setTitle(tr("New from &preset"))
        self.quitAction.setText(tr("&Quit"))
        self.viewMenu.setTitle(tr("&View"))
        self.languageMenu.setTitle(tr("&Language"))
        self.tilesMenu.setTitle(tr("Map &tiles"))
        for code, a in self.tilesActions.items():
            a.setText(TILE_LABELS[code][1 if en else 0])
        self.helpMenu.setTitle(tr("&Help"))
        self.aboutAction.setText(tr("&About QianTu"))
        self.catalogDock.setWindowTitle(tr("Places"))
        self.detailsDock.setWindowTitle(tr("Place details"))
        self.tilesLabel.setText((tr("Map: ")) + TILE_LABELS[self.tiles][1 if en else 0])

    # -- map ----------------------------------------------------------------------------------
    def reload_map(self) -> None:
        """Rebuild the map page (plan or catalog, language, tiles) in a worker thread and load it.

        Building the folium page is pure Python (tens to hundreds of ms for a plan), so it runs
        off the UI thread; a request made while one is being built is remembered and built next.
        """
        self.mapView.ready = False  # JS calls wait for the new page; tests wait for ``ready``
        if self._map_worker is not None and self._map_worker.running:
            self._map_again = True
            return
        self._map_again = False
        if self.showing_plan and self.doc.plan:
            plan = dict(self.doc.plan)
            plan.setdefault("title", self.doc.request.get("title") or "")
        else:
            plan = None
        catalog, lang, tiles = self.catalog, self.lang, self.tiles
        script = self.mapView.webchannel_script()

        def build(progress, cancelled):
            if plan is not None:
                m = plan_map(plan, catalog, lang=lang, tiles=tiles, for_app=True)
            else:
                m = catalog_map(catalog, lang=lang, tiles=tiles, for_app=True)
            return page_parts(m, script)

        if self._map_worker is not None:
            self._map_worker.deleteLater()
        self._map_worker = Worker(build, self)
        self._map_worker.succeeded.connect(self._on_map_built)
        self._map_worker.failed.connect(lambda msg: msg and self.statusBar().showMessage(msg, 8000))
        self._map_worker.finished.connect(self._on_map_worker_finished)
        self._map_worker.start()

    def _on_map_built(self, parts) -> None:
        if not self._map_again:
            self.mapView.show_page(parts)

    def _on_map_worker_finished(self) -> None:
        if self._map_again:
            self.reload_map()

    def map_busy(self) -> bool:
        """True while a map page is being built (the page on screen is about to change)."""
        return self._map_worker is not None and self._map_worker.running

    def _on_map_ready(self) -> None:
        if self.showing_plan and self.doc.plan:
            return
        self.mapView.set_visible_ids(self.catalogPanel.visible_ids())
        current = self.catalogPanel.current_id()
        if current:
            self.mapView.select_spot(current)

    def _on_filter_changed(self, ids: list[str]) -> None:
        self.mapView.set_visible_ids(ids)

    def _on_list_selected(self, spot_id: str) -> None:
        self.detailsPane.show_spot(self.catalog.spots.get(spot_id), self.lang)
        if self.doc.plan is None:
            self.detailsDock.raise_()
        self.mapView.select_spot(spot_id)

    def _on_show_plan_toggled(self, on: bool) -> None:
        if on == self.showing_plan:
            return
        self.showing_plan = on and self.doc.plan is not None
        self.showPlanAction.setChecked(self.showing_plan)
        self.reload_map()

    def _on_day_activated(self, day: int) -> None:
        if self.showing_plan:
            self.mapView.highlight_day(day)

    def _on_item_activated(self, key: str) -> None:
        if self.showing_plan:
            self.mapView.highlight_item(key)

    def start_picking(self, which: str) -> None:
        """The next click on the map places the trip's start or end (a custom place)."""
        self.picking = which
        self.statusBar().showMessage(tr("Click the map where the trip starts.") if which == "start"
                                     else tr("Click the map where the trip ends."))

    def _on_map_clicked(self, lat: float, lon: float) -> None:
        if not self.picking:
            return
        which, self.picking = self.picking, None
        if self.tiles == "gaode":  # the page is in GCJ-02; the data is WGS-84
            from planner.geo import gcj02_to_wgs84

            lat, lon = gcj02_to_wgs84(lat, lon)
        from ui.trip_panel import CustomPlaceDialog

        dlg = CustomPlaceDialog(self.lang, self, lat=round(lat, 5), lon=round(lon, 5), which=which)
        if dlg.exec() == CustomPlaceDialog.DialogCode.Accepted:
            self.tripPanel._set(which, dlg.place())
        self.statusBar().clearMessage()

    def _on_map_item_clicked(self, key: str) -> None:
        self.itineraryDock.raise_()
        self.itineraryView.select_key(key)

    def _on_marker_clicked(self, spot_id: str) -> None:
        if spot_id in self.catalog:
            self.catalogPanel.select(spot_id)
            self.detailsPane.show_spot(self.catalog.spots[spot_id], self.lang)

    # -- settings -----------------------------------------------------------------------------
    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        self.settings.language = lang
        install_language(lang)
        self.languageActions[lang].setChecked(True)
        self.catalogPanel.set_language(lang)
        self.tripPanel.set_language(lang)
        self.itineraryView.set_language(lang)
        self.costsPanel.set_language(lang)
        self.tourPanel.set_language(lang)
        self.timelinePanel.set_language(lang)
        self._update_totals()
        self.detailsPane.show_spot(self.detailsPane.spot, lang)
        self._retranslate()
        self.reload_map()
        self.languageChanged.emit(lang)

    def set_tiles(self, tiles: str) -> None:
        if tiles == self.tiles:
            return
        self.tiles = tiles
        self.settings.tiles = tiles
        self.tilesActions[tiles].setChecked(True)
        self._retranslate()
        self.reload_map()

    # -- trip editing -------------------------------------------------------------------------
    def add_stops_from_ids(self, ids) -> None:
        if isinstance(ids, str):
            ids = [ids]
        stops = [i for i in ids if i in self.catalog and self.catalog.spots[i].kind == "attraction"]
        if not stops:
            self.statusBar().showMessage(tr("Only attractions can be stops."), 4000)
            return
        added = self.doc.add_stops(stops)
        if added:
            names = ", ".join(self.catalog.spots[i].name(self.lang) for i in added)
            self.statusBar().showMessage((tr("Added: ")) + names, 4000)

    def _add_current_stop(self) -> None:
        current = self.catalogPanel.current_id()
        if current:
            self.add_stops_from_ids([current])

    def _on_reorder_requested(self, order: list[str]) -> None:
        """A new stop order (buttons or drag): one undoable step. With "keep my order" the plan is
        then re-timed in the worker (no optimizing)."""
        self.doc.reorder_stops(order)
        if self.doc.request.get("keep_order") and self.doc.plan is not None:
            self._start_planning(copy.deepcopy(self.doc.request), tr("Re-time in the new order"))

    def network(self):
        """The travel network, loaded once (from the worker thread: it takes a few hundred ms)."""
        with self._network_lock:
            if self._network is None:
                from planner.network import load_network

                self._network = load_network(self.catalog)
            return self._network

    def _run_planner(self, request: dict, progress=None, cancelled=None) -> dict:
        from planner.optimize.trip import plan_trip
        from planner.plan import plan_to_dict
        from planner.request import request_from_dict
        from planner.stay import enrich_plan

        req = request_from_dict(clean_request(request), file=self.doc.path, catalog=self.catalog)
        plan = plan_trip(req, self.catalog, self.network(), progress=progress, cancelled=cancelled, lang=self.lang)
        # hotels (of the class the Costs panel prices), lunch and dinner places, the show, notes:
        # the same as `qiantu plan`, so the app's documents name them too
        hotel_class = dict(self.doc.costing or {}).get("hotel_class")
        enrich_plan(plan, req, self.catalog, hotel_class=hotel_class)
        return plan_to_dict(plan)

    def optimize(self) -> None:
        """Run the optimizer in a worker thread; a second press while it runs does nothing."""
        if self.worker is not None and self.worker.running:
            return
        if not self.doc.request.get("stops"):
            QMessageBox.information(self, "QianTu", tr("Add at least one stop first."))
            return
        self._start_planning(copy.deepcopy(self.doc.request), tr("Optimize"))

    def _start_planning(self, request: dict, text: str) -> None:
        """Check the request, load the network and plan, all in the worker thread: the window
        never waits. A bad request comes back as a message; the request on screen is unchanged."""
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.worker.wait(10000)
        if self.worker is not None:
            self.worker.deleteLater()
        self.worker = Worker(lambda progress, cancelled: self._run_planner(request, progress, cancelled), self)
        self.worker.progressed.connect(self.tripPanel.show_progress)
        self.worker.succeeded.connect(lambda plan: self._on_optimized(plan, request, text))
        self.worker.failed.connect(self._on_optimize_failed)
        self.worker.finished.connect(lambda: self.tripPanel.set_running(False))
        self.tripPanel.set_running(True)
        self.statusBar().showMessage(tr("Optimizing…"))
        self.worker.start()

    def cancel_optimize(self) -> None:
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.statusBar().showMessage(tr("Cancelling…"))

    def _on_optimized(self, plan: dict, request: dict, text: str = "") -> None:
        # The plan is for ``request``; edits made while it ran stay (the plan then shows as stale).
        self.doc.apply(text or tr("Optimize"), plan=plan, plan_request=request)
        status = {"optimal": tr("optimal"), "feasible": tr("feasible"), "infeasible": tr("infeasible"),
                   "incomplete": tr("no complete plan found in the time")}
        self.statusBar().showMessage(tr("Plan ready: ") + status.get(plan.get("status", ""), plan.get("status", "")), 5000)

    def _on_optimize_failed(self, message: str) -> None:
        if not message:
            self.statusBar().showMessage(tr("Optimization cancelled."), 5000)
        else:
            QMessageBox.warning(self, "QianTu", message)

    def _on_doc_changed(self) -> None:
        self._update_totals()
        self._update_title()
        stale = self.doc.plan_is_stale
        self.itineraryView.locked_days = set(self.doc.locked_days())
        self.itineraryView.show_plan(self.doc.plan, stale=stale)

    def _on_plan_changed(self) -> None:
        # The tree was redrawn by _on_doc_changed (``changed`` always comes first).
        if self.doc.plan is not None:
            self.itineraryDock.raise_()
        want = self.doc.plan is not None
        self.showing_plan = want
        self.showPlanAction.blockSignals(True)
        self.showPlanAction.setChecked(want)
        self.showPlanAction.blockSignals(False)
        self.reload_map()

    def _update_totals(self) -> None:
        req, plan = self.doc.request, self.doc.plan
        n_req = len(req.get("stops") or [])
        if not plan:
            self.totalsLabel.setText(tr("{0} · {1} requested · not optimized yet").format(
                count_text(int(req.get("days") or 0), tr("{0} day"), tr("{0} days")), count_text(n_req, tr("{0} stop"), tr("{0} stops"))))
            return
        days = plan.get("days") or []
        sums = [day_summary(d) for d in days]
        drive = sum(s["drive_minutes"] for s in sums) / 60
        rail = sum(s["rail_minutes"] for s in sums) / 60
        visit = sum(s["visit_minutes"] for s in sums) / 60
        km = sum(s["km"] for s in sums)
        stops = sum(s["stops"] for s in sums)
        status = plan.get("status", "")
        status_text = {"optimal": tr("optimal"), "feasible": tr("feasible"), "infeasible": tr("infeasible"),
                   "incomplete": tr("no complete plan found in the time")}.get(status, status)
        stale = tr(" · edited since") if self.doc.plan_is_stale else ""
        text = tr("{0} · {1} · drive {2:.1f} h, {3:.0f} km · rail {4:.1f} h · visits {5:.1f} h · {6}").format(
            count_text(len(days), tr("{0} day"), tr("{0} days")), count_text(stops, tr("{0} stop"), tr("{0} stops")),
            drive, km, rail, visit, status_text) + stale
        # The package's price (its costing), the same as the Costs panel and every document.
        quote = getattr(self, "costsPanel", None) and self.costsPanel.quote
        cost = quote.price_per_person_cny if quote else (plan.get("totals") or {}).get("cost_per_person_cny")
        if cost:
            text += tr(" · ¥{0:,.0f} per person").format(cost)
        self.totalsLabel.setText(text)

    def _update_title(self, *_args) -> None:
        name = Path(self.doc.path).name if self.doc.path else (tr("Untitled"))
        app = tr("QianTu")
        self.setWindowTitle(f"{name}[*] — {app}")
        self.setWindowModified(not self.doc.undo_stack.isClean())

    # -- files --------------------------------------------------------------------------------
    def _maybe_save(self) -> bool:
        """Ask before losing unsaved changes; True when it is fine to go on."""
        if self.doc.undo_stack.isClean():
            return True
        box = QMessageBox.question(
            self, "QianTu",
            tr("The trip has unsaved changes. Save them?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        )
        if box == QMessageBox.StandardButton.Save:
            return self.save()
        return box == QMessageBox.StandardButton.Discard

    def new_trip(self) -> None:
        if not self._maybe_save():
            return
        from ui.document import DEFAULT_REQUEST

        self.doc.load(copy.deepcopy(DEFAULT_REQUEST), None, "", None)

    def open_dialog(self) -> None:
        if not self._maybe_save():
            return
        path, _ = QFileDialog.getOpenFileName(self, tr("Open trip"), self.settings.last_folder,
                                              tr(FILE_FILTER))
        if path:
            self.open_path(path)

    def open_path(self, path: str, show_errors: bool = True) -> bool:
        """Open a package (``*.qiantu.json``) or a bare trip request file.

        A file that cannot be opened is a message box, or with ``show_errors=False`` a raised
        ``PlannerError``."""
        from planner.package import load_package
        from planner.plan import plan_to_dict
        from planner.request import request_to_dict

        try:
            pkg = load_package(path, self.catalog)
        except PlannerError as exc:
            if not show_errors:
                raise
            QMessageBox.warning(self, "QianTu", exc.one_line())
            return False
        request = request_to_dict(pkg.request)
        if pkg.title and not request.get("title"):
            request["title"] = pkg.title
        plan = plan_to_dict(pkg.plan) if pkg.plan is not None else None
        is_package = str(path).endswith(".qiantu.json")
        self.doc.load(request, plan, pkg.notes, str(path) if is_package else None, costing=pkg.costing,
                      tour=pkg.tour)
        self.settings.last_folder = str(Path(path).parent)
        self.settings.add_recent(str(Path(path).resolve()))
        return True

    def save(self) -> bool:
        if not self.doc.path:
            return self.save_as()
        return self.save_to(self.doc.path)

    def save_as(self) -> bool:
        start = self.doc.path or os.path.join(self.settings.last_folder, (self.doc.request.get("title") or "trip") + ".qiantu.json")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save trip"), start,
                                              tr(FILE_FILTER))
        if not path:
            return False
        if not path.endswith(".json"):
            path += ".qiantu.json"
        return self.save_to(path)

    def save_to(self, path: str) -> bool:
        """Write the package atomically; on failure the old file stays as it was."""
        from planner.package import Package, save_package
        from planner.plan import plan_from_dict
        from planner.request import request_from_dict

        try:
            req = request_from_dict(clean_request(self.doc.request), file=path, catalog=self.catalog)
            plan = plan_from_dict(self.doc.plan, file=path) if self.doc.plan else None
            save_package(Package(request=req, plan=plan, title=req.title, notes=self.doc.notes,
                                 costing=self.doc.costing, tour=self.doc.tour), path)
        except (PlannerError, OSError) as exc:
            msg = exc.one_line() if isinstance(exc, PlannerError) else f"{path}: {exc.strerror or exc}"
            QMessageBox.warning(self, "QianTu", msg)
            return False
        self.doc.mark_saved(path)
        self.settings.last_folder = str(Path(path).parent)
        self.settings.add_recent(str(Path(path).resolve()))
        self._update_title()
        self.statusBar().showMessage((tr("Saved ")) + path, 4000)
        return True

    def _fill_presets(self) -> None:
        from planner.routes import list_routes

        self.presetMenu.clear()
        try:
            routes = list_routes()
        except PlannerError as exc:
            a = self.presetMenu.addAction(exc.one_line())
            a.setEnabled(False)
            return
        for route in routes:
            # Preset titles are "中文 · English": the reader's half, and the notes only in English.
            zh, _sep, en = route.title.partition(" · ")
            title = (en or zh) if self.lang == "en" else zh
            a = self.presetMenu.addAction(title + "  " + count_text(route.days, tr("({0} day)"), tr("({0} days)")))
            if self.lang == "en":
                a.setToolTip(route.notes)
            a.triggered.connect(lambda _c=False, r=route: self.new_from_preset(r.id))

    def new_from_preset(self, route_id: str) -> bool:
        """Open a preset route as a new, unsaved trip."""
        from planner.routes import route_file

        if not self._maybe_save():
            return False
        return self.open_path(str(route_file(route_id)))

    def _on_event_site_selected(self, site_id: str) -> None:
        if self.showing_plan:
            self.showPlanAction.setChecked(False)
        self.catalogPanel.select(site_id)
        self._on_list_selected(site_id)

    def _fill_recent(self) -> None:
        self.recentMenu.clear()
        for p in self.settings.recent_files:
            a = self.recentMenu.addAction(p)
            a.triggered.connect(lambda _c=False, p=p: self._maybe_save() and self.open_path(p))
        if not self.settings.recent_files:
            a = self.recentMenu.addAction(tr("(none)"))
            a.setEnabled(False)

    def open_report(self) -> None:
        from ui.report_dialog import compute_report

        self._report_worker = compute_report(self)

    def show_report(self, report: dict, plan) -> None:
        from ui.report_dialog import ReportDialog

        self.statusBar().clearMessage()
        self.reportDialog = ReportDialog(report, plan, self.catalog, self.lang, self.settings.last_folder, self)
        self.reportDialog.show()

    def _on_print_preview(self) -> None:
        """Export the PDF in a worker thread (seconds, with the map pictures), then preview it."""
        if not self.doc.plan:
            QMessageBox.information(self, "QianTu", tr("Optimize the trip first: there is no plan to export."))
            return
        if self._print_worker is not None and self._print_worker.running:
            return
        import tempfile

        from ui.exporting import run_export

        quote = self.costsPanel.quote.to_dict() if self.costsPanel.quote else None
        plan, lang, catalog, notes = copy.deepcopy(self.doc.plan), self.lang, self.catalog, self.doc.notes
        tour, title = copy.deepcopy(self.doc.tour), self.doc.request.get("title") or None
        folder = tempfile.TemporaryDirectory(prefix="qiantu-preview-")
        pdf = os.path.join(folder.name, "itinerary.pdf")
        self._print_worker = Worker(lambda progress, cancelled: run_export(
            "pdf", plan, pdf, lang=lang, catalog=catalog, notes=notes, quote=quote, tour=tour, title=title,
            progress=progress), self)

        def show(_warnings) -> None:
            print_preview(self, plan, lang=lang, catalog=catalog, notes=notes, quote=quote, tour=tour, title=title,
                          pdf_path=pdf)
            folder.cleanup()

        self._print_worker.succeeded.connect(show)
        self._print_worker.failed.connect(lambda msg: (folder.cleanup(), msg and QMessageBox.warning(self, "QianTu", msg)))
        self.statusBar().showMessage(tr("Exporting {0}…").format(format_label("pdf")))
        self._print_worker.start()

    def _on_about(self) -> None:
        QMessageBox.about(
            self,
            tr("QianTu"),
            tr("QianTu plans Guizhou tour packages and red-tourism routes.\nData: see the Details pane for each "
               "place's sources."),
        )

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.worker is not None and self.worker.running:
            self.worker.cancel()
            self.worker.wait(10000)
        if not self._maybe_save():
            event.ignore()
            return
        self.autosaver.discard()
        if self._map_worker is not None and self._map_worker.running:
            self._map_again = False
            self._map_worker.wait(30000)
        if self._print_worker is not None and self._print_worker.running:
            self._print_worker.wait(60000)
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        super().closeEvent(event)

