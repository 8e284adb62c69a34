"""`qiantu check FILE`: validate a request, plan, package or data file (exit 0 / 2)."""

from __future__ import annotations

import argparse


def add_parser(sub) -> None:
    ck = sub.add_parser("check", help="validate a request, plan, package or data file (exit 0 / 2)")
    ck.add_argument("file")


def run(args: argparse.Namespace) -> int:
    path = args.file
    from planner import validate

    print(validate.check_file(path))
    return 0
