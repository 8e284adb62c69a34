"""Make a folium map work with no internet.

folium's :class:`folium.Map` loads Leaflet, jQuery, Bootstrap, Leaflet.awesome-markers, Font Awesome
and the Bootstrap 3 glyphicons from CDNs. Offline such a page is blank (and Qt's ``loadFinished``
still reports success). Of those, a map made of ``CircleMarker``, ``Popup``/``Tooltip``,
``PolyLine``, ``GeoJson`` (polygons and lines) and a branca ``MacroElement`` legend needs only:

* **Leaflet** (``leaflet.js`` + ``leaflet.css``) — everything on the map;
* **jQuery** — folium builds every ``Popup`` body with ``$(`<div ...>`)[0]``.

Bootstrap (JS + CSS), the glyphicons, Font Awesome and awesome-markers are only used by
``folium.Icon`` / ``folium.Marker(icon=folium.Icon(...))`` and by plugins; QianTu does not use them,
so :func:`make_offline` drops them. Dropping Bootstrap's CSS only changes the default page font.

QianTu's own pages (``planner.mapping``) draw with ``qiantu.js`` and need only Leaflet; they use
:func:`asset_url` and :func:`inline_stylesheet` from here. :func:`make_offline` and
:func:`inline_assets` serve any other folium map (popups included, hence jQuery).

Both functions here work on one map or one HTML string; folium's module-level ``default_js`` /
``default_css`` lists are never changed, so other maps in the process keep their defaults.

:func:`inline_assets` turns a page that points at the shipped files into one self-contained HTML
file (for the "export HTML" feature). Leaflet's marker icon PNGs are only needed by ``L.Marker``
with the default icon (``folium.Marker`` without an icon, or ``GeoJson`` *point* features without a
``marker=`` argument); QianTu draws places with ``CircleMarker`` (SVG), which needs no image. The
inlined page still carries them as small ``data:`` URIs (about 7 KB) so that a default marker or the
layer-control button does not show a broken image.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from typing import TYPE_CHECKING

from planner.paths import assets_dir

if TYPE_CHECKING:  # pragma: no cover - typing only
    import folium

#: Script files a map needs, as (folium name, path relative to the assets folder).
OFFLINE_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
)
#: Style sheets a map needs, as (folium name, path relative to the assets folder).
OFFLINE_CSS: tuple[tuple[str, str], ...] = (("leaflet_css", "leaflet/leaflet.css"),)

#: Names of folium's default CDN resources that a QianTu map does not need.
DROPPED_JS = ("bootstrap", "awesome_markers")
DROPPED_CSS = (
    "bootstrap_css",
    "glyphicons_css",
    "awesome_markers_font_css",
    "awesome_markers_css",
    "awesome_rotate_css",
)

_ICON_FILES = {
    "iconUrl": "marker-icon.png",
    "iconRetinaUrl": "marker-icon-2x.png",
    "shadowUrl": "marker-shadow.png",
}


def asset_url(relative: str, assets_url: str | None = None) -> str:
    """The URL of one shipped asset.

    Parameters
    ----------
    relative : str
        Path inside the assets folder, e.g. ``"leaflet/leaflet.js"``.
    assets_url : str, optional
        Base URL (or relative path such as ``"assets"``) the assets are served from. ``None`` gives
        an absolute ``file://`` URL to the folder inside the installed package.
    """
    if assets_url is None:
        return (assets_dir() / relative).resolve().as_uri()
    return assets_url.rstrip("/") + "/" + relative


def make_offline(m: folium.Map, assets_url: str | None = None) -> folium.Map:
    """Point one map at the shipped Leaflet and jQuery and drop the CDN resources it does not need.

    Only the given map instance is changed (instance attributes ``default_js`` / ``default_css``);
    folium's class-level lists stay as they are. Call it before rendering or saving the map.

    Parameters
    ----------
    m : folium.Map
        The map to change.
    assets_url : str, optional
        Where the page will find the assets: ``None`` (default) uses absolute ``file://`` URLs to
        this package's ``assets`` folder, which suits a page loaded from a local file in
        QWebEngineView; a string such as ``"assets"`` or ``"https://example.org/qiantu"`` is used
        as a prefix (the folder layout below it must be the one of ``planner/assets``).

    Returns
    -------
    folium.Map
        The same map, for chaining.
    """
    m.default_js = [(name, asset_url(rel, assets_url)) for name, rel in OFFLINE_JS]
    m.default_css = [(name, asset_url(rel, assets_url)) for name, rel in OFFLINE_CSS]
    # A map rendered before this call already put the CDN links into its figure's header.
    root = m.get_root()
    header = getattr(root, "header", None)
    if header is not None:
        for name in (*DROPPED_JS, *DROPPED_CSS, *(n for n, _ in OFFLINE_JS), *(n for n, _ in OFFLINE_CSS)):
            header._children.pop(name, None)
    return m


_TAG_RE = re.compile(
    r"<script\b[^>]*\bsrc=[\"'](?P<script_url>[^\"']+)[\"'][^>]*>\s*</script>"
    r"|<link\b[^>]*\bhref=[\"'](?P<link_url>[^\"']+)[\"'][^>]*/?>",
    re.IGNORECASE,
)
_CSS_URL_RE = re.compile(r"url\((['\"]?)(images/[^)'\"]+)\1\)")
_SOURCE_MAP_RE = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def _match_asset(url: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The relative asset path ``url`` points at, if it is one of ours."""
    path = url.split("?", 1)[0].split("#", 1)[0]
    for _name, rel in table:
        if path == rel or path.endswith("/" + rel):
            return rel
    return None


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _safe_script(text: str) -> str:
    """Script text that cannot close its ``<script>`` element early."""
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE)


def _inline_css(rel: str, base: Path) -> str:
    css = (base / rel).read_text(encoding="utf-8")
    folder = (base / rel).parent

    def repl(match: re.Match[str]) -> str:
        image = folder / match.group(2)
        if image.is_file():
            return f'url("{_data_uri(image)}")'
        return match.group(0)

    css = _CSS_URL_RE.sub(repl, css)
    return f"<style>\n{css}\n</style>"


def inline_stylesheet(rel: str) -> str:
    """A ``<style>`` element with the shipped style sheet ``rel`` (e.g. ``"leaflet/leaflet.css"``),
    its images as ``data:`` URIs."""
    return _inline_css(rel, assets_dir())


def _icon_script(base: Path) -> str:
    """Point Leaflet's default marker icon at data URIs (its CSS-based path detection cannot)."""
    images = base / "leaflet" / "images"
    options = ", ".join(f'{key}: "{_data_uri(images / name)}"' for key, name in _ICON_FILES.items())
    return (
        "<script>\n"
        "if (window.L && L.Icon && L.Icon.Default) {\n"
        '  L.Icon.Default.imagePath = "";\n'
        f"  L.Icon.Default.mergeOptions({{{options}}});\n"
        "}\n"
        "</script>"
    )


def inline_assets(html: str) -> str:
    """Return ``html`` with the shipped JS/CSS put inline, for a single-file HTML export.

    Every ``<script src=...>`` and stylesheet ``<link href=...>`` that points at one of the files
    :func:`make_offline` uses (by absolute ``file://`` URL or any prefix ending in the shipped
    layout, e.g. ``leaflet/leaflet.js``) is replaced by the file's text. Leaflet's CSS images
    (layer-control button) become ``data:`` URIs, and the default marker icon is pointed at
    ``data:`` URIs too. Other ``<script>``/``<link>`` elements are left alone, so render the map
    after :func:`make_offline` to get a page with no external resource at all.

    Parameters
    ----------
    html : str
        A rendered page, e.g. ``m.get_root().render()``.

    Returns
    -------
    str
        The self-contained page.
    """
    base = assets_dir()

    def script_repl(url: str, tag: str) -> str:
        rel = _match_asset(url, OFFLINE_JS)
        if rel is None:
            return tag
        text = _SOURCE_MAP_RE.sub("", (base / rel).read_text(encoding="utf-8"))
        out = f"<script>\n{_safe_script(text)}\n</script>"
        if rel == "leaflet/leaflet.js":
            out += "\n" + _icon_script(base)
        return out

    def link_repl(url: str, tag: str) -> str:
        if not re.search(r"\brel=[\"']?stylesheet", tag, re.IGNORECASE):
            return tag
        rel = _match_asset(url, OFFLINE_CSS)
        if rel is None:
            return tag
        return _inline_css(rel, base)

    def repl(match: re.Match[str]) -> str:
        if match.group("script_url") is not None:
            return script_repl(match.group("script_url"), match.group(0))
        return link_repl(match.group("link_url"), match.group(0))

    # One pass with a replacement function: the inserted file text is never scanned again (jQuery
    # itself contains "<script" and "<link"), and backslashes in it are kept as they are.
    return _TAG_RE.sub(repl, html)


_EXTERNAL_RE = re.compile(
    r"<(?:script|link)\b[^>]*\b(?:src|href)=[\"'](https?:)?//[^\"']*[\"']",
    re.IGNORECASE,
)


def external_resources(html: str) -> list[str]:
    """The ``<script src>`` / ``<link href>`` elements of ``html`` that load from the network.

    Tile URLs (inside the page's JavaScript) are not counted: they only matter when an online tile
    layer was asked for.
    """
    return [m.group(0) for m in _EXTERNAL_RE.finditer(html)]
