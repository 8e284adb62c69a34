"""Render map pages (HTML files) to PNG images headless: ``python -m ui.snapshot IN.html OUT.png W H [...]``.

The planning core calls this in a subprocess (the core never imports Qt) to put maps into the
printed itinerary. Several pages go through one process, so Chromium starts once per PDF.

Arguments: one or more jobs ``IN.html OUT.png [WIDTH HEIGHT]``; the first job needs a size, a job
without one reuses the previous size. ``OUT`` ending in ``.jpg`` is written as JPEG, else PNG. Exit status 0 when every image was written, 1 when some
failed (the others are still written; one line per failure on stderr), 2 on bad arguments.
Environment: ``QIANTU_SNAPSHOT_SCALE`` (device pixel ratio, default 2 for print-sharp images),
``QIANTU_SNAPSHOT_TIMEOUT`` (seconds per page, default 20), ``QIANTU_SNAPSHOT_PARALLEL`` (pages
loading at once, default 4).

Set by the caller (planner.export.pdf.render_maps): ``QIANTU_SNAPSHOT_PARENT`` (the caller's pid)
makes this process die with its parent — on Linux through ``PR_SET_PDEATHSIG``, everywhere through
a watch on stdin (a pipe the parent holds open); ``QIANTU_SNAPSHOT_SCRATCH`` names the caller's
scratch folder (``qiantu-*``), which an orphaned snapshot removes before it exits.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
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


def render(jobs: list[Job], *, timeout_s: float | None = None, parallel: int | None = None) -> list[str]:
    """Render every job; return one error line per page that failed (empty when all worked).

    Each page gets a fresh view (a reused view can show the previous page's last frame for a
    while), and up to ``parallel`` pages load at the same time (Chromium renders them in parallel).
    """
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtWebEngineCore import QWebEngineSettings
    from PySide6.QtWebEngineWidgets import QWebEngineView
    from PySide6.QtWidgets import QApplication

    os.environ.setdefault("QT_SCALE_FACTOR", os.environ.get("QIANTU_SNAPSHOT_SCALE", "2"))
    timeout_s = timeout_s or float(os.environ.get("QIANTU_SNAPSHOT_TIMEOUT", "20"))
    parallel = parallel or int(os.environ.get("QIANTU_SNAPSHOT_PARALLEL", "4"))
    app = QApplication.instance() or QApplication(["qiantu-snapshot"])
    loop = QEventLoop()
    errors: list[str] = []
    pending = list(jobs)
    active: list[dict] = []

    def start(job: Job) -> None:
        if not job.src.is_file():
            errors.append(f"{job.src}: file not found")
            return
        view = QWebEngineView()
        # The pages are self-contained (planner.mapping.render_html(inline=True)): no file or
        # network access at all.
        view.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False)
        view.settings().setAttribute(QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls, False)
        view.settings().setAttribute(QWebEngineSettings.WebAttribute.ShowScrollBars, False)
        view.resize(job.width, job.height)
        view.show()
        st = {
            "job": job,
            "view": view,
            "loaded": None,
            "js": "",
            "asked": False,
            "last": None,
            "deadline": time.monotonic() + timeout_s,
        }

        def on_loaded(ok: bool, st=st) -> None:
            st["loaded"] = ok

        view.loadFinished.connect(on_loaded)
        view.load(QUrl.fromLocalFile(str(job.src.resolve())))
        active.append(st)

    def finish(st: dict, error: str | None) -> None:
        if error:
            errors.append(f"{st['job'].src}: {error}")
        active.remove(st)
        st["view"].close()
        st["view"].deleteLater()

    def step(st: dict) -> None:
        """Advance one page: loaded -> map ready -> painted and stable -> saved."""
        job = st["job"]
        if time.monotonic() > st["deadline"]:
            what = (
                "the page did not load"
                if not st["loaded"]
                else (
                    f"no map on the page ({st['js'] or 'no answer'})"
                    if st["js"] != "ready"
                    else "the page stayed blank"
                )
            )
            finish(st, what)
            return
        if st["loaded"] is None:
            return
        if st["loaded"] is False:
            finish(st, "the page did not load")
            return
        if st["js"] != "ready":
            if not st["asked"]:
                st["asked"] = True

                def on_js(result, st=st) -> None:
                    st["js"] = result if isinstance(result, str) else ""
                    st["asked"] = False

                st["view"].page().runJavaScript(_READY_JS, 0, on_js)
            return
        # A grab right after load is white (ENVIRONMENT.md). Take frames until one shows more than a
        # blank page and equals the one before: then nothing is still being drawn.
        image = st["view"].grab().toImage()
        if not _drawn(image) or st["last"] is None or image != st["last"]:
            st["last"] = image
            return
        job.out.parent.mkdir(parents=True, exist_ok=True)
        fmt = "JPEG" if job.out.suffix.lower() in (".jpg", ".jpeg") else "PNG"
        tmp = job.out.with_name("." + job.out.name + ".part" + job.out.suffix)
        # JPEG at 92 keeps map text clean and goes into a PDF as is (no re-encoding).
        if not image.save(str(tmp), fmt, 92 if fmt == "JPEG" else -1):
            try:
                tmp.unlink()
            except OSError:
                pass
            finish(st, f"could not write {job.out}")
            return
        os.replace(tmp, job.out)
        finish(st, None)

    while pending or active:
        while pending and len(active) < parallel:
            start(pending.pop(0))
        for st in list(active):  # noqa: PERF101 - finish() removes from active
            step(st)
        QTimer.singleShot(60, loop.quit)
        loop.exec()
    app.processEvents()
    return errors


_ORPHAN_EXIT = 3


def _orphaned(parent: int) -> None:
    """The parent is gone: remove its scratch folder (ours to clean now) and exit at once."""
    scratch = os.environ.get("QIANTU_SNAPSHOT_SCRATCH", "")
    folder = Path(scratch) if scratch else None
    if folder is not None and folder.name.startswith("qiantu-") and folder.is_dir() and not folder.is_symlink():
        shutil.rmtree(folder, ignore_errors=True)
    os._exit(_ORPHAN_EXIT)


def _parent_gone(parent: int) -> bool:
    return os.getppid() != parent


def die_with_parent() -> None:
    """Tie this process to the one named by ``QIANTU_SNAPSHOT_PARENT`` (no-op when it is unset).

    Linux: the kernel sends SIGTERM when the parent ends (``prctl(PR_SET_PDEATHSIG)``); the
    handler runs as soon as Python has the interpreter (the render loop returns every 60 ms).
    Everywhere: a thread reads stdin, a pipe held by the parent; end of file with the parent gone
    means orphaned. Either way the scratch folder is removed and the process exits with status 3.
    """
    raw = os.environ.get("QIANTU_SNAPSHOT_PARENT", "")
    if not raw.isdigit():
        return
    parent = int(raw)
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        except (OSError, AttributeError):
            pass

    def on_term(signum, frame) -> None:
        if _parent_gone(parent):
            _orphaned(parent)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, on_term)
    if _parent_gone(parent):  # it died before the line above took effect
        _orphaned(parent)

    def watch_stdin() -> None:
        # os.read on the descriptor, not sys.stdin: a daemon thread blocked inside a buffered
        # reader makes interpreter shutdown abort ("could not acquire lock ... at shutdown").
        try:
            while os.read(fd, 4096):
                pass
        except OSError:
            pass
        # End of file: the parent is gone, or it is done with us (it kills this process group
        # before it closes the pipe). Only where the parent can be checked (Linux: getppid()
        # changes) is its scratch folder removed; elsewhere just exit.
        if not sys.platform.startswith("linux"):
            os._exit(_ORPHAN_EXIT)
        for _ in range(50):
            if _parent_gone(parent):
                _orphaned(parent)
            time.sleep(0.1)

    try:
        fd = sys.stdin.fileno() if sys.stdin is not None else -1
    except (OSError, ValueError):
        fd = -1
    if fd >= 0 and not os.isatty(fd):
        threading.Thread(target=watch_stdin, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    die_with_parent()
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
