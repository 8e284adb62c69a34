"""The map: a QWebEngineView showing a page that planner.mapping built, and its WebChannel bridge."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView

from planner.mapping import write_text_atomic


class _Bridge(QObject):
    """Slots callable from JavaScript; they re-emit as the view's signals."""

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._view = view

    @Slot(str)
    def spotClicked(self, spot_id: str) -> None:
        self._view.spotClicked.emit(spot_id)

    @Slot(str)
    def addToTrip(self, spot_id: str) -> None:
        self._view.addToTripRequested.emit(spot_id)

    @Slot(str)
    def itemClicked(self, key: str) -> None:
        self._view.itemClicked.emit(key)

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:
        self._view.mapClicked.emit(lat, lon)


class _Page(QWebEnginePage):
    """Keeps the page's console messages out of the terminal unless they are errors."""

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            print(f"map page: {message} ({Path(source).name}:{line})")


class MapView(QWebEngineView):
    """Loads map pages from files (Qt's setHtml has a 2 MB limit) and runs the page's JS API."""

    spotClicked = Signal(str)
    addToTripRequested = Signal(str)
    itemClicked = Signal(str)
    mapClicked = Signal(float, float)  # in the page's coordinates (GCJ-02 with the Chinese tiles)
    mapReady = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.setPage(_Page(self))
        s = self.settings()
        # Online tiles in a file:// page need remote access; in Qt 6.12 turning that on silently
        # turns file access off, so file access is set back after it.
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, True)
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
        self._channel = QWebChannel(self.page())
        self._bridge = _Bridge(self)
        self._channel.registerObject("bridge", self._bridge)
        self.page().setWebChannel(self._channel)
        self._dir = tempfile.TemporaryDirectory(prefix="qiantu-map-")
        self._counter = 0
        self.ready = False
        self._pending: list[str] = []
        self.loadFinished.connect(self._on_load_finished)

    def show_html(self, html: str) -> Path:
        """Write ``html`` to a fresh file and load it; returns the file."""
        self._counter += 1
        path = Path(self._dir.name) / f"map-{self._counter}.html"
        write_text_atomic(path, html)
        old = Path(self._dir.name) / f"map-{self._counter - 2}.html"
        if old.exists():
            old.unlink()
        self.ready = False
        self.setUrl(QUrl.fromLocalFile(str(path)))
        return path

    def _on_load_finished(self, ok: bool) -> None:
        self.ready = bool(ok)
        if ok:
            pending, self._pending = self._pending, []
            for code in pending:
                self.page().runJavaScript(code)
            self.mapReady.emit()

    def run_js(self, code: str, callback: Callable[[Any], None] | None = None) -> None:
        """Run ``code`` in the page now, or as soon as it has loaded (without a callback)."""
        if not self.ready and callback is None:
            self._pending.append(code)
            return
        if callback is None:
            self.page().runJavaScript(code)
        else:
            self.page().runJavaScript(code, 0, callback)

    def call_json(self, expression: str, callback: Callable[[Any], None]) -> None:
        """Evaluate ``expression`` and hand ``callback`` its value (JSON round trip; Qt returns '' for
        arrays and objects otherwise)."""

        def done(value):
            try:
                callback(json.loads(value) if isinstance(value, str) and value else None)
            except ValueError:
                callback(None)

        self.page().runJavaScript(f"JSON.stringify({expression})", 0, done)

    def set_visible_ids(self, ids: list[str]) -> None:
        self.run_js(f"window.qiantu && qiantu.setVisible({json.dumps(ids)});")

    def select_spot(self, spot_id: str) -> None:
        self.run_js(f"window.qiantu && qiantu.select({json.dumps(spot_id)}, true);")

    def closeEvent(self, event) -> None:  # noqa: N802
        self._dir.cleanup()
        super().closeEvent(event)
