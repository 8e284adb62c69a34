"""Network timings: load, and travel-time matrices for 10, 60 and 300 places.

Each figure is printed as a ratio against anchors measured in the same run:
  A1 = one plain networkx single_source_dijkstra over the whole graph (weight "minutes");
  A2 = a 60 x 60 geodesic-distance matrix computed with geopy.
Run: .venv/bin/python benchmarks/bench_network.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import networkx as nx  # noqa: E402

from planner import network as network_mod  # noqa: E402
from planner.catalog import load_catalog  # noqa: E402
from planner.geo import geodesic_km  # noqa: E402
from planner.network import Place, load_network  # noqa: E402


def best_of(fn, repeat=5):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    catalog = load_catalog()
    network_mod._CACHE.clear()
    t_load = best_of(lambda: load_network(catalog=catalog), 3)
    net = load_network(catalog=catalog)
    g = net.graph
    a1 = best_of(lambda: nx.single_source_dijkstra(g, "guiyang", weight="minutes"), 20)

    rng = random.Random(0)
    base = [n for n in g.nodes if not n.endswith("#rail")]
    rng.shuffle(base)

    def places(n):
        out = list(base[: min(n, len(base))])
        i = 0
        while len(out) < n:  # beyond the graph's own places: perturbed custom places
            lat, lon = net.position(base[i % len(base)])
            out.append(Place(f"p{i}", f"p{i}", lat + rng.uniform(-0.05, 0.05), lon + rng.uniform(-0.05, 0.05)))
            i += 1
        return out

    pts60 = [net.position(p) for p in base[:60]]
    a2 = best_of(lambda: [[geodesic_km(*p, *q) for q in pts60] for p in pts60], 3)

    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; catalog {len(catalog)} places")
    print(f"anchor A1  networkx single_source_dijkstra, whole graph: {a1 * 1e3:8.2f} ms")
    print(f"anchor A2  60x60 geopy geodesic matrix:                   {a2 * 1e3:8.2f} ms")
    print(f"load_network (tables + catalog joins):  {t_load * 1e3:8.2f} ms = {t_load / a1:6.1f} x A1 = {t_load / a2:5.2f} x A2")
    for n in (10, 60, 300):
        ps = places(n)
        for mode in ("drive", "drive+rail"):
            t = best_of(lambda: net.matrix(ps, mode), 3 if n < 300 else 1)
            print(f"matrix {n:3d} places {mode:10s}: {t * 1e3:8.2f} ms = {t / a1:6.1f} x A1 = {t / a2:5.2f} x A2")


if __name__ == "__main__":
    main()
