"""The province and prefecture outlines shipped for the offline map, as map data."""

from __future__ import annotations

import json
from functools import lru_cache

from planner import paths
from planner.mapping.style import to_display


@lru_cache(maxsize=1)
def _outlines_text() -> str | None:
    p = paths.assets_dir() / "outlines.geojson"
    if not p.is_file():
        return None
    return p.read_text(encoding="utf-8")


def outlines() -> dict | None:
    """The shipped province/prefecture outlines (GeoJSON, WGS-84), a fresh copy each call."""
    text = _outlines_text()
    return None if text is None else json.loads(text)


def _shift_geojson(gj: dict, tiles: str) -> dict:
    if tiles != "gaode":
        return gj

    def conv(coords):
        if coords and isinstance(coords[0], (int, float)):
            lat, lon = to_display(coords[1], coords[0], tiles)
            return [round(lon, 5), round(lat, 5)]
        return [conv(c) for c in coords]

    features: list[dict] = []
    for f in gj.get("features", []):
        g = dict(f["geometry"])
        g["coordinates"] = conv(g["coordinates"])
        features.append({**f, "geometry": g})
    return {"type": "FeatureCollection", "features": features}


def _bbox_center(coords) -> tuple[float, float] | None:
    xs: list[float] = []
    ys: list[float] = []

    def walk(c):
        if c and isinstance(c[0], (int, float)):
            xs.append(c[0])
            ys.append(c[1])
        else:
            for cc in c:
                walk(cc)

    walk(coords)
    if not xs:
        return None
    return ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)


def outline_data(tiles: str, lang: str) -> dict:
    """The outlines (shifted for GCJ-02 tiles) and their name labels, for a map's data block."""
    gj = outlines()
    if gj is None:
        return {}
    name_key = "name_en" if lang == "en" else "name_zh"
    labels = []
    for f in gj.get("features", []):
        props = f.get("properties", {})
        name = props.get(name_key) or props.get("name_zh") or ""
        pt = props.get("label_point") or _bbox_center(f["geometry"]["coordinates"])
        if not name or not pt:
            continue
        lat, lon = to_display(pt[1], pt[0], tiles)
        labels.append({"name": str(name), "lat": lat, "lon": lon, "level": str(props.get("level", ""))})
    return {"outlines": _shift_geojson(gj, tiles), "outlinesFilled": tiles == "none", "labels": labels}
