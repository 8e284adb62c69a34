"""HTML export: the interactive map of the plan as one self-contained file that opens offline.

The page is built by :func:`planner.mapping.render_html` with ``inline=True``: Leaflet, the styles
and ``qiantu.js`` are inline, all plan text sits in one escaped JSON block, and a
Content-Security-Policy meta lets only those inline scripts and styles (by SHA-256 hash), ``data:``
images and, with online tiles, that provider's tile images load. No template engine sees plan text.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from planner.errors import ExportError
from planner.export.common import build_itinerary, check_lang, write_text

# A script or style sheet fetched from the network would make the page blank offline.
_REMOTE = re.compile(r"<(?:script|link)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", re.IGNORECASE)


def remote_references(page: str) -> list[str]:
    """The ``<script src>`` / ``<link href>`` tags of ``page`` that point at the network."""
    return [m.group(0) for m in _REMOTE.finditer(page)]


def export_html(plan, path: str | os.PathLike, *, lang: str = "zh", catalog=None, tiles: str = "none") -> list[str]:
    """Write the plan's interactive map (routes per day, numbered stops, nights, legend) as one
    HTML file with Leaflet, jQuery and the outlines inlined: it opens in any browser, offline.

    Parameters
    ----------
    plan : Plan or dict
    path : path of the ``.html`` file (written atomically)
    lang : {"zh", "en"}
    catalog : Catalog, optional
    tiles : {"none", "osm", "gaode"}
        Background; "none" (outlines only) is the one that works offline.

    Returns
    -------
    list of str
        Warnings: one when online tiles were asked for (they need the internet).

    Raises
    ------
    ExportError
    """
    from planner.mapping import plan_map, render_html

    check_lang(lang)
    it = build_itinerary(plan, catalog)
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    try:
        m = plan_map(it.plan, catalog, lang=lang, tiles=tiles)
    except ValueError as exc:
        raise ExportError(str(exc), field="tiles") from None
    page = render_html(m, inline=True, title=it.title_or_default(lang))
    remote = remote_references(page)
    if remote:
        raise ExportError(f"the map page still loads {remote[0]!r} from the network", file=str(path))
    write_text(Path(path), page, what="HTML map")
    return ["the map's tiles load from the internet"] if tiles != "none" else []
