"""QianTu's PySide6 desktop app. Imports planner; planner never imports ui."""

from __future__ import annotations


def create_main_window(path=None):
    """The main window, ready to show, with the package or request file at ``path`` opened.

    A QApplication must exist (tests get one from pytest-qt).
    """
    from ui.main_window import MainWindow

    window = MainWindow()
    if path is not None:
        window.open_path(str(path))
    return window
