"""The `qiantu` command: the planning engine without a window, and the door into the app."""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys
from collections.abc import Sequence

from planner import __version__
from planner.errors import PlannerError

EXIT_BAD_INPUT = 2

# Sub-commands implemented in their own modules (`add_parser(subparsers)` and `run(args)`),
# imported lazily so `qiantu spots` does not pay for the optimizer or the exporters.
_COMMAND_MODULES = {
    "spots": "planner.cli.spots",
    "check": "planner.cli.check",
    "travel": "planner.cli.travel",
    "plan": "planner.cli.plan",
    "export": "planner.cli.export",
    "quote": "planner.cli.quote",
    "routes": "planner.cli.routes",
    "report": "planner.cli.report",
}


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
    p = _Parser(
        prog="qiantu",
        description="QianTu 黔途 — plan Guizhou tour packages and red-tourism routes. "
        "Without a command, opens the desktop app (optionally on FILE.qiantu.json).",
    )
    p.add_argument("--version", action="version", version=f"qiantu {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    for name, mod in _available_modules().items():
        importlib.import_module(mod).add_parser(sub)
    return p


def _open_app(path: str | None) -> int:
    """Run the desktop app (`python -m ui`) in its own process: the core never imports the UI."""
    import subprocess

    if importlib.util.find_spec("ui") is None:
        raise PlannerError("the desktop app is not installed (the 'ui' package is missing)")
    return subprocess.call([sys.executable, "-m", "ui", *([path] if path else [])])


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `qiantu`; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from planner import io as _io

    _io.install_sigterm_cleanup()
    try:
        known = set(_COMMAND_MODULES)
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
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        # A file no check anticipated: still one line and no traceback. Reported as bad input,
        # because such failures come from what a file contains; the type name helps a bug report.
        # (PlannerError, OSError and KeyboardInterrupt are handled above.)
        src = next((a for a in argv[1:] if not a.startswith("-") and os.path.exists(a)), None)
        where = f"{src}: " if src else ""
        print(f"qiantu: {where}could not be processed ({type(exc).__name__}: {str(exc)[:160]})", file=sys.stderr)
        return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
