"""Start the desktop app: environment for Qt WebEngine, the QApplication, the main window."""

from __future__ import annotations

import os
import sys


def prepare_environment() -> None:
    """Settings Qt WebEngine needs before the QApplication exists.

    Chromium refuses to run its sandbox as root (it exits at once); the app is then run
    without it, as Qt documents for such setups.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    os.environ.setdefault("QT_LOGGING_RULES", "qt.rhi.*=false")
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
        and not os.environ.get("QT_QPA_PLATFORM")
    ):
        raise SystemExit(
            "qiantu: no display found (DISPLAY is not set). Run it in a desktop session, "
            "or headless with: xvfb-run -a qiantu   (or QT_QPA_PLATFORM=offscreen qiantu)"
        )


def run_app(path: str | None = None) -> int:
    """Open the main window (on ``path`` if given) and run the event loop."""
    prepare_environment()
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    QCoreApplication.setOrganizationName("QianTu")
    QCoreApplication.setApplicationName("QianTu")
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from planner.errors import PlannerError
    from ui import create_main_window

    try:
        window = create_main_window(path)
    except PlannerError as exc:
        print(f"qiantu: {exc.one_line()}", file=sys.stderr)
        return 2
    window.show()
    rc = app.exec()
    # Delete the window (and its web page) while Qt is alive: a page that outlives the web
    # profile crashes the interpreter at exit.
    import shiboken6

    shiboken6.delete(window)
    return rc
