"""Atomic file writes: a temporary file in the same folder, then a rename, with normal permissions."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(tmp: str | os.PathLike, path: str | os.PathLike) -> None:
    """Give the finished temporary file the permissions a newly created file would have
    (``mkstemp`` makes it 0600), then rename it over ``path``."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)


def write_atomic(path: str | os.PathLike, write, *, make_folder: bool = False) -> Path:
    """Call ``write(fh)`` on a text file that is a temporary file in the same folder as ``path``,
    then rename it into place. A crash, a full disk or an error in ``write`` leaves the old file
    (or none), never half a file, and no temporary file behind."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if make_folder:
        folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=str(folder))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        publish(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return path


def write_text_atomic(path: str | os.PathLike, text: str, *, make_folder: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`write_atomic`)."""
    return write_atomic(path, lambda fh: fh.write(text), make_folder=make_folder)
