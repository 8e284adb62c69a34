"""Days with hotels: the multi-day orienteering search of the engine.

:func:`solve_days` is the orienteering problem with hotel selection (OPHS) of Divsalar,
Vansteenwegen and Cattrysse (2013): D days, day d no longer than ``limits[d]``, day 1 leaves
``start``, the last day ends at ``end``, each night at one of ``hotels``, every scored place
counted once, the total score maximised. The search follows the iterated local search for the
orienteering problem of Vansteenwegen et al. (2009) (greedy insertion by score²/extra length,
shake = remove a run of consecutive visits from every day) with the hotel moves of the skewed
VNS of Divsalar et al. (2013) (candidate hotel sequences ranked by the places they can reach,
swap of one night's hotel, restarts from the next sequence) and an exact dynamic programme
that re-chooses every night (and where the days split) for the current visiting order, as in
the GRASP with DP hotel selection of Sohrabi et al. (2020).
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from planner.optimize.engine.control import Cancelled, Control, Progress
from planner.optimize.engine.ils import iterate
from planner.optimize.engine.paths import (
    EngineInputError,
    check_matrix,
    or_opt_path,
    path_length,
    polish_path,
    two_opt_path,
)

__all__ = ["DaysResult", "solve_days"]


# --------------------------------------------------------------------------------------------
# multi-day orienteering with hotel selection


@dataclass(frozen=True)
class DaysResult:
    """What :func:`solve_days` found.

    Attributes
    ----------
    score : float
        Total score of the places visited.
    nights : list[int]
        The D+1 places where the days begin and end: ``start``, the D-1 night places, ``end``.
    days : list[list[int]]
        The places visited on each day, in order (without the night places).
    lengths : list[float]
        The length of each day (night place to night place).
    iterations : int
        Perturbation iterations performed.
    seconds : float
        Wall time spent.
    cancelled : bool
        True when ``cancelled()`` stopped the search (the result is the best found so far).
    """

    score: float
    nights: list[int]
    days: list[list[int]]
    lengths: list[float]
    iterations: int
    seconds: float
    cancelled: bool = False


class _State:
    """Nights, day routes, day lengths and the visited flags of one solution."""

    __slots__ = ("H", "R", "L", "vis", "score")

    def __init__(self, H, R, L, vis, score):
        self.H = H
        self.R = R
        self.L = L
        self.vis = vis
        self.score = score

    def copy(self) -> _State:
        return _State(list(self.H), [list(r) for r in self.R], list(self.L), list(self.vis), self.score)

    def key(self):
        return (round(self.score, 9), -round(sum(self.L), 9))


def solve_days(
    matrix,
    score,
    limits: Sequence[float],
    *,
    start: int,
    end: int,
    hotels: Sequence[int],
    tolerance: float = 0.0,
    time_limit_s: float | None = 5.0,
    seed: int = 0,
    max_iterations: int | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> DaysResult:
    """Choose the night places and the places of each day to maximise the total score.

    Parameters
    ----------
    matrix : array_like, shape (n, n)
        Travel cost (finite, non-negative; may be asymmetric).
    score : array_like, shape (n,)
        Score of each place (non-negative); the night places' scores are not counted.
    limits : sequence of float
        The longest each day may be, one per day.
    start, end : int
        Where day 1 begins and the last day ends.
    hotels : sequence of int
        The places a night may be spent at (``start`` and ``end`` may be among them). They are
        never visited as scored places.
    tolerance : float
        A day of length up to ``limit + tolerance`` is accepted.
    time_limit_s : float or None
        Wall-time budget; the search also ends after a long run without a better solution, or at
        ``max_iterations``.
    seed : int
        Seed of the random choices; the result is the same for a seed whenever the time limit is
        not what stopped the search.
    progress, cancelled : callable, optional
        ``progress(fraction, message)``; ``cancelled() -> bool`` polled between iterations.

    Raises
    ------
    EngineInputError
        For a bad matrix (NaN, inf, negative), scores or limits, or when no sequence of nights
        lets even the empty days fit.
    """
    t0 = time.perf_counter()
    Dn = check_matrix(matrix)
    n = Dn.shape[0]
    try:
        sc = np.asarray(score, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        raise EngineInputError("scores must be numbers") from None
    if sc.shape != (n,) or not np.isfinite(sc).all() or (sc < 0).any():
        raise EngineInputError(f"scores must be {n} finite non-negative numbers")
    lim = [float(x) for x in limits]
    if not lim or any(not math.isfinite(x) or x < 0 for x in lim):
        raise EngineInputError("day limits must be one or more finite non-negative numbers")
    for name, v in (("start", start), ("end", end)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or not 0 <= v < n:
            raise EngineInputError(f"{name} = {v!r} is not a place index below {n}")
    hotel_set = sorted({int(h) for h in hotels} | {int(start), int(end)})
    if any(not 0 <= h < n for h in hotel_set):
        raise EngineInputError("a hotel index is out of range")
    if time_limit_s is not None and not (isinstance(time_limit_s, (int, float)) and time_limit_s > 0):
        raise EngineInputError(f"time_limit_s must be a positive number or None, got {time_limit_s!r}")
    control = Control(time_limit_s, max_iterations, seed, progress, cancelled, t0=t0)
    search = _DaysSearch(Dn, sc, lim, int(start), int(end), hotel_set, float(tolerance), control.rng)
    return search.run(control)


class _DaysSearch:
    def __init__(self, Dn, sc, lim, start, end, hotels, tol, rng):
        self.Dn = Dn
        self.D = Dn.tolist()
        n = Dn.shape[0]
        self.n = n
        self.nd = len(lim)
        self.lim = lim
        self.cap = [x + tol for x in lim]
        self.start = start
        self.end = end
        self.hotels = hotels
        hs = set(hotels)
        self.places = np.array([v for v in range(n) if v not in hs and sc[v] > 0], dtype=int)
        self.sc = [0.0 if v in hs else float(sc[v]) for v in range(n)]
        self.scn = np.array(self.sc)
        self.rng = rng
        self.best_score = 0.0  # the best score so far, for the progress text
        self.total = float(self.scn[self.places].sum())  # every scored place visited: nothing better exists
        self.eps = 1e-9 * max(1.0, float(Dn.max()))
        self._opt: dict[tuple, tuple] = {}
        self._no_relocate: set = set()
        self.cands = self._hotel_sequences()
        if not self.cands:
            raise EngineInputError("no choice of night places lets the days fit their limits, even with no visits")

    # ------------------------------------------------------------ hotel sequences
    def _hotel_sequences(self, keep: int = 60) -> list[tuple[int, ...]]:
        """Feasible night sequences, best first by the score their days' ellipses can reach."""
        nd, D, Dn, cap = self.nd, self.D, self.Dn, self.cap
        hs = self.hotels
        places = self.places
        if nd == 1:
            return [(self.start, self.end)] if D[self.start][self.end] <= cap[0] else []
        # reach[d][(a, b)]: places with D[a][v] + D[v][b] <= cap[d]
        reach: dict[tuple[int, int, int], np.ndarray] = {}

        def ell(d, a, b):
            k = (d, a, b)
            if k not in reach:
                reach[k] = (Dn[a, places] + Dn[places, b]) <= cap[d]
            return reach[k]

        # Which hotels can be the night after day d and still reach the end (backwards).
        ok_after: list[set[int]] = [set() for _ in range(nd + 1)]
        ok_after[nd] = {self.end}
        for d in range(nd - 1, 0, -1):
            ok_after[d] = {a for a in hs if any(D[a][b] <= cap[d] for b in ok_after[d + 1])}
        seqs: list[tuple[int, ...]] = []
        total = len(hs) ** (nd - 1)
        if total <= 20000:
            for mid in itertools.product(hs, repeat=nd - 1):
                s = (self.start, *mid, self.end)
                if all(D[s[d]][s[d + 1]] <= cap[d] for d in range(nd)):
                    seqs.append(s)
        else:  # beam over prefixes, ranked by the union of reachable places
            beam: list[tuple[int, ...]] = [(self.start,)]
            for d in range(nd - 1):
                nxt: list[tuple[int, ...]] = []
                for s in beam:
                    for h in ok_after[d + 1]:
                        if D[s[-1]][h] <= cap[d]:
                            nxt.append((*s, h))
                nxt.sort(key=lambda s: -self._union_score(s, ell))
                beam = nxt[:200]
            seqs = [(*s, self.end) for s in beam if D[s[-1]][self.end] <= cap[nd - 1]]
        seqs.sort(key=lambda s: (-self._union_score(s, ell), -self._sum_score(s, ell), s))
        return seqs[:keep]

    def _union_score(self, s, ell) -> float:
        m = np.zeros(len(self.places), dtype=bool)
        for d in range(len(s) - 1):
            m |= ell(d, s[d], s[d + 1])
        return float(self.scn[self.places][m].sum())

    def _sum_score(self, s, ell) -> float:
        return float(sum(self.scn[self.places][ell(d, s[d], s[d + 1])].sum() for d in range(len(s) - 1)))

    # ------------------------------------------------------------ basic state handling
    def empty(self, H) -> _State:
        D = self.D
        L = [D[H[d]][H[d + 1]] for d in range(self.nd)]
        vis = [False] * self.n
        return _State(list(H), [[] for _ in range(self.nd)], L, vis, 0.0)

    def path(self, st: _State, d: int) -> list[int]:
        return [st.H[d], *st.R[d], st.H[d + 1]]

    def set_path(self, st: _State, d: int, P: list[int]) -> None:
        st.R[d] = P[1:-1]
        st.L[d] = path_length(self.D, P)

    # ------------------------------------------------------------ insertion
    def insert_greedy(self, st: _State, noise: float = 0.0, banned=()) -> None:
        """Insert unvisited places by score² / extra length, best first, while any fits."""
        Dn = self.Dn
        free = np.array([v for v in self.places if not st.vis[v] and v not in banned], dtype=int)
        if free.size == 0:
            return
        nd = self.nd
        sc2 = self.scn[free] ** 2
        if noise > 0:
            sc2 = sc2 * np.array([1.0 + noise * self.rng.random() for _ in range(free.size)])
        best_ratio = np.full((nd, free.size), -1.0)
        best_pos = np.zeros((nd, free.size), dtype=int)
        best_delta = np.zeros((nd, free.size))
        alive = np.ones(free.size, dtype=bool)

        def refresh(d):
            P = np.array(self.path(st, d))
            a, b = P[:-1], P[1:]
            delta = Dn[a][:, free] + Dn[free][:, b].T - Dn[a, b][:, None]  # (positions, free)
            slack = self.cap[d] - st.L[d]
            delta = np.where(delta <= slack, delta, np.inf)
            pos = np.argmin(delta, axis=0)
            dl = delta[pos, np.arange(free.size)]
            ok = np.isfinite(dl) & alive
            best_ratio[d] = np.where(ok, sc2 / np.maximum(dl, 1e-9), -1.0)
            best_pos[d] = pos
            best_delta[d] = dl

        for d in range(nd):
            refresh(d)
        while True:
            flat = int(np.argmax(best_ratio))
            d, j = divmod(flat, free.size)
            if best_ratio[d, j] < 0:
                return
            v = int(free[j])
            p = int(best_pos[d, j])
            st.R[d].insert(p, v)
            st.L[d] += float(best_delta[d, j])
            st.vis[v] = True
            st.score += self.sc[v]
            alive[j] = False
            best_ratio[:, j] = -1.0
            refresh(d)

    # ------------------------------------------------------------ length reduction
    def shorten_day(self, st: _State, d: int) -> bool:
        """2-opt and Or-opt on one day until neither helps (results cached by the day's path)."""
        P = self.path(st, d)
        if len(P) < 4:
            return False
        key = tuple(P)
        hit = self._opt.get(key)
        if hit is None:
            Q = list(P)
            while two_opt_path(self.D, Q, self.eps) + or_opt_path(self.D, Q, 3, self.eps) > self.eps:
                pass
            hit = tuple(Q)
            if len(self._opt) > 50000:
                self._opt.clear()
            self._opt[key] = hit
            self._opt[hit] = hit
        if hit != key and path_length(self.D, hit) < st.L[d] - self.eps:
            self.set_path(st, d, list(hit))
            return True
        return False

    def relocate_between(self, st: _State) -> bool:
        """Move one visit to another day when that shortens the total (first improvement)."""
        sig = (tuple(st.H), tuple(tuple(r) for r in st.R))
        if sig in self._no_relocate:
            return False
        improved = self._relocate_between(st)
        if not improved:
            if len(self._no_relocate) > 50000:
                self._no_relocate.clear()
            self._no_relocate.add(sig)
        return improved

    def _relocate_between(self, st: _State) -> bool:
        """Apply the best single-visit move to another day while one shortens the total."""
        Dn = self.Dn
        improved = False
        for _ in range(10 * self.n):
            paths = [np.array(self.path(st, d)) for d in range(self.nd)]
            best = self.eps
            mv = None
            for a in range(self.nd):
                Pa = paths[a]
                if len(Pa) < 3:
                    continue
                V = Pa[1:-1]
                gain = Dn[Pa[:-2], V] + Dn[V, Pa[2:]] - Dn[Pa[:-2], Pa[2:]]  # saved by taking v out
                for b in range(self.nd):
                    if b == a:
                        continue
                    Pb = paths[b]
                    X, Y = Pb[:-1], Pb[1:]
                    C = Dn[X][:, V] + Dn[V][:, Y].T - Dn[X, Y][:, None]  # (edges of b, visits of a)
                    C = np.where(C <= self.cap[b] - st.L[b], C, np.inf)
                    k = np.argmin(C, axis=0)
                    net = gain - C[k, np.arange(V.size)]
                    i = int(np.argmax(net))
                    if net[i] > best:
                        best = float(net[i])
                        mv = (a, i, b, int(k[i]), float(gain[i]), float(C[k[i], i]))
            if mv is None:
                return improved
            a, i, b, k, g, c = mv
            v = st.R[a].pop(i)
            st.L[a] -= g
            st.R[b].insert(k, v)
            st.L[b] += c
            improved = True
        return improved

    def hotel_swap(self, st: _State) -> bool:
        """Replace one night's place when both days it joins get shorter in total and still fit."""
        D = self.D
        improved = False
        for b in range(1, self.nd):
            h = st.H[b]
            last = st.R[b - 1][-1] if st.R[b - 1] else st.H[b - 1]
            first = st.R[b][0] if st.R[b] else st.H[b + 1]
            base = D[last][h] + D[h][first]
            best, pick = base - self.eps, None
            for g in self.hotels:
                if g == h:
                    continue
                la = st.L[b - 1] - D[last][h] + D[last][g]
                lb = st.L[b] - D[h][first] + D[g][first]
                if la <= self.cap[b - 1] and lb <= self.cap[b] and D[last][g] + D[g][first] < best:
                    best, pick = D[last][g] + D[g][first], g
            if pick is not None:
                st.L[b - 1] += D[last][pick] - D[last][h]
                st.L[b] += D[pick][first] - D[h][first]
                st.H[b] = pick
                improved = True
        return improved

    def replace(self, st: _State) -> bool:
        """Swap a visited place for an unvisited one of higher score (same day, best position).

        For each day, every pair (visited v, unvisited u) is priced at once: u takes v's place,
        or goes to u's cheapest insertion edge that does not touch v, v leaves. The pair with the
        largest score gain that fits is applied (then the one with the least extra length).
        """
        Dn = self.Dn
        scn = self.scn
        free = np.array([v for v in self.places if not st.vis[v]], dtype=int)
        if free.size == 0:
            return False
        top = free[np.argsort(-scn[free], kind="stable")[:30]]
        best = None
        for d in range(self.nd):
            Pa = np.array(self.path(st, d))
            m = len(Pa)
            if m < 3:
                continue
            inner = Pa[1:-1]
            su = scn[top]
            gain_sc = su[None, :] - scn[inner][:, None]  # (inner, cands)
            if not (gain_sc > 1e-9).any():
                continue
            slack = self.cap[d] - st.L[d]
            prev, nxt = Pa[:-2], Pa[2:]
            rem = Dn[prev, inner] + Dn[inner, nxt] - Dn[prev, nxt]  # (inner,)
            at = Dn[prev][:, top] + Dn[top][:, nxt].T - Dn[prev, nxt][:, None]  # (inner, cands)
            ins = Dn[Pa[:-1]][:, top] + Dn[top][:, Pa[1:]].T - Dn[Pa[:-1], Pa[1:]][:, None]  # (edges, cands)
            order = np.argsort(ins, axis=0, kind="stable")[:3]  # (<=3, cands) cheapest edges
            rows = np.arange(1, m - 1)[:, None]  # Pa index of each inner place
            nonadj = np.full(at.shape, np.inf)
            nonadj_edge = np.full(at.shape, -1)
            for t in range(order.shape[0] - 1, -1, -1):
                e = order[t][None, :]
                okk = (e != rows - 1) & (e != rows)
                val = ins[order[t], np.arange(top.size)][None, :]
                nonadj = np.where(okk, val, nonadj)
                nonadj_edge = np.where(okk, e, nonadj_edge)
            use_ins = nonadj < at
            cost = np.where(use_ins, nonadj, at)
            net = cost - rem[:, None]
            ok = (gain_sc > 1e-9) & (net <= slack)
            if not ok.any():
                continue
            key = np.where(ok, gain_sc * 1e6 - net, -np.inf)
            bi, bj = np.unravel_index(int(np.argmax(key)), key.shape)
            k = (float(gain_sc[bi, bj]), -float(net[bi, bj]))
            if best is None or k > best[0]:
                best = (k, d, int(bi) + 1, int(top[bj]), bool(use_ins[bi, bj]), int(nonadj_edge[bi, bj]))
        if best is None:
            return False
        _, d, i, u, by_edge, e = best
        P = self.path(st, d)
        v = P[i]
        if by_edge:
            P.insert(e + 1, u)
            P.remove(v)
        else:
            P[i] = u
        self.set_path(st, d, P)
        st.vis[v] = False
        st.vis[u] = True
        st.score += self.sc[u] - self.sc[v]
        return True

    def insert_reopt(self, st: _State, tries: int = 3) -> bool:
        """Insert a place that does not fit by cheapest insertion, when re-ordering its day makes it fit."""
        Dn = self.Dn
        free = np.array([v for v in self.places if not st.vis[v]], dtype=int)
        if free.size == 0:
            return False
        for d in sorted(range(self.nd), key=lambda d: st.L[d] - self.cap[d], reverse=True):
            P = self.path(st, d)
            Pa = np.array(P)
            a, b = Pa[:-1], Pa[1:]
            delta = Dn[a][:, free] + Dn[free][:, b].T - Dn[a, b][:, None]
            pos = np.argmin(delta, axis=0)
            excess = st.L[d] + delta[pos, np.arange(free.size)] - self.cap[d]
            near = np.nonzero((excess > 0) & (excess < 0.05 * max(self.cap[d], 1e-9)))[0]
            if near.size == 0:
                continue
            order = sorted(near.tolist(), key=lambda j: (-self.sc[int(free[j])], excess[j]))[:tries]
            for j in order:
                v = int(free[j])
                Q = P[: pos[j] + 1] + [v] + P[pos[j] + 1 :]
                key = tuple(Q)
                hit = self._opt.get(key)
                if hit is None:
                    R = list(Q)
                    polish_path(self.D, R, eps=self.eps)
                    hit = tuple(R)
                    self._opt[key] = hit
                    self._opt[hit] = hit
                length = path_length(self.D, hit)
                if length <= self.cap[d]:
                    st.R[d] = list(hit[1:-1])
                    st.L[d] = length
                    st.vis[v] = True
                    st.score += self.sc[v]
                    return True
        return False

    def local_search(self, st: _State, deadline: float) -> None:
        for _ in range(100):
            before = st.key()
            for d in range(self.nd):
                self.shorten_day(st, d)
            self.hotel_swap(st)
            self.relocate_between(st)
            self.insert_greedy(st)
            while self.replace(st):
                self.insert_greedy(st)
            while self.insert_reopt(st):
                self.insert_greedy(st)
            if st.key() <= before or time.perf_counter() > deadline:
                break

    # ------------------------------------------------------------ exact re-choice of nights
    def resplit(self, st: _State) -> _State | None:
        """Best split of the visiting sequence into days and nights (a DP), keeping every visit.

        Only splits that keep the sequence's order and visit every place are considered; the
        result is the one with the most slack in total (shortest sum of lengths).
        """
        D = self.D
        seq = [v for r in st.R for v in r]
        m = len(seq)
        nd = self.nd
        hs = self.hotels
        cum = [0.0] * (m + 1)
        for k in range(1, m):
            cum[k] = cum[k - 1] + D[seq[k - 1]][seq[k]]
        # best[d][(i, h)]: shortest total length of days 0..d-1 covering seq[:i], night d at h
        INF = math.inf
        best = {(0, self.start): 0.0}
        back: list[dict] = []
        for d in range(nd):
            nxt: dict = {}
            arg: dict = {}
            last_day = d == nd - 1
            targets = [self.end] if last_day else hs
            for (i, h), c0 in best.items():
                Dh = D[h]
                js = [m] if last_day else range(i, m + 1)
                for j in js:  # this day covers seq[i:j]
                    if j > i:
                        inner = Dh[seq[i]] + cum[j - 1] - cum[i]
                        tail = seq[j - 1]
                    else:
                        inner = 0.0
                        tail = h
                    if inner > self.cap[d]:
                        break
                    Dt = D[tail]
                    for g in targets:
                        length = inner + Dt[g]
                        if length <= self.cap[d]:
                            c = c0 + length
                            if c < nxt.get((j, g), INF):
                                nxt[(j, g)] = c
                                arg[(j, g)] = (i, h)
            back.append(arg)
            best = nxt
        if (m, self.end) not in best:
            return None
        H = [0] * (nd + 1)
        cuts = [0] * (nd + 1)
        state = (m, self.end)
        for d in range(nd - 1, -1, -1):
            H[d + 1] = state[1]
            cuts[d + 1] = state[0]
            state = back[d][state]
        H[0] = self.start
        new = self.empty(H)
        for d in range(nd):
            new.R[d] = seq[cuts[d] : cuts[d + 1]]
            new.L[d] = path_length(D, self.path(new, d))
        new.vis = list(st.vis)
        new.score = st.score
        return new

    # ------------------------------------------------------------ perturbation
    def shake(self, st: _State, size: int, pos: int) -> set[int]:
        """Remove ``size`` consecutive visits from every day, starting at ``pos`` (Vansteenwegen 2009)."""
        D = self.D
        removed: set[int] = set()
        for d in range(self.nd):
            r = st.R[d]
            if not r:
                continue
            p = pos % len(r)
            gone = r[p : p + size]
            del r[p : p + size]
            for v in gone:
                st.vis[v] = False
                st.score -= self.sc[v]
            removed.update(gone)
            st.L[d] = path_length(D, self.path(st, d))
        return removed

    def shake_random(self, st: _State) -> set[int]:
        """Remove a random 10-30 % of the visits, anywhere in the trip."""
        D = self.D
        visits = [(d, v) for d in range(self.nd) for v in st.R[d]]
        if not visits:
            return set()
        k = max(1, int(len(visits) * self.rng.uniform(0.1, 0.3)))
        gone = {v for _, v in self.rng.sample(visits, k)}
        for d in range(self.nd):
            if any(v in gone for v in st.R[d]):
                st.R[d] = [v for v in st.R[d] if v not in gone]
                st.L[d] = path_length(D, self.path(st, d))
        for v in gone:
            st.vis[v] = False
            st.score -= self.sc[v]
        return gone

    def shake_days(self, st: _State) -> set[int]:
        """Empty two neighbouring days (their places go back to the pool, the nights stay)."""
        b = self.rng.randrange(self.nd - 1)
        gone: set[int] = set()
        for d in (b, b + 1):
            for v in st.R[d]:
                st.vis[v] = False
                st.score -= self.sc[v]
                gone.add(v)
            st.R[d] = []
            st.L[d] = self.D[st.H[d]][st.H[d + 1]]
        return gone

    def change_night(self, st: _State) -> None:
        """Move one night to another hotel, dropping the worst visits of its two days until they fit."""
        if self.nd < 2:
            return
        b = self.rng.randrange(1, self.nd)
        D = self.D
        a, c = st.H[b - 1], st.H[b + 1]
        options = [g for g in self.hotels if g != st.H[b] and D[a][g] <= self.cap[b - 1] and D[g][c] <= self.cap[b]]
        if not options:
            return
        st.H[b] = self.rng.choice(options)
        for d in (b - 1, b):
            P = self.path(st, d)
            two_opt_path(D, P, self.eps)
            L = path_length(D, P)
            while L > self.cap[d] and len(P) > 2:
                # drop the visit with the worst score per length saved
                i = min(
                    range(1, len(P) - 1),
                    key=lambda i: self.sc[P[i]] / max(1e-9, D[P[i - 1]][P[i]] + D[P[i]][P[i + 1]] - D[P[i - 1]][P[i + 1]]),
                )
                v = P.pop(i)
                st.vis[v] = False
                st.score -= self.sc[v]
                L = path_length(D, P)
            self.set_path(st, d, P)

    # ------------------------------------------------------------ main loop
    def ils(self, cur: _State, control: Control, budget: int, patience: int, nights: bool) -> _State:
        """The engine's iterated local search from ``cur`` for at most ``budget`` iterations; the best state.

        Kick: remove a growing run of consecutive visits from every day (Vansteenwegen et al.
        2009), now and then 10-30 % of the visits at random, or two neighbouring days, or (with
        ``nights``) move one night to another hotel; greedy re-insertion, the local search, and
        every 10th iteration the exact re-split of the visiting order into days and nights.
        The search goes on from the kicked solution, and back to the best after 25 kicks without
        a better one.
        """
        rng = self.rng
        shake = {"size": 1, "pos": 0}

        def perturb(cur: _State, stall: int) -> _State:
            removed: set[int] = set()
            r = rng.random()
            if nights and r < 0.1:
                self.change_night(cur)
            elif r > 0.95 and self.nd > 1:
                removed = self.shake_days(cur)
            elif r > 0.8:
                removed = self.shake_random(cur)
            else:
                biggest = max(len(x) for x in cur.R) if any(cur.R) else 1
                removed = self.shake(cur, shake["size"], shake["pos"])
                shake["pos"] += shake["size"]
                shake["size"] += 1
                if shake["size"] > max(1, (biggest + 1) // 2 + 1):
                    shake["size"] = 1
            # the places just removed come back only after the others had their chance
            self.insert_greedy(cur, noise=0.3, banned=removed)
            self.insert_greedy(cur, noise=0.3)
            return cur

        def improve(cur: _State) -> _State:
            self.local_search(cur, control.deadline)
            if control.it % 10 == 0:
                alt = self.resplit(cur)
                if alt is not None and sum(alt.L) < sum(cur.L) - self.eps:
                    cur = alt
                    self.local_search(cur, control.deadline)
            return cur

        def on_best(st: _State) -> _State:
            shake["size"] = 1
            self.best_score = max(self.best_score, st.score)
            return st

        def accept(cand: _State, cur: _State, best: _State, stall: int) -> _State:
            return best.copy() if stall % 25 == 24 else cand

        out = iterate(
            cur,
            control,
            perturb=perturb,
            improve=improve,
            better=lambda a, b: a.key() > b.key(),
            accept=accept,
            copy=lambda st: st.copy(),
            patience=patience,
            budget=budget,
            finished=lambda st: st.score >= self.total - 1e-9,
            on_best=on_best,
            message=lambda best: f"searching (iteration {control.it}, score {self.best_score:g})",
        )
        return out.best

    def run(self, control: Control) -> DaysResult:
        n_places = len(self.places)
        deadline = control.deadline
        t0 = control.t0
        # 1. greedy + local search on every candidate night sequence (best-ranked first, at most
        #    a third of the time); the six best results are the starts
        starts = []
        screen_until = t0 + (deadline - t0) / 3 if math.isfinite(deadline) else math.inf
        for H in self.cands:
            st = self.empty(H)
            self.insert_greedy(st)
            self.local_search(st, deadline)
            starts.append(st)
            if time.perf_counter() > screen_until or control.is_cancelled():
                break
        starts.sort(key=lambda s: s.key(), reverse=True)
        starts = starts[:6]
        best = starts[0].copy()
        # 2. a short search from each start, so a sequence that starts badly still gets its chance
        per_start = max(60, 2 * n_places)
        elite = []
        for st in starts:
            if control.stopped or time.perf_counter() >= deadline:
                break
            r = self.ils(st, control, per_start, per_start, nights=False)
            elite.append(r)
            if r.key() > best.key():
                best = r.copy()
        # 3. rounds of search, now also moving nights: from the best, from a fresh randomised
        #    construction on the best nights (GRASP-like restart), from the other elite starts
        elite.sort(key=lambda s: s.key(), reverse=True)
        budget = max(300, 5 * n_places)
        round_ = 0
        idle = 0
        while not control.should_stop():
            if best.score >= self.total - 1e-9 or idle >= 8:
                break
            kind = round_ % 4
            if kind == 0 or not elite:
                src = best.copy()
            elif kind == 2 and len(elite) > 1:
                src = elite[1 + (round_ // 4) % (len(elite) - 1)].copy()
            else:
                src = self.empty(best.H if kind == 1 else elite[(round_ // 4) % len(elite)].H)
                self.insert_greedy(src, noise=1.0)
                self.local_search(src, deadline)
            before = best.key()
            r = self.ils(src, control, budget, budget // 2, nights=True)
            if r.key() > best.key():
                best = r.copy()
            round_ += 1
            idle = 0 if best.key() > before else idle + 1
        if control.progress is not None:
            control.progress(1.0, "done")
        return DaysResult(
            score=best.score,
            nights=list(best.H),
            days=[list(r) for r in best.R],
            lengths=list(best.L),
            iterations=control.it,
            seconds=time.perf_counter() - t0,
            cancelled=control.stopped,
        )
