"""Package price for a group: sourced rate tables, line items, price per person and price breaks.

The layers, each a module: ``tables`` (reading a sourced CSV), ``seasons`` (date ranges and
multipliers), ``rates`` (load, check, override), ``group`` (who travels, FOC), ``summary`` (what a
plan's price depends on), ``lines`` (the line items), ``quote`` (totals, per person, currency),
``breaks`` (price per person by group size) and ``package`` (a package's ``costing`` -> a quote).
"""

from __future__ import annotations

from planner.costing.breaks import DEFAULT_SIZES, PriceBreak, price_breaks
from planner.costing.group import CATEGORIES, HOTEL_CLASSES, Group, group_from_text
from planner.costing.lines import LineItem, choose_vehicles
from planner.costing.package import (
    COSTING_KEYS,
    CURRENCIES,
    check_costing,
    package_costing,
    package_quote,
    parse_currency,
)
from planner.costing.quote import (
    Currency,
    Quote,
    estimate_cost_per_person,
    fill_plan_costs,
    quote,
    quote_summary,
    round_up,
)
from planner.costing.rates import (
    FALLBACK_TIER,
    SETTING_KEYS,
    TABLES,
    GuideTier,
    RailFare,
    Rates,
    Sourced,
    Vehicle,
    load_rates,
    rates_dir,
)
from planner.costing.seasons import SEASON_KINDS, Season, Seasons, load_seasons
from planner.costing.summary import ROAD_LEG_MODES, RailRide, TripSummary, summarize_plan

__all__ = [
    "CATEGORIES", "COSTING_KEYS", "CURRENCIES", "DEFAULT_SIZES", "FALLBACK_TIER", "HOTEL_CLASSES", "ROAD_LEG_MODES",
    "SEASON_KINDS", "SETTING_KEYS", "TABLES", "Currency", "Group", "GuideTier", "LineItem", "PriceBreak", "Quote",
    "RailFare", "RailRide", "Rates", "Season", "Seasons", "Sourced", "TripSummary", "Vehicle", "check_costing",
    "choose_vehicles", "estimate_cost_per_person", "fill_plan_costs", "group_from_text", "load_rates",
    "load_seasons", "package_costing", "package_quote", "parse_currency", "price_breaks", "quote", "quote_summary",
    "rates_dir", "round_up", "summarize_plan",
]
