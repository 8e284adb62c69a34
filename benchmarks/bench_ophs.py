"""OPHS benchmark (orienteering with hotel selection) of the shared engine, via its command line.

Run from the repository root::

    .venv/bin/python benchmarks/bench_ophs.py                         # every instance, 3 s each
    .venv/bin/python benchmarks/bench_ophs.py --sets SET_1-2 --time-limit 2 --every 3

Each instance is solved by ``python -m planner.optimize.ophs FILE --time-limit S --seed N`` in
a subprocess (the adapter a user runs), and every answer is re-checked by :func:`check_answer`,
which reads the instance file itself (it shares no code with the solver). Gaps are taken against
proven optima only (``proven_optimal == 1`` in ``optima.csv``); instances without a proof are
run and checked but left out of the gap figures. Printed per set: mean gap, instances at the
optimum, median and max time, beside the literature figures (from the papers' abstracts; they
cover other instance sets and machines, so they are a reference, not a like-for-like anchor).
``QIANTU_SHARED`` overrides where the shared data is looked for (default ``../shared``).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

LITERATURE = [
    "skewed VNS (Divsalar et al. 2013): optimum on 102 of 224 instances, mean gap 1.44 %, 1.91 s",
    "memetic algorithm (Divsalar et al. 2014): better than the skewed VNS (174 of 400 at the optimum)",
    "GRASP with DP hotel selection (Sohrabi et al. 2020): optimum on 231 of 400 instances",
]
TOL = 0.001  # day length tolerance of the check (README of the instances)


def shared_dir() -> Path:
    """``$QIANTU_SHARED``, else the first ``shared`` folder beside the repository or above it."""
    env = os.environ.get("QIANTU_SHARED")
    if env:
        return Path(env)
    for up in ROOT.parents:
        if (up / "shared" / "benchmarks").is_dir():
            return up / "shared"
    return ROOT.parent / "shared"


# ---------------------------------------------------------------------------------------------
# independent checker: re-reads the file, recomputes every length and the score


def read_points(path: Path):
    """(n_days, day limits, [(x, y, score)], number of hotels incl. start and end)."""
    rows = []
    for line in Path(path).read_text().splitlines():
        if line.strip().startswith("---"):
            break
        if line.strip():
            rows.append(line.split())
    n, h, d = (int(x) for x in rows[0])
    limits = [float(x) for x in rows[2]]
    pts = [(float(r[0]), float(r[1]), float(r[2])) for r in rows[3 : 3 + n + h]]
    if len(pts) != n + h or len(limits) != d:
        raise ValueError(f"{path}: unexpected shape")
    return d, limits, pts, h + 2


def check_answer(path: Path, answer: dict) -> float:
    """Verify an answer against the instance file; return the recomputed score or raise ValueError."""
    n_days, limits, pts, n_hotels = read_points(path)
    days = answer["days"]
    if len(days) != n_days:
        raise ValueError(f"{len(days)} days, the instance has {n_days}")
    seen = set()
    total = 0.0
    for k, day in enumerate(days):
        if len(day) < 2 or any(not isinstance(v, int) or not 1 <= v <= len(pts) for v in day):
            raise ValueError(f"day {k + 1}: bad vertex list {day}")
        if day[0] > n_hotels or day[-1] > n_hotels:
            raise ValueError(f"day {k + 1} does not start and end at hotels")
        if k == 0 and day[0] != 1:
            raise ValueError("the first day does not start at vertex 1")
        if k == n_days - 1 and day[-1] != 2:
            raise ValueError("the last day does not end at vertex 2")
        if k > 0 and day[0] != days[k - 1][-1]:
            raise ValueError(f"day {k + 1} starts at {day[0]}, day {k} ended at {days[k - 1][-1]}")
        length = 0.0
        for a, b in zip(day, day[1:]):
            (xa, ya, _), (xb, yb, _) = pts[a - 1], pts[b - 1]
            length += math.sqrt((xa - xb) ** 2 + (ya - yb) ** 2)
        if length > limits[k] + TOL:
            raise ValueError(f"day {k + 1} is {length:.6f} long, limit {limits[k]}")
        for v in day[1:-1]:
            if v <= n_hotels:
                raise ValueError(f"day {k + 1} visits hotel {v} in the middle")
            if v in seen:
                raise ValueError(f"vertex {v} visited twice")
            seen.add(v)
            total += pts[v - 1][2]
    if abs(total - float(answer["score"])) > 1e-6:
        raise ValueError(f"claimed score {answer['score']}, recomputed {total}")
    return total


# ---------------------------------------------------------------------------------------------


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per instance (default 10, the target's budget)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sets", nargs="*", default=None, help="set folders (default: all)")
    ap.add_argument("--every", type=int, default=1, help="take every k-th instance of each set (default 1)")
    ap.add_argument("--instances", nargs="*", default=None, help="instance names to run")
    ap.add_argument("-v", "--verbose", action="store_true", help="one line per instance")
    args = ap.parse_args(argv)
    base = shared_dir() / "benchmarks" / "ophs"
    if not (base / "optima.csv").exists():
        print(f"OPHS instances not found under {base}; skipped")
        return 0
    with open(base / "optima.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    sets: dict[str, list[dict]] = {}
    for r in rows:
        sets.setdefault(r["set"], []).append(r)
    chosen = args.sets or list(sets)
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    print(f"OPHS: time limit {args.time_limit:g} s, seed {args.seed}, every {args.every}th instance")
    print(f"{'set':<13}{'run':>4}{'proven':>7}{'at opt':>7}{'mean gap %':>11}{'max gap %':>10}"
          f"{'median s':>9}{'max s':>7}  checked")
    overall = {"n": 0, "opt": 0, "gaps": [], "times": [], "bad": 0}
    for name in chosen:
        group = sorted(sets.get(name, []), key=lambda r: r["instance"])[:: max(1, args.every)]
        if args.instances:
            group = [r for r in group if r["instance"] in args.instances]
        gaps, times, at_opt, bad, ran = [], [], 0, 0, 0
        for r in group:
            path = base / name / f"{r['instance']}.ophs"
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "planner.optimize.ophs", str(path), "--time-limit", str(args.time_limit),
                 "--seed", str(args.seed)],
                capture_output=True, text=True, env=env,
            )
            secs = time.perf_counter() - t
            ran += 1
            times.append(secs)
            try:
                if proc.returncode != 0:
                    raise ValueError(proc.stderr.strip()[-300:])
                score = check_answer(path, json.loads(proc.stdout))
            except (ValueError, KeyError, json.JSONDecodeError) as exc:
                bad += 1
                print(f"  FAILED CHECK {name}/{r['instance']}: {exc}")
                continue
            if args.verbose:
                print(f"  {name}/{r['instance']}: {score:g} (best {r['best_score'] or '?'}, "
                      f"{'proven' if r['proven_optimal'] == '1' else 'not proven'}) {secs:.2f} s", flush=True)
            if r["proven_optimal"] == "1":
                opt = float(r["best_score"])
                gap = 100.0 * (opt - score) / opt if opt else 0.0
                gaps.append(gap)
                if score >= opt - 1e-6:
                    at_opt += 1
                if score > opt + 1e-6:
                    print(f"  note {name}/{r['instance']}: {score:g} above the proven optimum {opt:g}")
        proven = len(gaps)
        mean = statistics.fmean(gaps) if gaps else float("nan")
        mx = max(gaps) if gaps else float("nan")
        print(f"{name:<13}{ran:>4}{proven:>7}{at_opt:>7}{mean:>11.3f}{mx:>10.3f}"
              f"{statistics.median(times) if times else 0:>9.2f}{max(times) if times else 0:>7.2f}  "
              f"{ran - bad}/{ran} ok")
        overall["n"] += proven
        overall["opt"] += at_opt
        overall["gaps"] += gaps
        overall["times"] += times
        overall["bad"] += bad
    if overall["gaps"]:
        g = overall["gaps"]
        print(f"{'all':<13}{len(overall['times']):>4}{overall['n']:>7}{overall['opt']:>7}{statistics.fmean(g):>11.3f}"
              f"{max(g):>10.3f}{statistics.median(overall['times']):>9.2f}{max(overall['times']):>7.2f}  "
              f"{len(overall['times']) - overall['bad']}/{len(overall['times'])} ok")
        print(f"QianTu: optimum on {overall['opt']} of {overall['n']} proven instances "
              f"({100.0 * overall['opt'] / overall['n']:.0f} %), mean gap {statistics.fmean(g):.2f} % "
              f"(times include ~0.3 s of Python start-up per run)")
    print("literature (other instance sets, other machines):")
    for line in LITERATURE:
        print("  " + line)
    return 1 if overall["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
