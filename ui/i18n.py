"""Qt's translation system for the app's own texts: English in the code, Chinese in ui/i18n/*.ts.

Place names and other catalog text follow the chosen language directly (both are in the data);
everything the app itself says goes through :func:`tr`, is listed in ``ui/i18n/qiantu_zh_CN.ts``
and compiled to ``.qm`` by ``make translations`` (``pyside6-lrelease``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

CONTEXT = "QianTu"
I18N_DIR = Path(__file__).resolve().parent / "i18n"
QM_FILES = {"zh": I18N_DIR / "qiantu_zh_CN.qm"}

_installed: QTranslator | None = None


def tr(text: str) -> str:
    """``text`` (English source) in the installed language."""
    return QCoreApplication.translate(CONTEXT, text)


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
    qm = QM_FILES.get(lang)
    if qm is None:
        return True
    translator = QTranslator(app)
    if not translator.load(str(qm)):
        return False
    app.installTranslator(translator)
    _installed = translator
    return True
