"""Excel output: one sheet per table, and the raw answers one row per response."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from .rows import AnswerRow
from .tables import Table, all_tables

_FORMATS = {"int": "0", "percent": "0.0%", "decimal": "0.00", "p": "0.0000"}
_BOLD = Font(bold=True)
_RAW_COLUMNS = (
    "participant", "gender", "birth_year", "born_abroad", "insats", "site", "questionnaire",
    "version", "occasion", "submitted_at", "language", "easy", "assisted",
)  # fmt: skip


def _append(sheet, values) -> None:  # type: ignore[no-untyped-def]
    """Append a row; text is always text. openpyxl would store a comment such as
    "=HYPERLINK(...)" as a live formula (spreadsheet formula injection)."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith("="):
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


def _raw_sheets(workbook: Workbook, rows: Iterable[AnswerRow], report: dict[str, Any]) -> None:
    """One sheet per questionnaire version: a row per response, a column per item."""
    selection = report["selection"]
    insatser = set(selection["insatser"])
    responses: dict[tuple, dict[str, Any]] = {}
    items: dict[str, list[str]] = {}
    for row in rows:
        if insatser and row.insats not in insatser:
            continue
        if selection["site"] and row.site != selection["site"]:
            continue
        day = row.submitted_at.date().isoformat()
        if (selection["from"] and day < selection["from"]) or (
            selection["to"] and day > selection["to"]
        ):
            continue
        ident = f"{row.questionnaire}/v{row.version}"
        key = (ident, row.enrolment, *row[:10])
        found = responses.get(key)
        if found is None:
            found = responses[key] = {"ident": ident, "head": row[:13], "answers": {}}
        found["answers"][row.item] = (row.value, row.comment)
        known = items.setdefault(ident, [])
        if row.item not in known:
            known.append(row.item)
    for ident in sorted(items):
        sheet = workbook.create_sheet(f"Svar {ident.replace('/', ' ')}"[:31])
        header = list(_RAW_COLUMNS)
        for item in items[ident]:
            header += [item, f"{item}_kommentar"]
        _append(sheet, header)
        for response in responses.values():
            if response["ident"] != ident:
                continue
            head = list(response["head"])
            head[9] = head[9].isoformat(timespec="seconds")
            head[11] = int(head[11])
            for item in items[ident]:
                value, comment = response["answers"].get(item, (None, None))
                head += [value, comment]
            _append(sheet, head)


def write_xlsx(
    report: dict[str, Any], path: Path | str, rows: Iterable[AnswerRow] | None = None
) -> None:
    """`rows` (the same answers the report was built from) adds the raw-answer sheets."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in all_tables(report):
        _sheet(workbook, table)
    if rows is not None:
        _raw_sheets(workbook, rows, report)
    workbook.save(path)
