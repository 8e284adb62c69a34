"""Load and validate the scenic-spot tables into a Catalog of Spots."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from planner import paths
from planner.errors import DataError, UnknownPlaceError

COLUMNS = (
    "id",
    "name_zh",
    "name_en",
    "kind",
    "themes",
    "prefecture",
    "lat",
    "lon",
    "level",
    "visit_minutes",
    "open",
    "close",
    "closed_weekdays",
    "overnight",
    "season_note",
    "ticket_cny",
    "summary_zh",
    "summary_en",
    "source",
    "note",
)
REQUIRED_NON_EMPTY = ("id", "name_zh", "name_en", "kind", "prefecture", "lat", "lon", "source")
KINDS = ("attraction", "hub", "station", "hotel", "restaurant", "show", "shop")
# Kinds that serve a stay (吃住购娱) rather than being sights or night places: their themes may be
# empty, they are never overnight places themselves (a hotel's ``city`` is the night place).
SERVICE_KINDS = ("hotel", "restaurant", "show", "shop")
# Columns a table may carry after the 20 common ones; the kinds that must fill them.
EXTRA_COLUMNS = {
    "level_year": (),
    "best_season": (),
    "hotel_class": ("hotel",),
    "city": ("hotel", "restaurant", "show", "shop"),
    "room_night_cny": ("hotel",),
    "phone": (),
    "address": (),
    "meals": ("restaurant",),
    "price_per_head_cny": ("restaurant",),
    "group_meal": (),
    "show_times": ("show",),
    "specialty": (),
}
HOTEL_CLASSES = ("economy", "comfort", "premium")
MEALS = ("breakfast", "lunch", "dinner")
THEMES = (
    "natural",
    "karst",
    "waterfall",
    "cave",
    "mountain",
    "canyon",
    "river",
    "lake",
    "forest",
    "ethnic",
    "red",
    "culture",
    "history",
    "town",
    "city",
    "museum",
    "science",
    "park",
    "religion",
    "food",
    "transport",
    "wellness",
    "mountain-sports",
    "rural",
    "stay",
    "show",
    "shopping",
    "craft",
)
LEVELS = ("5A", "4A", "3A", "")
EVENTS_FILE = "long_march_events.csv"
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

# The id pattern and the planning region are defined once, in planner.domain.
from planner.domain import ID_RE as _ID_RE  # noqa: E402
from planner.domain import REGION_LAT, REGION_LON  # noqa: E402,F401


@dataclass(frozen=True)
class Spot:
    """One attraction, hub (a town to sleep in) or railway station."""

    id: str
    name_zh: str
    name_en: str
    kind: str
    themes: tuple[str, ...]
    prefecture: str
    lat: float
    lon: float
    level: str = ""
    visit_minutes: int = 0
    open: str | None = None
    close: str | None = None
    closed_weekdays: tuple[int, ...] = ()
    overnight: bool = False
    season_note: str = ""
    ticket_cny: float | None = None
    summary_zh: str = ""
    summary_en: str = ""
    source: str = ""
    note: str = ""
    file: str = ""
    # Optional columns (EXTRA_COLUMNS): attractions' rating year and best season; the service kinds'.
    level_year: int | None = None
    best_season: str = ""
    hotel_class: str = ""
    city: str = ""
    room_night_cny: float | None = None
    phone: str = ""
    address: str = ""
    meals: tuple[str, ...] = ()
    price_per_head_cny: float | None = None
    group_meal: bool = False
    group_meal_name: str = ""
    show_times: tuple[tuple[str, str], ...] = ()
    specialty: str = ""
    line: int | None = None

    def name(self, lang: str = "zh") -> str:
        """The name in ``lang`` (``zh`` or ``en``)."""
        return self.name_en if lang == "en" else self.name_zh

    def summary(self, lang: str = "zh") -> str:
        """The one-line summary in ``lang``."""
        return self.summary_en if lang == "en" else self.summary_zh

    @property
    def open_minutes(self) -> int | None:
        """Opening time as minutes after midnight, or None when always open."""
        return parse_hhmm(self.open) if self.open else None

    @property
    def close_minutes(self) -> int | None:
        """Closing time as minutes after midnight, or None when always open."""
        return parse_hhmm(self.close) if self.close else None

    def hours_text(self) -> str:
        """Opening hours as shown to a person: ``08:00–18:00``, or empty."""
        if self.open and self.close:
            return f"{self.open}–{self.close}"
        return ""

    def to_dict(self) -> dict:
        """Plain JSON-ready dict in the column order of the tables."""
        return {
            "id": self.id,
            "name_zh": self.name_zh,
            "name_en": self.name_en,
            "kind": self.kind,
            "themes": list(self.themes),
            "prefecture": self.prefecture,
            "lat": self.lat,
            "lon": self.lon,
            "level": self.level or None,
            "visit_minutes": self.visit_minutes,
            "open": self.open,
            "close": self.close,
            "closed_weekdays": list(self.closed_weekdays),
            "overnight": self.overnight,
            "season_note": self.season_note,
            "ticket_cny": self.ticket_cny,
            "summary_zh": self.summary_zh,
            "summary_en": self.summary_en,
            "source": self.source,
            "note": self.note,
            **self.extras_dict(),
        }

    def extras_dict(self) -> dict:
        """The optional columns that apply to this spot's kind (for JSON output)."""
        d: dict = {}
        if self.kind == "attraction":
            d["level_year"] = self.level_year
            d["best_season"] = self.best_season
        if self.kind in SERVICE_KINDS:
            d["city"] = self.city
        if self.kind == "hotel":
            d.update(hotel_class=self.hotel_class, room_night_cny=self.room_night_cny)
            d.update(phone=self.phone, address=self.address)
        elif self.kind == "restaurant":
            d.update(meals=list(self.meals), price_per_head_cny=self.price_per_head_cny)
            d.update(group_meal=self.group_meal, group_meal_name=self.group_meal_name, phone=self.phone)
        elif self.kind == "show":
            d["show_times"] = [f"{a}-{b}" for a, b in self.show_times]
        elif self.kind == "shop":
            d["specialty"] = self.specialty
        return d


@dataclass
class Catalog:
    """Every spot, by id, in file order."""

    spots: dict[str, Spot] = field(default_factory=dict)
    files: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.spots)

    def __iter__(self) -> Iterator[Spot]:
        return iter(self.spots.values())

    def __contains__(self, spot_id: object) -> bool:
        return spot_id in self.spots

    def get(self, spot_id: str) -> Spot:
        """The spot with ``spot_id``; raises UnknownPlaceError with close matches."""
        try:
            return self.spots[spot_id]
        except KeyError:
            raise UnknownPlaceError(spot_id, self.suggest(spot_id)) from None

    def resolve(self, text: str) -> Spot:
        """A spot by id, Chinese name or English name (case-insensitive)."""
        text = text.strip()
        if text in self.spots:
            return self.spots[text]
        low = text.lower()
        for spot in self.spots.values():
            if low in (spot.name_zh.lower(), spot.name_en.lower()):
                return spot
        # A unique partial match on a name ("黄果树" for 黄果树瀑布) is accepted.
        partial = [s for s in self.spots.values() if low and (low in s.name_zh.lower() or low in s.name_en.lower())]
        if len(partial) == 1:
            return partial[0]
        raise UnknownPlaceError(text, self.suggest(text, candidates=partial))

    def suggest(self, text: str, n: int = 3, candidates: Iterable[Spot] = ()) -> list[str]:
        """Ids of the places whose id or names are closest to ``text``."""
        out = [s.id for s in candidates][:n]
        if len(out) >= n:
            return out
        keys: dict[str, str] = {}
        for s in self.spots.values():
            for k in (s.id, s.name_zh, s.name_en.lower()):
                keys.setdefault(k, s.id)
        for match in difflib.get_close_matches(text.lower(), list(keys), n=n * 2, cutoff=0.4):
            sid = keys[match]
            if sid not in out:
                out.append(sid)
        return out[:n]

    def filter(
        self,
        *,
        theme: str | None = None,
        kind: str | None = None,
        prefecture: str | None = None,
        level: str | None = None,
        text: str | None = None,
    ) -> list[Spot]:
        """The spots matching every given criterion (text matches id and both names)."""
        out = []
        low = (text or "").strip().lower()
        for s in self.spots.values():
            if theme and theme not in s.themes:
                continue
            if kind and s.kind != kind:
                continue
            if prefecture and s.prefecture != prefecture:
                continue
            if level and s.level != level:
                continue
            if low and low not in s.id and low not in s.name_zh.lower() and low not in s.name_en.lower():
                continue
            out.append(s)
        return out

    def themes_used(self) -> list[str]:
        """Themes that occur, in vocabulary order."""
        used = {t for s in self.spots.values() for t in s.themes}
        return [t for t in THEMES if t in used]

    def prefectures(self) -> list[str]:
        """Prefectures that occur, sorted."""
        return sorted({s.prefecture for s in self.spots.values()})


def sources_of(spot: Spot) -> list[str]:
    """The sources a row names (``;``-separated in the ``source`` column)."""
    return [x.strip() for x in spot.source.split(";") if x.strip()]


def kind_counts(spots: Iterable[Spot]) -> list[tuple[str, int, int]]:
    """``(kind, rows, distinct sources)`` for each kind that occurs, in the order of KINDS."""
    rows: dict[str, int] = {}
    srcs: dict[str, set[str]] = {}
    for s in spots:
        rows[s.kind] = rows.get(s.kind, 0) + 1
        srcs.setdefault(s.kind, set()).update(sources_of(s))
    return [(k, rows[k], len(srcs[k])) for k in KINDS if k in rows]


def parse_hhmm(text: str) -> int:
    """``"08:30"`` -> 510 minutes after midnight; ValueError for anything else."""
    m = _TIME_RE.match(text.strip())
    if not m:
        raise ValueError(f"'{text}' is not a time HH:MM")
    return int(m.group(1)) * 60 + int(m.group(2))


def format_hhmm(minutes: float) -> str:
    """510 -> ``"08:30"`` (minutes after midnight, rounded; may pass 24:00 for late arrivals)."""
    total = int(round(minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


def catalog_files(directory: Path | str | None = None) -> list[Path]:
    """The spot tables in ``directory`` (default: the bundled data), sorted."""
    d = Path(directory) if directory is not None else paths.scenic_spots_dir()
    if not d.is_dir():
        raise DataError("catalog folder not found", file=str(d))
    return sorted(p for p in d.glob("*.csv") if p.name != EVENTS_FILE)


def load_catalog(source: Path | str | Iterable[Path | str] | None = None) -> Catalog:
    """Load and validate spot tables.

    Parameters
    ----------
    source : path, iterable of paths, or None
        A folder of CSV files, one CSV file, several files, or None for the bundled catalog.

    Returns
    -------
    Catalog

    Raises
    ------
    DataError
        Naming the file, the row and the field of the first problem found.
    """
    if source is None:
        files = catalog_files()
    elif isinstance(source, (str, Path)):
        p = Path(source)
        files = catalog_files(p) if p.is_dir() else [p]
    else:
        files = [Path(p) for p in source]
    catalog = Catalog(files=tuple(str(f) for f in files))
    origin: dict[str, str] = {}
    for f in files:
        for spot in read_spot_table(f):
            if spot.id in catalog.spots:
                raise DataError(
                    f"duplicate id '{spot.id}' (first defined in {Path(origin[spot.id]).name})",
                    file=str(f),
                    row=_row_of(f, spot.id),
                    field="id",
                )
            catalog.spots[spot.id] = spot
            origin[spot.id] = str(f)
    check_cities(catalog)
    return catalog


def _row_of(path: Path, spot_id: str) -> int | None:
    import csv
    from io import StringIO

    from planner import io as _io

    text, _enc = _io.read_csv_text(path, DataError)
    for i, row in enumerate(csv.DictReader(StringIO(text, newline="")), start=2):
        if row.get("id") == spot_id:
            return i
    return None


def read_spot_table(path: Path | str) -> list[Spot]:
    """Read one spot table with pandas and validate every row."""
    import pandas as pd

    path = Path(path)
    fname = str(path)
    from io import StringIO

    from planner import io as _io

    text, _encoding = _io.read_csv_text(path, DataError)
    try:
        df = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise DataError("the file is empty", file=fname) from None
    except pd.errors.ParserError as exc:
        raise DataError(f"not a valid CSV table ({str(exc).strip().splitlines()[-1]})", file=fname) from None
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}", file=fname, field=missing[0])
    unknown = [c for c in df.columns if c not in COLUMNS and c not in EXTRA_COLUMNS]
    if unknown:
        raise DataError(f"unknown column(s): {', '.join(map(str, unknown))}", file=fname, field=str(unknown[0]))
    for col, kinds in EXTRA_COLUMNS.items():
        if col not in df.columns:
            need = sorted({k for k in df.get("kind", []) if k in kinds})
            if need:
                raise DataError(f"missing column {col} (needed by kind {need[0]})", file=fname, field=col)
            df[col] = ""
    spots = []
    seen: dict[str, int] = {}
    for i, rec in enumerate(df.to_dict("records")):
        row = i + 2  # the header is line 1
        spot = _spot_from_row({k: str(v).strip() for k, v in rec.items()}, fname, row)
        if spot.id in seen:
            raise DataError(f"duplicate id '{spot.id}' (also on line {seen[spot.id]})", file=fname, row=row, field="id")
        seen[spot.id] = row
        spots.append(spot)
    return spots


# Longest text a catalog cell may hold: names and short fields are one line, sources and notes
# may cite at length. A longer cell is refused rather than carried into maps and PDFs.
_SHORT_TEXT_LIMIT = 500
_LONG_TEXT_COLUMNS = {"summary_zh": 2_000, "summary_en": 2_000, "source": 5_000, "note": 20_000,
                      "season_note": 2_000, "best_season": 2_000, "address": 1_000}


def _spot_from_row(r: dict[str, str], fname: str, row: int) -> Spot:
    def err(fld: str, msg: str) -> DataError:
        return DataError(msg, file=fname, row=row, field=fld)

    for col in REQUIRED_NON_EMPTY:
        if not r[col]:
            raise err(col, "is empty")
    for col, value in r.items():
        limit = _LONG_TEXT_COLUMNS.get(str(col), _SHORT_TEXT_LIMIT)
        if isinstance(value, str) and len(value) > limit:
            raise err(str(col), f"is {len(value):,} characters long; the limit is {limit:,}")
    sid = r["id"]
    if not _ID_RE.match(sid):
        raise err("id", f"'{sid}' is not a lowercase-hyphen slug")
    kind = r["kind"]
    if kind not in KINDS:
        raise err("kind", f"'{kind}' is not one of {', '.join(KINDS)}")
    themes = tuple(t.strip() for t in r["themes"].split(";") if t.strip())
    for t in themes:
        if t not in THEMES:
            close = difflib.get_close_matches(t, THEMES, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise err("themes", f"unknown theme '{t}'{hint}")
    if not themes and kind not in SERVICE_KINDS:
        raise err("themes", "no theme given")
    lat = _float(r["lat"], "lat", err)
    lon = _float(r["lon"], "lon", err)
    in_lat = REGION_LAT[0] <= lat <= REGION_LAT[1]
    in_lon = REGION_LON[0] <= lon <= REGION_LON[1]
    if REGION_LAT[0] <= lon <= REGION_LAT[1] and REGION_LON[0] <= lat <= REGION_LON[1]:
        raise err("lat", f"lat {lat} and lon {lon} look swapped")
    if not -90 <= lat <= 90:
        raise err("lat", f"{lat} is not a latitude (-90..90)")
    if not -180 <= lon <= 180:
        raise err("lon", f"{lon} is not a longitude (-180..180)")
    if not (in_lat and in_lon):
        fld = "lat" if not in_lat else "lon"
        raise err(fld, f"({lat}, {lon}) is outside Guizhou and the Guangzhou-Guilin-Kunming corridor")
    if r["level"] not in LEVELS:
        raise err("level", f"'{r['level']}' is not 5A, 4A, 3A or empty")
    visit = 0
    if r["visit_minutes"]:
        try:
            visit = int(r["visit_minutes"])
        except ValueError:
            raise err("visit_minutes", f"'{r['visit_minutes']}' is not a whole number of minutes") from None
        if not 0 <= visit <= 24 * 60:
            raise err("visit_minutes", f"{visit} is not between 0 and 1440")
    for col in ("open", "close"):
        if r[col] and not _TIME_RE.match(r[col]):
            raise err(col, f"'{r[col]}' is not a time HH:MM")
    if bool(r["open"]) != bool(r["close"]):
        raise err("close" if r["open"] else "open", "open and close must be given together")
    if r["open"] and parse_hhmm(r["open"]) >= parse_hhmm(r["close"]):
        raise err("close", f"closes ({r['close']}) before it opens ({r['open']})")
    closed: list[int] = []
    for part in r["closed_weekdays"].split(";"):
        part = part.strip()
        if not part:
            continue
        if part not in {"1", "2", "3", "4", "5", "6", "7"}:
            raise err("closed_weekdays", f"'{part}' is not an ISO weekday 1-7 (1 = Monday)")
        closed.append(int(part))
    if r["overnight"] not in ("", "0", "1"):
        raise err("overnight", f"'{r['overnight']}' is not 0 or 1")
    ticket = None
    if r["ticket_cny"]:
        ticket = _float(r["ticket_cny"], "ticket_cny", err)
        if ticket < 0:
            raise err("ticket_cny", "is negative")
    extras = _extras(r, kind, err)
    opens, closes = r["open"] or None, r["close"] or None
    if kind == "show" and opens is None and extras["show_times"]:
        # A show without venue hours can be seen only while it plays: as a stop, the optimizer
        # keeps the visit between the first show's start and the last one's end.
        opens = min(a for a, _ in extras["show_times"])
        closes = max(b for _, b in extras["show_times"])
    return Spot(
        id=sid,
        name_zh=r["name_zh"],
        name_en=r["name_en"],
        kind=r["kind"],
        themes=themes,
        prefecture=r["prefecture"],
        lat=lat,
        lon=lon,
        level=r["level"],
        visit_minutes=visit,
        open=opens,
        close=closes,
        closed_weekdays=tuple(sorted(set(closed))),
        overnight=(r["overnight"] == "1" or kind == "hub") and kind not in SERVICE_KINDS,
        season_note=r["season_note"],
        ticket_cny=ticket,
        summary_zh=r["summary_zh"],
        summary_en=r["summary_en"],
        source=r["source"],
        note=r["note"],
        file=fname,
        line=row,
        **extras,
    )


def _extras(r: dict[str, str], kind: str, err) -> dict:
    """The optional columns of one row, checked against its kind."""
    for col, kinds in EXTRA_COLUMNS.items():
        if kind in kinds and not r.get(col, ""):
            raise err(col, f"is empty (a {kind} needs it)")
    out: dict = {}
    if r.get("level_year"):
        try:
            year = int(r["level_year"])
        except ValueError:
            raise err("level_year", f"'{r['level_year']}' is not a year") from None
        if not 1999 <= year <= 2100:  # the A-level rating scheme began in 1999 (GB/T 17775-1999)
            raise err("level_year", f"{year} is not a rating year (1999 or later)")
        if not r["level"]:
            raise err("level_year", "is given but the row has no level")
        out["level_year"] = year
    out["best_season"] = r.get("best_season", "")
    hc = r.get("hotel_class", "")
    if hc and hc not in HOTEL_CLASSES:
        raise err("hotel_class", f"'{hc}' is not one of {', '.join(HOTEL_CLASSES)}")
    out["hotel_class"] = hc
    out["city"] = r.get("city", "")
    if out["city"] and not _ID_RE.match(out["city"]):
        raise err("city", f"'{out['city']}' is not a place id")
    for col in ("room_night_cny", "price_per_head_cny"):
        if r.get(col):
            value = _float(r[col], col, err)
            if value < 0:
                raise err(col, "is negative")
            out[col] = value
    if kind == "hotel" and out.get("room_night_cny", 1) <= 0:
        raise err("room_night_cny", "a room rate must be above 0")
    out["phone"] = r.get("phone", "")
    if out["phone"] and not re.fullmatch(r"[0-9+()\- ]{5,30}", out["phone"]):
        raise err("phone", f"'{out['phone']}' is not a phone number")
    out["address"] = r.get("address", "")
    meals = tuple(m.strip() for m in r.get("meals", "").split(";") if m.strip())
    for m in meals:
        if m not in MEALS:
            raise err("meals", f"'{m}' is not one of {', '.join(MEALS)}")
    out["meals"] = meals
    # group_meal: 0/1, or the name of the group meal offered ("长桌宴 long-table feast": yes, that one)
    gm = r.get("group_meal", "")
    out["group_meal"] = gm not in ("", "0")
    out["group_meal_name"] = gm if gm not in ("", "0", "1") else ""
    times: list[tuple[str, str]] = []
    for part in r.get("show_times", "").split(";"):
        part = part.strip()
        if not part:
            continue
        a, _, b = part.partition("-")
        if not (_TIME_RE.match(a) and _TIME_RE.match(b)):
            raise err("show_times", f"'{part}' is not a time range HH:MM-HH:MM")
        if parse_hhmm(a) >= parse_hhmm(b):
            raise err("show_times", f"'{part}' ends before it starts")
        if r["open"] and not (parse_hhmm(r["open"]) <= parse_hhmm(a) and parse_hhmm(b) <= parse_hhmm(r["close"])):
            raise err("show_times", f"show {part} is outside the venue's hours {r['open']}-{r['close']}")
        times.append((a, b))
    if kind != "show" and times:
        raise err("show_times", f"only a show has show times (this row is a {kind})")
    out["show_times"] = tuple(times)
    out["specialty"] = r.get("specialty", "")
    return out


def check_cities(catalog: Catalog) -> None:
    """Every service row's ``city`` is an overnight place of the catalog; DataError naming the row."""
    for s in catalog:
        if s.kind in SERVICE_KINDS and s.city:
            place = catalog.spots.get(s.city)
            if place is None or not place.overnight:
                what = "not in the catalog" if place is None else "not an overnight place"
                raise DataError(f"city '{s.city}' of {s.id} is {what}", file=s.file, row=s.line, field="city")


def _float(text: str, fld: str, err) -> float:
    try:
        value = float(text)
    except ValueError:
        raise err(fld, f"'{text}' is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise err(fld, f"'{text}' is not a finite number")
    return value
