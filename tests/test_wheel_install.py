"""`pip install .` (not editable) gives a `qiantu` whose data and map assets come from the wheel."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    wheels = tmp_path_factory.mktemp("wheel")
    target = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    assert build.returncode == 0, build.stderr
    wheel = next(wheels.glob("qiantu-*.whl"))
    inst = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert inst.returncode == 0, inst.stderr
    return target


def _run(target: Path, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "QIANTU_DATA")}
    env["PYTHONPATH"] = str(target)
    # Run from an empty folder so the source tree cannot be picked up by accident.
    return subprocess.run([sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)


def test_wheel_carries_data_and_assets(installed, tmp_path):
    out = _run(installed, tmp_path, "-c",
               "import planner, planner.paths as p; print(planner.__file__); print(p.data_dir()); print(p.assets_dir())")
    assert out.returncode == 0, out.stderr
    pkg, data, assets = out.stdout.split()
    assert pkg.startswith(str(installed)) and data.startswith(str(installed)) and assets.startswith(str(installed))
    assert (Path(data) / "scenic_spots" / "hubs.csv").is_file()
    assert (Path(assets) / "leaflet" / "leaflet.js").is_file()
    assert (Path(assets) / "outlines.geojson").is_file()
    assert (Path(assets) / "qiantu.js").is_file() and (Path(assets) / "qiantu.css").is_file()
    assert (Path(pkg).parent / "mapping" / "page.py").is_file()
    assert (Path(data) / "routes" / "zunyi-classic.json").is_file()
    assert (Path(data) / "network" / "road_links.csv").is_file()
    assert (Path(data) / "rates" / "vehicles.csv").is_file()
    assert (installed / "ui" / "i18n" / "qiantu_zh_CN.qm").is_file()
    assert (installed / "planner" / "schemas" / "plan.schema.json").is_file()


def test_installed_qiantu_plans_and_exports(installed, tmp_path):
    plan = tmp_path / "plan.json"
    out = _run(installed, tmp_path, "-m", "planner", "plan", str(installed / "planner" / "_data" / "routes" /
                                                              "zunyi-classic.json"), "-o", str(plan))
    assert out.returncode == 0, out.stderr
    gpx = tmp_path / "trip.gpx"
    out = _run(installed, tmp_path, "-m", "planner", "export", str(plan), "--gpx", str(gpx))
    assert out.returncode == 0, out.stderr
    assert "遵义会议会址" in gpx.read_text(encoding="utf-8")
    page = tmp_path / "trip.html"
    out = _run(installed, tmp_path, "-m", "planner", "export", str(plan), "--html", str(page))
    assert out.returncode == 0, out.stderr
    text = page.read_text(encoding="utf-8")
    assert "qiantu-data" in text and "Content-Security-Policy" in text and "遵义会议会址" in text


def test_installed_qiantu_lists_the_catalog(installed, tmp_path):
    out = _run(installed, tmp_path, "-m", "planner", "spots", "--format", "json")
    assert out.returncode == 0, out.stderr
    spots = json.loads(out.stdout)
    assert len(spots) >= 70
    assert "huangguoshu-waterfall" in {s["id"] for s in spots}
