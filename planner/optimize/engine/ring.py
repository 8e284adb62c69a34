"""2-opt and Or-opt on a long closed tour: neighbour lists, a work queue, local double bridges.

The kernel of :mod:`planner.optimize.engine` for long symmetric tours (hundreds of places):
moves are tried only towards the 10 nearest neighbours of a place (candidate lists), places
whose surroundings changed wait in a queue ("don't-look bits", Bentley 1992), and the kick is
a double bridge confined to a window (Or-opt of two adjacent segments; Lourenço, Martin and
Stützle 2003). An asymmetric tour is searched here through the Jonker–Volgenant doubling
(:mod:`planner.optimize.tour`) and finished by the asymmetric path moves of :mod:`.paths`.
"""

from __future__ import annotations

import random
from collections import deque

import numpy as np

#: Candidate neighbours per place for the moves.
NEIGHBOURS = 10


class Ring:
    """A closed tour over a symmetric cost matrix, with the moves that improve it in place.

    Attributes
    ----------
    t : list[int]
        The tour (a cyclic sequence of all nodes).
    length : float
        Its length, kept up to date by :meth:`descend` and :meth:`kick_descend`.

    Edges costing less than ``fixed_below`` are fixed: kicks never cut them and no improving
    move can. ``seg_lengths`` are the Or-opt segment lengths (a place is ``seg_lengths[0]`` nodes).
    """

    def __init__(self, c: np.ndarray, tour0: list[int] | None, fixed_below: float, seg_lengths: tuple[int, ...],
                 rng: random.Random) -> None:
        n = c.shape[0]
        self.n = n
        neigh = neighbour_lists(c, NEIGHBOURS)
        D = c.tolist()
        self.D = D
        t = list(tour0) if tour0 is not None else greedy_tour(c, neigh)
        pos = [0] * n
        for i, v in enumerate(t):
            pos[v] = i
        self.t = t
        self.pos = pos
        real = c[(c > fixed_below) & (c < -fixed_below)]
        eps = 1e-9 * (float(np.abs(real).max()) if real.size else 1.0)
        self.eps = eps

        queue: deque[int] = deque()
        inq = [False] * n

        def push(*nodes: int) -> None:
            for v in nodes:
                if not inq[v]:
                    inq[v] = True
                    queue.append(v)

        def reverse(i: int, j: int) -> None:
            """Reverse tour positions i..j (cyclic, inclusive), or the shorter complement."""
            length = (j - i) % n + 1
            if 2 * length > n:
                i, j = (j + 1) % n, (i - 1) % n
                length = n - length
            for _ in range(length // 2):
                a = t[i]
                b = t[j]
                t[i] = b
                pos[b] = i
                t[j] = a
                pos[a] = j
                i += 1
                if i == n:
                    i = 0
                j -= 1
                if j < 0:
                    j = n - 1

        def move_segment(i: int, j: int, c1: int, c2: int, rev: bool) -> None:
            """Move the segment at positions i..j between the adjacent places c1 -> c2."""
            seg_len = (j - i) % n + 1
            seg = [t[(i + k) % n] for k in range(seg_len)]
            if rev:
                seg.reverse()
            p2 = pos[c2]
            forward = (pos[c1] - j) % n  # places after the segment up to c1
            backward = (i - p2) % n  # places from c2 up to just before the segment
            if forward <= backward:
                new = [t[(j + 1 + k) % n] for k in range(forward)] + seg
                s = i
            else:
                new = seg + [t[(p2 + k) % n] for k in range(backward)]
                s = p2
            for v in new:
                t[s] = v
                pos[v] = s
                s += 1
                if s == n:
                    s = 0

        def improve(a: int) -> float:
            """Apply the first improving 2-opt or Or-opt move around place a; return its gain."""
            Da = D[a]
            pa = pos[a]
            na = neigh[a]
            # 2-opt, a -> succ(a)
            b = t[pa + 1 if pa + 1 < n else 0]
            dab = Da[b]
            for cc in na:
                g1 = dab - Da[cc]
                if g1 <= eps:
                    break
                pc = pos[cc]
                dd = t[pc + 1 if pc + 1 < n else 0]
                if dd == a:
                    continue
                delta = g1 + D[cc][dd] - D[b][dd]
                if delta > eps:
                    reverse(pos[b], pc)
                    push(a, b, cc, dd)
                    return delta
            # 2-opt, pred(a) -> a
            b = t[pa - 1]
            dab = Da[b]
            for cc in na:
                g1 = dab - Da[cc]
                if g1 <= eps:
                    break
                pc = pos[cc]
                dd = t[pc - 1]
                if dd == a:
                    continue
                delta = g1 + D[cc][dd] - D[b][dd]
                if delta > eps:
                    reverse(pa, pos[dd])
                    push(a, b, cc, dd)
                    return delta
            # Or-opt: move a short segment that has a at one end
            for seg_len in seg_lengths:
                for backwards in (False, True) if seg_len > 1 else (False,):
                    if backwards:
                        i = (pa - seg_len + 1) % n
                        j = pa
                    else:
                        i = pa
                        j = (pa + seg_len - 1) % n
                    s1 = t[i]
                    e = t[j]
                    p = t[i - 1]
                    nx = t[j + 1 if j + 1 < n else 0]
                    if nx == p or nx == s1:
                        continue
                    Ds1 = D[s1]
                    De = D[e]
                    g = D[p][s1] + De[nx] - D[p][nx]
                    if g <= eps:
                        continue
                    seg = (s1, e) if seg_len < 3 else tuple(t[(i + k) % n] for k in range(seg_len))
                    for cc in neigh[s1]:
                        dsc = Ds1[cc]
                        if dsc >= g:
                            break
                        if cc in seg:
                            continue
                        Dc = D[cc]
                        pc = pos[cc]
                        c2 = t[pc + 1 if pc + 1 < n else 0]
                        if c2 not in seg:  # cc, s1..e, c2
                            delta = g - dsc - De[c2] + Dc[c2]
                            if delta > eps:
                                move_segment(i, j, cc, c2, False)
                                push(p, nx, s1, e, cc, c2)
                                return delta
                        c0 = t[pc - 1]
                        if c0 not in seg:  # c0, e..s1, cc
                            delta = g - D[c0][e] - dsc + D[c0][cc]
                            if delta > eps:
                                move_segment(i, j, c0, cc, True)
                                push(p, nx, s1, e, cc, c0)
                                return delta
                    for cc in neigh[e]:
                        dec = De[cc]
                        if dec >= g:
                            break
                        if cc in seg:
                            continue
                        Dc = D[cc]
                        pc = pos[cc]
                        c0 = t[pc - 1]
                        if c0 not in seg:  # c0, s1..e, cc
                            delta = g - D[c0][s1] - dec + D[c0][cc]
                            if delta > eps:
                                move_segment(i, j, c0, cc, False)
                                push(p, nx, s1, e, cc, c0)
                                return delta
                        c2 = t[pc + 1 if pc + 1 < n else 0]
                        if c2 not in seg:  # cc, e..s1, c2
                            delta = g - dec - Ds1[c2] + Dc[c2]
                            if delta > eps:
                                move_segment(i, j, cc, c2, True)
                                push(p, nx, s1, e, cc, c2)
                                return delta
            return 0.0

        def local_search() -> float:
            gain = 0.0
            while queue:
                a = queue.popleft()
                inq[a] = False
                gain += improve(a)
            return gain

        # kick segments are whole places: one node, or two in the doubled matrix
        unit = seg_lengths[0]
        seg_max = max(1, min(n // unit // 2, 30))

        def kick() -> float:
            """Swap two short adjacent segments (a double bridge confined to a window)."""
            for _ in range(50):
                p0 = rng.randrange(n)
                l1 = unit * rng.randint(1, seg_max)
                l2 = unit * rng.randint(1, seg_max)
                if l1 + l2 + 2 > n:
                    continue
                a = t[p0]
                b0 = t[(p0 + 1) % n]
                b1 = t[(p0 + l1) % n]
                c0 = t[(p0 + l1 + 1) % n]
                c1 = t[(p0 + l1 + l2) % n]
                d0 = t[(p0 + l1 + l2 + 1) % n]
                if D[a][b0] < fixed_below or D[b1][c0] < fixed_below or D[c1][d0] < fixed_below:
                    continue
                delta = D[a][c0] + D[c1][b0] + D[b1][d0] - D[a][b0] - D[b1][c0] - D[c1][d0]
                s = (p0 + 1) % n
                block = [t[(s + k) % n] for k in range(l1 + l2)]
                for v in block[l1:] + block[:l1]:
                    t[s] = v
                    pos[v] = s
                    s += 1
                    if s == n:
                        s = 0
                push(a, b0, b1, c0, c1, d0)
                return delta
            return 0.0


        def clear_queue() -> None:
            queue.clear()
            inq[:] = [False] * n

        self.push = push
        self.clear_queue = clear_queue
        self.local_search = local_search
        self.kick = kick
        self.length = 0.0
        self._saved_t = t[:]
        self._saved_pos = pos[:]
        self._saved_length = 0.0

    def tour_length(self) -> float:
        D, t = self.D, self.t
        return sum(D[t[k - 1]][t[k]] for k in range(self.n))

    def descend(self) -> float:
        """Local search from every node; the new length (also saved as the current tour)."""
        self.push(*self.t)
        self.local_search()
        self.length = self.tour_length()
        self.save()
        return self.length

    def kick_descend(self) -> float:
        """One kick and the local search after it; the new length."""
        delta = self.kick()
        self.length += delta - self.local_search()
        return self.length

    def save(self) -> None:
        self._saved_t[:] = self.t
        self._saved_pos[:] = self.pos
        self._saved_length = self.length

    def restore(self) -> None:
        """Back to the last saved tour."""
        self.t[:] = self._saved_t
        self.pos[:] = self._saved_pos
        self.length = self._saved_length

    def load(self, tour: list[int]) -> None:
        """Replace the tour (nothing queued)."""
        self.t[:] = tour
        for i, v in enumerate(self.t):
            self.pos[v] = i
        self.clear_queue()


def neighbour_lists(c: np.ndarray, k: int) -> list[list[int]]:
    n = c.shape[0]
    k = min(k, n - 1)
    work = c.copy()
    np.fill_diagonal(work, np.inf)
    part = np.argpartition(work, k - 1, axis=1)[:, :k]
    rows = np.arange(n)[:, None]
    order = np.argsort(work[rows, part], axis=1, kind="stable")
    return part[rows, order].tolist()


def greedy_tour(c: np.ndarray, neigh: list[list[int]]) -> list[int]:
    """Greedy-edge construction on candidate edges, fragments joined by nearest endpoints."""
    n = c.shape[0]
    edges = sorted({(min(i, j), max(i, j)) for i in range(n) for j in neigh[i]}, key=lambda e: (c[e[0], e[1]], e))
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    deg = [0] * n
    adj: list[list[int]] = [[] for _ in range(n)]
    taken = 0
    for i, j in edges:
        if deg[i] < 2 and deg[j] < 2:
            ri, rj = find(i), find(j)
            if ri != rj:
                parent[ri] = rj
                deg[i] += 1
                deg[j] += 1
                adj[i].append(j)
                adj[j].append(i)
                taken += 1
                if taken == n - 1:
                    break
    # walk the fragments, hopping from a fragment's tail to the nearest free endpoint
    seen = [False] * n
    endpoints = np.array([deg[v] < 2 for v in range(n)])
    tour: list[int] = []
    cur = next(v for v in range(n) if deg[v] < 2)
    while True:
        # walk the fragment that starts at endpoint `cur`
        prev = -1
        while True:
            tour.append(cur)
            seen[cur] = True
            endpoints[cur] = False
            nxt = [w for w in adj[cur] if w != prev and not seen[w]]
            if not nxt:
                break
            prev, cur = cur, nxt[0]
        if len(tour) == n:
            return tour
        row = np.where(endpoints, c[cur], np.inf)
        cur = int(np.argmin(row))
