"""Excel output: one sheet per table of the report, aggregates only.

Per-person answers are never part of the report; they are the separate, audited
Dataexport (survey/reports/dataexport.py), which writes its own workbook with `write_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .cells import neutralise_row
from .i18n import Translate, untranslated
from .tables import Table, all_tables

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_FORMATS = {"int": "0", "percent": "0.0%", "decimal": "0.00", "p": "0.0000", "effect": "0.00"}
_BOLD = Font(bold=True)


def _append(sheet, values) -> None:  # type: ignore[no-untyped-def]
    """Append a row; text is always text. openpyxl would store "=HYPERLINK(...)" as a
    live formula, and a spreadsheet would run "+…", "-…", "@…" (cells.py)."""
    sheet.append(neutralise_row(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _sheet(workbook: Workbook, table: Table) -> None:
    sheet = workbook.create_sheet(table.name[:31])
    _append(sheet, [table.title])
    sheet["A1"].font = _BOLD
    _append(sheet, [column.title for column in table.columns])
    for cell in sheet[2]:
        cell.font = _BOLD
    for row in table.rows:
        _append(sheet, row)
    for index, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=2, column=index).column_letter
        fmt = _FORMATS.get(column.kind)
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=3, min_col=index, max_col=index):
                if isinstance(cell.value, int | float):
                    cell.number_format = fmt
        width = max([len(column.title)] + [len(str(r[index - 1] or "")) for r in table.rows])
        sheet.column_dimensions[letter].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A3"
    if table.notes:
        _append(sheet, [])
        for note in table.notes:
            _append(sheet, [note])


def write_xlsx(report: dict[str, Any], path: Path | str | IO[bytes],
               _: Translate = untranslated) -> None:
    """The report's tables, one sheet each: what the report publishes and nothing more."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in all_tables(report, _):
        _sheet(workbook, table)
    workbook.save(path)


def write_rows(
    header: Sequence[str], rows: Iterable[Sequence[Any]], path: Path | str | IO[bytes],
    title: str,
) -> None:
    """One sheet of plain rows (the Dataexport), formula-safe like the report's."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(neutralise_row(header))
    for row in rows:
        sheet.append(neutralise_row(row))
    workbook.save(path)
