"""Text from other people's files, made safe for each output format.

Every exporter draws its text from :func:`planner.export.common.build_itinerary`, which passes
the plan through :func:`clean_tree` first, so no format sees a control character. What each
format still needs on top is done with that format's own library (ElementTree/simplekml escape
XML, icalendar escapes and folds ICS lines, openpyxl writes text cells), plus
:func:`text_cells` for spreadsheets, where text that looks like a formula must stay text.
"""

from __future__ import annotations

import re
from typing import Any

# C0 controls other than tab and newline, DEL, C1 controls, the XML-forbidden non-characters,
# and the two Unicode line separators that end a JavaScript string or an ICS line in some readers.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\u2028\u2029]")
_SURROGATE = re.compile("[\ud800-\udfff]")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet treat a text as a formula (OWASP, CSV injection)."""


def clean_text(text: Any) -> str:
    """``text`` as a string without control characters: CR LF and CR become LF, tabs stay,
    other controls, line separators and lone surrogates become a space."""
    s = str(text).replace("\r\n", "\n").replace("\r", "\n")
    s = _UNSAFE.sub(" ", s)
    return _SURROGATE.sub(" ", s)


def one_line(text: Any) -> str:
    """:func:`clean_text` on one line (titles, names, spreadsheet sheet names)."""
    return " ".join(clean_text(text).split())


def clean_tree(doc: Any) -> Any:
    """A copy of a JSON-like tree with every string (keys too) passed through :func:`clean_text`."""
    if isinstance(doc, str):
        return clean_text(doc)
    if isinstance(doc, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_tree(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [clean_tree(v) for v in doc]
    return doc


def text_cells(workbook: Any) -> int:
    """Make every text cell of an openpyxl workbook plain text: control characters removed, and
    text that starts like a formula (``= + - @``, tab, CR) stored as a string cell with Excel's
    quote prefix, so it is shown unchanged and never evaluated. QianTu writes no formulas of its
    own. Returns how many cells were neutralised."""
    n = 0
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                v = cell.value
                if not isinstance(v, str):
                    continue
                clean = clean_text(v)
                if cell.data_type == "f" or clean.startswith(FORMULA_STARTS):
                    cell.value = clean
                    cell.data_type = "s"
                    cell.quotePrefix = True
                    n += 1
                elif clean != v:
                    cell.value = clean
    return n
