"""Exit outcomes (JSON key `exit_outcomes`, avslutsorsak) of enrolments that ended in
the period, in total, by gender and by insats.

Counted per enrolment, each a Cell of its person's record key: each ended enrolment has
its own outcome, even when one person had two, and belongs to one insats. Every outcome
of the vocabulary, every gender and every insats of the selection is listed, 0 too. Only
the web app knows outcomes; a CSV of answers has none.

"Work or studies" counts the outcomes the förbund has chosen (`counted`): by default
arbete and studier; some förbund count arbetslivsinriktad rehabilitering too. Its share
is of the published ended and shown whenever they are 5 or more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from questionnaires.vocabulary import ExitOutcome

from ..i18n import N_
from ..perturbation import Cell
from ..rows import EXIT_OUTCOMES, GENDERS
from . import insatser
from .counts import portion

if TYPE_CHECKING:
    from ..enrolments import EnrolmentColumns
    from . import FigureInputs

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


def block(keys: np.ndarray, outcome: np.ndarray, work: np.ndarray) -> dict[str, Any]:
    """The cells of one group of ended enrolments: ended, each outcome, work or studies
    (in the finished figure's shape, which adds each count's share)."""
    return {
        "ended": Cell.of(keys),
        "outcomes": {name: {"count": Cell.of(keys[outcome == i])}
                     for i, name in enumerate(EXIT_OUTCOMES)},
        "work_or_studies": {"count": Cell.of(keys[work])},
    }  # fmt: skip


def ended_outcomes(enrolments: EnrolmentColumns, inputs: FigureInputs
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """The enrolments that ended in the period (their row numbers), each one's outcome
    (an index into EXIT_OUTCOMES) and whether it counts as work or studies: the units of
    this figure and of every figure that splits them further (`time_in_programme`)."""
    counted = inputs.options.work_outcomes
    for outcome in counted:
        _outcome(outcome)  # an unknown outcome in the förbund's list is a bug: say so
    rows = np.flatnonzero(enrolments.ended(inputs.selection))
    # Each outcome written once per distinct value; only ended enrolments' are checked.
    codes, names = enrolments.exit_outcome.codes, enrolments.exit_outcome.names
    position = np.full(len(names), -1, dtype=np.int64)
    for code in np.unique(codes[rows]).tolist():
        position[code] = list(EXIT_OUTCOMES).index(_outcome(names[code]))
    outcome = position[codes[rows]]
    work = np.isin(outcome, [list(EXIT_OUTCOMES).index(key) for key in counted])
    return rows, outcome, work


def insats_masks(enrolments: EnrolmentColumns, inputs: FigureInputs, rows: np.ndarray
                 ) -> dict[str, np.ndarray]:  # fmt: skip
    """Per insats of the selection, the mask of `rows` (enrolments) in it."""
    code = {name: code for code, name in enumerate(enrolments.insats.names)}
    insats = enrolments.insats.codes[rows]
    return {name: insats == code.get(name, -1) for name in insatser(inputs)}


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments, counted = inputs.enrolments, inputs.options.work_outcomes
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE, "counted": list(counted)}
    rows, outcome, work = ended_outcomes(enrolments, inputs)
    keys = enrolments.record_key[rows]
    gender_code = {name: code for code, name in enumerate(enrolments.gender.names)}
    gender = enrolments.gender.codes[rows]
    groups = {
        "by_gender": {name: gender == gender_code.get(name, -1) for name in GENDERS},
        "by_insats": insats_masks(enrolments, inputs, rows),
    }
    return {
        "available": True,
        "note": None,
        "counted": list(counted),
        **block(keys, outcome, work),
        **{breakdown: {name: block(keys[mine], outcome[mine], work[mine])
                       for name, mine in masks.items()}
           for breakdown, masks in groups.items()},
    }  # fmt: skip


def finish_block(group: dict[str, Any]) -> dict[str, Any]:
    """A `block` as published, with each count's share of its ended."""
    ended = group["ended"]
    return {
        "ended": ended,
        "outcomes": {name: portion(ended, part["count"])
                     for name, part in group["outcomes"].items()},
        "work_or_studies": portion(ended, group["work_or_studies"]["count"]),
    }  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"exit_outcomes": the figure}, from its published cells."""
    if not published["available"]:
        return {"exit_outcomes": published}
    return {"exit_outcomes": {
        **published,
        **finish_block(published),
        "by_gender": {name: finish_block(b) for name, b in published["by_gender"].items()},
        "by_insats": {name: finish_block(b) for name, b in published["by_insats"].items()},
    }}
