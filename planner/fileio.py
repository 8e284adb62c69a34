"""Old names of the atomic writers, kept for callers not yet moved: see :mod:`planner.io`."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from planner import io as _io


def write_atomic(path: str | os.PathLike, write: Callable[[IO[str]], None], *, make_folder: bool = False) -> Path:
    """Call ``write(fh)`` on a UTF-8 text stream that replaces ``path`` safely (:func:`planner.io.write_stream`)."""
    return _io.write_stream(path, write, make_folder=make_folder)


def write_text_atomic(path: str | os.PathLike, text: str, *, make_folder: bool = False) -> Path:
    """Write ``text`` (UTF-8) to ``path`` safely (:func:`planner.io.write_text`)."""
    return _io.write_text(path, text, make_folder=make_folder)
