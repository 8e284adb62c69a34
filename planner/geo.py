"""Geodesic distances (geopy, WGS-84) and the WGS-84 <-> GCJ-02 shift used by Chinese web maps."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from geopy.distance import geodesic

EARTH_RADIUS_KM = 6371.0088

# Krasovsky 1940 ellipsoid parameters of the published GCJ-02 obfuscation (the "eviltransform").
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic (WGS-84 ellipsoid) distance in kilometres between two points."""
    return geodesic((lat1, lon1), (lat2, lon2)).km


def polyline_km(points: Iterable[Sequence[float]]) -> float:
    """Geodesic length in kilometres of a polyline given as ``[(lat, lon), ...]``."""
    total = 0.0
    prev = None
    for p in points:
        if prev is not None:
            total += geodesic_km(prev[0], prev[1], p[0], p[1])
        prev = p
    return total


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere; within 0.5 % of the geodesic, used only to preselect."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _outside_china(lat: float, lon: float) -> bool:
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _delta(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad = lat / 180.0 * math.pi
    magic = 1 - _GCJ_EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad) * math.pi)
    return dlat, dlon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 (GPS, OpenStreetMap) -> GCJ-02 (AMap, Tencent tiles); unchanged outside China."""
    if _outside_china(lat, lon):
        return lat, lon
    dlat, dlon = _delta(lat, lon)
    return lat + dlat, lon + dlon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 -> WGS-84 by fixed-point iteration (error well under 1 cm in Guizhou)."""
    if _outside_china(lat, lon):
        return lat, lon
    wlat, wlon = lat, lon
    for _ in range(30):
        glat, glon = wgs84_to_gcj02(wlat, wlon)
        dlat, dlon = glat - lat, glon - lon
        wlat, wlon = wlat - dlat, wlon - dlon
        if abs(dlat) < 1e-10 and abs(dlon) < 1e-10:
            break
    return wlat, wlon


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Baidu's BD-09 to GCJ-02 (the published inverse of Baidu's offset; about 1 m accurate)."""
    x, y = lon - 0.0065, lat - 0.006
    k = math.pi * 3000.0 / 180.0
    z = math.hypot(x, y) - 0.00002 * math.sin(y * k)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * k)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """Baidu's BD-09 to WGS-84: BD-09 → GCJ-02 → WGS-84 (the conversion the catalog notes quote)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
