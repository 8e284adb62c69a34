"""Reading the sourced CSV tables of ``data/rates/``: columns checked, every row with a source."""

from __future__ import annotations

import math
from pathlib import Path

from planner.errors import DataError


def read_table(path: Path, want: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """The rows of a sourced CSV table as (line number, {column: text}); DataError naming the
    file, the line and the column of the first problem (missing/unknown column, empty source)."""
    fname = str(path)
    if not path.is_file():
        raise DataError("rates table not found", file=fname)
    from planner import io as _io

    out = []
    for i, rec in _io.read_table(path, want, DataError):
        if not rec["source"]:
            raise DataError("is empty (every rate needs a source)", file=fname, row=i, field="source")
        out.append((i, rec))
    if not out:
        raise DataError("has no rows", file=fname)
    return out


def num(
    rec: dict[str, str],
    col: str,
    fname: str,
    row: int,
    *,
    whole: bool = False,
    upper: float | None = None,
    positive: bool = False,
) -> float:
    text = rec[col]
    if not text:
        raise DataError("is empty", file=fname, row=row, field=col)
    try:
        x = float(text)
    except ValueError:
        raise DataError(f"'{text}' is not a number", file=fname, row=row, field=col) from None
    if not math.isfinite(x) or x < 0:
        raise DataError(f"'{text}' is not a number of 0 or more", file=fname, row=row, field=col)
    if positive and x == 0:
        raise DataError(f"'{text}' must be above 0", file=fname, row=row, field=col)
    if upper is not None and x > upper:
        raise DataError(f"'{text}' is above {upper:g}", file=fname, row=row, field=col)
    if whole:
        if x != int(x):
            raise DataError(f"'{text}' is not a whole number", file=fname, row=row, field=col)
        return int(x)
    return x
