"""The domain's shared vocabulary, defined once: travel modes, ids, the planning region, day colours.

The lowest layer of the core (it imports nothing of QianTu), so every other module can use it.
"""

from __future__ import annotations

import re

MODES = ("drive", "drive+rail")
"""Travel modes a request may ask for."""

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
"""Ids are stable lowercase-hyphen slugs (``huangguoshu-waterfall``)."""


def is_slug(text: str) -> bool:
    """True for a valid id (lowercase letters, digits and single hyphens)."""
    return bool(ID_RE.match(text))


# Bounding box of the region QianTu plans in (Guizhou and the Guangzhou-Guilin-Kunming corridor:
# Guangdong, Guangxi, Yunnan, and the edges of Sichuan, Chongqing and Hunan), generous on every
# side; a point outside is almost always a typo, swapped lat/lon, or a place we have no roads for.
REGION_LAT = (18.0, 32.0)
REGION_LON = (97.0, 117.0)
REGION_ZH = "贵州及广州—桂林—昆明走廊（北纬 18–32°，东经 97–117°）"
REGION_EN = "Guizhou and the Guangzhou-Guilin-Kunming corridor (latitude 18-32, longitude 97-117)"


def in_region(lat: float, lon: float) -> bool:
    """True when (lat, lon) lies in the planning region."""
    return REGION_LAT[0] <= lat <= REGION_LAT[1] and REGION_LON[0] <= lon <= REGION_LON[1]


# Day colours: distinct on screen and, with the day number drawn on every marker and in the
# legend, still readable when printed in black and white. The map, the PDF, KML and the app agree.
DAY_COLORS = (
    "#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e",
    "#17becf", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
)  # fmt: skip


def day_color(index: int) -> str:
    """Colour of day ``index`` (0-based)."""
    return DAY_COLORS[index % len(DAY_COLORS)]


def place_name(ref: object, catalog: object = None, lang: str = "zh", places: object = None) -> str:
    """The name of a place of a plan in ``lang``, the one resolver every view uses.

    ``ref`` is a catalog id, an id of the plan's own ``places`` (custom places, lunch stops: their
    ``name``, or ``name_en`` in English), a ``custom:<name>`` id, or an inline ``{"name": ..}``;
    ``catalog`` is anything with ``.spots`` (a :class:`planner.catalog.Catalog`). Unknown ids come
    back as themselves, so a name is never empty for a real id.
    """
    if isinstance(ref, dict):
        return str(ref.get("name") or ref.get("id") or "")
    if ref is None:
        return ""
    key = str(ref)
    info = places.get(key) if isinstance(places, dict) else None
    if isinstance(info, dict) and info.get("name"):
        if lang == "en" and info.get("name_en"):
            return str(info["name_en"])
        return str(info["name"])
    if key.startswith("custom:"):
        return key[len("custom:") :]
    spots = getattr(catalog, "spots", None)
    spot = spots.get(key) if isinstance(spots, dict) else None
    if spot is not None:
        zh, en = getattr(spot, "name_zh", ""), getattr(spot, "name_en", "")
        return (en or zh or key) if lang == "en" else (zh or en or key)
    return key


def bilingual(table: dict[str, tuple[str, str]], key: str, lang: str, **fmt: object) -> str:
    """``table[key]`` is ``(zh, en)``: the text in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    The one lookup behind every fixed text table of the documents and reports."""
    zh, en = table[key]
    text = en if lang == "en" else zh
    return text.format(**fmt) if fmt else text
