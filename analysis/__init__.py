"""Statistics and report building over plain rows: no Flask, no SQLAlchemy.

The web app and the CLI call the same functions:

    rows = AnswerCsvReader(path).rows()      # or AnswerRow tuples from the database
    report = build_report(rows, ReportOptions(...), enrolments=[EnrolmentRow(...), ...])
"""

from .csv_rows import AnswerCsvReader, CsvError, CsvResult, read_answers_csv, read_answers_text
from .report import ReportOptions, build_report, build_report_from_csv
from .rows import CSV_COLUMNS, EXIT_OUTCOMES, AnswerRow, EnrolmentRow
from .targets import Target, parse_target, parse_threshold

__all__ = [
    "CSV_COLUMNS",
    "EXIT_OUTCOMES",
    "AnswerCsvReader",
    "AnswerRow",
    "CsvError",
    "CsvResult",
    "EnrolmentRow",
    "ReportOptions",
    "Target",
    "build_report",
    "build_report_from_csv",
    "parse_target",
    "parse_threshold",
    "read_answers_csv",
    "read_answers_text",
]
