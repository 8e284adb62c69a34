"""What the maps look like: tile choices, marker categories, day colours, weekday names."""

from __future__ import annotations

from dataclasses import dataclass

from planner.catalog import Spot

# Tile choices: "none" draws only the shipped outlines (works with no internet, the default);
# "osm" is OpenStreetMap (WGS-84); "gaode" is an AutoNavi-style Chinese provider in GCJ-02, for
# which every marker and line is shifted WGS-84 -> GCJ-02 so it sits on the right street.
TILES = ("none", "osm", "gaode")
TILE_LABELS = {
    "none": ("离线轮廓（无底图）", "Offline outlines (no tiles)"),
    "osm": ("OpenStreetMap 在线底图", "OpenStreetMap tiles (online)"),
    "gaode": ("高德风格在线底图（GCJ-02）", "AutoNavi-style tiles, GCJ-02 (online)"),
}
GAODE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
#: The image hosts each tile choice loads from (what a page's Content-Security-Policy allows).
TILE_HOSTS: dict[str, tuple[str, ...]] = {
    "none": (),
    "osm": ("https://tile.openstreetmap.org",),
    "gaode": tuple(f"https://webrd0{s}.is.autonavi.com" for s in "1234"),
}

GUIZHOU_CENTER = (26.8, 106.8)
GUIZHOU_PREFECTURES = frozenset(
    ("Guiyang", "Zunyi", "Anshun", "Liupanshui", "Bijie", "Tongren", "Qiandongnan", "Qiannan", "Qianxinan")
)

WEEKDAYS_ZH = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
WEEKDAYS_EN = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

# Day colours are defined once for the map, the documents and the app.
from planner.domain import DAY_COLORS, day_color  # noqa: E402,F401


@dataclass(frozen=True)
class Category:
    """A marker colour class shown in the legend."""

    key: str
    color: str
    label_zh: str
    label_en: str
    themes: tuple[str, ...]

    def label(self, lang: str) -> str:
        return self.label_en if lang == "en" else self.label_zh


# Order matters: a spot takes the first category any of its themes belongs to, so a Long March
# memorial in a karst valley is drawn red, a Miao village with a waterfall is drawn as ethnic.
CATEGORIES: tuple[Category, ...] = (
    Category("red", "#c0392b", "红色旅游（长征）", "Red tourism (Long March)", ("red",)),
    Category("ethnic", "#8e44ad", "民族村寨", "Ethnic villages", ("ethnic",)),
    Category("water", "#1f77b4", "瀑布与河湖", "Waterfalls, rivers, lakes", ("waterfall", "river", "lake")),
    Category("karst", "#2e8b57", "喀斯特与山地", "Karst, caves, mountains",
             ("karst", "cave", "canyon", "mountain", "forest", "natural", "park")),
    Category("culture", "#d68910", "古镇与人文", "Old towns and culture",
             ("culture", "history", "town", "museum", "religion", "food")),
    Category("science", "#138d75", "科学", "Science", ("science",)),
    Category("city", "#2c3e50", "城市（可住宿）", "Cities (hotels)", ("city",)),
    Category("station", "#7f8c8d", "高铁站", "Rail stations", ("transport",)),
)
_FALLBACK = CATEGORIES[3]


def spot_category(spot: Spot) -> Category:
    """The legend category that colours ``spot``'s marker."""
    if spot.kind == "station":
        return CATEGORIES[-1]
    if spot.kind == "hub":
        return CATEGORIES[-2]
    for cat in CATEGORIES:
        if any(t in cat.themes for t in spot.themes):
            return cat
    return _FALLBACK


def check_tiles(tiles: str) -> None:
    """ValueError unless ``tiles`` is one of :data:`TILES`."""
    if tiles not in TILES:
        raise ValueError(f"unknown tiles '{tiles}' (choose from {', '.join(TILES)})")


def to_display(lat: float, lon: float, tiles: str) -> tuple[float, float]:
    """WGS-84 data -> the coordinates the chosen tiles expect (GCJ-02 for the Chinese provider)."""
    if tiles == "gaode":
        from planner.geo import wgs84_to_gcj02

        return wgs84_to_gcj02(lat, lon)
    return lat, lon
