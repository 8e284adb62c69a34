"""Package price for a group: sourced rate tables, line items, price per person and price breaks."""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from planner import paths
from planner.errors import DataError, PlannerError

HOTEL_CLASSES = ("economy", "comfort", "premium")
CATEGORIES = ("adult", "child", "senior")
DEFAULT_SIZES = (2, 6, 10, 16, 20, 30, 40)
# Leg modes of a drive+rail travel item that are done by road (the group's vehicle).
ROAD_LEG_MODES = ("drive", "access", "estimate")
FALLBACK_TIER = "B"

SETTING_KEYS = (
    "meals_per_person_day_cny",
    "insurance_per_person_day_cny",
    "guide_allowance_per_day_cny",
    "include_guide",
    "margin_pct",
    "rounding_step_cny",
    "expressway_share",
    "rail_fallback_class",
)
_TEXT_SETTINGS = ("rail_fallback_class",)

# file name -> columns, in order (each table also has `source` and `note`).
TABLES: dict[str, tuple[str, ...]] = {
    "settings.csv": ("key", "value", "unit", "source", "note"),
    "concessions.csv": ("category", "ticket_ratio", "rail_ratio", "meal_ratio", "rule", "source", "note"),
    "vehicles.csv": (
        "id",
        "name_zh",
        "name_en",
        "seats",
        "passenger_seats",
        "toll_class",
        "per_day_cny",
        "km_included_per_day",
        "per_km_cny",
        "driver_allowance_per_day_cny",
        "toll_per_km_cny",
        "source",
        "note",
    ),
    "rail_rates.csv": ("class", "cny_per_km", "speed", "source", "note"),
    "rail_fares.csv": ("from", "to", "fare_cny", "class", "km", "source", "note"),
    "hotel_tiers.csv": ("tier", "class", "room_night_cny", "source", "note"),
    "hotel_cities.csv": ("place", "tier", "source", "note"),
    "guides.csv": ("min_group", "max_group", "per_day_cny", "per_person_day_cny", "source", "note"),
}


# --------------------------------------------------------------------------- the group


@dataclass(frozen=True)
class Group:
    """Who travels and how they sleep and ride.

    Parameters
    ----------
    adults, children, seniors : int
        Travellers by fare category (children 6-18, seniors 60 and over; see
        ``data/rates/concessions.csv``). Children under 6 travel free and are not counted.
    rooms : int, optional
        Hotel rooms per night; None = twin sharing (two to a room, singles on their own).
    singles : int
        Travellers who want a room to themselves (only used when ``rooms`` is None).
    hotel_class : str
        ``economy``, ``comfort`` or ``premium``.
    vehicle : str, optional
        A vehicle id from ``vehicles.csv`` to use whatever the group size; None = the
        smallest vehicle that seats the group and the guide.
    """

    adults: int = 2
    children: int = 0
    seniors: int = 0
    rooms: int | None = None
    singles: int = 0
    hotel_class: str = "comfort"
    vehicle: str | None = None

    def __post_init__(self) -> None:
        for name in ("adults", "children", "seniors", "singles"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                raise PlannerError(f"{v!r} is not a whole number of people (0 or more)", field=name)
        if self.size < 1:
            raise PlannerError("the group has nobody in it", field="adults")
        if self.rooms is not None and (not isinstance(self.rooms, int) or self.rooms < 1):
            raise PlannerError(f"{self.rooms!r} is not a number of rooms (1 or more)", field="rooms")
        if self.singles > self.size:
            raise PlannerError(f"{self.singles} singles in a group of {self.size}", field="singles")
        if self.hotel_class not in HOTEL_CLASSES:
            raise PlannerError(
                f"'{self.hotel_class}' is not a hotel class ({', '.join(HOTEL_CLASSES)})", field="hotel_class"
            )

    @property
    def size(self) -> int:
        """Travellers who pay (adults, children and seniors)."""
        return self.adults + self.children + self.seniors

    def room_count(self) -> int:
        """Rooms per night: as given, or singles plus twin rooms for everyone else."""
        if self.rooms is not None:
            return self.rooms
        return self.singles + math.ceil((self.size - self.singles) / 2)

    def count(self, category: str) -> int:
        return {"adult": self.adults, "child": self.children, "senior": self.seniors}[category]


# --------------------------------------------------------------------------- the rates


@dataclass(frozen=True)
class Sourced:
    """A number (or a short text) from a rates table, with where it came from."""

    value: Any
    source: str
    note: str = ""
    ref: str = ""  # "file:key", what a line item shows as its source

    @property
    def estimate(self) -> bool:
        return "estimate" in self.note.lower()


@dataclass(frozen=True)
class Vehicle:
    """One vehicle type for hire with a driver."""

    id: str
    name_zh: str
    name_en: str
    seats: int
    passenger_seats: int
    toll_class: int
    per_day_cny: float
    km_included_per_day: float
    per_km_cny: float
    driver_allowance_per_day_cny: float
    toll_per_km_cny: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class GuideTier:
    """Guide fee for groups of ``min_group``..``max_group`` travellers."""

    min_group: int
    max_group: int
    per_day_cny: float
    per_person_day_cny: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class RailFare:
    """Second-class fare of one ride between two stations (either direction)."""

    fare_cny: float
    cls: str
    km: float
    source: str
    note: str = ""


@dataclass(frozen=True)
class Rates:
    """Every rate a quote uses, as loaded from ``data/rates/`` plus any overrides."""

    settings: dict[str, Sourced]
    concessions: dict[str, dict[str, Sourced]]
    vehicles: dict[str, Vehicle]
    rail_rates: dict[str, Sourced]
    rail_fares: dict[tuple[str, str], RailFare]
    hotel_tiers: dict[tuple[str, str], Sourced]
    hotel_cities: dict[str, Sourced]
    guides: tuple[GuideTier, ...]
    directory: str = ""
    overrides: tuple[tuple[str, Any], ...] = ()

    def setting(self, key: str) -> Any:
        """The value of a ``settings.csv`` key."""
        return self.settings[key].value

    def fare(self, a: str, b: str) -> RailFare | None:
        """The fare between stations ``a`` and ``b`` (either direction), or None."""
        return self.rail_fares.get((a, b)) or self.rail_fares.get((b, a))

    def vehicles_by_size(self) -> list[Vehicle]:
        return sorted(self.vehicles.values(), key=lambda v: (v.passenger_seats, v.per_day_cny))

    def with_override(self, key: str, value: Any) -> Rates:
        """A copy of the rates with one value replaced (a per-package override).

        Parameters
        ----------
        key : str
            A ``settings.csv`` key (``margin_pct``, ``meals_per_person_day_cny`` ...), or
            ``vehicles.<id>.<column>``, ``concessions.<category>.<ticket_ratio|rail_ratio|meal_ratio>``,
            ``hotels.<tier>.<class>``, ``hotel_cities.<place>`` (a tier letter),
            ``rail_fares.<from>.<to>``, ``rail_rates.<class>``, ``guides.<min_group>.<column>``.
        value : number or str
            The new value (numbers may be given as text, as on the command line).

        Raises
        ------
        PlannerError
            Naming the key when it is unknown or the value does not fit.
        """
        src = "override"
        note = f"per-package override of {key}"
        parts = key.split(".")
        head = parts[0]

        def number(v: Any, *, whole: bool = False, upper: float | None = None) -> float:
            try:
                x = float(v)
            except (TypeError, ValueError):
                raise PlannerError(f"{v!r} is not a number", field=key) from None
            if not math.isfinite(x) or x < 0 or (upper is not None and x > upper):
                lim = f" between 0 and {upper:g}" if upper is not None else " (0 or more)"
                raise PlannerError(f"{v!r} is not a number{lim}", field=key)
            if whole and x != int(x):
                raise PlannerError(f"{v!r} is not a whole number", field=key)
            return int(x) if whole else x

        if len(parts) == 1 and head in SETTING_KEYS:
            if head in _TEXT_SETTINGS:
                if str(value) not in self.rail_rates:
                    raise PlannerError(f"'{value}' is not a class in rail_rates.csv", field=key)
                new_val: Any = str(value)
            elif head == "include_guide":
                new_val = number(value, whole=True, upper=1)
            elif head == "expressway_share":
                new_val = number(value, upper=1)
            elif head == "rounding_step_cny":
                new_val = number(value)
                if new_val <= 0:
                    raise PlannerError(f"{value!r} is not a rounding step above 0", field=key)
            else:
                new_val = number(value)
            settings = dict(self.settings)
            settings[head] = Sourced(new_val, src, note, f"override:{key}")
            return replace(self, settings=settings, overrides=self.overrides + ((key, value),))
        if head == "vehicles" and len(parts) == 3:
            vid, col = parts[1], parts[2]
            if vid not in self.vehicles:
                raise PlannerError(f"unknown vehicle '{vid}' ({', '.join(self.vehicles)})", field=key)
            numeric = {c for c in TABLES["vehicles.csv"][3:11]}
            if col not in numeric:
                raise PlannerError(f"'{col}' is not a number column of vehicles.csv", field=key)
            whole = col in ("seats", "passenger_seats", "toll_class")
            veh = replace(self.vehicles[vid], **{col: number(value, whole=whole)}, source=src, note=note)
            vehicles = dict(self.vehicles)
            vehicles[vid] = veh
            return replace(self, vehicles=vehicles, overrides=self.overrides + ((key, value),))
        if head == "concessions" and len(parts) == 3:
            cat, col = parts[1], parts[2]
            if cat not in self.concessions or col not in ("ticket_ratio", "rail_ratio", "meal_ratio"):
                raise PlannerError("expected concessions.<adult|child|senior>.<ticket|rail|meal>_ratio", field=key)
            conc = {k: dict(v) for k, v in self.concessions.items()}
            conc[cat][col] = Sourced(number(value, upper=1), src, note, f"override:{key}")
            return replace(self, concessions=conc, overrides=self.overrides + ((key, value),))
        if head == "hotels" and len(parts) == 3:
            tier, cls = parts[1], parts[2]
            if (tier, cls) not in self.hotel_tiers:
                raise PlannerError(f"no hotel tier '{tier}' with class '{cls}' in hotel_tiers.csv", field=key)
            tiers = dict(self.hotel_tiers)
            tiers[(tier, cls)] = Sourced(number(value), src, note, f"override:{key}")
            return replace(self, hotel_tiers=tiers, overrides=self.overrides + ((key, value),))
        if head == "hotel_cities" and len(parts) == 2:
            if not any(t == str(value) for t, _ in self.hotel_tiers):
                raise PlannerError(f"'{value}' is not a tier in hotel_tiers.csv", field=key)
            cities = dict(self.hotel_cities)
            cities[parts[1]] = Sourced(str(value), src, note, f"override:{key}")
            return replace(self, hotel_cities=cities, overrides=self.overrides + ((key, value),))
        if head == "rail_fares" and len(parts) == 3:
            a, b = parts[1], parts[2]
            old = self.fare(a, b)
            fares = {k: v for k, v in self.rail_fares.items() if k not in ((a, b), (b, a))}
            fares[(a, b)] = RailFare(number(value), old.cls if old else "", old.km if old else 0.0, src, note)
            return replace(self, rail_fares=fares, overrides=self.overrides + ((key, value),))
        if head == "rail_rates" and len(parts) == 2:
            if parts[1] not in self.rail_rates:
                raise PlannerError(f"'{parts[1]}' is not a class in rail_rates.csv", field=key)
            rr = dict(self.rail_rates)
            rr[parts[1]] = Sourced(number(value), src, note, f"override:{key}")
            return replace(self, rail_rates=rr, overrides=self.overrides + ((key, value),))
        if head == "guides" and len(parts) == 3:
            col = parts[2]
            if col not in ("per_day_cny", "per_person_day_cny"):
                raise PlannerError("expected guides.<min_group>.<per_day_cny|per_person_day_cny>", field=key)
            tiers = list(self.guides)
            for i, t in enumerate(tiers):
                if str(t.min_group) == parts[1]:
                    tiers[i] = replace(t, **{col: number(value)}, source=src, note=note)
                    return replace(self, guides=tuple(tiers), overrides=self.overrides + ((key, value),))
            raise PlannerError(f"no guide tier starting at {parts[1]} in guides.csv", field=key)
        raise PlannerError(
            "unknown rate key (a settings.csv key, or vehicles.<id>.<column>, concessions.<category>.<column>, "
            "hotels.<tier>.<class>, hotel_cities.<place>, rail_fares.<from>.<to>, rail_rates.<class>, "
            "guides.<min_group>.<column>)",
            field=key,
        )


def rates_dir() -> Path:
    """The bundled ``data/rates/`` folder."""
    return paths.data_dir() / "rates"


def _read_table(directory: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    path = directory / name
    fname = str(path)
    if not path.is_file():
        raise DataError("rates table not found", file=fname)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            rows = list(reader)
    except UnicodeDecodeError:
        raise DataError("not UTF-8 text", file=fname) from None
    except csv.Error as exc:
        raise DataError(f"not a valid CSV table ({exc})", file=fname) from None
    if not rows:
        raise DataError("the file is empty", file=fname)
    header = [h.strip() for h in rows[0]]
    want = TABLES[name]
    missing = [c for c in want if c not in header]
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}", file=fname, row=1, field=missing[0])
    unknown = [c for c in header if c not in want]
    if unknown:
        raise DataError(f"unknown column(s): {', '.join(unknown)}", file=fname, row=1, field=unknown[0])
    out = []
    for i, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        if len(raw) != len(header):
            raise DataError(f"has {len(raw)} fields, the header has {len(header)}", file=fname, row=i)
        rec = {h: v.strip() for h, v in zip(header, raw)}
        if not rec["source"]:
            raise DataError("is empty (every rate needs a source)", file=fname, row=i, field="source")
        out.append((i, rec))
    if not out:
        raise DataError("has no rows", file=fname)
    return out


def _num(
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


def load_rates(dir: Path | str | None = None) -> Rates:
    """Load and validate the rate tables.

    Parameters
    ----------
    dir : path, optional
        A folder with the tables of ``data/rates/`` (default: the bundled one).

    Returns
    -------
    Rates

    Raises
    ------
    DataError
        Naming the file, the row and the field of the first problem.
    """
    d = Path(dir) if dir is not None else rates_dir()
    if not d.is_dir():
        raise DataError("rates folder not found", file=str(d))

    def fname(name: str) -> str:
        return str(d / name)

    # settings
    settings: dict[str, Sourced] = {}
    f = fname("settings.csv")
    for row, rec in _read_table(d, "settings.csv"):
        key = rec["key"]
        if key not in SETTING_KEYS:
            raise DataError(f"unknown setting '{key}' (known: {', '.join(SETTING_KEYS)})", file=f, row=row, field="key")
        if key in settings:
            raise DataError(f"setting '{key}' given twice", file=f, row=row, field="key")
        if key in _TEXT_SETTINGS:
            if not rec["value"]:
                raise DataError("is empty", file=f, row=row, field="value")
            val: Any = rec["value"]
        elif key == "include_guide":
            val = _num(rec, "value", f, row, whole=True, upper=1)
        elif key == "expressway_share":
            val = _num(rec, "value", f, row, upper=1)
        elif key == "rounding_step_cny":
            val = _num(rec, "value", f, row, positive=True)
        else:
            val = _num(rec, "value", f, row)
        settings[key] = Sourced(val, rec["source"], rec["note"], f"settings.csv:{key}")
    missing = [k for k in SETTING_KEYS if k not in settings]
    if missing:
        raise DataError(f"setting '{missing[0]}' is missing", file=f, field="key")

    # concessions
    concessions: dict[str, dict[str, Sourced]] = {}
    f = fname("concessions.csv")
    for row, rec in _read_table(d, "concessions.csv"):
        cat = rec["category"]
        if cat not in CATEGORIES:
            raise DataError(f"'{cat}' is not one of {', '.join(CATEGORIES)}", file=f, row=row, field="category")
        concessions[cat] = {
            col: Sourced(_num(rec, col, f, row, upper=1), rec["source"], rec["note"], f"concessions.csv:{cat}")
            for col in ("ticket_ratio", "rail_ratio", "meal_ratio")
        }
    for cat in CATEGORIES:
        if cat not in concessions:
            raise DataError(f"category '{cat}' is missing", file=f, field="category")

    # vehicles
    vehicles: dict[str, Vehicle] = {}
    f = fname("vehicles.csv")
    for row, rec in _read_table(d, "vehicles.csv"):
        vid = rec["id"]
        if not vid:
            raise DataError("is empty", file=f, row=row, field="id")
        if vid in vehicles:
            raise DataError(f"duplicate vehicle id '{vid}'", file=f, row=row, field="id")
        seats = _num(rec, "seats", f, row, whole=True, positive=True)
        pax = _num(rec, "passenger_seats", f, row, whole=True, positive=True)
        if pax >= seats:
            raise DataError(
                f"{pax} passenger seats in a {seats}-seat vehicle (the driver needs one)",
                file=f,
                row=row,
                field="passenger_seats",
            )
        vehicles[vid] = Vehicle(
            id=vid,
            name_zh=rec["name_zh"],
            name_en=rec["name_en"],
            seats=int(seats),
            passenger_seats=int(pax),
            toll_class=int(_num(rec, "toll_class", f, row, whole=True, positive=True)),
            per_day_cny=_num(rec, "per_day_cny", f, row),
            km_included_per_day=_num(rec, "km_included_per_day", f, row),
            per_km_cny=_num(rec, "per_km_cny", f, row),
            driver_allowance_per_day_cny=_num(rec, "driver_allowance_per_day_cny", f, row),
            toll_per_km_cny=_num(rec, "toll_per_km_cny", f, row),
            source=rec["source"],
            note=rec["note"],
        )

    # rail
    rail_rates: dict[str, Sourced] = {}
    f = fname("rail_rates.csv")
    for row, rec in _read_table(d, "rail_rates.csv"):
        cls = rec["class"]
        if not cls:
            raise DataError("is empty", file=f, row=row, field="class")
        rail_rates[cls] = Sourced(
            _num(rec, "cny_per_km", f, row, positive=True), rec["source"], rec["note"], f"rail_rates.csv:{cls}"
        )
    if settings["rail_fallback_class"].value not in rail_rates:
        raise DataError(
            f"rail_fallback_class '{settings['rail_fallback_class'].value}' is not in rail_rates.csv",
            file=fname("settings.csv"),
            field="value",
        )
    rail_fares: dict[tuple[str, str], RailFare] = {}
    f = fname("rail_fares.csv")
    for row, rec in _read_table(d, "rail_fares.csv"):
        a, b = rec["from"], rec["to"]
        for col in ("from", "to"):
            if not rec[col]:
                raise DataError("is empty", file=f, row=row, field=col)
        if a == b:
            raise DataError(f"a fare from '{a}' to itself", file=f, row=row, field="to")
        if (a, b) in rail_fares or (b, a) in rail_fares:
            raise DataError(f"fare {a} - {b} given twice", file=f, row=row, field="to")
        if rec["class"] and rec["class"] not in rail_rates:
            raise DataError(f"'{rec['class']}' is not a class in rail_rates.csv", file=f, row=row, field="class")
        km = _num(rec, "km", f, row) if rec["km"] else 0.0
        rail_fares[(a, b)] = RailFare(_num(rec, "fare_cny", f, row), rec["class"], km, rec["source"], rec["note"])

    # hotels
    hotel_tiers: dict[tuple[str, str], Sourced] = {}
    f = fname("hotel_tiers.csv")
    for row, rec in _read_table(d, "hotel_tiers.csv"):
        tier, cls = rec["tier"], rec["class"]
        if not tier:
            raise DataError("is empty", file=f, row=row, field="tier")
        if cls not in HOTEL_CLASSES:
            raise DataError(f"'{cls}' is not one of {', '.join(HOTEL_CLASSES)}", file=f, row=row, field="class")
        if (tier, cls) in hotel_tiers:
            raise DataError(f"tier {tier} {cls} given twice", file=f, row=row, field="class")
        hotel_tiers[(tier, cls)] = Sourced(
            _num(rec, "room_night_cny", f, row), rec["source"], rec["note"], f"hotel_tiers.csv:{tier}/{cls}"
        )
    tiers = {t for t, _ in hotel_tiers}
    for t in sorted(tiers):
        for cls in HOTEL_CLASSES:
            if (t, cls) not in hotel_tiers:
                raise DataError(f"tier {t} has no '{cls}' rate", file=f, field="class")
    if FALLBACK_TIER not in tiers:
        raise DataError(f"tier {FALLBACK_TIER} (used for places with no tier) is missing", file=f, field="tier")
    hotel_cities: dict[str, Sourced] = {}
    f = fname("hotel_cities.csv")
    for row, rec in _read_table(d, "hotel_cities.csv"):
        place, tier = rec["place"], rec["tier"]
        if not place:
            raise DataError("is empty", file=f, row=row, field="place")
        if tier not in tiers:
            raise DataError(f"'{tier}' is not a tier in hotel_tiers.csv", file=f, row=row, field="tier")
        if place in hotel_cities:
            raise DataError(f"'{place}' given twice", file=f, row=row, field="place")
        hotel_cities[place] = Sourced(tier, rec["source"], rec["note"], f"hotel_cities.csv:{place}")

    # guides
    guides: list[GuideTier] = []
    f = fname("guides.csv")
    for row, rec in _read_table(d, "guides.csv"):
        lo = int(_num(rec, "min_group", f, row, whole=True, positive=True))
        hi = int(_num(rec, "max_group", f, row, whole=True, positive=True))
        if hi < lo:
            raise DataError(f"max_group {hi} is below min_group {lo}", file=f, row=row, field="max_group")
        if guides and lo != guides[-1].max_group + 1:
            raise DataError(
                f"tiers must follow on: expected min_group {guides[-1].max_group + 1}",
                file=f,
                row=row,
                field="min_group",
            )
        guides.append(
            GuideTier(
                lo,
                hi,
                _num(rec, "per_day_cny", f, row),
                _num(rec, "per_person_day_cny", f, row),
                rec["source"],
                rec["note"],
            )
        )
    if guides[0].min_group != 1:
        raise DataError("the first tier must start at 1", file=f, row=2, field="min_group")

    return Rates(
        settings=settings,
        concessions=concessions,
        vehicles=vehicles,
        rail_rates=rail_rates,
        rail_fares=rail_fares,
        hotel_tiers=hotel_tiers,
        hotel_cities=hotel_cities,
        guides=tuple(guides),
        directory=str(d),
    )


# --------------------------------------------------------------------------- what a plan costs


@dataclass(frozen=True)
class RailRide:
    """One train ride (consecutive rail legs without a change of vehicle)."""

    from_id: str
    to_id: str
    km: float
    day: int = 0


@dataclass
class TripSummary:
    """What a price depends on, taken from a plan (or built by the optimizer for a candidate).

    ``nights`` are the places slept at (one entry per hotel night); ``visits`` the spot ids
    with a ticket each; ``drive_km_per_day`` the road km of each day (the group's vehicle).
    """

    days: int
    nights: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    drive_km_per_day: list[float] = field(default_factory=list)
    rail_rides: list[RailRide] = field(default_factory=list)

    @property
    def drive_km(self) -> float:
        return sum(self.drive_km_per_day)

    @property
    def vehicle_days(self) -> int:
        return sum(1 for km in self.drive_km_per_day if km > 0)


def summarize_plan(plan) -> TripSummary:
    """The costing summary of a :class:`planner.plan.Plan`.

    Nights are the overnights of every day but the last (the last day ends the trip).
    Road km are travel items in ``drive`` (or ``estimate``) mode and the drive/access legs of
    ``drive+rail`` items; consecutive rail legs form one ride.
    """
    from planner.plan import TravelItem, VisitItem

    km_per_day: list[float] = []
    rides: list[RailRide] = []
    visits: list[str] = []
    for k, day in enumerate(plan.days):
        km = 0.0
        for it in day.items:
            if isinstance(it, VisitItem):
                visits.append(it.id)
            elif isinstance(it, TravelItem):
                if it.legs:
                    ride: list[dict] = []
                    for leg in [*it.legs, None]:
                        if leg is not None and leg.get("mode") == "rail":
                            ride.append(leg)
                            continue
                        if ride:
                            rides.append(
                                RailRide(ride[0]["from"], ride[-1]["to"], float(sum(x.get("km", 0.0) for x in ride)), k)
                            )
                            ride = []
                        if leg is not None and leg.get("mode") in ROAD_LEG_MODES:
                            km += float(leg.get("km", 0.0))
                elif it.mode == "rail":
                    rides.append(RailRide(it.from_id, it.to_id, float(it.km), k))
                else:
                    km += float(it.km)
        km_per_day.append(km)
    nights = [d.overnight for d in plan.days[:-1]]
    return TripSummary(days=len(plan.days), nights=nights, visits=visits, drive_km_per_day=km_per_day, rail_rides=rides)


@dataclass
class LineItem:
    """One line of a quote."""

    kind: str
    what: str
    unit: str
    quantity: float
    unit_price_cny: float
    amount_cny: float
    per_person_cny: float
    source: str
    ref: str = ""
    note: str = ""
    estimate: bool = False
    shared: bool = True  # split equally (True) or charged per traveller by category (False)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "what": self.what,
            "unit": self.unit,
            "quantity": round(self.quantity, 3),
            "unit_price_cny": round(self.unit_price_cny, 2),
            "amount_cny": round(self.amount_cny, 2),
            "per_person_cny": round(self.per_person_cny, 2),
            "source": self.source,
            "ref": self.ref,
            "note": self.note,
            "estimate": self.estimate,
        }


@dataclass
class Quote:
    """The price of a plan for a group."""

    group: Group
    vehicles: list[tuple[str, int]]
    lines: list[LineItem]
    net_cost_cny: float
    margin_pct: float
    margin_cny: float
    selling_price_cny: float
    price_per_person_cny: float
    price_per_category_cny: dict[str, float]
    single_supplement_cny: float
    rounding_step_cny: float
    days: int
    nights: int
    vehicle_days: int
    drive_km: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        g = self.group
        return {
            "group": {
                "adults": g.adults,
                "children": g.children,
                "seniors": g.seniors,
                "size": g.size,
                "rooms": g.room_count(),
                "hotel_class": g.hotel_class,
            },
            "vehicles": [{"id": v, "count": n} for v, n in self.vehicles],
            "days": self.days,
            "nights": self.nights,
            "vehicle_days": self.vehicle_days,
            "drive_km": round(self.drive_km, 1),
            "lines": [x.to_dict() for x in self.lines],
            "net_cost_cny": round(self.net_cost_cny, 2),
            "margin_pct": self.margin_pct,
            "margin_cny": round(self.margin_cny, 2),
            "selling_price_cny": round(self.selling_price_cny, 2),
            "price_per_person_cny": self.price_per_person_cny,
            "price_per_category_cny": dict(self.price_per_category_cny),
            "single_supplement_cny": self.single_supplement_cny,
            "rounding_step_cny": self.rounding_step_cny,
            "warnings": list(self.warnings),
        }


def round_up(amount: float, step: float) -> float:
    """``amount`` rounded up to a multiple of ``step`` (a tiny float excess does not bump it)."""
    units = round(amount / step, 6)
    value = math.ceil(units) * step
    return int(value) if float(value).is_integer() else round(value, 2)


def choose_vehicles(rates: Rates, people: int, fixed: str | None = None) -> list[tuple[Vehicle, int]]:
    """Vehicles for ``people`` seated passengers (travellers plus the guide).

    The smallest vehicle that seats everyone; beyond the largest, as many of the largest as
    needed and the smallest that seats the rest. ``fixed`` = a vehicle id to use regardless.
    """
    if fixed is not None:
        if fixed not in rates.vehicles:
            raise PlannerError(f"unknown vehicle '{fixed}' (vehicles: {', '.join(rates.vehicles)})", field="vehicle")
        v = rates.vehicles[fixed]
        return [(v, max(1, math.ceil(people / v.passenger_seats)))]
    fleet = rates.vehicles_by_size()
    if not fleet:
        raise PlannerError("no vehicles in the rates", field="vehicle")
    largest = fleet[-1]
    out: list[tuple[Vehicle, int]] = []
    n_large, rest = 0, people
    while rest > largest.passenger_seats:
        n_large += 1
        rest -= largest.passenger_seats
    if rest > 0:
        small = next(v for v in fleet if v.passenger_seats >= rest)
        if small.id == largest.id:
            n_large += 1
        else:
            out.append((small, 1))
    if n_large:
        out.insert(0, (largest, n_large))
    return out


def _vehicle_label(pairs: Sequence[tuple[Vehicle, int]]) -> str:
    return " + ".join(f"{n}x {v.id}" if n > 1 else v.id for v, n in pairs)


def _place_name(catalog, pid: str) -> str:
    if catalog is not None and pid in catalog:
        s = catalog.spots[pid]
        return f"{s.name_zh} {s.name_en.replace(' Railway Station', '')}"
    return pid


def _quote_summary(summary: TripSummary, group: Group, rates: Rates, catalog) -> Quote:
    n = group.size
    lines: list[LineItem] = []
    warnings: list[str] = []
    conc = rates.concessions
    include_guide = bool(rates.setting("include_guide"))

    def add(
        kind: str,
        what: str,
        unit: str,
        qty: float,
        price: float,
        src: Sourced | None = None,
        *,
        source: str = "",
        ref: str = "",
        note: str = "",
        estimate: bool | None = None,
        shared: bool = True,
    ) -> None:
        amount = qty * price
        s_source = src.source if src is not None else source
        s_ref = src.ref if src is not None else ref
        s_note = note or (src.note if src is not None else "")
        est = estimate if estimate is not None else ("estimate" in s_note.lower())
        lines.append(LineItem(kind, what, unit, qty, price, amount, amount / n, s_source, s_ref, s_note, est, shared))

    def equivalents(col: str) -> float:
        return sum(group.count(c) * conc[c][col].value for c in CATEGORIES)

    def ratio_note(col: str) -> str:
        parts = []
        for c in ("child", "senior"):
            if group.count(c):
                parts.append(f"{group.count(c)} {c}{'ren' if c == 'child' else 's'} at {conc[c][col].value:.0%}")
        return "; ".join(parts)

    # tickets -------------------------------------------------------------------------
    t_eq = equivalents("ticket_ratio")
    for sid in summary.visits:
        spot = catalog.spots.get(sid) if catalog is not None else None
        if spot is None:
            add(
                "tickets",
                f"门票 ticket {sid}",
                "ticket",
                t_eq,
                0.0,
                source="catalog",
                ref="catalog",
                note=f"'{sid}' is not in the catalog: no ticket price; estimate 0",
                estimate=True,
                shared=False,
            )
            warnings.append(f"no ticket price for '{sid}' (not in the catalog)")
            continue
        price = spot.ticket_cny
        note = ratio_note("ticket_ratio")
        if price is None:
            note = "no ticket price in the catalog; estimate 0" + (f"; {note}" if note else "")
            warnings.append(f"no ticket price for {spot.name_en} in the catalog")
        add(
            "tickets",
            f"门票 {spot.name_zh} {spot.name_en}",
            "ticket",
            t_eq,
            float(price or 0.0),
            source=spot.source.split(";")[0].strip(),
            ref=f"catalog:{sid}",
            note=note,
            estimate=price is None,
            shared=False,
        )

    # trains --------------------------------------------------------------------------
    r_eq = equivalents("rail_ratio")
    fallback_cls = rates.setting("rail_fallback_class")
    for ride in summary.rail_rides:
        fare = rates.fare(ride.from_id, ride.to_id)
        what = f"高铁 HSR 2nd class {_place_name(catalog, ride.from_id)} – {_place_name(catalog, ride.to_id)}"
        if fare is not None:
            note = fare.note
            extra = ratio_note("rail_ratio")
            add(
                "rail",
                what,
                "seat",
                r_eq,
                fare.fare_cny,
                source=fare.source,
                ref=f"rail_fares.csv:{ride.from_id}/{ride.to_id}",
                note=note + (f"; {extra}" if extra else ""),
                estimate="estimate" in note.lower(),
                shared=False,
            )
            price = fare.fare_cny
        else:
            rate = rates.rail_rates[fallback_cls]
            price = round(ride.km * rate.value * 2) / 2  # China Railway rounds fares to 0.5 CNY
            note = (
                f"no fare in rail_fares.csv for {ride.from_id} – {ride.to_id}: estimate "
                f"{ride.km:.1f} km x {rate.value:g} CNY/km ({fallback_cls} class)"
            )
            add(
                "rail",
                what,
                "seat",
                r_eq,
                price,
                source=rate.source,
                ref=rate.ref,
                note=note,
                estimate=True,
                shared=False,
            )
            warnings.append(note)
        if include_guide:
            est = fare is None or "estimate" in fare.note.lower()
            add(
                "rail",
                f"{what} (guide)",
                "seat",
                1,
                price,
                source="guide travels with the group",
                ref="settings.csv:include_guide",
                note="the guide's own seat, shared by the group",
                estimate=est,
            )

    # hotels --------------------------------------------------------------------------
    rooms = group.room_count()
    supplement = 0.0
    i = 0
    while i < len(summary.nights):
        place = summary.nights[i]
        j = i
        while j + 1 < len(summary.nights) and summary.nights[j + 1] == place:
            j += 1
        nights = j - i + 1
        tier_src = rates.hotel_cities.get(place)
        note = ""
        if tier_src is None:
            tier = FALLBACK_TIER
            note = f"no hotel tier for '{place}' in hotel_cities.csv: estimate at tier {tier}"
            warnings.append(note)
        else:
            tier = tier_src.value
        rate = rates.hotel_tiers[(tier, group.hotel_class)]
        full_note = "; ".join(x for x in (note, f"tier {tier} {group.hotel_class}; {rooms} rooms", rate.note) if x)
        add(
            "hotel",
            f"住宿 hotel {_place_name(catalog, place)}",
            "room-night",
            rooms * nights,
            rate.value,
            source=rate.source,
            ref=rate.ref,
            note=full_note,
            estimate=bool(note) or rate.estimate,
        )
        supplement += nights * rate.value / 2
        i = j + 1

    # vehicles ------------------------------------------------------------------------
    seated = n + (1 if include_guide else 0)
    fleet = choose_vehicles(rates, seated, group.vehicle)
    vdays = summary.vehicle_days
    share = rates.setting("expressway_share")
    if vdays:
        for v, count in fleet:
            label = f"{v.name_zh} {v.name_en}" + (f" x{count}" if count > 1 else "")
            vsrc = Sourced(None, v.source, v.note, f"vehicles.csv:{v.id}")
            add("vehicle", f"用车 {label}", "vehicle-day", vdays * count, v.per_day_cny, vsrc)
            extra_km = sum(max(0.0, km - v.km_included_per_day) for km in summary.drive_km_per_day)
            if extra_km > 0:
                add(
                    "vehicle",
                    f"超公里 km beyond {v.km_included_per_day:g} km/day, {label}",
                    "km",
                    extra_km * count,
                    v.per_km_cny,
                    vsrc,
                )
            add(
                "vehicle",
                f"司机补助 driver's allowance, {label}",
                "driver-day",
                vdays * count,
                v.driver_allowance_per_day_cny,
                vsrc,
            )
            toll_km = summary.drive_km * share
            toll_note = f"{summary.drive_km:.1f} road km x {share:g} on expressways; class {v.toll_class}; " + v.note
            add(
                "tolls",
                f"过路费 expressway tolls, {label}",
                "vehicle-km",
                toll_km * count,
                v.toll_per_km_cny,
                source=v.source,
                ref=f"vehicles.csv:{v.id}",
                note=toll_note,
            )

    # guide ---------------------------------------------------------------------------
    if include_guide:
        tier = next((t for t in rates.guides if t.min_group <= n <= t.max_group), rates.guides[-1])
        fee = tier.per_day_cny + tier.per_person_day_cny * n
        gsrc = Sourced(None, tier.source, tier.note, f"guides.csv:{tier.min_group}-{tier.max_group}")
        add("guide", f"导游 guide (groups of {tier.min_group}-{tier.max_group})", "guide-day", summary.days, fee, gsrc)
        allowance = rates.settings["guide_allowance_per_day_cny"]
        add("guide", "导游补助 guide's board and lodging", "guide-day", summary.days, allowance.value, allowance)

    # meals and insurance -------------------------------------------------------------
    meals = rates.settings["meals_per_person_day_cny"]
    m_eq = equivalents("meal_ratio")
    extra = ratio_note("meal_ratio")
    add(
        "meals",
        "团餐 group meals (lunch and dinner)",
        "person-day",
        summary.days * m_eq,
        meals.value,
        meals,
        note=meals.note + (f"; {extra}" if extra else ""),
        shared=False,
    )
    ins = rates.settings["insurance_per_person_day_cny"]
    add(
        "insurance",
        "旅游意外险 travel accident insurance",
        "person-day",
        summary.days * n,
        ins.value,
        ins,
        shared=False,
    )

    # totals --------------------------------------------------------------------------
    net = sum(x.amount_cny for x in lines)
    pct = float(rates.setting("margin_pct"))
    margin = net * pct / 100.0
    selling = net + margin
    step = float(rates.setting("rounding_step_cny"))
    shared_pp = sum(x.amount_cny for x in lines if x.shared) / n
    per_cat: dict[str, float] = {}
    for c in CATEGORIES:
        if not group.count(c):
            continue
        own = 0.0
        for x in lines:
            if x.shared:
                continue
            ratio = {"tickets": "ticket_ratio", "rail": "rail_ratio", "meals": "meal_ratio"}.get(x.kind)
            own += (
                x.unit_price_cny
                * (conc[c][ratio].value if ratio else 1.0)
                * (summary.days if x.kind in ("meals", "insurance") else 1)
            )
        per_cat[c] = round_up((shared_pp + own) * (1 + pct / 100.0), step)
    return Quote(
        group=group,
        vehicles=[(v.id, c) for v, c in fleet],
        lines=lines,
        net_cost_cny=net,
        margin_pct=pct,
        margin_cny=margin,
        selling_price_cny=selling,
        price_per_person_cny=round_up(selling / n, step),
        price_per_category_cny=per_cat,
        single_supplement_cny=round_up(supplement * (1 + pct / 100.0), step) if summary.nights else 0,
        rounding_step_cny=step,
        days=summary.days,
        nights=len(summary.nights),
        vehicle_days=vdays,
        drive_km=summary.drive_km,
        warnings=warnings,
    )


def quote(plan, group: Group, rates: Rates, catalog) -> Quote:
    """Price a plan for a group.

    Parameters
    ----------
    plan : planner.plan.Plan
    group : Group
    rates : Rates
        From :func:`load_rates`, possibly with overrides.
    catalog : planner.catalog.Catalog
        For ticket prices and place names.

    Returns
    -------
    Quote
        Line items (what, unit, quantity, unit price, amount, per person, source) and totals:
        net cost, margin, selling price and the price per person rounded up to the
        ``rounding_step_cny`` setting.
    """
    return _quote_summary(summarize_plan(plan), group, rates, catalog)


@dataclass(frozen=True)
class PriceBreak:
    """The price per person for a group of ``size`` adults."""

    size: int
    vehicles: str
    net_cost_per_person_cny: float
    price_per_person_cny: float

    def to_dict(self) -> dict:
        return {
            "size": self.size,
            "vehicles": self.vehicles,
            "net_cost_per_person_cny": round(self.net_cost_per_person_cny, 2),
            "price_per_person_cny": self.price_per_person_cny,
        }


def price_breaks(
    plan,
    rates: Rates,
    catalog,
    sizes: Iterable[int] = DEFAULT_SIZES,
    *,
    hotel_class: str = "comfort",
    vehicle: str | None = None,
) -> list[PriceBreak]:
    """Price per person for groups of each size (all adults, twin sharing).

    Returns one :class:`PriceBreak` per size, in the order given.
    """
    summary = summarize_plan(plan)
    out = []
    for size in sizes:
        q = _quote_summary(summary, Group(adults=int(size), hotel_class=hotel_class, vehicle=vehicle), rates, catalog)
        label = " + ".join(f"{c}x {v}" if c > 1 else v for v, c in q.vehicles)
        out.append(PriceBreak(int(size), label, q.net_cost_cny / size, q.price_per_person_cny))
    return out


def fill_plan_costs(plan, group: Group | None, rates: Rates, catalog) -> Quote | None:
    """Set ``plan.totals["cost_cny"]`` (the selling price for the whole group) and
    ``["cost_per_person_cny"]`` (price per person, rounded up); both None when ``group`` is None.

    Returns the quote (or None).
    """
    if group is None:
        plan.totals["cost_cny"] = None
        plan.totals["cost_per_person_cny"] = None
        return None
    q = quote(plan, group, rates, catalog)
    plan.totals["cost_cny"] = round(q.selling_price_cny, 2)
    plan.totals["cost_per_person_cny"] = q.price_per_person_cny
    return q


def estimate_cost_per_person(
    summary: TripSummary, group_size: int, rates: Rates, catalog, *, hotel_class: str = "comfort"
) -> float:
    """Selling price per person (before rounding) of a candidate trip, for budget-aware planning.

    The same arithmetic as :func:`quote` on a :class:`TripSummary` the optimizer builds for
    a candidate (days, hotel nights, visited spot ids, road km per day, rail rides), for a
    group of ``group_size`` adults. Cheap enough to call per candidate; see docs/costing.md
    ("Budget-aware planning") for how the optimizer uses it with ``budget_per_person_cny``.
    """
    q = _quote_summary(summary, Group(adults=int(group_size), hotel_class=hotel_class), rates, catalog)
    return q.selling_price_cny / group_size


def group_from_text(text: str, *, hotel_class: str = "comfort", vehicle: str | None = None) -> Group:
    """``"10"``, ``"10,2"`` or ``"10,2,3"`` (adults, children, seniors) -> Group."""
    parts = [p.strip() for p in str(text).split(",")]
    if not 1 <= len(parts) <= 3 or any(not p for p in parts):
        raise PlannerError(f"'{text}' is not ADULTS[,CHILDREN[,SENIORS]]", field="--group")
    nums = []
    for p in parts:
        if not p.isdigit():
            raise PlannerError(f"'{p}' is not a whole number of people", field="--group")
        nums.append(int(p))
    nums += [0] * (3 - len(nums))
    try:
        return Group(adults=nums[0], children=nums[1], seniors=nums[2], hotel_class=hotel_class, vehicle=vehicle)
    except PlannerError as exc:
        raise PlannerError(exc.message, field="--group") from None


def package_costing(costing: dict | None, group_size: int | None, rates: Rates | None = None) -> tuple[Group, Rates]:
    """The group and rates a package's ``costing`` settings describe.

    Parameters
    ----------
    costing : dict or None
        ``{"adults", "children", "seniors", "rooms", "singles", "hotel_class", "vehicle",
        "overrides": {rate key: value}}``, every key optional (see ``planner.package``).
    group_size : int or None
        The request's group size: the number of adults when ``costing`` does not say.
    rates : Rates, optional
        The base rates (default: ``load_rates()``).

    Raises
    ------
    PlannerError
        Naming the ``costing`` field that does not fit.
    """
    costing = dict(costing or {})
    base = rates if rates is not None else load_rates()
    for key, value in (costing.get("overrides") or {}).items():
        base = base.with_override(str(key), value)
    kwargs: dict[str, Any] = {}
    for name in ("adults", "children", "seniors", "singles", "rooms"):
        if costing.get(name) is not None:
            value = costing[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise PlannerError(f"{value!r} is not a whole number of 0 or more", field=f"costing.{name}")
            kwargs[name] = value
    if "adults" not in kwargs:
        kwargs["adults"] = int(group_size or 2)
    if costing.get("hotel_class"):
        kwargs["hotel_class"] = str(costing["hotel_class"])
    if costing.get("vehicle"):
        if costing["vehicle"] not in base.vehicles:
            raise PlannerError(f"'{costing['vehicle']}' is not a vehicle in vehicles.csv", field="costing.vehicle")
        kwargs["vehicle"] = str(costing["vehicle"])
    try:
        group = Group(**kwargs)
    except (ValueError, PlannerError) as exc:
        raise PlannerError(str(exc), field="costing") from None
    return group, base
