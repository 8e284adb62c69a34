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
