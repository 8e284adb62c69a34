"""Atomic file writes: a temporary file in the same folder, then a rename, with normal permissions."""

from __future__ import annotations

import os


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(tmp: str | os.PathLike, path: str | os.PathLike) -> None:
    """Give the finished temporary file the permissions a newly created file would have
    (``mkstemp`` makes it 0600), then rename it over ``path``."""
    os.chmod(tmp, 0o666 & ~_umask())
    os.replace(tmp, path)
