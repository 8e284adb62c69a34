"""QianTu's PySide6 desktop app. Imports planner; planner never imports ui."""

from __future__ import annotations


def create_main_window(path=None):
    """The main window, ready to show, with the package or request file at ``path`` opened.

    A QApplication must exist (tests get one from pytest-qt). Raises
    ``planner.errors.PlannerError`` when ``path`` cannot be opened.
    """
    import os

    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to start its sandbox as root; set before the first web view exists.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    from ui.main_window import MainWindow

    window = MainWindow()
    # After a crash or kill the autosaved trip is offered first (ui.recovery.ask_restore).
    if window.offer_recovery():
        path = None
    if path is not None:
        # A file that cannot be opened raises planner.errors.PlannerError (no modal dialog here:
        # scripts and tests call this without a person to click it away).
        from planner.errors import PlannerError

        try:
            window.open_path(str(path), show_errors=False)
        except PlannerError:
            import shiboken6

            window.doc.undo_stack.setClean()
            shiboken6.delete(window)
            raise
    return window
