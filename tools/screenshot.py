"""Screenshots of the real window for the README and docs (offscreen Qt; run from the repo root).

Usage: python tools/screenshot.py catalog zh docs/screenshots/main-window-zh.png
       python tools/screenshot.py plan en docs/screenshots/plan-en.png [PACKAGE.qiantu.json]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtCore import QCoreApplication, QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def wait(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def main() -> int:
    what, lang, out = sys.argv[1], sys.argv[2], sys.argv[3]
    QCoreApplication.setOrganizationName("QianTuScreenshots")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app = QApplication([])  # noqa: F841
    from ui.main_window import MainWindow

    w = MainWindow()
    w.resize(1600, 1000)
    w.show()
    w.set_language(lang)
    if what == "plan":
        w.open_path(sys.argv[4])
        if w.doc.plan is None:
            w.optimize()
            while w.worker is not None and w.worker.running:
                wait(100)
    for _ in range(200):
        if w.mapView.ready:
            break
        wait(100)
    if what == "catalog":
        w.catalogPanel.select("huangguoshu-waterfall")
        w._on_list_selected("huangguoshu-waterfall")
        w.detailsDock.raise_()
    wait(2500)
    w.grab().save(out)
    w.doc.undo_stack.setClean()
    print(out)
    import shiboken6

    shiboken6.delete(w)
    return 0


if __name__ == "__main__":
    sys.exit(main())
