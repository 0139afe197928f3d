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


def _block(keys: np.ndarray, outcome: np.ndarray, work: np.ndarray) -> dict[str, Any]:
    """The cells of one group of ended enrolments: ended, each outcome, work or studies
    (in the finished figure's shape, which adds each count's share)."""
    return {
        "ended": Cell.of(keys),
        "outcomes": {name: {"count": Cell.of(keys[outcome == i])}
                     for i, name in enumerate(EXIT_OUTCOMES)},
        "work_or_studies": {"count": Cell.of(keys[work])},
    }  # fmt: skip


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments, counted = inputs.enrolments, inputs.options.work_outcomes
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE, "counted": list(counted)}
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
    keys = enrolments.record_key[rows]
    gender_code = {name: code for code, name in enumerate(enrolments.gender.names)}
    gender = enrolments.gender.codes[rows]
    insats_code = {name: code for code, name in enumerate(enrolments.insats.names)}
    insats = enrolments.insats.codes[rows]
    groups = {
        "by_gender": {name: gender == gender_code.get(name, -1) for name in GENDERS},
        "by_insats": {name: insats == insats_code.get(name, -1)
                      for name in insatser(inputs)},
    }  # fmt: skip
    return {
        "available": True,
        "note": None,
        "counted": list(counted),
        **_block(keys, outcome, work),
        **{breakdown: {name: _block(keys[mine], outcome[mine], work[mine])
                       for name, mine in masks.items()}
           for breakdown, masks in groups.items()},
    }  # fmt: skip


def _finish_block(block: dict[str, Any]) -> dict[str, Any]:
    ended = block["ended"]
    return {
        "ended": ended,
        "outcomes": {name: portion(ended, part["count"])
                     for name, part in block["outcomes"].items()},
        "work_or_studies": portion(ended, block["work_or_studies"]["count"]),
    }  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"exit_outcomes": the figure}, from its published cells."""
    if not published["available"]:
        return {"exit_outcomes": published}
    return {"exit_outcomes": {
        **published,
        **_finish_block(published),
        "by_gender": {name: _finish_block(b) for name, b in published["by_gender"].items()},
        "by_insats": {name: _finish_block(b) for name, b in published["by_insats"].items()},
    }}
