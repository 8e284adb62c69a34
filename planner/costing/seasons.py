"""Seasonal rates: date ranges (Golden Week, Spring Festival, summer peak, low season) with a
multiplier per rate kind, read from ``data/rates/seasons.csv`` and applied by each night's date."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from pathlib import Path

from planner.costing.tables import num, read_table
from planner.errors import DataError

#: Rate kinds a season can change (a column of seasons.csv each). Tickets, train fares, meals
#: and insurance are published prices that do not follow the season.
SEASON_KINDS = ("hotel", "vehicle", "guide")
COLUMNS = ("id", "name_zh", "name_en", "start", "end", *SEASON_KINDS, "source", "note")
STANDARD = "standard"  # the season of a date no range covers (multiplier 1)


@dataclass(frozen=True)
class Season:
    """One date range (both ends included) and its multipliers."""

    id: str
    name_zh: str
    name_en: str
    start: _dt.date
    end: _dt.date
    multipliers: dict[str, float]
    source: str
    note: str = ""

    @property
    def estimate(self) -> bool:
        return "estimate" in self.note.lower()


@dataclass(frozen=True)
class Seasons:
    """The seasons of a rates folder, in date order (no two overlap)."""

    ranges: tuple[Season, ...]

    def at(self, date: _dt.date | None) -> Season | None:
        """The season ``date`` falls in, or None (standard rates; also when the date is unknown)."""
        if date is None:
            return None
        for s in self.ranges:
            if s.start <= date <= s.end:
                return s
        return None

    def factor(self, date: _dt.date | None, kind: str) -> tuple[float, str]:
        """(multiplier, season id) of a rate ``kind`` on ``date``; (1.0, "standard") outside every range."""
        s = self.at(date)
        if s is None:
            return 1.0, STANDARD
        return s.multipliers.get(kind, 1.0), s.id


def _date(text: str, fname: str, row: int, col: str) -> _dt.date:
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        raise DataError(f"'{text}' is not a date YYYY-MM-DD", file=fname, row=row, field=col) from None


def load_seasons(path: Path | str) -> Seasons:
    """Read and check a seasons table.

    Raises
    ------
    DataError
        Naming the file, the line and the column: an unknown or missing column, a date that is not
        YYYY-MM-DD, a range that ends before it starts, two ranges that overlap, a multiplier that
        is not a number above 0, a duplicate id, an empty source.
    """
    path = Path(path)
    fname = str(path)
    out: list[tuple[int, Season]] = []
    ids: set[str] = set()
    for row, rec in read_table(path, COLUMNS):
        if not rec["id"]:
            raise DataError("is empty", file=fname, row=row, field="id")
        start = _date(rec["start"], fname, row, "start")
        end = _date(rec["end"], fname, row, "end")
        if end < start:
            raise DataError(f"ends ({end}) before it starts ({start})", file=fname, row=row, field="end")
        key = f"{rec['id']}@{start}"
        if key in ids:
            raise DataError(f"'{rec['id']}' starting {start} given twice", file=fname, row=row, field="id")
        ids.add(key)
        mult = {k: float(num(rec, k, fname, row, positive=True)) for k in SEASON_KINDS}
        out.append((row, Season(rec["id"], rec["name_zh"], rec["name_en"], start, end, mult, rec["source"],
                                rec["note"])))
    out.sort(key=lambda x: x[1].start)
    for (_r1, a), (r2, b) in zip(out, out[1:]):
        if b.start <= a.end:
            raise DataError(
                f"'{b.id}' ({b.start} – {b.end}) overlaps '{a.id}' ({a.start} – {a.end})",
                file=fname, row=r2, field="start",
            )
    return Seasons(tuple(s for _, s in out))
