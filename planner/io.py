"""Every file QianTu reads or writes goes through here: one guarded reader, one safe atomic writer.

Files come from other people (packages, plans, requests, catalogs), so the reader trusts nothing:
it opens only regular files, checks the size before reading, refuses binary data, parses JSON
without NaN/Infinity, with a depth and number-size limit and without lone surrogates. The writer
never destroys what it did not mean to: it refuses outputs that are inputs, folders, devices,
FIFOs and read-only files; it writes a temporary file beside the target and renames it into
place, keeping the target's permission bits, the symlink that points at it, and its hard links.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import signal
import stat
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from planner.errors import PlannerError

MAX_BYTES = 50 * 1024 * 1024
"""Largest file the reader accepts (checked before reading)."""
MAX_JSON_DEPTH = 64
"""Deepest nesting of JSON arrays and objects accepted (real files nest about 6 deep)."""
MAX_INT_DIGITS = 30
"""Longest integer literal accepted in JSON (a 5,000-digit number is an attack, not a price)."""
TEMP_PREFIX = ".qiantu-tmp-"
"""Temporary files carry this prefix, so a person (or a cleanup) recognises them."""

PathLike = str | os.PathLike[str]


# --------------------------------------------------------------------------- reading


def _err(error_class: type[PlannerError], msg: str, path: PathLike, **kw: Any) -> PlannerError:
    return error_class(msg, file=str(path), **kw)


def read_bytes(
    path: PathLike,
    error_class: type[PlannerError] = PlannerError,
    *,
    max_bytes: int = MAX_BYTES,
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    A FIFO, a device (``/dev/zero``), a folder or a missing file is refused before anything is
    read, so the call never hangs; a link is followed to its target and judged by that.
    """
    if str(path) == "":
        raise error_class("no file name given")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not block; regular files ignore it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _err(error_class, "file not found", path) from None
    except IsADirectoryError:
        raise _err(error_class, "is a folder, not a file", path) from None
    except PermissionError:
        raise _err(error_class, "cannot be read (permission denied)", path) from None
    except OSError as exc:
        raise _err(error_class, f"cannot be opened ({exc.strerror or exc})", path) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise _err(error_class, "is a folder, not a file", path)
        if not stat.S_ISREG(st.st_mode):
            raise _err(error_class, "is not a regular file (a device, pipe or socket): refused", path)
        if st.st_size > max_bytes:
            raise _err(error_class, f"is too large ({st.st_size:,} bytes; the limit is {max_bytes:,})", path)
        chunks = []
        left = max_bytes + 1
        while left > 0:
            try:
                b = os.read(fd, min(left, 1 << 20))
            except OSError as exc:
                raise _err(error_class, f"cannot be read ({exc.strerror or exc})", path) from None
            if not b:
                break
            chunks.append(b)
            left -= len(b)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # the file grew while we read it
            raise _err(error_class, f"is too large (over {max_bytes:,} bytes)", path)
        return data
    finally:
        os.close(fd)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text (NUL bytes, or the signature of a common binary format)."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    return head.startswith((b"\x89PNG", b"%PDF", b"PK\x03\x04", b"\xff\xd8\xff", b"GIF8", b"\x7fELF"))


def decode_text(
    data: bytes,
    path: PathLike,
    error_class: type[PlannerError] = PlannerError,
    *,
    allow_gb18030: bool = False,
) -> tuple[str, str]:
    """``(text, encoding)``: UTF-8 (with or without a BOM) or, when allowed, GB18030 (what a
    Chinese Excel saves as "CSV"); binary data and other encodings are refused."""
    if looks_binary(data):
        raise _err(error_class, "is not a text file (binary data)", path)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if allow_gb18030:
        try:
            return data.decode("gb18030"), "gb18030"
        except UnicodeDecodeError:
            pass
    where = data[: utf8_error.start].count(b"\n") + 1
    raise _err(error_class, f"is not UTF-8 text (a byte that is not UTF-8 on line {where})", path, row=where)


def read_text(
    path: PathLike,
    error_class: type[PlannerError] = PlannerError,
    *,
    allow_gb18030: bool = False,
    max_bytes: int = MAX_BYTES,
) -> tuple[str, str]:
    """``(text, encoding)`` of a text file read with :func:`read_bytes` and :func:`decode_text`."""
    return decode_text(read_bytes(path, error_class, max_bytes=max_bytes), path, error_class, allow_gb18030=allow_gb18030)


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when ``text`` nests arrays/objects deeper than ``limit`` (strings are skipped).

    Checked before parsing, because Python's parser answers a deep document with RecursionError.
    """
    depth = 0
    in_str = False
    esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return True
        elif ch in "]}":
            depth -= 1
    return False


class _BadJSON(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _BadJSON(f"{name} is not a number QianTu accepts")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _BadJSON(f"a {len(text)}-digit number is too large")
    return int(text)


def _parse_float(text: str) -> float:
    if len(text) > 400:
        raise _BadJSON("a number with too many digits")
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _BadJSON(f"{text[:20]} is out of range")
    return value


def _first_surrogate(doc: Any, where: str = "") -> str | None:
    """The JSON path of the first string (key or value) holding a lone UTF-16 surrogate."""
    stack: list[tuple[Any, str]] = [(doc, where)]
    while stack:
        node, at = stack.pop()
        if isinstance(node, str):
            try:
                node.encode("utf-8")
            except UnicodeEncodeError:
                return at or "(top)"
        elif isinstance(node, dict):
            for k, v in node.items():
                sub = f"{at}.{k}" if at else str(k)
                try:
                    str(k).encode("utf-8")
                except UnicodeEncodeError:
                    return at or "(top)"
                stack.append((v, sub))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                stack.append((v, f"{at}[{i}]"))
    return None


def parse_json(text: str, path: PathLike | None = None, error_class: type[PlannerError] = PlannerError) -> Any:
    """Parse JSON text strictly: no NaN/Infinity, bounded depth and number size, no lone
    surrogates. Every problem is a ``error_class`` naming the file (and line where known)."""
    file = None if path is None else str(path)
    if json_depth_exceeds(text):
        raise error_class(f"JSON nested deeper than {MAX_JSON_DEPTH} levels: refused", file=file)
    try:
        doc = json.loads(text, parse_constant=_no_constant, parse_int=_parse_int, parse_float=_parse_float)
    except json.JSONDecodeError as exc:
        raise error_class(f"not valid JSON ({exc.msg})", file=file, row=exc.lineno) from None
    except _BadJSON as exc:
        raise error_class(f"not valid JSON for QianTu ({exc})", file=file) from None
    except (ValueError, RecursionError) as exc:
        raise error_class(f"not valid JSON ({str(exc)[:80]})", file=file) from None
    bad = _first_surrogate(doc)
    if bad is not None:
        raise error_class("text with an invalid character (a lone surrogate)", file=file, field=bad)
    return doc


def read_json(path: PathLike, error_class: type[PlannerError] = PlannerError) -> Any:
    """Read and parse a JSON file with every guard of :func:`read_bytes` and :func:`parse_json`."""
    text, _enc = read_text(path, error_class)
    return parse_json(text, path, error_class)


def read_csv_text(path: PathLike, error_class: type[PlannerError] = PlannerError) -> tuple[str, str]:
    """``(text, encoding)`` of a CSV table: UTF-8, or GB18030/GBK as Chinese Excel saves it
    (the caller may mention the encoding); binary data, devices and huge files are refused."""
    return read_text(path, error_class, allow_gb18030=True)


def read_csv(path: PathLike, error_class: type[PlannerError] = PlannerError) -> tuple[list[list[str]], str]:
    """``(rows, encoding)``: every row of a CSV table as lists of strings (header first)."""
    import csv
    import io as _stdio

    text, enc = read_csv_text(path, error_class)
    try:
        rows = list(csv.reader(_stdio.StringIO(text, newline="")))
    except csv.Error as exc:
        raise error_class(f"not a valid CSV table ({exc})", file=str(path)) from None
    return rows, enc


def read_table(
    path: PathLike,
    columns: Iterable[str],
    error_class: type[PlannerError] = PlannerError,
    *,
    allow_extra: bool = False,
) -> list[tuple[int, dict[str, str]]]:
    """The rows of a CSV table with a fixed header, as ``(line number, {column: stripped text})``.

    The one place that checks what every data table shares: a header with each of ``columns``
    (and no other, unless ``allow_extra``), the same number of cells on every line; blank lines
    are skipped. Problems name the file, the line and the column.
    """
    rows, _enc = read_csv(path, error_class)
    fname = str(path)
    if not rows:
        raise error_class("the file is empty", file=fname)
    want = list(columns)
    header = [h.strip() for h in rows[0]]
    missing = [c for c in want if c not in header]
    if missing:
        raise error_class(f"missing column(s): {', '.join(missing)}", file=fname, row=1, field=missing[0])
    unknown = [c for c in header if c not in want]
    if unknown and not allow_extra:
        raise error_class(f"unknown column(s): {', '.join(unknown)}", file=fname, row=1, field=unknown[0])
    out = []
    for i, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            raise error_class(f"has {len(raw)} cells, the header has {len(header)}", file=fname, row=i)
        out.append((i, {h: v.strip() for h, v in zip(header, raw)}))
    return out


def dumps_json(doc: Any) -> str:
    """The JSON QianTu writes: UTF-8 text, indented, and never NaN (refused, not written)."""
    try:
        return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    except ValueError as exc:
        raise PlannerError(f"cannot be written as JSON ({exc})") from None


# --------------------------------------------------------------------------- writing

_live_temps: set[str] = set()
_live_lock = threading.Lock()


def _track(p: str) -> None:
    with _live_lock:
        _live_temps.add(p)


def _untrack(p: str) -> None:
    with _live_lock:
        _live_temps.discard(p)


def _remove(p: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(p)
    _untrack(str(p))


def remove_live_temps() -> None:
    """Delete every temporary file a write in this process has not finished (at exit, on SIGTERM)."""
    with _live_lock:
        left = list(_live_temps)
        _live_temps.clear()
    for p in left:
        with contextlib.suppress(OSError):
            os.unlink(p)


atexit.register(remove_live_temps)


def install_sigterm_cleanup() -> None:
    """Make SIGTERM (and SIGHUP) end the process through normal exit, so temporary files are
    removed; for the command line. The app installs its own handler."""

    def _handler(signum: int, _frame: Any) -> None:
        remove_live_temps()
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            with contextlib.suppress(ValueError, OSError):  # not the main thread
                signal.signal(sig, _handler)


def same_file(a: PathLike, b: PathLike) -> bool:
    """True when ``a`` and ``b`` are the same file (through ``./``, ``..``, links, hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_output(
    path: PathLike,
    *,
    inputs: Iterable[PathLike] = (),
    what: str = "file",
    field: str | None = None,
    make_folder: bool = False,
) -> Path:
    """Refuse an output before any work is done: an empty name, an output that is one of the
    ``inputs``, a folder, a device, FIFO or socket, a read-only file, a missing folder.

    Returns the path to write to (a symlink's target, so the link itself stays).
    """
    if path is None or str(path) == "":
        raise PlannerError(f"no file name given for the {what}", field=field)
    p = Path(path)
    for src in inputs:
        if src is not None and str(src) != "" and os.path.exists(src) and os.path.exists(p) and same_file(p, src):
            raise PlannerError(
                f"is also an input ({src}): writing the {what} there would destroy it; choose another name",
                file=str(path),
                field=field,
            )
    target = Path(os.path.realpath(p)) if p.is_symlink() else p
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise PlannerError(f"cannot be written ({exc.strerror or exc})", file=str(path), field=field) from None
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise PlannerError("is a folder, not a file name", file=str(path), field=field)
        if not stat.S_ISREG(st.st_mode):
            raise PlannerError("is not a regular file (a device, pipe or socket): refused", file=str(path), field=field)
        if not st.st_mode & 0o222:
            raise PlannerError("is read-only: not overwritten", file=str(path), field=field)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        if make_folder and not folder.exists():
            return target
        raise PlannerError(f"the folder '{folder}' does not exist", file=str(path), field=field)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PlannerError(f"the folder '{folder}' is not writable", file=str(path), field=field)
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Staged:
    """A finished temporary file waiting to replace its target."""

    def __init__(self, tmp: str, target: Path, display: str) -> None:
        self.tmp = tmp
        self.target = target
        self.display = display


def _stage(
    path: PathLike,
    write: Callable[[Path], None],
    *,
    inputs: Iterable[PathLike],
    what: str,
    field: str | None,
    make_folder: bool,
) -> _Staged:
    target = check_output(path, inputs=inputs, what=what, field=field, make_folder=make_folder)
    folder = target.parent if str(target.parent) else Path(".")
    if make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    tmp = str(folder / f"{TEMP_PREFIX}{target.name[:80]}.{secrets.token_hex(4)}")
    # Tracked before it exists: a signal at any moment from here on finds it in the list.
    _track(tmp)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        _untrack(tmp)
        raise PlannerError(f"cannot write the {what} ({exc.strerror or exc})", file=str(path), field=field) from None
    try:
        os.close(fd)
        write(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        try:
            st = os.stat(target)
            os.chmod(tmp, stat.S_IMODE(st.st_mode))
            with contextlib.suppress(OSError):
                os.chown(tmp, st.st_uid, st.st_gid)
        except FileNotFoundError:
            os.chmod(tmp, 0o666 & ~_umask())
    except PlannerError as exc:
        _remove(tmp)
        if exc.file is None:
            exc.file = str(path)
            exc.args = (exc.one_line(),)
        raise
    except OSError as exc:
        _remove(tmp)
        raise PlannerError(f"cannot write the {what} ({exc.strerror or exc})", file=str(path), field=field) from None
    except BaseException:
        _remove(tmp)
        raise
    return _Staged(tmp, target, str(path))


def _publish(s: _Staged) -> None:
    """Move a staged file into place. A target with other hard links is rewritten in place (so
    every link sees the new content); any other target is replaced by an atomic rename."""
    try:
        nlink = os.stat(s.target).st_nlink
    except FileNotFoundError:
        nlink = 1
    if nlink > 1:
        with open(s.tmp, "rb") as src, open(s.target, "r+b") as dst:
            dst.truncate(0)
            while chunk := src.read(1 << 20):
                dst.write(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        _remove(s.tmp)
    else:
        os.replace(s.tmp, s.target)
        _untrack(s.tmp)


def write_file(
    path: PathLike,
    write: Callable[[Path], None],
    *,
    inputs: Iterable[PathLike] = (),
    what: str = "file",
    field: str | None = None,
    make_folder: bool = False,
) -> Path:
    """Write ``path`` by calling ``write(tmp)`` on a temporary file beside it, then moving it in.

    Refused before writing (PlannerError, one line): see :func:`check_output`. A failure or a
    signal during ``write`` leaves the old file as it was and no temporary file behind.
    """
    staged = _stage(path, write, inputs=inputs, what=what, field=field, make_folder=make_folder)
    try:
        _publish(staged)
    except OSError as exc:
        _remove(staged.tmp)
        raise PlannerError(f"cannot write the {what} ({exc.strerror or exc})", file=str(path), field=field) from None
    return Path(path)


def write_text(path: PathLike, text: str, **kw: Any) -> Path:
    """Write ``text`` as UTF-8 (see :func:`write_file` for the keywords)."""

    def w(tmp: Path) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    return write_file(path, w, **kw)


def write_json(path: PathLike, doc: Any, **kw: Any) -> Path:
    """Write ``doc`` as indented UTF-8 JSON (NaN refused) (see :func:`write_file`)."""
    text = dumps_json(doc)
    return write_text(path, text, **kw)


class WriteBatch:
    """Several files written all or nothing.

    ``add(path, write)`` writes each file to a temporary file at once; ``commit()`` moves them all
    into place. If any write fails, or the block is left by an exception, no target changes and
    no temporary file remains; if a move fails half-way, the files already moved are restored.
    """

    def __init__(self, *, inputs: Iterable[PathLike] = ()) -> None:
        self.inputs = [p for p in inputs if p is not None]
        self._staged: list[_Staged] = []
        self._done = False

    def check(self, path: PathLike, *, what: str = "file", field: str | None = None) -> None:
        """Refuse an output (see :func:`check_output`) and a path given twice in this batch."""
        check_output(path, inputs=self.inputs, what=what, field=field)

    def add(self, path: PathLike, write: Callable[[Path], None], *, what: str = "file", field: str | None = None) -> None:
        for s in self._staged:
            if os.path.realpath(s.display) == os.path.realpath(path):
                raise PlannerError("is given twice", file=str(path), field=field)
        self._staged.append(_stage(path, write, inputs=self.inputs, what=what, field=field, make_folder=False))

    def commit(self) -> list[Path]:
        backups: list[tuple[str, Path]] = []
        moved: list[_Staged] = []
        try:
            for s in self._staged:
                if s.target.exists():
                    bak = str(s.target.parent / f"{TEMP_PREFIX}bak-{s.target.name[:80]}.{secrets.token_hex(4)}")
                    _track(bak)
                    with open(s.target, "rb") as src, open(bak, "wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                    backups.append((bak, s.target))
            for s in self._staged:
                _publish(s)
                moved.append(s)
        except OSError as exc:
            for bak, target in backups:
                if any(m.target == target for m in moved):
                    with contextlib.suppress(OSError):
                        with open(bak, "rb") as src, open(target, "wb") as dst:
                            dst.write(src.read())
            raise PlannerError(f"cannot write ({exc.strerror or exc}); no file was changed") from None
        finally:
            for bak, _t in backups:
                _remove(bak)
            self.discard()
        self._done = True
        return [Path(s.display) for s in moved]

    def discard(self) -> None:
        for s in self._staged:
            _remove(s.tmp)
        self._staged = []

    def __enter__(self) -> WriteBatch:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.discard()
