"""`qiantu travel FROM TO`: travel time, distance and legs between two places."""

from __future__ import annotations

import argparse
import json
import sys

from planner.domain import MODES


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Register the `travel` sub-command."""
    p = subparsers.add_parser(
        "travel",
        help="travel time and distance between two places",
        description="Quickest route between two places (ids or Chinese/English names). "
        "An unknown place is reported on stderr with the closest matches (exit status 2).",
    )
    p.add_argument("origin", metavar="FROM", help="a spot, hub or station id or name")
    p.add_argument("destination", metavar="TO", help="a spot, hub or station id or name")
    p.add_argument("--mode", choices=MODES, default="drive", help="road only, or rail where faster (default: drive)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    return p


def _hm(minutes: float) -> str:
    m = int(round(minutes))
    return f"{m // 60} h {m % 60:02d} min" if m >= 60 else f"{m} min"


def run(args: argparse.Namespace) -> int:
    """Print the route. UnknownPlaceError propagates; `qiantu` prints it as one line, status 2."""
    from planner.network import load_network, whole_minutes

    net = load_network()
    route = net.route(args.origin, args.destination, args.mode)
    out = sys.stdout
    if args.format == "json":
        json.dump(route.to_dict(), out, ensure_ascii=False, indent=2)
        out.write("\n")
        return 0
    flag = "  (estimate: a place joined to the network by straight-line distance)" if route.estimate else ""
    out.write(
        f"{route.from_id} -> {route.to_id} by {route.mode}: {whole_minutes(route.minutes)} min "
        f"({_hm(whole_minutes(route.minutes))}), "
        f"{route.km:.0f} km{flag}\n"
    )
    for leg in route.legs:
        line = f"  {leg.line}" if leg.line and leg.mode != "transfer" else ("  " + leg.line if leg.line else "")
        out.write(f"  {leg.mode:<9} {leg.from_id} -> {leg.to_id}  {leg.minutes:5.0f} min  {leg.km:6.1f} km{line}\n")
    out.write("  path: " + " > ".join(route.nodes) + "\n")
    return 0
