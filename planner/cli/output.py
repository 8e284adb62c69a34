"""What every `qiantu` command prints with: aligned tables and a progress bar on stderr."""

from __future__ import annotations

import sys
import time
import unicodedata
from collections.abc import Sequence


def text_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An aligned plain-text table, one line per row, header first."""
    widths = [max([text_width(h)] + [text_width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = []
    for r in [header, *rows]:
        lines.append("  ".join(c + " " * (w - text_width(c)) for c, w in zip(r, widths)).rstrip())
    return "\n".join(lines) + "\n"


class ProgressBar:
    """A progress bar on stderr, shown only once a run has lasted a second."""

    def __init__(self, stream=None, delay_s: float = 1.0) -> None:
        self.stream = stream or sys.stderr
        self.t0 = time.perf_counter()
        self.delay = delay_s
        self.shown = False

    def __call__(self, fraction: float, message: str) -> None:
        if time.perf_counter() - self.t0 < self.delay:
            return
        width = 30
        done = round(max(0.0, min(1.0, fraction)) * width)
        self.stream.write(f"\r[{'#' * done}{'.' * (width - done)}] {fraction * 100:3.0f}% {message[:40]:<40}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * 80 + "\r")
            self.stream.flush()
