"""A small stand-in for planner.network: travel time = great-circle km x detour at a fixed speed."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from planner.geo import haversine_km

DETOUR = 1.3
SPEED_KMH = 60.0


@dataclass
class FakeLeg:
    mode: str
    from_id: str
    to_id: str
    minutes: float
    km: float
    path: list
    line: str = ""

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "from": self.from_id,
            "to": self.to_id,
            "minutes": round(self.minutes, 1),
            "km": round(self.km, 1),
            "line": self.line,
            "path": self.path,
        }


@dataclass
class FakeRoute:
    from_id: str
    to_id: str
    mode: str
    minutes: float
    km: float
    legs: list = field(default_factory=list)
    estimate: bool = False
    points: list = field(default_factory=list)


@dataclass
class FakeMatrix:
    ids: list
    minutes: np.ndarray
    km: np.ndarray
    mode: str = "drive"
    estimate: np.ndarray | None = None


class FakeNetwork:
    """``route``/``matrix`` like planner.network.Network over straight lines (tests only).

    In ``drive+rail`` mode, a trip between two places more than ``rail_km`` apart runs on a
    "train" for its middle 80 % at twice the road speed (a rail leg), like a real rail route.
    """

    def __init__(self, catalog, detour: float = DETOUR, speed_kmh: float = SPEED_KMH, rail_km: float = 150.0):
        self.catalog = catalog
        self.detour = detour
        self.speed = speed_kmh
        self.rail_km = rail_km
        self.calls = 0

    def _pos(self, p):
        if isinstance(p, str):
            s = self.catalog.get(p)
            return p, s.lat, s.lon
        return p.id, p.lat, p.lon

    def route(self, a, b, mode="drive") -> FakeRoute:
        self.calls += 1
        ia, la, oa = self._pos(a)
        ib, lb, ob = self._pos(b)
        if ia == ib:
            return FakeRoute(ia, ib, mode, 0.0, 0.0, [], False, [[la, oa]])
        km = haversine_km(la, oa, lb, ob) * self.detour
        minutes = km / self.speed * 60.0
        pts = [[la, oa], [(la + lb) / 2, (oa + ob) / 2], [lb, ob]]
        if mode == "drive+rail" and km > self.rail_km:
            road = km * 0.1
            rail = km * 0.8
            m_road = road / self.speed * 60.0
            m_rail = rail / (2 * self.speed) * 60.0
            legs = [
                FakeLeg("drive", ia, ia + "-station", m_road, road, pts[:2]),
                FakeLeg("rail", ia + "-station", ib + "-station", m_rail, rail, pts[1:2] * 2, "G1"),
                FakeLeg("drive", ib + "-station", ib, m_road, road, pts[1:]),
            ]
            return FakeRoute(ia, ib, mode, 2 * m_road + m_rail, km, legs, False, pts)
        leg = FakeLeg("drive", ia, ib, minutes, km, pts)
        return FakeRoute(ia, ib, mode, minutes, km, [leg], False, pts)

    def matrix(self, places, mode="drive", progress=None, cancelled=None) -> FakeMatrix:
        n = len(places)
        mins = np.zeros((n, n))
        kms = np.zeros((n, n))
        for i, a in enumerate(places):
            for j, b in enumerate(places):
                if i != j:
                    r = self.route(a, b, mode)
                    mins[i, j] = r.minutes
                    kms[i, j] = r.km
        ids = [self._pos(p)[0] for p in places]
        return FakeMatrix(ids, mins, kms, mode, np.zeros((n, n), dtype=bool))
