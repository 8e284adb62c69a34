"""Maps of the catalog and of plans, built to work offline (no CDN, optional tiles).

The package has three parts (``docs/architecture.md`` has the picture):

* :mod:`planner.mapping.style` — tile choices, marker categories, day colours;
* :mod:`planner.mapping.layers` — what a map shows, as plain JSON-ready data
  (:func:`catalog_map`, :func:`plan_map`, :func:`add_events`);
* :mod:`planner.mapping.page` — the page: folium draws only the empty Leaflet map, the data goes in
  as one escaped JSON block that the shipped ``planner/assets/qiantu.js`` draws with DOM calls.

No user text ever passes through a template engine or into script source.
"""

from __future__ import annotations

from planner.mapping.layers import (
    add_events,
    catalog_map,
    day_summary,
    known_ids,
    outline_data,
    outlines,
    plan_map,
    spot_popup,
)
from planner.mapping.page import (
    DATA_ELEMENT_ID,
    base_map,
    content_security_policy,
    frame,
    json_for_html,
    json_script,
    map_data,
    render_html,
    save_html,
)
from planner.mapping.style import (
    CATEGORIES,
    DAY_COLORS,
    GUIZHOU_CENTER,
    GUIZHOU_PREFECTURES,
    TILE_HOSTS,
    TILE_LABELS,
    TILES,
    WEEKDAYS_EN,
    WEEKDAYS_ZH,
    Category,
    day_color,
    spot_category,
    to_display,
)

__all__ = [
    "CATEGORIES",
    "DATA_ELEMENT_ID",
    "DAY_COLORS",
    "GUIZHOU_CENTER",
    "GUIZHOU_PREFECTURES",
    "TILES",
    "TILE_HOSTS",
    "TILE_LABELS",
    "WEEKDAYS_EN",
    "WEEKDAYS_ZH",
    "Category",
    "add_events",
    "base_map",
    "catalog_map",
    "content_security_policy",
    "day_color",
    "day_summary",
    "frame",
    "json_for_html",
    "json_script",
    "known_ids",
    "map_data",
    "outline_data",
    "outlines",
    "plan_map",
    "render_html",
    "save_html",
    "spot_category",
    "spot_popup",
    "to_display",
]
