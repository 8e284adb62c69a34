"""Where the bundled data and assets live, in a source checkout and in an installed wheel."""

from __future__ import annotations

import os
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The bundled ``data/`` folder.

    In a wheel the top-level ``data/`` is installed as ``planner/_data`` (see pyproject.toml);
    in a source checkout it is the repository's ``data/``. ``QIANTU_DATA`` overrides both.
    """
    env = os.environ.get("QIANTU_DATA")
    if env:
        return Path(env)
    installed = _HERE / "_data"
    if (installed / "scenic_spots").is_dir():
        return installed
    return _HERE.parent / "data"


def scenic_spots_dir() -> Path:
    """The catalog tables."""
    return data_dir() / "scenic_spots"


def network_dir() -> Path:
    """The road and rail link tables."""
    return data_dir() / "network"


def assets_dir() -> Path:
    """JavaScript, CSS and GeoJSON shipped for the offline map."""
    return _HERE / "assets"
