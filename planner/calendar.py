"""China's public holidays and make-up working days: the State Council table, the holidays package beyond it.

Sources, in order: ``data/calendar/cn_holidays.csv`` (one row per day of each year's State
Council notice, 国务院办公厅关于某年部分节假日安排的通知); for a year the table does not have,
the CN calendar of the ``holidays`` package (the statutory days of 《全国年节及纪念日放假办法》
and their observed substitutes), with the blocks of the 2026 notice carried over (1-5 May, 1-7
October, 除夕 to 初七; earlier notices moved them by a day or two in some years) and the weekend days that join them, each such day marked ``estimate``
(the notice decides the real block and its make-up working days).

Weekday closures (``closed_weekdays``) on holidays: Guizhou's museums publish "每周一闭馆（国家
法定节假日除外）" — closed on Mondays except on public holidays (贵州省博物馆, 贵州省民族博物馆
notices) — so on a public holiday no weekday closure applies. A make-up working day (调休上班, a
Saturday or Sunday) keeps its own weekday: a museum's weekly rest day follows the weekday, not
the working calendar. :func:`closure_weekday` is what the optimizer compares with the closures.
"""

from __future__ import annotations

import datetime as _dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from planner import paths
from planner.errors import DataError

TABLE_COLUMNS = ("year", "date", "kind", "name_zh", "name_en", "source", "note")
KINDS = ("holiday", "workday")
# Festival codes by the Chinese name (table rows) and by the holidays package's English names.
FESTIVALS = {
    "元旦": "new_year",
    "春节": "spring_festival",
    "清明节": "qingming",
    "劳动节": "labour_day",
    "端午节": "dragon_boat",
    "中秋节": "mid_autumn",
    "国庆节": "national_day",
}
FESTIVAL_NAMES = {
    "new_year": ("元旦", "New Year's Day"),
    "spring_festival": ("春节", "Spring Festival"),
    "qingming": ("清明节", "Qingming Festival"),
    "labour_day": ("劳动节", "Labour Day"),
    "dragon_boat": ("端午节", "Dragon Boat Festival"),
    "mid_autumn": ("中秋节", "Mid-Autumn Festival"),
    "national_day": ("国庆节", "National Day"),
}
_PACKAGE_NAMES = (  # holidays' English names -> festival code; National Day first (2028-10-03 is both)
    ("National Day", "national_day"),
    ("New Year's Day", "new_year"),
    ("Chinese New Year", "spring_festival"),
    ("Tomb-Sweeping", "qingming"),
    ("Labor Day", "labour_day"),
    ("Dragon Boat", "dragon_boat"),
    ("Mid-Autumn", "mid_autumn"),
)
# The three long holidays (黄金周 and 春节) that fill the big scenic areas.
CROWD_FESTIVALS = ("spring_festival", "labour_day", "national_day")
PACKAGE_SOURCE = "holidays (PyPI) CN calendar, rule-based"


class DayInfo(NamedTuple):
    """What the calendar says of one date: ``(is_holiday, is_makeup_workday, name)``."""

    is_holiday: bool
    is_makeup_workday: bool
    name: str


@dataclass(frozen=True)
class CalendarDay:
    """A holiday or make-up working day with its festival, names, source and whether it is an estimate."""

    date: _dt.date
    kind: str  # holiday | workday
    festival: str
    name_zh: str
    name_en: str
    source: str
    estimate: bool


def table_path() -> Path:
    """The bundled holiday table."""
    return paths.data_dir() / "calendar" / "cn_holidays.csv"


def _festival_of(name_zh: str) -> str:
    for key, code in FESTIVALS.items():
        if name_zh.startswith(key):
            return code
    return ""


def load_holiday_table(path: Path | str | None = None) -> list[CalendarDay]:
    """Read and validate a holiday table; DataError naming the file, line and field."""
    p = Path(path) if path is not None else table_path()
    fname = str(p)
    from planner import io as _io

    out: list[CalendarDay] = []
    seen: dict[_dt.date, int] = {}
    for line, r in _io.read_table(p, TABLE_COLUMNS, DataError):

        def err(fld: str, msg: str, line: int = line) -> DataError:
            return DataError(msg, file=fname, row=line, field=fld)

        for col in ("year", "date", "kind", "name_zh", "name_en", "source"):
            if not r[col]:
                raise err(col, "is empty")
        try:
            year = int(r["year"])
        except ValueError:
            raise err("year", f"'{r['year']}' is not a year") from None
        try:
            date = _dt.date.fromisoformat(r["date"])
        except ValueError:
            raise err("date", f"'{r['date']}' is not a date YYYY-MM-DD") from None
        if r["kind"] not in KINDS:
            raise err("kind", f"'{r['kind']}' is not holiday or workday")
        festival = _festival_of(r["name_zh"])
        # A notice's New Year block may begin in the last days of the December before (2024's did).
        early_new_year = festival == "new_year" and date.year == year - 1 and date >= _dt.date(year - 1, 12, 25)
        if date.year != year and not early_new_year:
            raise err("date", f"{date} is outside its year {year}")
        if r["kind"] == "workday" and date.isoweekday() < 6:
            raise err("date", f"{date} is a weekday; a make-up working day is a Saturday or Sunday")
        if date in seen:
            raise err("date", f"{date} is already on line {seen[date]}")
        seen[date] = line
        est = "estimate" in r["note"].lower()
        out.append(CalendarDay(date, r["kind"], festival, r["name_zh"], r["name_en"], r["source"], est))
    return out


@functools.lru_cache(maxsize=4)
def _table(path: str | None = None) -> tuple[dict[_dt.date, CalendarDay], frozenset[int]]:
    days = load_holiday_table(path)
    return {d.date: d for d in days}, frozenset(d.date.year for d in days)


@functools.lru_cache(maxsize=16)
def _package_year(year: int) -> dict[_dt.date, CalendarDay]:
    """The rule-based holidays of ``year`` from the holidays package, joined to their weekends."""
    try:
        import holidays
    except ImportError:  # pragma: no cover - a dependency; without it only the table is known
        return {}
    cn = holidays.country_holidays("CN", years=[year - 1, year, year + 1])
    base: dict[_dt.date, str] = {}
    for d, name in cn.items():
        code = next((c for key, c in _PACKAGE_NAMES if key in name), "")
        if code:
            base[d] = code
        if "New Year's Eve" in name:  # 除夕 to 初七, as the 2026 notice's block ended on 初七
            for k in range(8):
                base.setdefault(d + _dt.timedelta(days=k), "spring_festival")
    # The golden weeks as the 2026 notice gave them: 1-5 May and 1-7 October.
    for y in (year - 1, year, year + 1):
        for k in range(1, 6):
            base.setdefault(_dt.date(y, 5, k), "labour_day")
        for k in range(1, 8):
            base.setdefault(_dt.date(y, 10, k), "national_day")
    # Weekends that join a holiday are part of the block (e.g. 2027-02-06/07 in the Spring Festival).
    changed = True
    while changed:
        changed = False
        for d, code in list(base.items()):
            for step in (-1, 1):
                n = d + _dt.timedelta(days=step)
                if n not in base and n.isoweekday() >= 6:
                    base[n] = code
                    changed = True
    out = {}
    for d, code in base.items():
        if d.year != year:
            continue
        zh, en = FESTIVAL_NAMES[code]
        out[d] = CalendarDay(d, "holiday", code, zh, en, PACKAGE_SOURCE, True)
    return out


def calendar_day(date: _dt.date | str, table: str | None = None) -> CalendarDay | None:
    """The holiday or make-up working day on ``date``, or None for an ordinary day."""
    if isinstance(date, str):
        date = _dt.date.fromisoformat(date)
    days, years = _table(table)
    if date.year in years:
        return days.get(date)
    return _package_year(date.year).get(date)


def day_info(date: _dt.date | str, table: str | None = None) -> DayInfo:
    """``(is_holiday, is_makeup_workday, name)`` of ``date`` (name in Chinese, empty on an ordinary day)."""
    c = calendar_day(date, table)
    if c is None:
        return DayInfo(False, False, "")
    return DayInfo(c.kind == "holiday", c.kind == "workday", c.name_zh)


def closure_weekday(date: _dt.date | str, table: str | None = None) -> int:
    """The ISO weekday that ``closed_weekdays`` rules see on ``date``: 0 (none applies) on a public holiday."""
    if isinstance(date, str):
        date = _dt.date.fromisoformat(date)
    return 0 if day_info(date, table).is_holiday else date.isoweekday()


def known_years(table: str | None = None) -> dict[int, str]:
    """Each year 2026-2028 and where its dates come from: ``notice`` (the table) or ``estimate``."""
    days, years = _table(table)
    official = {d.year for d, c in days.items() if not c.estimate}
    return {y: ("notice" if y in official else "estimate") for y in range(2026, 2029)}
