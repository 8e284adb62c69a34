"""Iterated local search for larger trips (days of visits, nights re-chosen by a DP per move).

A solution is the list of days, each an ordered tuple of stops; the nights (where the group
sleeps) are not part of the search state but chosen exactly for given day contents by
``TripModel.chain`` over the days a move touches. Moves: insert a left-out stop, replace a
visited optional stop by a better one, relocate a run of 1-3 stops (or-opt, across days),
swap two stops, reverse a run within a day (2-opt). The perturbation removes a random run of
stops and reinserts greedily. A final pass runs the exact split of the whole visiting
sequence (``TripModel.split``), which may move the nights.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from planner.optimize.engine import Control, iterate
from planner.optimize.trip_model import ANY, TripModel

APPROX_KEEP = 8  # insertion positions evaluated exactly per stop, best first by the local delta


@dataclass
class Solution:
    days: list[tuple[int, ...]]
    nights: list[int]
    dtravel: list[int]
    travel: int
    obj: tuple = field(default=())

    def visited(self) -> set[int]:
        return {s for d in self.days for s in d}

    def copy(self) -> Solution:
        return Solution(list(self.days), list(self.nights), list(self.dtravel), self.travel, self.obj)


def make_solution(m: TripModel, days: list[tuple[int, ...]]) -> Solution | None:
    """Evaluate day contents from scratch (nights by the chain DP)."""
    days = [tuple(d) for d in days] + [()] * (m.D - len(days))
    r = m.evaluate(days)
    if r is None:
        return None
    travel, nights, dtravel = r
    vis = {s for d in days for s in d}
    return Solution(days, nights, dtravel, travel, m.objective(vis, travel))


def _last_visit_day(days) -> int:
    for k in range(len(days) - 1, -1, -1):
        if days[k]:
            return k
    return -1


class Search:
    """The ILS state for one model."""

    def __init__(self, m: TripModel, control: Control | None = None, *, seed: int = 0) -> None:
        self.m = m
        # the deadline, cancel and random source of the search (none but a seed when used alone)
        self.control = control if control is not None else Control(None, None, seed)
        self.rng = self.control.rng
        self.evals = 0
        T = m.T
        sp = m.stop_place
        # neighbour lists of stops (by travel minutes), for swaps
        self.near = [
            sorted((u for u in range(m.n) if u != s), key=lambda u: (T[sp[s]][sp[u]] + T[sp[u]][sp[s]], u))[:8]
            for s in range(m.n)
        ]

    def out_of_time(self) -> bool:
        return self.control.out_of_time()

    # ------------------------------------------------------------ evaluation of a changed solution
    def window(self, sol: Solution, new_days: list[tuple[int, ...]], changed: set[int]) -> Solution | None:
        m = self.m
        self.evals += 1
        final_old = m.last_day(sol.days)
        final_new = m.last_day(new_days)
        lv = min(_last_visit_day(sol.days), _last_visit_day(new_days))
        k0 = min(max(0, min(changed) - 1), len(sol.nights))  # open end: no nights past the old last day
        k1 = max(changed) + 1
        to_end = final_new != final_old or k1 >= final_new or k1 >= lv
        if to_end:
            k1 = final_new
        h_before = m.start if k0 == 0 else sol.nights[k0 - 1]
        h_after = m.end if to_end else sol.nights[k1]
        if k0 > k1:
            return None
        r = m.chain(new_days, k0, k1, h_before, h_after)
        if r is None:
            return None
        cost, nights, dt = r
        if to_end:
            old = sum(sol.dtravel[k0:])
            new_nights = sol.nights[:k0] + nights
            new_dt = sol.dtravel[:k0] + dt
        else:
            old = sum(sol.dtravel[k0 : k1 + 1])
            new_nights = sol.nights[:k0] + nights + sol.nights[k1:]
            new_dt = sol.dtravel[:k0] + dt + sol.dtravel[k1 + 1 :]
        travel = sol.travel - old + cost
        vis = {s for d in new_days for s in d}
        return Solution(list(new_days), new_nights, new_dt, travel, m.objective(vis, travel))

    # ------------------------------------------------------------ positions
    def _positions(self, sol: Solution, days: list[tuple[int, ...]], s: int, nights: list[int] | None = None):
        """Insertion points (k, i) allowed by precedence, with an approximate travel delta, best first."""
        m = self.m
        T = m.T
        sp = m.stop_place
        p = sp[s]
        pos = {}
        for k, d in enumerate(days):
            for i, x in enumerate(d):
                pos[x] = (k, i)
        lo = (0, 0)
        hi = (m.D, 0)
        for q in m.preds[s]:
            if q in pos:
                k, i = pos[q]
                lo = max(lo, (k, i + 1))
        for q in m.succs[s]:
            if q in pos:
                hi = min(hi, pos[q])
        nights = sol.nights if nights is None else nights
        final = m.last_day(sol.days)
        out = []
        for k in range(m.D):
            if m.any_pin and not m.pins_ok(k, (s,)):
                continue  # pinned to another day, or k is a locked day
            d = days[k]
            if k < len(nights) + 1:
                h_in = m.start if k == 0 else nights[k - 1]
            else:
                h_in = nights[-1] if nights else m.start
            for i in range(len(d) + 1):
                if (k, i) < lo or (k, i) > hi:
                    continue
                prev = sp[d[i - 1]] if i > 0 else h_in
                if i < len(d):
                    nxt = sp[d[i]]
                elif k < len(nights):
                    nxt = nights[k]
                elif k == final and m.end != ANY:
                    nxt = m.end
                else:
                    nxt = ANY
                if nxt == ANY:
                    delta = T[prev][p]
                else:
                    delta = T[prev][p] + T[p][nxt] - T[prev][nxt]
                out.append((delta, k, i))
        out.sort()
        return out

    def best_insertion(self, sol: Solution, s: int, keep: int = APPROX_KEEP) -> Solution | None:
        """The best solution with stop s inserted (among the positions tried), or None."""
        best = None
        for tried, (_delta, k, i) in enumerate(self._positions(sol, sol.days, s)):
            # the positions come best first by the local delta: try a few exactly, more while none fits
            if (best is not None and tried >= keep) or tried >= 3 * keep:
                break
            d = sol.days[k]
            nd = list(sol.days)
            nd[k] = d[:i] + (s,) + d[i:]
            cand = self.window(sol, nd, {k})
            if cand is not None and (best is None or cand.travel < best.travel):
                best = cand
        return best

    # ------------------------------------------------------------ construction
    def construct(self, base: Solution, noise: float = 0.0) -> Solution:
        """Greedy insertion of every left-out stop: must stops first, then by priority."""
        m = self.m
        sol = base
        out = [s for s in range(m.n) if s not in sol.visited()]
        key = lambda s: (not m.must[s], -m.prio[s] * (1 + noise * self.rng.random()), -m.visit[s], s)
        for s in sorted(out, key=key):
            # the greedy construction always completes (it is cheap): a time limit shorter than
            # it would otherwise give a plan that silently skips stops; only a cancel stops it
            if self.control.is_cancelled():
                break
            c = self.best_insertion(sol, s)
            if c is not None:
                sol = c
        return sol

    def construct_must(self, base: Solution, tour_limit_s: float = 0.3) -> Solution:
        """Feasibility of the must stops first: one visiting sequence of them, split exactly into days.

        The sequence starts as the shortest order of the must stops (``solve_tour`` on their
        travel minutes, exact up to 15 stops); when the exact split (``TripModel.split``) cannot
        fit it, the must stops are inserted one at a time, most constrained first (fewest
        positions that split), each where the split travels least, and a stop that fits nowhere
        is retried after taking out one placed must stop and putting it back elsewhere. Optional
        stops already in ``base`` are dropped; ``construct`` adds them afterwards.
        """
        m = self.m
        must = [s for s in range(m.n) if m.must[s]]
        if not must:
            return base
        tour = self._must_tour(must, tour_limit_s)
        if self._precedence_ok([tuple(tour)]):
            r = m.split(tour)
            if r is not None:
                sol = make_solution(m, r[1])
                if sol is not None:
                    return sol
        seq: list[int] = []
        pending = list(must)
        while pending and not self.out_of_time():
            options = {s: self._seq_options(seq, s) for s in pending}
            fits = [s for s in pending if options[s]]
            if not fits:
                break
            # most constrained first, then the largest regret, then the cheapest
            def urgency(s, options=options):
                o = options[s]
                regret = (o[1][0] - o[0][0]) if len(o) > 1 else 10**9
                return (len(o), -regret, o[0][0], s)

            s = min(fits, key=urgency)
            seq = options[s][0][2]
            pending.remove(s)
        for u in list(pending):  # repair: make room by moving one placed must stop
            done = False
            for v in list(seq):
                if self.out_of_time():
                    break
                rest = [x for x in seq if x != v]
                for _c, _i, with_u in self._seq_options(rest, u)[:3]:
                    back = self._seq_options(with_u, v)
                    if back:
                        seq = back[0][2]
                        pending.remove(u)
                        done = True
                        break
                if done:
                    break
        r = m.split(seq) if seq else None
        sol = make_solution(m, r[1]) if r is not None else None
        return sol if sol is not None else base

    def _must_tour(self, must: list[int], limit_s: float) -> list[int]:
        """The must stops in their shortest visiting order from the start (and to a fixed end)."""
        from planner.optimize.tour import solve_tour

        m = self.m
        places = [m.start] + [m.stop_place[s] for s in must]
        fixed_end = m.end != ANY
        if fixed_end:
            places.append(m.end)
        T = m.T
        matrix = [[T[a][b] if a != b else 0 for b in places] for a in places]
        end = len(places) - 1 if fixed_end else None
        if fixed_end and m.end == m.start:
            matrix = [row[:-1] for row in matrix[:-1]]
            end = 0
        order = solve_tour(matrix, start=0, end=end, time_limit_s=limit_s, seed=0)
        return [must[i - 1] for i in order if 1 <= i <= len(must)]

    def _seq_options(self, seq: list[int], s: int, keep: int = 4) -> list[tuple[int, int, list[int]]]:
        """Positions of s in the visiting sequence that the exact split can fit: (travel, i, seq), cheapest first.

        Positions are screened by the travel they add (``keep`` best are split exactly; all of
        them when none of those fits).
        """
        m = self.m
        T = m.T
        sp = m.stop_place
        p = sp[s]
        places = [m.start] + [sp[x] for x in seq] + ([m.end] if m.end != ANY else [])
        cand = []
        for i in range(len(seq) + 1):
            a = places[i]
            if i + 1 < len(places):
                b = places[i + 1]
                delta = T[a][p] + T[p][b] - T[a][b]
            else:
                delta = T[a][p]
            cand.append((delta, i))
        cand.sort()
        out: list[tuple[int, int, list[int]]] = []
        for tried, (_d, i) in enumerate(cand):
            if tried >= keep and out:
                break
            new = seq[:i] + [s] + seq[i:]
            if not self._precedence_ok([tuple(new)]):
                continue
            r = m.split(new)
            if r is not None:
                out.append((r[0], i, new))
        out.sort(key=lambda t: (t[0], t[1]))
        return out

    # ------------------------------------------------------------ local search
    def local_search(self, sol: Solution, focus: set[int] | None = None) -> Solution:
        """Improve until no move helps. ``focus``: only move stops of these days (after a shake)."""
        m = self.m
        improved = True
        while improved and not self.out_of_time():
            improved = False
            # insert left-out stops, best priority first
            vis = sol.visited()
            for s in sorted((s for s in range(m.n) if s not in vis), key=lambda s: (not m.must[s], -m.prio[s], s)):
                c = self.best_insertion(sol, s)
                if c is not None and c.obj < sol.obj:
                    sol = c
                    improved = True
            # replace a visited optional stop by a left-out one worth more
            vis = sol.visited()
            outs = [s for s in range(m.n) if s not in vis]
            T = m.T
            sp = m.stop_place
            for u in sorted(outs, key=lambda s: (not m.must[s], -m.prio[s], s)):
                if self.out_of_time():
                    break
                worse = [v for v in sol.visited() if not m.must[v] and (m.must[u] or m.prio[v] < m.prio[u])]
                worse.sort(key=lambda v: (T[sp[u]][sp[v]] + T[sp[v]][sp[u]], v))
                for v in worse[:6]:
                    if m.must[v] or (not m.must[u] and m.prio[v] >= m.prio[u]):
                        continue
                    nd = [tuple(x for x in d if x != v) for d in sol.days]
                    kv = next(k for k, d in enumerate(sol.days) if v in d)
                    base = self.window(sol, nd, {kv})
                    if base is None:
                        continue
                    c = self.best_insertion(base, u)
                    if c is not None and c.obj < sol.obj:
                        sol = c
                        improved = True
                        break
                else:
                    if m.must[u] and len(worse) > 1:
                        c = self._make_room(sol, u, worse[:6])
                        if c is not None and c.obj < sol.obj:
                            sol = c
                            improved = True
            if self.out_of_time():
                break
            # relocate runs of 1..3 stops (or-opt), across days
            order = [(k, i) for k, d in enumerate(sol.days) for i in range(len(d)) if focus is None or k in focus]
            self.rng.shuffle(order)
            for length in (1, 2, 3):
                for k, i in order:
                    if self.out_of_time():
                        break
                    d = sol.days[k] if k < len(sol.days) else ()
                    if i + length > len(d):
                        continue
                    run = d[i : i + length]
                    nd = list(sol.days)
                    nd[k] = d[:i] + d[i + length :]
                    base = self.window(sol, nd, {k})
                    if base is None:
                        continue
                    c = self._insert_run(base, run)
                    if c is not None and c.obj < sol.obj:
                        sol = c
                        improved = True
            # swap neighbouring stops (by travel) in different places of the trip
            pos = {x: (k, i) for k, d in enumerate(sol.days) for i, x in enumerate(d)}
            stops = [x for x in pos if focus is None or pos[x][0] in focus]
            self.rng.shuffle(stops)
            for s in stops:
                if self.out_of_time():
                    break
                for u in self.near[s]:
                    pos = {x: (k, i) for k, d in enumerate(sol.days) for i, x in enumerate(d)}
                    if s not in pos or u not in pos:
                        continue
                    (ks, is_), (ku, iu) = pos[s], pos[u]
                    if abs(ks - ku) + abs(is_ - iu) <= 1 and ks == ku:
                        pass
                    swapped = [list(d) for d in sol.days]
                    swapped[ks][is_], swapped[ku][iu] = u, s
                    ndays = [tuple(d) for d in swapped]
                    if not self._precedence_ok(ndays):
                        continue
                    c = self.window(sol, ndays, {ks, ku})
                    if c is not None and c.obj < sol.obj:
                        sol = c
                        improved = True
            # 2-opt within a day
            for k, d in enumerate(sol.days):
                if len(d) < 3 or (focus is not None and k not in focus):
                    continue
                for i in range(len(d) - 1):
                    for j in range(i + 2, len(d) + 1):
                        d = sol.days[k]
                        nd = list(sol.days)
                        nd[k] = d[:i] + tuple(reversed(d[i:j])) + d[j:]
                        if not self._precedence_ok(nd):
                            continue
                        c = self.window(sol, nd, {k})
                        if c is not None and c.obj < sol.obj:
                            sol = c
                            improved = True
        return sol

    def _make_room(self, sol: Solution, u: int, near: list[int]) -> Solution | None:
        """Insert must stop u after taking out two optional stops near it (the pair worth least first)."""
        m = self.m
        pairs = sorted(
            ((a, b) for i, a in enumerate(near) for b in near[i + 1 :]),
            key=lambda ab: (m.prio[ab[0]] + m.prio[ab[1]], ab),
        )
        for a, b in pairs:
            if self.out_of_time():
                return None
            nd = [tuple(x for x in d if x not in (a, b)) for d in sol.days]
            changed = {k for k, d in enumerate(sol.days) if a in d or b in d}
            base = self.window(sol, nd, changed)
            if base is None:
                continue
            c = self.best_insertion(base, u)
            if c is not None:
                for x in (a, b):  # put back what still fits
                    c2 = self.best_insertion(c, x)
                    if c2 is not None:
                        c = c2
                return c
        return None

    def _insert_run(self, sol: Solution, run: tuple[int, ...]) -> Solution | None:
        if len(run) == 1:
            return self.best_insertion(sol, run[0], keep=4)
        best = None
        for delta, k, i in self._positions(sol, sol.days, run[0])[: 2 * APPROX_KEEP]:
            d = sol.days[k]
            nd = list(sol.days)
            nd[k] = d[:i] + run + d[i:]
            if not self._precedence_ok(nd):
                continue
            c = self.window(sol, nd, {k})
            if c is not None and (best is None or c.travel < best.travel):
                best = c
        return best

    def _precedence_ok(self, days) -> bool:
        m = self.m
        seen: set[int] = set()
        for d in days:
            for s in d:
                if m.succs[s] & seen:
                    return False
                seen.add(s)
        return True

    # ------------------------------------------------------------ perturbation
    def shake(self, sol: Solution, strength: int) -> Solution:
        seq = [(k, s) for k, d in enumerate(sol.days) for s in d]
        if not seq:
            return sol
        r = min(len(seq), strength)
        i = self.rng.randrange(len(seq))
        drop = {s for _, s in (seq + seq)[i : i + r]}
        changed = {k for k, s in seq if s in drop}
        nd = [tuple(s for s in d if s not in drop) for d in sol.days]
        base = self.window(sol, nd, changed)
        if base is None:
            base = make_solution(self.m, nd)
        if base is None:
            return sol
        return self.construct(base, noise=0.5)


def ils(
    m: TripModel,
    *,
    seed: int = 0,
    deadline: float | None = None,
    max_iterations: int | None = None,
    cancelled: Callable[[], bool] | None = None,
    progress: Callable[[float, str], None] | None = None,
    start: Solution | None = None,
) -> tuple[Solution | None, int]:
    """Iterated local search; (best solution, iterations). None when not even the empty trip fits."""
    control = Control(None, 40 + 8 * m.n if max_iterations is None else max_iterations, seed, progress, cancelled,
                      deadline=deadline, span=(0.1, 0.95))
    search = Search(m, control)
    empty = make_solution(m, [()] * m.D)
    if empty is None:
        return None, 0
    if start is not None:
        sol = start
    else:
        sol = search.construct(empty)
        if sol.obj[0] > 0:  # must stops left out: construct for their feasibility first
            alt = search.construct(search.construct_must(empty))
            if alt.obj < sol.obj:
                sol = alt
    sol = search.local_search(sol)
    focus: list[set[int]] = [set()]

    def perturb(sol: Solution, stall: int) -> Solution:
        strength = 1 + (stall % max(2, min(6, m.n // 4 + 1))) + 1
        cand = search.shake(sol, strength)
        touched = {k for k in range(m.D) if cand.days[k] != sol.days[k]}
        focus[0] = {j for k in touched for j in (k - 1, k, k + 1)}
        return cand

    def accept(cand: Solution, sol: Solution, best: Solution, stall: int) -> Solution:
        if stall == 0:
            return cand  # the new best
        same = cand.obj[:2] == best.obj[:2]
        return cand if same and cand.travel <= best.travel * 1.02 else best.copy()

    out = iterate(
        sol,
        control,
        perturb=perturb,
        improve=lambda cand: search.local_search(cand, focus[0]),
        better=lambda a, b: a.obj < b.obj,
        accept=accept,
        copy=lambda s: s.copy(),
        patience=26 + 2 * m.n,
        message=lambda best: f"searching: best {best.travel} min travel",
    )
    best, it = out.best, out.iterations
    # the exact split of the best sequence may place the nights better
    seq = [s for d in best.days for s in d]
    if not search.out_of_time() or it == 0:
        r = m.split(seq)
        if r is not None:
            split_sol = make_solution(m, r[1])
            if split_sol is not None and split_sol.obj < best.obj:
                best = split_sol
    return best, it


#: The reason a plan gives when must stops are missing but no proof says they cannot all fit.
NOT_FOUND_REASON = "no plan found in the time"


def must_stops_verdict(m: TripModel, sol: Solution | None, proven: bool) -> tuple[str, str] | None:
    """Status and reason for a plan that leaves must stops out; None when none is missing.

    ``("infeasible", why)`` only with a proof: the exact search finished (``proven``), or a
    relaxation shows it — a must stop that fits no day even alone (the nights chosen freely),
    which no other stop could change. Otherwise ``("incomplete", NOT_FOUND_REASON)``: a longer
    search may still find a plan holding every must stop.
    """
    missing = [s for s in range(m.n) if m.must[s] and (sol is None or s not in sol.visited())]
    if not missing:
        return None
    if proven:
        return "infeasible", "the exact search shows the must stops cannot all fit"
    for s in missing:
        alone = False
        for k in range(m.D):
            days: list[tuple[int, ...]] = [()] * m.D
            days[k] = (s,)
            if make_solution(m, days) is not None:
                alone = True
                break
        if not alone:
            return "infeasible", f"{m.names[s]} fits no day of the trip even on its own"
    return "incomplete", NOT_FOUND_REASON
