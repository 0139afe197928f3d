"""The report as CSV: its tables one after another, aggregates only (like the Excel file).

Per-person answers are the Dataexport's, never the report's.
"""

from __future__ import annotations

import csv
from typing import Any, TextIO

from .cells import neutralise_row
from .i18n import Translate, untranslated
from .tables import all_tables


def write_report_csv(report: dict[str, Any], out: TextIO, _: Translate = untranslated) -> None:
    """Each table: its title, its header, its rows and notes, then an empty line."""
    writer = csv.writer(out, lineterminator="\n")
    for table in all_tables(report, _):
        writer.writerow(neutralise_row([table.title]))
        writer.writerow(neutralise_row(column.title for column in table.columns))
        for row in table.rows:
            writer.writerow(neutralise_row("" if cell is None else cell for cell in row))
        for note in table.notes:
            writer.writerow(neutralise_row([note]))
        writer.writerow([])
