"""The map: a QWebEngineView showing a page that planner.mapping built, and its WebChannel bridge.

What the page may do is kept to what a map needs:

* every page is self-contained (Leaflet, styles, data and ``qwebchannel.js`` inline, with a
  Content-Security-Policy) and is written alone into a private per-session folder, so the view
  denies the page any ``file://`` access;
* remote URLs are allowed only while the user has chosen online tiles;
* the WebChannel object ``bridge`` has four slots; each checks its arguments (a spot id or plan item
  key the current page really shows; a finite latitude/longitude inside the region QianTu plans in)
  and ignores anything else.
"""

from __future__ import annotations

import json
import math
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QFile, QIODevice, QObject, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings
from PySide6.QtWebEngineWidgets import QWebEngineView

from planner import io as _io
from planner.catalog import REGION_LAT, REGION_LON
from planner.mapping import known_ids, map_data, render_html

_ID_MAX = 200


def webchannel_js() -> str:
    """Qt's ``qwebchannel.js`` (from the QtWebChannel resources), to inline into map pages."""
    f = QFile(":/qtwebchannel/qwebchannel.js")
    if not f.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing")
    try:
        return bytes(f.readAll().data()).decode("utf-8")
    finally:
        f.close()


class _Bridge(QObject):
    """Slots callable from JavaScript; valid calls re-emit as the view's signals, others are ignored."""

    def __init__(self, view: MapView) -> None:
        super().__init__(view)
        self._view = view
        self.spot_ids: frozenset[str] = frozenset()
        self.item_keys: frozenset[str] = frozenset()
        self.ignored = 0  # calls refused (for tests and debugging)

    def event(self, e: QEvent) -> bool:
        # QWebChannel publishes QObject's public slots too; a page calling bridge.deleteLater()
        # would delete the bridge. It lives exactly as long as its view (deleted with it as a child,
        # not through a deferred delete), so deferred deletes are refused.
        if e.type() == QEvent.Type.DeferredDelete:
            self.ignored += 1
            return True
        return super().event(e)

    def _known(self, value: object, allowed: frozenset[str]) -> bool:
        ok = isinstance(value, str) and 0 < len(value) <= _ID_MAX and value in allowed
        if not ok:
            self.ignored += 1
        return ok

    @Slot(str)
    def spotClicked(self, spot_id: str) -> None:  # noqa: N802 - called from JavaScript
        if self._known(spot_id, self.spot_ids):
            self._view.spotClicked.emit(spot_id)

    @Slot(str)
    def addToTrip(self, spot_id: str) -> None:  # noqa: N802
        if self._known(spot_id, self.spot_ids):
            self._view.addToTripRequested.emit(spot_id)

    @Slot(str)
    def itemClicked(self, key: str) -> None:  # noqa: N802
        if self._known(key, self.item_keys):
            self._view.itemClicked.emit(key)

    @Slot(float, float)
    def mapClicked(self, lat: float, lon: float) -> None:  # noqa: N802
        # Only a point QianTu can plan at: the region box (a little wider for GCJ-02 pages). The
        # channel turns NaN, Infinity and non-numbers into null and then 0.0, which is outside it.
        if (
            isinstance(lat, float) and isinstance(lon, float)
            and math.isfinite(lat) and math.isfinite(lon)
            and REGION_LAT[0] - 0.1 <= lat <= REGION_LAT[1] + 0.1
            and REGION_LON[0] - 0.1 <= lon <= REGION_LON[1] + 0.1
        ):
            self._view.mapClicked.emit(lat, lon)
        else:
            self.ignored += 1


class _Page(QWebEnginePage):
    """Keeps the page's console messages out of the terminal unless they are errors."""

    def javaScriptConsoleMessage(self, level, message, line, source):  # noqa: N802
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            print(f"map page: {message} ({Path(source).name}:{line})")


def page_parts(m, webchannel_script: str) -> tuple[str, set, set, bool]:
    """(self-contained page, spot ids, item keys, needs remote access) of folium map ``m``: the
    bridge then accepts exactly these ids. Pure Python, so it can run in a worker thread."""
    data = map_data(m)
    spots, items = known_ids(m)
    page = render_html(m, inline=True, scripts=[webchannel_script])
    return page, set(spots), set(items), data.get("tiles", "none") != "none"


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
        self._allow_remote(False)
        self._channel = QWebChannel(self.page())
        self._bridge = _Bridge(self)
        self._channel.registerObject("bridge", self._bridge)
        self.page().setWebChannel(self._channel)
        self._dir = tempfile.TemporaryDirectory(prefix="qiantu-map-")
        self._counter = 0
        self._webchannel_js: str | None = None
        self.ready = False
        self._pending: list[str] = []
        self.loadFinished.connect(self._on_load_finished)

    @property
    def bridge(self) -> _Bridge:
        """The object the page calls through the WebChannel."""
        return self._bridge

    def _allow_remote(self, remote: bool) -> None:
        s = self.settings()
        # In Qt 6.12 switching remote access on silently switches file access off; set file access
        # last, and always off: the pages are self-contained.
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, bool(remote))
        s.setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)

    def show_map(self, m) -> Path:
        """Render folium map ``m`` (from planner.mapping) as a self-contained page and load it.

        The bridge then accepts exactly the spot ids and item keys this map shows; remote access
        is on only when the map uses online tiles.
        """
        return self.show_page(page_parts(m, self.webchannel_script()))

    def webchannel_script(self) -> str:
        """The QWebChannel client script the pages inline (read once, on the UI thread)."""
        if self._webchannel_js is None:
            self._webchannel_js = webchannel_js()
        return self._webchannel_js

    def show_page(self, parts: tuple[str, set, set, bool]) -> Path:
        """Load a page made by :func:`page_parts` (e.g. in a worker thread)."""
        page, spots, items, remote = parts
        return self.show_html(page, spot_ids=spots, item_keys=items, remote=remote)

    def show_html(
        self,
        html: str,
        *,
        spot_ids: Iterable[str] = (),
        item_keys: Iterable[str] = (),
        remote: bool = False,
    ) -> Path:
        """Write ``html`` (a self-contained page) to a fresh file and load it; returns the file."""
        self._counter += 1
        path = Path(self._dir.name) / f"map-{self._counter}.html"
        _io.write_text(path, html, what="map page")
        old = Path(self._dir.name) / f"map-{self._counter - 2}.html"
        if old.exists():
            old.unlink()
        self._bridge.spot_ids = frozenset(spot_ids)
        self._bridge.item_keys = frozenset(item_keys)
        self._allow_remote(remote)
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
        self.run_js(f"window.qiantu && qiantu.setVisible({_js_value(list(ids))});")

    def select_spot(self, spot_id: str) -> None:
        self.run_js(f"window.qiantu && qiantu.select({_js_value(spot_id)}, true);")

    def highlight_day(self, day: int) -> None:
        self.run_js(f"window.qiantu && qiantu.highlightDay && qiantu.highlightDay({int(day)});")

    def highlight_item(self, key: str) -> None:
        self.run_js(f"window.qiantu && qiantu.highlightItem && qiantu.highlightItem({_js_value(key)});")

    def closeEvent(self, event) -> None:  # noqa: N802
        self._dir.cleanup()
        super().closeEvent(event)


def _js_value(value: Any) -> str:
    """A JavaScript literal for ``value`` (JSON with <, >, &, U+2028/2029 escaped)."""
    from planner.mapping import json_for_html

    return json_for_html(value)
