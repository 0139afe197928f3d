"""Enrolments as columns: what the board's counts, missing answers, exit outcomes and
försörjning are counted from.

The web app has 100 000s of enrolments; one `EnrolmentRow` object each took longer to
make than the whole report. `survey.reports.columns.enrolment_columns` fills these arrays
straight from the database; `EnrolmentColumns.from_rows` takes rows (tests, callers
that have a few).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .codes import Codes
from .income import income_sources
from .rows import EnrolmentKey, EnrolmentRow
from .selection import Selection, select_enrolments

NO_BIRTH_YEAR = -1


@dataclass(slots=True)
class EnrolmentColumns:
    key: list[EnrolmentKey]  # EnrolmentRow.key: the id as a string, or (participant, insats, site)
    participant: Codes
    gender: Codes
    born_abroad: Codes
    insats: Codes
    site: Codes
    start_date: np.ndarray  # datetime64[D]
    end_date: np.ndarray  # datetime64[D], NaT while enrolled
    exit_outcome: Codes
    left_early: np.ndarray  # bool
    # (questionnaire key, occasion) -> whether each enrolment was sent that invitation.
    invited: dict[tuple[str, str], np.ndarray]
    birth_year: np.ndarray  # int32, NO_BIRTH_YEAR where unknown
    # Försörjning at start and exit: names are sorted tuples of IncomeSource values, or
    # None when not recorded (`income.income_sources` makes them from any stored form).
    income_start: Codes
    income_exit: Codes
    # int64: each enrolment's person's record key (analysis/perturbation.py).
    record_key: np.ndarray

    def __len__(self) -> int:
        return len(self.key)

    @classmethod
    def from_rows(cls, rows: Sequence[EnrolmentRow]) -> EnrolmentColumns:
        count = len(rows)
        if any(row.record_key is None for row in rows):
            raise ValueError("every enrolment row needs its participant's record_key")
        invited: dict[tuple[str, str], np.ndarray] = {}
        for i, row in enumerate(rows):
            for pair in row.invited:
                invited.setdefault(pair, np.zeros(count, dtype=bool))[i] = True
        return cls(
            key=[row.key for row in rows],
            participant=Codes.of(rows, "participant"),
            gender=Codes.of(rows, "gender"),
            born_abroad=Codes.of(rows, "born_abroad"),
            insats=Codes.of(rows, "insats"),
            site=Codes.of(rows, "site"),
            start_date=np.array([row.start_date for row in rows], dtype="datetime64[D]"),
            end_date=np.array([_day(row.end_date) for row in rows], dtype="datetime64[D]"),
            exit_outcome=Codes.of(rows, "exit_outcome"),
            left_early=np.array([row.left_early for row in rows], dtype=bool),
            invited=invited,
            birth_year=birth_years([row.birth_year for row in rows]),
            income_start=Codes.factorize([income_sources(row.income_start) for row in rows]),
            income_exit=Codes.factorize([income_sources(row.income_exit) for row in rows]),
            record_key=np.array([row.record_key for row in rows], dtype=np.int64),
        )

    def selected(self, selection: Selection) -> np.ndarray:
        """Mask of the enrolments in the selected insatser and site that overlap the period."""
        return select_enrolments(selection, self.insats, self.site, self.start_date,
                                 self.end_date)  # fmt: skip

    def ended(self, selection: Selection) -> np.ndarray:
        """Mask of the selected enrolments that ended in the period, by the earlier of its
        end and today (an end date still to come is not an end yet); the rest of the
        selected are ongoing at its end."""
        end = self.end_date
        ended = self.selected(selection) & ~np.isnat(end)
        if selection.date_from is not None:
            ended &= end >= np.datetime64(selection.date_from)
        return ended & (end <= np.datetime64(selection.due_by(), "D"))


def birth_years(years: Sequence[int | None]) -> np.ndarray:
    return np.array([NO_BIRTH_YEAR if year is None else year for year in years], dtype=np.int32)


def _day(day: dt.date | None) -> dt.date | str:
    return "NaT" if day is None else day
