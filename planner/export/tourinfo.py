"""What the client documents and the tour order sheet say about a tour beyond its route: hotels and
meals per day, the people to call, what the price includes and what it does not, the prices.

Sources, first found wins: the package's ``tour`` (``hotels``/``meals`` per day, contacts), then the
plan's own day fields (``hotel``: an id of ``data/scenic_spots/hotels.csv``; ``evening`` meals;
lunch breaks with a ``place``), then what the quote prices (breakfast in the room rate, group
lunch and dinner, the hotel class).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from planner import paths
from planner.domain import bilingual

_L: dict[str, tuple[str, str]] = {
    "breakfast": ("早", "Breakfast"),
    "lunch": ("中", "Lunch"),
    "dinner": ("晚", "Dinner"),
    "meals": ("餐食", "Meals"),
    "not_included": ("不含", "not included"),
    "hotel_breakfast": ("酒店早餐", "at the hotel"),
    "group_meal": ("团餐", "group meal"),
    "hotel": ("酒店", "Hotel"),
    "hotel_or_similar": ("{place}{cls}酒店（或同级）", "{cls} hotel in {place} (or similar)"),
    "class_economy": ("经济型", "Economy"),
    "class_comfort": ("舒适型", "Comfort"),
    "class_premium": ("高档型", "Premium"),
    "includes": ("费用包含", "The price includes"),
    "excludes": ("费用不含", "The price does not include"),
    "inc_hotel": ("住宿：{n} 晚{cls}酒店，两人一间，含早餐", "Accommodation: {n} nights in {cls} hotels, twin sharing, "
                  "breakfast included"),
    "inc_vehicle": ("用车：全程空调旅游车及司机（含油费、过路费、停车费）", "Transport: an air-conditioned coach with driver "
                    "throughout (fuel, tolls and parking)"),
    "inc_guide": ("导游：全程持证中文导游服务", "Guide: a licensed local guide throughout"),
    "inc_tickets": ("门票：行程所列景点首道大门票", "Tickets: entrance to every site in the itinerary"),
    "inc_hotel_named": ("住宿：{n} 晚，酒店见每日行程，两人一间，含早餐", "Accommodation: {n} nights at the hotels named "
                        "day by day, twin sharing, breakfast included"),
    "inc_show": ("演出：行程所列晚间演出门票", "Shows: tickets to the evening shows listed"),
    "inc_rail": ("高铁：行程内高铁二等座", "Trains: second-class seats on the trains in the itinerary"),
    "inc_meals": ("餐饮：行程所列团餐（午餐、晚餐）", "Meals: the group lunches and dinners listed"),
    "inc_insurance": ("保险：旅游意外险", "Insurance: travel accident insurance"),
    "exc_travel": ("往返贵州的大交通（行程另列者除外）", "Travel to and from Guizhou (unless listed)"),
    "exc_single": ("单房差 {x}", "Single room supplement {x}"),
    "exc_single_plain": ("单房差", "Single room supplement"),
    "exc_optional": ("景区内自费项目及区间车（行程未列明者）", "Optional activities and shuttles inside the sites "
                     "(unless listed)"),
    "exc_personal": ("个人消费、小费及行程外餐饮", "Personal expenses, tips and meals not listed"),
    "contacts": ("联系方式", "Contacts"),
    "agency": ("组团社", "Agency"),
    "tour_code": ("团号", "Tour code"),
    "operator": ("计调", "Operator"),
    "guide": ("导游", "Guide"),
    "driver": ("司机", "Driver"),
    "plate": ("车牌", "Plate"),
    "leader": ("领队", "Tour leader"),
    "emergency": ("紧急联系电话", "Emergency phone"),
    "adult": ("成人", "Adult"),
    "child": ("儿童", "Child"),
    "senior": ("长者", "Senior"),
    "per_person": ("每人", "per person"),
    "foc": ("{n} 人免费，每 {per} 人付费赠 1 人", "{n} free, 1 per {per} paying"),
}


def t(key: str, lang: str, **fmt) -> str:
    """A fixed text of the tour details in ``lang``."""
    return bilingual(_L, key, lang, **fmt)


def money(cny: float, lang: str, quote: dict | None = None) -> str:
    """``1,530 元`` / ``CNY 1,530``, with the second currency when the quote has one (``≈ USD 216``)."""
    text = f"{cny:,.0f} 元" if lang == "zh" else f"CNY {cny:,.0f}"
    cur = (quote or {}).get("currency")
    if cur:
        import math

        other = math.ceil(round(float(cny) / float(cur["cny_per_unit"]), 6))
        text += f"（约 {cur['code']} {other:,}）" if lang == "zh" else f" (about {cur['code']} {other:,})"
    return text


def price_lines(quote: dict | None, lang: str) -> list[tuple[str, str]]:
    """(what, price) the client sees: per person, or per category when the group mixes them; the
    single supplement."""
    if not quote:
        return []
    out: list[tuple[str, str]] = []
    cats = quote.get("price_per_category_cny") or {}
    if len(cats) > 1:
        for c, v in cats.items():
            out.append((f"{t(c, lang)}{t('per_person', lang) if lang == 'zh' else ', ' + t('per_person', lang)}",
                        money(v, lang, quote)))
    else:
        out.append((t("per_person", lang).capitalize() if lang == "en" else "每人价格",
                    money(quote["price_per_person_cny"], lang, quote)))
    if quote.get("single_supplement_cny"):
        out.append((t("exc_single_plain", lang), money(quote["single_supplement_cny"], lang, quote)))
    return out


def group_text(quote: dict | None, lang: str, fallback: int | None) -> str:
    """``成人 10 · 儿童 2`` / ``10 adults, 2 children``; with the free places."""
    if not quote:
        return (f"{fallback} 人" if lang == "zh" else f"{fallback} people") if fallback else "—"
    g = quote.get("group") or {}
    parts = []
    for c, key in (("adult", "adults"), ("child", "children"), ("senior", "seniors")):
        n = g.get(key) or 0
        if n:
            plural = {"adult": "adults", "child": "children", "senior": "seniors"}[c]
            parts.append(f"{t(c, lang)} {n}" if lang == "zh" else f"{n} {t(c, lang).lower() if n == 1 else plural}")
    text = (" · " if lang == "zh" else ", ").join(parts) or "—"
    foc = quote.get("foc") or {}
    if foc.get("free_places"):
        text += f"（{t('foc', lang, n=foc['free_places'], per=foc['per'])}）" if lang == "zh" else \
            f" ({t('foc', lang, n=foc['free_places'], per=foc['per'])})"
    return text


def inclusions(quote: dict | None, lang: str, n_nights: int) -> tuple[list[str], list[str]]:
    """(what the price includes, what it does not), from the kinds of the quote's lines."""
    kinds = {x.get("kind") for x in (quote or {}).get("lines", [])}
    cls = t(f"class_{((quote or {}).get('group') or {}).get('hotel_class') or 'comfort'}", lang)
    inc = []
    named = any(str(x.get("ref", "")).startswith("catalog:") for x in (quote or {}).get("lines", [])
                if x.get("kind") == "hotel")
    if "hotel" in kinds and named:  # the plan names its hotels (planner.stay): the days say which
        inc.append(t("inc_hotel_named", lang, n=n_nights))
    elif "hotel" in kinds:
        inc.append(t("inc_hotel", lang, n=n_nights, cls=cls if lang == "zh" else cls.lower()))
    for kind in ("vehicle", "guide", "tickets", "show", "rail", "meals", "insurance"):
        if kind in kinds:
            inc.append(t(f"inc_{kind}", lang))
    exc = [t("exc_travel", lang)]
    single = (quote or {}).get("single_supplement_cny")
    if single:
        exc.append(t("exc_single", lang, x=money(single, lang, quote)))
    exc += [t("exc_optional", lang), t("exc_personal", lang)]
    return inc, exc


@dataclass
class Hotel:
    name: str
    phone: str = ""
    address: str = ""
    given: bool = False  # named by the tour or the plan (else: the class and the town)


@lru_cache(maxsize=1)
def _hotels_csv() -> dict[str, dict]:
    path = paths.data_dir() / "scenic_spots" / "hotels.csv"
    if not path.is_file():
        return {}
    from planner import io as _io
    from planner.errors import PlannerError

    try:
        rows, _enc = _io.read_csv(path)  # the one guarded reader
    except PlannerError:
        return {}
    if not rows or "id" not in rows[0]:
        return {}
    head = rows[0]
    out = {}
    for row in rows[1:]:
        rec = dict(zip(head, row))
        if rec.get("id"):
            out[rec["id"]] = rec
    return out


def _by_day(items, day: int) -> dict:
    for x in items or []:
        if isinstance(x, dict) and x.get("day") == day:
            return x
    return {}


def _catalog_entry(catalog, pid) -> dict | None:
    """A catalog place (a hotel or restaurant of the plan) as {name_zh, name_en, phone, address}."""
    spots = getattr(catalog, "spots", None) or {}
    s = spots.get(str(pid)) if pid else None
    if s is None:
        return None
    return {k: str(getattr(s, k, "") or "") for k in ("name_zh", "name_en", "phone", "address")}


def place_name(catalog, pid, lang: str) -> str:
    """A catalog id's name in ``lang`` (the id itself when the catalog does not know it)."""
    e = _catalog_entry(catalog, pid)
    return (e.get("name_en" if lang == "en" else "name_zh") or str(pid)) if e else str(pid)


def day_hotel(tour: dict | None, plan_day: dict, number: int, town: str, lang: str, hotel_class: str,
              catalog=None) -> Hotel:
    """The hotel of day ``number`` (1-based): the tour's, the plan's hotel id (the catalog, else
    hotels.csv), or the class in the town."""
    h = _by_day((tour or {}).get("hotels"), number)
    if h.get("name"):
        return Hotel(h["name"], h.get("phone", ""), h.get("address", ""), True)
    hid = plan_day.get("hotel") if isinstance(plan_day, dict) else None
    row = (_catalog_entry(catalog, hid) or _hotels_csv().get(str(hid))) if hid else None
    if row:
        name = row.get("name_en" if lang == "en" else "name_zh") or row.get("name") or str(hid)
        return Hotel(name, row.get("phone", ""), row.get("address", ""), True)
    cls = t(f"class_{hotel_class}", lang)
    return Hotel(t("hotel_or_similar", lang, place=town, cls=cls), "", "", False)


def day_meals(tour: dict | None, plan_day: dict, number: int, lang: str, *, has_meals: bool,
              catalog=None) -> dict[str, str]:
    """{"breakfast", "lunch", "dinner"} of day ``number``: the standard or restaurant, "" = not included."""
    m = _by_day((tour or {}).get("meals"), number)
    if m:
        return {k: str(m.get(k) or "") for k in ("breakfast", "lunch", "dinner")}
    out = {"breakfast": t("hotel_breakfast", lang) if number > 1 else "",
           "lunch": t("group_meal", lang) if has_meals else "",
           "dinner": t("group_meal", lang) if has_meals else ""}
    for it in (plan_day.get("items") or []) if isinstance(plan_day, dict) else []:
        if it.get("type") == "break" and it.get("place"):
            out["lunch"] = place_name(catalog, it["place"], lang)
    for ev in (plan_day.get("evening") or []) if isinstance(plan_day, dict) else []:
        if isinstance(ev, dict) and ev.get("type") == "meal" and ev.get("id"):
            out["dinner"] = place_name(catalog, ev["id"], lang)
    return out


def meals_text(meals: dict[str, str], lang: str) -> str:
    """``早：酒店早餐 · 中：团餐 · 晚：不含``."""
    sep = "：" if lang == "zh" else ": "
    return " · ".join(f"{t(k, lang)}{sep}{meals[k] or t('not_included', lang)}" for k in ("breakfast", "lunch", "dinner"))


def contacts(tour: dict | None, lang: str, *, internal: bool = False) -> list[tuple[str, str]]:
    """(role, "name phone") of the people the group calls; the operator only for the internal copy."""
    tour = tour or {}
    out: list[tuple[str, str]] = []
    if tour.get("agency"):
        out.append((t("agency", lang), tour["agency"]))
    if tour.get("tour_code"):
        out.append((t("tour_code", lang), tour["tour_code"]))
    roles = ["guide", "driver", "leader"] + (["operator"] if internal else [])
    for role in roles:
        p = tour.get(role) or {}
        text = " ".join(x for x in (p.get("name", ""), p.get("phone", "")) if x)
        if role == "driver" and p.get("plate"):
            text += f" · {t('plate', lang)} {p['plate']}"
        if text:
            out.append((t(role, lang), text))
    if tour.get("emergency_phone"):
        out.append((t("emergency", lang), tour["emergency_phone"]))
    return out
