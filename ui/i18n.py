"""Qt's translation system for the app's own texts: English in the code, Chinese in ui/i18n/*.ts.

Place names and other catalog text follow the chosen language directly (both are in the data);
everything the app itself says goes through :func:`tr`, is listed in ``ui/i18n/qiantu_zh_CN.ts``
and compiled to ``.qm`` by ``make translations`` (``pyside6-lrelease``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

CONTEXT = "QianTu"
I18N_DIR = Path(__file__).resolve().parent / "i18n"
QM_FILES = {"zh": I18N_DIR / "qiantu_zh_CN.qm"}

_installed: QTranslator | None = None
_qt_installed: list[QTranslator] = []
# Qt's own texts (Undo/Redo, dialog buttons, the web page's context menu) from PySide6's folder.
QT_CATALOGS = {"zh": ("qtbase_zh_CN", "qtwebengine_zh_CN")}


def tr(text: str, n: int = -1) -> str:
    """``text`` (English source) in the installed language; with ``n``, the plural form for n
    (``%n`` in the text stands for n), as Qt's translate() does."""
    return QCoreApplication.translate(CONTEXT, text, None, n)


def count_text(n: int, one: str, many: str) -> str:
    """``n`` with its noun, singular or plural in English ("1 day", "2 days"). Pass both forms
    through ``tr`` (Chinese translates both to its one form): count_text(n, tr("{0} day"), tr("{0} days"))."""
    return (one if n == 1 else many).format(n)


def install_language(lang: str) -> bool:
    """Install the translator for ``lang`` on the application (English needs none).

    Returns False when the compiled translation is missing (the texts then stay English).
    """
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    while _qt_installed:
        app.removeTranslator(_qt_installed.pop())
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name in QT_CATALOGS.get(lang, ()):
        qt = QTranslator(app)
        if qt.load(name, folder):
            app.installTranslator(qt)
            _qt_installed.append(qt)
    qm = QM_FILES.get(lang)
    if qm is None:
        return True
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        return False
    app.installTranslator(translator)
    _installed = translator
    return True
