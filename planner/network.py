"""The multimodal travel network (road, high-speed rail, access roads) and travel-time matrices."""

from __future__ import annotations

import csv
import difflib
import heapq
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from planner import paths
from planner.domain import ID_RE as _ID_RE
from planner.domain import MODES, REGION_LAT, REGION_LON
from planner.errors import Cancelled, DataError, UnknownPlaceError
from planner.geo import EARTH_RADIUS_KM, geodesic_km

# Average speeds of a tour vehicle (minibus or coach) by road class, km/h, door to door on that
# class of road; the reasoning and sources are in data/network/README.md. One number per class,
# never tuned for a particular pair of places.
SPEED_KMH: dict[str, float] = {
    "expressway": 85.0,
    "national": 45.0,
    "provincial": 40.0,
    "county": 30.0,
    "scenic": 20.0,
    "urban": 30.0,
}
ROAD_CLASSES = tuple(SPEED_KMH)
NODE_KINDS = ("hub", "station", "junction")

# Fallback join of a place that is off the network (a custom hotel, a catalog spot without an
# access row): geodesic distance times this factor, on a county road, to each of the nearest nodes.
ESTIMATE_DETOUR = 1.4
ESTIMATE_CLASS = "county"
ESTIMATE_JOIN_NODES = 2
# A link shorter than its endpoints' geodesic distance is a data error; allow for rounding.
MIN_KM_RATIO = 0.99
# Boarding and alighting time at a station without a transfers.csv row (estimate).
DEFAULT_BOARD_MINUTES = 30.0
DEFAULT_ALIGHT_MINUTES = 10.0

FILES = {
    "nodes": "road_nodes.csv",
    "roads": "road_links.csv",
    "rail": "rail_links.csv",
    "transfers": "transfers.csv",
    "access": "access_links.csv",
}
_COLUMNS = {
    "nodes": ("id", "name_zh", "name_en", "kind", "lat", "lon", "source", "note"),
    "roads": ("from", "to", "road", "class", "km", "shape", "source", "note"),
    "rail": ("from", "to", "line", "minutes", "km", "service", "source", "note"),
    "transfers": ("station", "board_minutes", "alight_minutes", "source", "note"),
    "access": ("spot", "node", "km", "class", "source", "note"),
}
_RAIL_SUFFIX = "#rail"
_PLACE_PREFIX = "@"



@dataclass(frozen=True)
class Place:
    """A custom place off the catalog (a hotel, a meeting point), joined to the network by estimate."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass
class Leg:
    """One stretch of a route in one mode: ``drive``, ``rail``, ``access``, ``transfer`` or ``estimate``."""

    mode: str
    from_id: str
    to_id: str
    minutes: float
    km: float
    path: list[list[float]]
    line: str = ""

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "from": self.from_id,
            "to": self.to_id,
            "minutes": round(self.minutes, 1),
            "km": round(self.km, 1),
            "line": self.line,
            "path": [[round(a, 5), round(b, 5)] for a, b in self.path],
        }


@dataclass
class Route:
    """The quickest way from one place to another in one mode."""

    from_id: str
    to_id: str
    mode: str
    minutes: float
    km: float
    legs: list[Leg]
    estimate: bool
    points: list[list[float]]
    nodes: list[str] = field(default_factory=list)

    def minutes_in(self, leg_mode: str) -> float:
        """Minutes spent in legs of ``leg_mode`` (e.g. ``rail``)."""
        return sum(leg.minutes for leg in self.legs if leg.mode == leg_mode)

    def to_dict(self) -> dict:
        return {
            "from": self.from_id,
            "to": self.to_id,
            "mode": self.mode,
            # Whole minutes, half up: exactly what a plan's travel item says for this pair.
            "minutes": whole_minutes(self.minutes),
            "minutes_exact": round(self.minutes, 2),
            "km": round(self.km, 1),
            "estimate": self.estimate,
            "legs": [leg.to_dict() for leg in self.legs],
            "path": self.nodes,
            "points": [[round(a, 5), round(b, 5)] for a, b in self.points],
        }


@dataclass
class TravelMatrix:
    """Minutes and km between every ordered pair of ``ids`` (``minutes[i][j]`` from i to j)."""

    ids: list[str]
    minutes: np.ndarray
    km: np.ndarray
    mode: str = "drive"
    estimate: np.ndarray | None = None


def whole_minutes(minutes: float) -> int:
    """Travel minutes as plans state them: whole minutes, half up."""
    return int(math.floor(minutes + 0.5))


# An edge as the search sees it: (to, minutes, km, info) with info = (mode, line, shape, estimate).
_Edge = tuple[str, float, float, tuple[str, str, tuple, bool]]


@dataclass
class _End:
    """A route endpoint: a graph node, or a virtual node with estimated joins."""

    key: str
    label: str
    lat: float
    lon: float
    joins: list[tuple[str, float, float]] = field(default_factory=list)  # (node, minutes, km)

    @property
    def virtual(self) -> bool:
        return bool(self.joins)


class Network:
    """The travel graph over hubs, junctions, stations and catalog spots.

    Build it with :func:`load_network`. ``graph`` is a networkx MultiDiGraph whose edges carry
    ``mode`` (drive, rail, access, transfer, estimate), ``minutes``, ``km``, ``line`` and ``shape``.
    """

    def __init__(self, graph: nx.MultiDiGraph, catalog: Any = None, directory: str = "") -> None:
        self.graph = graph
        self.catalog = catalog
        self.directory = directory
        self._terminal = {n for n, d in graph.nodes(data=True) if d.get("terminal")}
        self._adj: dict[str, dict[str, list[_Edge]]] = {}
        for mode in (*MODES, "rail"):
            if mode == "rail":
                allowed = {"rail"}
            else:
                allowed = {"drive", "access", "estimate"} | ({"rail", "transfer"} if mode == "drive+rail" else set())
            adj: dict[str, list[_Edge]] = {n: [] for n in graph.nodes}
            for u, v, d in graph.edges(data=True):
                if d["mode"] in allowed:
                    info = (d["mode"], d.get("line", ""), d.get("shape", ()), bool(d.get("estimate")))
                    adj[u].append((v, d["minutes"], d["km"], info))
            self._adj[mode] = adj
        joinable = [n for n, d in graph.nodes(data=True) if d.get("kind") in NODE_KINDS]
        self._join_ids = joinable
        self._join_lat = np.radians([graph.nodes[n]["lat"] for n in joinable])
        self._join_lon = np.radians([graph.nodes[n]["lon"] for n in joinable])

    # ---- places -------------------------------------------------------------------------
    def __contains__(self, node_id: object) -> bool:
        return isinstance(node_id, str) and node_id in self.graph and not node_id.endswith(_RAIL_SUFFIX)

    def position(self, node_id: str) -> tuple[float, float]:
        """(lat, lon) of a node."""
        d = self.graph.nodes[node_id]
        return d["lat"], d["lon"]

    def estimate_joins(self, lat: float, lon: float, k: int = ESTIMATE_JOIN_NODES) -> list[tuple[str, float, float]]:
        """The ``k`` nearest road nodes of a point as ``(node, minutes, km)`` by the estimate rule."""
        return _nearest_joins(self._join_ids, self._join_lat, self._join_lon, self.graph, lat, lon, k)

    def _end(self, place: Any) -> _End:
        if isinstance(place, str):
            text = place.strip()
            if text in self:
                lat, lon = self.position(text)
                return _End(text, text, lat, lon)
            spot = None
            if self.catalog is not None:
                try:
                    spot = self.catalog.resolve(text)
                except UnknownPlaceError as exc:
                    raise UnknownPlaceError(text, exc.suggestions or self._suggest(text)) from None
            else:
                for n, d in self.graph.nodes(data=True):
                    if text and text in (d.get("name_zh"), d.get("name_en")):
                        return _End(n, n, d["lat"], d["lon"])
                raise UnknownPlaceError(text, self._suggest(text))
            if spot.id in self:
                return _End(spot.id, spot.id, *self.position(spot.id))
            return _End(_PLACE_PREFIX + spot.id, spot.id, spot.lat, spot.lon, self.estimate_joins(spot.lat, spot.lon))
        pid = getattr(place, "id", None)
        raw_lat, raw_lon = getattr(place, "lat", None), getattr(place, "lon", None)
        if pid is None or raw_lat is None or raw_lon is None:
            raise UnknownPlaceError(repr(place), [])
        lat, lon = float(raw_lat), float(raw_lon)
        if not isinstance(place, Place) and pid in self:
            return _End(pid, pid, *self.position(pid))
        lat, lon = float(lat), float(lon)
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise UnknownPlaceError(str(pid), [])
        return _End(_PLACE_PREFIX + str(pid), str(pid), lat, lon, self.estimate_joins(lat, lon))

    def _suggest(self, text: str) -> list[str]:
        ids = [n for n in self.graph.nodes if not n.endswith(_RAIL_SUFFIX)]
        return difflib.get_close_matches(text.lower(), ids, n=3, cutoff=0.4)

    # ---- search -------------------------------------------------------------------------
    def _search(self, mode: str, source: _End, targets: Iterable[_End]):
        """One Dijkstra from ``source``; virtual targets are reached through their joins."""
        if mode not in self._adj:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not '{mode}'")
        adj = self._adj[mode]
        extra: dict[str, list[_Edge]] = {}
        for t in targets:
            if t.virtual and t.key != source.key:
                for node, minutes, km in t.joins:
                    extra.setdefault(node, []).append(
                        (t.key, minutes, km, ("estimate", "", (), True))
                    )
        if source.virtual:
            extra.setdefault(source.key, []).extend(
                (node, minutes, km, ("estimate", "", (), True)) for node, minutes, km in source.joins
            )
        dist: dict[str, float] = {source.key: 0.0}
        dkm: dict[str, float] = {source.key: 0.0}
        pred: dict[str, tuple[str, _Edge]] = {}
        done: set[str] = set()
        tie = count()
        heap = [(0.0, next(tie), source.key)]
        terminal = self._terminal
        while heap:
            d, _, u = heapq.heappop(heap)
            if u in done:
                continue
            done.add(u)
            # Spots and custom places are dead ends: a route never passes through a scenic area.
            if u != source.key and (u in terminal or u.startswith(_PLACE_PREFIX)):
                continue
            for edges in (adj.get(u, ()), extra.get(u, ())):
                for e in edges:
                    v, minutes, km = e[0], e[1], e[2]
                    nd = d + minutes
                    if nd < dist.get(v, math.inf) - 1e-9:
                        dist[v] = nd
                        dkm[v] = dkm[u] + km
                        pred[v] = (u, e)
                        heapq.heappush(heap, (nd, next(tie), v))
        return dist, dkm, pred

    def route(self, a: Any, b: Any, mode: str = "drive") -> Route:
        """The quickest route from ``a`` to ``b``.

        Parameters
        ----------
        a, b : str or Place or object with ``.id``, ``.lat``, ``.lon``
            A catalog id or name, a network node id, or a custom place.
        mode : {"drive", "drive+rail"}

        Raises
        ------
        UnknownPlaceError
            For an id or name that is neither in the catalog nor in the network.
        """
        src, dst = self._end(a), self._end(b)
        if src.key == dst.key:
            return Route(src.label, dst.label, mode, 0.0, 0.0, [], src.virtual, [[src.lat, src.lon]], [src.label])
        dist, dkm, pred = self._search(mode, src, [dst])
        if dst.key not in dist:
            raise DataError(f"no {mode} route from '{src.label}' to '{dst.label}' in the network", file=self.directory)
        return self._build_route(src, dst, mode, dist[dst.key], dkm[dst.key], pred)

    def _point(self, key: str, ends: dict[str, _End]) -> list[float]:
        if key in ends:
            return [ends[key].lat, ends[key].lon]
        d = self.graph.nodes[key]
        return [d["lat"], d["lon"]]

    def _label(self, key: str, ends: dict[str, _End]) -> str:
        if key in ends:
            return ends[key].label
        return key[: -len(_RAIL_SUFFIX)] if key.endswith(_RAIL_SUFFIX) else key

    def _build_route(self, src: _End, dst: _End, mode: str, minutes: float, km: float, pred) -> Route:
        ends = {src.key: src, dst.key: dst}
        steps = []
        node = dst.key
        while node != src.key:
            u, e = pred[node]
            steps.append((u, node, e))
            node = u
        steps.reverse()
        legs: list[Leg] = []
        estimate = False
        for u, v, (_, e_min, e_km, (e_mode, line, shape, est)) in steps:
            estimate = estimate or est
            pts = [self._point(u, ends), *[list(p) for p in shape], self._point(v, ends)]
            last = legs[-1] if legs else None
            same = last is not None and last.mode == e_mode and (e_mode == "drive" or last.line == line)
            if last is not None and same and e_mode != "transfer":
                last.to_id = self._label(v, ends)
                last.minutes += e_min
                last.km += e_km
                last.path.extend(pts[1:])
                if e_mode == "drive" and line and line not in last.line.split(" / "):
                    last.line = f"{last.line} / {line}" if last.line else line
            else:
                legs.append(Leg(e_mode, self._label(u, ends), self._label(v, ends), e_min, e_km, pts, line))
        points: list[list[float]] = []
        for leg in legs:
            for p in leg.path:
                if not points or points[-1] != p:
                    points.append(p)
        nodes = [self._label(steps[0][0], ends)] + [
            self._label(v, ends) for _, v, _ in steps if not v.endswith(_RAIL_SUFFIX)
        ]
        nodes = [n for i, n in enumerate(nodes) if i == 0 or n != nodes[i - 1]]
        return Route(src.label, dst.label, mode, minutes, km, legs, estimate, points, nodes)

    def rail_minutes(self, a: str, b: str) -> float:
        """Scheduled train minutes from station ``a`` to station ``b`` (rail links only, no transfers)."""
        for s in (a, b):
            if s + _RAIL_SUFFIX not in self.graph:
                raise UnknownPlaceError(s, [n[: -len(_RAIL_SUFFIX)] for n in self.graph if n.endswith(_RAIL_SUFFIX)][:3])
        src = _End(a + _RAIL_SUFFIX, a, *self.position(a))
        dist, _, _ = self._search("rail", src, [])
        if b + _RAIL_SUFFIX not in dist:
            raise DataError(f"no rail line joins '{a}' and '{b}'", file=self.directory)
        return dist[b + _RAIL_SUFFIX]

    def matrix(
        self,
        places: Sequence[Any],
        mode: str = "drive",
        progress: Callable[[float, str], None] | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> TravelMatrix:
        """Minutes and km between every ordered pair of ``places``: one Dijkstra per place.

        ``minutes[i][j]`` equals ``route(places[i], places[j], mode).minutes``. ``progress`` gets
        the fraction done and a message; ``cancelled`` returning True stops with ``Cancelled``.
        """
        ends = [self._end(p) for p in places]
        n = len(ends)
        minutes = np.zeros((n, n))
        km = np.zeros((n, n))
        est = np.zeros((n, n), dtype=bool)
        virtual = [e for e in ends if e.virtual]
        for i, src in enumerate(ends):
            if cancelled is not None and cancelled():
                raise Cancelled("travel-time matrix cancelled")
            dist, dkm, pred = self._search(mode, src, virtual)
            for j, dst in enumerate(ends):
                if dst.key == src.key:
                    est[i, j] = src.virtual
                    continue
                if dst.key not in dist:
                    raise DataError(f"no {mode} route from '{src.label}' to '{dst.label}' in the network")
                minutes[i, j] = dist[dst.key]
                km[i, j] = dkm[dst.key]
                est[i, j] = src.virtual or dst.virtual or _path_has_estimate(pred, src.key, dst.key)
            if progress is not None:
                progress((i + 1) / n, f"travel times from {i + 1} of {n} places")
        return TravelMatrix([e.label for e in ends], minutes, km, mode, est)


def _path_has_estimate(pred, src: str, dst: str) -> bool:
    node = dst
    while node != src:
        u, e = pred[node]
        if e[3][3]:
            return True
        node = u
    return False


def _nearest_joins(ids, lat_r, lon_r, graph, lat: float, lon: float, k: int) -> list[tuple[str, float, float]]:
    if not ids:
        return []
    p, l0 = math.radians(lat), math.radians(lon)
    a = np.sin((lat_r - p) / 2) ** 2 + np.cos(p) * np.cos(lat_r) * np.sin((lon_r - l0) / 2) ** 2
    hav = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    order = np.argsort(hav, kind="stable")[: k + 4]
    cand = []
    for idx in order:
        node = ids[int(idx)]
        d = graph.nodes[node]
        cand.append((geodesic_km(lat, lon, d["lat"], d["lon"]), node))
    cand.sort()
    speed = SPEED_KMH[ESTIMATE_CLASS]
    out = []
    for g, node in cand[:k]:
        road_km = g * ESTIMATE_DETOUR
        out.append((node, road_km / speed * 60.0, road_km))
    return out


# ---- loading ------------------------------------------------------------------------------
_CACHE: dict[str, Network] = {}


def load_network(catalog: Any = None, directory: str | Path | None = None) -> Network:
    """Load and validate the network tables and join the catalog's spots to them.

    Parameters
    ----------
    catalog : Catalog, optional
        The spots to join (default: the bundled catalog, ``planner.catalog.load_catalog()``).
    directory : path, optional
        A folder with the network tables (default: the bundled ``data/network``).

    Returns
    -------
    Network
        Cached per process when both arguments are None.

    Raises
    ------
    DataError
        Naming the file, the row and the field of the first bad row.
    """
    bundled = catalog is None and directory is None
    if bundled and "bundled" in _CACHE:
        return _CACHE["bundled"]
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    d = Path(directory) if directory is not None else paths.network_dir()
    graph = build_graph(d, catalog)
    net = Network(graph, catalog, str(d))
    if bundled:
        _CACHE["bundled"] = net
    return net


def _read(d: Path, table: str, required: bool = True) -> tuple[str, list[tuple[int, dict[str, str]]]]:
    path = d / FILES[table]
    fname = str(path)
    if not path.is_file():
        if required:
            raise DataError("file not found", file=fname)
        return fname, []
    from io import StringIO

    from planner import io as _io

    text, _enc = _io.read_csv_text(path, DataError)
    try:
        with StringIO(text, newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in _COLUMNS[table] if c not in header]
            if missing:
                raise DataError(f"missing column(s): {', '.join(missing)}", file=fname, field=missing[0])
            rows = [(i, {k: (v or "").strip() for k, v in r.items() if k is not None}) for i, r in enumerate(reader, start=2)]
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", file=fname) from None
    return fname, rows


def _num(r: dict, fld: str, fname: str, row: int, *, positive: bool = False, allow_zero: bool = True) -> float:
    text = r.get(fld, "")
    try:
        value = float(text)
    except ValueError:
        raise DataError(f"'{text}' is not a number", file=fname, row=row, field=fld) from None
    if not math.isfinite(value):
        raise DataError(f"'{text}' is not a finite number", file=fname, row=row, field=fld)
    if value < 0:
        raise DataError(f"{value:g} is negative", file=fname, row=row, field=fld)
    if value == 0 and not allow_zero:
        raise DataError("must be more than 0", file=fname, row=row, field=fld)
    return value


def _shape(text: str, fname: str, row: int) -> tuple[tuple[float, float], ...]:
    pts = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        try:
            la, lo = (float(x) for x in part.split())
        except ValueError:
            raise DataError(f"'{part}' is not 'lat lon'", file=fname, row=row, field="shape") from None
        if not (REGION_LAT[0] <= la <= REGION_LAT[1] and REGION_LON[0] <= lo <= REGION_LON[1]):
            raise DataError(f"shape point ({la}, {lo}) is outside the region", file=fname, row=row, field="shape")
        pts.append((la, lo))
    return tuple(pts)


def _check_km(graph, u: str, v: str, km: float, fname: str, row: int) -> None:
    g = geodesic_km(graph.nodes[u]["lat"], graph.nodes[u]["lon"], graph.nodes[v]["lat"], graph.nodes[v]["lon"])
    if km < g * MIN_KM_RATIO:
        raise DataError(
            f"{km:g} km is shorter than the straight-line distance {g:.1f} km between '{u}' and '{v}'",
            file=fname,
            row=row,
            field="km",
        )


def build_graph(directory: str | Path, catalog: Any = None) -> nx.MultiDiGraph:
    """Read the network tables of ``directory`` into a validated MultiDiGraph (see load_network)."""
    d = Path(directory)
    g = nx.MultiDiGraph()

    fname, rows = _read(d, "nodes")
    for row, r in rows:
        nid = r["id"]
        if not _ID_RE.match(nid):
            raise DataError(f"'{nid}' is not a lowercase-hyphen id", file=fname, row=row, field="id")
        if nid in g:
            raise DataError(f"duplicate node id '{nid}'", file=fname, row=row, field="id")
        if r["kind"] not in NODE_KINDS:
            raise DataError(f"'{r['kind']}' is not one of {', '.join(NODE_KINDS)}", file=fname, row=row, field="kind")
        lat = _num(r, "lat", fname, row)
        lon = _num(r, "lon", fname, row)
        if not (REGION_LAT[0] <= lat <= REGION_LAT[1]):
            raise DataError(f"{lat} is outside the region", file=fname, row=row, field="lat")
        if not (REGION_LON[0] <= lon <= REGION_LON[1]):
            raise DataError(f"{lon} is outside the region", file=fname, row=row, field="lon")
        if not r["source"]:
            raise DataError("is empty", file=fname, row=row, field="source")
        # A hub or station is the catalog's place: its sourced position there is the one truth.
        if catalog is not None and nid in catalog:
            spot = catalog.spots[nid]
            lat, lon = spot.lat, spot.lon
        g.add_node(nid, kind=r["kind"], name_zh=r["name_zh"], name_en=r["name_en"], lat=lat, lon=lon)

    def known(node: str, fld: str, fname: str, row: int, kind: str | None = None) -> None:
        if node not in g or g.nodes[node].get("kind") not in NODE_KINDS:
            close = difflib.get_close_matches(node, [n for n in g.nodes if not n.endswith(_RAIL_SUFFIX)], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise DataError(f"unknown node id '{node}'{hint}", file=fname, row=row, field=fld)
        if kind and g.nodes[node]["kind"] != kind:
            raise DataError(f"'{node}' is a {g.nodes[node]['kind']}, not a {kind}", file=fname, row=row, field=fld)

    fname, rows = _read(d, "roads")
    for row, r in rows:
        known(r["from"], "from", fname, row)
        known(r["to"], "to", fname, row)
        if r["from"] == r["to"]:
            raise DataError("a link from a node to itself", file=fname, row=row, field="to")
        cls = r["class"]
        if cls not in SPEED_KMH:
            raise DataError(f"'{cls}' is not a road class ({', '.join(ROAD_CLASSES)})", file=fname, row=row, field="class")
        km = _num(r, "km", fname, row, allow_zero=False)
        _check_km(g, r["from"], r["to"], km, fname, row)
        if not r["source"]:
            raise DataError("is empty", file=fname, row=row, field="source")
        shape = _shape(r["shape"], fname, row)
        minutes = km / SPEED_KMH[cls] * 60.0
        common = dict(mode="drive", km=km, minutes=minutes, line=r["road"], road_class=cls, source=r["source"])
        g.add_edge(r["from"], r["to"], shape=shape, **common)
        g.add_edge(r["to"], r["from"], shape=tuple(reversed(shape)), **common)

    fname, rows = _read(d, "transfers", required=False)
    transfer: dict[str, tuple[float, float]] = {}
    for row, r in rows:
        known(r["station"], "station", fname, row, kind="station")
        transfer[r["station"]] = (
            _num(r, "board_minutes", fname, row),
            _num(r, "alight_minutes", fname, row),
        )

    fname, rows = _read(d, "rail")
    for row, r in rows:
        known(r["from"], "from", fname, row, kind="station")
        known(r["to"], "to", fname, row, kind="station")
        if r["from"] == r["to"]:
            raise DataError("a link from a station to itself", file=fname, row=row, field="to")
        minutes = _num(r, "minutes", fname, row, allow_zero=False)
        km = _num(r, "km", fname, row, allow_zero=False)
        _check_km(g, r["from"], r["to"], km, fname, row)
        if not r["source"]:
            raise DataError("is empty", file=fname, row=row, field="source")
        for s in (r["from"], r["to"]):
            plat = s + _RAIL_SUFFIX
            if plat not in g:
                d_ = g.nodes[s]
                g.add_node(plat, kind="platform", lat=d_["lat"], lon=d_["lon"], name_zh=d_["name_zh"], name_en=d_["name_en"])
                board, alight = transfer.get(s, (DEFAULT_BOARD_MINUTES, DEFAULT_ALIGHT_MINUTES))
                g.add_edge(s, plat, mode="transfer", minutes=board, km=0.0, line="board", shape=())
                g.add_edge(plat, s, mode="transfer", minutes=alight, km=0.0, line="alight", shape=())
        common = dict(mode="rail", km=km, minutes=minutes, line=r["line"], shape=(), source=r["source"])
        g.add_edge(r["from"] + _RAIL_SUFFIX, r["to"] + _RAIL_SUFFIX, **common)
        g.add_edge(r["to"] + _RAIL_SUFFIX, r["from"] + _RAIL_SUFFIX, **common)

    spots = {s.id: s for s in catalog} if catalog is not None else {}
    for sid, s in spots.items():
        if sid not in g:
            g.add_node(sid, kind="spot", terminal=True, lat=s.lat, lon=s.lon, name_zh=s.name_zh, name_en=s.name_en)
    fname, rows = _read(d, "access", required=False)
    joined: set[str] = set()
    for row, r in rows:
        sid = r["spot"]
        known(r["node"], "node", fname, row)
        cls = r["class"]
        if cls not in SPEED_KMH:
            raise DataError(f"'{cls}' is not a road class ({', '.join(ROAD_CLASSES)})", file=fname, row=row, field="class")
        km = _num(r, "km", fname, row)
        if not r["source"]:
            raise DataError("is empty", file=fname, row=row, field="source")
        if sid not in g or g.nodes[sid].get("kind") != "spot":
            continue  # a spot no longer (or not yet) in the catalog, or one that is a node itself
        _check_km(g, sid, r["node"], km, fname, row)
        minutes = km / SPEED_KMH[cls] * 60.0
        line = f"access ({cls})"
        g.add_edge(sid, r["node"], mode="access", km=km, minutes=minutes, line=line, shape=(), source=r["source"])
        g.add_edge(r["node"], sid, mode="access", km=km, minutes=minutes, line=line, shape=(), source=r["source"])
        joined.add(sid)

    # Catalog spots without an access row still get a route, flagged as an estimate.
    ids = [n for n, dd in g.nodes(data=True) if dd.get("kind") in NODE_KINDS]
    lat_r = np.radians([g.nodes[n]["lat"] for n in ids])
    lon_r = np.radians([g.nodes[n]["lon"] for n in ids])
    for sid, s in spots.items():
        if g.nodes[sid].get("kind") == "spot" and sid not in joined:
            for node, minutes, km in _nearest_joins(ids, lat_r, lon_r, g, s.lat, s.lon, ESTIMATE_JOIN_NODES):
                attrs = dict(mode="estimate", km=km, minutes=minutes, line="estimate", shape=(), estimate=True)
                g.add_edge(sid, node, **attrs)
                g.add_edge(node, sid, **attrs)
    return g


# ---- calibration ------------------------------------------------------------------------
def calibration_table(network: Network | None = None, path: str | Path | None = None) -> list[dict]:
    """Model minutes next to each published figure of ``data/network/calibration.csv``.

    Modes: ``drive`` and ``drive+rail`` compare door-to-door route minutes; ``rail`` compares the
    scheduled train minutes between the two stations (as timetables state them). Rows whose ``use``
    column starts with "no" (typical rather than fastest trains, upper bounds) are computed but
    marked ``used`` False, so they are shown and not scored. A row whose place is
    in neither the catalog nor the network gets ``model_minutes`` None and a ``skip`` reason.
    """
    net = network or load_network()
    p = Path(path) if path is not None else paths.network_dir() / "calibration.csv"
    out = []
    with open(p, encoding="utf-8", newline="") as fh:
        for row, r in enumerate(csv.DictReader(fh), start=2):
            rec: dict[str, Any] = dict(r)
            rec["row"] = row
            rec["published_minutes"] = float(r["published_minutes"])
            missing = [x for x in (r["from"], r["to"]) if x not in net and (net.catalog is None or x not in net.catalog)]
            if missing:
                rec.update(model_minutes=None, model_km=None, error=None, used=False, skip=f"not in catalog: {', '.join(missing)}")
                out.append(rec)
                continue
            mode = r["mode"]
            rec["used"] = not r.get("use", "yes").strip().lower().startswith("no")
            if mode == "rail":
                model = net.rail_minutes(r["from"], r["to"])
                route = net.route(r["from"], r["to"], "drive+rail")
                legs = f"rail {model:.0f}"
            else:
                route = net.route(r["from"], r["to"], mode)
                model = route.minutes
                legs = " + ".join(f"{leg.mode} {leg.minutes:.0f}" for leg in route.legs)
            rec.update(
                model_minutes=model,
                model_km=route.km if mode != "rail" else None,
                error=(model - rec["published_minutes"]) / rec["published_minutes"],
                skip="",
                legs=legs,
            )
            out.append(rec)
    return out
