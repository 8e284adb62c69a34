"""Hostile and careless files on the command line (issue: security and no lost work, items 3-4, 7-10).

Each test is what a person does with a file from outside; each asserts what they would see:
exit status 2, one line naming the file and the field, and their files untouched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "tests" / "data" / "export_plan_5days.json"
REQUEST = ROOT / "docs" / "examples" / "guizhou-classic-5-days.json"
TEMP_PREFIX = ".qiantu-tmp-"


def qiantu(*args, cwd=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def one_clear_line(out: subprocess.CompletedProcess, *words: str) -> str:
    assert out.returncode == 2, (out.returncode, out.stdout, out.stderr)
    lines = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr
    for w in words:
        assert w in lines[0], (w, lines[0])
    return lines[0]


def temps(folder: Path) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith(TEMP_PREFIX)]


@pytest.fixture
def plan_copy(tmp_path) -> Path:
    p = tmp_path / "trip.json"
    shutil.copy(PLAN, p)
    return p


@pytest.fixture
def request_copy(tmp_path) -> Path:
    p = tmp_path / "req.json"
    d = json.loads(REQUEST.read_text(encoding="utf-8"))
    d["time_limit_s"] = 1
    d["stops"] = d["stops"][:3]
    d["days"] = 2
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return p


# ---------------------------------------------------------------- 3. an output that is an input


def test_plan_onto_its_own_request_is_refused(request_copy, tmp_path):
    before = digest(request_copy)
    for out in (request_copy, f"./{request_copy.name}", f"sub/../{request_copy.name}"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        res = qiantu("plan", request_copy.name, "-o", out, cwd=tmp_path)
        one_clear_line(res, "also an input", "-o")
        assert digest(request_copy) == before
    link = tmp_path / "alias.json"
    link.symlink_to(request_copy)
    one_clear_line(qiantu("plan", request_copy, "-o", link), "also an input")
    hard = tmp_path / "hard.json"
    os.link(request_copy, hard)
    one_clear_line(qiantu("plan", request_copy, "-o", hard), "also an input")
    assert digest(request_copy) == before and temps(tmp_path) == []


@pytest.mark.parametrize("fmt", ["html", "xlsx", "kml", "gpx", "ics", "geojson"])
def test_export_over_its_own_plan_is_refused(plan_copy, tmp_path, fmt):
    before = digest(plan_copy)
    res = qiantu("export", plan_copy, f"--{fmt}", plan_copy)
    one_clear_line(res, str(plan_copy), "also an input", f"--{fmt}")
    assert digest(plan_copy) == before and temps(tmp_path) == []


def test_report_over_its_own_plan_is_refused(plan_copy):
    before = digest(plan_copy)
    one_clear_line(qiantu("report", plan_copy, "--json", plan_copy), "also an input", "--json")
    assert digest(plan_copy) == before


# ---------------------------------------------------------------- 4. unsafe outputs


def test_outputs_that_are_not_regular_writable_files_are_refused(plan_copy, tmp_path):
    fifo = tmp_path / "pipe.kml"
    os.mkfifo(fifo)
    one_clear_line(qiantu("export", plan_copy, "--kml", fifo, timeout=30), "not a regular file", "--kml")
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    one_clear_line(qiantu("export", plan_copy, "--gpx", "/dev/null"), "not a regular file")
    one_clear_line(qiantu("export", plan_copy, "--gpx", tmp_path), "folder")
    ro = tmp_path / "ro.gpx"
    ro.write_text("keep me")
    os.chmod(ro, 0o444)
    one_clear_line(qiantu("export", plan_copy, "--gpx", ro), "read-only")
    assert ro.read_text() == "keep me"
    one_clear_line(qiantu("export", plan_copy, "--gpx", ""), "no file name")
    assert temps(tmp_path) == []


def test_plan_to_empty_name_is_refused(request_copy):
    one_clear_line(qiantu("plan", request_copy, "-o", ""), "no file name", "-o")


def test_replacing_an_export_keeps_its_mode_and_its_link(plan_copy, tmp_path):
    real = tmp_path / "real.gpx"
    real.write_text("old")
    os.chmod(real, 0o600)
    link = tmp_path / "link.gpx"
    link.symlink_to(real)
    res = qiantu("export", plan_copy, "--gpx", link)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert "<gpx" in real.read_text(encoding="utf-8")


def test_a_failing_multi_file_export_changes_no_file(plan_copy, tmp_path):
    old = tmp_path / "old.gpx"
    old.write_text("previous export")
    ro = tmp_path / "ro.kml"
    ro.write_text("x")
    os.chmod(ro, 0o444)
    res = qiantu("export", plan_copy, "--gpx", old, "--geojson", tmp_path / "new.geojson", "--kml", ro)
    one_clear_line(res, "read-only")
    assert old.read_text() == "previous export" and not (tmp_path / "new.geojson").exists()
    assert temps(tmp_path) == []


# ---------------------------------------------------------------- 7. hostile inputs: one line


def _request_with(tmp_path, name, **changes) -> Path:
    d = json.loads(REQUEST.read_text(encoding="utf-8"))
    d.update(changes)
    p = tmp_path / name
    p.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return p


@pytest.mark.parametrize(
    "name, changes, field",
    [
        ("days-float.json", {"days": 5.0}, "days"),
        ("far-date.json", {"start_date": "9999-12-30"}, "start_date"),
        ("schema-list.json", {"schema": ["qiantu/request@1"]}, "schema"),
        ("schema-object.json", {"schema": {"v": 1}}, "schema"),
        ("long-title.json", {"title": "长" * 200_000}, "title"),
        ("days-text.json", {"days": "ten"}, "days"),
        ("stops-bool.json", {"stops": True}, "stops"),  # found by the fuzzing (a TypeError before)
        ("newline-id.json", {"stops": [{"id": "x\nqiantu: fake second line"}]}, "stops[0].id"),  # fuzzing too
    ],
)
def test_hostile_request_values_give_one_line(tmp_path, name, changes, field):
    p = _request_with(tmp_path, name, **changes)
    for cmd in (("check", p), ("plan", p, "-o", tmp_path / "out.json")):
        one_clear_line(qiantu(*cmd), str(p), field)
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize(
    "name, text, words",
    [
        ("deep.json", "[" * 1500 + "]" * 1500, "nested"),
        ("bigint.json", '{"schema": "qiantu/request@1", "days": ' + "7" * 5000 + "}", "too large"),
        ("surrogate.json", '{"schema": "qiantu/request@1", "title": "\\udc00"}', "surrogate"),
        ("nan.json", '{"schema": "qiantu/plan@1", "totals": {"km": NaN}}', "NaN"),
        ("inf.json", '{"schema": "qiantu/plan@1", "totals": {"km": Infinity}}', "Infinity"),
        ("empty.json", "", "not valid JSON"),
    ],
)
def test_hostile_json_gives_one_line(tmp_path, name, text, words):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    for cmd in (("check", p), ("export", p, "--gpx", tmp_path / "x.gpx"), ("report", p)):
        one_clear_line(qiantu(*cmd), str(p), words)
    assert not (tmp_path / "x.gpx").exists()


@pytest.mark.parametrize("tag", [[], ["qiantu/package@1"], {"a": 1}, 3.5, None])
def test_package_with_a_strange_schema_tag_gives_one_line(tmp_path, tag):
    # found by tests/security/test_fuzz_readers.py: a list as the tag was a TypeError
    p = tmp_path / "strange.qiantu.json"
    p.write_text(json.dumps({"schema": tag, "request": {}}), encoding="utf-8")
    for cmd in (("check", p), ("plan", p), ("export", p, "--gpx", tmp_path / "x.gpx")):
        one_clear_line(qiantu(*cmd), str(p), "schema")


def test_nan_in_a_plan_file_is_refused_by_check_and_export(plan_copy, tmp_path):
    text = plan_copy.read_text(encoding="utf-8").replace('"km": ', '"km": NaN, "x": ', 1)
    plan_copy.write_text(text, encoding="utf-8")
    one_clear_line(qiantu("check", plan_copy), "NaN")


def test_gbk_catalog_is_read_with_a_note(tmp_path):
    src = ROOT / "tests" / "data" / "mini_catalog.csv"
    p = tmp_path / "gbk.csv"
    p.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    res = qiantu("check", p)
    assert res.returncode == 0, res.stderr
    assert "GB18030" in res.stdout
    res = qiantu("spots", "--data", p, "--format", "json")
    assert res.returncode == 0, res.stderr
    names = {s["name_zh"] for s in json.loads(res.stdout)}
    assert names == {r.split(",")[1] for r in src.read_text(encoding="utf-8").splitlines()[1:] if r}


def test_binary_catalog_is_refused(tmp_path):
    p = tmp_path / "photo.csv"
    p.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    one_clear_line(qiantu("check", p), str(p), "binary")
    one_clear_line(qiantu("spots", "--data", p), str(p), "binary")


# ---------------------------------------------------------------- 8. no hangs


def test_check_on_a_fifo_or_dev_zero_returns_at_once(tmp_path):
    fifo = tmp_path / "trip.json"
    os.mkfifo(fifo)
    one_clear_line(qiantu("check", fifo, timeout=20), "not a regular file")
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    one_clear_line(qiantu("check", link, timeout=20), "not a regular file")
    one_clear_line(qiantu("export", link, "--gpx", tmp_path / "a.gpx", timeout=20), "not a regular file")


def test_oversized_file_is_refused_before_reading(tmp_path):
    p = tmp_path / "huge.json"
    with open(p, "wb") as fh:
        fh.truncate(60 * 1024 * 1024)
    one_clear_line(qiantu("check", p, timeout=20), "too large")


# ---------------------------------------------------------------- 10. leftovers


def test_sigterm_during_an_export_leaves_no_temporary_file(plan_copy, tmp_path):
    out = tmp_path / "trip.xlsx"
    env = dict(os.environ)
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "export", str(plan_copy), "--xlsx", str(out),
         "--gpx", str(tmp_path / "t.gpx"), "--kml", str(tmp_path / "t.kml")],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    # Wait until the first temporary file exists (the export has begun writing), then stop it.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not temps(tmp_path) and proc.poll() is None:
        time.sleep(0.005)
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert temps(tmp_path) == []
    if proc.returncode != 0:  # stopped in time: nothing new, all or nothing
        assert not out.exists() and not (tmp_path / "t.gpx").exists()


def test_an_over_long_catalog_cell_is_refused_with_its_line_and_field(tmp_path):
    src = (ROOT / "tests" / "data" / "mini_catalog.csv").read_text(encoding="utf-8").splitlines()
    cells = src[1].split(",")
    cells[1] = "长" * 100_000
    p = tmp_path / "long.csv"
    p.write_text(src[0] + "\n" + ",".join(cells) + "\n", encoding="utf-8")
    one_clear_line(qiantu("check", p), f"{p}:2", "name_zh", "limit")
    one_clear_line(qiantu("spots", "--data", p), "name_zh")


def test_the_longest_allowed_title_still_prints(plan_copy, tmp_path):
    """A title at the 500-character limit (with no space to break at) still makes a PDF."""
    d = json.loads(plan_copy.read_text(encoding="utf-8"))
    d["title"] = "黔" * 500
    plan_copy.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "long.pdf"
    res = qiantu("export", plan_copy, "--pdf", out, timeout=300)
    assert res.returncode == 0, res.stderr
    assert out.read_bytes().startswith(b"%PDF")
