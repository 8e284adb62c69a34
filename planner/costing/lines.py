"""The line items of a quote: tickets, trains, hotels, vehicles, guide, meals and insurance."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from planner.costing.group import CATEGORIES, Group
from planner.costing.rates import FALLBACK_TIER, Rates, Sourced, Vehicle
from planner.costing.seasons import STANDARD
from planner.costing.summary import TripSummary
from planner.errors import PlannerError

# Line kinds charged per traveller by fare category -> the concession column that discounts them.
RATIO_OF_KIND = {"tickets": "ticket_ratio", "rail": "rail_ratio", "meals": "meal_ratio", "show": "ticket_ratio"}
MEAL_WORDS = {"lunch": ("午餐", "lunch"), "dinner": ("晚餐", "dinner")}


@dataclass
class LineItem:
    """One line of a quote; ``season`` is the seasons.csv id its rate used ("standard" = none)."""

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
    season: str = STANDARD
    what_zh: str = ""  # the label in one language each (``what`` carries both, for the office)
    what_en: str = ""
    season_factor: float = 1.0  # the season's multiplier on the rate (1 = standard)
    holiday_zh: str = ""  # the public holidays / make-up working days the line's nights or days fall on
    holiday_en: str = ""
    units_each: float = 1.0  # a per-traveller line: units each traveller has (days of meals, ...)

    def label(self, lang: str) -> str:
        """The line's label in ``lang`` (zh or en)."""
        return (self.what_en if lang == "en" else self.what_zh) or self.what

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "what": self.what,
            "what_zh": self.what_zh or self.what,
            "what_en": self.what_en or self.what,
            "unit": self.unit,
            "quantity": round(self.quantity, 3),
            "unit_price_cny": round(self.unit_price_cny, 2),
            "amount_cny": round(self.amount_cny, 2),
            "per_person_cny": round(self.per_person_cny, 2),
            "source": self.source,
            "ref": self.ref,
            "note": self.note,
            "estimate": self.estimate,
            "season": self.season,
            "season_factor": round(self.season_factor, 4),
            "holiday_zh": self.holiday_zh,
            "holiday_en": self.holiday_en,
        }


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


def place_name(catalog, pid: str, lang: str) -> str:
    """A place's name in ``lang`` for a quote line (stations without "Railway Station")."""
    from planner.domain import place_name as name

    return name(pid, catalog, lang).replace(" Railway Station", "")


def _season_note(factor: float, season: str) -> str:
    return "" if season == STANDARD else f"season {season} x{factor:g}"


def holiday_of(date) -> tuple[str, str]:
    """(name_zh, name_en) of the public holiday or make-up working day on ``date``; ("", "") otherwise."""
    from planner.calendar import calendar_day

    if date is None:
        return "", ""
    try:
        c = calendar_day(date)
    except (ValueError, PlannerError):
        return "", ""
    if c is None:
        return "", ""
    if c.kind == "holiday":
        return c.name_zh, c.name_en
    zh = c.name_zh if "调休" in c.name_zh else f"{c.name_zh}调休上班"
    en = c.name_en if "make-up" in c.name_en.lower() else f"{c.name_en} make-up working day"
    return zh, en


def with_holiday(what: tuple[str, str], holiday: tuple[str, str]) -> tuple[str, str]:
    """A line's label with the holiday it falls on: ``住宿 贵阳（国庆节）`` / ``hotel Guiyang (National Day)``;
    inside a closing bracket the label already has: ``晚餐 X（第 2 天，国庆节）``."""
    if not holiday[0]:
        return what
    zh, en = what
    zh = f"{zh[:-1]}，{holiday[0]}）" if zh.endswith("）") else f"{zh}（{holiday[0]}）"
    en = f"{en[:-1]}, {holiday[1]})" if en.endswith(")") else f"{en} ({holiday[1]})"
    return zh, en


@dataclass
class LineBuilder:
    """Collects the lines of one quote (and the warnings met on the way)."""

    summary: TripSummary
    group: Group
    rates: Rates
    catalog: Any
    lines: list[LineItem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    single_supplement_net: float = 0.0  # half a room's nights for one traveller (before margin)

    @property
    def include_guide(self) -> bool:
        return bool(self.rates.setting("include_guide"))

    def add(self, kind: str, what: tuple[str, str], unit: str, qty: float, price: float, src: Sourced | None = None,
            *, source: str = "", ref: str = "", note: str = "", estimate: bool | None = None, shared: bool = True,
            season: str = STANDARD, factor: float = 1.0, holiday: tuple[str, str] = ("", ""),
            units_each: float = 1.0) -> None:
        """One line; ``what`` is its label as (zh, en), ``holiday`` (zh, en) the holiday it falls on
        (added to the label), ``factor`` its season's multiplier, ``units_each`` the units each
        traveller has on a per-traveller line."""
        what = with_holiday(what, holiday)
        what_zh, what_en = what
        amount = qty * price
        s_source = src.source if src is not None else source
        s_ref = src.ref if src is not None else ref
        s_note = note or (src.note if src is not None else "")
        est = estimate if estimate is not None else ("estimate" in s_note.lower())
        self.lines.append(LineItem(kind, f"{what_zh} {what_en}", unit, qty, price, amount, amount / self.group.size,
                                   s_source, s_ref, s_note, est, shared, season, what_zh, what_en, factor,
                                   holiday[0], holiday[1], units_each))

    def equivalents(self, col: str) -> float:
        """Full-fare equivalents of the group for a concession column (children at their ratio ...)."""
        conc = self.rates.concessions
        return sum(self.group.count(c) * conc[c][col].value for c in CATEGORIES)

    def ratio_note(self, col: str) -> str:
        parts = []
        for c in ("child", "senior"):
            n = self.group.count(c)
            if n:
                parts.append(f"{n} {c}{'ren' if c == 'child' else 's'} at {self.rates.concessions[c][col].value:.0%}")
        return "; ".join(parts)

    def holiday(self, day: int) -> tuple[str, str]:
        """(zh, en) name of the holiday or make-up working day of day ``day`` (0-based); ("", "") when
        none or the plan's dates are placeholders."""
        if not self.summary.dates_given:
            return "", ""
        return holiday_of(self.summary.date(day))

    def seasonal_days(self, days: list[int], kind: str) -> list[tuple[str, float, int, tuple[str, str]]]:
        """(season id, multiplier, number of days, holiday) for the given day indexes, runs of one
        season and holiday together."""
        out: list[tuple[str, float, int, tuple[str, str]]] = []
        for day in days:
            factor, season = self.rates.seasons.factor(self.summary.date(day), kind)
            hol = self.holiday(day)
            if out and out[-1][0] == season and out[-1][3] == hol:
                out[-1] = (season, factor, out[-1][2] + 1, hol)
            else:
                out.append((season, factor, 1, hol))
        return out

    def build(self) -> list[tuple[Vehicle, int]]:
        """Add every line; returns the fleet chosen."""
        self.tickets()
        self.shows()
        self.trains()
        self.hotels()
        fleet = self.vehicles()
        self.guide()
        self.meals_and_insurance()
        return fleet

    # -- kinds ------------------------------------------------------------------------------
    def tickets(self) -> None:
        t_eq = self.equivalents("ticket_ratio")
        for sid in self.summary.visits:
            spot = self.catalog.spots.get(sid) if self.catalog is not None else None
            if spot is None:
                self.add("tickets", (f"门票 {sid}", f"ticket {sid}"), "ticket", t_eq, 0.0, source="catalog", ref="catalog",
                         note=f"'{sid}' is not in the catalog: no ticket price; estimate 0", estimate=True,
                         shared=False)
                self.warnings.append(f"no ticket price for '{sid}' (not in the catalog)")
                continue
            price = spot.ticket_cny
            note = self.ratio_note("ticket_ratio")
            shop = spot.kind == "shop"
            if price is None and shop:
                note = "no entry ticket (a shop)" + (f"; {note}" if note else "")
            elif price is None:
                note = "no ticket price in the catalog; estimate 0" + (f"; {note}" if note else "")
                self.warnings.append(f"no ticket price for {spot.name_en} in the catalog")
            what = ((f"购物点 {spot.name_zh}", f"shop {spot.name_en}") if shop
                    else (f"门票 {spot.name_zh}", f"ticket {spot.name_en}"))
            self.add("tickets", what, "ticket", t_eq, float(price or 0.0),
                     source=spot.source.split(";")[0].strip(), ref=f"catalog:{sid}", note=note,
                     estimate=price is None and not shop, shared=False)

    def shows(self) -> None:
        """A ticket line per evening show the plan schedules (planner.stay), at the catalog's price."""
        t_eq = self.equivalents("ticket_ratio")
        for day, sid in self.summary.shows:
            spot = self.catalog.spots.get(sid) if self.catalog is not None else None
            name = (spot.name_zh, spot.name_en) if spot is not None else (sid, sid)
            price = spot.ticket_cny if spot is not None else None
            note = self.ratio_note("ticket_ratio")
            if price is None:
                note = "no ticket price in the catalog; estimate 0" + (f"; {note}" if note else "")
                self.warnings.append(f"no ticket price for the show {name[1]} in the catalog")
            self.add("show", (f"演出 {name[0]}（第 {day + 1} 天）", f"show {name[1]} (day {day + 1})"), "ticket", t_eq,
                     float(price or 0.0), source=spot.source.split(";")[0].strip() if spot is not None else "catalog",
                     ref=f"catalog:{sid}", note=note, estimate=price is None, shared=False,
                     holiday=self.holiday(day))

    def trains(self) -> None:
        rates = self.rates
        r_eq = self.equivalents("rail_ratio")
        fallback_cls = rates.setting("rail_fallback_class")
        for ride in self.summary.rail_rides:
            fare = rates.fare(ride.from_id, ride.to_id)
            a, b = ride.from_id, ride.to_id
            what = (f"高铁二等座 {place_name(self.catalog, a, 'zh')} – {place_name(self.catalog, b, 'zh')}",
                    f"HSR 2nd class {place_name(self.catalog, a, 'en')} – {place_name(self.catalog, b, 'en')}")
            extra = self.ratio_note("rail_ratio")
            if fare is not None:
                price = fare.fare_cny
                self.add("rail", what, "seat", r_eq, price, source=fare.source,
                         ref=f"rail_fares.csv:{ride.from_id}/{ride.to_id}",
                         note=fare.note + (f"; {extra}" if extra else ""),
                         estimate="estimate" in fare.note.lower(), shared=False)
            else:
                rate = rates.rail_rates[fallback_cls]
                price = round(ride.km * rate.value * 2) / 2  # China Railway rounds fares to 0.5 CNY
                note = (f"no fare in rail_fares.csv for {ride.from_id} – {ride.to_id}: estimate "
                        f"{ride.km:.1f} km x {rate.value:g} CNY/km ({fallback_cls} class)")
                self.add("rail", what, "seat", r_eq, price, source=rate.source, ref=rate.ref, note=note,
                         estimate=True, shared=False)
                self.warnings.append(note)
            if self.include_guide:
                est = fare is None or "estimate" in fare.note.lower()
                self.add("rail", (f"{what[0]}（导游）", f"{what[1]} (guide)"), "seat", 1, price, source="guide travels with the group",
                         ref="settings.csv:include_guide", note="the guide's own seat, shared by the group",
                         estimate=est)

    def hotels(self) -> None:
        """A line per run of nights at one hotel (or place) in one season on one holiday; the single
        supplement follows the rate.

        A night whose hotel :mod:`planner.stay` chose (``summary.hotels``) and whose catalog row has
        a ``room_night_cny`` is priced at that rate, instead of the class estimate of data/rates for
        the place's tier (never both); the season's multiplier applies to either."""
        rates, group, s = self.rates, self.group, self.summary
        rooms = group.room_count()
        self.single_supplement_net = 0.0
        spots = getattr(self.catalog, "spots", None) or {}
        nights = []
        for k, place in enumerate(s.nights):
            factor, season = rates.seasons.factor(s.date(k), "hotel")
            hid = s.hotels[k] if k < len(s.hotels) else None
            hotel = spots.get(hid) if hid else None
            if hotel is not None and getattr(hotel, "room_night_cny", None) is None:
                hotel = None
            nights.append((k, place, hotel.id if hotel is not None else "", factor, season, self.holiday(k)))
        for (place, hid, factor, season, hol), run in groupby(nights, key=lambda x: x[1:]):
            ks = [x[0] for x in run]
            n_nights = len(ks)
            tier_src = rates.hotel_cities.get(place)
            note = ""
            if tier_src is None:
                tier = FALLBACK_TIER
                note = f"no hotel tier for '{place}' in hotel_cities.csv: estimate at tier {tier}"
            else:
                tier = tier_src.value
            rate = rates.hotel_tiers[(tier, group.hotel_class)]
            where = (place_name(self.catalog, place, "zh"), place_name(self.catalog, place, "en"))
            if hid:
                h = spots[hid]
                asked = s.hotel_asked[ks[0]] if ks[0] < len(s.hotel_asked) else None
                if h.hotel_class != group.hotel_class and asked != group.hotel_class:
                    self.warnings.append(
                        f"night {ks[0] + 1}: priced at the plan's hotel {h.name_en} ({h.hotel_class}), not the "
                        f"{group.hotel_class} class asked; plan again with that class to change the hotels")
                price = float(h.room_night_cny) * factor
                first, last = ks[0] + 1, ks[-1] + 1
                nz = f"第 {first} 晚" if first == last else f"第 {first}–{last} 晚"
                ne = f"night {first}" if first == last else f"nights {first}-{last}"
                h_note = str(getattr(h, "note", "") or "")
                parts = (f"the chosen hotel's rate ({h.hotel_class}, {h.room_night_cny:g} CNY a room-night) replaces "
                         f"the class estimate (tier {tier} {group.hotel_class} {rate.value:g})",
                         f"{rooms} rooms", _season_note(factor, season), h_note)
                self.add("hotel", (f"住宿 {h.name_zh}（{where[0]}，{nz}）", f"hotel {h.name_en} ({where[1]}, {ne})"),
                         "room-night", rooms * n_nights, price,
                         source=h.source.split(";")[0].strip(), ref=f"catalog:{hid}",
                         note="; ".join(x for x in parts if x), estimate="estimate" in h_note.lower(),
                         season=season, factor=factor, holiday=hol)
            else:
                if note:
                    self.warnings.append(note)
                price = rate.value * factor
                parts = (note, f"tier {tier} {group.hotel_class}; {rooms} rooms", _season_note(factor, season),
                         rate.note)
                self.add("hotel", (f"住宿 {where[0]}", f"hotel {where[1]}"),
                         "room-night", rooms * n_nights, price,
                         source=rate.source, ref=rate.ref, note="; ".join(x for x in parts if x),
                         estimate=bool(note) or rate.estimate, season=season, factor=factor, holiday=hol)
            self.single_supplement_net += n_nights * price / 2

    def vehicles(self) -> list[tuple[Vehicle, int]]:
        s, rates = self.summary, self.rates
        fleet = choose_vehicles(rates, self.group.size + (1 if self.include_guide else 0), self.group.vehicle)
        if not s.vehicle_days:
            return fleet
        road_days = [k for k, km in enumerate(s.drive_km_per_day) if km > 0]
        share = rates.setting("expressway_share")
        for v, count in fleet:
            times = f" ×{count}" if count > 1 else ""
            label_zh, label_en = f"{v.name_zh}{times}", f"{v.name_en}{times}"
            vsrc = Sourced(None, v.source, v.note, f"vehicles.csv:{v.id}")
            for season, factor, n, hol in self.seasonal_days(road_days, "vehicle"):
                note = "; ".join(x for x in (_season_note(factor, season), v.note) if x)
                self.add("vehicle", (f"用车 {label_zh}", f"vehicle {label_en}"), "vehicle-day", n * count, v.per_day_cny * factor, vsrc,
                         note=note, season=season, factor=factor, holiday=hol)
            extra_km = sum(max(0.0, km - v.km_included_per_day) for km in s.drive_km_per_day)
            if extra_km > 0:
                self.add("vehicle", (f"超公里（每天含 {v.km_included_per_day:g} km）{label_zh}",
                                    f"km beyond {v.km_included_per_day:g} km/day, {label_en}"), "km",
                         extra_km * count, v.per_km_cny, vsrc)
            for season, factor, n, hol in self.seasonal_days(road_days, "vehicle"):
                note = "; ".join(x for x in (_season_note(factor, season), v.note) if x)
                self.add("vehicle", (f"司机补助 {label_zh}", f"driver's allowance, {label_en}"), "driver-day", n * count,
                         v.driver_allowance_per_day_cny * factor, vsrc, note=note, season=season, factor=factor,
                         holiday=hol)
            toll_note = f"{s.drive_km:.1f} road km x {share:g} on expressways; class {v.toll_class}; " + v.note
            self.add("tolls", (f"过路费 {label_zh}", f"expressway tolls, {label_en}"), "vehicle-km", s.drive_km * share * count,
                     v.toll_per_km_cny, source=v.source, ref=f"vehicles.csv:{v.id}", note=toll_note)
        return fleet

    def guide(self) -> None:
        if not self.include_guide:
            return
        n, rates = self.group.size, self.rates
        tier = next((t for t in rates.guides if t.min_group <= n <= t.max_group), rates.guides[-1])
        fee = tier.per_day_cny + tier.per_person_day_cny * n
        gsrc = Sourced(None, tier.source, tier.note, f"guides.csv:{tier.min_group}-{tier.max_group}")
        for season, factor, days, hol in self.seasonal_days(list(range(self.summary.days)), "guide"):
            note = "; ".join(x for x in (_season_note(factor, season), tier.note) if x)
            self.add("guide", (f"导游（{tier.min_group}–{tier.max_group} 人团）",
                                  f"guide (groups of {tier.min_group}-{tier.max_group})"), "guide-day", days,
                     fee * factor, gsrc, note=note, season=season, factor=factor, holiday=hol)
        allowance = rates.settings["guide_allowance_per_day_cny"]
        self.add("guide", ("导游食宿补助", "guide's board and lodging"), "guide-day", self.summary.days, allowance.value,
                 allowance)

    def meals_and_insurance(self) -> None:
        """Lunch and dinner every day: a line per meal at a real place (:mod:`planner.stay`; its price
        per head), the other meals at the ``meals_per_person_day_cny`` estimate (half of it a meal);
        then the insurance."""
        rates, days = self.rates, self.summary.days
        meals = rates.settings["meals_per_person_day_cny"]
        extra = self.ratio_note("meal_ratio")
        m_eq = self.equivalents("meal_ratio")
        spots = getattr(self.catalog, "spots", None) or {}
        named = 0
        for day, meal, rid in self.summary.meals:
            r = spots.get(rid)
            if r is None or getattr(r, "price_per_head_cny", None) is None or meal not in MEAL_WORDS:
                continue  # no price: the estimate covers this meal
            named += 1
            zh, en = MEAL_WORDS[meal]
            self.add("meals", (f"{zh} {r.name_zh}（第 {day + 1} 天）", f"{en} at {r.name_en} (day {day + 1})"),
                     "person-meal", m_eq, float(r.price_per_head_cny), source=r.source.split(";")[0].strip(),
                     ref=f"catalog:{rid}", note="; ".join(x for x in ("price per head", extra) if x),
                     estimate="estimate" in str(getattr(r, "note", "") or "").lower(), shared=False,
                     holiday=self.holiday(day))
        if not named:
            self.add("meals", ("团餐（午餐、晚餐）", "group meals (lunch and dinner)"), "person-day", days * m_eq,
                     meals.value, meals, note=meals.note + (f"; {extra}" if extra else ""), shared=False,
                     units_each=days)
        elif 2 * days - named > 0:
            rest = 2 * days - named
            self.add("meals", (f"团餐（其余 {rest} 餐）", f"group meals (the other {rest} meals)"), "person-meal",
                     rest * m_eq, meals.value / 2, meals,
                     note="; ".join(x for x in (f"half of {meals.value:g} CNY a person-day a meal", meals.note, extra)
                                    if x), shared=False, units_each=rest)
        ins = rates.settings["insurance_per_person_day_cny"]
        self.add("insurance", ("旅游意外险", "travel accident insurance"), "person-day", days * self.group.size, ins.value,
                 ins, shared=False, units_each=days)
