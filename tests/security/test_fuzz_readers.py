"""Property-based fuzzing of the readers: any file yields a valid object or a PlannerError with
one line, never another exception (issue: security and no lost work, "Tests")."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.catalog import load_catalog, read_spot_table
from planner.errors import PlannerError
from planner.io import parse_json
from planner.package import package_from_dict
from planner.plan import plan_from_dict
from planner.request import request_from_dict

ROOT = Path(__file__).resolve().parents[2]
REQUEST = json.loads((ROOT / "docs" / "examples" / "guizhou-classic-5-days.json").read_text(encoding="utf-8"))
PLAN = json.loads((ROOT / "tests" / "data" / "export_plan_5days.json").read_text(encoding="utf-8"))
CATALOG_CSV = (ROOT / "tests" / "data" / "mini_catalog.csv").read_text(encoding="utf-8")

CATALOG = load_catalog()

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)


def _paths(doc, prefix=()):
    """Every (path) into a JSON tree, so a mutation can replace any one node."""
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


def _mutated(doc, data):
    """``doc`` with one node replaced by an arbitrary JSON value, or one key deleted."""
    doc = copy.deepcopy(doc)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths))
    parent = doc
    for k in path[:-1]:
        parent = parent[k]
    if isinstance(parent, dict) and data.draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = data.draw(json_values)
    return doc


def _check(read, doc):
    try:
        read(doc)
    except PlannerError as exc:
        assert "\n" not in str(exc)


FUZZ = settings(max_examples=int(__import__("os").environ.get("QIANTU_FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.data())
def test_request_reader_never_crashes(data):
    _check(lambda d: request_from_dict(d, file="req.json", catalog=CATALOG), _mutated(REQUEST, data))


@FUZZ
@given(st.data())
def test_plan_reader_never_crashes(data):
    _check(lambda d: plan_from_dict(d, file="plan.json"), _mutated(PLAN, data))


@FUZZ
@given(st.data())
def test_package_reader_never_crashes(data):
    pkg = {"schema": "qiantu/package@1", "title": "t", "request": REQUEST, "plan": PLAN, "notes": ""}
    _check(lambda d: package_from_dict(d, file="p.qiantu.json", catalog=CATALOG), _mutated(pkg, data))


@FUZZ
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_json_parser_never_crashes(raw):
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return
    try:
        parse_json(text, "x.json")
    except PlannerError as exc:
        assert "\n" not in str(exc)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_catalog_reader_never_crashes(tmp_path_factory, data):
    lines = CATALOG_CSV.splitlines()
    i = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
    how = data.draw(st.sampled_from(["replace_line", "replace_cell", "truncate", "bytes"]))
    if how == "replace_line":
        lines[i] = data.draw(st.text(max_size=80))
        raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    elif how == "replace_cell":
        cells = lines[i].split(",")
        j = data.draw(st.integers(min_value=0, max_value=len(cells) - 1))
        cells[j] = data.draw(st.text(max_size=20).filter(lambda s: "\n" not in s and "\r" not in s))
        lines[i] = ",".join(cells)
        raw = "\n".join(lines).encode("utf-8", "surrogatepass")
    elif how == "truncate":
        raw = CATALOG_CSV.encode("utf-8")[: data.draw(st.integers(min_value=0, max_value=len(CATALOG_CSV)))]
    else:
        raw = data.draw(st.binary(max_size=200))
    p = tmp_path_factory.mktemp("fuzz") / "spots.csv"
    p.write_bytes(raw)
    try:
        read_spot_table(p)
    except PlannerError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("name", ["request", "plan"])
def test_fuzz_base_documents_are_valid(name):
    """The seeds of the fuzzing are themselves valid, so mutations explore near-valid files."""
    if name == "request":
        request_from_dict(REQUEST, catalog=CATALOG)
    else:
        plan_from_dict(PLAN)
