"""The `qiantu` command: the planning engine without a window, and the door into the app."""

from __future__ import annotations

import argparse
import csv
import importlib
import importlib.util
import io
import json
import os
import sys
from collections.abc import Sequence

from planner import __version__
from planner.errors import PlannerError

EXIT_BAD_INPUT = 2

# Sub-commands implemented in their own modules (`add_parser(subparsers)` and `run(args)`),
# imported lazily so `qiantu spots` does not pay for the optimizer or the exporters.
_COMMAND_MODULES = {
    "travel": "planner.travel_cli",
    "plan": "planner.plan_cli",
    "export": "planner.export_cli",
    "quote": "planner.quote_cli",
    "routes": "planner.routes_cli",
    "report": "planner.report_cli",
}
_BUILTIN = ("spots", "check")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: {message} (see --help)\n")


def _available_modules() -> dict[str, str]:
    out = {}
    for name, mod in _COMMAND_MODULES.items():
        if importlib.util.find_spec(mod) is not None:
            out[name] = mod
    return out


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every sub-command."""
    from planner.catalog import KINDS

    p = _Parser(
        prog="qiantu",
        description="QianTu 黔途 — plan Guizhou tour packages and red-tourism routes. "
        "Without a command, opens the desktop app (optionally on FILE.qiantu.json).",
    )
    p.add_argument("--version", action="version", version=f"qiantu {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sp = sub.add_parser("spots", help="list the catalog of attractions, hubs and stations")
    sp.add_argument("--theme", help="only spots with this theme (e.g. red, waterfall, ethnic)")
    sp.add_argument("--kind", choices=KINDS, help="only this kind")
    sp.add_argument("--prefecture", help="only this prefecture (English name, e.g. Zunyi)")
    sp.add_argument("--format", choices=("table", "json", "csv"), default="table")
    sp.add_argument("--lang", choices=("zh", "en"), default="zh", help="name shown first in the table")
    sp.add_argument("--data", help="a catalog folder or CSV file instead of the bundled one")

    ck = sub.add_parser("check", help="validate a request, plan, package or data file (exit 0 / 2)")
    ck.add_argument("file")

    for name, mod in _available_modules().items():
        importlib.import_module(mod).add_parser(sub)
    return p


def cmd_spots(args: argparse.Namespace) -> int:
    from planner.catalog import THEMES, load_catalog

    catalog = load_catalog(args.data) if args.data else load_catalog()
    if args.theme and args.theme not in THEMES:
        raise PlannerError(f"unknown theme '{args.theme}' (themes: {', '.join(catalog.themes_used())})", field="--theme")
    if args.prefecture and args.prefecture not in catalog.prefectures():
        raise PlannerError(
            f"unknown prefecture '{args.prefecture}' (prefectures: {', '.join(catalog.prefectures())})",
            field="--prefecture",
        )
    spots = catalog.filter(theme=args.theme, kind=args.kind, prefecture=args.prefecture)
    out = sys.stdout
    if args.format == "json":
        json.dump([s.to_dict() for s in spots], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif args.format == "csv":
        from planner.catalog import COLUMNS

        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(COLUMNS)
        for s in spots:
            d = s.to_dict()
            d["themes"] = ";".join(s.themes)
            d["closed_weekdays"] = ";".join(map(str, s.closed_weekdays))
            d["overnight"] = int(s.overnight)
            w.writerow(["" if d[c] is None else d[c] for c in COLUMNS])
        out.write(buf.getvalue())
    else:
        rows = [
            (
                s.id,
                s.name(args.lang),
                s.name("en" if args.lang == "zh" else "zh"),
                s.kind,
                ",".join(s.themes),
                s.prefecture,
                f"{s.lat:.5f}",
                f"{s.lon:.5f}",
                s.level or "",
            )
            for s in spots
        ]
        header = ("id", "name", "other name", "kind", "themes", "prefecture", "lat", "lon", "level")
        out.write(_table(header, rows))
        from planner.catalog import kind_counts

        counts = kind_counts(spots)
        out.write("kinds: " + ", ".join(f"{k} {n} ({m} source{'s' if m != 1 else ''})" for k, n, m in counts) + "\n")
        out.write(f"{len(spots)} of {len(catalog)} places\n")
    return 0


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(c + " " * (w - _width(c)) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines) + "\n"


def cmd_check(args: argparse.Namespace) -> int:
    path = args.file
    if not os.path.exists(path):
        raise PlannerError("file not found", file=path)
    from planner import validate

    print(validate.check_file(path))
    return 0


def _open_app(path: str | None) -> int:
    """Run the desktop app (`python -m ui`) in its own process: the core never imports the UI."""
    import subprocess

    if importlib.util.find_spec("ui") is None:
        raise PlannerError("the desktop app is not installed (the 'ui' package is missing)")
    return subprocess.call([sys.executable, "-m", "ui", *([path] if path else [])])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `qiantu`; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        known = set(_BUILTIN) | set(_COMMAND_MODULES)
        if not argv:
            return _open_app(None)
        if argv[0] not in known and not argv[0].startswith("-"):
            if not os.path.exists(argv[0]):
                hint = argv[0] if len(argv[0]) < 60 else argv[0][:57] + "..."
                raise PlannerError(
                    f"no such command or file '{hint}' (commands: {', '.join(sorted(known))})"
                )
            # Refuse a file the app cannot open before starting the app: one line, exit 2.
            from planner.package import load_package

            load_package(argv[0])
            return _open_app(argv[0])
        if argv[0] in _COMMAND_MODULES and argv[0] not in _available_modules():
            raise PlannerError(f"'{argv[0]}' is not available in this version of QianTu")
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command == "spots":
            return cmd_spots(args)
        if args.command == "check":
            return cmd_check(args)
        mod = importlib.import_module(_COMMAND_MODULES[args.command])
        return int(mod.run(args) or 0)
    except PlannerError as exc:
        print(f"qiantu: {exc.one_line()}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # `qiantu spots | head`: the reader left; not an error of ours.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return 0
    except OSError as exc:  # a file system problem no command anticipated: still one clear line
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        print(f"qiantu: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("qiantu: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
