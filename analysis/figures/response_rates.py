"""Svarsfrekvens (JSON key `response_rates`): per questionnaire and occasion, of the
enrolments due an answer, how many answered, how many did not and why (the Bortfall
table's `missing.reasons`).

Counted in enrolments, each a Cell of its person's record key; the share is answered of
due as published (answered capped at due, no share under 5 due). Only the web app knows
who was due: a CSV of answers gives none.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from questionnaires.vocabulary import followup_occasion

from ..due import DueRule, due_in_period
from ..i18n import N_
from ..perturbation import Cell
from .counts import portion
from .followups import due_rows, followup_questionnaires
from .missing import Answered, Units, questionnaires, reasons, units

if TYPE_CHECKING:
    from ..enrolments import EnrolmentColumns
    from ..selection import Selection
    from . import FigureInputs

# Why someone due an answer at an occasion has none (still_enrolled only explains a
# missing avslut answer of someone not yet ended, who is never due one here).
RATE_REASONS = ("left_early", "no_invitation", "not_answered")


CSV_NOTE = N_(
    "Svarsfrekvens finns inte för en CSV-fil med svar: vilka som borde ha svarat vet "
    "bara inskrivningarna i webbtjänsten."
)


def due(occasion: str, enrolments: EnrolmentColumns, rows: np.ndarray, selection: Selection,
        pagaende_days: int, today: dt.date | None = None) -> np.ndarray:  # fmt: skip
    """Mask over enrolments `rows`: due an answer at `occasion` in the period, by the one
    rule of the to-do list (`analysis.due`), counted up to the earlier of the period's
    end and today."""
    until = selection.due_by(today)
    return due_in_period(occasion, enrolments.start_date[rows], enrolments.end_date[rows],
                         enrolments.ended(selection)[rows], selection.date_from, until,
                         DueRule(pagaende_days=pagaende_days))  # fmt: skip


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments, selection = inputs.enrolments, inputs.selection
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE}
    days = inputs.options.pagaende_days
    answered = Answered(inputs.entries)
    enrolled = units(inputs.entries, selection, enrolments)
    table: dict[str, Any] = {}
    for key, occasions in questionnaires(inputs).items():
        by_occasion = answered.by_occasion(key)
        table[key] = {}
        for occasion in occasions:
            mine = due(occasion, enrolments, enrolled.rows, selection, days)
            has = enrolled.has(by_occasion[occasion])
            table[key][occasion] = _rate(enrolments, enrolled, mine, has, key, selection,
                                         occasion)  # fmt: skip
    for key in followup_questionnaires(inputs):
        table[key] = {}
        for months in inputs.options.followup_months:
            occasion = followup_occasion(months)
            # Due a follow-up are the ended enrolments whose point falls in the period
            # (they ended before it, so they are not among the period's enrolled).
            rows = due_rows(enrolments, inputs, occasion)
            known = {name: code for code, name in enumerate(inputs.entries.enrolment.names)}
            codes = np.array([known.get(enrolments.key[row], -1) for row in rows.tolist()],
                             dtype=np.int64)
            owed = Units(rows, codes, enrolments.record_key[rows])
            has = owed.has(answered.at(key, occasion))
            table[key][occasion] = _rate(enrolments, owed, np.ones(rows.size, dtype=bool), has,
                                         key, selection, occasion)  # fmt: skip
    return {"available": True, "note": None, "pagaende_days": days, "by_questionnaire": table}


def _rate(enrolments: EnrolmentColumns, enrolled: Units, mine: np.ndarray, has: np.ndarray,
          key: str, selection: Selection, occasion: str) -> dict[str, Any]:  # fmt: skip
    """The cells of one questionnaire and occasion: of `enrolled`, those due (`mine`)
    with and without an answer (`has`), and why not."""
    keys = enrolled.keys
    found = reasons(enrolments, enrolled.rows[mine & ~has], key, selection, occasion)
    return {
        "due": Cell.of(keys[mine]),
        "answered": Cell.of(keys[mine & has]),
        "missing": Cell.of(keys[mine & ~has]),
        "reasons": {reason: found[reason] for reason in RATE_REASONS},
    }


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"response_rates": the figure}, from its published cells."""
    if not published["available"]:
        return {"response_rates": published}
    table = {}
    for key, occasions in published["by_questionnaire"].items():
        table[key] = {}
        for occasion, cell in occasions.items():
            share = portion(cell["due"], cell["answered"])
            table[key][occasion] = {"due": cell["due"], "answered": share.pop("count"),
                                    "missing": cell["missing"], **share,
                                    "reasons": cell["reasons"]}  # fmt: skip
    return {"response_rates": {**published, "by_questionnaire": table}}
