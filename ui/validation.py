"""Bad values typed into number, date and time fields become one clear line, not silence.

Qt's spin boxes and date edits reject a key that would make their text invalid ("ten" in the
adults field, a 13th month) without a word: the user types and nothing happens. ``ValueGuard``
watches those keys and pastes and says, in a dialog with one line, which field refused what
and what it takes; the field (and so the request and the plan) keeps its value.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QDateTimeEdit,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QWidget,
)

from ui.i18n import tr


def field_label(widget: QWidget) -> str:
    """The text of the label next to ``widget`` in its form or grid (without '&' and ':')."""
    parent = widget.parentWidget()
    layouts = []
    if parent is not None and parent.layout() is not None:
        layouts.append(parent.layout())
    while layouts:
        lay = layouts.pop()
        if isinstance(lay, QFormLayout):
            lab = lay.labelForField(widget)
            if lab is None:  # a widget inside a row's own layout
                for row in range(lay.rowCount()):
                    field = lay.itemAt(row, QFormLayout.ItemRole.FieldRole)
                    if field is not None and field.layout() is not None and field.layout().indexOf(widget) >= 0:
                        lab = lay.itemAt(row, QFormLayout.ItemRole.LabelRole)
                        lab = lab.widget() if lab is not None else None
                        break
            if isinstance(lab, QLabel):
                return lab.text().replace("&", "").rstrip(":：")
        if isinstance(lay, QGridLayout):
            i = lay.indexOf(widget)
            if i >= 0:
                row, col, _rs, _cs = lay.getItemPosition(i)
                item = lay.itemAtPosition(row, col - 1) if col > 0 else None
                if item is not None and isinstance(item.widget(), QLabel):
                    return item.widget().text().replace("&", "").rstrip(":：")
        for k in range(lay.count()):
            child = lay.itemAt(k).layout()
            if child is not None:
                layouts.append(child)
    return widget.accessibleName() or widget.objectName()


def accepted_text(spin: QAbstractSpinBox) -> str:
    """What the field takes, in words."""
    if isinstance(spin, QSpinBox):
        return tr("a whole number from {0} to {1}").format(spin.minimum(), spin.maximum())
    if isinstance(spin, QDoubleSpinBox):
        return tr("a number from {0} to {1}").format(f"{spin.minimum():g}", f"{spin.maximum():g}")
    if isinstance(spin, QDateTimeEdit):
        return tr("a real date or time as {0}").format(spin.displayFormat())
    return tr("a valid value")


class ValueGuard(QObject):
    """Event filter on the line edits of spin boxes and date/time edits."""

    def __init__(self, parent: QObject | None = None, warn=None) -> None:
        super().__init__(parent)
        self._spins: dict[QObject, QAbstractSpinBox] = {}
        self.warn = warn or (lambda parent, text: QMessageBox.warning(parent, tr("QianTu"), text))
        self.shown: list[str] = []
        self._last = None

    def watch(self, root: QWidget) -> None:
        """Guard every spin box and date/time edit under ``root``."""
        for spin in root.findChildren(QAbstractSpinBox):
            # Keys reach the spin box (it has the focus) and it hands them to its line edit
            # directly, past any filter: so the spin box itself is watched.
            if spin not in self._spins and spin.findChild(QLineEdit) is not None:
                self._spins[spin] = spin
                spin.installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress or obj not in self._spins:
            return False
        spin = self._spins[obj]
        if event.matches(QKeySequence.StandardKey.Paste):
            typed = QApplication.clipboard().text()
        else:
            typed = event.text()
        if not typed or not typed.isprintable():
            return False
        edit = spin.findChild(QLineEdit)
        text, pos = edit.text(), edit.cursorPosition()
        if edit.hasSelectedText():
            start = edit.selectionStart()
            candidate = text[:start] + typed + text[start + len(edit.selectedText()):]
            pos = start + len(typed)
        else:
            candidate = text[:pos] + typed + text[pos:]
            pos += len(typed)
        state = spin.validate(candidate, pos)
        state = state[0] if isinstance(state, tuple) else state
        if state == QValidator.State.Invalid:
            if self._last != (spin, text):  # one message per refused edit, not one per key
                self._last = (spin, text)
                message = tr("{0}: “{1}” is not {2}.").format(field_label(spin), typed.strip(), accepted_text(spin))
                self.shown.append(message)
                self.warn(spin.window(), message)
            return True  # the field keeps its value
        self._last = None
        return False
