"""The red-route test report: which red sites a plan covers, whether it keeps the Long March order, and at what cost."""

from __future__ import annotations

import dataclasses
from typing import Any

from planner.domain import bilingual
from planner.history import (
    Event,
    events_by_site,
    history_precedence,
    is_red,
    load_events,
    pairs_out_of_order,
    site_order,
    stop_events,
)

SCHEMA_TAG = "qiantu/route-report@1"
EVENT_COLOR = "#8b0000"


# ---------------------------------------------------------------------------- the figures


def _plan_obj(plan):
    """A Plan object from a Plan or a plan dict."""
    from planner.plan import Plan, plan_from_dict

    return plan if isinstance(plan, Plan) else plan_from_dict(plan)


def time_split(plan) -> dict[str, float]:
    """Minutes on the road, on trains, at sites and waiting, and km, over the whole plan."""
    from planner.plan import TravelItem, VisitItem, hhmm_minutes

    drive = rail = visit = wait = 0.0
    km = 0.0
    for day in plan.days:
        for it in day.items:
            if isinstance(it, TravelItem):
                km += float(it.km)
                if it.legs:
                    for leg in it.legs:
                        if leg.get("mode") == "rail":
                            rail += float(leg.get("minutes") or 0)
                        else:
                            drive += float(leg.get("minutes") or 0)
                elif it.mode == "rail":
                    rail += it.minutes
                else:
                    drive += it.minutes
            elif isinstance(it, VisitItem):
                visit += hhmm_minutes(it.end) - hhmm_minutes(it.start)
                wait += it.wait_minutes
    return {
        "drive_minutes": round(drive),
        "rail_minutes": round(rail),
        "travel_minutes": int(plan.totals.get("travel_minutes", round(drive + rail))),
        "visit_minutes": round(visit),
        "wait_minutes": round(wait),
        "km": round(km, 1),
    }


def _requested_ids(plan, request) -> list[str]:
    if request is not None:
        return [s.id for s in request.stops]
    return list(dict.fromkeys(list(plan.order) + [d.id for d in plan.dropped]))


def _chosen_events(plan, request) -> dict[str, str]:
    """{stop id: event id} the request names (``"event"``), else what the plan was ordered by."""
    if request is not None:
        return {s.id: s.event for s in request.stops if getattr(s, "event", None)}
    hist = plan.solver.get("history") if isinstance(plan.solver, dict) else None
    return dict((hist or {}).get("events") or {})


def _follow_history(plan, request) -> bool:
    if request is not None:
        return bool(request.follow_history)
    return bool(plan.solver.get("follow_history", False))


def _site(catalog, sid: str) -> dict:
    spot = catalog.spots.get(sid)
    return {
        "id": sid,
        "name_zh": spot.name_zh if spot else sid,
        "name_en": spot.name_en if spot else sid,
    }


def _event_dict(ev: Event) -> dict:
    return {
        "id": ev.id,
        "date_start": ev.date_start,
        "date_end": ev.date_end,
        "name_zh": ev.name_zh,
        "name_en": ev.name_en,
        "site_id": ev.site_id,
    }


def route_report(
    plan,
    request=None,
    catalog=None,
    *,
    compare: bool = False,
    network=None,
    events: list[Event] | None = None,
    time_limit_s: float | None = None,
) -> dict[str, Any]:
    """What a tourism-bureau tester asks of a red route, as a JSON-ready dict.

    Parameters
    ----------
    plan : Plan or dict
    request : TripRequest, optional
        The request the plan answers; without it the requested stops are the plan's visits
        and dropped stops, and ``follow_history`` is read from ``plan.solver``.
    catalog : Catalog, optional
        Default: the bundled catalog.
    compare : bool
        Also plan the same visited stops freely (no history order, no ``keep_order``, no
        ``after`` rules) and, when the plan did not follow history, in Long March order:
        the minutes a free order saves and the historical pairs it breaks.
    network : Network, optional
        For ``compare``; default the bundled one.
    events : list of Event, optional
        Default: the bundled events table.
    time_limit_s : float, optional
        Search time of each comparison plan (default: the request's).

    Returns
    -------
    dict
        ``red`` (covered, missed with reasons, undated), ``history`` (follows, pairs out of
        order), ``time`` (drive / rail / site minutes, km), ``days``, ``events`` (the timeline,
        numbered by date), ``compare`` (or None).
    """
    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    plan = _plan_obj(plan)
    events = load_events(catalog=catalog) if events is None else events
    by_site = events_by_site(events)

    requested = _requested_ids(plan, request)
    visited = list(plan.order)
    day_of: dict[str, tuple[int | None, str | None]] = {}
    for k, day in enumerate(plan.days, start=1):
        for v in day.visits():
            day_of.setdefault(v.id, (k, day.date))
    dropped = {d.id: d for d in plan.dropped}
    chosen = _chosen_events(plan, request)
    ordered_by = stop_events(list(requested) + visited, catalog, events, chosen)

    covered = []
    for sid in visited:
        if sid in catalog and is_red(catalog.get(sid)):
            day_no, date = day_of.get(sid, (None, None))
            evs = by_site.get(sid, [])
            ev = ordered_by.get(sid)
            covered.append(
                {
                    **_site(catalog, sid),
                    "day": day_no,
                    "date": date,
                    "events": [e.id for e in evs],
                    "first_event_date": evs[0].date_start if evs else None,
                    # the event this visit stands for, by which the Long March order places it
                    "ordered_by": _event_dict(ev) if ev is not None else None,
                }
            )
    missed = []
    for spot in catalog:
        if not is_red(spot) or spot.id in visited:
            continue
        entry: dict[str, Any] = {}
        if spot.id in dropped:
            d = dropped[spot.id]
            why, reason = "dropped", d.reason
            entry = {"code": d.code, "params": dict(d.params), "suggestions": [dict(x) for x in d.suggestions]}
        elif spot.id in requested:
            why, reason = "dropped", "requested but not in the plan"
        else:
            why, reason = "not-requested", "not requested"
        evs = by_site.get(spot.id, [])
        missed.append(
            {
                **_site(catalog, spot.id),
                "why": why,
                "reason": reason,
                **entry,
                "events": [e.id for e in evs],
                "first_event_date": evs[0].date_start if evs else None,
            }
        )

    pairs = history_precedence(visited, catalog, events, chosen)
    broken = pairs_out_of_order(visited, pairs)
    dated_visited = [s for s in visited if s in ordered_by]
    history = {
        "follow_history": _follow_history(plan, request),
        "follows": not broken,
        "visited_order": dated_visited,
        "historical_order": sorted(
            dated_visited, key=lambda s: (ordered_by[s].date_start, ordered_by[s].date_end, s)
        ),
        "ordered_by": {s: ordered_by[s].id for s in dated_visited},
        "pairs_checked": len(pairs),
        "out_of_order": [_pair_dict(a, b, catalog, ordered_by) for a, b in broken],
        "undated": [c["id"] for c in covered if not c["events"]],
    }

    numbered = []
    for i, ev in enumerate(sorted(events, key=lambda e: (e.date_start, e.date_end, e.row)), start=1):
        numbered.append({"no": i, **_event_dict(ev), "dates": ev.dates_text(), "visited": ev.site_id in visited})

    t = time_split(plan)
    report: dict[str, Any] = {
        "schema": SCHEMA_TAG,
        "title": plan.title or (request.title if request is not None else ""),
        "status": plan.status,
        "days": len(plan.days),
        "dates": [plan.days[0].date, plan.days[-1].date] if plan.days else [],
        "start_date_given": plan.start_date_given,
        "mode": plan.mode,
        "stops_requested": len(requested),
        "stops_visited": len(visited),
        "red": {
            "catalog_total": sum(1 for s in catalog if is_red(s)),
            "requested": [s for s in requested if s in catalog and is_red(catalog.get(s))],
            "covered": covered,
            "missed": missed,
        },
        "history": history,
        "time": t,
        "events": numbered,
        "warnings": list(plan.warnings),
        "compare": None,
    }
    if compare:
        report["compare"] = _compare(plan, request, catalog, network, events, time_limit_s, t, broken)
    return report


def _pair_dict(a: str, b: str, catalog, ordered_by) -> dict:
    """An out-of-order pair: ``a`` happened first but was visited after ``b`` (by the events
    the two visits stand for)."""
    ea, eb = ordered_by[a], ordered_by[b]
    return {
        "first": _site(catalog, a) | {"date": ea.date_start, "event_zh": ea.name_zh, "event_en": ea.name_en},
        "then": _site(catalog, b) | {"date": eb.date_start, "event_zh": eb.name_zh, "event_en": eb.name_en},
    }


def request_from_plan(plan):
    """A trip request that rebuilds a bare plan: its start, end, days, mode and visits (default hours)."""
    from planner.request import CustomPlace, StopRequest, TripRequest

    def ref(pid: str):
        if pid.startswith("custom:") and pid in plan.places:
            p = plan.places[pid]
            return CustomPlace(p["name"], float(p["lat"]), float(p["lon"]))
        return pid

    start = ref(plan.days[0].start)
    end = ref(plan.days[-1].overnight)
    return TripRequest(
        start=start,
        end=end,
        days=len(plan.days),
        stops=[StopRequest(id=s, must=True) for s in plan.order],
        title=plan.title,
        start_date=plan.days[0].date if plan.start_date_given else None,
        mode=plan.mode,
        follow_history=bool(plan.solver.get("follow_history", False)),
    )


def _compare(plan, request, catalog, network, events, time_limit_s, given_time, given_broken) -> dict:
    from planner.optimize.trip import plan_trip

    notes = []
    if request is None:
        request = request_from_plan(plan)
        notes.append("request rebuilt from the plan (default day hours and lunch): figures are indicative")
    if network is None:
        from planner.network import load_network

        network = load_network(catalog)
    visited = set(plan.order)
    if not visited:
        return {"given": None, "free": None, "historical": None, "minutes_saved": None, "notes": ["nothing visited"]}
    # The same visits, all must, with the request's visit overrides.
    stops = []
    for s in request.stops:
        if s.id in visited:
            stops.append(dataclasses.replace(s, must=True, after=()))
    for sid in plan.order:  # a plan of another request: its visits still count
        if sid not in {s.id for s in stops}:
            from planner.request import StopRequest

            stops.append(StopRequest(id=sid, must=True))
    base = dataclasses.replace(request, stops=stops, keep_order=False, follow_history=False)
    order_key = site_order(catalog, events)

    chosen = _chosen_events(plan, request)

    def run(req):
        p = plan_trip(req, catalog, network, time_limit_s=time_limit_s)
        pairs = history_precedence(p.order, catalog, events, chosen)
        return p, pairs_out_of_order(p.order, pairs)

    def column(p, broken, t=None) -> dict:
        t = t or time_split(p)
        return {
            "status": p.status,
            "order": list(p.order),
            "days": len(p.days),
            "travel_minutes": t["travel_minutes"],
            "drive_minutes": t["drive_minutes"],
            "km": t["km"],
            "visits": len(p.order),
            "out_of_order": len(broken),
            "out_of_order_pairs": [[a, b] for a, b in broken],
            "red_order": [s for s in p.order if s in order_key],
        }

    free_plan, free_broken = run(base)
    given = column(plan, given_broken, given_time)
    free = column(free_plan, free_broken)
    historical = None
    if not _follow_history(plan, request):
        hist_plan, hist_broken = run(dataclasses.replace(base, follow_history=True))
        historical = column(hist_plan, hist_broken)
    if free["visits"] < given["visits"]:
        notes.append("the free plan could not fit every visit of the given plan")
    saved = given["travel_minutes"] - free["travel_minutes"]
    if saved <= 0 and given["days"] <= free["days"] and free["out_of_order"]:
        notes.append(
            "the free order saves nothing here: its pairs out of order are one of several equally short orders"
        )
    return {
        "given": given,
        "free": free,
        "historical": historical,
        "minutes_saved": saved,
        "days_saved": given["days"] - free["days"],
        "km_saved": round(given["km"] - free["km"], 1),
        "pairs_broken_by_free": free["out_of_order"],
        "notes": notes,
    }


# ---------------------------------------------------------------------------- text


_T = {
    "report": ("红色线路测试报告", "Red-route test report"),
    "status": ("状态", "Status"),
    "days": ("天数", "Days"),
    "red_covered": ("已覆盖红色景点", "Red sites covered"),
    "red_missed": ("未覆盖红色景点", "Red sites missed"),
    "not_requested": ("未列入", "not requested"),
    "history_follows": ("按长征历史顺序游览：是", "Follows the Long March order: yes"),
    "history_breaks": ("按长征历史顺序游览：否", "Follows the Long March order: no"),
    "out_of_order": ("顺序颠倒", "out of order"),
    "drive": ("驾车", "Driving"),
    "rail": ("高铁", "Rail"),
    "sites": ("景点游览", "At sites"),
    "km": ("里程", "Distance"),
    "compare": ("与自由排序比较", "Compared with a free order"),
    "given": ("本方案", "This plan"),
    "free": ("自由排序", "Free order"),
    "historical": ("历史顺序", "Historical order"),
    "travel": ("路上时间", "Travel"),
    "pairs": ("颠倒对数", "Pairs out of order"),
    "saves": ("自由排序节省", "A free order saves"),
    "timeline": ("长征在贵州大事记", "The Long March in Guizhou: events"),
    "undated": ("无纪年事件的红色景点", "Red sites with no dated event"),
    "enforced": ("（已在优化中强制执行）", "(enforced by the optimizer)"),
    "notes": ("说明", "Notes"),
}


def label(key: str, lang: str) -> str:
    """A report label in ``lang``."""
    return bilingual(_T, key, lang)


def hours(minutes: float, lang: str) -> str:
    """``7.5 h`` / ``7.5 小时``."""
    h = float(minutes) / 60
    return f"{h:.1f} h" if lang == "en" else f"{h:.1f} 小时"


def name_of(d: dict, lang: str) -> str:
    return d.get("name_en" if lang == "en" else "name_zh") or d.get("id", "")


def missed_reason(m: dict, lang: str) -> str:
    """A missed red site's reason in ``lang``: rendered from its code (planner.reasons) when it
    has one, else the text as it came."""
    from planner.reasons import namer, render_dropped

    if m.get("code") and m["code"] != "unknown":
        return render_dropped(m, lang, namer(lang))
    return str(m.get("reason", ""))


def format_report(report: dict, catalog=None, lang: str = "zh") -> str:
    """The report as plain text (what ``qiantu report`` prints)."""
    en = lang == "en"
    L = lambda k: label(k, lang)

    def nm(sid: str) -> str:
        if catalog is not None and sid in catalog:
            return catalog.get(sid).name(lang)
        return sid

    red = report["red"]
    hist = report["history"]
    t = report["time"]
    lines = [f"{L('report')}: {report['title'] or '-'}"]
    lines.append(
        f"{L('status')}: {report['status']}   {L('days')}: {report['days']}"
        + (f" ({report['dates'][0]} – {report['dates'][1]})" if report["dates"] and report["start_date_given"] else "")
    )
    drive = f"{L('drive')} {hours(t['drive_minutes'], lang)}"
    rail = f"   {L('rail')} {hours(t['rail_minutes'], lang)}" if t["rail_minutes"] else ""
    lines.append(f"{drive}{rail}   {L('sites')} {hours(t['visit_minutes'], lang)}   {L('km')} {t['km']:.0f} km")
    lines.append("")
    lines.append(f"{L('red_covered')} ({len(red['covered'])}/{red['catalog_total']}):")
    for c in red["covered"]:
        ev = c.get("ordered_by")
        if ev:  # the event this visit was ordered by
            date = f"{ev['date_start']} {name_of(ev, lang)}"
        else:
            date = c["first_event_date"] or ("no dated event" if en else "无纪年事件")
        day = f"Day {c['day']}" if en else f"第 {c['day']} 天"
        lines.append(f"  {day}  {name_of(c, lang)}  [{date}]")
    dropped = [m for m in red["missed"] if m["why"] == "dropped"]
    not_req = [m for m in red["missed"] if m["why"] != "dropped"]
    lines.append(f"{L('red_missed')} ({len(red['missed'])}):")
    for m in dropped:
        lines.append(f"  {name_of(m, lang)} — {missed_reason(m, lang)}")
    if not_req:
        lines.append(f"  {L('not_requested')}: " + ", ".join(name_of(m, lang) for m in not_req))
    lines.append("")
    head = L("history_follows") if hist["follows"] else L("history_breaks")
    if hist["follow_history"]:
        head += " " + L("enforced")
    lines.append(head + (f" ({hist['pairs_checked']} pairs)" if en else f"（检查 {hist['pairs_checked']} 对）"))
    for p in hist["out_of_order"]:
        a, b = p["first"], p["then"]
        if en:
            lines.append(f"  {name_of(b, lang)} ({b['date']}) visited before {name_of(a, lang)} ({a['date']})")
        else:
            lines.append(f"  先游 {name_of(b, lang)}（{b['date']}），后游 {name_of(a, lang)}（{a['date']}）")
    if hist["undated"]:
        lines.append(f"  {L('undated')}: " + ", ".join(nm(s) for s in hist["undated"]))
    cmp_ = report.get("compare")
    if cmp_ and cmp_.get("given"):
        lines.append("")
        lines.append(L("compare") + ":")
        cols = [("given", cmp_["given"]), ("free", cmp_["free"])]
        if cmp_.get("historical"):
            cols.append(("historical", cmp_["historical"]))
        rows = [
            ["", *(L(k) for k, _ in cols)],
            [L("travel"), *(hours(c["travel_minutes"], lang) for _, c in cols)],
            [L("km"), *(f"{c['km']:.0f} km" for _, c in cols)],
            [L("days"), *(str(c["days"]) for _, c in cols)],
            [L("pairs"), *(str(c["out_of_order"]) for _, c in cols)],
        ]
        lines.extend("  " + line for line in _columns(rows))
        saved = cmp_["minutes_saved"]
        dsaved = cmp_.get("days_saved", 0)
        if en:
            days_txt = f" and {dsaved} day(s)" if dsaved > 0 else ""
            lines.append(
                f"  {L('saves')} {saved} min ({cmp_['km_saved']:.0f} km){days_txt} and breaks "
                f"{cmp_['pairs_broken_by_free']} historical pair(s)"
            )
        else:
            days_txt = f"、{dsaved} 天" if dsaved > 0 else ""
            lines.append(
                f"  {L('saves')} {saved} 分钟（{cmp_['km_saved']:.0f} km）{days_txt}，打乱 {cmp_['pairs_broken_by_free']} 对历史顺序"
            )
        lines.append("  " + L("free") + ": " + " → ".join(nm(s) for s in cmp_["free"]["red_order"]))
        for n in cmp_.get("notes") or []:
            lines.append(f"  {L('notes')}: {n}")
    for w in report.get("warnings") or []:
        lines.append(f"{L('notes')}: {w}")
    return "\n".join(lines) + "\n"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _columns(rows: list[list[str]]) -> list[str]:
    """Rows as aligned text: the first column left, the others right (CJK counted double)."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [r[0] + " " * (widths[0] - _width(r[0]))]
        cells += [" " * (w - _width(c)) + c for c, w in zip(r[1:], widths[1:])]
        out.append("   ".join(cells).rstrip())
    return out


# ---------------------------------------------------------------------------- the map


def add_event_markers(m, events: list[Event], catalog, *, lang: str = "zh", tiles: str = "none", legend: bool = True):
    """Add the Long March events to a map from planner.mapping, numbered by date (1 = earliest).

    Events at the same site share one marker (``6·7``); the marker sits up and to the right of
    the site so the plan's round stop numbers stay readable. Returns the map.
    """
    from planner.mapping import add_events, to_display

    en = lang == "en"
    ordered = sorted(events, key=lambda ev: (ev.date_start, ev.date_end, ev.row))
    numbers = {ev.id: i for i, ev in enumerate(ordered, start=1)}
    sites = []
    for sid, evs in events_by_site(ordered).items():
        if sid not in catalog:
            continue
        spot = catalog.get(sid)
        lat, lon = to_display(spot.lat, spot.lon, tiles)
        sites.append({
            "lat": lat,
            "lon": lon,
            "label": "·".join(str(numbers[ev.id]) for ev in evs),
            "tooltip": "; ".join(f"{numbers[ev.id]}. {ev.dates_text()} {ev.name(lang)}" for ev in evs),
            "popup": {
                "title": spot.name(lang),
                "rows": [[str(numbers[ev.id]), ev.dates_text(), ev.name(lang)] for ev in evs],
            },
        })
    table = None
    if legend:
        table = {
            "title": "Long March events" if en else "长征事件",
            "rows": [{"number": numbers[ev.id], "text": f"{ev.date_start} {ev.name(lang)}"} for ev in ordered],
        }
    add_events(m, sites, table)
    return m


def report_map(
    plan, catalog=None, *, events: list[Event] | None = None, lang: str = "zh", tiles: str = "none", legend: bool = True
):
    """The plan's route (planner.mapping.plan_map) with the Long March events numbered by date."""
    from planner.mapping import frame, plan_map
    from planner.plan import Plan, plan_to_dict

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    plan_dict = plan_to_dict(plan) if isinstance(plan, Plan) else plan
    events = load_events(catalog=catalog) if events is None else events
    m = plan_map(plan_dict, catalog, lang=lang, tiles=tiles)
    add_event_markers(m, events, catalog, lang=lang, tiles=tiles, legend=legend)
    # Fit the route and every event site, so the events off the route are on the image too.
    pts = list(_event_points(events, catalog, tiles))
    for d in plan_dict.get("days") or []:
        for it in d.get("items") or []:
            for p in it.get("path") or []:
                pts.append((float(p[0]), float(p[1])))
    frame(m, pts, padding_top_left=(30, 30), padding_bottom_right=(30, 30))
    return m


def _event_points(events, catalog, tiles):
    from planner.mapping import to_display

    for ev in events:
        if ev.site_id in catalog:
            s = catalog.get(ev.site_id)
            yield to_display(s.lat, s.lon, tiles)


__all__ = [
    "add_event_markers",
    "format_report",
    "report_map",
    "request_from_plan",
    "route_report",
    "time_split",
]
