"""The `qiantu` command as a person runs it: output, exit status, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def qiantu(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "planner", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_spots_json_lists_sourced_wgs84_places():
    out = qiantu("spots", "--format", "json")
    assert out.returncode == 0, out.stderr
    spots = json.loads(out.stdout)
    ids = {s["id"] for s in spots}
    assert {"huangguoshu-waterfall", "zunyi-conference-site", "guangzhou-south-station"} <= ids
    for s in spots:
        assert s["source"] and isinstance(s["lat"], float) and isinstance(s["lon"], float)


def test_spots_theme_filter_and_csv():
    out = qiantu("spots", "--theme", "red", "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert len(rows) >= 14
    assert all("red" in r["themes"].split(";") for r in rows)


def test_spots_table_counts():
    out = qiantu("spots", "--kind", "station")
    assert out.returncode == 0
    assert "guiyang-north-station" in out.stdout
    assert out.stdout.strip().splitlines()[-1].endswith("places")


def test_unknown_theme_is_one_line_exit_2():
    out = qiantu("spots", "--theme", "beaches")
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "beaches" in lines[0] and "Traceback" not in out.stderr


def test_bad_option_is_one_line_exit_2():
    out = qiantu("spots", "--format", "xml")
    assert out.returncode == 2
    assert len(out.stderr.strip().splitlines()) == 1


def test_check_good_and_bad_catalog_files(tmp_path, data_dir):
    good = qiantu("check", str(data_dir / "mini_catalog.csv"))
    assert good.returncode == 0 and "3 places" in good.stdout
    bad = tmp_path / "bad.csv"
    text = (data_dir / "mini_catalog.csv").read_text(encoding="utf-8").replace("25.992,105.666", "105.666,25.992")
    bad.write_text(text, encoding="utf-8")
    out = qiantu("check", str(bad))
    assert out.returncode == 2
    line = out.stderr.strip()
    assert "\n" not in line and "bad.csv:3" in line and "'lat'" in line and "swapped" in line
    missing = qiantu("check", str(tmp_path / "nope.json"))
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_check_every_bundled_table():
    """Every data table QianTu ships is recognised and valid: catalog, events, network, rates."""
    tables = sorted((ROOT / "data").rglob("*.csv"))
    assert len(tables) >= 20
    for p in tables:
        out = qiantu("check", str(p))
        assert out.returncode == 0, f"{p}: {out.stderr}"
        assert "OK" in out.stdout


def _plan(tmp_path, edit):
    plan = json.loads((ROOT / "tests" / "data" / "export_plan_5days.json").read_text(encoding="utf-8"))
    edit(plan)
    p = tmp_path / "plan.json"
    p.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    return p


def _first(plan, kind):
    return next(it for it in plan["days"][0]["items"] if it["type"] == kind)


def _shift_second_travel(plan):
    """Move a travel leg 10 minutes later (keeping its length): it no longer starts when the item
    before it ended."""
    travels = [it for it in plan["days"][0]["items"] if it["type"] == "travel"]
    t = travels[1]
    for key in ("depart", "arrive"):
        h, m = map(int, t[key].split(":"))
        total = h * 60 + m + 10
        t[key] = f"{total // 60:02d}:{total % 60:02d}"


def test_check_refuses_plans_that_break_the_chaining_rule(tmp_path):
    assert qiantu("check", str(_plan(tmp_path, lambda p: None))).returncode == 0
    cases = {
        "depart": _shift_second_travel,
        "minutes": lambda p: _first(p, "travel").__setitem__("minutes", 5),
        "wait_minutes": lambda p: _first(p, "visit").__setitem__("wait_minutes", 99),
        "order": lambda p: p["order"].reverse(),
        "date": lambda p: p["days"][1].__setitem__("date", "2027-13-01"),
        "id": lambda p: _first(p, "visit").__setitem__("id", "no-such-place"),
    }
    for field, edit in cases.items():
        out = qiantu("check", str(_plan(tmp_path, edit)))
        assert out.returncode == 2, field
        line = out.stderr.strip()
        assert "\n" not in line and field in line and "Traceback" not in line, (field, line)


def test_plan_output_that_cannot_be_written_is_one_line(tmp_path):
    out = qiantu("plan", str(ROOT / "data" / "routes" / "zunyi-classic.json"), "-o", str(tmp_path / "no" / "x.json"))
    assert out.returncode == 2 and "-o" in out.stderr and "does not exist" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_unknown_command_or_file():
    out = qiantu("frobnicate")
    assert out.returncode == 2 and "no such command or file" in out.stderr


def test_custom_start_outside_the_region_is_refused(tmp_path):
    req = tmp_path / "far.json"
    req.write_text(json.dumps({"schema": "qiantu/request@1", "start": {"name": "Beijing", "lat": 39.9, "lon": 116.4},
                               "days": 3, "stops": [{"id": "huangguoshu-waterfall"}]}), encoding="utf-8")
    out = qiantu("plan", str(req), "-o", str(tmp_path / "p.json"))
    assert out.returncode == 2 and "'start'" in out.stderr and "outside" in out.stderr
    assert not (tmp_path / "p.json").exists()


def test_plan_item_errors_name_the_item_field(tmp_path):
    def bad_type(plan):
        _first(plan, "visit")["type"] = "dance"

    def bad_wait(plan):
        _first(plan, "visit")["wait_minutes"] = -5

    out = qiantu("check", str(_plan(tmp_path, bad_type)))
    assert out.returncode == 2 and ".type'" in out.stderr and "dance" in out.stderr
    out = qiantu("check", str(_plan(tmp_path, bad_wait)))
    assert out.returncode == 2 and ".wait_minutes'" in out.stderr and "minimum" in out.stderr
    lst = tmp_path / "list.json"
    lst.write_text("[1, 2]", encoding="utf-8")
    out = qiantu("plan", str(lst))
    assert out.returncode == 2 and "JSON object" in out.stderr
