"""Plan a trip: order the stops, split them into days with a night place each, keep the hours.

``plan_trip(request) -> Plan`` is the one entry point (CLI, app worker, benchmarks). Small
requests (up to ``EXACT_MAX_STOPS`` stops) are solved exactly by label setting and the plan
says ``optimal`` with ``solver.lower_bound``; larger ones by an iterated local search
(``feasible``). Requests that cannot be met in full get the best plan that fits, status
``infeasible`` and a reason for every stop left out.

Cancellation: when ``cancelled()`` turns true the best plan found so far is returned (with
``solver.cancelled = true``); when nothing was found yet, ``planner.errors.Cancelled`` is raised.
Determinism: for a given seed the result is the same from run to run as long as the search
stops on its iteration cap and not on ``time_limit_s`` (the cap is reached within the default
5 s for the sizes in benchmarks/bench_trips.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from planner.errors import Cancelled, PlannerError
from planner.optimize.trip_exact import ExactTimeout, solve_exact
from planner.optimize.trip_model import ANY, TripModel
from planner.optimize.trip_search import Solution, ils, make_solution
from planner.plan import BreakItem, Day, Dropped, Plan, TravelItem, VisitItem, minutes_hhmm

EXACT_MAX_STOPS = 12


def plan_trip(
    request,
    catalog=None,
    network=None,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lang: str = "en",
) -> Plan:
    """Plan a trip request; with ``budget_per_person_cny`` the price per person is a limit.

    ``lang`` (``en`` or ``zh``) is the language of the dropped stops' ``reason`` texts (each
    also carries its ``code`` and ``params``, which every reader renders in its own language).

    See :func:`_plan_once` for the parameters. With a budget (and a group size to price for),
    optional stops are given up one at a time — the one with the least priority per yuan it
    costs each traveller — and the trip re-planned until the price per person fits; each stop
    given up is listed in ``dropped`` with the price it would have taken. When the must stops
    alone cost more than the budget, the plan (with them) is ``infeasible`` and says so.
    """
    budget = getattr(request, "budget_per_person_cny", None)
    plan = _plan_once(request, catalog, network, time_limit_s=time_limit_s, seed=seed, progress=progress,
                      cancelled=cancelled, lang=lang)
    if not budget or not request.group_size or plan.totals.get("cost_per_person_cny") is None:
        return plan
    return _keep_within_budget(plan, request, float(budget), catalog, network, seed=seed, cancelled=cancelled)


def _keep_within_budget(plan: Plan, request, budget: float, catalog, network, *, seed, cancelled) -> Plan:
    import dataclasses

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    given_up: list[tuple[str, float]] = []
    current = request
    first_price = plan.totals["cost_per_person_cny"]
    while plan.totals.get("cost_per_person_cny") is not None and plan.totals["cost_per_person_cny"] > budget:
        if cancelled is not None and cancelled():
            break
        visited = {v.id for v in plan.visits()}
        optional = [st for st in current.stops if not st.must and st.id in visited]
        if not optional:
            plan.status = "infeasible"
            plan.warnings.append(
                f"over budget: the must stops alone cost {plan.totals['cost_per_person_cny']:,.0f} CNY per person, "
                f"more than the budget of {budget:,.0f} CNY"
            )
            break

        def value(st) -> float:
            spot = catalog.spots.get(st.id)
            ticket = (spot.ticket_cny or 0.0) if spot else 0.0
            # A stop also costs its share of time on the road and in hotels: one yuan at least.
            return float(st.priority) / (ticket + 1.0)

        drop = min(optional, key=lambda st: (value(st), st.id))
        price_with = plan.totals["cost_per_person_cny"]
        current = dataclasses.replace(current, stops=[st for st in current.stops if st.id != drop.id])
        plan = _plan_once(current, catalog, network, time_limit_s=min(2.0, float(current.time_limit_s)), seed=seed,
                          cancelled=cancelled, lang=plan.lang)
        given_up.append((drop.id, price_with))
    for sid, price_with in given_up:
        plan.dropped.append(
            Dropped(sid, "", False, "over_budget", {"budget_cny": budget, "price_with_cny": round(price_with, 2)})
        )
    render_reasons(plan, catalog, getattr(plan, "lang", "en"))
    plan.totals["budget_per_person_cny"] = budget
    plan.totals["price_before_budget_cny"] = first_price
    plan.solver["budget"] = {
        "per_person_cny": budget,
        "price_before_cny": first_price,
        "price_after_cny": plan.totals.get("cost_per_person_cny"),
        "stops_given_up": [sid for sid, _ in given_up],
    }
    return plan


def _plan_once(
    request,
    catalog=None,
    network=None,
    *,
    time_limit_s: float | None = None,
    seed: int | None = None,
    progress: Callable[[float, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lang: str = "en",
) -> Plan:
    """Plan a trip request.

    Parameters
    ----------
    request : TripRequest
    catalog : Catalog, optional
        Default: the bundled catalog.
    network : Network, optional
        Anything with ``matrix(places, mode)`` and ``route(a, b, mode)``; default the bundled one.
    time_limit_s, seed : optional
        Override the request's ``time_limit_s`` and ``seed``.
    progress : callable(fraction, message), optional
    cancelled : callable() -> bool, optional

    Returns
    -------
    Plan

    Raises
    ------
    RequestError
        An unknown spot id in the request.
    Cancelled
        Cancelled before any plan was found.
    """
    t0 = time.perf_counter()
    limit = float(time_limit_s if time_limit_s is not None else request.time_limit_s)
    seed = int(seed if seed is not None else request.seed)
    deadline = t0 + limit

    def report(frac: float, msg: str) -> None:
        if progress is not None:
            progress(frac, msg)

    if catalog is None:
        from planner.catalog import load_catalog

        catalog = load_catalog()
    from planner.request import check_request_ids

    check_request_ids(request, catalog)
    if network is None:
        from planner.network import load_network

        network = load_network(catalog)
    if cancelled is not None and cancelled():
        raise Cancelled("planning cancelled")
    report(0.0, "travel times")
    m = TripModel(request, catalog, network, cancelled=cancelled)
    report(0.1, "searching")

    proven = False
    name = "iterated local search"
    iterations = 0
    best: Solution | None = None
    was_cancelled = False
    if m.n <= EXACT_MAX_STOPS:
        quick_deadline = min(deadline, time.perf_counter() + max(0.05, 0.1 * limit))
        best, iterations = ils(m, seed=seed, deadline=quick_deadline, max_iterations=3, cancelled=cancelled)
        if best is not None and not _is_cancelled(cancelled):
            try:
                res = solve_exact(m, best.obj, deadline=deadline, cancelled=cancelled)
                proven = True
                name = "label-setting DP (exact)"
                if res is not None:
                    sol = make_solution(m, res[1])
                    if sol is not None and sol.obj <= best.obj:
                        best = sol
            except ExactTimeout:
                was_cancelled = _is_cancelled(cancelled)
                if not was_cancelled:
                    best2, it2 = ils(m, seed=seed, deadline=deadline, cancelled=cancelled, progress=report, start=best)
                    iterations += it2
                    if best2 is not None and best2.obj < best.obj:
                        best = best2
    else:
        best, iterations = ils(m, seed=seed, deadline=deadline, cancelled=cancelled, progress=report)
    if m.history_pairs and not proven and not _is_cancelled(cancelled):
        # A long Long March chain is hard for insertion moves (the first red stop may need every
        # day shifted); also search from the chain itself, split exactly into days.
        start = _history_start(m)
        if start is not None:
            best2, it2 = ils(m, seed=seed, deadline=deadline, cancelled=cancelled, start=start)
            iterations += it2
            if best2 is not None and (best is None or best2.obj < best.obj):
                best = best2
    was_cancelled = was_cancelled or _is_cancelled(cancelled)
    if best is None and was_cancelled:
        raise Cancelled("planning cancelled before a plan was found")
    report(0.97, "building the plan")
    plan = build_plan(m, best)
    plan.lang = lang if lang in ("zh", "en") else "en"
    render_reasons(plan, catalog, plan.lang)
    plan.solver = {
        "name": name,
        "seconds": round(time.perf_counter() - t0, 3),
        "lower_bound": best.travel if (proven and best is not None) else None,
        "seed": seed,
        "time_limit_s": limit,
        "iterations": iterations,
        "cancelled": was_cancelled,
    }
    if best is not None and proven and plan.status != "infeasible":
        plan.status = "optimal"
    plan.solver["follow_history"] = bool(request.follow_history)
    if request.follow_history:
        from planner.history import note_history

        note_history(plan, m.stop_ids, m.history_pairs, catalog, chosen=m.events)
    _fill_costs(plan, request, catalog)
    report(1.0, "done")
    return plan


def render_reasons(plan: Plan, catalog=None, lang: str = "en") -> None:
    """Write each dropped stop's ``reason`` from its code and parameters, in ``lang``."""
    from planner.reasons import namer, render_dropped

    name = namer(lang, catalog, plan.places)
    for d in plan.dropped:
        if d.code != "unknown":
            d.reason = render_dropped(d, lang, name)


def _fill_costs(plan: Plan, request, catalog) -> None:
    """Price the plan for the request's group (default rates); costs stay null without a group size."""
    plan.totals.setdefault("cost_cny", None)
    plan.totals.setdefault("cost_per_person_cny", None)
    if not request.group_size or plan.status == "infeasible" or not plan.days:
        return
    from planner.costing import Group, fill_plan_costs, load_rates
    from planner.errors import PlannerError

    try:
        fill_plan_costs(plan, Group(adults=int(request.group_size)), load_rates(), catalog)
    except PlannerError as exc:  # bad rate data must not cost the planner its plan
        plan.warnings.append(f"costs not computed: {exc.one_line()}")


def _history_start(m: TripModel) -> Solution | None:
    """A start for the search: the dated red stops in Long March order, the other stops each at
    its cheapest place that keeps every precedence, split exactly into days; optional stops
    that do not fit are left out, lowest priority first. None when even that does not fit."""
    from planner.history import historical_sequence

    idx = {sid: i for i, sid in enumerate(m.stop_ids)}
    seq = [idx[sid] for sid in historical_sequence(m.stop_ids, m.catalog, chosen=m.events)]
    T = m.T
    end = m.end

    def place(k: int) -> int | None:
        return m.stop_place[seq[k]] if 0 <= k < len(seq) else None

    rest = [s for s in range(m.n) if s not in seq]
    for s in sorted(rest, key=lambda s: (not m.must[s], -m.prio[s], s)):
        p = m.stop_place[s]
        lo = max((seq.index(q) + 1 for q in m.preds[s] if q in seq), default=0)
        hi = min((seq.index(q) for q in m.succs[s] if q in seq), default=len(seq))
        best_i, best_d = None, None
        for i in range(lo, hi + 1):
            a = place(i - 1) if i > 0 else m.start
            b = place(i) if i < len(seq) else (None if end == ANY else end)
            d = T[a][p] + (T[p][b] - T[a][b] if b is not None else 0)
            if best_d is None or d < best_d:
                best_i, best_d = i, d
        if best_i is None:
            return None
        seq.insert(best_i, s)
    pos = {s: i for i, s in enumerate(seq)}
    if any(pos[q] > pos[s] for s in seq for q in m.preds[s]):
        return None
    while True:
        r = m.split(seq)
        if r is not None:
            return make_solution(m, r[1])
        optional = [s for s in seq if not m.must[s]]
        if not optional:
            return None
        seq.remove(min(optional, key=lambda s: (m.prio[s], -m.visit[s], s)))


def _is_cancelled(cancelled) -> bool:
    return bool(cancelled is not None and cancelled())


# ---------------------------------------------------------------------------- the plan


def _travel_mode(modes: set[str]) -> str:
    """A travel item's mode from its legs' modes."""
    if "rail" in modes:
        return "drive+rail" if modes & {"drive", "access", "estimate"} else "rail"
    return "drive"


def _fmt_duration(minutes: int) -> str:
    h, mm = divmod(int(minutes), 60)
    if h and mm:
        return f"{h} h {mm:02d} min"
    return f"{h} h" if h else f"{mm} min"


def build_plan(m: TripModel, sol: Solution | None) -> Plan:
    """The Plan of a solution (times replayed by the same day simulator the solvers use)."""
    req = m.request
    places = {pid: cp.to_dict() for pid, cp in m.custom.items()}
    plan = Plan(status="feasible", title=req.title, mode=m.mode, places=places, start_date_given=m.start_date_given)
    if sol is None:
        plan.status = "infeasible"
        end = m.place_name(m.end) if m.end != ANY else ""
        need = m.T[m.start][m.end] if m.end != ANY else 0
        plan.warnings.append(
            f"the trip from {m.place_name(m.start)} to {end} does not fit in {m.D} day(s) "
            f"of {req.day_start}–{req.day_end}: the travel alone takes {_fmt_duration(need)}"
        )
        params = {
            "days": m.D,
            "day_start": req.day_start,
            "day_end": req.day_end,
            "from": m.place_ids[m.start],
            "to": m.place_ids[m.end] if m.end != ANY else None,
            "travel_minutes": need,
        }
        plan.dropped = [Dropped(sid, "", m.must[s], "no_plan", dict(params)) for s, sid in enumerate(m.stop_ids)]
        plan.totals = {
            "travel_minutes": 0,
            "km": 0.0,
            "visit_minutes": 0,
            "priority": 0,
            "cost_cny": None,
            "cost_per_person_cny": None,
        }
        return plan
    sol = prefer_nights_near_next_day(m, sol)
    final = m.last_day(sol.days)
    days: list[Day] = []
    estimates: set[str] = set()
    travel_total = 0
    km_total = 0.0
    visit_total = 0
    for k in range(final + 1):
        h_in = m.start if k == 0 else sol.nights[k - 1]
        h_out = sol.nights[k] if k < final else m.end
        stops = sol.days[k]
        rec: list = []
        run = m.run_day(m.wd[k], h_in, stops, h_out, rec)
        if run is None:  # cannot happen: the solution was evaluated with the same simulator
            raise PlannerError(f"internal error: day {k + 1} of the plan does not fit")
        overnight = h_out if h_out != ANY else (m.stop_place[stops[-1]] if stops else h_in)
        items = []
        for r in rec:
            if r[0] in ("travel", "travel_lunch"):
                a, b, t_dep, t_arr = r[1], r[2], r[3], r[4]
                route = m.route(a, b)
                mode = _travel_mode({leg.mode for leg in route.legs})
                legs = None
                if m.mode != "drive":
                    legs = [leg.to_dict() if hasattr(leg, "to_dict") else dict(leg) for leg in route.legs]
                if route.estimate:
                    estimates.add(m.place_name(a) + " – " + m.place_name(b))
                path = [[round(p[0], 6), round(p[1], 6)] for p in route.points]
                km = round(float(route.km), 2)
                if r[0] == "travel":
                    items.append(
                        TravelItem(
                            from_id=m.place_ids[a],
                            to_id=m.place_ids[b],
                            depart=minutes_hhmm(t_dep),
                            arrive=minutes_hhmm(t_arr),
                            minutes=t_arr - t_dep,
                            km=km,
                            mode=mode,
                            path=path,
                            legs=legs,
                            estimate=bool(route.estimate),
                        )
                    )
                    travel_total += t_arr - t_dep
                else:
                    tt = t_arr - t_dep - m.L
                    stop = lunch_on_the_way(m, route, t_dep, tt, r[5], r[6])
                    x, i_pt, place = stop["minutes"], stop["index"], stop["place"]
                    pid = "custom:" + place["name"]
                    plan.places[pid] = place
                    whole = [m.place_ids[a], m.place_ids[b]]
                    km1 = round(km * stop["km_fraction"], 2)
                    n1 = stop["legs"]
                    parts_legs: list = [legs, None]
                    parts_mode = [mode, mode]
                    if n1 is not None:  # split where a leg ends: each part has its own legs
                        both = (route.legs[:n1], route.legs[n1:])
                        parts_mode = [_travel_mode({leg.mode for leg in ls}) for ls in both]
                        if legs is not None:
                            parts_legs = [legs[:n1], legs[n1:]]
                    for part, (fa, fb, d0, d1, kmx, pts) in enumerate((
                        (m.place_ids[a], pid, t_dep, t_dep + x, km1, path[: i_pt + 1]),
                        (pid, m.place_ids[b], t_dep + x + m.L, t_arr, round(km - km1, 2), path[i_pt:]),
                    )):
                        items.append(
                            TravelItem(
                                from_id=fa, to_id=fb, depart=minutes_hhmm(d0), arrive=minutes_hhmm(d1),
                                minutes=d1 - d0, km=kmx, mode=parts_mode[part], path=pts,
                                legs=parts_legs[part],
                                estimate=bool(route.estimate), leg_of=whole,
                            )
                        )
                        if fa == m.place_ids[a]:
                            items.append(BreakItem(start=minutes_hhmm(t_dep + x),
                                                   end=minutes_hhmm(t_dep + x + m.L), at=pid))
                    travel_total += tt
                km_total += km
            elif r[0] == "visit":
                s, t_arr, t_start, t_end = r[1], r[2], r[3], r[4]
                lunch = None
                if len(r) > 5:  # lunch at the site, inside the visit
                    lunch = [minutes_hhmm(r[5]), minutes_hhmm(r[5] + m.L)]
                items.append(
                    VisitItem(
                        id=m.stop_ids[s],
                        arrive=minutes_hhmm(t_arr),
                        start=minutes_hhmm(t_start),
                        end=minutes_hhmm(t_end),
                        wait_minutes=t_start - t_arr,
                        lunch=lunch,
                    )
                )
                visit_total += t_end - t_start - (m.L if lunch else 0)
            else:
                _, p, b0, b1, t_in = r
                items.append(BreakItem(start=minutes_hhmm(b0), end=minutes_hhmm(b1), at=m.place_ids[p],
                                       arrive=minutes_hhmm(t_in) if b0 > t_in else None, wait_minutes=b0 - t_in))
        days.append(
            Day(date=m.dates[k].isoformat(), start=m.place_ids[h_in], overnight=m.place_ids[overnight], items=items)
        )
    for k in range(min(final, len(days) - 1)):
        days[k].night_note = night_note(m, sol, k)
    # trailing days spent at the end place doing nothing are not part of the trip
    while len(days) > 1 and not days[-1].items and days[-1].start == days[-2].overnight:
        days.pop()
    plan.days = days
    plan.order = [m.stop_ids[s] for d in sol.days for s in d]
    visited = {s for d in sol.days for s in d}
    plan.dropped = []
    for s in range(m.n):
        if s in visited:
            continue
        code, params, sugg = diagnose(m, s, sol)
        plan.dropped.append(Dropped(m.stop_ids[s], "", m.must[s], code, params, sugg))
    if any(m.must[s] and s not in visited for s in range(m.n)):
        plan.status = "infeasible"
    if estimates:
        plan.warnings.append(
            "travel estimated from straight-line distance (off the road network): " + "; ".join(sorted(estimates))
        )
    plan.totals = {
        "travel_minutes": travel_total,
        "km": round(km_total, 1),
        "visit_minutes": visit_total,
        "priority": sum(m.prio[s] for s in visited if not m.must[s]),
        "cost_cny": None,
        "cost_per_person_cny": None,
    }
    return plan


# ---------------------------------------------------------------------------- where the group sleeps

NIGHT_FAR_MINUTES = 60  # a night farther than this from the next day's first visit is explained
NIGHT_NEARER_BY = 15  # ... when a place to stay at least this much nearer exists


def prefer_nights_near_next_day(m: TripModel, sol: Solution) -> Solution:
    """The same plan with each night moved, where it costs no travel, to the place to stay
    nearest the next day's first visit (the search sees equal travel as equal; a group
    prefers to wake up near its next visit)."""
    sol = sol.copy()
    final = m.last_day(sol.days)
    for k in range(min(final, len(sol.nights))):
        nxt = sol.days[k + 1] if k + 1 < len(sol.days) else ()
        if not nxt:
            continue
        b = m.stop_place[nxt[0]]
        far = m.T[sol.nights[k]][b]
        if far <= NIGHT_FAR_MINUTES:
            continue
        h_in = m.start if k == 0 else sol.nights[k - 1]
        h_after = sol.nights[k + 1] if k + 1 < final else m.end
        for h in sorted((h for h in m.hubs if m.T[h][b] + NIGHT_NEARER_BY <= far), key=lambda x: (m.T[x][b], x)):
            r1 = m.run_day(m.wd[k], h_in, sol.days[k], h)
            r2 = m.run_day(m.wd[k + 1], h, nxt, h_after) if r1 is not None else None
            if r2 is None:
                continue
            if r1.travel + r2.travel == sol.dtravel[k] + sol.dtravel[k + 1]:  # the same travel
                sol.travel += r1.travel + r2.travel - sol.dtravel[k] - sol.dtravel[k + 1]
                sol.nights[k] = h
                sol.dtravel[k], sol.dtravel[k + 1] = r1.travel, r2.travel
                break
    return sol


def night_note(m: TripModel, sol: Solution, k: int) -> dict | None:
    """Why night k is far from where day k+1's visits begin, or None when it is near.

    The night's place is where the next day begins; when the next day's first visit is more
    than an hour away from it, the note says why the group does not sleep nearer: no place
    to stay is nearer, a nearer one makes one of the two days not fit, or it adds travel.
    """
    nxt = sol.days[k + 1] if k + 1 < len(sol.days) else ()
    if not nxt:
        return None
    night = sol.nights[k]
    b = m.stop_place[nxt[0]]
    far = m.T[night][b]
    if far <= NIGHT_FAR_MINUTES:
        return None
    nearer = [h for h in m.hubs if m.T[h][b] + NIGHT_NEARER_BY <= far]
    if not nearer:
        return {"code": "night_no_nearer_hotel", "params": {"minutes_to_next": far}}
    h = min(nearer, key=lambda x: (m.T[x][b], x))
    final = m.last_day(sol.days)
    h_in = m.start if k == 0 else sol.nights[k - 1]
    h_after = sol.nights[k + 1] if k + 1 < final else m.end
    params = {"minutes_to_next": far, "nearer": m.place_ids[h], "nearer_minutes": m.T[h][b]}
    r1 = m.run_day(m.wd[k], h_in, sol.days[k], h)
    if r1 is None:
        return {"code": "night_nearer_does_not_fit", "params": {**params, "day": k + 1}}
    r2 = m.run_day(m.wd[k + 1], h, nxt, h_after)
    if r2 is None:
        return {"code": "night_nearer_does_not_fit", "params": {**params, "day": k + 2}}
    extra = r1.travel + r2.travel - (sol.dtravel[k] + sol.dtravel[k + 1])
    return {"code": "night_more_travel", "params": {**params, "extra_minutes": max(0, extra)}}


# ---------------------------------------------------------------------------- lunch on the way


def _seg_km(p, q) -> float:
    from planner.geo import haversine_km

    return haversine_km(p[0], p[1], q[0], q[1])


def lunch_on_the_way(m: TripModel, route, t_dep: int, tt: int, w0: int, w1: int) -> dict:
    """Where a travel of ``tt`` minutes leaving at ``t_dep`` stops for lunch inside [w0, w1].

    The minutes along the path are spread over each leg's points by distance. The stop is the
    town or interchange of the road network passed nearest the window's middle (whole minutes
    inside the window), else the point of the path at that time, named after the nearest
    network place. Returns ``{"minutes", "index", "km_fraction", "place"}``: minutes after
    departure, the index of the stop in the travel's path, the share of the km before it and
    the plan place (``name``, ``name_en``, ``lat``, ``lon``, ``kind``).
    """
    pts = [list(p) for p in route.points] or [[0.0, 0.0]]
    # cumulative minutes and km at every point of the path
    cum_km = [0.0]
    for p, q in zip(pts, pts[1:]):
        cum_km.append(cum_km[-1] + _seg_km(p, q))
    total_km = cum_km[-1] or 1.0
    cum_min = [tt * c / total_km for c in cum_km]
    legs = list(getattr(route, "legs", None) or [])
    boundaries: list[int] | None = None  # path index where each leg ends
    if legs and sum(leg.minutes for leg in legs) > 0:
        # leg by leg (a rail leg is faster than the road around it), the points joined as the
        # route joins them (a point repeated where legs meet is kept once)
        scale = tt / sum(leg.minutes for leg in legs)
        joined: list = []
        times: list[float] = []
        ends: list[int] = []
        t0 = 0.0
        for leg in legs:
            lp = [list(p) for p in (leg.path or [])]
            lk = [0.0]
            for p, q in zip(lp, lp[1:]):
                lk.append(lk[-1] + _seg_km(p, q))
            for j, p in enumerate(lp):
                share = lk[j] / lk[-1] if lk[-1] else (j / (len(lp) - 1) if len(lp) > 1 else 1.0)
                if not joined or joined[-1] != p:
                    joined.append(p)
                    times.append(t0 + leg.minutes * scale * share)
            t0 += leg.minutes * scale
            ends.append(len(joined) - 1)
        if [[round(a, 6), round(b, 6)] for a, b in joined] == [[round(a, 6), round(b, 6)] for a, b in pts]:
            cum_min = times
            boundaries = ends
    lo, hi = w0 - t_dep, w1 - t_dep
    target = min(max((w0 + w1) / 2 - t_dep, lo), hi)
    graph = getattr(m.network, "graph", None)
    named = {}
    if graph is not None:
        for nid in getattr(route, "nodes", []) or []:
            if nid in graph and graph.nodes[nid].get("kind") in ("hub", "junction", "station"):
                d = graph.nodes[nid]
                named[(round(d["lat"], 5), round(d["lon"], 5))] = d
    # with a train in the travel, only where a leg ends (a station the group leaves the train
    # at, a change of line): the group cannot step off a train that passes through
    on_rail = any(getattr(leg, "mode", "") == "rail" for leg in legs)
    best = None
    for j in range(1, len(pts) - 1):
        x = round(cum_min[j])
        if not (lo <= x <= hi and 0 < x < tt):
            continue
        key = (round(pts[j][0], 5), round(pts[j][1], 5))
        if on_rail and boundaries is not None:
            if j not in boundaries:
                continue
        elif key not in named:
            continue
        score = abs(cum_min[j] - target)
        if best is None or score < best[0]:
            best = (score, j, x, named.get(key))
    if best is not None:
        _, j, x, d = best
        if d is None:
            zh, en = _nearest_name(m, pts[j][0], pts[j][1])
            d = {"name_zh": f"{zh}附近", "name_en": f"near {en}"}
        place = {"name": d.get("name_zh") or d.get("name_en") or "", "name_en": d.get("name_en") or "",
                 "lat": round(pts[j][0], 6), "lon": round(pts[j][1], 6), "kind": "lunch_stop"}
        n_legs = boundaries.index(j) + 1 if boundaries is not None and j in boundaries else None
        return {"minutes": x, "index": j, "km_fraction": cum_km[j] / total_km, "place": place, "legs": n_legs}
    # no named place inside the window: the point of the path at the target time
    x = int(min(max(round(target), lo), hi))
    x = min(max(x, 1), max(1, tt - 1))
    j = min(range(len(pts)), key=lambda i: (abs(cum_min[i] - x), i))
    j = min(max(j, 0), len(pts) - 1)
    lat, lon = pts[j]
    near_zh, near_en = _nearest_name(m, lat, lon)
    place = {"name": f"{near_zh}附近", "name_en": f"near {near_en}", "lat": round(lat, 6), "lon": round(lon, 6),
             "kind": "lunch_stop"}
    return {"minutes": x, "index": j, "km_fraction": cum_km[j] / total_km, "place": place, "legs": None}


def _nearest_name(m: TripModel, lat: float, lon: float) -> tuple[str, str]:
    """The Chinese and English names of the network town or catalog hub nearest a point."""
    from planner.geo import haversine_km

    best = None
    graph = getattr(m.network, "graph", None)
    if graph is not None:
        for _nid, d in graph.nodes(data=True):
            if d.get("kind") in ("hub", "junction") and d.get("name_zh"):
                dist = haversine_km(lat, lon, d["lat"], d["lon"])
                if best is None or dist < best[0]:
                    best = (dist, d["name_zh"], d.get("name_en") or d["name_zh"])
    if best is None:
        for sp in m.catalog:
            if getattr(sp, "kind", "") == "hub":
                dist = haversine_km(lat, lon, sp.lat, sp.lon)
                if best is None or dist < best[0]:
                    best = (dist, sp.name_zh, sp.name_en or sp.name_zh)
    if best is None:
        return "途中", "the road"
    return best[1], best[2]


# ---------------------------------------------------------------------------- why a stop is out


def explain_drop(m: TripModel, s: int, sol: Solution | None = None, lang: str = "en") -> str:
    """A reason a person understands for leaving stop s out, rendered in ``lang``."""
    from planner.reasons import namer, render

    code, params, _ = diagnose(m, s, sol)
    return render(code, params, lang, namer(lang, m.catalog, _custom_places(m)), m.stop_ids[s])


def _custom_places(m: TripModel) -> dict:
    return {pid: cp.to_dict() for pid, cp in m.custom.items()}


def diagnose(m: TripModel, s: int, sol: Solution | None = None) -> tuple[str, dict, list[dict]]:
    """Why stop s is not in solution ``sol``: (code, params, suggestions); see planner.reasons.

    The suggestions are found by trying, cheaply: the stop inserted at every place of the plan
    with the nights kept, once with the days starting 1 h earlier, once in place of one optional
    stop of the same day; or as a day trip from a night's place on one more day.
    """
    v = m.visit[s]
    req = m.request
    pin = m.pin[s]
    if m.use_wd:
        trip_wd = [d.isoweekday() for d in m.dates]
        if all(w in m.closed[s] for w in trip_wd):
            return "closed_on_date", {"weekdays": sorted(m.closed[s]), "dates": [d.isoformat() for d in m.dates]}, []
        if pin is not None and m.wd[pin] in m.closed[s]:
            return (
                "pin_infeasible",
                {"day": pin + 1, "date": m.dates[pin].isoformat(), "closed": True},
                [{"code": "unpin", "params": {"day": pin + 1}}],
            )
    day_len = m.day_end - m.day_start
    if v > day_len:
        return "visit_too_long", {"visit_minutes": v, "day_start": req.day_start, "day_end": req.day_end}, []
    fits, fits_without_drive_limit, drive_needed = _fits_alone(m, s)
    if not fits:
        near = min(m.hubs, key=lambda h: m.T[h][m.stop_place[s]] + m.T[m.stop_place[s]][h]) if m.hubs else m.start
        away = m.T[near][m.stop_place[s]]
        if fits_without_drive_limit:
            sugg = []
            if drive_needed:
                sugg.append({"code": "raise_drive_limit", "params": {"minutes": -(-drive_needed // 30) * 30}})
            return (
                "drive_limit",
                {"limit_minutes": m.drive_limit, "near": m.place_ids[near], "away_minutes": away},
                sugg,
            )
        sugg = []
        with _relaxed(m, day_start=m.day_start - 60):
            if _fits_alone(m, s)[0]:
                sugg.append({"code": "start_earlier", "params": {"minutes": 60}})
        return (
            "not_reachable",
            {
                "visit_minutes": v,
                "day_start": req.day_start,
                "day_end": req.day_end,
                "near": m.place_ids[near],
                "away_minutes": away,
            },
            sugg,
        )
    if pin is not None and not _fits_alone(m, s, days=[pin])[0]:
        return "pin_infeasible", {"day": pin + 1, "date": None, "closed": False}, [
            {"code": "unpin", "params": {"day": pin + 1}}
        ]
    if sol is None:
        return "no_time", {"visit_minutes": v, "days": m.D, "day_minutes_short": None, "priority": m.prio[s],
                           "must": m.must[s]}, []
    suggestions = _suggestions(m, s, sol)
    if (m.preds[s] or m.succs[s]) and _insertion_fits(m, s, sol, keep_order=False):
        red = any(m.stop_ids[s] in pair for pair in m.history_pairs)
        return ("history_order" if red else "after_order"), {"visit_minutes": v}, suggestions
    if pin is not None:
        return "pin_infeasible", {"day": pin + 1, "date": None, "closed": False}, suggestions + [
            {"code": "unpin", "params": {"day": pin + 1}}
        ]
    short = _minutes_short(m, s, sol)
    return (
        "no_time",
        {"visit_minutes": v, "days": m.D, "day_minutes_short": short, "priority": m.prio[s], "must": m.must[s]},
        suggestions,
    )


class _relaxed:
    """Temporarily change the model's day window or drive limit (the cheap what-if checks)."""

    def __init__(self, m: TripModel, **changes) -> None:
        self.m = m
        self.changes = changes
        self.saved: dict = {}

    def __enter__(self):
        for k, val in self.changes.items():
            self.saved[k] = getattr(self.m, k)
            setattr(self.m, k, val)
        return self.m

    def __exit__(self, *exc) -> None:
        for k, val in self.saved.items():
            setattr(self.m, k, val)


def _day_ends(m: TripModel, sol: Solution) -> list[tuple[int, int, int]]:
    """(k, place the day starts, place it ends) for the days of the solution (nights kept)."""
    final = m.last_day(sol.days)
    out = []
    for k in range(final + 1):
        h_in = m.start if k == 0 else sol.nights[k - 1]
        h_out = sol.nights[k] if k < final else m.end
        out.append((k, h_in, h_out))
    return out


def _insert_positions(m: TripModel, s: int, sol: Solution, keep_order: bool = True):
    """Every (k, day with s inserted, h_in, h_out) the pins and (optionally) the order allow."""
    pos = {x: (k, i) for k, d in enumerate(sol.days) for i, x in enumerate(d)}
    lo, hi = (0, 0), (m.D, 0)
    if keep_order:
        for q in m.preds[s]:
            if q in pos:
                lo = max(lo, (pos[q][0], pos[q][1] + 1))
        for q in m.succs[s]:
            if q in pos:
                hi = min(hi, pos[q])
    for k, h_in, h_out in _day_ends(m, sol):
        if not m.pins_ok(k, (s,)):
            continue
        d = sol.days[k]
        for i in range(len(d) + 1):
            if (k, i) < lo or (k, i) > hi:
                continue
            yield k, d[:i] + (s,) + d[i:], h_in, h_out


def _insertion_fits(m: TripModel, s: int, sol: Solution, keep_order: bool = True) -> bool:
    for k, day, h_in, h_out in _insert_positions(m, s, sol, keep_order):
        if m.pins_ok(k, day) and m.run_day(m.wd[k], h_in, day, h_out) is not None:
            return True
    return False


def _minutes_short(m: TripModel, s: int, sol: Solution) -> int | None:
    """How many minutes the closest day lacks to hold stop s (the day's end lifted), or None."""
    best = None
    end = m.day_end
    with _relaxed(m, day_end=48 * 60):
        for k, day, h_in, h_out in _insert_positions(m, s, sol):
            r = m.run_day(m.wd[k], h_in, day, h_out)
            if r is not None and r.end > end:
                if best is None or r.end - end < best:
                    best = r.end - end
    return best


def _suggestions(m: TripModel, s: int, sol: Solution) -> list[dict]:
    out: list[dict] = []
    # one more day: a day trip from where the group sleeps
    final = m.last_day(sol.days)
    for k, _h_in, h_out in _day_ends(m, sol):
        base = h_out if h_out != ANY else (m.stop_place[sol.days[k][-1]] if sol.days[k] else None)
        if base is None or (k == final and m.end == ANY):
            continue
        wd = 0
        if m.use_wd:
            wd = (m.dates[k].isoweekday() % 7) + 1
        if m.run_day(wd, base, (s,), base) is not None:
            out.append({"code": "add_day", "params": {"after_day": k + 1}})
            break
    # start 1 h earlier
    if m.day_start >= 60:
        with _relaxed(m, day_start=m.day_start - 60):
            if _insertion_fits(m, s, sol):
                out.append({"code": "start_earlier", "params": {"minutes": 60}})
    # drop one optional stop of a day, the least priority first
    candidates = sorted(
        (x for d in sol.days for x in d if not m.must[x] and (m.must[s] or m.prio[x] <= m.prio[s])),
        key=lambda x: (m.prio[x], x),
    )
    for x in candidates[:12]:
        k = next(k for k, d in enumerate(sol.days) if x in d)
        trial = Solution(list(sol.days), sol.nights, sol.dtravel, sol.travel)
        trial.days[k] = tuple(y for y in sol.days[k] if y != x)
        if _insertion_fits(m, s, trial):
            out.append({"code": "drop_stop", "params": {"id": m.stop_ids[x]}})
            break
    return out


def _fits_alone(m: TripModel, s: int, days: list[int] | None = None) -> tuple[bool, bool, int]:
    """(fits as the only visit of some day, fits when the daily drive limit is lifted, the road
    minutes of the first such day found without the limit); ``days`` limits the days tried."""
    ends = list(m.hubs) + ([m.end] if m.end != ANY and m.end not in m.hubs else [])
    if m.end == ANY:
        ends.append(ANY)
    saved = m.drive_limit

    def first_fit():
        for k in days if days is not None else range(m.D):
            for h_in in [m.start] if k == 0 else m.hubs:
                for h_out in ends:
                    r = m.run_day(m.wd[k], h_in, (s,), h_out)
                    if r is not None:
                        return r
        return None

    try:
        if first_fit() is not None:
            return True, True, 0
        m.drive_limit = 10**9
        r = first_fit()
    finally:
        m.drive_limit = saved
    return False, r is not None, (r.drive if r is not None else 0)


__all__ = ["EXACT_MAX_STOPS", "build_plan", "diagnose", "explain_drop", "plan_trip"]
