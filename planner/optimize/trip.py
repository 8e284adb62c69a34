"""Plan a trip: order the stops, split them into days with a night place each, keep the hours.

``plan_trip(request) -> Plan`` is the one entry point (CLI, app worker, benchmarks). Small
requests (up to ``EXACT_MAX_STOPS`` stops) are solved exactly by label setting and the plan
says ``optimal`` with ``solver.lower_bound``; larger ones by an iterated local search
(``feasible``). Requests that cannot be met in full get the best plan that fits, status
``infeasible`` and a reason for every stop left out.

The plan's items are built in ``trip_days`` (lunch on the way, where the group sleeps) and
every stop left out is explained in ``trip_explain`` (a code, parameters, suggestions).

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
from planner.optimize.trip_days import day_items, night_note, prefer_nights_near_next_day
from planner.optimize.trip_exact import ExactTimeout, solve_exact
from planner.optimize.trip_explain import diagnose, explain_drop
from planner.optimize.trip_model import ANY, TripModel
from planner.optimize.trip_search import Solution, ils, make_solution
from planner.plan import Day, Dropped, Plan

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
        # a pinned stop is a decision taken, like a must stop: never given up for the budget
        optional = [st for st in current.stops if not st.must and st.day is None and st.id in visited]
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
    if best is not None:
        # Must stops left out: "infeasible" only with a proof (the exact search, or a must stop that
        # fits no day even alone); otherwise "incomplete": no plan holding them all was found in the
        # time, and more time may find one.
        from planner.optimize.trip_search import must_stops_verdict

        verdict = must_stops_verdict(m, best, proven)
        if verdict is not None and plan.status == "infeasible":
            plan.status, why = verdict
            plan.solver["infeasible_proof"] = why if plan.status == "infeasible" else None
            if plan.status == "incomplete":
                plan.warnings.append(
                    f"no plan holding every must stop was found in {plan.solver['seconds']:g} s of search "
                    "(not proven impossible): try more days, fewer must stops, or a longer search")
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

    rest = [s for s in range(m.n) if s not in seq]
    for s in sorted(rest, key=lambda s: (not m.must[s], -m.prio[s], s)):
        p = m.stop_place[s]
        lo = max((seq.index(q) + 1 for q in m.preds[s] if q in seq), default=0)
        hi = min((seq.index(q) for q in m.succs[s] if q in seq), default=len(seq))
        best_i, best_d = None, None
        for i in range(lo, hi + 1):
            a = m.stop_place[seq[i - 1]] if i > 0 else m.start
            b = m.stop_place[seq[i]] if i < len(seq) else (None if end == ANY else end)
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
        items, tallies = day_items(m, rec, plan.places, estimates)
        travel_total += tallies["travel_minutes"]
        km_total += tallies["km"]
        visit_total += tallies["visit_minutes"]
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


__all__ = ["EXACT_MAX_STOPS", "build_plan", "diagnose", "explain_drop", "plan_trip"]
