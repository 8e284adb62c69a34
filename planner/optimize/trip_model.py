"""The trip problem in integers: travel matrix, time windows, the day simulator and the day-split DPs.

Everything the trip solvers share lives here, so the exact solver, the local search, the plan
builder and the brute force in the tests all time a day in exactly the same way.

Rules of a day (documented in docs: the optimizer section):

* A day starts at ``day_start`` at the place where the group slept (the trip's start on day 1)
  and ends on arrival at the night's place (or at the last visit for an open end); every item
  ends by ``day_end``; the road minutes of the day stay within ``max_drive_minutes_per_day``.
* A visit starts no earlier than the spot opens (the group waits: ``wait_minutes``) and ends no
  later than it closes; a spot closed on that weekday cannot be visited that day.
* A day without visits (between visiting days, or before the end) either rests where the
  group slept or is a transfer day: it travels from there to the next night place (one of
  the night candidates between the visits around it), within the same window and drive limit.
* Lunch (``lunch_minutes``) starts inside the request's ``lunch_window`` (default 11:30–13:30)
  on every day that starts before the window ends and is still running when it opens:
  on arrival when a travel ends inside the window; a travel that runs past the window's end
  stops for lunch on the way (the plan splits it at the place passed nearest the time) or the
  group eats before leaving when the window is already open; a visit that would run past the
  window's end, or a wait for an opening that runs into the window, has lunch first (at the
  window's opening at the earliest, waiting for it when the group is early), and one that
  spans the whole window from before it opens has lunch inside it, at the site (the visit
  lasts ``lunch_minutes`` longer, as large scenic areas arrange it); a visit that ends inside
  the window has lunch after it. Lunch never waits past the window, so the group
  never reaches the window's end without having eaten. Leaving earlier never makes any
  later time later (the rule is FIFO), which the exact solver relies on.
* Pins: a stop with ``day`` is visited on that day or not at all, and counts as a must stop
  (a pin is a decision already taken); a locked day holds only its pinned stops, in the
  request's order.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass

from planner.catalog import parse_hhmm
from planner.errors import RequestError

LUNCH_FROM = 11 * 60 + 30  # the default lunch window
LUNCH_UNTIL = 13 * 60 + 30
ANY = -1  # the open end: the trip ends where the last day's program ends
NIGHT_CANDIDATES_SUM = 3
NIGHT_CANDIDATES_NEAR = 2
HUB_PRESELECT = 6
INF = float("inf")


def round_minutes(x: float) -> int:
    """Travel minutes as whole minutes, half up (the network reports floats)."""
    return math.floor(x + 0.5)


@dataclass
class DayRun:
    """The outcome of one simulated day (None is used for an infeasible day)."""

    travel: int
    drive: int
    end: int


def _closure(stops_after: list[set[int]]) -> list[frozenset[int]]:
    """Transitive closure of the predecessor sets."""
    n = len(stops_after)
    out: list[set[int]] = [set(s) for s in stops_after]
    changed = True
    while changed:
        changed = False
        for i in range(n):
            extra = set()
            for p in out[i]:
                extra |= out[p] - out[i]
            if extra:
                out[i] |= extra
                changed = True
    return [frozenset(s) for s in out]


class TripModel:
    """A trip request compiled to integers for the solvers.

    Places are indexed ``0..P-1`` (``place_ids``); stops are indexed ``0..n-1`` with
    ``stop_place[s]`` their place. ``T[a][b]`` are whole travel minutes between places,
    ``DR[a][b]`` the road part of them (the daily drive limit counts road minutes only).
    """

    def __init__(self, request, catalog, network, *, cancelled=None, hubs: list[str] | None = None) -> None:
        from planner.request import ANYWHERE, CustomPlace

        self.request = request
        self.catalog = catalog
        self.network = network
        self.mode = request.mode
        self.D = request.days
        self.day_start = parse_hhmm(request.day_start)
        self.day_end = parse_hhmm(request.day_end)
        self.L = int(request.lunch_minutes or 0)
        window = getattr(request, "lunch_window", None) or ("11:30", "13:30")
        self.W0 = parse_hhmm(window[0])
        self.W1 = parse_hhmm(window[1])
        self.lunch_needed = self.L > 0 and self.day_start < self.W1
        self.drive_limit = request.max_drive_minutes_per_day or 10**9

        places: list = []
        ids: list[str] = []
        latlon: list[tuple[float, float]] = []
        self.custom: dict[str, CustomPlace] = {}

        def add(ref) -> int:
            if isinstance(ref, CustomPlace):
                pid = ref.id
                if pid not in ids:
                    from planner.network import Place

                    self.custom[pid] = ref
                    places.append(Place(pid, ref.name, ref.lat, ref.lon))
                    ids.append(pid)
                    latlon.append((ref.lat, ref.lon))
                return ids.index(pid)
            if ref not in ids:
                spot = catalog.get(ref)
                places.append(ref)
                ids.append(ref)
                latlon.append((spot.lat, spot.lon))
            return ids.index(ref)

        self.start = add(request.start)
        end_ref = request.end_place
        self.open_end = end_ref == ANYWHERE
        self.end = ANY if self.open_end else add(end_ref)

        self.stop_ids = [s.id for s in request.stops]
        self.n = len(self.stop_ids)
        self.stop_place = [add(s) for s in self.stop_ids]
        self.visit: list[int] = []
        self.open: list[int] = []
        self.close: list[int] = []
        self.closed: list[frozenset[int]] = []
        self.must: list[bool] = []
        self.prio: list[float] = []
        self.names: list[str] = []
        for s in request.stops:
            spot = catalog.get(s.id)
            self.names.append(spot.name_zh or spot.id)
            self.visit.append(int(s.visit_minutes if s.visit_minutes is not None else spot.visit_minutes))
            o = s.open or spot.open
            c = s.close or spot.close
            self.open.append(parse_hhmm(o) if o else 0)
            self.close.append(parse_hhmm(c) if c else 24 * 60)
            self.closed.append(frozenset(spot.closed_weekdays))
            self.must.append(bool(s.must) or getattr(s, "day", None) is not None)
            self.prio.append(float(s.priority))
        index = {sid: i for i, sid in enumerate(self.stop_ids)}
        after = [{index[a] for a in s.after} for s in request.stops]
        if request.keep_order:
            after = [set(range(i)) for i in range(self.n)]
        # pins: day index (0-based) or None; a locked day keeps its pinned stops in list order
        self.pin: list[int | None] = [
            (s.day - 1) if getattr(s, "day", None) is not None else None for s in request.stops
        ]
        self.locked = frozenset(d - 1 for d in (getattr(request, "locked_days", None) or ()))
        self.any_pin = any(p is not None for p in self.pin) or bool(self.locked)
        for k in self.locked:
            on_k = [i for i in range(self.n) if self.pin[i] == k]
            for a, b in zip(on_k, on_k[1:]):
                after[b].add(a)
        # the event each red stop stands for (follow_history orders by its date)
        self.events = {s.id: s.event for s in request.stops if getattr(s, "event", None)}
        # follow_history: the red stops in Long March order, as 'after' rules (planner.history).
        self.history_pairs: list[tuple[str, str]] = []
        if getattr(request, "follow_history", False):
            from planner.history import history_precedence

            self.history_pairs = history_precedence(self.stop_ids, catalog, chosen=self.events)
            _check_history_conflicts(request, after, self.history_pairs, index)
            for first_id, then_id in self.history_pairs:
                after[index[then_id]].add(index[first_id])
        self.preds = _closure(after)
        self.succs = [frozenset(j for j in range(self.n) if i in self.preds[j]) for i in range(self.n)]

        # Weekdays: only when a start date is given, and only if some stop closes on some day.
        first = request.first_date
        self.start_date_given = first is not None
        self.first_date = first or _dt.date.today()
        self.dates = [self.first_date + _dt.timedelta(days=k) for k in range(self.D)]
        self.use_wd = first is not None and any(self.closed)
        # A public holiday lifts weekday closures (0 matches no closed_weekdays); planner.calendar.
        from planner.calendar import closure_weekday

        self.wd = [closure_weekday(d) if self.use_wd else 0 for d in self.dates]

        # Overnight places: the catalog's overnight spots near the trip's places, plus the
        # start and end when one can sleep there (a hub, a custom hotel).
        hub_ids = hubs if hubs is not None else self._preselect_hubs(catalog, latlon)
        self.hubs: list[int] = []
        for ref in (request.start, None if self.open_end else end_ref):
            if ref is None:
                continue
            if isinstance(ref, CustomPlace) or catalog.get(ref).overnight:
                h = add(ref)
                if h not in self.hubs:
                    self.hubs.append(h)
        for hid in hub_ids:
            h = add(hid)
            if h not in self.hubs:
                self.hubs.append(h)
        for s, p in enumerate(self.stop_place):
            if catalog.get(self.stop_ids[s]).overnight and p not in self.hubs:
                self.hubs.append(p)

        self.place_refs = places
        self.place_ids = ids
        self.latlon = latlon
        self.P = len(ids)
        tm = network.matrix(places, self.mode, cancelled=cancelled)
        self.T = [[round_minutes(x) for x in row] for row in tm.minutes.tolist()]
        self.KM = tm.km.tolist()
        self.estimate = tm.estimate.tolist() if getattr(tm, "estimate", None) is not None else None
        if self.mode == "drive":
            self.DR = self.T
        else:
            self.DR = [[0] * self.P for _ in range(self.P)]
            self._dr_done: set[tuple[int, int]] = set()
        self._routes: dict[tuple[int, int], object] = {}
        self._cand: dict[tuple[int, int], tuple[int, ...]] = {}
        self._day_cache: dict = {}
        self._nearest_hub_minutes = [min((self.T[p][h] for h in self.hubs), default=0) for p in range(self.P)]
        if self.mode != "drive":
            self._fill_drive()

    # ---------------------------------------------------------------- set-up helpers
    def _preselect_hubs(self, catalog, latlon) -> list[str]:
        from planner.geo import haversine_km

        overnight = [s for s in catalog if s.overnight]
        chosen: list[str] = []
        for lat, lon in latlon:
            near = sorted(overnight, key=lambda s: (haversine_km(lat, lon, s.lat, s.lon), s.id))
            for s in near[:HUB_PRESELECT]:
                if s.id not in chosen:
                    chosen.append(s.id)
        return chosen

    def _fill_drive(self) -> None:
        # drive+rail: the road part of each route (rail legs are not driving).
        for a in range(self.P):
            for b in range(self.P):
                if a != b:
                    r = self.route(a, b)
                    self.DR[a][b] = round_minutes(
                        sum(leg.minutes for leg in r.legs if leg.mode != "rail" and leg.mode != "transfer")
                    )

    def route(self, a: int, b: int):
        """The network's route between two places (cached)."""
        key = (a, b)
        r = self._routes.get(key)
        if r is None:
            r = self.network.route(self.place_refs[a], self.place_refs[b], self.mode)
            self._routes[key] = r
        return r

    def place_name(self, p: int) -> str:
        pid = self.place_ids[p]
        if pid in self.custom:
            return self.custom[pid].name
        spot = self.catalog.spots.get(pid) if hasattr(self.catalog, "spots") else None
        return spot.name_zh if spot is not None else pid

    # ---------------------------------------------------------------- nights
    def cand(self, a: int, b: int) -> tuple[int, ...]:
        """Overnight places considered between place ``a`` (day's last) and ``b`` (next day's first).

        The best few by ``T[a][h] + T[h][b]``, plus the nearest to ``a`` and to ``b`` (a short
        evening or morning drive can be what makes a day fit). ``b`` may be ANY (open end).
        """
        key = (a, b)
        c = self._cand.get(key)
        if c is not None:
            return c
        T = self.T
        hubs = self.hubs
        if b == ANY:
            by_sum = sorted(hubs, key=lambda h: (T[a][h], h))
            out = by_sum[: NIGHT_CANDIDATES_SUM + NIGHT_CANDIDATES_NEAR]
        else:
            by_sum = sorted(hubs, key=lambda h: (T[a][h] + T[h][b], h))
            near_a = sorted(hubs, key=lambda h: (T[a][h], h))
            near_b = sorted(hubs, key=lambda h: (T[h][b], h))
            out = []
            for h in by_sum[:NIGHT_CANDIDATES_SUM] + near_a[:NIGHT_CANDIDATES_NEAR] + near_b[:NIGHT_CANDIDATES_NEAR]:
                if h not in out:
                    out.append(h)
        c = tuple(out)
        self._cand[key] = c
        return c

    # ---------------------------------------------------------------- the day simulator
    def travel_step(self, t: int, drive: int, lunch: bool, a: int, b: int, rec=None):
        """Travel from place a to b; returns (t, drive, lunch) or None when the day cannot hold it.

        Lunch is taken with this travel when it has not been and the travel reaches the window:
        on arrival when that is inside the window, else before leaving when the window is open,
        else on the way (recorded as the travel's ``lunch`` start; the plan splits the path there).
        """
        tt = self.T[a][b]
        moving = bool(tt) or a != b
        if not lunch and moving and t <= self.W1 and t + tt >= self.W0:
            arrive = t + tt + self.L
            if arrive > self.day_end:
                return None
            drive += self.DR[a][b]
            if drive > self.drive_limit:
                return None
            if t + tt <= self.W1:  # on arrival
                if rec is not None:
                    rec.append(("travel", a, b, t, t + tt))
                    rec.append(("break", b, t + tt, arrive, t + tt))
            elif t >= self.W0:  # before leaving
                if rec is not None:
                    rec.append(("break", a, t, t + self.L, t))
                    rec.append(("travel", a, b, t + self.L, arrive))
            else:  # on the way: the plan picks the place passed nearest the window's middle
                if rec is not None:
                    rec.append(("travel_lunch", a, b, t, arrive, self.W0, self.W1))
            return arrive, drive, True
        if moving:
            if rec is not None:
                rec.append(("travel", a, b, t, t + tt))
            t += tt
            drive += self.DR[a][b]
            if t > self.day_end or drive > self.drive_limit:
                return None
        if not lunch and t >= self.W0:
            if t > self.W1:  # cannot happen: lunch is never carried past the window
                return None
            if rec is not None:
                rec.append(("break", b, t, t + self.L, t))
            t += self.L
            lunch = True
            if t > self.day_end:
                return None
        return t, drive, lunch

    def visit_step(self, t: int, lunch: bool, s: int, wd: int, rec=None):
        """Visit stop s on arrival at time t; returns (t, lunch) or None."""
        if wd in self.closed[s]:
            return None
        o = self.open[s]
        p = self.stop_place[s]
        if not lunch:
            end0 = max(t, o) + self.visit[s]
            if (t < o and o > self.W0) or (end0 > self.W1 and t >= self.W0):
                # waiting into the window for the opening, or a visit past the window's end
                # while the window is open: lunch first
                begin = max(t, self.W0)
                if begin > self.W1:
                    return None
                if rec is not None:
                    rec.append(("break", p, begin, begin + self.L, t))
                t = begin + self.L
                lunch = True
            elif end0 > self.W1:
                # a visit across the whole window: lunch at the site during the visit, as large
                # scenic areas arrange it (the visit lasts lunch_minutes longer)
                start = max(t, o)
                end = start + self.visit[s] + self.L
                if end > self.close[s] or end > self.day_end:
                    return None
                if rec is not None:
                    ls = max(start, self.W0)
                    rec.append(("visit", s, t, start, end, ls))
                return end, True
        start = max(t, o)
        end = start + self.visit[s]
        if end > self.close[s] or end > self.day_end:
            return None
        if rec is not None:
            rec.append(("visit", s, t, start, end))
        t = end
        if not lunch and t >= self.W0:
            if rec is not None:
                rec.append(("break", p, t, t + self.L, t))
            t += self.L
            lunch = True
            if t > self.day_end:
                return None
        return t, lunch

    def day_begin(self, h: int, rec=None) -> tuple[int, int, bool] | None:
        """(t, drive, lunch_taken) at the start of a day at place h."""
        t = self.day_start
        lunch = not self.lunch_needed
        if not lunch and t >= self.W0:
            if rec is not None:
                rec.append(("break", h, t, t + self.L, t))
            t += self.L
            lunch = True
            if t > self.day_end:
                return None
        return t, 0, lunch

    def pins_ok(self, k: int, stops: tuple[int, ...]) -> bool:
        """Stops pinned to another day are not on day k; a locked day k holds only its pins."""
        if not self.any_pin:
            return True
        pin = self.pin
        if k in self.locked:
            return all(pin[s] == k for s in stops)
        return all(pin[s] is None or pin[s] == k for s in stops)

    def run_day(self, wd: int, h_in: int, stops: tuple[int, ...], h_out: int, rec=None) -> DayRun | None:
        """Simulate one day; None when it does not fit. ``h_out`` ANY: the day ends at its last visit."""
        st = self.day_begin(h_in, rec)
        if st is None:
            return None
        t, drive, lunch = st
        cur = h_in
        travel = 0
        for s in stops:
            p = self.stop_place[s]
            travel += self.T[cur][p]
            r = self.travel_step(t, drive, lunch, cur, p, rec)
            if r is None:
                return None
            t, drive, lunch = r
            v = self.visit_step(t, lunch, s, wd, rec)
            if v is None:
                return None
            t, lunch = v
            cur = p
        if h_out != ANY:
            travel += self.T[cur][h_out]
            r = self.travel_step(t, drive, lunch, cur, h_out, rec)
            if r is None:
                return None
            t, drive, lunch = r
        return DayRun(travel, drive, t)

    def day(self, k: int, h_in: int, stops: tuple[int, ...], h_out: int) -> DayRun | None:
        """``run_day`` for day k, cached (None when a pin keeps a stop off day k)."""
        if self.any_pin and not self.pins_ok(k, stops):
            return None
        key = (self.wd[k], h_in, stops, h_out)
        c = self._day_cache.get(key, False)
        if c is False:
            c = self.run_day(self.wd[k], h_in, stops, h_out)
            if len(self._day_cache) > 2_000_000:
                self._day_cache.clear()
            self._day_cache[key] = c
        return c

    # ---------------------------------------------------------------- nights for fixed days
    def night_ends(self, days: list[tuple[int, ...]], k: int) -> tuple[int, int]:
        """(a, b): the place before night k (last visit so far) and after it (next visit, or the end)."""
        a = self.start
        for j in range(k, -1, -1):
            if days[j]:
                a = self.stop_place[days[j][-1]]
                break
        b = self.end
        for j in range(k + 1, len(days)):
            if days[j]:
                b = self.stop_place[days[j][0]]
                break
        return a, b

    def last_day(self, days: list[tuple[int, ...]]) -> int:
        """Index of the trip's final day: D-1, or for an open end the last day with a visit."""
        if not self.open_end:
            return self.D - 1
        for k in range(len(days) - 1, -1, -1):
            if days[k]:
                return k
        return 0

    def chain(self, days: list[tuple[int, ...]], k0: int, k1: int, h_before: int, h_after: int):
        """Best nights for days k0..k1 with fixed contents: (travel, nights, day_travel) or None.

        ``h_before`` is where day k0 starts, ``h_after`` where day k1 ends. A day without visits
        is a rest day (the group stays) or a transfer day (it travels from the night before to
        the next night place, within the day window and the drive limit); its night place is
        one of the candidates between the visits around it, like any other night.
        """
        layer: dict[int, tuple[int, tuple]] = {h_before: (0, ())}
        for k in range(k0, k1 + 1):
            stops = days[k]
            if k < k1:
                a, b = self.night_ends(days, k)
                outs = self.cand(a, b)
            else:
                outs = (h_after,)
            nxt: dict[int, tuple[int, tuple]] = {}
            for h_in, (cost, back) in layer.items():
                for h_out in outs:
                    r = self.day(k, h_in, stops, h_out)
                    if r is None:
                        continue
                    c = cost + r.travel
                    old = nxt.get(h_out)
                    if old is None or c < old[0]:
                        nxt[h_out] = (c, back + ((h_out, r.travel),))
            if not nxt:
                return None
            layer = nxt
        if h_after not in layer:
            return None
        cost, back = layer[h_after]
        nights = [h for h, _ in back[:-1]]
        return cost, nights, [tr for _, tr in back]

    def evaluate(self, days: list[tuple[int, ...]]):
        """Best nights for a whole trip with fixed day contents: (travel, nights, day_travel) or None."""
        k1 = self.last_day(days)
        return self.chain(days, 0, k1, self.start, self.end)

    # ---------------------------------------------------------------- the exact split of a sequence
    def split(self, seq: list[int]):
        """Exact split of a visiting sequence into days and nights (DP over days, position, place).

        Returns (travel, days) with days a list of D tuples, or None when the sequence does not
        fit in the days with its order kept.
        """
        n = len(seq)
        D = self.D
        # state at the start of day k: (i visits done, place h) -> (cost, days so far)
        layer: dict[tuple[int, int], tuple[int, tuple]] = {(0, self.start): (0, ())}
        best: tuple[int, tuple] | None = None
        for k in range(D):
            nxt: dict[tuple[int, int], tuple[int, tuple]] = {}
            final = k == D - 1
            for (i, h), (cost, back) in layer.items():
                if best is not None and cost >= best[0]:
                    continue
                for j in range(i, n + 1):
                    stops = tuple(seq[i:j])
                    if j > i and (
                        not self.pins_ok(k, stops) or self.run_day(self.wd[k], h, stops, ANY) is None
                    ):
                        break
                    if j == n:
                        # end the trip today
                        end = self.end
                        r = self.day(k, h, stops, end)
                        if r is not None:
                            c = cost + r.travel
                            if best is None or c < best[0]:
                                best = (c, back + (stops,))
                        if self.open_end:
                            continue
                    if final:
                        continue
                    # the night's candidates between the last visit so far (or the start) and
                    # the next one (or the end), as in chain; a day without visits rests or
                    # moves the group between them (a transfer day)
                    a = self.stop_place[seq[j - 1]] if j > 0 else self.start
                    b = self.stop_place[seq[j]] if j < n else self.end
                    outs: tuple[int, ...] = self.cand(a, b)
                    for h_out in outs:
                        r = self.day(k, h, stops, h_out)
                        if r is None:
                            continue
                        c = cost + r.travel
                        key = (j, h_out)
                        old = nxt.get(key)
                        if old is None or c < old[0]:
                            nxt[key] = (c, back + (stops,))
            layer = nxt
            if not layer:
                break
        if best is None:
            return None
        cost, dd = best
        days = list(dd) + [()] * (D - len(dd))
        return cost, days

    # ---------------------------------------------------------------- objective helpers
    def objective(self, visited: set[int] | list[int], travel: int) -> tuple[int, float, int]:
        """Lexicographic objective to minimise: (must stops missing, -priority of optional stops, travel)."""
        vis = set(visited)
        missing = sum(1 for s in range(self.n) if self.must[s] and s not in vis)
        prio = sum(self.prio[s] for s in vis if not self.must[s])
        return missing, -prio, travel


def _check_history_conflicts(request, after, pairs, index) -> None:
    """RequestError when the Long March order contradicts the request's 'after' rules or keep_order."""
    if not pairs:
        return
    base = _closure(after)
    for a, b in pairs:
        if index[b] in base[index[a]]:
            why = "keep_order" if request.keep_order else "the 'after' rules"
            raise RequestError(
                f"follow_history puts '{a}' before '{b}' (Long March order), but {why} put '{b}' first",
                file=request.file,
                field="follow_history",
            )
    merged = [set(x) for x in after]
    for a, b in pairs:
        merged[index[b]].add(index[a])
    closed = _closure(merged)
    loop = [sid for sid, i in index.items() if i in closed[i]]
    if loop:
        raise RequestError(
            "follow_history and the 'after' rules form a cycle through " + ", ".join(loop),
            file=request.file,
            field="follow_history",
        )


def check_model_inputs(request, catalog) -> None:
    """Request facts the solver needs that schema validation cannot see (ids are in the catalog)."""
    for i, s in enumerate(request.stops):
        if s.id not in catalog:
            raise RequestError(f"unknown place '{s.id}'", file=request.file, field=f"stops[{i}].id")
