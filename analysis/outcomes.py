"""Exit outcomes (avslutsorsak) of enrolments that ended in the period, by gender and
by insats.

Counted per enrolment: each ended enrolment has its own outcome, even when one person
had two, and belongs to one insats, so the insatser add up to the total. Only the web app
knows outcomes; a CSV of answers has none.

"Work or studies" counts the outcomes the förbund has chosen (`counted`): by default
arbete and studier; some förbund count arbetslivsinriktad rehabilitering too.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from questionnaires.vocabulary import ExitOutcome

from .enrolments import EnrolmentColumns
from .i18n import N_
from .rows import EXIT_OUTCOMES, GENDERS
from .selection import Selection
from .shares import share_cell

# The outcomes that count as "went to work or studies" unless the förbund chooses others.
WORK_OR_STUDIES = (ExitOutcome.arbete.value, ExitOutcome.studier.value)

CSV_NOTE = N_(
    "Avslutsorsaker finns inte i en CSV-fil med svar; de kommer från inskrivningarna "
    "i webbtjänsten."
)


def _outcome(outcome: str | None) -> str:
    """One of EXIT_OUTCOMES (ExitOutcome values); an ended enrolment without one: okänd."""
    if outcome is None:
        return ExitOutcome.okand.value
    if outcome not in EXIT_OUTCOMES:
        raise ValueError(f"unknown exit outcome {outcome!r}; use one of {', '.join(EXIT_OUTCOMES)}")
    return outcome


def outcome_table(
    enrolments: EnrolmentColumns | None, selection: Selection,
    counted: tuple[str, ...] = WORK_OR_STUDIES,
) -> dict[str, Any]:
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE, "counted": list(counted)}
    for outcome in counted:
        _outcome(outcome)  # an unknown outcome in the förbund's list is a bug: say so
    rows = np.flatnonzero(enrolments.ended(selection))
    total = int(rows.size)
    # Each outcome written once per distinct value; only ended enrolments' are checked.
    codes, names = enrolments.exit_outcome.codes, enrolments.exit_outcome.names
    keys = list(EXIT_OUTCOMES)
    position = np.full(len(names), -1, dtype=np.int64)
    for code in np.unique(codes[rows]).tolist():
        position[code] = keys.index(_outcome(names[code]))
    outcome = position[codes[rows]]
    genders, gender_names = enrolments.gender.codes, enrolments.gender.names
    gender = genders[rows]
    by_gender: dict[str, dict[str, Any]] = {}
    for code in np.unique(gender).tolist():
        mine = np.bincount(outcome[gender == code], minlength=len(keys))
        by_gender[gender_names[code]] = {
            "ended": int(mine.sum()),
            "outcomes": {key: int(n) for key, n in zip(keys, mine, strict=True)},
        }
    counts = dict(zip(keys, np.bincount(outcome, minlength=len(keys)).tolist(), strict=True))
    rank = {g: i for i, g in enumerate(GENDERS)}
    ordered = {g: by_gender[g] for g in sorted(by_gender, key=lambda g: (rank.get(g, 99), g))}
    work = sum(counts[key] for key in counted)
    insatser, insats_names = enrolments.insats.codes[rows], enrolments.insats.names
    is_work = np.isin(outcome, [keys.index(key) for key in counted])
    by_insats = {}
    for code in sorted(np.unique(insatser).tolist(), key=insats_names.__getitem__):
        mine = insatser == code
        ended, went = int(mine.sum()), int((mine & is_work).sum())
        by_insats[insats_names[code]] = {
            "ended": ended,
            "work_or_studies": {"count": went, "share": share_cell(ended, went)["share"]},
        }
    return {
        "available": True,
        "note": None,
        "counted": list(counted),
        "ended": total,
        "outcomes": {
            key: {"count": count, "share": share_cell(total, count)["share"]}
            for key, count in counts.items()
        },
        "work_or_studies": {"count": work, "share": share_cell(total, work)["share"]},
        "by_gender": ordered,
        "by_insats": by_insats,
    }
