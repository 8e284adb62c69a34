"""Text from users and data reaches HTML and JavaScript escaped: no injected script runs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from planner.export import export_html
from planner.mapping import plan_map, render_html

PLAN = Path(__file__).resolve().parent / "data" / "export_plan_5days.json"
EVIL_NAME = "`+alert(7)+`${alert(8)}</b><script>alert(9)</script>\\"
EVIL_TITLE = "</title><script>alert(2)</script>"


def _evil_plan() -> dict:
    plan = copy.deepcopy(json.loads(PLAN.read_text(encoding="utf-8")))
    plan["title"] = EVIL_TITLE
    first = plan["days"][0]
    plan.setdefault("places", {})["custom:evil"] = {"name": EVIL_NAME, "lat": 26.58, "lon": 106.71}
    first["start"] = "custom:evil"
    for item in first["items"]:
        if item.get("type") == "travel":
            item["from"] = "custom:evil"
            break
    return plan


def _assert_clean(page: str) -> None:
    for bad in ("<script>alert", "`+alert(7)+`", "${alert(8)}", "</title><script>"):
        assert bad not in page, bad


def test_plan_map_escapes_names_and_title():
    _assert_clean(render_html(plan_map(_evil_plan())))


def test_html_export_escapes_title_and_names(tmp_path):
    out = tmp_path / "evil.html"
    export_html(_evil_plan(), out)
    page = out.read_text(encoding="utf-8")
    _assert_clean(page)
    assert "&lt;/title&gt;" in page
