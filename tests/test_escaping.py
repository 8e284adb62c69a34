"""Text from users and data reaches the map page as data: one escaped JSON block, no script source."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from planner.export import export_html
from planner.mapping import json_for_html, json_script, map_data, plan_map, render_html

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
    for bad in ("<script>alert", "</title><script>", "</b><script>"):
        assert bad not in page, bad


def _block(page: str) -> dict:
    found = re.findall(r'<script type="application/json" id="qiantu-data">(.*?)</script>', page, flags=re.S)
    assert len(found) == 1
    return json.loads(found[0])


def test_json_for_html_escapes_what_ends_an_element():
    text = json_for_html({"a": "</script><!-- & \u2028\u2029 '\""})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert "\\u003c/script\\u003e" in text and "\\u2028" in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028\u2029 '\""}
    assert json_script([1]).startswith('<script type="application/json" id="qiantu-data">')


def test_json_for_html_refuses_nan():
    import pytest

    with pytest.raises(ValueError):
        json_for_html({"lat": float("nan")})


def test_plan_map_keeps_names_and_title_as_data():
    m = plan_map(_evil_plan())
    page = render_html(m)
    _assert_clean(page)
    data = _block(page)
    assert data == json.loads(json.dumps(map_data(m)))
    assert data["title"] == EVIL_TITLE
    assert data["places"][0]["tooltip"] == "出发：" + EVIL_NAME
    assert "&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page  # the <title>, escaped


def test_html_export_escapes_title_and_names(tmp_path):
    out = tmp_path / "evil.html"
    export_html(_evil_plan(), out)
    page = out.read_text(encoding="utf-8")
    _assert_clean(page)
    assert "&lt;/title&gt;" in page
    assert _block(page)["title"] == EVIL_TITLE


def test_json_for_html_holds_any_text():
    """Any text (surrogates aside, which JSON text cannot carry as UTF-8) round-trips and can
    neither end its element nor start markup."""
    from hypothesis import given
    from hypothesis import strategies as st

    text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80)

    @given(st.recursive(text | st.integers() | st.booleans(), lambda c: st.lists(c, max_size=4)
                        | st.dictionaries(text, c, max_size=4), max_leaves=20))
    def check(value):
        out = json_for_html(value)
        assert not any(c in out for c in "<>&\u2028\u2029")
        assert json.loads(out) == value

    check()
