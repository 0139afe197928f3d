"""Builds the report as one JSON-able dict; the PDF, Excel and text outputs render it.

The disclosure rule (suppression.py) is applied here, once, to the whole dict, so every
output shows the same hidden cells and no renderer can see a hidden figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from questionnaires import Registry

from .change import (
    CHANGE_KEY,
    change_tables,
    pair_coverage,
    pairs_per_person,
    start_loading_scipy,
)
from .counts import DEFAULT_AGE_BANDS, counts_table
from .csv_rows import AnswerCsvReader, CsvError
from .enrolments import EnrolmentColumns
from .entries import Entries, ResponseColumns, group_ids
from .fast_csv import read_csv_columns
from .from_rows import columns_from_rows
from .income import income_table
from .indicators import indicator_tables
from .instruments import about_versions
from .missing import DEFAULT_PAGAENDE_DAYS, missing_table, response_rates
from .outcomes import WORK_OR_STUDIES, outcome_table
from .responses import AnswerColumns, to_entries
from .rows import AnswerRow, EnrolmentRow
from .selection import Selection, month_text
from .suppression import (
    DEFAULT_MIN_GROUP,
    disclose,
    is_suppressed,
    leave_out_small_gender_group,
    left_out_note,
    suppressed,
)
from .targets import DEFAULT_MIN_ANSWERS, OUTCOME, Target, check_on_cell, target_sentence

REPORT_FORMAT = 1
INDICATOR_KEY = "finsam-indikatorer"


@dataclass(frozen=True)
class ReportOptions:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: tuple[str, ...] = ()
    site: str | None = None
    targets: tuple[Target, ...] = ()
    min_group: int = DEFAULT_MIN_GROUP
    min_answers: int = DEFAULT_MIN_ANSWERS
    # Shown on the PDF title page, e.g. the förbund's name.
    title: str | None = None
    # The exit outcomes the förbund counts as "went to work or studies".
    work_outcomes: tuple[str, ...] = WORK_OR_STUDIES
    # Lower bounds of the age bands (16, 30, 50: 16–29, 30–49, 50+); the förbund's setting.
    age_bands: tuple[int, ...] = DEFAULT_AGE_BANDS
    # Due a pågående answer: enrolled at least this many days (the förbund's setting).
    pagaende_days: int = DEFAULT_PAGAENDE_DAYS

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
    start_loading_scipy()
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
    start_loading_scipy()
    columns = read_csv_columns(source, registry)
    if columns is None:
        # Something about the file needs a closer look: the strict reader finds every
        # error with its line number (or, for an odd but valid file, reads it row by row).
        if not isinstance(source, str | Path):
            source.seek(0)
        reader = AnswerCsvReader(source, registry)
        columns = columns_from_rows(reader.rows(), registry)
        if reader.errors:
            return None, reader.errors
    return report_from_columns(*columns, options, None, registry), []


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
    start_loading_scipy()
    return _finish(entries, options, enrolments, registry or Registry.load(), previous_entries)


def _finish(
    entries: Entries,
    options: ReportOptions,
    enrolments: Sequence[EnrolmentRow] | EnrolmentColumns | None,
    registry: Registry,
    previous_entries: Entries | None = None,
) -> dict[str, Any]:
    if enrolments is not None and not isinstance(enrolments, EnrolmentColumns):
        enrolments = EnrolmentColumns.from_rows(enrolments)
    min_group = options.min_group
    previous, left_out_before = _previous(previous_entries, enrolments, options)
    entries, enrolments, left_out = leave_out_small_gender_group(
        entries, enrolments, options.selection, min_group)
    layouts = entries.layouts

    indicators = indicator_tables(entries)
    pairs = pairs_per_person(entries)
    change = change_tables(entries, pairs)
    indicator_idents = [i for i in indicators if i.startswith(INDICATOR_KEY + "/")]
    change_idents = [i for i in change if i.startswith(CHANGE_KEY + "/")]
    people, enrolment_count, by_insats = _counts(entries)
    board = _board(entries, enrolments, options.selection, options)
    moments = entries.submitted_at[entries.in_period]
    period = [moments.min().item(), moments.max().item()] if moments.size else []

    report = {
        "format": REPORT_FORMAT,
        "title": options.title,
        "selection": {
            "from": _iso(options.date_from),
            "to": _iso(options.date_to),
            "insatser": list(options.insatser),
            "site": options.site,
            "min_group": min_group,
            "min_answers": options.min_answers,
            "age_bands": list(options.age_bands),
            "pagaende_days": options.pagaende_days,
        },
        # Months, not moments: the minute of the first answer could tell whose it was.
        "answers_period": {"first": month_text(min(period, default=None)),
                           "last": month_text(max(period, default=None))},
        "people": people,
        "enrolments": enrolment_count,
        "by_insats": by_insats,
        "versions": sorted({layout.ident for layout in layouts}),
        "questionnaires": about_versions(registry, [(lay.key, lay.version) for lay in layouts]),
        "indicators_version": indicator_idents[0] if len(indicator_idents) == 1 else None,
        "indicators": indicators[indicator_idents[0]] if len(indicator_idents) == 1 else None,
        "indicators_by_version": indicators,
        # Checked below on the figures as published (after the disclosure rule).
        "targets": [],
        "change_version": change_idents[0] if len(change_idents) == 1 else None,
        "change": change[change_idents[0]] if len(change_idents) == 1 else None,
        "change_by_version": change,
        "change_coverage": pair_coverage(entries, enrolments, options.selection, pairs),
        # Versions whose shares at start and at avslut are of partly different people:
        # renderers say so (change.different_groups_note) beside them.
        "occasions_differ": [ident for ident, occasions in indicators.items()
                             if {"start", "avslut"} <= occasions.keys()],
        "missing": missing_table(entries, options.selection, enrolments),
        "exit_outcomes": outcome_table(enrolments, options.selection, options.work_outcomes),
        "counts": board["counts"],
        "response_rates": board["response_rates"],
        "income": income_table(enrolments, options.selection),
        "previous": previous,
        "left_out": left_out_note(min_group) if left_out or left_out_before else None,
    }
    answered_insatser = list(by_insats)  # before the rule: it may drop a breakdown's keys
    disclose(report)
    report["targets"] = _targets(options, report, answered_insatser)
    for target in report["targets"]:
        target["summary"] = target_sentence(target, min_group)
    return report


def _board(entries: Entries, enrolments: EnrolmentColumns | None, selection: Selection,
           options: ReportOptions) -> dict[str, Any]:  # fmt: skip
    """The headline figures a board compares with the previous period."""
    return {
        "counts": counts_table(enrolments, selection, options.age_bands),
        "response_rates": response_rates(entries, selection, enrolments, options.pagaende_days),
    }


def _previous(entries: Entries | None, enrolments: EnrolmentColumns | None,
              options: ReportOptions) -> tuple[dict[str, Any] | None, bool]:  # fmt: skip
    """(The headline figures of the period of the same length before this one, by the
    same functions and (in `disclose`) the same rule, or None without both dates;
    whether people of another gender were left out of them.)"""
    selection = options.selection.previous()
    if selection is None or entries is None:
        return None, False
    entries, enrolments, left_out = leave_out_small_gender_group(
        entries, enrolments, selection, options.min_group)
    return {"from": _iso(selection.date_from), "to": _iso(selection.date_to),
            "people": _counts(entries)[0],
            **_board(entries, enrolments, selection, options)}, left_out


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _counts(entries: Entries) -> tuple[int, int, dict[str, dict[str, int]]]:
    """Distinct people and enrolments with an answer in the period, in total and per insats."""
    current = np.flatnonzero(entries.in_period)
    person = entries.participant.codes[current]
    insats = entries.insats.codes[current]
    enrolment = entries.enrolment.codes[current]
    # (insats, enrolment, participant) once per enrolment, then counted per insats.
    _, first = np.unique(group_ids([insats, enrolment, person]), return_index=True)
    insats, enrolment, person = insats[first], enrolment[first], person[first]
    by_insats = {}
    names = entries.insats.names
    for code in sorted(np.unique(insats).tolist(), key=names.__getitem__):
        mine = insats == code
        by_insats[names[code]] = {
            "people": _distinct(person[mine]),
            "enrolments": _distinct(enrolment[mine]),
        }
    return _distinct(person), int(first.size), by_insats


def _distinct(codes: np.ndarray) -> int:
    if codes.size == 0:
        return 0
    return int(np.count_nonzero(np.bincount(codes)))


def _targets(
    options: ReportOptions, report: dict[str, Any], answered_insatser: list[str]
) -> list[dict[str, Any]]:
    """One result per target (and questionnaire version that has the item), each checked
    on its own insats's published cell. `answered_insatser`: those with answers."""
    # With answers from one insats only, its figures are the totals.
    sole = answered_insatser[0] if len(answered_insatser) == 1 else None
    out = []
    for target in options.targets:
        if target.kind == OUTCOME:
            cell = _outcome_cell(report["exit_outcomes"], target.insats)
            out.append({"questionnaire": None,
                        **check_on_cell(target, cell, options.min_answers)})  # fmt: skip
            continue
        found = False
        for ident, occasions in report["indicators_by_version"].items():
            cell = occasions.get(target.occasion, {}).get(target.item)
            if cell is None:
                continue
            found = True
            mine = _insats_cell(cell, target.insats, sole)
            out.append({"questionnaire": ident,
                        **check_on_cell(target, mine, options.min_answers)})  # fmt: skip
        if not found:
            out.append({"questionnaire": None,
                        **check_on_cell(target, None, options.min_answers)})  # fmt: skip
    return out


def _insats_cell(cell: dict[str, Any], insats: str | None, only: str | None) -> Any:
    """The part of an indicator cell about one insats's participants (None: everyone).

    With answers from several insatser the cell has a `by_insats` breakdown; with answers
    from one, the cell is that insats's (`only`), and any other insats has no answers.
    """
    if insats is None or is_suppressed(cell):
        return cell
    if "by_insats" in cell:
        groups = cell["by_insats"]
        # An empty breakdown was left out whole by the disclosure rule.
        return groups.get(insats) if groups else suppressed()
    return cell if insats == only else None


def _outcome_cell(outcomes: dict[str, Any], insats: str | None) -> Any:
    if not outcomes["available"]:
        return None
    return outcomes if insats is None else outcomes["by_insats"].get(insats)
