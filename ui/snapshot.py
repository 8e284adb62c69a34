"""Render map pages (HTML files) to PNG images headless: ``python -m ui.snapshot IN.html OUT.png W H [...]``.

The planning core calls this in a subprocess (the core never imports Qt) to put maps into the
printed itinerary. Several pages go through one process, so Chromium starts once per PDF.

Arguments: one or more jobs ``IN.html OUT.png [WIDTH HEIGHT]``; the first job needs a size, a job
without one reuses the previous size. Exit status 0 when every image was written, 1 when some
failed (the others are still written; one line per failure on stderr), 2 on bad arguments.
Environment: ``QIANTU_SNAPSHOT_SCALE`` (device pixel ratio, default 2 for print-sharp images),
``QIANTU_SNAPSHOT_TIMEOUT`` (seconds per page, default 20).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# Headless defaults; set before Qt is imported (ENVIRONMENT.md: offscreen, no sandbox as root).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
os.environ.setdefault("QT_LOGGING_RULES", "qt.rhi.*=false;qt.webenginecontext.debug=false")

# JavaScript that says whether the page has a Leaflet map with its layers drawn. Leaflet sets the
# map container's size and puts the SVG/canvas renderer in the overlay pane once layers exist.
_READY_JS = """
(function(){
  if (typeof L === 'undefined') { return 'no-leaflet'; }
  var c = document.querySelector('.leaflet-container');
  if (!c) { return 'no-map'; }
  if (document.readyState !== 'complete') { return 'loading'; }
  if (document.querySelector('.leaflet-zoom-anim, .leaflet-pan-anim')) { return 'animating'; }
  return 'ready';
})()
"""


@dataclass
class Job:
    """One page to render."""

    src: Path
    out: Path
    width: int
    height: int


def parse_jobs(argv: list[str]) -> list[Job]:
    """``IN OUT [W H] IN OUT [W H] ...`` -> jobs; ValueError on bad arguments."""
    jobs: list[Job] = []
    i = 0
    size: tuple[int, int] | None = None
    while i < len(argv):
        if i + 1 >= len(argv):
            raise ValueError(f"'{argv[i]}' has no output file")
        src, out = Path(argv[i]), Path(argv[i + 1])
        i += 2
        if i + 1 < len(argv) and argv[i].isdigit() and argv[i + 1].isdigit():
            size = (int(argv[i]), int(argv[i + 1]))
            i += 2
        if size is None:
            raise ValueError("the first page needs WIDTH HEIGHT")
        if not (16 <= size[0] <= 8000 and 16 <= size[1] <= 8000):
            raise ValueError(f"size {size[0]}x{size[1]} is out of range (16..8000)")
        jobs.append(Job(src, out, *size))
    if not jobs:
        raise ValueError("nothing to render")
    return jobs


def _drawn(image) -> bool:
    """True when the grabbed image is not a blank (single-colour) page."""
    w, h = image.width(), image.height()
    if w == 0 or h == 0:
        return False
    colours = set()
    step_x, step_y = max(1, w // 23), max(1, h // 19)
    for x in range(0, w, step_x):
        for y in range(0, h, step_y):
            colours.add(image.pixel(x, y))
            if len(colours) > 3:
                return True
    return False


def render(jobs: list[Job], *, timeout_s: float | None = None) -> list[str]:
    """Render every job; return one error line per page that failed (empty when all worked)."""
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    scale = os.environ.get("QIANTU_SNAPSHOT_SCALE", "2")
    os.environ.setdefault("QT_SCALE_FACTOR", scale)
    timeout_s = timeout_s or float(os.environ.get("QIANTU_SNAPSHOT_TIMEOUT", "20"))
    app = QApplication.instance() or QApplication(["qiantu-snapshot"])
    errors: list[str] = []
    view = QWebEngineView()
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, True)
    view.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
    loop = QEventLoop()

    def wait(ms: int) -> None:
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    for job in jobs:
        if not job.src.is_file():
            errors.append(f"{job.src}: file not found")
            continue
        view.resize(job.width, job.height)
        view.show()
        state = {"loaded": None, "js": ""}

        def on_loaded(ok: bool, state=state) -> None:
            state["loaded"] = ok
            loop.quit()

        view.loadFinished.connect(on_loaded)
        view.load(QUrl.fromLocalFile(str(job.src.resolve())))
        deadline = time.monotonic() + timeout_s
        while state["loaded"] is None and time.monotonic() < deadline:
            QTimer.singleShot(100, loop.quit)
            loop.exec()
        view.loadFinished.disconnect(on_loaded)
        if not state["loaded"]:
            errors.append(f"{job.src}: the page did not load")
            continue

        def on_js(result, state=state) -> None:
            state["js"] = result
            loop.quit()

        ok = False
        while time.monotonic() < deadline:
            state["js"] = ""
            view.page().runJavaScript(_READY_JS, 0, on_js)
            QTimer.singleShot(1000, loop.quit)
            loop.exec()
            if state["js"] == "ready":
                ok = True
                break
            wait(50)
        if not ok:
            errors.append(f"{job.src}: no map on the page ({state['js'] or 'no answer'})")
            continue
        # A grab right after load is white (ENVIRONMENT.md): let Chromium paint, then poll until the
        # image holds more than a blank page, and take one more frame so late layers are in.
        image = None
        drawn = False
        while time.monotonic() < deadline:
            wait(80)
            image = view.grab().toImage()
            if _drawn(image):
                drawn = True
                break
        if not drawn:
            errors.append(f"{job.src}: the page stayed blank")
            continue
        wait(120)
        image = view.grab().toImage()
        job.out.parent.mkdir(parents=True, exist_ok=True)
        tmp = job.out.with_name("." + job.out.name + ".part.png")
        if not image.save(str(tmp), "PNG"):
            errors.append(f"{job.out}: could not write the image")
            try:
                tmp.unlink()
            except OSError:
                pass
            continue
        os.replace(tmp, job.out)
    view.close()
    view.deleteLater()
    app.processEvents()
    return errors


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if argv else 2
    try:
        jobs = parse_jobs(argv)
    except ValueError as exc:
        print(f"ui.snapshot: {exc}", file=sys.stderr)
        return 2
    errors = render(jobs)
    for line in errors:
        print(f"ui.snapshot: {line}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
