"""Headless settings for the whole suite, set before any QApplication exists."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
os.environ.setdefault("QT_LOGGING_RULES", "qt.rhi.*=false;qt.webenginecontext.debug=false")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

try:  # property tests draw the same examples on every run (CI must not turn red by chance)
    from hypothesis import settings as _hyp_settings

    _hyp_settings.register_profile("qiantu", derandomize=True, print_blob=True)
    _hyp_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "qiantu"))
except ImportError:  # core tests without the test extras
    pass

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture(autouse=True)
def _fresh_settings(request, tmp_path_factory):
    """Every Qt test gets its own settings location, so no test sees another's (or a user's) settings."""
    if "qtbot" not in request.fixturenames and "qapp" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QCoreApplication, QSettings

    QCoreApplication.setOrganizationName("QianTuTests")
    QCoreApplication.setApplicationName("QianTuTests")
    folder = tmp_path_factory.mktemp("settings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    yield


def _flush_deferred_deletes() -> None:
    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    if app is None:
        return
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def _delete_qt_widgets(request):
    """Windows closed by pytest-qt are deleted before the next test, not at interpreter exit.

    A QWebEnginePage that outlives the QApplication's web profile crashes the interpreter at exit
    ("Release of profile requested but WebEnginePage still not deleted"), so every page is
    destroyed while Qt is still alive.
    """
    yield
    if "qtbot" in request.fixturenames or "qapp" in request.fixturenames:
        _flush_deferred_deletes()


def pytest_sessionfinish(session, exitstatus):
    try:
        from PySide6.QtWidgets import QApplication
    except ImportError:
        return
    app = QApplication.instance()
    if app is None:
        return
    import shiboken6

    for w in list(QApplication.topLevelWidgets()):
        if not shiboken6.isValid(w):
            continue
        try:
            w.close()
            if shiboken6.isValid(w):
                shiboken6.delete(w)
        except RuntimeError:  # deleted by its parent meanwhile
            pass
    _flush_deferred_deletes()
