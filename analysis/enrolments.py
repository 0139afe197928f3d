"""Enrolments as columns: what missing answers and exit outcomes are counted from.

The web app has 100 000s of enrolments; one `EnrolmentRow` object each took longer to
make than the whole report. `survey.reports.rows.enrolment_columns` fills these arrays
straight from the database; `EnrolmentColumns.from_rows` takes rows (tests, callers
that have a few).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .collect import Selection
from .rows import EnrolmentKey, EnrolmentRow

# (codes, names): codes[i] indexes names; names may hold None.
Coded = tuple[np.ndarray, list[Any]]


@dataclass(slots=True)
class EnrolmentColumns:
    key: list[EnrolmentKey]  # EnrolmentRow.key: the id as a string, or (participant, insats, site)
    participant: Coded
    gender: Coded
    born_abroad: Coded
    insats: Coded
    site: Coded
    start_date: np.ndarray  # datetime64[D]
    end_date: np.ndarray  # datetime64[D], NaT while enrolled
    exit_outcome: Coded
    left_early: np.ndarray  # bool
    # (questionnaire key, occasion) -> whether each enrolment was sent that invitation.
    invited: dict[tuple[str, str], np.ndarray]

    def __len__(self) -> int:
        return len(self.key)

    @classmethod
    def from_rows(cls, rows: Sequence[EnrolmentRow]) -> EnrolmentColumns:
        count = len(rows)
        invited: dict[tuple[str, str], np.ndarray] = {}
        for i, row in enumerate(rows):
            for pair in row.invited:
                invited.setdefault(pair, np.zeros(count, dtype=bool))[i] = True
        return cls(
            key=[row.key for row in rows],
            participant=_coded([row.participant for row in rows]),
            gender=_coded([row.gender for row in rows]),
            born_abroad=_coded([row.born_abroad for row in rows]),
            insats=_coded([row.insats for row in rows]),
            site=_coded([row.site for row in rows]),
            start_date=np.array([row.start_date for row in rows], dtype="datetime64[D]"),
            end_date=np.array([_day(row.end_date) for row in rows], dtype="datetime64[D]"),
            exit_outcome=_coded([row.exit_outcome for row in rows]),
            left_early=np.array([row.left_early for row in rows], dtype=bool),
            invited=invited,
        )

    def rows(self) -> list[EnrolmentRow]:
        """One EnrolmentRow per enrolment (for callers that want objects)."""
        pairs = [(pair, mask) for pair, mask in self.invited.items()]
        ends = self.end_date.astype(object)
        return [
            EnrolmentRow(
                id=key if isinstance(key, str) else None,
                participant=_name(self.participant, i), gender=_name(self.gender, i),
                born_abroad=_name(self.born_abroad, i), insats=_name(self.insats, i),
                site=_name(self.site, i), start_date=self.start_date[i].item(),
                end_date=ends[i], exit_outcome=_name(self.exit_outcome, i),
                left_early=bool(self.left_early[i]),
                invited=frozenset(pair for pair, mask in pairs if mask[i]),
            )
            for i, key in enumerate(self.key)
        ]  # fmt: skip

    def selected(self, selection: Selection) -> np.ndarray:
        """Mask of the enrolments in the selected insatser and site that overlap the period."""
        mask = np.ones(len(self), dtype=bool)
        if selection.insatser:
            mask &= _where(self.insats, lambda name: name in selection.insatser)
        if selection.site is not None:
            mask &= _where(self.site, lambda name: name == selection.site)
        if selection.date_to is not None:
            mask &= ~(self.start_date > np.datetime64(selection.date_to))
        if selection.date_from is not None:
            ended = ~np.isnat(self.end_date)
            mask &= ~(ended & (self.end_date < np.datetime64(selection.date_from)))
        return mask


def _coded(values: list[Any]) -> Coded:
    names: dict[Any, int] = {}
    codes = np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int32,
                        count=len(values))  # fmt: skip
    return codes, list(names)


def _name(column: Coded, index: int) -> Any:
    return column[1][column[0][index]]


def _day(day: dt.date | None) -> dt.date | str:
    return "NaT" if day is None else day


def _where(column: Coded, test: Any) -> np.ndarray:
    """Per enrolment: whether its name in `column` passes `test` (tested once per name)."""
    codes, names = column
    return np.asarray([bool(test(name)) for name in names], dtype=bool)[codes]
