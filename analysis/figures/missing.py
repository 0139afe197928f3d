"""Who is missing (JSON key `missing`, "Bortfall"): enrolled, answered at start /
pågående / avslut, paired, and why an avslut answer is missing. The svarsfrekvens
(`response_rates.py`) counts answers and reasons with the helpers here: one rule for
who answered and why someone did not.

Counted in enrolments, each a Cell of its person's record key. With enrolment rows from
the web app every reason can be told. From a CSV alone the only enrolments known are
those that answered something, and the reason is "unknown".

The rows are the questionnaires of the registry (`questionnaires`), each with the
occasions its definition asks at: never only those someone answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from questionnaires.vocabulary import Occasion, values

from ..i18n import N_
from ..perturbation import EMPTY, Cell

if TYPE_CHECKING:
    from ..enrolments import EnrolmentColumns
    from ..entries import Entries
    from ..selection import Selection
    from . import FigureInputs

# The occasions in the programme: the Bortfall table's columns. A follow-up after exit
# is counted by the response rates and `followups.py`, from the enrolments due it.
OCCASIONS = tuple(o for o in values(Occasion) if o != Occasion.uppfoljning)
REASONS = ("still_enrolled", "left_early", "no_invitation", "not_answered", "unknown")

CSV_NOTE = N_(
    "Underlaget är bara en CSV-fil med svar: som inskrivna räknas de som har svarat på "
    "något under perioden, och varför avslutssvar saknas går inte att se."
)


def questionnaires(inputs: FigureInputs) -> dict[str, tuple[str, ...]]:
    """Questionnaire key -> the occasions in the programme any of its versions asks at, in
    occasion order: the rows of the Bortfall table and the svarsfrekvens (a follow-up
    questionnaire, asked only after exit, has none here). A loaded questionnaire the
    insatser do not hand out (`ReportOptions.not_handed_out`) has a row only if someone
    answered it: a förbund's instrument is not "unanswered" where it is never asked."""
    answered = {layout.key for layout in inputs.entries.layouts}
    skipped = set(inputs.options.not_handed_out) - answered
    asked: dict[str, set[str]] = {}
    for questionnaire in inputs.registry.all():
        if questionnaire.key not in skipped:
            asked.setdefault(questionnaire.key, set()).update(questionnaire.occasions)
    return {key: found for key in sorted(asked)
            if (found := tuple(o for o in OCCASIONS if o in asked[key]))}


def reasons(
    enrolments: EnrolmentColumns, rows: np.ndarray, key: str, selection: Selection,
    occasion: str = "avslut",
) -> dict[str, Cell]:
    """Of enrolments `rows` (each missing an answer to questionnaire `key` at
    `occasion`), the cell of each reason.

    Checked in this order because the first one that holds explains the rest: someone
    still enrolled is not due an avslut survey, and someone who left early is seldom
    reachable, whether invited or not.
    """
    end = enrolments.end_date[rows]
    still = np.isnat(end) | (end > np.datetime64(selection.due_by(), "D"))
    if occasion != "avslut":
        still[:] = False
    left = enrolments.left_early[rows]
    invited = enrolments.invited.get((key, occasion))
    sent = invited[rows] if invited is not None else np.zeros(rows.size, dtype=bool)
    first = np.select([still, left, ~sent], [0, 1, 2], default=3)
    keys = enrolments.record_key[rows]
    return {name: Cell.of(keys[first == i]) for i, name in enumerate(REASONS)}


@dataclass(frozen=True)
class Units:
    """The enrolments a table counts: for each, its row in the enrolment columns (none
    from a CSV), its code among the entries' enrolments (-1: no entry) and its key."""

    rows: np.ndarray
    codes: np.ndarray
    keys: np.ndarray

    def has(self, answered: np.ndarray) -> np.ndarray:
        """Mask over the units: those whose enrolment is in `answered` (a mask over the
        entries' enrolment codes; empty when nobody answered)."""
        if answered.size == 0:
            return np.zeros(self.codes.size, dtype=bool)
        return (self.codes >= 0) & answered[np.maximum(self.codes, 0)]


def units(entries: Entries, selection: Selection,
          enrolments: EnrolmentColumns | None) -> Units:  # fmt: skip
    """The enrolled: the enrolments in the selection overlapping the period, or from a
    CSV those with an answer in the period."""
    if enrolments is None:
        codes = np.unique(entries.enrolment.codes[entries.in_period]).astype(np.int64)
        key_of = np.zeros(len(entries.enrolment.names), dtype=np.int64)
        key_of[entries.enrolment.codes] = entries.record_key
        return Units(np.zeros(0, dtype=np.int64), codes, key_of[codes])
    # One enrolment per key (the last, as a dict of rows would keep).
    last = {enrolments.key[i]: i for i in np.flatnonzero(enrolments.selected(selection)).tolist()}
    rows = np.fromiter(last.values(), dtype=np.int64, count=len(last))
    known = {key: code for code, key in enumerate(entries.enrolment.names)}
    codes = np.fromiter((known.get(key, -1) for key in last), dtype=np.int64, count=len(last))
    return Units(rows, codes, enrolments.record_key[rows])


def _paired(entries: Entries, versions: list[int], answered: Answered) -> np.ndarray:
    """Mask over enrolment codes: answered start and avslut of one questionnaire version."""
    qv, occasion = entries.qv, entries.occasion.codes
    start, end = entries.occasion.code_of("start"), entries.occasion.code_of("avslut")
    pairs = np.zeros(len(entries.enrolment.names), dtype=bool)
    for version in versions:
        mine = qv == version
        pairs |= answered.rows(np.flatnonzero(mine & (occasion == start))) & answered.rows(
            np.flatnonzero(mine & (occasion == end))
        )
    return pairs


class Answered:
    """Masks over the entries' enrolment codes: who answered what."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries

    def rows(self, rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.entries.enrolment.names), dtype=bool)
        mask[self.entries.enrolment.codes[rows]] = True
        return mask

    def versions(self, key: str) -> list[int]:
        return [i for i, layout in enumerate(self.entries.layouts) if layout.key == key]

    def by_occasion(self, key: str) -> dict[str, np.ndarray]:
        """Occasion -> who has an entry of questionnaire `key` at it."""
        return {name: self.at(key, name) for name in OCCASIONS}

    def at(self, key: str, occasion: str) -> np.ndarray:
        """Who has an entry of questionnaire `key` at `occasion` ("uppfoljning-6" too)."""
        entries = self.entries
        of_key = np.isin(entries.qv, self.versions(key))
        return self.rows(np.flatnonzero(
            of_key & (entries.occasion.codes == entries.occasion.code_of(occasion))))


def cells(inputs: FigureInputs) -> dict[str, Any]:
    entries, selection, enrolments = inputs.entries, inputs.selection, inputs.enrolments
    answered = Answered(entries)
    enrolled = units(entries, selection, enrolments)
    keys = enrolled.keys
    table: dict[str, Any] = {}
    for key, occasions in questionnaires(inputs).items():
        by_occasion = answered.by_occasion(key)
        has = {o: enrolled.has(by_occasion[o]) for o in OCCASIONS}
        paired = None
        if {"start", "avslut"} <= set(occasions):
            paired = Cell.of(keys[enrolled.has(_paired(entries, answered.versions(key),
                                                       answered))])  # fmt: skip
        without = ~has["avslut"]
        if enrolments is None:
            found = {**dict.fromkeys(REASONS, EMPTY), "unknown": Cell.of(keys[without])}
        else:
            found = reasons(enrolments, enrolled.rows[without], key, selection)
        table[key] = {
            "enrolled": Cell.of(keys),
            **{f"with_{o}": Cell.of(keys[has[o]]) if o in occasions else None
               for o in OCCASIONS},
            "paired": paired,
            "without_avslut": Cell.of(keys[without]),
            "reasons": found,
        }  # fmt: skip
    return {
        "source": "csv" if enrolments is None else "enrolments",
        "note": CSV_NOTE if enrolments is None else None,
        "by_questionnaire": table,
    }


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"missing": the figure}: every figure of the Bortfall table is a count, as
    published."""
    return {"missing": published}
