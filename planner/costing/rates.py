"""The rate tables of ``data/rates/``: loading and checking them, and per-package overrides."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from planner import paths
from planner.costing.group import CATEGORIES, HOTEL_CLASSES
from planner.costing.seasons import Seasons, load_seasons
from planner.costing.tables import num as _num
from planner.costing.tables import read_table
from planner.errors import DataError, PlannerError

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


def _number(key: str, v: Any, *, whole: bool = False, upper: float | None = None) -> float:
    """An override value as a number of 0 or more (up to ``upper``); PlannerError naming ``key``."""
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


def _override_note(key: str) -> str:
    return f"per-package override of {key}"


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
    seasons: Seasons = Seasons(())

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
        parts = key.split(".")
        head = parts[0]
        if len(parts) == 1 and head in SETTING_KEYS:
            changed = _override_setting(self, key, value)
        elif (head, len(parts)) in _OVERRIDES:
            changed = _OVERRIDES[(head, len(parts))](self, key, parts, value)
        else:
            raise PlannerError(
                "unknown rate key (a settings.csv key, or vehicles.<id>.<column>, concessions.<category>.<column>, "
                "hotels.<tier>.<class>, hotel_cities.<place>, rail_fares.<from>.<to>, rail_rates.<class>, "
                "guides.<min_group>.<column>)",
                field=key,
            )
        return replace(changed, overrides=self.overrides + ((key, value),))


def _override_setting(r: Rates, key: str, value: Any) -> Rates:
    if key in _TEXT_SETTINGS:
        if str(value) not in r.rail_rates:
            raise PlannerError(f"'{value}' is not a class in rail_rates.csv", field=key)
        new_val: Any = str(value)
    elif key == "include_guide":
        new_val = _number(key, value, whole=True, upper=1)
    elif key == "expressway_share":
        new_val = _number(key, value, upper=1)
    elif key == "rounding_step_cny":
        new_val = _number(key, value)
        if new_val <= 0:
            raise PlannerError(f"{value!r} is not a rounding step above 0", field=key)
    else:
        new_val = _number(key, value)
    settings = dict(r.settings)
    settings[key] = Sourced(new_val, "override", _override_note(key), f"override:{key}")
    return replace(r, settings=settings)


def _override_vehicle(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    vid, col = parts[1], parts[2]
    if vid not in r.vehicles:
        raise PlannerError(f"unknown vehicle '{vid}' ({', '.join(r.vehicles)})", field=key)
    if col not in TABLES["vehicles.csv"][3:11]:
        raise PlannerError(f"'{col}' is not a number column of vehicles.csv", field=key)
    whole = col in ("seats", "passenger_seats", "toll_class")
    changes: dict[str, Any] = {col: _number(key, value, whole=whole)}
    veh = replace(r.vehicles[vid], **changes, source="override", note=_override_note(key))
    return replace(r, vehicles={**r.vehicles, vid: veh})


def _override_concession(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    cat, col = parts[1], parts[2]
    if cat not in r.concessions or col not in ("ticket_ratio", "rail_ratio", "meal_ratio"):
        raise PlannerError("expected concessions.<adult|child|senior>.<ticket|rail|meal>_ratio", field=key)
    conc = {k: dict(v) for k, v in r.concessions.items()}
    conc[cat][col] = Sourced(_number(key, value, upper=1), "override", _override_note(key), f"override:{key}")
    return replace(r, concessions=conc)


def _override_hotel(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    tier, cls = parts[1], parts[2]
    if (tier, cls) not in r.hotel_tiers:
        raise PlannerError(f"no hotel tier '{tier}' with class '{cls}' in hotel_tiers.csv", field=key)
    src = Sourced(_number(key, value), "override", _override_note(key), f"override:{key}")
    return replace(r, hotel_tiers={**r.hotel_tiers, (tier, cls): src})


def _override_hotel_city(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    if not any(t == str(value) for t, _ in r.hotel_tiers):
        raise PlannerError(f"'{value}' is not a tier in hotel_tiers.csv", field=key)
    src = Sourced(str(value), "override", _override_note(key), f"override:{key}")
    return replace(r, hotel_cities={**r.hotel_cities, parts[1]: src})


def _override_rail_fare(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    a, b = parts[1], parts[2]
    old = r.fare(a, b)
    fares = {k: v for k, v in r.rail_fares.items() if k not in ((a, b), (b, a))}
    fares[(a, b)] = RailFare(
        _number(key, value), old.cls if old else "", old.km if old else 0.0, "override", _override_note(key)
    )
    return replace(r, rail_fares=fares)


def _override_rail_rate(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    if parts[1] not in r.rail_rates:
        raise PlannerError(f"'{parts[1]}' is not a class in rail_rates.csv", field=key)
    src = Sourced(_number(key, value), "override", _override_note(key), f"override:{key}")
    return replace(r, rail_rates={**r.rail_rates, parts[1]: src})


def _override_guide(r: Rates, key: str, parts: list[str], value: Any) -> Rates:
    col = parts[2]
    if col not in ("per_day_cny", "per_person_day_cny"):
        raise PlannerError("expected guides.<min_group>.<per_day_cny|per_person_day_cny>", field=key)
    tiers = list(r.guides)
    for i, t in enumerate(tiers):
        if str(t.min_group) == parts[1]:
            changes: dict[str, Any] = {col: _number(key, value)}
            tiers[i] = replace(t, **changes, source="override", note=_override_note(key))
            return replace(r, guides=tuple(tiers))
    raise PlannerError(f"no guide tier starting at {parts[1]} in guides.csv", field=key)


# (first part of the key, number of parts) -> the function that applies such an override.
_OVERRIDES = {
    ("vehicles", 3): _override_vehicle,
    ("concessions", 3): _override_concession,
    ("hotels", 3): _override_hotel,
    ("hotel_cities", 2): _override_hotel_city,
    ("rail_fares", 3): _override_rail_fare,
    ("rail_rates", 2): _override_rail_rate,
    ("guides", 3): _override_guide,
}

def rates_dir() -> Path:
    """The bundled ``data/rates/`` folder."""
    return paths.data_dir() / "rates"


def _read_table(directory: Path, name: str) -> list[tuple[int, dict[str, str]]]:
    return read_table(directory / name, TABLES[name])


def load_rates(dir: Path | str | None = None) -> Rates:
    """Load and validate the rate tables (and ``seasons.csv`` when the folder has one).

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
    settings = _load_settings(d)
    rail_rates = _load_rail_rates(d)
    if settings["rail_fallback_class"].value not in rail_rates:
        raise DataError(
            f"rail_fallback_class '{settings['rail_fallback_class'].value}' is not in rail_rates.csv",
            file=str(d / "settings.csv"),
            field="value",
        )
    hotel_tiers = _load_hotel_tiers(d)
    seasons_file = d / "seasons.csv"
    return Rates(
        settings=settings,
        concessions=_load_concessions(d),
        vehicles=_load_vehicles(d),
        rail_rates=rail_rates,
        rail_fares=_load_rail_fares(d, rail_rates),
        hotel_tiers=hotel_tiers,
        hotel_cities=_load_hotel_cities(d, {t for t, _ in hotel_tiers}),
        guides=_load_guides(d),
        directory=str(d),
        seasons=load_seasons(seasons_file) if seasons_file.exists() else Seasons(()),
    )


def _load_settings(d: Path) -> dict[str, Sourced]:
    settings: dict[str, Sourced] = {}
    f = str(d / "settings.csv")
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
    return settings


def _load_concessions(d: Path) -> dict[str, dict[str, Sourced]]:
    concessions: dict[str, dict[str, Sourced]] = {}
    f = str(d / "concessions.csv")
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
    return concessions


def _load_vehicles(d: Path) -> dict[str, Vehicle]:
    vehicles: dict[str, Vehicle] = {}
    f = str(d / "vehicles.csv")
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
        money = {c: _num(rec, c, f, row) for c in TABLES["vehicles.csv"][6:11]}
        vehicles[vid] = Vehicle(
            id=vid,
            name_zh=rec["name_zh"],
            name_en=rec["name_en"],
            seats=int(seats),
            passenger_seats=int(pax),
            toll_class=int(_num(rec, "toll_class", f, row, whole=True, positive=True)),
            source=rec["source"],
            note=rec["note"],
            **money,
        )
    return vehicles


def _load_rail_rates(d: Path) -> dict[str, Sourced]:
    rail_rates: dict[str, Sourced] = {}
    f = str(d / "rail_rates.csv")
    for row, rec in _read_table(d, "rail_rates.csv"):
        cls = rec["class"]
        if not cls:
            raise DataError("is empty", file=f, row=row, field="class")
        rail_rates[cls] = Sourced(
            _num(rec, "cny_per_km", f, row, positive=True), rec["source"], rec["note"], f"rail_rates.csv:{cls}"
        )
    return rail_rates


def _load_rail_fares(d: Path, rail_rates: dict[str, Sourced]) -> dict[tuple[str, str], RailFare]:
    rail_fares: dict[tuple[str, str], RailFare] = {}
    f = str(d / "rail_fares.csv")
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
    return rail_fares


def _load_hotel_tiers(d: Path) -> dict[tuple[str, str], Sourced]:
    hotel_tiers: dict[tuple[str, str], Sourced] = {}
    f = str(d / "hotel_tiers.csv")
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
    return hotel_tiers


def _load_hotel_cities(d: Path, tiers: set[str]) -> dict[str, Sourced]:
    hotel_cities: dict[str, Sourced] = {}
    f = str(d / "hotel_cities.csv")
    for row, rec in _read_table(d, "hotel_cities.csv"):
        place, tier = rec["place"], rec["tier"]
        if not place:
            raise DataError("is empty", file=f, row=row, field="place")
        if tier not in tiers:
            raise DataError(f"'{tier}' is not a tier in hotel_tiers.csv", file=f, row=row, field="tier")
        if place in hotel_cities:
            raise DataError(f"'{place}' given twice", file=f, row=row, field="place")
        hotel_cities[place] = Sourced(tier, rec["source"], rec["note"], f"hotel_cities.csv:{place}")
    return hotel_cities


def _load_guides(d: Path) -> tuple[GuideTier, ...]:
    guides: list[GuideTier] = []
    f = str(d / "guides.csv")
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
    return tuple(guides)
