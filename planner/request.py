"""The trip request: what a planner asks for (dataclasses, JSON I/O and validation)."""

from __future__ import annotations

import datetime as _dt
import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from planner.errors import PlannerError, RequestError, UnknownPlaceError

SCHEMA_TAG = "qiantu/request@1"
ANYWHERE = "anywhere"
MAX_DAYS = 30
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

DEFAULTS: dict[str, Any] = {
    "title": "",
    "start_date": None,
    "day_start": "08:30",
    "day_end": "18:30",
    "max_drive_minutes_per_day": None,
    "mode": "drive",
    "keep_order": False,
    "follow_history": False,
    "lunch_minutes": 60,
    "lunch_window": ["11:30", "13:30"],
    "locked_days": [],
    "group_size": None,
    "budget_per_person_cny": None,
    "time_limit_s": 5,
    "seed": 0,
}

# What a new trip starts with in the app (the one set of defaults above, plus a first choice of
# place, length, driving limit and group a planner then changes).
NEW_TRIP: dict[str, Any] = {
    **{k: v for k, v in DEFAULTS.items() if k not in ("lunch_window", "locked_days")},  # written only when set
    "start": "guiyang",
    "end": None,
    "days": 3,
    "max_drive_minutes_per_day": 360,
    "group_size": 10,
    "stops": [],
}


@dataclass(frozen=True)
class CustomPlace:
    """A start or end that is not in the catalog (a hotel, an address) given by coordinates."""

    name: str
    lat: float
    lon: float

    @property
    def id(self) -> str:
        """The id used for it in plans: ``custom:<name>``."""
        return f"custom:{self.name}"

    def to_dict(self) -> dict:
        return {"name": self.name, "lat": self.lat, "lon": self.lon}


PlaceRef = str | CustomPlace


@dataclass
class StopRequest:
    """One place the planner wants in the trip, with its overrides."""

    id: str
    must: bool = False
    priority: float = 1
    after: tuple[str, ...] = ()
    visit_minutes: int | None = None
    open: str | None = None
    close: str | None = None
    note: str = ""
    day: int | None = None  # pinned to this day (1-based): visited that day or not at all
    event: str | None = None  # the Long March event (events table id) this visit stands for


@dataclass
class TripRequest:
    """A trip request as in DESIGN.md ("Trip request"); defaults filled in."""

    start: PlaceRef
    days: int
    stops: list[StopRequest] = field(default_factory=list)
    end: PlaceRef | None = None  # None: same as start; "anywhere": open end
    title: str = ""
    start_date: str | None = None
    day_start: str = "08:30"
    day_end: str = "18:30"
    max_drive_minutes_per_day: int | None = None
    mode: str = "drive"
    keep_order: bool = False
    follow_history: bool = False
    lunch_minutes: int = 60
    lunch_window: tuple[str, str] = ("11:30", "13:30")
    locked_days: tuple[int, ...] = ()
    group_size: int | None = None
    budget_per_person_cny: float | None = None
    time_limit_s: float = 5
    seed: int = 0
    dinner_show: bool = False
    hotel_class: str = "comfort"
    file: str | None = field(default=None, compare=False, repr=False)

    @property
    def end_place(self) -> PlaceRef:
        """The end: a place, or ``"anywhere"``; the start when none was given."""
        return self.start if self.end is None else self.end

    @property
    def open_end(self) -> bool:
        return self.end == ANYWHERE

    @property
    def first_date(self) -> _dt.date | None:
        return _dt.date.fromisoformat(self.start_date) if self.start_date else None

    def stop(self, spot_id: str) -> StopRequest:
        for s in self.stops:
            if s.id == spot_id:
                return s
        raise KeyError(spot_id)


# --------------------------------------------------------------------------- JSON Schema


@cache
def load_schema(name: str) -> dict:
    """The bundled JSON Schema ``planner/schemas/<name>.schema.json``."""
    path = Path(__file__).resolve().parent / "schemas" / f"{name}.schema.json"
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def json_path(parts) -> str:
    """``['stops', 2, 'id']`` -> ``stops[2].id``."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


# Longest text accepted in a field: free notes may be long, names and titles are one line.
_NOTE_KEYS = frozenset(("notes", "note", "summary", "account"))
MAX_NOTE_CHARS = 20_000
MAX_TEXT_CHARS = 500


def _first_long_text(doc: Any) -> tuple[str, int, int] | None:
    """``(json path, length, limit)`` of the first string over its limit, or None."""
    stack: list[tuple[Any, list]] = [(doc, [])]
    while stack:
        node, at = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(v, str):
                    limit = MAX_NOTE_CHARS if k in _NOTE_KEYS else MAX_TEXT_CHARS
                    if len(v) > limit:
                        return json_path([*at, k]), len(v), limit
                else:
                    stack.append((v, [*at, k]))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, str) and len(v) > MAX_TEXT_CHARS:
                    return json_path([*at, i]), len(v), MAX_TEXT_CHARS
                stack.append((v, [*at, i]))
    return None


@cache
def _strict_validator_class():
    """Draft 2020-12 where "integer" means a JSON integer: 5.0 days is refused, not read as 5."""
    import jsonschema

    base = jsonschema.Draft202012Validator
    checker = base.TYPE_CHECKER.redefine(
        "integer", lambda _c, x: isinstance(x, int) and not isinstance(x, bool)
    )
    return jsonschema.validators.extend(base, type_checker=checker)


def _strict_validator(schema: dict):
    return _strict_validator_class()(schema)


def schema_check(doc: Any, schema_name: str, file: str | None, error_class=RequestError) -> None:
    """Validate ``doc`` against a bundled schema; the first problem as a domain error naming the field."""
    from jsonschema.exceptions import best_match

    schema = load_schema(schema_name)
    long_text = _first_long_text(doc)
    if long_text is not None:
        where, n, limit = long_text
        raise error_class(f"is {n:,} characters long; the limit is {limit:,}", file=file, field=where)
    validator = _strict_validator(schema)
    errors = list(validator.iter_errors(doc))
    if not errors:
        return
    errors.sort(key=lambda e: (list(map(str, e.absolute_path)), e.validator != "required"))
    err = best_match(errors)
    path = list(err.absolute_path)
    msg = err.message
    if err.validator == "required":
        missing = next(
            (r for r in err.validator_value if isinstance(err.instance, dict) and r not in err.instance), None
        )
        if missing is not None:
            path.append(missing)
            msg = "is missing"
    elif err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = list(err.schema.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        if extra:
            path.append(extra[0])
            close = difflib.get_close_matches(str(extra[0]), allowed, n=1)
            msg = "is not a known field" + (f" (did you mean '{close[0]}'?)" if close else "")
    elif err.validator == "const":
        msg = f"is {json.dumps(err.instance, ensure_ascii=False)}, expected {json.dumps(err.validator_value)}"
    elif err.validator == "pattern" and "[0-5]" in str(err.validator_value):
        msg = f"'{err.instance}' is not a time HH:MM"
    elif err.validator == "pattern":
        msg = f"'{err.instance}' is not a date YYYY-MM-DD"
    elif err.validator == "oneOf":
        inst = err.instance
        if isinstance(inst, dict) and "type" in inst and inst.get("type") not in ("travel", "visit", "break"):
            path.append("type")
            msg = f"{json.dumps(inst.get('type'), ensure_ascii=False)} is not travel, visit or break"
        elif isinstance(inst, dict) and inst.get("type") in ("travel", "visit", "break") and err.context:
            # The item's own kind explains best what is wrong with it.
            branches = err.validator_value
            want = None
            for i, branch in enumerate(branches):
                ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
                if ref.endswith("/" + str(inst.get("type"))):
                    want = i
            subs = [e for e in err.context if e.schema_path and e.schema_path[0] == want]
            sub = best_match(subs or err.context)
            path.extend(sub.relative_path)
            msg = sub.message
            if sub.validator in ("minimum", "exclusiveMinimum"):
                msg = f"{sub.instance} is below the minimum {sub.validator_value}"
        else:
            msg = 'must be a spot id or an object {"name", "lat", "lon"}'
    elif err.validator == "enum":
        msg = f"{json.dumps(err.instance, ensure_ascii=False)} is not one of {', '.join(map(str, err.validator_value))}"
    elif err.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        lo = err.schema.get("minimum", err.schema.get("exclusiveMinimum"))
        hi = err.schema.get("maximum", err.schema.get("exclusiveMaximum"))
        if hi is None:
            msg = f"{err.instance} is below the minimum {lo}"
        elif lo is None:
            msg = f"{err.instance} is above the maximum {hi}"
        else:
            msg = f"{err.instance} is out of range ({lo}..{hi})"
    raise error_class(msg, file=file, field=json_path(path) or None)


# --------------------------------------------------------------------------- reading


def load_request(path: str | Path, catalog=None) -> TripRequest:
    """Read and validate a trip request file.

    Parameters
    ----------
    path : str or Path
    catalog : Catalog, optional
        For checking the spot ids; the bundled catalog when None.

    Raises
    ------
    RequestError
        Naming the file and the field (``stops[2].id``) of the first problem.
    """
    doc = read_json(path, RequestError)
    return request_from_dict(doc, file=str(path), catalog=catalog)


def read_json(path: str | Path, error_class=RequestError) -> Any:
    """Parse a JSON file with the guarded reader (:func:`planner.io.read_json`): a missing or
    special file, bad JSON, NaN, deep nesting or huge numbers as a domain error naming the file."""
    from planner import io as _io

    return _io.read_json(path, error_class)


def _minutes(text: str) -> int:
    m = _TIME_RE.match(text)
    assert m, text
    return int(m.group(1)) * 60 + int(m.group(2))


def request_from_dict(d: Any, file: str | None = None, catalog=None, *, check_ids: bool = True) -> TripRequest:
    """Build a validated TripRequest from its JSON dict (see DESIGN.md, "Trip request").

    ``file`` only names the source in error messages. With ``check_ids`` the spot ids are
    checked against ``catalog`` (the bundled catalog when None).
    """

    def err(fld: str, msg: str) -> RequestError:
        return RequestError(msg, file=file, field=fld)

    if not isinstance(d, dict):
        raise RequestError("a trip request must be a JSON object", file=file)
    if "schema" not in d:
        raise err("schema", f'is missing (expected "{SCHEMA_TAG}")')
    if d["schema"] != SCHEMA_TAG:
        tag = d["schema"]
        if isinstance(tag, str) and tag.startswith("qiantu/request@"):
            raise err("schema", f"'{tag}' is not supported by this version of QianTu (it reads {SCHEMA_TAG})")
        raise err("schema", f"is {json.dumps(tag, ensure_ascii=False)}, not a trip request ({SCHEMA_TAG})")
    stops_in = d.get("stops")
    for i, s in enumerate(stops_in if isinstance(stops_in, list) else []):
        n = s.get("day") if isinstance(s, dict) else None
        if isinstance(n, int) and not isinstance(n, bool) and n < 1:
            raise err(f"stops[{i}].day", f"{n} is not a day of the trip (days are numbered from 1)")
    schema_check(d, "request", file)

    v = {**DEFAULTS, **d}
    start = _place(d["start"])
    end = _place(d["end"]) if "end" in d else None
    from planner.domain import REGION_EN, in_region

    for fld, place in (("start", start), ("end", end)):
        if isinstance(place, CustomPlace) and not in_region(place.lat, place.lon):
            raise err(fld, f"({place.lat}, {place.lon}) is outside the area QianTu plans in: {REGION_EN}")
    if v["start_date"] is not None:
        try:
            first = _dt.date.fromisoformat(v["start_date"])
        except ValueError:
            raise err("start_date", f"'{v['start_date']}' is not a date YYYY-MM-DD") from None
        if not 2000 <= first.year <= 2100:
            raise err("start_date", f"{v['start_date']} is outside the years QianTu plans for (2000-2100)")
    if _minutes(v["day_end"]) <= _minutes(v["day_start"]):
        raise err("day_end", f"{v['day_end']} is not after day_start {v['day_start']}")
    lw = v["lunch_window"]
    if _minutes(lw[1]) <= _minutes(lw[0]):
        raise err("lunch_window", f"ends at {lw[1]}, not after its start {lw[0]}")
    for j, n in enumerate(v["locked_days"]):
        if n > v["days"]:
            raise err(f"locked_days[{j}]", f"day {n} is past the last day ({v['days']})")

    stops: list[StopRequest] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(d["stops"]):
        sid = s["id"]
        if sid in seen:
            raise err(f"stops[{i}].id", f"'{sid}' is already stops[{seen[sid]}]")
        seen[sid] = i
        if ("open" in s) != ("close" in s):
            raise err(f"stops[{i}].{'close' if 'open' in s else 'open'}", "open and close must be given together")
        if "open" in s and _minutes(s["close"]) <= _minutes(s["open"]):
            raise err(f"stops[{i}].close", f"{s['close']} is not after open {s['open']}")
        if s.get("day") is not None and s["day"] > v["days"]:
            raise err(f"stops[{i}].day", f"day {s['day']} is past the last day of a {v['days']}-day trip")
        stops.append(
            StopRequest(
                id=sid,
                must=bool(s.get("must", False)),
                priority=s.get("priority", 1),
                after=tuple(s.get("after", ())),
                visit_minutes=s.get("visit_minutes"),
                open=s.get("open"),
                close=s.get("close"),
                note=s.get("note", ""),
                day=s.get("day"),
                event=s.get("event"),
            )
        )
    for i, s in enumerate(stops):
        for j, a in enumerate(s.after):
            if a not in seen:
                close = difflib.get_close_matches(a, list(seen), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise err(f"stops[{i}].after[{j}]", f"'{a}' is not one of the requested stops{hint}")
            if a == s.id:
                raise err(f"stops[{i}].after[{j}]", "a stop cannot come after itself")
            if v["keep_order"] and seen[a] > i:
                raise err(f"stops[{i}].after[{j}]", f"'{a}' comes later in the list and keep_order is true")
    cycle = _find_cycle(stops)
    if cycle:
        i = seen[cycle[0]]
        raise err(f"stops[{i}].after", "the 'after' rules form a cycle: " + " -> ".join(cycle))

    req = TripRequest(
        start=start,
        end=end,
        days=v["days"],
        stops=stops,
        title=v["title"],
        start_date=v["start_date"],
        day_start=v["day_start"],
        day_end=v["day_end"],
        max_drive_minutes_per_day=v["max_drive_minutes_per_day"],
        mode=v["mode"],
        keep_order=v["keep_order"],
        follow_history=v["follow_history"],
        lunch_minutes=v["lunch_minutes"],
        lunch_window=(lw[0], lw[1]),
        locked_days=tuple(v["locked_days"]),
        group_size=v["group_size"],
        budget_per_person_cny=v["budget_per_person_cny"],
        time_limit_s=v["time_limit_s"],
        seed=v["seed"],
        dinner_show=bool(d.get("dinner_show", False)),
        hotel_class=d.get("hotel_class", "comfort"),
        file=file,
    )
    if check_ids:
        check_request_ids(req, catalog)
    return req


def _place(value: Any) -> PlaceRef:
    if isinstance(value, dict):
        return CustomPlace(value["name"], float(value["lat"]), float(value["lon"]))
    return value


def _find_cycle(stops: list[StopRequest]) -> list[str]:
    after = {s.id: list(s.after) for s in stops}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str]:
        state[n] = 1
        stack.append(n)
        for m in after.get(n, ()):
            if state.get(m) == 1:
                return stack[stack.index(m) :] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return []

    for s in stops:
        if s.id not in state:
            found = visit(s.id)
            if found:
                return found
    return []


def check_request_ids(req: TripRequest, catalog=None) -> None:
    """Every spot id of the request is in the catalog; else UnknownPlaceError naming the field."""
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    places = [("start", req.start)]
    if req.end is not None and req.end != ANYWHERE:
        places.append(("end", req.end))
    places += [(f"stops[{i}].id", s.id) for i, s in enumerate(req.stops)]
    for fld, ref in places:
        if isinstance(ref, str) and ref not in catalog:
            raise UnknownPlaceError(ref, catalog.suggest(ref), file=req.file, field=fld)
    check_events(req, catalog)
    check_pins(req, catalog)
    for i, s in enumerate(req.stops):
        spot = catalog.get(s.id)
        visit = s.visit_minutes if s.visit_minutes is not None else spot.visit_minutes
        o = s.open or spot.open
        c = s.close or spot.close
        if o and c and visit > _minutes(c) - _minutes(o):
            raise RequestError(
                f"a {visit} min visit does not fit in the opening hours {o}–{c}",
                file=req.file,
                field=f"stops[{i}].visit_minutes",
            )


def check_events(req: TripRequest, catalog) -> None:
    """Each stop's ``event`` is an event told at that site (events table); else RequestError."""
    named = [(i, s) for i, s in enumerate(req.stops) if s.event]
    if not named:
        return
    from planner.history import _default_events, events_by_site

    by_site = events_by_site(_default_events())
    for i, s in named:
        evs = by_site.get(s.id, [])
        if s.event in {e.id for e in evs}:
            continue
        if not evs:
            msg = f"'{s.event}' is not an event at {s.id}: the events table has no event there"
        else:
            close = difflib.get_close_matches(str(s.event), [e.id for e in evs], n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            msg = f"'{s.event}' is not an event at {s.id}{hint}; its events: " + ", ".join(e.id for e in evs)
        raise RequestError(msg, file=req.file, field=f"stops[{i}].event")


# the fastest any group moves between two places (straight line): a bound no route beats
FASTEST_KMH = {"drive": 120.0, "drive+rail": 350.0}


def check_pins(req: TripRequest, catalog) -> None:
    """Pins that provably cannot hold: the visits pinned to one day, with the least possible
    travel between them (straight line at the fastest speed), longer than the day; else
    RequestError naming the second stop's ``day``."""
    from planner.geo import haversine_km

    day_len = _minutes(req.day_end) - _minutes(req.day_start)
    by_day: dict[int, list[int]] = {}
    for i, s in enumerate(req.stops):
        if s.day is not None:
            by_day.setdefault(s.day, []).append(i)
    speed = FASTEST_KMH.get(req.mode, 350.0)
    for n, idx in by_day.items():
        spots = [catalog.get(req.stops[i].id) for i in idx]
        need = 0
        for k, i in enumerate(idx):
            s = req.stops[i]
            need += s.visit_minutes if s.visit_minutes is not None else spots[k].visit_minutes
            if need > day_len:
                raise RequestError(
                    f"the visits pinned to day {n} take {need} min, more than the "
                    f"{req.day_start}–{req.day_end} day",
                    file=req.file,
                    field=f"stops[{i}].day",
                )
        for a in range(len(idx)):
            for b in range(a + 1, len(idx)):
                sa, sb = spots[a], spots[b]
                least = haversine_km(sa.lat, sa.lon, sb.lat, sb.lon) / speed * 60
                va = req.stops[idx[a]].visit_minutes
                vb = req.stops[idx[b]].visit_minutes
                va = sa.visit_minutes if va is None else va
                vb = sb.visit_minutes if vb is None else vb
                if va + vb + least > day_len:
                    raise RequestError(
                        f"'{sb.id}' and '{sa.id}' cannot share day {n}: {va} + {vb} min of visits and at "
                        f"least {least:.0f} min between them do not fit in the {req.day_start}–{req.day_end} day",
                        file=req.file,
                        field=f"stops[{idx[b]}].day",
                    )
                limit = req.max_drive_minutes_per_day
                if limit is not None and req.mode == "drive" and least > limit:
                    raise RequestError(
                        f"'{sb.id}' and '{sa.id}' cannot share day {n}: at least {least:.0f} min of "
                        f"driving between them, over the {limit} min daily limit",
                        file=req.file,
                        field=f"stops[{idx[b]}].day",
                    )


def lock_days(req: TripRequest, plan, days) -> TripRequest:
    """A copy of ``req`` with the days ``days`` (1-based) of ``plan`` locked.

    A locked day's visits are pinned to it (``day``), stand in the stop list in the plan's
    order, and no other stop may join that day (``locked_days``): re-planning keeps the day's
    visits and their order and arranges the rest around them.
    """
    import dataclasses

    days = sorted(set(int(n) for n in days))
    by_id = {s.id: s for s in req.stops}
    pinned: dict[str, int] = {}
    for n in days:
        if not 1 <= n <= min(req.days, len(plan.days)):
            raise RequestError(f"day {n} is not a day of the plan (1..{len(plan.days)})", file=req.file,
                               field="locked_days")
        for v in plan.days[n - 1].visits():
            if v.id in by_id:
                pinned[v.id] = n
    # the locked visits take the list places they had, in the plan's order (the model keeps a
    # locked day's pins in list order); every other stop keeps its place
    stops = [
        dataclasses.replace(s, day=None) if (s.day in days and s.id not in pinned) else s for s in req.stops
    ]
    for n in days:
        ids = [v.id for v in plan.days[n - 1].visits() if v.id in by_id]
        slots = [i for i, s in enumerate(stops) if s.id in ids]
        for i, sid in zip(slots, ids):
            stops[i] = dataclasses.replace(by_id[sid], day=n)
    locked = tuple(sorted(set(req.locked_days) | set(days)))
    return dataclasses.replace(req, stops=stops, locked_days=locked)


# --------------------------------------------------------------------------- writing


def request_to_dict(req: TripRequest) -> dict:
    """The JSON dict of a request (every field written, defaults included)."""

    def place(p: PlaceRef) -> Any:
        return p.to_dict() if isinstance(p, CustomPlace) else p

    d: dict[str, Any] = {"schema": SCHEMA_TAG, "title": req.title, "start": place(req.start)}
    if req.end is not None:  # absent: the end is the start
        d["end"] = place(req.end)
    d.update(
        {
            "start_date": req.start_date,
            "days": req.days,
            "day_start": req.day_start,
            "day_end": req.day_end,
            "max_drive_minutes_per_day": req.max_drive_minutes_per_day,
            "mode": req.mode,
            "stops": [_stop_to_dict(s) for s in req.stops],
            "keep_order": req.keep_order,
            "follow_history": req.follow_history,
            "lunch_minutes": req.lunch_minutes,
            "lunch_window": list(req.lunch_window),
            **({"locked_days": list(req.locked_days)} if req.locked_days else {}),
            "group_size": req.group_size,
            "budget_per_person_cny": req.budget_per_person_cny,
            "time_limit_s": req.time_limit_s,
            "seed": req.seed,
        }
    )
    if req.dinner_show:  # optional fields (planner.stay): written only when set
        d["dinner_show"] = True
    if req.hotel_class != "comfort":
        d["hotel_class"] = req.hotel_class
    return d


def _stop_to_dict(s: StopRequest) -> dict:
    d: dict[str, Any] = {"id": s.id}
    if s.must:
        d["must"] = True
    if s.priority != 1:
        d["priority"] = s.priority
    if s.after:
        d["after"] = list(s.after)
    if s.visit_minutes is not None:
        d["visit_minutes"] = s.visit_minutes
    if s.open is not None:
        d["open"] = s.open
        d["close"] = s.close
    if s.note:
        d["note"] = s.note
    if s.day is not None:
        d["day"] = s.day
    if s.event:
        d["event"] = s.event
    return d


def save_request(req: TripRequest, path: str | Path) -> None:
    """Write a request file safely (:func:`planner.io.write_json`)."""
    from planner import io as _io

    _io.write_json(path, request_to_dict(req), what="trip request")


__all__ = [
    "ANYWHERE",
    "CustomPlace",
    "PlannerError",
    "StopRequest",
    "TripRequest",
    "load_request",
    "request_from_dict",
    "request_to_dict",
    "save_request",
]
