"""The one writer and the one reader (planner.io): what a user's files look like afterwards."""

from __future__ import annotations

import os
import stat

import pytest

from planner import io as qio
from planner.errors import PlannerError


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def _temps(folder) -> list[str]:
    return [n for n in os.listdir(folder) if n.startswith(qio.TEMP_PREFIX)]


def test_new_file_gets_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        qio.write_text(tmp_path / "plan.json", "{}")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "plan.json") == 0o644
    assert _temps(tmp_path) == []


def test_replacing_keeps_permission_bits(tmp_path):
    p = tmp_path / "secret.json"
    p.write_text("old")
    os.chmod(p, 0o600)
    qio.write_text(p, "new")
    assert p.read_text() == "new" and _mode(p) == 0o600


def test_writing_through_a_symlink_writes_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    qio.write_text(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new"


def test_hard_links_stay_linked(tmp_path):
    a = tmp_path / "a.json"
    a.write_text("old")
    b = tmp_path / "b.json"
    os.link(a, b)
    qio.write_text(a, "new")
    assert b.read_text() == "new" and os.stat(a).st_ino == os.stat(b).st_ino


@pytest.mark.parametrize("kind", ["fifo", "dir", "readonly", "empty", "device"])
def test_unsafe_outputs_are_refused_and_left_alone(tmp_path, kind):
    if kind == "fifo":
        p = tmp_path / "pipe"
        os.mkfifo(p)
    elif kind == "dir":
        p = tmp_path / "folder"
        p.mkdir()
    elif kind == "readonly":
        p = tmp_path / "ro.json"
        p.write_text("keep")
        os.chmod(p, 0o444)
    elif kind == "device":
        p = "/dev/null"
    else:
        p = ""
    with pytest.raises(PlannerError) as exc:
        qio.write_text(p, "new")
    assert "\n" not in str(exc.value)
    if kind == "readonly":
        assert p.read_text() == "keep" and "read-only" in str(exc.value)
    if kind == "fifo":
        assert stat.S_ISFIFO(os.stat(p).st_mode)
    assert _temps(tmp_path) == []


def test_output_that_is_an_input_is_refused(tmp_path):
    src = tmp_path / "x.json"
    src.write_text('{"a": 1}')
    os.symlink(src, tmp_path / "alias.json")
    sub = tmp_path / "sub"
    sub.mkdir()
    for out in (src, tmp_path / "." / "x.json", sub / ".." / "x.json", tmp_path / "alias.json"):
        with pytest.raises(PlannerError, match="also an input"):
            qio.write_text(out, "boom", inputs=[src])
    assert src.read_text() == '{"a": 1}'


def test_a_failing_write_leaves_the_old_file_and_no_temporary(tmp_path):
    p = tmp_path / "plan.json"
    p.write_text("old")

    def bad(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        qio.write_file(p, bad)
    assert p.read_text() == "old" and _temps(tmp_path) == []


def test_batch_is_all_or_nothing(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    with qio.WriteBatch() as batch:
        batch.add(a, lambda t: t.write_text("new a"))
        with pytest.raises(PlannerError):
            batch.add(tmp_path / "nofolder" / "b.txt", lambda t: t.write_text("new b"))
    assert a.read_text() == "old a" and not b.exists() and _temps(tmp_path) == []
    with qio.WriteBatch() as batch:
        batch.add(a, lambda t: t.write_text("new a"))
        batch.add(b, lambda t: t.write_text("new b"))
        batch.commit()
    assert a.read_text() == "new a" and b.read_text() == "new b" and _temps(tmp_path) == []


def test_reader_refuses_special_files_without_hanging(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(PlannerError, match="not a regular file"):
        qio.read_json(fifo)
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(PlannerError, match="not a regular file"):
        qio.read_json(link)


def test_reader_checks_size_before_reading(tmp_path):
    p = tmp_path / "big.json"
    with open(p, "wb") as fh:
        fh.truncate(qio.MAX_BYTES + 1)
    with pytest.raises(PlannerError, match="too large"):
        qio.read_json(p)


@pytest.mark.parametrize(
    "text, words",
    [
        ('{"a": NaN}', "NaN"),
        ('{"a": Infinity}', "Infinity"),
        ('{"a": -Infinity}', "Infinity"),
        ('{"a": 1e999}', "out of range"),
        ('{"a": ' + "9" * 5000 + "}", "too large"),
        ("[" * 1500 + "]" * 1500, "nested deeper"),
        ('{"t": "\\ud800"}', "surrogate"),
        ('{"a": 1,}', "not valid JSON"),
    ],
)
def test_json_reader_refuses_hostile_json(tmp_path, text, words):
    p = tmp_path / "x.json"
    p.write_text(text)
    with pytest.raises(PlannerError) as exc:
        qio.read_json(p)
    msg = str(exc.value)
    assert words in msg and str(p) in msg and "\n" not in msg


def test_csv_reader_reads_gbk_and_refuses_binary(tmp_path):
    p = tmp_path / "spots.csv"
    p.write_bytes("id,name_zh\nhuangguoshu,黄果树瀑布\n".encode("gbk"))
    rows, enc = qio.read_csv(p)
    assert rows[1] == ["huangguoshu", "黄果树瀑布"] and enc == "gb18030"
    png = tmp_path / "img.csv"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(PlannerError, match="binary"):
        qio.read_csv(png)
