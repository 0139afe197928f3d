"""Text cells that a spreadsheet must not run: one rule for every CSV and Excel file.

A cell starting with = + - @ (or a tab or carriage return, which some programs skip
before reading a formula) is read as a formula by Excel and LibreOffice when the file
is opened: a comment such as =HYPERLINK("http://…?"&A2,"…") would send other cells
away (CSV/formula injection, OWASP). Such text gets a leading apostrophe, which the
programs show as plain text.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """`value` unchanged, except text that a spreadsheet would run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_row(values: Any) -> list[Any]:
    return [neutralise(value) for value in values]


def restore(value: str | None) -> str | None:
    """The text `neutralise` was given: what `flask import` stores from an exported file."""
    if value and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
