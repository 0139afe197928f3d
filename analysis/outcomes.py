"""Exit outcomes (avslutsorsak) of enrolments that ended in the period, by gender.

Counted per enrolment: each ended enrolment has its own outcome, even when one person
had two. Only the web app knows outcomes; a CSV of answers has none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .collect import Selection
from .missing import selected_enrolments
from .rows import EXIT_OUTCOMES, GENDERS, EnrolmentRow
from .shares import share_cell
from .suppression import suppress_breakdown

CSV_NOTE = (
    "Avslutsorsaker finns inte i en CSV-fil med svar; de kommer från inskrivningarna "
    "i webbtjänsten."
)

# Also accepted: the ASCII enum member names (survey.models.ExitOutcome.sjukersattning).
_ASCII = str.maketrans("åäö ", "aao_")
_ACCEPTED = {key.translate(_ASCII): key for key in EXIT_OUTCOMES} | {k: k for k in EXIT_OUTCOMES}


def normalise_outcome(outcome: str | None) -> str:
    """One of EXIT_OUTCOMES; labels and ASCII names are accepted, and none means "okänd"."""
    if outcome is None or not str(outcome).strip():
        return "okänd"
    found = _ACCEPTED.get(str(outcome).strip().lower())
    if found is None:
        raise ValueError(f"unknown exit outcome {outcome!r}; use one of {', '.join(EXIT_OUTCOMES)}")
    return found


def outcome_table(
    enrolments: Sequence[EnrolmentRow] | None, selection: Selection, min_group: int
) -> dict[str, Any]:
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE}
    ended = [
        e
        for e in selected_enrolments(enrolments, selection)
        if e.end_date is not None
        and (selection.date_from is None or e.end_date >= selection.date_from)
        and (selection.date_to is None or e.end_date <= selection.date_to)
    ]
    total = len(ended)
    counts = dict.fromkeys(EXIT_OUTCOMES, 0)
    by_gender: dict[str, dict[str, Any]] = {}
    for e in ended:
        outcome = normalise_outcome(e.exit_outcome)
        counts[outcome] += 1
        cell = by_gender.setdefault(
            e.gender, {"ended": 0, "outcomes": dict.fromkeys(EXIT_OUTCOMES, 0)}
        )
        cell["ended"] += 1
        cell["outcomes"][outcome] += 1
    rank = {g: i for i, g in enumerate(GENDERS)}
    ordered = {g: by_gender[g] for g in sorted(by_gender, key=lambda g: (rank.get(g, 99), g))}
    work = counts["arbete"] + counts["studier"]
    return {
        "available": True,
        "note": None,
        "ended": total,
        "outcomes": {
            key: {"count": count, "share": share_cell(total, count)["share"]}
            for key, count in counts.items()
        },
        "work_or_studies": {"count": work, "share": share_cell(total, work)["share"]},
        "by_gender": suppress_breakdown(ordered, "ended", min_group),
    }
