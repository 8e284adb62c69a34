"""Price breaks: the price per person for groups of several sizes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from planner.costing.group import Group
from planner.costing.quote import quote_summary
from planner.costing.rates import Rates
from planner.costing.summary import summarize_plan

DEFAULT_SIZES = (2, 6, 10, 16, 20, 30, 40)


@dataclass(frozen=True)
class PriceBreak:
    """The price per person for a group of ``size`` adults."""

    size: int
    vehicles: str
    net_cost_per_person_cny: float
    price_per_person_cny: float
    fleet: tuple[tuple[str, int], ...] = ()  # (vehicle id, how many), for labels in any language

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
    foc_per: int | None = None,
) -> list[PriceBreak]:
    """Price per paying person for groups of each size (all adults, twin sharing, the same FOC rule).

    Returns one :class:`PriceBreak` per size, in the order given.
    """
    summary = summarize_plan(plan)
    out = []
    for size in sizes:
        group = Group(adults=int(size), hotel_class=hotel_class, vehicle=vehicle, foc_per=foc_per)
        q = quote_summary(summary, group, rates, catalog)
        label = " + ".join(f"{c}x {v}" if c > 1 else v for v, c in q.vehicles)
        out.append(PriceBreak(int(size), label, q.net_cost_cny / size, q.price_per_person_cny,
                              tuple((v, c) for v, c in q.vehicles)))
    return out
