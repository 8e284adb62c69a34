"""Who travels: travellers by fare category, rooms, hotel class, vehicle and free places (FOC)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from planner.errors import PlannerError

HOTEL_CLASSES = ("economy", "comfort", "premium")
CATEGORIES = ("adult", "child", "senior")


def _whole(value, name: str, *, minimum: int = 0) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
        raise PlannerError(f"{value!r} is not a whole number of {minimum} or more", field=name)
    return value


@dataclass(frozen=True)
class Group:
    """Who travels and how they sleep and ride.

    Parameters
    ----------
    adults, children, seniors : int
        Travellers by fare category (children 6-18, seniors 60 and over; see
        ``data/rates/concessions.csv``), free places included. Children under 6 are not counted.
    rooms : int, optional
        Hotel rooms per night; None = twin sharing (two to a room, singles on their own).
    singles : int
        Travellers who want a room to themselves (only used when ``rooms`` is None).
    hotel_class : str
        ``economy``, ``comfort`` or ``premium``.
    vehicle : str, optional
        A vehicle id from ``vehicles.csv`` to use whatever the group size; None = the
        smallest vehicle that seats the group and the guide.
    foc_per : int, optional
        One free place ("free of charge", usually the group's leader) per ``foc_per`` paying
        travellers: ``foc = size // (foc_per + 1)``, taken from the adults. The free places
        travel like everyone else; their cost is carried by the paying travellers.
    """

    adults: int = 2
    children: int = 0
    seniors: int = 0
    rooms: int | None = None
    singles: int = 0
    hotel_class: str = "comfort"
    vehicle: str | None = None
    foc_per: int | None = None

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
        if self.foc_per is not None:
            _whole(self.foc_per, "foc_per", minimum=1)
            if self.foc > self.adults:
                raise PlannerError(
                    f"{self.foc} free places but only {self.adults} adults (free places are adults)", field="foc_per"
                )

    @property
    def size(self) -> int:
        """Everyone who travels (adults, children and seniors), free places included."""
        return self.adults + self.children + self.seniors

    @property
    def foc(self) -> int:
        """Free places: one per ``foc_per`` paying travellers."""
        return self.size // (self.foc_per + 1) if self.foc_per else 0

    @property
    def paying(self) -> int:
        return self.size - self.foc

    def room_count(self) -> int:
        """Rooms per night: as given, or singles plus twin rooms for everyone else."""
        if self.rooms is not None:
            return self.rooms
        return self.singles + math.ceil((self.size - self.singles) / 2)

    def count(self, category: str) -> int:
        return {"adult": self.adults, "child": self.children, "senior": self.seniors}[category]


def group_from_text(
    text: str, *, hotel_class: str = "comfort", vehicle: str | None = None, foc_per: int | None = None
) -> Group:
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
        return Group(
            adults=nums[0], children=nums[1], seniors=nums[2], hotel_class=hotel_class, vehicle=vehicle,
            foc_per=foc_per,
        )
    except PlannerError as exc:
        raise PlannerError(exc.message, field="--group" if exc.field != "foc_per" else "--foc") from None
