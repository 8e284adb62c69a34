"""The map page: folium draws the empty Leaflet map, the data goes in as one JSON block.

A page is assembled from three kinds of parts, and only the last one holds data or user text:

1. the skeleton folium renders with its jinja templates: the ``L.map(...)`` call, the tile layer
   and folium's own styles. Nothing from a file or a user is ever handed to folium or jinja;
2. fixed assets shipped in ``planner/assets``: Leaflet, ``qiantu.css`` and ``qiantu.js``;
3. one ``<script type="application/json" id="qiantu-data">`` block made by :func:`json_script`
   (``<``, ``>``, ``&``, U+2028 and U+2029 escaped, so no text can end the element), which
   ``qiantu.js`` reads with ``JSON.parse`` and turns into markers, popups, routes and the legend
   with DOM calls (``textContent``), never through HTML strings.

A self-contained page (``inline=True``: the HTML export, the printed maps, the app) carries a
Content-Security-Policy that allows exactly its own inline scripts and styles (by SHA-256 hash),
``data:`` images and, only when online tiles were chosen, that tile provider's images. Nothing
else may load, run or connect.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import weakref
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from planner import io as _io
from planner.mapping.style import (
    GAODE_URL,
    GUIZHOU_CENTER,
    OSM_URL,
    TILE_HOSTS,
    check_tiles,
    to_display,
)
from planner.paths import assets_dir

#: The element id of the data block ``qiantu.js`` reads.
DATA_ELEMENT_ID = "qiantu-data"

_JSON_ESCAPES = {
    ord("<"): "\\u003c",
    ord(">"): "\\u003e",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def json_for_html(data: Any) -> str:
    """``data`` as JSON text that is safe inside any HTML element (Django's ``json_script`` rule).

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e``, ``\\u0026`` (so neither ``</script>`` nor
    ``<!--`` can appear), and U+2028/U+2029 are escaped too. NaN and infinities are refused
    (ValueError): JSON has no such numbers.
    """
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).translate(_JSON_ESCAPES)


def json_script(data: Any, element_id: str = DATA_ELEMENT_ID) -> str:
    """A ``<script type="application/json">`` element holding ``data`` (see :func:`json_for_html`)."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", element_id):
        raise ValueError(f"bad element id {element_id!r}")
    return f'<script type="application/json" id="{element_id}">{json_for_html(data)}</script>'


# The data block of each map this package made, kept beside the folium object (never inside it:
# folium hands what it holds to jinja).
_DATA: weakref.WeakKeyDictionary[Any, dict] = weakref.WeakKeyDictionary()


def map_data(m) -> dict:
    """The data block of map ``m`` (created empty for a map :func:`base_map` did not make)."""
    data = _DATA.get(m)
    if data is None:
        data = _DATA[m] = {"map": m.get_name(), "kind": "base"}
    return data


# --------------------------------------------------------------------------- the map object


def base_map(
    *,
    center: tuple[float, float] = GUIZHOU_CENTER,
    zoom: int = 7,
    tiles: str = "none",
    lang: str = "zh",
):
    """An empty folium map with, optionally, online tiles; the outlines are in its data block.

    Returns a ``folium.Map``; its data block (outlines, later markers and routes) is
    :func:`map_data` of it. Only numbers and fixed strings go into folium.
    """
    import folium

    from planner.mapping.outlines import outline_data

    check_tiles(tiles)
    m = folium.Map(
        location=list(to_display(*center, tiles)),
        zoom_start=zoom,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    # The page adds Leaflet itself (inline or beside the page); folium must link nothing.
    m.default_js = []
    m.default_css = []
    if tiles == "osm":
        folium.TileLayer(tiles=OSM_URL, attr="&copy; OpenStreetMap contributors", name="OpenStreetMap",
                         max_zoom=19).add_to(m)
    elif tiles == "gaode":
        folium.TileLayer(tiles=GAODE_URL, attr="&copy; AutoNavi", name="AutoNavi", subdomains="1234",
                         max_zoom=18).add_to(m)
    _DATA[m] = {"map": m.get_name(), "kind": "base", "lang": lang, "tiles": tiles, **outline_data(tiles, lang)}
    return m


def frame(
    m,
    bounds: Sequence[Sequence[float]] | Iterable[tuple[float, float]],
    *,
    padding_top_left: tuple[int, int] = (30, 30),
    padding_bottom_right: tuple[int, int] = (30, 30),
    max_zoom: int | None = None,
    declutter: bool = False,
    print_view: bool = False,
) -> None:
    """Frame map ``m`` on the box around ``bounds`` (points in the page's coordinates) when it opens.

    ``declutter`` spreads stops that would hide each other (for paper, where nobody can zoom);
    ``print_view`` hides what only the screen needs (the plan status in the legend).
    """
    pts = [(float(p[0]), float(p[1])) for p in bounds]
    if not pts:
        return
    data = map_data(m)
    data["frame"] = {
        "bounds": [[min(p[0] for p in pts), min(p[1] for p in pts)], [max(p[0] for p in pts), max(p[1] for p in pts)]],
        "paddingTopLeft": list(padding_top_left),
        "paddingBottomRight": list(padding_bottom_right),
        "maxZoom": max_zoom,
    }
    view = data.setdefault("view", {})
    view["declutter"] = bool(declutter) or view.get("declutter", False)
    view["hideStatus"] = bool(print_view) or view.get("hideStatus", False)


# --------------------------------------------------------------------------- the page

_CONTENT_TYPE = '<meta http-equiv="content-type" content="text/html; charset=UTF-8" />'
_INLINE_RE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL | re.IGNORECASE)
_SOURCE_MAP_RE = re.compile(r"\n?//# sourceMappingURL=\S+\s*$")


def _asset_text(rel: str) -> str:
    text = (assets_dir() / rel).read_text(encoding="utf-8")
    return _SOURCE_MAP_RE.sub("", text).replace("\r\n", "\n")


def _script(text: str) -> str:
    # Fixed asset text only; "</script" inside a string literal would end the element early, and
    # "<!--" would switch the HTML parser into its script-escape states.
    if "<!--" in text:
        raise ValueError("a page script contains '<!--'")
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE) + "</script>"


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def content_security_policy(page: str, tiles: str = "none") -> str:
    """The policy for a self-contained ``page``: its own inline ``<script>``/``<style>`` elements
    (by hash), ``data:`` images, the tile provider's images when ``tiles`` is online; nothing else."""
    scripts: list[str] = []
    styles: list[str] = []
    for m in _INLINE_RE.finditer(page):
        (scripts if m.group(1).lower() == "script" else styles).append(_sha256(m.group(2)))
    script_src = " ".join(dict.fromkeys(scripts)) or "'none'"
    style_src = " ".join(dict.fromkeys(styles)) or "'none'"
    img_src = " ".join(("data:", *TILE_HOSTS.get(tiles, ())))
    return (
        f"default-src 'none'; script-src {script_src}; style-src {style_src}; img-src {img_src}; "
        "base-uri 'none'; form-action 'none'"
    )


def _leaflet_css_inline() -> str:
    from planner.offline import inline_stylesheet

    return inline_stylesheet("leaflet/leaflet.css").replace("\r\n", "\n")


def render_html(m, *, inline: bool = True, scripts: Sequence[str] = (), title: str | None = None) -> str:
    """The map as an HTML page.

    Parameters
    ----------
    m : folium.Map
        From :func:`base_map`, :func:`catalog_map` or :func:`plan_map`.
    inline : bool
        True (default): one self-contained file (Leaflet, styles and ``qiantu.js`` inline, images
        as ``data:``) with a Content-Security-Policy; it needs no file or network access. False
        (for looking at ``qiantu.js`` changes in a browser's developer tools): the assets are
        linked by ``file://`` URL to this package's ``assets`` folder, and there is no policy.
    scripts : sequence of str
        Fixed script texts to run before ``qiantu.js`` (the app passes Qt's ``qwebchannel.js``).
        Never user text.
    title : str, optional
        The page title (default: the one in the map's data, e.g. the plan title). Escaped.
    """
    from planner.offline import asset_url

    data = map_data(m)
    if title is not None:
        data["title"] = str(title)
    root = m.get_root()
    root.title = None  # a title is user text: it goes into the page below, never into jinja
    skeleton = root.render().replace("\r\n", "\n")
    if skeleton.count(_CONTENT_TYPE) != 1 or not skeleton.rstrip().endswith("</html>"):
        raise RuntimeError("folium's page layout changed; planner.mapping.page needs updating")
    before, after = skeleton.split(_CONTENT_TYPE)
    after = after.rstrip()[: -len("</html>")]
    if inline:
        head = [
            _leaflet_css_inline(),
            "<style>" + _asset_text("qiantu.css") + "</style>",
            _script(_asset_text("leaflet/leaflet.js")),
        ]
        tail = [_script(s.replace("\r\n", "\n")) for s in scripts]
        tail.append(_script(_asset_text("qiantu.js")))
    else:
        head = [
            f'<link rel="stylesheet" href="{asset_url("leaflet/leaflet.css")}"/>',
            f'<link rel="stylesheet" href="{asset_url("qiantu.css")}"/>',
            f'<script src="{asset_url("leaflet/leaflet.js")}"></script>',
        ]
        tail = [_script(s) for s in scripts]
        tail.append(f'<script src="{asset_url("qiantu.js")}"></script>')
    meta = ""
    if inline:
        # Hash every inline script and style: folium's (fixed templates) and ours (fixed assets).
        policy = content_security_policy(
            "\n".join([before, *head, after, *tail]), str(data.get("tiles") or "none")
        )
        if any(c in policy for c in '"<>&'):
            raise RuntimeError("bad character in the page's Content-Security-Policy")
        meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
    # User-derived text enters only here, as the escaped title and the JSON block, placed by
    # position between the fixed parts (never searched for in text that holds user data).
    title_tag = f"<title>{html.escape(str(data.get('title') or 'QianTu'))}</title>"
    return "".join([
        before, _CONTENT_TYPE, "\n", meta, title_tag, "\n", "\n".join(head), after,
        json_script(data), "\n", "\n".join(tail), "\n</html>\n",
    ])


def save_html(m, path: Path | str, *, inline: bool = True) -> Path:
    """Write the map page atomically (temporary file, then rename)."""
    path = Path(path)
    text = render_html(m, inline=inline)
    return _io.write_text(path, text, make_folder=True, what="map page")
