"""The plan: the optimizer's answer, day by day (dataclasses, JSON I/O, atomic save)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import RequestError
from planner.request import read_json, schema_check

SCHEMA_TAG = "qiantu/plan@1"
STATUSES = ("optimal", "feasible", "infeasible", "incomplete")
MISSING_MUST_OK = ("infeasible", "incomplete")
"""The statuses of a plan that may leave must stops out (proved impossible, or not found in time)."""


def hhmm_minutes(text: str) -> int:
    """``"09:05"`` -> 545 (hours may pass 23 for a late arrival)."""
    h, m = text.split(":")
    return int(h) * 60 + int(m)


def minutes_hhmm(minutes: int) -> str:
    """545 -> ``"09:05"``."""
    minutes = int(minutes)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass
class TravelItem:
    """Moving from one place to the next (road, or road and high-speed rail)."""

    from_id: str
    to_id: str
    depart: str
    arrive: str
    minutes: int
    km: float
    mode: str = "drive"
    path: list[list[float]] = field(default_factory=list)
    legs: list[dict] | None = None
    estimate: bool = False
    # a travel split by a lunch on the way: both parts name the whole travel's [from, to]
    leg_of: list[str] | None = None
    type: str = field(default="travel", init=False)

    @property
    def start(self) -> str:
        return self.depart

    @property
    def end(self) -> str:
        return self.arrive


@dataclass
class VisitItem:
    """A visit at a spot; ``arrive`` is when the group is there, ``start`` when the visit begins."""

    id: str
    arrive: str
    start: str
    end: str
    wait_minutes: int = 0
    # lunch at the site during a visit across the whole lunch window: [start, end]
    lunch: list[str] | None = None
    type: str = field(default="visit", init=False)


@dataclass
class BreakItem:
    """A break (lunch) at the place where the group is; ``arrive`` when the group waited for it."""

    start: str
    end: str
    kind: str = "lunch"
    at: str | None = None
    place: str | None = None  # the restaurant (a catalog id) where the meal is taken, when known
    arrive: str | None = None
    wait_minutes: int = 0
    type: str = field(default="break", init=False)


Item = TravelItem | VisitItem | BreakItem


@dataclass
class Day:
    """One day: from ``start`` (a place id) to the ``overnight`` place, items chained without gaps."""

    date: str
    start: str
    overnight: str
    items: list[Item] = field(default_factory=list)
    # Optional, filled by planner.stay: the night's hotel (catalog id), the evening program after
    # the arrival ({"type": "meal"|"show", "id", "start", "end"}) and notes ({"code", "params"}).
    hotel: str | None = None
    evening: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    # why the night's place is far from where the next day's visits begin (planner.reasons)
    night_note: dict[str, Any] | None = None

    def visits(self) -> list[VisitItem]:
        return [i for i in self.items if isinstance(i, VisitItem)]

    def travel_minutes(self) -> int:
        return sum(i.minutes for i in self.items if isinstance(i, TravelItem))


@dataclass
class Dropped:
    """A requested stop left out, and why: a code with parameters (see planner.reasons), the
    changes checked to make it fit, and ``reason``, the code rendered in the plan's language."""

    id: str
    reason: str
    must: bool = False
    code: str = "unknown"
    params: dict[str, Any] = field(default_factory=dict)
    suggestions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict:
        d: dict[str, Any] = {"id": self.id, "code": self.code, "params": dict(self.params)}
        d["suggestions"] = [dict(x) for x in self.suggestions]
        d["reason"] = self.reason
        if self.must:
            d["must"] = True
        return d

    @classmethod
    def from_dict(cls, x: dict) -> Dropped:
        """Read a dropped entry; one without a code (a plan from before the codes) gets ``unknown``."""
        return cls(
            id=x["id"],
            reason=x["reason"],
            must=x.get("must", False),
            code=x.get("code") or "unknown",
            params=dict(x.get("params") or {}),
            suggestions=[dict(s) for s in x.get("suggestions") or []],
        )

    def text(self, lang: str, catalog=None, places=None) -> str:
        """The reason and what would fit, rendered in ``lang`` from the code (planner.reasons)."""
        from planner.reasons import namer, render_dropped

        return render_dropped(self, lang, namer(lang, catalog, places))


@dataclass
class Plan:
    """A plan as in DESIGN.md ("Plan")."""

    status: str
    days: list[Day] = field(default_factory=list)
    order: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    totals: dict[str, Any] = field(default_factory=dict)
    solver: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    mode: str = "drive"
    places: dict[str, dict] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    start_date_given: bool = True
    lang: str = "en"  # the language of the dropped stops' rendered ``reason``

    def visits(self) -> list[VisitItem]:
        return [v for d in self.days for v in d.visits()]


# --------------------------------------------------------------------------- JSON


def _item_to_dict(it: Item) -> dict:
    if isinstance(it, TravelItem):
        d = {
            "type": "travel",
            "from": it.from_id,
            "to": it.to_id,
            "depart": it.depart,
            "arrive": it.arrive,
            "minutes": it.minutes,
            "km": round(it.km, 2),
            "mode": it.mode,
            "path": [[round(p[0], 6), round(p[1], 6)] for p in it.path],
        }
        if it.legs is not None:
            d["legs"] = it.legs
        if it.estimate:
            d["estimate"] = True
        if it.leg_of:
            d["leg_of"] = list(it.leg_of)
        return d
    if isinstance(it, VisitItem):
        d = {
            "type": "visit",
            "id": it.id,
            "arrive": it.arrive,
            "start": it.start,
            "end": it.end,
            "wait_minutes": it.wait_minutes,
        }
        if it.lunch:
            d["lunch"] = list(it.lunch)
        return d
    d = {"type": "break", "kind": it.kind, "start": it.start, "end": it.end}
    if it.at:
        d["at"] = it.at
    if it.wait_minutes:
        d["arrive"] = it.arrive
        d["wait_minutes"] = it.wait_minutes
    if it.place:
        d["place"] = it.place
    return d


def _day_to_dict(day: Day) -> dict:
    d: dict[str, Any] = {
        "date": day.date,
        "start": day.start,
        "overnight": day.overnight,
        "items": [_item_to_dict(i) for i in day.items],
    }
    if day.night_note:
        d["night_note"] = dict(day.night_note)
    if day.hotel:
        d["hotel"] = day.hotel
    if day.evening:
        d["evening"] = [dict(e) for e in day.evening]
    if day.notes:
        d["notes"] = [dict(n) for n in day.notes]
    return d


def plan_to_dict(plan: Plan) -> dict:
    """The JSON dict of a plan."""
    d: dict[str, Any] = {"schema": SCHEMA_TAG, "title": plan.title, "status": plan.status, "mode": plan.mode}
    d["start_date_given"] = plan.start_date_given
    d["lang"] = plan.lang
    if plan.places:
        d["places"] = plan.places
    d["days"] = [_day_to_dict(day) for day in plan.days]
    d["order"] = list(plan.order)
    d["dropped"] = [x.to_dict() for x in plan.dropped]
    if plan.warnings:
        d["warnings"] = list(plan.warnings)
    d["totals"] = dict(plan.totals)
    d["solver"] = dict(plan.solver)
    return d


def _item_from_dict(d: dict) -> Item:
    t = d["type"]
    if t == "travel":
        return TravelItem(
            from_id=d["from"],
            to_id=d["to"],
            depart=d["depart"],
            arrive=d["arrive"],
            minutes=d["minutes"],
            km=d["km"],
            mode=d["mode"],
            path=[list(p) for p in d["path"]],
            legs=d.get("legs"),
            estimate=d.get("estimate", False),
            leg_of=list(d["leg_of"]) if d.get("leg_of") else None,
        )
    if t == "visit":
        return VisitItem(
            id=d["id"],
            arrive=d["arrive"],
            start=d["start"],
            end=d["end"],
            wait_minutes=d["wait_minutes"],
            lunch=list(d["lunch"]) if d.get("lunch") else None,
        )
    return BreakItem(
        start=d["start"],
        end=d["end"],
        kind=d.get("kind", "lunch"),
        at=d.get("at"),
        arrive=d.get("arrive") if d.get("wait_minutes") else None,
        wait_minutes=int(d.get("wait_minutes") or 0),
        place=d.get("place"),
    )


def plan_from_dict(d: Any, file: str | None = None, *, validate: bool = True) -> Plan:
    """Build a Plan from its JSON dict, validated against ``qiantu/plan@1``.

    ``validate=False`` skips the schema check (about 20 ms) for a dict that was already checked
    when it came in, such as the app's document plan; a dict that then turns out malformed is
    checked after all, so the error is still the schema's one line.
    """
    if not validate:
        try:
            return _plan_from_checked(d)
        except (KeyError, TypeError, ValueError, AttributeError):
            pass
    if not isinstance(d, dict):
        raise RequestError("a plan must be a JSON object", file=file)
    tag = d.get("schema")
    if tag != SCHEMA_TAG:
        if isinstance(tag, str) and tag.startswith("qiantu/plan@"):
            raise RequestError(
                f"'{tag}' is not supported by this version of QianTu (it reads {SCHEMA_TAG})", file=file, field="schema"
            )
        raise RequestError(
            f"is {json.dumps(tag, ensure_ascii=False)}, not a plan ({SCHEMA_TAG})", file=file, field="schema"
        )
    schema_check(d, "plan", file)
    return _plan_from_checked(d)


def _plan_from_checked(d: dict) -> Plan:
    return Plan(
        status=d["status"],
        days=[
            Day(
                date=x["date"],
                start=x["start"],
                overnight=x["overnight"],
                items=[_item_from_dict(i) for i in x["items"]],
                hotel=x.get("hotel"),
                evening=[dict(e) for e in x.get("evening", [])],
                notes=[dict(n) for n in x.get("notes", [])],
                night_note=dict(x["night_note"]) if x.get("night_note") else None,
            )
            for x in d["days"]
        ],
        order=list(d["order"]),
        dropped=[Dropped.from_dict(x) for x in d["dropped"]],
        totals=dict(d["totals"]),
        solver=dict(d["solver"]),
        title=d.get("title", ""),
        mode=d.get("mode", "drive"),
        places=dict(d.get("places", {})),
        warnings=list(d.get("warnings", [])),
        start_date_given=d.get("start_date_given", True),
        lang=d.get("lang", "en"),
    )


def load_plan(path: str | Path) -> Plan:
    """Read and validate a plan file; RequestError naming the file and field on a problem."""
    return plan_from_dict(read_json(path, RequestError), file=str(path))


def write_json_atomic(doc: Any, path: str | Path, *, inputs=()) -> None:
    """Write JSON safely (see :func:`planner.io.write_json`; NaN is refused, never written)."""
    from planner import io as _io

    _io.write_json(path, doc, inputs=inputs, what="JSON file")


def save_plan(plan: Plan, path: str | Path) -> None:
    """Write a plan file atomically."""
    write_json_atomic(plan_to_dict(plan), path)
