"""Check a plan against its request, the network and the catalog: every rule, independently of the solver."""

from __future__ import annotations

import datetime as _dt
import math

from planner.plan import MISSING_MUST_OK, STATUSES, BreakItem, Plan, TravelItem, VisitItem, hhmm_minutes

LUNCH_WINDOW = ("11:30", "13:30")


def _place_ref(pid: str, plan: Plan, request):
    """What to give the network for a place id of the plan."""
    from planner.request import CustomPlace

    if pid.startswith("custom:"):
        for ref in (request.start, request.end):
            if isinstance(ref, CustomPlace) and ref.id == pid:
                try:
                    from planner.network import Place

                    return Place(pid, ref.name, ref.lat, ref.lon)
                except ImportError:  # pragma: no cover
                    return ref
        info = plan.places.get(pid)
        if info:
            from planner.network import Place

            return Place(pid, info["name"], info["lat"], info["lon"])
    return pid


def _is_part_two(items, j: int) -> bool:
    """Item j is the second part of a travel split by lunch (travel, lunch, travel)."""
    it = items[j]
    return (
        j >= 2
        and isinstance(items[j - 1], BreakItem)
        and isinstance(items[j - 2], TravelItem)
        and items[j - 2].leg_of == it.leg_of
        and items[j - 2].to_id == it.from_id
    )


def _second_part(items, j: int):
    """The second part of the split travel whose first part is item j, or None."""
    it = items[j]
    if j + 2 < len(items) and isinstance(items[j + 1], BreakItem) and isinstance(items[j + 2], TravelItem):
        nxt = items[j + 2]
        if nxt.leg_of == it.leg_of and nxt.from_id == it.to_id and it.leg_of[0] == it.from_id:
            return nxt
    return None


def validate_plan(plan: Plan, request, network, catalog) -> list[str]:
    """The problems found in ``plan`` (an empty list when it is valid).

    Checks: items chain without gaps from the day's start place to its overnight place; times
    increase; travel minutes equal the network's (whole minutes, half up) for the request's
    mode; every visit inside its opening hours, on a day the spot is open (when the request
    has a start date), lasting the visit time; everything inside the day window; the daily
    drive limit; lunch starting inside the request's lunch window on every day that starts
    before the window ends and runs into it (a travel split by lunch on the way: its two
    parts add up to the network's minutes); each stop at most once; pinned stops on their day
    and locked days holding only their pins; the 'after' order;
    every requested stop either visited or in ``dropped``; must stops present unless the
    status is ``infeasible``; days consecutive from the start to the end place.
    """
    from planner.catalog import parse_hhmm
    from planner.request import ANYWHERE, CustomPlace

    problems: list[str] = []
    say = problems.append
    day_start = parse_hhmm(request.day_start)
    day_end = parse_hhmm(request.day_end)
    L = request.lunch_minutes or 0
    window = getattr(request, "lunch_window", None) or LUNCH_WINDOW
    w0, w1 = parse_hhmm(window[0]), parse_hhmm(window[1])
    limit = request.max_drive_minutes_per_day
    stops = {s.id: s for s in request.stops}
    route_cache: dict = {}

    def route(a: str, b: str):
        key = (a, b)
        if key not in route_cache:
            route_cache[key] = network.route(_place_ref(a, plan, request), _place_ref(b, plan, request), request.mode)
        return route_cache[key]

    def pid(ref) -> str:
        return ref.id if isinstance(ref, CustomPlace) else ref

    if plan.status not in STATUSES:
        say(f"status '{plan.status}' is not one of {', '.join(STATUSES)}")
    if not plan.days:
        if plan.status not in MISSING_MUST_OK:
            say("a plan without days must be infeasible or incomplete")
        return problems
    if len(plan.days) > request.days:
        say(f"{len(plan.days)} days, more than the {request.days} requested")
    if plan.days[0].start != pid(request.start):
        say(f"day 1 starts at {plan.days[0].start}, not at the request's start {pid(request.start)}")
    end = request.end_place
    if end != ANYWHERE and plan.days[-1].overnight != pid(end):
        say(f"the last day ends at {plan.days[-1].overnight}, not at the request's end {pid(end)}")
    first_date = request.first_date
    seen: list[str] = []
    for k, day in enumerate(plan.days):
        where = f"day {k + 1} ({day.date})"
        try:
            date = _dt.date.fromisoformat(day.date)
        except ValueError:
            say(f"{where}: date is not YYYY-MM-DD")
            continue
        if first_date is not None and date != first_date + _dt.timedelta(days=k):
            say(f"{where}: date should be {(first_date + _dt.timedelta(days=k)).isoformat()}")
        if k > 0 and day.start != plan.days[k - 1].overnight:
            say(f"{where}: starts at {day.start}, but the night before was at {plan.days[k - 1].overnight}")
        if k > 0 and first_date is None:
            prev = _dt.date.fromisoformat(plan.days[k - 1].date)
            if date != prev + _dt.timedelta(days=1):
                say(f"{where}: dates are not consecutive")
        from planner.calendar import closure_weekday

        wd = closure_weekday(date)  # 0 on a public holiday: no weekday closure applies
        place = day.start
        t: int | None = None
        drive = 0.0
        had_lunch = False
        for j, it in enumerate(day.items):
            w = f"{where} item {j + 1} ({it.type})"
            try:
                a = hhmm_minutes(it.start if not isinstance(it, TravelItem) else it.depart)
                b = hhmm_minutes(it.end if not isinstance(it, TravelItem) else it.arrive)
                if isinstance(it, VisitItem):
                    a = hhmm_minutes(it.arrive)
                lunch_start = None
                if isinstance(it, BreakItem):
                    lunch_start = a
                    if it.wait_minutes:
                        a = hhmm_minutes(it.arrive or "")
            except ValueError:
                say(f"{w}: a time is not HH:MM")
                continue
            if t is None:
                if a < day_start:
                    say(f"{w}: starts at {a // 60:02d}:{a % 60:02d}, before the day starts ({request.day_start})")
            elif a != t:
                say(f"{w}: starts at {a // 60:02d}:{a % 60:02d}, the previous item ended at {t // 60:02d}:{t % 60:02d}")
            if b < a:
                say(f"{w}: ends before it starts")
            if b > day_end:
                say(f"{w}: ends at {b // 60:02d}:{b % 60:02d}, after the day ends ({request.day_end})")
            if isinstance(it, TravelItem):
                if it.from_id != place:
                    say(f"{w}: leaves from {it.from_id}, but the group is at {place}")
                if b - a != it.minutes:
                    say(f"{w}: {it.depart}–{it.arrive} is not {it.minutes} min")
                try:
                    if it.leg_of:
                        # one part of a travel split by lunch on the way: the parts add up
                        part2 = _second_part(day.items, j)
                        if j > 0 and _is_part_two(day.items, j):
                            pass  # checked with its first part
                        elif part2 is None:
                            say(f"{w}: part of a travel {it.leg_of[0]} -> {it.leg_of[1]} without its second part")
                        else:
                            r = route(it.leg_of[0], it.leg_of[1])
                            want = math.floor(r.minutes + 0.5)
                            if it.minutes + part2.minutes != want:
                                say(f"{w}: {it.minutes} + {part2.minutes} min, the network says {r.minutes:.1f} min")
                            road = sum(leg.minutes for leg in r.legs if leg.mode not in ("rail", "transfer"))
                            drive += road if request.mode != "drive" else want
                    else:
                        r = route(it.from_id, it.to_id)
                        want = math.floor(r.minutes + 0.5)
                        if it.minutes != want:
                            say(f"{w}: {it.minutes} min, the network says {r.minutes:.1f} min")
                        road = sum(leg.minutes for leg in r.legs if leg.mode not in ("rail", "transfer"))
                        drive += road if request.mode != "drive" else it.minutes
                except Exception as exc:  # noqa: BLE001 - reported, not raised
                    say(f"{w}: no route {it.from_id} -> {it.to_id} ({exc})")
                place = it.to_id
            elif isinstance(it, VisitItem):
                if it.id != place:
                    say(f"{w}: visit of {it.id} while the group is at {place}")
                s = hhmm_minutes(it.start)
                if s - a != it.wait_minutes:
                    say(f"{w}: wait_minutes {it.wait_minutes} but arrive {it.arrive} and start {it.start}")
                if it.id in seen:
                    say(f"{w}: {it.id} is visited twice")
                seen.append(it.id)
                sreq = stops.get(it.id)
                if sreq is None:
                    say(f"{w}: {it.id} was not requested")
                    continue
                spot = catalog.get(it.id)
                dur = sreq.visit_minutes if sreq.visit_minutes is not None else spot.visit_minutes
                if it.lunch:
                    ls, le = hhmm_minutes(it.lunch[0]), hhmm_minutes(it.lunch[1])
                    if not (s <= ls and le <= b and le - ls == L):
                        say(f"{w}: lunch {it.lunch[0]}–{it.lunch[1]} is not a {L} min lunch inside the visit")
                    if not (w0 <= ls <= w1):
                        say(f"{w}: lunch starts at {it.lunch[0]}, outside the lunch window {window[0]}–{window[1]}")
                    if had_lunch:
                        say(f"{w}: a second lunch")
                    had_lunch = True
                    dur += L
                if b - s != dur:
                    say(f"{w}: the visit lasts {b - s} min, not {dur}")
                o = sreq.open or spot.open
                c = sreq.close or spot.close
                if o and s < parse_hhmm(o):
                    say(f"{w}: starts {it.start}, before {it.id} opens at {o}")
                if c and b > parse_hhmm(c):
                    say(f"{w}: ends {it.end}, after {it.id} closes at {c}")
                if first_date is not None and wd in spot.closed_weekdays:
                    say(f"{w}: {it.id} is closed on ISO weekday {wd} ({day.date})")
            elif isinstance(it, BreakItem):
                ls = lunch_start if lunch_start is not None else a
                if b - ls != L:
                    say(f"{w}: the lunch lasts {b - ls} min, not {L}")
                if ls - a != it.wait_minutes:
                    say(f"{w}: wait_minutes {it.wait_minutes} but arrive {it.arrive} and start {it.start}")
                if not (w0 <= ls <= w1):
                    say(f"{w}: lunch starts at {it.start}, outside the lunch window {window[0]}–{window[1]}")
                if it.at is not None and it.at != place:
                    say(f"{w}: lunch at {it.at} while the group is at {place}")
                if had_lunch:
                    say(f"{w}: a second lunch")
                had_lunch = True
            t = b
        if day.items and place != day.overnight:
            say(f"{where}: the last item ends at {place}, but the night is at {day.overnight}")
        if not day.items and day.start != day.overnight:
            say(f"{where}: no items, but moves from {day.start} to {day.overnight}")
        if limit is not None and drive > limit + 0.5 * len(day.items):
            say(f"{where}: {drive:.0f} min on the road, over the {limit} min daily limit")
        if L and day_start < w1 and t is not None and t > w0 and not had_lunch:
            say(f"{where}: runs past {window[0]} without a lunch break")
    # the order, drops, must stops and precedence
    if plan.order != seen:
        say(f"order {plan.order} is not the order of the visits {seen}")
    dropped = {d.id for d in plan.dropped}
    for s in request.stops:
        if s.id not in seen and s.id not in dropped:
            say(f"{s.id} is neither visited nor in dropped")
        if s.id in seen and s.id in dropped:
            say(f"{s.id} is visited and dropped")
        if s.must and s.id not in seen and plan.status not in MISSING_MUST_OK:
            say(f"must stop {s.id} is missing but the status is {plan.status}")
    for d in plan.dropped:
        if not d.reason.strip():
            say(f"{d.id} is dropped without a reason")
    # pins: a pinned stop is on its day (or left out); a locked day holds only its pins
    day_of = {v.id: k + 1 for k, day in enumerate(plan.days) for v in day.visits()}
    locked = set(getattr(request, "locked_days", ()) or ())
    for s in request.stops:
        pin = getattr(s, "day", None)
        if pin is not None and s.id in day_of and day_of[s.id] != pin:
            say(f"{s.id} is pinned to day {pin} but visited on day {day_of[s.id]}")
        if pin is None and day_of.get(s.id) in locked:
            say(f"{s.id} is visited on locked day {day_of[s.id]} but is not pinned to it")
    pos = {sid: i for i, sid in enumerate(seen)}
    for s in request.stops:
        if s.id not in pos:
            continue
        for a in s.after:
            if a in pos and pos[a] > pos[s.id]:
                say(f"{s.id} is visited before {a}, but should come after it")
        if request.keep_order:
            req_pos = [x.id for x in request.stops if x.id in pos]
            if req_pos != seen:
                say("keep_order is true but the visits are not in the request's order")
                break
    return problems
