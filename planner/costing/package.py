"""A package's ``costing`` settings -> the group, the rates and the currency it is quoted with:
the one place every price (app, ``qiantu quote``, every document) comes from."""

from __future__ import annotations

import math
import re
from typing import Any

from planner.costing.group import HOTEL_CLASSES, Group
from planner.costing.quote import Currency, Quote, quote
from planner.costing.rates import Rates
from planner.errors import PlannerError

#: Currencies a package may be shown in besides CNY (ISO 4217 codes of the usual inbound markets).
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "KRW", "HKD", "MOP", "TWD", "SGD", "MYR", "THB", "AUD", "CAD", "CHF",
              "NZD", "RUB", "INR")
COSTING_KEYS = ("adults", "children", "seniors", "singles", "rooms", "hotel_class", "vehicle", "margin_pct",
                "foc_per", "currency", "overrides")
_HEADCOUNTS = ("adults", "children", "seniors", "singles", "rooms")


def parse_currency(value: Any, field: str = "costing.currency") -> Currency | None:
    """``"USD=7.10"`` or ``{"code": "USD", "cny_per_unit": 7.10}`` -> Currency; None/"" -> None."""
    if value in (None, "", {}):
        return None
    rate: Any
    if isinstance(value, str):
        code, sep, rate = value.partition("=")
        if not sep:
            raise PlannerError(f"'{value}' is not CODE=CNY_PER_UNIT (e.g. USD=7.10)", field=field)
    elif isinstance(value, dict):
        code, rate = str(value.get("code") or ""), value.get("cny_per_unit")
    else:
        raise PlannerError("is not CODE=CNY_PER_UNIT nor {\"code\", \"cny_per_unit\"}", field=field)
    code = str(code).strip().upper()
    if code == "CNY":
        raise PlannerError("CNY is the reference currency; give a second one (e.g. USD=7.10)", field=field)
    if not re.fullmatch(r"[A-Z]{3}", code) or code not in CURRENCIES:
        raise PlannerError(f"'{code}' is not a known currency ({', '.join(CURRENCIES)})", field=field)
    try:
        x = float(rate) if not isinstance(rate, bool) else math.nan
    except (TypeError, ValueError):
        x = math.nan
    if not math.isfinite(x) or x <= 0:
        raise PlannerError(f"{rate!r} is not an exchange rate above 0 (CNY per {code})", field=field)
    return Currency(code, x)


def check_costing(costing: Any) -> dict:
    """Check a package's ``costing`` object without loading the rates; PlannerError naming
    ``costing.<key>``. Returns it as a dict."""
    if costing is None:
        return {}
    if not isinstance(costing, dict):
        raise PlannerError("is not an object", field="costing")
    for key in costing:
        if key not in COSTING_KEYS:
            raise PlannerError(f"is not a costing setting ({', '.join(COSTING_KEYS)})", field=f"costing.{key}")
    for name in _HEADCOUNTS:
        v = costing.get(name)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < (1 if name == "rooms" else 0)):
            raise PlannerError(f"{v!r} is not a whole number of {1 if name == 'rooms' else 0} or more",
                               field=f"costing.{name}")
    cls = costing.get("hotel_class")
    if cls is not None and cls not in HOTEL_CLASSES:
        raise PlannerError(f"{cls!r} is not a hotel class ({', '.join(HOTEL_CLASSES)})", field="costing.hotel_class")
    foc = costing.get("foc_per")
    if foc is not None and (not isinstance(foc, int) or isinstance(foc, bool) or foc < 1):
        raise PlannerError(f"{foc!r} is not a whole number of paying travellers per free place (1 or more)",
                           field="costing.foc_per")
    m = costing.get("margin_pct")
    if m is not None and (isinstance(m, bool) or not isinstance(m, (int, float)) or not 0 <= m < 1000):
        raise PlannerError(f"{m!r} is not a margin in % (0 or more)", field="costing.margin_pct")
    if costing.get("vehicle") is not None and not isinstance(costing["vehicle"], str):
        raise PlannerError("is not a vehicle id", field="costing.vehicle")
    if not isinstance(costing.get("overrides", {}), dict):
        raise PlannerError("is not an object {rate key: value}", field="costing.overrides")
    parse_currency(costing.get("currency"))
    return dict(costing)


def package_costing(costing: dict | None, group_size: int | None, rates: Rates | None = None) -> tuple[Group, Rates]:
    """The group and rates a package's ``costing`` settings describe.

    Parameters
    ----------
    costing : dict or None
        ``{"adults", "children", "seniors", "rooms", "singles", "hotel_class", "vehicle", "margin_pct",
        "foc_per", "currency", "overrides": {rate key: value}}``, every key optional (see
        ``planner.package``).
    group_size : int or None
        The request's group size: the number of adults when ``costing`` gives no headcount.
    rates : Rates, optional
        The base rates (default: ``load_rates()``).

    Raises
    ------
    PlannerError
        Naming the ``costing`` field that does not fit.
    """
    from planner.costing.rates import load_rates

    costing = check_costing(costing)
    base = rates if rates is not None else load_rates()
    for key, value in (costing.get("overrides") or {}).items():
        base = base.with_override(str(key), value)
    if costing.get("margin_pct") is not None:
        base = base.with_override("margin_pct", costing["margin_pct"])
    kwargs: dict[str, Any] = {k: costing[k] for k in ("adults", "children", "seniors", "singles", "rooms")
                              if costing.get(k) is not None}
    if not any(k in kwargs for k in ("adults", "children", "seniors")):
        kwargs["adults"] = int(group_size or 2)
    if costing.get("hotel_class"):
        kwargs["hotel_class"] = str(costing["hotel_class"])
    if costing.get("foc_per") is not None:
        kwargs["foc_per"] = costing["foc_per"]
    if costing.get("vehicle"):
        if costing["vehicle"] not in base.vehicles:
            raise PlannerError(f"'{costing['vehicle']}' is not a vehicle in vehicles.csv", field="costing.vehicle")
        kwargs["vehicle"] = str(costing["vehicle"])
    try:
        group = Group(**kwargs)
    except (ValueError, PlannerError) as exc:
        field = getattr(exc, "field", None)
        raise PlannerError(getattr(exc, "message", str(exc)), field=f"costing.{field}" if field else "costing") from None
    return group, base


def package_quote(plan, costing: dict | None, group_size: int | None, catalog, rates: Rates | None = None) -> Quote:
    """The quote of a package: its plan priced with its ``costing`` (the request's group size the
    fallback headcount). The app's Costs panel, ``qiantu quote`` and every export call this."""
    group, r = package_costing(costing, group_size, rates)
    return quote(plan, group, r, catalog, parse_currency((costing or {}).get("currency")))
