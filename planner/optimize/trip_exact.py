"""Exact trip solver for small requests: label setting over (visited set, last place, day).

A label is a partial trip: the stops visited (and those given up because a later stop in the
'after' order was taken first), the place where the group is, the day, and the resources
(clock, road minutes today, lunch taken, travel so far). Extending a label visits one more
stop, either later the same day or after a night at one of the night candidates and any
days without visits (rest days, or transfer days between night candidates). Labels at the same key are pruned by dominance
(earlier clock, less road time, lunch no less taken, less travel; without weekdays also an
earlier day, since all days are alike then); whole labels are pruned by the incumbent on the
lexicographic objective, with an optimistic bound: the priority still reachable is capped by
a knapsack (LP relaxation, exact integers) of the stops left into the busy minutes the rest of
the trip can hold (each stop needs its visit and the least travel into it). Exact relative to
the model in trip_model.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from functools import cmp_to_key

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


def _least_in_minutes(m: TripModel) -> list[list[int]]:
    """Least travel minutes from place x to place y, directly or via any places on the way.

    Filled for the start, the end and the stops' places (0 elsewhere): a stop is reached from
    the start or another stop's place, directly or via nights (and transfer days between
    them), and the end likewise; these minutes bound both the travel and the clock time still
    to come.
    """
    import numpy as np

    # shortest paths over any places on the way (transfer days may chain several night
    # places): a lower bound even where the travel minutes break the triangle inequality
    d = np.array(m.T, dtype=np.int64)
    np.fill_diagonal(d, np.minimum(np.diagonal(d), 0))
    for h in range(m.P):
        d = np.minimum(d, d[:, h : h + 1] + d[h : h + 1, :])
    rel = sorted(set(m.stop_place) | {m.start} | (set() if m.open_end else {m.end}))
    dd = [[0] * m.P for _ in range(m.P)]
    for x in rel:
        for y in rel:
            dd[x][y] = max(0, int(d[x, y]))
    return dd


def _by_ratio(items, ip: list[int], w: dict[int, int]) -> list[int]:
    """Stops by priority per minute, highest first (exact: cross-multiplied integers), then index."""

    def cmp(a: int, b: int) -> int:
        x, y = ip[a] * w[b], ip[b] * w[a]
        return -1 if x > y else (1 if x < y else a - b)

    return sorted(items, key=cmp_to_key(cmp))


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
    D = m.D
    wd = m.wd
    # days differ when weekdays matter or a stop is pinned: then the day is part of a label's key
    use_wd = m.use_wd or m.any_pin
    visit = m.visit
    must = m.must
    day_end = m.day_end
    L = m.L
    open_end = m.open_end
    end = m.end
    pred_mask = [sum(1 << p for p in m.preds[s]) for s in range(n)]
    must_mask = sum(1 << s for s in range(n) if must[s])
    opt_prio = [0.0 if must[s] else m.prio[s] for s in range(n)]
    dd = _least_in_minutes(m)
    # stops whose travel the optimistic bound may count when every remaining stop is taken:
    # the must stops and the optional ones that add priority
    counted = [must[s] or opt_prio[s] > 0 for s in range(n)]

    # Capacity bound: the rest of the trip holds at most so many busy minutes (travel and
    # visits); each stop still to visit needs its visit and the least travel into it (from
    # here or from another stop left). A 0/1 knapsack over the optional stops (LP bound, in
    # exact integers) caps the priority still reachable. Only when the priorities are exact
    # binary fractions (their sums exact in floats, whatever the order).
    SCALE = 1024
    use_cap = all(float(p * SCALE).is_integer() for p in opt_prio) and sum(opt_prio) < 2**40
    ip = [int(p * SCALE) for p in opt_prio] if use_cap else [0] * n
    g = 0
    for x in ip:
        g = math.gcd(g, x)
    g = g or 1  # every reachable priority is a multiple of g (scaled)

    W0 = m.W0

    def cap_from(t: int, lunch: bool) -> int:
        if lunch:
            return max(0, day_end - t)
        return max(0, day_end - t - L, W0 - t)

    st0 = m.day_begin(m.start)
    cap_full = cap_from(st0[0], st0[2]) if st0 is not None else 0
    travel_to = m.travel_step
    visit_at = m.visit_step
    pin = m.pin

    # the morning after a night at h, up to the end of the visit of s (depends on h, s, weekday)
    morning: dict = {}

    def morning_visit(h: int, s: int, w: int):
        key = (h, s, w)
        r = morning.get(key, False)
        if r is False:
            r = None
            if st0 is not None:
                r2 = travel_to(st0[0], st0[1], st0[2], h, sp[s])
                if r2 is None:
                    r = "travel"  # the same for every weekday
                else:
                    v = m.visit_step(r2[0], r2[2], s, w)
                    if v is not None:
                        r = (v[0], r2[1], v[1], cap_from(v[0], v[1]))
            else:
                r = "travel"
            morning[key] = r
        return r

    cands: dict = {}
    edge_ok: dict = {}
    moves_cache: dict = {}
    max_j = max(0, D - 2)

    def moves(cur: int, p: int, hs: tuple, mask: int) -> list:
        """The ways from place cur (this evening) to the morning before p: a night at one of
        ``hs`` reachable this evening (bit set in ``mask``), then j >= 0 days without visits
        (transfer days between places of ``hs``, or rest days), then the morning at hm.
        Returns [(hm, [(j, extra travel incl. the morning travel to p), ...]), ...]; without
        weekdays only the j that lower the travel (a later day is no better otherwise)."""
        key = (cur, p, mask)
        r = moves_cache.get(key)
        if r is not None:
            return r
        H = len(hs)
        Tc = T[cur]
        E = []
        for x in range(H):
            row = []
            for y in range(H):
                ek = (hs[x], hs[y])
                ok = edge_ok.get(ek)
                if ok is None:
                    ok = edge_ok[ek] = m.run_day(0, hs[x], (), hs[y]) is not None
                row.append(T[hs[x]][hs[y]] if ok else None)
            E.append(row)
        best = [Tc[hs[y]] if mask >> y & 1 else None for y in range(H)]
        steps: list[list] = [[] for _ in range(H)]
        for y in range(H):
            if best[y] is not None:
                steps[y].append((0, best[y] + T[hs[y]][p]))
        for j in range(1, max_j + 1):
            nb = list(best)
            for x in range(H):
                bx = best[x]
                if bx is None:
                    continue
                Ex = E[x]
                for y in range(H):
                    e = Ex[y]
                    if e is not None and (nb[y] is None or bx + e < nb[y]):
                        nb[y] = bx + e
            changed = False
            for y in range(H):
                ny, by = nb[y], best[y]
                if ny is None:
                    continue
                if use_wd or by is None or ny < by:
                    steps[y].append((j, ny + T[hs[y]][p]))
                if by is None or ny < by:
                    changed = True
            best = nb
            if not changed and not use_wd:
                break
        r = [(hs[y], steps[y]) for y in range(H) if steps[y]]
        moves_cache[key] = r
        return r

    best_obj = incumbent
    best_sol = None
    # label: (t, drive, lunch, travel, k, parent, action); action = (s, night_place or None, day)
    # Without weekdays every day is alike, so a label on an earlier day dominates one on a
    # later day (it can do all the same, with days to spare): the day is a resource then.
    buckets: list[dict] = [{} for _ in range(n + 1)]

    def add(c, key, lab) -> None:
        b = buckets[c]
        labels = b.get(key)
        if labels is None:
            b[key] = [lab]
            return
        t, dr, lu, tr, kk = lab[0], lab[1], lab[2], lab[3], lab[4]
        for o in labels:
            if o[3] <= tr and o[0] <= t and o[1] <= dr and (o[2] or not lu) and o[4] <= kk:
                return
        labels[:] = [
            o for o in labels if not (tr <= o[3] and t <= o[0] and dr <= o[1] and (lu or not o[2]) and kk <= o[4])
        ]
        labels.append(lab)

    start_days = range(D) if (use_wd and m.start in m.hubs) else range(1)
    for k in start_days:
        st = m.day_begin(m.start)
        if st is None:
            continue
        add(0, (0, 0, m.start, k if use_wd else 0), (st[0], st[1], st[2], 0, k, None, ("start", k)))

    def hopeless(cap: int, s: int, travel_c: int) -> bool:
        # The bound of the label that visits s next (no stop forced out), from this label's
        # stops left: its travel minimums are never larger, so the bound is never stronger
        # than the one the new label gets when it is taken up; pruning it now saves storing it.
        # Called only with an incumbent (``check`` requires one).
        bound = best_obj
        assert bound is not None
        lb_miss = miss_lb
        w_m = w_must - wk[s] if must[s] else w_must
        lb_prio = all_prio
        if w_m > cap:
            lb_miss += 1
        else:
            room = cap - w_m
            ub = 0
            for u in opt_und:
                if u == s:
                    continue
                ws = wk[u]
                if ws <= room:
                    room -= ws
                    ub += ip[u]
                else:
                    ub += ip[u] * room // ws
                    break
            ub -= ub % g
            p_ub = (vis_ip + ip[s] + ub) / SCALE
            if p_ub < lb_prio:
                lb_prio = p_ub
        lb_travel = travel_c
        if lb_miss == miss_lb and lb_prio == all_prio and -lb_prio == bound[1]:
            lb_travel += all_in - inn[s] if counted[s] else all_in
        return (lb_miss, -lb_prio, lb_travel) >= bound

    count = 0
    for c in range(n + 1):
        bucket = buckets[c]
        # the same order as one key per day: by day, then visited, decided, place
        work = []
        for key, labels in bucket.items():
            for lab in labels:
                work.append((lab[4], key[0], key[1], key[2], lab))
        work.sort(key=lambda x: x[:4])
        prev = None
        for k, visited, decided, cur, lab in work:
            if (k, visited, decided, cur) != prev:
                prev = (k, visited, decided, cur)
                vis_prio = sum(opt_prio[s] for s in range(n) if visited >> s & 1)
                rest_prio = sum(opt_prio[s] for s in range(n) if not decided >> s & 1)
                all_prio = vis_prio + rest_prio
                miss_lb = (must_mask & decided & ~visited).bit_count()
                miss_here = (must_mask & ~visited).bit_count()
                undecided = [s for s in range(n) if not decided >> s & 1]
                # least travel into each stop left (from here or another stop left) and to the end
                inn = {}
                dcur = dd[cur]
                for s in undecided:
                    ps = sp[s]
                    b = dcur[ps]
                    for u in undecided:
                        if u != s:
                            x = dd[sp[u]][ps]
                            if x < b:
                                b = x
                    inn[s] = b
                e_in = 0
                if not open_end:
                    e_in = dcur[end]
                    for u in undecided:
                        x = dd[sp[u]][end]
                        if x < e_in:
                            e_in = x
                all_in = sum(inn[s] for s in undecided if counted[s]) + e_in
                if use_cap:
                    vis_ip = sum(ip[s] for s in range(n) if visited >> s & 1)
                    w_must = sum(visit[s] + inn[s] for s in undecided if must[s]) + e_in
                    wk = {s: visit[s] + inn[s] for s in undecided}
                    opt_und = _by_ratio((s for s in undecided if not must[s] and ip[s] > 0), ip, wk)
                    days_left = D - 1 - k
                wdk = wd[k]
                night_ok = k + 1 < D
            count += 1
            if count % 2000 == 0:
                if deadline is not None and time.perf_counter() > deadline:
                    raise ExactTimeout()
                if cancelled is not None and cancelled():
                    raise ExactTimeout()
                if count > max_labels:
                    raise ExactTimeout()
            t, drive, lunch, travel = lab[0], lab[1], lab[2], lab[3]
            if use_cap:
                # the most busy minutes the rest of the trip can hold
                cap = cap_from(t, lunch) + days_left * cap_full
            if best_obj is not None:
                # optimistic bound (it also bounds completing right here, below)
                lb_miss = miss_lb
                lb_prio = all_prio
                if use_cap:
                    if w_must > cap:
                        # not every must stop left fits: at least one more is missed
                        lb_miss += 1
                    else:
                        room = cap - w_must
                        ub = 0
                        for s in opt_und:
                            ws = wk[s]
                            if ws <= room:
                                room -= ws
                                ub += ip[s]
                            else:
                                ub += ip[s] * room // ws
                                break
                        ub -= ub % g
                        p_ub = (vis_ip + ub) / SCALE
                        if p_ub < lb_prio:
                            lb_prio = p_ub
                lb_travel = travel
                if lb_miss == miss_lb and lb_prio == all_prio and -lb_prio == best_obj[1]:
                    # reaching the incumbent's priority takes every stop left
                    lb_travel += all_in
                if (lb_miss, -lb_prio, lb_travel) >= best_obj:
                    continue
            # complete here: every undecided stop is left out
            fin = finish_extra(m, k, t, drive, lunch, cur)
            if fin is not None:
                obj = (miss_here, -vis_prio, travel + fin[0])
                if best_obj is None or obj < best_obj:
                    best_obj = obj
                    best_sol = (lab, k, fin[1])
            Tc = T[cur]
            ev: dict = {}
            for s in undecided:
                forced = pred_mask[s] & ~decided
                nd = decided | forced | (1 << s)
                nv = visited | (1 << s)
                check = use_cap and not forced and best_obj is not None
                if forced and best_obj is not None:
                    newly_missed = (must_mask & forced).bit_count()
                    skipped_prio = sum(opt_prio[x] for x in range(n) if forced >> x & 1)
                    if (miss_lb + newly_missed, -(all_prio - skipped_prio), travel) >= best_obj:
                        continue
                if check and hopeless(cap, s, travel):
                    # no label visiting s next can do better (their room is never larger)
                    continue
                p = sp[s]
                c1 = c + 1
                # the same day (the model's own day simulator, step by step)
                while pin[s] is None or pin[s] == k:
                    if k in m.locked and pin[s] != k:
                        break
                    r1 = travel_to(t, drive, lunch, cur, p)
                    if r1 is None:
                        break
                    v1 = visit_at(r1[0], r1[2], s, wdk)
                    if v1 is None:
                        break
                    t1, l1 = v1
                    dr1 = r1[1]
                    tt = Tc[p]
                    if not (
                        check
                        and hopeless(
                            (day_end - t1 if l1 else max(0, day_end - t1 - L, W0 - t1)) + days_left * cap_full,
                            s,
                            travel + tt,
                        )
                    ):
                        add(c1, (nv, nd, p, k if use_wd else 0), (t1, dr1, l1, travel + tt, k, lab, (s, None, k)))
                    break
                # after a night, and days without visits (rest or transfer days, as in chain);
                # from a start label (nothing visited yet) the "evening" is a day without visits
                if not night_ok or (check and hopeless(days_left * cap_full, s, travel)):
                    continue
                ck = (cur, p)
                hs = cands.get(ck)
                if hs is None:
                    hs = cands[ck] = m.cand(cur, p)
                mask = 0
                for hi, h in enumerate(hs):
                    e = ev.get(h)
                    if e is None:
                        e = ev[h] = travel_to(t, drive, lunch, cur, h) is not None
                    if e:
                        mask |= 1 << hi
                if not mask:
                    continue
                for hm, steps in moves(cur, p, hs, mask):
                    for j, extra in steps:
                        k2 = k + 1 + j
                        if k2 >= D:
                            break
                        if pin[s] is not None and k2 != pin[s]:
                            continue
                        if k2 in m.locked and pin[s] != k2:
                            continue
                        r = morning_visit(hm, s, wd[k2])
                        if r is None:
                            continue
                        if r == "travel":
                            break
                        base = travel + extra
                        if check and hopeless(r[3] + (D - 1 - k2) * cap_full, s, base):
                            continue
                        add(c1, (nv, nd, p, k2 if use_wd else 0), (r[0], r[1], r[2], base, k2, lab, (s, hm, k2)))
        buckets[c] = {}
    if best_sol is None:
        return None
    lab, _k_end, _tail = best_sol
    days: list[list[int]] = [[] for _ in range(m.D)]
    actions = []
    node = lab
    while node is not None:
        actions.append(node[6])
        node = node[5]
    for act in reversed(actions):
        if act[0] == "start":
            continue
        s, _h, kk = act
        days[kk].append(s)
    return best_obj, [tuple(d) for d in days]


__all__ = ["ANY", "ExactTimeout", "finish_extra", "solve_exact"]
