"""Exact trip solver for small requests: label setting over (visited set, last place, day).

A label is a partial trip: the stops visited (and those given up because a later stop in the
'after' order was taken first), the place where the group is, the day, and the resources
(clock, road minutes today, lunch taken, travel so far). Extending a label visits one more
stop, either later the same day or after a night at one of the night candidates (and, when
weekdays matter, some rest days there). Labels at the same key are pruned by dominance
(earlier clock, less road time, lunch no less taken, less travel); whole labels are pruned by
the incumbent on the lexicographic objective. Exact relative to the model in trip_model.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from planner.optimize.trip_model import ANY, TripModel


class ExactTimeout(Exception):
    """The label setting ran out of time (or was cancelled); no proof."""


def _popcount(x: int) -> int:
    return (x).bit_count()


def finish_extra(m: TripModel, k: int, t: int, drive: int, lunch: bool, cur: int) -> tuple[int, tuple] | None:
    """Least extra travel to end the trip from place ``cur`` at (t, drive, lunch) on day k.

    Returns (travel, tail) with tail = (night places...) used for trailing days, or None.
    """
    if m.open_end:
        return 0, ()
    end = m.end
    best: tuple[int, tuple] | None = None
    r = m.travel_step(t, drive, lunch, cur, end)
    if r is not None:
        best = (m.T[cur][end], ())
    if k + 1 >= m.D:
        return best
    nights = m.cand(cur, end)
    layer: dict[int, tuple[int, tuple]] = {}
    for h in nights:
        if m.travel_step(t, drive, lunch, cur, h) is not None:
            layer[h] = (m.T[cur][h], (h,))
    for kk in range(k + 1, m.D):
        nxt: dict[int, tuple[int, tuple]] = {}
        for h, (c, tail) in layer.items():
            if best is not None and c >= best[0]:
                continue
            r2 = m.day(kk, h, (), end)
            if r2 is not None and (best is None or c + r2.travel < best[0]):
                best = (c + r2.travel, tail)
            if kk + 1 < m.D:
                for h2 in nights:
                    r3 = m.day(kk, h, (), h2)
                    if r3 is None:
                        continue
                    c2 = c + r3.travel
                    if h2 not in nxt or c2 < nxt[h2][0]:
                        nxt[h2] = (c2, tail + (h2,))
        layer = nxt
        if not layer:
            break
    return best


def solve_exact(
    m: TripModel,
    incumbent: tuple | None = None,
    *,
    deadline: float | None = None,
    cancelled: Callable[[], bool] | None = None,
    max_labels: int = 3_000_000,
):
    """Optimal (objective, days) for the model, or None when nothing is feasible.

    ``incumbent`` (an objective tuple) prunes; a solution equal to it is not returned, so a
    None result with an incumbent means the incumbent is optimal. Raises ExactTimeout.
    """
    n = m.n
    T = m.T
    sp = m.stop_place
    pred_mask = [sum(1 << p for p in m.preds[s]) for s in range(n)]
    must_mask = sum(1 << s for s in range(n) if m.must[s])
    opt_prio = [0.0 if m.must[s] else m.prio[s] for s in range(n)]
    (1 << n) - 1
    every_place = list(range(m.P))
    min_in = [min(T[x][sp[s]] for x in every_place if x != sp[s]) if m.P > 1 else 0 for s in range(n)]
    for s in range(n):
        for s2 in range(n):
            if s2 != s and sp[s2] == sp[s]:
                min_in[s] = 0

    best_obj = incumbent
    best_sol = None
    # label: [t, drive, lunch, travel, parent, action]; action = (s, night_place or None, day)
    buckets: list[dict] = [{} for _ in range(n + 1)]

    def add(key, lab) -> None:
        labels = buckets[_popcount(key[1])].setdefault(key, [])
        t, dr, lu, tr = lab[0], lab[1], lab[2], lab[3]
        for o in labels:
            if o[3] <= tr and o[0] <= t and o[1] <= dr and (o[2] or not lu):
                return
        labels[:] = [o for o in labels if not (tr <= o[3] and t <= o[0] and dr <= o[1] and (lu or not o[2]))]
        labels.append(lab)

    start_days = range(m.D) if (m.use_wd and m.start in m.hubs) else range(1)
    for k in start_days:
        st = m.day_begin(m.start)
        if st is None:
            continue
        add((0, 0, m.start, k), [st[0], st[1], st[2], 0, None, ("start", k)])

    count = 0
    for c in range(n + 1):
        bucket = buckets[c]
        for key in sorted(bucket, key=lambda kk: (kk[3], kk[0], kk[1], kk[2])):
            visited, decided, cur, k = key
            vis_prio = sum(opt_prio[s] for s in range(n) if visited >> s & 1)
            rest_prio = sum(opt_prio[s] for s in range(n) if not decided >> s & 1)
            miss_lb = _popcount(must_mask & decided & ~visited)
            undecided = [s for s in range(n) if not decided >> s & 1]
            for lab in bucket[key]:
                count += 1
                if count % 2000 == 0:
                    if deadline is not None and time.perf_counter() > deadline:
                        raise ExactTimeout()
                    if cancelled is not None and cancelled():
                        raise ExactTimeout()
                    if count > max_labels:
                        raise ExactTimeout()
                t, drive, lunch, travel = lab[0], lab[1], lab[2], lab[3]
                # complete here: every undecided stop is left out
                fin = finish_extra(m, k, t, drive, lunch, cur)
                if fin is not None:
                    miss = _popcount(must_mask & ~visited)
                    obj = (miss, -vis_prio, travel + fin[0])
                    if best_obj is None or obj < best_obj:
                        best_obj = obj
                        best_sol = (lab, k, fin[1])
                if best_obj is not None:
                    # optimistic bound when all remaining optional stops are taken
                    lb_travel = travel
                    if -(vis_prio + rest_prio) == best_obj[1]:
                        lb_travel += sum(min_in[s] for s in undecided)
                    if (miss_lb, -(vis_prio + rest_prio), lb_travel) >= best_obj:
                        continue
                for s in undecided:
                    forced = pred_mask[s] & ~decided
                    nd = decided | forced | (1 << s)
                    nv = visited | (1 << s)
                    if best_obj is not None:
                        newly_missed = _popcount(must_mask & forced)
                        skipped_prio = sum(opt_prio[x] for x in range(n) if forced >> x & 1)
                        if (miss_lb + newly_missed, -(vis_prio + rest_prio - skipped_prio), travel) >= best_obj:
                            continue
                    p = sp[s]
                    # the same day
                    r = m.travel_step(t, drive, lunch, cur, p)
                    if r is not None:
                        v = m.visit_step(r[0], r[2], s, m.wd[k])
                        if v is not None:
                            add((nv, nd, p, k), [v[0], r[1], v[1], travel + T[cur][p], lab, (s, None, k)])
                    # after a night (and rest days when weekdays matter)
                    if k + 1 >= m.D:
                        continue
                    if visited == 0:
                        # before the first visit the only night is a rest at the start (as in
                        # chain); those labels were made at the outset
                        continue
                    for h in m.cand(cur, p):
                        r = m.travel_step(t, drive, lunch, cur, h)
                        if r is None:
                            continue
                        base = travel + T[cur][h] + T[h][p]
                        last_k = m.D - 1 if m.use_wd else k + 1
                        for k2 in range(k + 1, last_k + 1):
                            st = m.day_begin(h)
                            if st is None:
                                break
                            r2 = m.travel_step(st[0], st[1], st[2], h, p)
                            if r2 is None:
                                break
                            v = m.visit_step(r2[0], r2[2], s, m.wd[k2])
                            if v is None:
                                continue
                            add((nv, nd, p, k2), [v[0], r2[1], v[1], base, lab, (s, h, k2)])
        buckets[c] = {}
    if best_sol is None:
        return None
    lab, _k_end, _tail = best_sol
    days: list[list[int]] = [[] for _ in range(m.D)]
    actions = []
    node = lab
    while node is not None:
        actions.append(node[5])
        node = node[4]
    for act in reversed(actions):
        if act[0] == "start":
            continue
        s, _h, kk = act
        days[kk].append(s)
    return best_obj, [tuple(d) for d in days]


__all__ = ["ANY", "ExactTimeout", "finish_extra", "solve_exact"]
