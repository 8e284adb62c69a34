"""The planning core never imports Qt: every planner module imports in a fresh interpreter without PySide6."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import planner

ROOT = Path(__file__).resolve().parent.parent


def _planner_modules() -> list[str]:
    names = ["planner"]
    for info in pkgutil.walk_packages(planner.__path__, prefix="planner."):
        if info.name.startswith("planner._data") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return names


def test_every_planner_module_imports_without_qt():
    modules = _planner_modules()
    assert "planner.catalog" in modules and "planner.mapping" in modules and "planner.cli" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "qt = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'ui'))\n"
        "print('QT:' + ','.join(qt))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "QT:", out.stdout


def test_catalog_and_map_build_with_qt_blocked():
    """Core work (load the catalog, build the map page) runs where PySide6 cannot be imported at all."""
    code = (
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('PySide6', 'shiboken6'):\n"
        "            raise ImportError('Qt is blocked in this test')\n"
        "sys.meta_path.insert(0, Block())\n"
        "from planner.catalog import load_catalog\n"
        "from planner.mapping import catalog_map, render_html\n"
        "cat = load_catalog()\n"
        "html = render_html(catalog_map(cat))\n"
        "import json, re\n"
        "blob = re.search(r'<script type=\"application/json\" id=\"qiantu-data\">(.*?)</script>', html).group(1)\n"
        "print(len(cat), len(json.loads(blob)['spots']))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    n, markers = out.stdout.split()
    assert int(n) == int(markers) > 0


def test_no_planner_source_imports_qt_or_the_ui_even_lazily():
    """Imports inside functions do not show in sys.modules until called: read the source too."""
    import ast

    offenders = []
    for path in sorted((ROOT / "planner").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in ("PySide6", "shiboken6", "ui"):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert not offenders, offenders
