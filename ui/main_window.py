"""The main window: catalog on the left, the map in the centre, details and the trip on the right."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
)

from planner.catalog import Catalog, load_catalog
from planner.errors import PlannerError
from planner.mapping import TILE_LABELS, catalog_map, render_html
from ui.catalog_panel import CatalogPanel
from ui.details import DetailsPane
from ui.map_view import MapView
from ui.settings import Settings


class MainWindow(QMainWindow):
    """QianTu's window. Views take the catalog and talk through signals; no logic lives in widgets."""

    languageChanged = Signal(str)

    def __init__(self, catalog: Catalog | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.lang = self.settings.language
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

        self.detailsPane = DetailsPane(self)
        self.detailsDock = QDockWidget(self)
        self.detailsDock.setObjectName("detailsDock")
        self.detailsDock.setWidget(self.detailsPane)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.detailsDock)

        self.tilesLabel = QLabel(self)
        self.tilesLabel.setObjectName("tilesLabel")
        self.statusBar().addPermanentWidget(self.tilesLabel)

        self._build_menus()
        self.catalogPanel.spotSelected.connect(self._on_list_selected)
        self.catalogPanel.filterChanged.connect(self._on_filter_changed)
        self.mapView.spotClicked.connect(self._on_marker_clicked)
        self.mapView.mapReady.connect(self._on_map_ready)

        geometry, state = self.settings.window_state()
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self._retranslate()
        self.reload_map()

    # -- menus --------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        mb = self.menuBar()
        self.fileMenu = mb.addMenu("")
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
        self.viewMenu.addAction(self.catalogDock.toggleViewAction())
        self.viewMenu.addAction(self.detailsDock.toggleViewAction())

        self.helpMenu = mb.addMenu("")
        self.aboutAction = QAction(self)
        self.aboutAction.triggered.connect(self._on_about)
        self.helpMenu.addAction(self.aboutAction)

    def _retranslate(self) -> None:
        en = self.lang == "en"
        self.setWindowTitle("QianTu — Guizhou route planner" if en else "黔途 — 贵州旅游线路规划")
        self.fileMenu.setTitle("&File" if en else "文件(&F)")
        self.quitAction.setText("&Quit" if en else "退出(&Q)")
        self.viewMenu.setTitle("&View" if en else "视图(&V)")
        self.languageMenu.setTitle("&Language" if en else "语言(&L)")
        self.tilesMenu.setTitle("Map &tiles" if en else "底图(&T)")
        for code, a in self.tilesActions.items():
            a.setText(TILE_LABELS[code][1 if en else 0])
        self.helpMenu.setTitle("&Help" if en else "帮助(&H)")
        self.aboutAction.setText("&About QianTu" if en else "关于黔途(&A)")
        self.catalogDock.setWindowTitle("Places" if en else "地点")
        self.detailsDock.setWindowTitle("Details" if en else "详情")
        self.tilesLabel.setText(("Map: " if en else "底图：") + TILE_LABELS[self.tiles][1 if en else 0])

    # -- map ----------------------------------------------------------------------------------
    def reload_map(self) -> None:
        """Rebuild the map page (language or tiles changed) and load it."""
        m = catalog_map(self.catalog, lang=self.lang, tiles=self.tiles, for_app=True)
        self.mapView.show_html(render_html(m))

    def _on_map_ready(self) -> None:
        self.mapView.set_visible_ids(self.catalogPanel.visible_ids())
        current = self.catalogPanel.current_id()
        if current:
            self.mapView.select_spot(current)

    def _on_filter_changed(self, ids: list[str]) -> None:
        self.mapView.set_visible_ids(ids)

    def _on_list_selected(self, spot_id: str) -> None:
        self.detailsPane.show_spot(self.catalog.spots.get(spot_id), self.lang)
        self.mapView.select_spot(spot_id)

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
        self.languageActions[lang].setChecked(True)
        self.catalogPanel.set_language(lang)
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

    # -- files --------------------------------------------------------------------------------
    def open_path(self, path: str) -> bool:
        """Open a package or request file (available once packages are supported)."""
        QMessageBox.warning(self, "QianTu", f"{path}: opening trip files is not supported in this version")
        return False

    def _on_about(self) -> None:
        en = self.lang == "en"
        QMessageBox.about(
            self,
            "QianTu" if en else "黔途",
            "QianTu plans Guizhou tour packages and red-tourism routes.\nData: see the Details pane for each "
            "place's sources." if en else "黔途：贵州旅游线路与红色旅游线路规划。\n数据来源见每个地点的详情。",
        )

    def closeEvent(self, event) -> None:  # noqa: N802
        self.settings.save_window_state(self.saveGeometry(), self.saveState())
        self.settings.sync()
        super().closeEvent(event)
