"""CSV cells that a spreadsheet will show as text, never run as a formula.

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is taken by
Excel, LibreOffice and Google Sheets as a formula (or the start of one), so a name or a
free-text field typed as ``=HYPERLINK(...)`` could act when a CSV export is opened. Such a
cell gets a leading apostrophe, the convention those programs read as "this is text"
(OWASP, "CSV Injection"). Numbers and dates written by dtto itself never begin with these,
except a negative number: a number (an ``int`` or ``float``) is written as itself, since a
spreadsheet reads ``-1`` as the number it is, not as a formula.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """The text of a CSV cell, with a leading apostrophe if it would start a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def neutralise_row(values: list[object]) -> list[str]:
    return [neutralise(v) for v in values]
