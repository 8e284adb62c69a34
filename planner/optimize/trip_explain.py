"""Why a stop is out of a plan: a code, its parameters and the changes checked to make it fit."""

from __future__ import annotations

from planner.optimize.trip_model import ANY, TripModel
from planner.optimize.trip_search import Solution


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


__all__ = ["diagnose", "explain_drop"]
