"""The price of a plan for a group: net cost, margin, price per person and per category, free
places (FOC) carried by the paying travellers, single supplement, a second currency."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from planner.costing.group import CATEGORIES, Group
from planner.costing.lines import RATIO_OF_KIND, LineBuilder, LineItem
from planner.costing.rates import Rates
from planner.costing.summary import TripSummary, summarize_plan


@dataclass(frozen=True)
class Currency:
    """A second currency for inbound groups: ``cny_per_unit`` CNY buy one unit (USD 7.10)."""

    code: str
    cny_per_unit: float

    def convert(self, cny: float) -> float:
        """A CNY price in this currency, rounded up to a whole unit (never below the CNY price)."""
        return float(math.ceil(round(cny / self.cny_per_unit, 6)))


def round_up(amount: float, step: float) -> float:
    """``amount`` rounded up to a multiple of ``step`` (a tiny float excess does not bump it)."""
    units = round(amount / step, 6)
    value = math.ceil(units) * step
    return int(value) if float(value).is_integer() else round(value, 2)


@dataclass
class Quote:
    """The price of a plan for a group.

    ``price_per_person_cny`` is what each paying traveller pays on average (the selling price over
    the paying travellers); ``price_per_category_cny`` the price of an adult, a child, a senior;
    ``foc`` the free places, whose cost is in the others' prices.
    """

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
    currency: Currency | None = None

    @property
    def foc(self) -> int:
        return self.group.foc

    def seasons(self) -> list[str]:
        """The seasons the lines used (besides "standard"), in order of first use."""
        out: list[str] = []
        for x in self.lines:
            if x.season != "standard" and x.season not in out:
                out.append(x.season)
        return out

    def prices(self) -> dict:
        """Every price a document prints: per person, per category, single supplement, in CNY and
        (when set) the second currency."""
        out: dict = {
            "price_per_person_cny": self.price_per_person_cny,
            "price_per_category_cny": dict(self.price_per_category_cny),
            "single_supplement_cny": self.single_supplement_cny,
        }
        c = self.currency
        if c is not None:
            code = c.code.lower()
            out[f"price_per_person_{code}"] = c.convert(self.price_per_person_cny)
            out[f"price_per_category_{code}"] = {k: c.convert(v) for k, v in self.price_per_category_cny.items()}
            out[f"single_supplement_{code}"] = c.convert(self.single_supplement_cny)
        return out

    def to_dict(self) -> dict:
        g = self.group
        return {
            "group": {
                "adults": g.adults,
                "children": g.children,
                "seniors": g.seniors,
                "size": g.size,
                "paying": g.paying,
                "rooms": g.room_count(),
                "hotel_class": g.hotel_class,
                "foc_per": g.foc_per,
            },
            "foc": {"per": g.foc_per, "free_places": g.foc, "paying": g.paying},
            "vehicles": [{"id": v, "count": n} for v, n in self.vehicles],
            "days": self.days,
            "nights": self.nights,
            "vehicle_days": self.vehicle_days,
            "drive_km": round(self.drive_km, 1),
            "lines": [x.to_dict() for x in self.lines],
            "seasons": self.seasons(),
            "net_cost_cny": round(self.net_cost_cny, 2),
            "margin_pct": self.margin_pct,
            "margin_cny": round(self.margin_cny, 2),
            "selling_price_cny": round(self.selling_price_cny, 2),
            "price_per_person_cny": self.price_per_person_cny,
            "price_per_category_cny": dict(self.price_per_category_cny),
            "single_supplement_cny": self.single_supplement_cny,
            "rounding_step_cny": self.rounding_step_cny,
            "currency": None if self.currency is None else {
                "code": self.currency.code, "cny_per_unit": self.currency.cny_per_unit},
            "prices": self.prices(),
            "warnings": list(self.warnings),
        }


def _category_prices(b: LineBuilder, pct: float, step: float) -> dict[str, float]:
    """Price of one traveller of each category: an equal share of the shared lines plus their own
    (discounted) tickets, seats, meals and insurance, with the margin, plus an equal share of the
    free places' prices; rounded up."""
    group, conc = b.group, b.rates.concessions
    shared_pp = sum(x.amount_cny for x in b.lines if x.shared) / group.size

    def base(c: str) -> float:
        own = 0.0
        for x in b.lines:
            if x.shared:
                continue
            ratio = RATIO_OF_KIND.get(x.kind)
            own += x.unit_price_cny * (conc[c][ratio].value if ratio else 1.0) * x.units_each
        return (shared_pp + own) * (1 + pct / 100.0)

    foc_load = group.foc * base("adult") / group.paying if group.foc else 0.0
    return {c: round_up(base(c) + foc_load, step) for c in CATEGORIES if group.count(c)}


def quote_summary(summary: TripSummary, group: Group, rates: Rates, catalog, currency: Currency | None = None) -> Quote:
    """The quote of a :class:`TripSummary` (a plan's, or a candidate the optimizer builds)."""
    b = LineBuilder(summary, group, rates, catalog)
    fleet = b.build()
    net = sum(x.amount_cny for x in b.lines)
    pct = float(rates.setting("margin_pct"))
    margin = net * pct / 100.0
    selling = net + margin
    step = float(rates.setting("rounding_step_cny"))
    return Quote(
        group=group,
        vehicles=[(v.id, c) for v, c in fleet],
        lines=b.lines,
        net_cost_cny=net,
        margin_pct=pct,
        margin_cny=margin,
        selling_price_cny=selling,
        price_per_person_cny=round_up(selling / group.paying, step),
        price_per_category_cny=_category_prices(b, pct, step),
        single_supplement_cny=round_up(b.single_supplement_net * (1 + pct / 100.0), step) if summary.nights else 0,
        rounding_step_cny=step,
        days=summary.days,
        nights=len(summary.nights),
        vehicle_days=summary.vehicle_days,
        drive_km=summary.drive_km,
        warnings=b.warnings,
        currency=currency,
    )


def quote(plan, group: Group, rates: Rates, catalog, currency: Currency | None = None) -> Quote:
    """Price a plan for a group.

    Parameters
    ----------
    plan : planner.plan.Plan
    group : Group
    rates : Rates
        From :func:`load_rates`, possibly with overrides; its seasons price each night by its date.
    catalog : planner.catalog.Catalog
        For ticket prices and place names.
    currency : Currency, optional
        A second currency the prices are also given in.

    Returns
    -------
    Quote
        Line items (what, unit, quantity, unit price, amount, per person, source, season) and
        totals: net cost, margin, selling price and the price per paying traveller rounded up to
        the ``rounding_step_cny`` setting.
    """
    return quote_summary(summarize_plan(plan), group, rates, catalog, currency)


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
    q = quote_summary(summary, Group(adults=int(group_size), hotel_class=hotel_class), rates, catalog)
    return q.selling_price_cny / group_size
