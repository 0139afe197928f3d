"""The two kinds of input rows: one answer, and one enrolment.

Both the CSV reader and the web app (from the database) produce these, so the report code
never needs to know where the data came from. `AnswerRow` is a NamedTuple rather than a
dataclass because a large report streams millions of them: tuples are cheap to build and
to unpack in the one-pass collector.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from questionnaires.vocabulary import Assisted, BornAbroad, ExitOutcome, Gender, Occasion, values

CSV_COLUMNS: tuple[str, ...] = (
    "participant",
    "gender",
    "birth_year",
    "born_abroad",
    "insats",
    "site",
    "questionnaire",
    "version",
    "occasion",
    "submitted_at",
    "language",
    "easy",
    "assisted",
    "item",
    "value",
    "comment",
)

GENDERS = values(Gender)
BORN_ABROAD = values(BornAbroad)
OCCASIONS = values(Occasion)
ASSISTED = values(Assisted)

# Exit outcomes (avslutsorsak) with the capitalised label shown in reports.
EXIT_OUTCOMES: dict[str, str] = {o.value: o.value.capitalize() for o in ExitOutcome}

EnrolmentKey = str | tuple[str, str, str | None]


class AnswerRow(NamedTuple):
    """One answer to one item, with everything needed to group and filter it."""

    participant: str
    gender: str
    birth_year: int | None
    born_abroad: str
    insats: str
    site: str | None
    questionnaire: str
    version: int
    occasion: str
    # Naive UTC, like the database stores it.
    submitted_at: dt.datetime
    language: str
    easy: bool
    assisted: str
    item: str
    # None means "vet inte".
    value: int | None
    comment: str | None
    # The database's enrolment id as a string; None in a CSV, where an enrolment is
    # (participant, insats, site) instead.
    enrolment: str | None = None
    # The participant's record key (analysis/perturbation.py); None only from a CSV
    # without the column, which a report refuses.
    record_key: int | None = None

    @property
    def enrolment_key(self) -> EnrolmentKey:
        return enrolment_key(self.enrolment, self.participant, self.insats, self.site)


def enrolment_key(
    enrolment: str | None, participant: str, insats: str, site: str | None
) -> EnrolmentKey:
    if enrolment is not None:
        return enrolment
    return (participant, insats, site)


@dataclass(frozen=True, slots=True)
class EnrolmentRow:
    """One participant in one insats at one site, as the web app knows it.

    Only the web app has these; a CSV-only report works without them and says which
    figures it therefore cannot give.
    """

    id: str | None
    participant: str
    gender: str
    born_abroad: str
    insats: str
    site: str | None
    start_date: dt.date
    end_date: dt.date | None = None
    # One of EXIT_OUTCOMES, or None while enrolled / when not recorded.
    exit_outcome: str | None = None
    # The participant stopped before the insats was completed (avbrott).
    left_early: bool = False
    # (questionnaire key, occasion) pairs an invitation was sent for.
    invited: frozenset[tuple[str, str]] = frozenset()
    birth_year: int | None = None
    # Försörjning: IncomeSource values (several may apply); empty / None: not recorded.
    income_start: tuple[str, ...] = ()
    income_exit: tuple[str, ...] | None = None

    @property
    def key(self) -> EnrolmentKey:
        return enrolment_key(self.id, self.participant, self.insats, self.site)
