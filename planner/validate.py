"""`qiantu check FILE`: recognise a request, plan, package or catalog table and validate it."""

from __future__ import annotations

from pathlib import Path

from planner.errors import PlannerError, RequestError


def check_file(path: str | Path, catalog=None) -> str:
    """Validate ``path`` and return a one-line OK summary.

    Recognises a trip request, a plan or a package by its ``schema`` tag, and a catalog
    CSV table by its extension. Raises a PlannerError naming the file and the field otherwise.
    """
    from planner.request import read_json

    p = Path(path)
    if p.suffix.lower() == ".csv":
        return check_table(p, catalog)
    doc = read_json(p, RequestError)
    tag = doc.get("schema") if isinstance(doc, dict) else None
    if not isinstance(tag, str):
        raise RequestError("no 'schema' tag: not a QianTu request, plan or package", file=str(path), field="schema")
    if tag.startswith("qiantu/request@"):
        from planner.request import request_from_dict

        req = request_from_dict(doc, file=str(path), catalog=catalog)
        must = sum(1 for s in req.stops if s.must)
        return f"{path}: OK, trip request: {len(req.stops)} stops ({must} must), {req.days} day(s)"
    if tag.startswith("qiantu/plan@"):
        from planner.plan import plan_from_dict

        plan = plan_from_dict(doc, file=str(path))
        check_plan_consistency(doc, str(path), catalog)
        return (
            f"{path}: OK, plan ({plan.status}): {len(plan.days)} day(s), {len(plan.order)} visits, "
            f"{len(plan.dropped)} dropped"
        )
    if tag.startswith("qiantu/package@"):
        from planner.package import package_from_dict

        pkg = package_from_dict(doc, file=str(path), catalog=catalog)
        if isinstance(doc.get("plan"), dict):
            check_plan_consistency(doc["plan"], str(path), catalog, prefix="plan.")
        has = "with a plan" if pkg.plan is not None else "no plan yet"
        return f"{path}: OK, package '{pkg.title}': {len(pkg.request.stops)} stops, {has}"
    raise RequestError(f"unknown schema '{tag}'", file=str(path), field="schema")


def check_table(p: Path, catalog=None) -> str:
    """Validate a data table by what it is: a catalog table, the Long March events, a network
    table (the whole network folder is loaded) or a rate table (the whole rates folder)."""
    from planner import io as _io
    from planner.errors import DataError

    rows, _enc = _io.read_csv(p, DataError)
    header = [h.strip() for h in rows[0]] if rows else []
    cols = set(header)
    if {"name_zh", "kind", "themes"} <= cols:
        from planner.catalog import read_spot_table

        spots = read_spot_table(p)
        if any(s.city for s in spots):
            _check_table_cities(p, spots, catalog)
        note = "" if _enc == "utf-8" else " (read as GB18030/GBK text, as Chinese Excel saves CSV; QianTu writes UTF-8)"
        return f"{p}: OK, catalog table with {len(spots)} places{note}"
    if {"date", "kind", "name_zh", "source"} <= cols and "themes" not in cols:
        from planner.calendar import load_holiday_table

        days = load_holiday_table(p)
        years = sorted({d.date.year for d in days})
        return f"{p}: OK, holiday table with {len(days)} days ({', '.join(map(str, years))})"
    if {"date_start", "site_id"} <= cols:
        from planner.history import load_events

        events = load_events(p, catalog=catalog)
        return f"{p}: OK, Long March events table with {len(events)} events"
    from planner.network import FILES as NETWORK_FILES

    names = {Path(v).name if isinstance(v, str) else v for v in NETWORK_FILES.values()}
    if p.name == "calibration.csv":
        from planner.network import calibration_table, load_network

        figures = calibration_table(load_network(catalog, p.parent), path=p)
        return f"{p}: OK, calibration table with {len(figures)} published figures"
    if p.name in names:
        from planner.network import build_graph

        if catalog is None:
            from planner.catalog import load_catalog

            catalog = load_catalog()
        g = build_graph(p.parent, catalog)
        return f"{p}: OK, network tables in {p.parent} ({g.number_of_nodes()} nodes, {g.number_of_edges()} links)"
    if (p.parent / "vehicles.csv").exists() and (p.parent / "settings.csv").exists():
        from planner.costing import load_rates

        rates = load_rates(p.parent)
        return f"{p}: OK, rate tables in {p.parent} ({len(rates.vehicles)} vehicles)"
    raise PlannerError(
        "not a QianTu data table (expected a catalog, events, network or rates table)", file=str(p),
        field=header[0] if header else None,
    )


def _check_table_cities(p: Path, spots: list, catalog=None) -> None:
    """The ``city`` of each hotel, restaurant, show or shop row is an overnight place (this table's
    or the bundled catalog's)."""
    from planner.catalog import Catalog, check_cities, load_catalog

    if catalog is None:
        catalog = load_catalog()
    merged = Catalog(spots={**catalog.spots, **{s.id: s for s in spots}})
    check_cities(merged)


def _check_stay_fields(day: dict, where: str, catalog, err, minutes) -> None:
    """The optional day fields of planner.stay: a hotel, the evening's meal and show, lunch places."""
    hotel = day.get("hotel")
    if hotel is not None:
        if hotel not in catalog or catalog.get(hotel).kind != "hotel":
            raise err(f"{where}.hotel", f"{hotel!r} is not a hotel of the catalog")
    clock = None
    for ei, e in enumerate(day.get("evening") or []):
        at = f"{where}.evening[{ei}]"
        want = "restaurant" if e.get("type") == "meal" else "show"
        if e.get("id") not in catalog or catalog.get(e.get("id")).kind != want:
            raise err(f"{at}.id", f"{e.get('id')!r} is not a {want} of the catalog")
        a, b = minutes(e.get("start"), f"{at}.start"), minutes(e.get("end"), f"{at}.end")
        if b <= a:
            raise err(f"{at}.end", "ends before it starts")
        if clock is not None and a < clock:
            raise err(f"{at}.start", "begins before the previous evening item ends")
        clock = b
    for ii, it in enumerate(day.get("items") or []):
        pl = it.get("place") if it.get("type") == "break" else None
        if pl is not None and (pl not in catalog or catalog.get(pl).kind != "restaurant"):
            raise err(f"{where}.items[{ii}].place", f"{pl!r} is not a restaurant of the catalog")


def check_plan_consistency(doc: dict, file: str, catalog=None, prefix: str = "") -> None:
    """The chaining rule of DESIGN.md: each item starts where and when the previous one ended,
    from the day's start place to its overnight place; waits are start - arrive; places exist."""
    from planner.catalog import parse_hhmm

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    places = doc.get("places") or {}

    def err(fld: str, msg: str) -> RequestError:
        return RequestError(msg, file=file, field=prefix + fld)

    def minutes(value, fld: str) -> int:
        try:
            return parse_hhmm(str(value))
        except ValueError:
            raise err(fld, f"'{value}' is not a time HH:MM") from None

    def known(ref, fld: str) -> None:
        if isinstance(ref, str) and (ref in catalog or ref in places):
            return
        raise err(fld, f"unknown place {ref!r}")

    import datetime as _dt

    visits: list[str] = []
    prev_overnight = None
    prev_date = None
    for di, day in enumerate(doc.get("days") or []):
        where = f"days[{di}]"
        try:
            date = _dt.date.fromisoformat(str(day.get("date")))
        except ValueError:
            raise err(f"{where}.date", f"'{day.get('date')}' is not a date YYYY-MM-DD") from None
        if prev_date is not None and date != prev_date + _dt.timedelta(days=1):
            raise err(f"{where}.date", f"{date} does not follow {prev_date}")
        prev_date = date
        place = day.get("start")
        known(place, f"{where}.start")
        known(day.get("overnight"), f"{where}.overnight")
        if prev_overnight is not None and place != prev_overnight:
            raise err(f"{where}.start", f"starts at {place!r}, but the night before was at {prev_overnight!r}")
        clock = None
        for ii, it in enumerate(day.get("items") or []):
            at = f"{where}.items[{ii}]"
            kind = it.get("type")
            if kind == "travel":
                t0, t1 = minutes(it.get("depart"), f"{at}.depart"), minutes(it.get("arrive"), f"{at}.arrive")
                known(it.get("from"), f"{at}.from")
                known(it.get("to"), f"{at}.to")
                if it.get("from") != place:
                    raise err(f"{at}.from", f"leaves from {it.get('from')!r}, but the group is at {place!r}")
                if clock is not None and t0 != clock:
                    raise err(f"{at}.depart", f"departs at {it.get('depart')}, the previous item ended at "
                                              f"{clock // 60:02d}:{clock % 60:02d}")
                if t1 - t0 != int(it.get("minutes", -1)):
                    raise err(f"{at}.minutes", f"is {it.get('minutes')}, but {it.get('depart')}–{it.get('arrive')} "
                                               f"is {t1 - t0} min")
                place, clock = it.get("to"), t1
            elif kind == "visit":
                a, b, c = (minutes(it.get(k), f"{at}.{k}") for k in ("arrive", "start", "end"))
                known(it.get("id"), f"{at}.id")
                if it.get("id") != place:
                    raise err(f"{at}.id", f"visits {it.get('id')!r}, but the group is at {place!r}")
                if clock is not None and a != clock:
                    raise err(f"{at}.arrive", f"arrives at {it.get('arrive')}, the previous item ended at "
                                              f"{clock // 60:02d}:{clock % 60:02d}")
                if not a <= b <= c:
                    raise err(f"{at}.start", "arrive <= start <= end does not hold")
                if int(it.get("wait_minutes", 0)) != b - a:
                    raise err(f"{at}.wait_minutes", f"is {it.get('wait_minutes')}, but start - arrive is {b - a} min")
                visits.append(it.get("id"))
                clock = c
            elif kind == "break":
                a, b = minutes(it.get("start"), f"{at}.start"), minutes(it.get("end"), f"{at}.end")
                if clock is not None and a != clock:
                    raise err(f"{at}.start", "does not start when the previous item ended")
                if b < a:
                    raise err(f"{at}.end", "ends before it starts")
                clock = b
            else:
                raise err(f"{at}.type", f"{kind!r} is not travel, visit or break")
        _check_stay_fields(day, where, catalog, err, minutes)
        if day.get("items") and place != day.get("overnight"):
            raise err(f"{where}.overnight", f"is {day.get('overnight')!r}, but the day ends at {place!r}")
        prev_overnight = day.get("overnight")
    if doc.get("order") is not None and list(doc["order"]) != visits:
        raise err("order", "does not list the visits in the order of the days")
