"""What a price depends on, taken from a plan: days and their dates, nights, visits, road km, train rides."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

# Leg modes of a drive+rail travel item that are done by road (the group's vehicle).
ROAD_LEG_MODES = ("drive", "access", "estimate")


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
    What :mod:`planner.stay` chose, when it ran: ``hotels`` the hotel id of each night (None = none
    chosen: the class estimate prices it), ``meals`` ``(day, "lunch" | "dinner", restaurant id)``,
    ``shows`` ``(day, show id)``; days count from 0. ``dates_given`` is False when the plan's
    dates are placeholders (no start date): then no holiday is named.
    """

    days: int
    nights: list[str] = field(default_factory=list)
    visits: list[str] = field(default_factory=list)
    drive_km_per_day: list[float] = field(default_factory=list)
    rail_rides: list[RailRide] = field(default_factory=list)
    dates: list[_dt.date] = field(default_factory=list)  # each day's date (empty = unknown)
    hotels: list[str | None] = field(default_factory=list)
    hotel_asked: list[str | None] = field(default_factory=list)  # the class asked when none was at hand
    meals: list[tuple[int, str, str]] = field(default_factory=list)
    shows: list[tuple[int, str]] = field(default_factory=list)
    dates_given: bool = True

    @property
    def drive_km(self) -> float:
        return sum(self.drive_km_per_day)

    @property
    def vehicle_days(self) -> int:
        return sum(1 for km in self.drive_km_per_day if km > 0)

    def date(self, day: int) -> _dt.date | None:
        """The date of day ``day`` (0-based; night ``k`` is the night after day ``k``), or None."""
        return self.dates[day] if 0 <= day < len(self.dates) else None


def summarize_plan(plan) -> TripSummary:
    """The costing summary of a :class:`planner.plan.Plan`.

    Nights are the overnights of every day but the last (the last day ends the trip).
    Road km are travel items in ``drive`` (or ``estimate``) mode and the drive/access legs of
    ``drive+rail`` items; consecutive rail legs form one ride. The hotels, lunch places, dinners and
    shows :mod:`planner.stay` wrote into the days are taken as they are.
    """
    from planner.plan import BreakItem, TravelItem, VisitItem

    meals: list[tuple[int, str, str]] = []
    shows: list[tuple[int, str]] = []

    km_per_day: list[float] = []
    rides: list[RailRide] = []
    visits: list[str] = []
    for k, day in enumerate(plan.days):
        km = 0.0
        for it in day.items:
            if isinstance(it, BreakItem) and it.kind == "lunch" and getattr(it, "place", None):
                meals.append((k, "lunch", str(it.place)))
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
        for ev in getattr(day, "evening", None) or []:
            if not isinstance(ev, dict) or not ev.get("id"):
                continue
            if ev.get("type") == "meal":
                meals.append((k, "dinner", str(ev["id"])))
            elif ev.get("type") == "show":
                shows.append((k, str(ev["id"])))
    nights = [d.overnight for d in plan.days[:-1]]
    return TripSummary(
        days=len(plan.days), nights=nights, visits=visits, drive_km_per_day=km_per_day, rail_rides=rides,
        dates=_dates(plan), hotels=[getattr(d, "hotel", None) for d in plan.days[:-1]],
        hotel_asked=[_asked(d) for d in plan.days[:-1]], meals=meals, shows=shows,
        dates_given=bool(getattr(plan, "start_date_given", True)),
    )


def _dates(plan) -> list[_dt.date]:
    try:
        return [_dt.date.fromisoformat(str(d.date)) for d in plan.days]
    except ValueError:
        return []


def _asked(day) -> str | None:
    """The hotel class planner.stay was asked for a night it filled with another class (its
    ``hotel_other_class`` note), else None."""
    for n in getattr(day, "notes", None) or []:
        if isinstance(n, dict) and n.get("code") == "hotel_other_class":
            return str((n.get("params") or {}).get("asked") or "") or None
    return None
