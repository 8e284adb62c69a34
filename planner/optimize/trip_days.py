"""From a solution's days to a plan's timed items: lunch on the way, where the group sleeps."""

from __future__ import annotations

from planner.optimize.trip_model import TripModel
from planner.optimize.trip_search import Solution
from planner.plan import BreakItem, TravelItem, VisitItem, minutes_hhmm


def _travel_mode(modes: set[str]) -> str:
    """A travel item's mode from its legs' modes."""
    if "rail" in modes:
        return "drive+rail" if modes & {"drive", "access", "estimate"} else "rail"
    return "drive"


def day_items(m: TripModel, rec: list, places: dict, estimates: set[str]) -> tuple[list, dict]:
    """The plan items of one simulated day (``rec`` from ``TripModel.run_day``).

    A travel with lunch on the way becomes two travel items (``leg_of`` the whole travel) with
    the lunch between them at a stop added to ``places``. Returns (items, tallies) with the
    day's ``travel_minutes``, ``km`` and ``visit_minutes``; travels off the network are added
    to ``estimates``.
    """
    items: list = []
    tally = {"travel_minutes": 0, "km": 0.0, "visit_minutes": 0}
    for r in rec:
        if r[0] in ("travel", "travel_lunch"):
            new, minutes, km = _travel_items(m, r, places, estimates)
            items += new
            tally["travel_minutes"] += minutes
            tally["km"] += km
        elif r[0] == "visit":
            s, t_arr, t_start, t_end = r[1], r[2], r[3], r[4]
            lunch = [minutes_hhmm(r[5]), minutes_hhmm(r[5] + m.L)] if len(r) > 5 else None  # at the site
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
            tally["visit_minutes"] += t_end - t_start - (m.L if lunch else 0)
        else:
            _, p, b0, b1, t_in = r
            items.append(
                BreakItem(
                    start=minutes_hhmm(b0),
                    end=minutes_hhmm(b1),
                    at=m.place_ids[p],
                    arrive=minutes_hhmm(t_in) if b0 > t_in else None,
                    wait_minutes=b0 - t_in,
                )
            )
    return items, tally


def _travel_items(m: TripModel, r: tuple, places: dict, estimates: set[str]) -> tuple[list, int, float]:
    """A travel record as plan items: one travel, or two around a lunch on the way."""
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
    ends = (m.place_ids[a], m.place_ids[b])
    if r[0] == "travel":
        item = TravelItem(
            from_id=ends[0],
            to_id=ends[1],
            depart=minutes_hhmm(t_dep),
            arrive=minutes_hhmm(t_arr),
            minutes=t_arr - t_dep,
            km=km,
            mode=mode,
            path=path,
            legs=legs,
            estimate=bool(route.estimate),
        )
        return [item], t_arr - t_dep, km
    tt = t_arr - t_dep - m.L
    stop = lunch_on_the_way(m, route, t_dep, tt, r[5], r[6])
    x, i_pt, place = stop["minutes"], stop["index"], stop["place"]
    pid = "custom:" + place["name"]
    places[pid] = place
    km1 = round(km * stop["km_fraction"], 2)
    n1 = stop["legs"]
    parts_legs: list = [legs, None]
    parts_mode = [mode, mode]
    if n1 is not None:  # split where a leg ends: each part has its own legs
        both = (route.legs[:n1], route.legs[n1:])
        parts_mode = [_travel_mode({leg.mode for leg in ls}) for ls in both]
        if legs is not None:
            parts_legs = [legs[:n1], legs[n1:]]
    parts = (
        (ends[0], pid, t_dep, t_dep + x, km1, path[: i_pt + 1]),
        (pid, ends[1], t_dep + x + m.L, t_arr, round(km - km1, 2), path[i_pt:]),
    )
    items: list = []
    for k, (fa, fb, d0, d1, kmx, pts) in enumerate(parts):
        items.append(
            TravelItem(
                from_id=fa,
                to_id=fb,
                depart=minutes_hhmm(d0),
                arrive=minutes_hhmm(d1),
                minutes=d1 - d0,
                km=kmx,
                mode=parts_mode[k],
                path=pts,
                legs=parts_legs[k],
                estimate=bool(route.estimate),
                leg_of=list(ends),
            )
        )
        if k == 0:
            items.append(BreakItem(start=minutes_hhmm(t_dep + x), end=minutes_hhmm(t_dep + x + m.L), at=pid))
    return items, tt, km


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
            if r1 is None:
                continue
            r2 = m.run_day(m.wd[k + 1], h, nxt, h_after)
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


__all__ = ["day_items", "lunch_on_the_way", "night_note", "prefer_nights_near_next_day"]
