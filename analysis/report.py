"""Builds the report as one JSON-able dict; the PDF, Excel, CSV, web page and text
outputs render it.

In three phases (analysis/figures/__init__.py): every figure in FIGURES counts its exact
cells, `perturbation.publish` turns all cells of this period and the previous one into
published counts in one call, and each figure finishes its part from those alone. The
publication is the report's one protection step (docs/data-format.md), so every output
shows the same figures and none shows an exact count.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from questionnaires import Registry
from questionnaires.vocabulary import FOLLOWUP_MONTHS_DEFAULT

from .csv_rows import AnswerCsvReader, CsvError
from .due import DEFAULT_PAGAENDE_DAYS
from .enrolments import EnrolmentColumns
from .entries import Entries, ResponseColumns
from .figures import (
    Figure,
    FigureInputs,
    change,
    change_coverage,
    counts,
    exit_outcomes,
    followups,
    income,
    indicators,
    missing,
    people,
    response_rates,
    targets,
    time_in_programme,
)
from .figures.counts import DEFAULT_AGE_BANDS
from .figures.exit_outcomes import WORK_OR_STUDIES
from .from_rows import columns_from_rows
from .instruments import about_versions
from .pairs import pairs_per_person
from .perturbation import publish
from .responses import AnswerColumns, to_entries
from .rows import AnswerRow, EnrolmentRow
from .selection import Selection, month_text
from .targets import DEFAULT_MIN_ANSWERS, Target

REPORT_FORMAT = 2
NO_RECORD_KEY = (
    "Filen saknar kolumnen record_key (radnyckel), som rapporten behöver för att ingen "
    "enskild persons svar ska kunna räknas fram. Exportera filen igen från Stegvis "
    "(Dataexport eller flask export)."
)


@dataclass(frozen=True)
class ReportOptions:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: tuple[str, ...] = ()
    site: str | None = None
    targets: tuple[Target, ...] = ()
    min_answers: int = DEFAULT_MIN_ANSWERS
    # Shown on the PDF title page, e.g. the förbund's name.
    title: str | None = None
    # The exit outcomes the förbund counts as "went to work or studies".
    work_outcomes: tuple[str, ...] = WORK_OR_STUDIES
    # Lower bounds of the age bands (16, 30, 50: 16–29, 30–49, 50+); the förbund's setting.
    age_bands: tuple[int, ...] = DEFAULT_AGE_BANDS
    # Due a pågående answer: enrolled at least this many days (the förbund's setting).
    pagaende_days: int = DEFAULT_PAGAENDE_DAYS
    # The förbund's follow-up points after exit, in months (Organisation.followup_months):
    # the occasions "uppfoljning-6", ... of the response rates, indicators and follow-ups.
    followup_months: tuple[int, ...] = FOLLOWUP_MONTHS_DEFAULT
    # The sites of the insatser, the groups of the site breakdown (whether or not anyone
    # there answered): the web app gives the insatser's sites; without them, the sites
    # the source names anywhere (`with_sites`).
    sites: tuple[str, ...] = ()
    # Loaded questionnaires the insatser could hand out but do not (the web app's insats
    # settings): no row in the Bortfall and the svarsfrekvens unless someone answered.
    not_handed_out: tuple[str, ...] = ()

    @property
    def selection(self) -> Selection:
        return Selection(self.date_from, self.date_to, frozenset(self.insatser), self.site)


def build_report(
    rows: Iterable[AnswerRow],
    options: ReportOptions | None = None,
    *,
    registry: Registry | None = None,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None = None,
) -> dict[str, Any]:
    """The whole report from answer rows (an iterator is fine).

    `enrolments` comes from the web app; without it the report says which figures
    (reasons for missing answers, exit outcomes) a CSV alone cannot give.
    """
    options = options or ReportOptions()
    registry = registry or Registry.load()
    responses, answers = columns_from_rows(rows, registry)
    return report_from_columns(responses, answers, options, enrolments, registry)


def build_report_from_csv(
    source: Path | str | TextIO,
    options: ReportOptions | None = None,
    *,
    registry: Registry | None = None,
) -> tuple[dict[str, Any] | None, list[CsvError]]:
    """(report, []) for a good file, (None, every error) for a bad one."""
    options = options or ReportOptions()
    registry = registry or Registry.load()
    reader = AnswerCsvReader(source, registry)
    rows = reader.rows()
    first = next(rows, None)  # past the header: whether the file has record keys is known
    if not reader.errors and not reader.has_record_key:
        return None, [CsvError(1, NO_RECORD_KEY)]
    columns = columns_from_rows(itertools.chain([first] if first else [], rows), registry)
    if reader.errors:
        return None, reader.errors
    return report_from_columns(*columns, options, None, registry), []


def with_sites(options: ReportOptions, responses: ResponseColumns) -> ReportOptions:
    """The options with the sites the source names anywhere (whoever answered in the
    period), unless the caller gave them (the web app gives the insatser's sites)."""
    if options.sites:
        return options
    return replace(options, sites=tuple(sorted(s for s in set(responses.site.names) if s)))


def report_from_columns(
    responses: ResponseColumns,
    answers: AnswerColumns,
    options: ReportOptions,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None = None,
    registry: Registry | None = None,
) -> dict[str, Any]:
    """The report from any source's columns, with the previous period's entries made
    from the same columns (every source, the database's too, starts here)."""
    earlier = options.selection.previous()
    previous = None if earlier is None else to_entries(responses, answers, earlier)
    return report_from_entries(to_entries(responses, answers, options.selection), options,
                               enrolments, registry, previous)  # fmt: skip


def report_from_entries(
    entries: Entries,
    options: ReportOptions,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None = None,
    registry: Registry | None = None,
    previous_entries: Entries | None = None,
) -> dict[str, Any]:
    """The report from the core's entries; `previous_entries` (the entries of
    `options.selection.previous()`) gives the previous period's figures."""
    options = with_sites(options, entries)
    return _finish(entries, options, enrolments, registry or Registry.load(), previous_entries)


def _finish(
    entries: Entries,
    options: ReportOptions,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None,
    registry: Registry,
    previous_entries: Entries | None = None,
) -> dict[str, Any]:
    """The three phases: every figure's exact cells (this period's and the previous
    period's), the one `publish` over all of them, then each figure finished from its
    published counts."""
    if enrolments is not None and not isinstance(enrolments, EnrolmentColumns):
        enrolments = EnrolmentColumns.from_rows(enrolments)
    now = _inputs(entries, enrolments, options.selection, options, registry)
    earlier = options.selection.previous()
    before = (None if earlier is None or previous_entries is None
              else _inputs(previous_entries, enrolments, earlier, options, registry))
    published = publish({
        "now": {_name(f): f.cells(now) for f in FIGURES},
        "previous": None if before is None else {_name(f): f.cells(before) for f in PREVIOUS},
    })  # fmt: skip
    layouts = entries.layouts
    moments = entries.submitted_at[entries.in_period]
    report: dict[str, Any] = {
        "format": REPORT_FORMAT,
        "title": options.title,
        "selection": {
            "from": _iso(options.date_from),
            "to": _iso(options.date_to),
            "insatser": list(options.insatser),
            "site": options.site,
            "min_answers": options.min_answers,
            "age_bands": list(options.age_bands),
            "pagaende_days": options.pagaende_days,
            "followup_months": list(options.followup_months),
        },
        # Months, not moments: the minute of the first answer could tell whose it was.
        "answers_period": {
            "first": month_text(moments.min().item() if moments.size else None),
            "last": month_text(moments.max().item() if moments.size else None),
        },
        "versions": sorted({layout.ident for layout in layouts}),
        "questionnaires": about_versions(registry, [(lay.key, lay.version) for lay in layouts]),
    }
    for figure in FIGURES:
        report.update(figure.finish(published["now"][_name(figure)], now))
    report["previous"] = None
    if before is not None:
        report["previous"] = {"from": _iso(earlier.date_from), "to": _iso(earlier.date_to)}
        for figure in PREVIOUS:
            report["previous"].update(figure.finish(published["previous"][_name(figure)],
                                                    before))  # fmt: skip
    return report


def figure_cells(
    rows: Iterable[AnswerRow],
    options: ReportOptions | None = None,
    *,
    registry: Registry | None = None,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None = None,
) -> dict[str, Any]:
    """Every figure's cells of the period, before publication: for tests and for
    measuring what the noise changes (`perturbation.exact`), never for a report."""
    options = options or ReportOptions()
    registry = registry or Registry.load()
    responses, answers = columns_from_rows(rows, registry)
    options = with_sites(options, responses)
    if enrolments is not None and not isinstance(enrolments, EnrolmentColumns):
        enrolments = EnrolmentColumns.from_rows(enrolments)
    inputs = _inputs(to_entries(responses, answers, options.selection), enrolments,
                     options.selection, options, registry)  # fmt: skip
    return {_name(f): f.cells(inputs) for f in FIGURES}


def _inputs(entries: Entries, enrolments: EnrolmentColumns | None, selection: Selection,
            options: ReportOptions, registry: Registry) -> FigureInputs:  # fmt: skip
    return FigureInputs(entries, enrolments, selection, options, pairs_per_person(entries),
                        registry)  # fmt: skip


def _name(figure: Figure) -> str:
    return figure.__name__.rpartition(".")[2]  # type: ignore[attr-defined]


# Every figure of the report, in the order of its JSON keys.
FIGURES: tuple[Figure, ...] = (people, indicators, change, change_coverage, missing,
                               exit_outcomes, counts, response_rates, income, targets,
                               time_in_programme, followups)
# The figures of the previous period, beside this period's on the board's page.
PREVIOUS: tuple[Figure, ...] = (people, counts, response_rates)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
