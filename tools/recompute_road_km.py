"""Recompute the estimated km of data/network/road_links.csv from the current node positions.

An estimate row (its note starts with ``estimate: km = geodesic of the shape polyline x F``)
gets km = geodesic length of the polyline ``from -> shape points -> to`` times F, rounded UP to
0.1 km (never less than MIN_KM). F is the detour factor per road class (DETOUR below, the same
numbers the README gives). Node positions are the loader's: a hub or station takes its
position from the catalog (data/scenic_spots/), every other node from road_nodes.csv. So after
a catalog position or a junction moves, re-running this tool keeps every estimate link at
least as long as its straight line.

A row with any other note (a published road distance, cited in ``source``/``note``) is kept as
it is; the tool only reports it if it has become shorter than the straight line.

Usage: python tools/recompute_road_km.py [--network DIR] [--check]
``--check`` writes nothing and exits 1 when a km is out of date (or a published km is now
shorter than its straight line).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import paths  # noqa: E402
from planner.catalog import load_catalog  # noqa: E402
from planner.geo import geodesic_km, polyline_km  # noqa: E402
from planner.network import FILES, MIN_KM_RATIO  # noqa: E402

# Detour factor (road km / geodesic km of the corridor polyline) per road class.
DETOUR = {
    "expressway": 1.2,
    "national": 1.3,
    "provincial": 1.3,
    "urban": 1.3,
    "county": 1.35,
    "scenic": 1.35,
}
MIN_KM = 0.5
ESTIMATE_RE = re.compile(r"^estimate: km = geodesic of the shape polyline x (\d+(?:\.\d+)?)")


def estimate_note(cls: str) -> str:
    return f"estimate: km = geodesic of the shape polyline x {DETOUR[cls]:g}"


def node_positions(network_dir: Path, catalog) -> dict[str, tuple[float, float]]:
    """Node id -> (lat, lon) as the loader sees it (catalog position for catalog ids)."""
    pos = {}
    with open(network_dir / FILES["nodes"], encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            nid = r["id"]
            if catalog is not None and nid in catalog:
                s = catalog.spots[nid]
                pos[nid] = (s.lat, s.lon)
            else:
                pos[nid] = (float(r["lat"]), float(r["lon"]))
    return pos


def shape_points(text: str) -> list[tuple[float, float]]:
    pts = []
    for part in text.split(";"):
        part = part.strip()
        if part:
            la, lo = (float(x) for x in part.split())
            pts.append((la, lo))
    return pts


def recompute(rows: list[dict[str, str]], pos: dict[str, tuple[float, float]]) -> tuple[list[dict[str, str]], list[str]]:
    """New rows, and problems that the tool cannot fix (published km shorter than the straight line)."""
    out, problems = [], []
    for line, r in enumerate(rows, start=2):
        r = dict(r)
        a, b = pos[r["from"]], pos[r["to"]]
        if ESTIMATE_RE.match(r["note"]):
            cls = r["class"]
            poly = polyline_km([a, *shape_points(r["shape"]), b])
            km = max(MIN_KM, math.ceil(round(poly * DETOUR[cls] * 10, 6)) / 10)
            r["km"] = f"{km:.1f}"
            r["note"] = estimate_note(cls)
        else:
            straight = geodesic_km(*a, *b)
            if float(r["km"]) < straight * MIN_KM_RATIO:
                problems.append(
                    f"road_links.csv:{line}: published {r['km']} km {r['from']}-{r['to']} is shorter than the "
                    f"straight line {straight:.1f} km: check the node positions or the source"
                )
        out.append(r)
    return out, problems


def render(rows: list[dict[str, str]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--network", help="network folder (default: the bundled data/network)")
    ap.add_argument("--catalog", help="catalog folder or CSV (default: the bundled catalog)")
    ap.add_argument("--check", action="store_true", help="exit 1 if a km is out of date; write nothing")
    args = ap.parse_args(argv)
    network_dir = Path(args.network) if args.network else paths.network_dir()
    catalog = load_catalog(args.catalog) if args.catalog else load_catalog()
    path = network_dir / FILES["roads"]
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    new, problems = recompute(rows, node_positions(network_dir, catalog))
    for p in problems:
        print(p, file=sys.stderr)
    text = render(new, columns)
    old = path.read_text(encoding="utf-8")
    if args.check:
        if old != text:
            changed = sum(1 for x, y in zip(rows, new) if x["km"] != y["km"] or x["note"] != y["note"])
            print(f"{path} is out of date ({changed} rows): run python tools/recompute_road_km.py", file=sys.stderr)
            return 1
        if problems:
            return 1
        print(f"{path} is up to date")
        return 0
    changed = sum(1 for x, y in zip(rows, new) if x["km"] != y["km"])
    if old != text:
        path.write_text(text, encoding="utf-8")
    n_est = sum(1 for r in new if ESTIMATE_RE.match(r["note"]))
    print(f"wrote {path}: {n_est} estimate rows recomputed ({changed} changed), {len(new) - n_est} published rows kept")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
