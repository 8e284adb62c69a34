"""Travel matrices and the moves on a path whose first and last places are fixed.

Path moves work on a list ``P`` whose first and last entries are fixed (a day's start and end
place). Reversal costs are taken from prefix sums of the forward and the backward edge costs,
so a 2-opt or a reversed Or-opt move is priced exactly on an asymmetric matrix in O(1).
:func:`held_karp_path` is the exact order of a few places (the proof of optimality).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from planner.errors import PlannerError


class EngineInputError(PlannerError, ValueError):
    """A travel matrix, score vector or limit given to the search core is invalid."""


def check_matrix(matrix, what: str = "travel matrix", error=EngineInputError) -> np.ndarray:
    """The matrix as a float array; ``error`` when it is not square, or holds NaN, inf or a negative value.

    The diagonal is ignored (set to 0).
    """
    try:
        d = np.array(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise error(f"the {what} must be a square table of numbers ({exc})") from None
    if d.ndim != 2 or d.shape[0] != d.shape[1]:
        raise error(f"the {what} must be square, got shape {d.shape}")
    n = d.shape[0]
    if n == 0:
        raise error(f"the {what} is empty")
    off = ~np.eye(n, dtype=bool)
    if np.isnan(d).any():
        i, j = np.argwhere(np.isnan(d))[0]
        raise error(f"the {what} has NaN at row {i}, column {j}")
    if np.isinf(d[off]).any():
        i, j = np.argwhere(np.isinf(d) & off)[0]
        raise error(f"the {what} has an infinite value at row {i}, column {j}")
    if (d[off] < 0).any():
        i, j = np.argwhere((d < 0) & off)[0]
        raise error(f"the {what} has a negative value {d[i, j]:g} at row {i}, column {j}")
    np.fill_diagonal(d, 0.0)
    return d


# --------------------------------------------------------------------------------------------
# path moves (first and last place fixed); D is a list of lists


def path_length(D: Sequence[Sequence[float]], P: Sequence[int]) -> float:
    """Sum of D[P[k]][P[k+1]]."""
    return sum(D[P[k]][P[k + 1]] for k in range(len(P) - 1))


def _prefix(D, P):
    fwd = [0.0] * len(P)
    bwd = [0.0] * len(P)
    f = b = 0.0
    for k in range(1, len(P)):
        a, c = P[k - 1], P[k]
        f += D[a][c]
        b += D[c][a]
        fwd[k] = f
        bwd[k] = b
    return fwd, bwd


def two_opt_path(D, P: list[int], eps: float = 1e-9, deadline: float = math.inf) -> float:
    """Improve P in place by reversing inner segments (first improvement); return the total gain.

    Reversing P[i..j] replaces the edges P[i-1]→P[i], P[j]→P[j+1] and the forward cost of the
    segment by P[i-1]→P[j], P[i]→P[j+1] and its backward cost: exact on asymmetric matrices.
    """
    total = 0.0
    n = len(P)
    if n < 4:
        return 0.0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        fwd, bwd = _prefix(D, P)
        for i in range(1, n - 2):
            a = P[i - 1]
            pi = P[i]
            Da = D[a]
            base_i = Da[pi]
            fi = fwd[i]
            bi = bwd[i]
            for j in range(i + 1, n - 1):
                pj = P[j]
                b = P[j + 1]
                old = base_i + (fwd[j] - fi) + D[pj][b]
                new = Da[pj] + (bwd[j] - bi) + D[pi][b]
                if new < old - eps:
                    P[i : j + 1] = P[i : j + 1][::-1]
                    total += old - new
                    improved = True
                    break
            if improved:
                break
    return total


def or_opt_path(D, P: list[int], max_seg: int = 3, eps: float = 1e-9, deadline: float = math.inf) -> float:
    """Improve P in place by moving a run of 1..max_seg inner places elsewhere, possibly reversed.

    Returns the total gain. The reversed run is priced with its backward cost (asymmetric-correct).
    """
    total = 0.0
    improved = True
    while improved and time.perf_counter() < deadline:
        improved = False
        n = len(P)
        fwd, bwd = _prefix(D, P)
        for L in range(1, max_seg + 1):
            for i in range(1, n - L):
                j = i + L - 1  # run P[i..j]
                if j >= n - 1:
                    break
                p, s, e, q = P[i - 1], P[i], P[j], P[j + 1]
                inner_f = fwd[j] - fwd[i]
                inner_b = bwd[j] - bwd[i]
                remove_gain = D[p][s] + D[e][q] - D[p][q]
                if remove_gain <= eps:
                    continue
                best = eps
                best_move = None
                for k in range(n - 1):  # insert between P[k] and P[k+1] (outside the run)
                    if i - 1 <= k <= j:
                        continue
                    x, y = P[k], P[k + 1]
                    dxy = D[x][y]
                    g = remove_gain - (D[x][s] + D[e][y] - dxy)
                    if g > best:
                        best, best_move = g, (k, False)
                    g = remove_gain - (D[x][e] + D[s][y] - dxy) - (inner_b - inner_f)
                    if g > best:
                        best, best_move = g, (k, True)
                if best_move is not None:
                    k, rev = best_move
                    run = P[i : j + 1]
                    if rev:
                        run.reverse()
                    rest = P[:i] + P[j + 1 :]
                    pos = k + 1 if k < i else k + 1 - L
                    P[:] = rest[:pos] + run + rest[pos:]
                    total += best
                    improved = True
                    break
            if improved:
                break
    return total


def polish_path(D, P: list[int], deadline: float = math.inf, eps: float = 1e-9) -> float:
    """2-opt and Or-opt (asymmetric-correct) on P until neither helps or the deadline; the gain."""
    total = 0.0
    while time.perf_counter() < deadline:
        g = two_opt_path(D, P, eps, deadline) + or_opt_path(D, P, 3, eps, deadline)
        total += g
        if g <= eps:
            break
    return total


# --------------------------------------------------------------------------------------------
# exact order of a few places


def held_karp_path(d: np.ndarray, start: int, end: int | None) -> list[int]:
    """The shortest order of all places (Held and Karp 1962), by dynamic programming over subsets.

    ``end == start``: a closed tour; ``None``: an open path ending anywhere; another index: a
    path ending there. Vectorised one subset size at a time; exact on asymmetric matrices.
    Memory grows as 2^n·n: keep n below about 18.
    """
    n = d.shape[0]
    closed = end == start
    fixed_end = end is not None and not closed
    free = [v for v in range(n) if v != start and not (fixed_end and v == end)]
    m = len(free)
    tail = [end] if fixed_end and end is not None else []
    if m == 0:
        return [start, *tail]
    w = d[np.ix_(free, free)]
    if closed:
        last = d[free, start]
    elif fixed_end:
        last = d[free, end]
    else:
        last = np.zeros(m)
    size = 1 << m
    idx = np.arange(m)
    dp = np.full((size, m), np.inf)
    parent = np.full((size, m), -1, dtype=np.int8)
    dp[1 << idx, idx] = d[start, free]
    masks = np.arange(size)
    bits = ((masks[:, None] >> idx) & 1).astype(bool)
    popcount = bits.sum(axis=1)
    for k in range(1, m):
        layer = masks[popcount == k]
        cand = dp[layer][:, :, None] + w[None, :, :]  # (subset, from i, to j)
        arg = cand.argmin(axis=1)
        best = np.take_along_axis(cand, arg[:, None, :], axis=1)[:, 0, :]
        rows, cols = np.nonzero(~bits[layer])
        grown = layer[rows] | (1 << cols)
        dp[grown, cols] = best[rows, cols]
        parent[grown, cols] = arg[rows, cols]
    full = size - 1
    j = int(np.argmin(dp[full] + last))
    mask = full
    back: list[int] = []
    while j >= 0:
        back.append(free[j])
        pj = int(parent[mask, j])
        mask ^= 1 << j
        j = pj
    return [start, *back[::-1], *tail]
