"""After exit (JSON key `followups`): per follow-up point of the förbund (6 and 12 months
by default), in total and per insats, how many were due a follow-up, how many answered,
what those who answered do now next to what they did at exit, and how many support
themselves at exit and now.

Counted per enrolment (a person who took part in two insatser answers once per ended
enrolment), each a Cell of its person's record key, like the exit outcomes:

- due: enrolments in the selection whose follow-up point (`analysis.due`, the one due
  rule) falls in the period, counted up to the earlier of its end and today;
- answered: enrolments with a follow-up response of that point submitted in the period
  (an answer belongs to the month it was given, like every answer), whenever its point
  fell;
- work or studies now: of those who answered what they do now (`sysselsattning`, a
  choice item read by its meaning), those doing one of the förbund's counted outcomes
  (`ReportOptions.work_outcomes`);
- the transition, of those who answered it and whose exit outcome is known (not okänd):
  still in work or studies (at exit and now), moved into it, moved out of it, neither;
- self-supporting at exit (the försörjning recorded at exit, `analysis.income`) and now
  (main income `forsorjning` in `income.OWN_SUPPORT`: wages or studiemedel), both of
  those who answered the follow-up, each share of its own base (those with it known).

Shares come from the published counts (`counts.portion`, `shares.share_cell`): a base
under 5 shows only itself. Due, the transition and self-supporting at exit need the
enrolments of the web app; from a CSV of answers only the answers are counted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from questionnaires.vocabulary import ExitOutcome, Occasion, followup_occasion

from ..due import DueRule, due_in_period
from ..entries import latest_per_group
from ..i18n import N_
from ..income import INCOME_GROUPS, OWN_SUPPORT, SELF_SUPPORTING, income_group
from ..perturbation import Cell
from ..selection import in_insatser_and_site
from ..shares import share_cell
from . import group_codes, insatser
from .counts import portion

if TYPE_CHECKING:
    from ..enrolments import EnrolmentColumns
    from . import FigureInputs

# The follow-up questionnaire's items read here, by the meaning of their choices.
NOW_ITEM = "sysselsattning"  # ExitOutcome values
INCOME_ITEM = "forsorjning"  # IncomeSource values: the main income now
TRANSITIONS = ("still", "into", "out_of", "neither")

CSV_NOTE = N_(
    "Vilka som skulle följas upp, vad de gjorde vid avslut och deras försörjning vid "
    "avslut finns inte i en CSV-fil med svar; de kommer från inskrivningarna i "
    "webbtjänsten. Här räknas bara svaren."
)


def followup_questionnaires(inputs: FigureInputs) -> list[str]:
    """The keys of the questionnaires asked at a follow-up (their definitions')."""
    return sorted({q.key for q in inputs.registry.all()
                   if Occasion.uppfoljning.value in q.occasions})  # fmt: skip


def due_rows(enrolments: EnrolmentColumns, inputs: FigureInputs, occasion: str) -> np.ndarray:
    """The enrolments (rows) in the selected insatser and site due a follow-up at
    `occasion` in the period: its point falls in it, up to the earlier of its end and
    today (the response rates count the same)."""
    selection = inputs.selection
    mine = np.flatnonzero(in_insatser_and_site(selection, enrolments.insats, enrolments.site)
                          & ~np.isnat(enrolments.end_date))  # fmt: skip
    due = due_in_period(occasion, enrolments.start_date[mine], enrolments.end_date[mine],
                        np.ones(mine.size, dtype=bool), selection.date_from,
                        selection.due_by(), DueRule(pagaende_days=inputs.options.pagaende_days))
    return mine[due]


def _meanings(inputs: FigureInputs, rows: np.ndarray, item: str) -> list[str | None]:
    """Per entry row: the meaning of its answer to the choice item `item` (None for vet
    inte, no answer, or a version without the item)."""
    entries = inputs.entries
    out: list[str | None] = [None] * rows.size
    for at, row in enumerate(rows.tolist()):
        layout = entries.layouts[entries.qv[row]]
        position = layout.index.get(item)
        definition = inputs.registry.get(layout.key, layout.version)
        if position is None or definition is None:
            continue
        found = definition.item(item)
        out[at] = None if found is None else found.meaning(int(entries.values[row, position]))
    return out


def _answered(inputs: FigureInputs, occasion: str) -> np.ndarray:
    """The entry rows of follow-up answers at `occasion` given in the period, one per
    enrolment (its latest, should two questionnaires have been answered)."""
    entries = inputs.entries
    code = entries.occasion.code_of(occasion)
    rows = np.flatnonzero(entries.in_period & (entries.occasion.codes == code)) \
        if code >= 0 else np.zeros(0, dtype=np.int64)
    return latest_per_group(entries, [entries.enrolment.codes], rows)


def _answers(inputs: FigureInputs, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Per answered entry row: the masks the figure counts."""
    counted = set(inputs.options.work_outcomes)
    now = _meanings(inputs, rows, NOW_ITEM)
    income = _meanings(inputs, rows, INCOME_ITEM)
    out = {
        "now_known": np.array([m is not None for m in now], dtype=bool),
        "now_work": np.array([m in counted for m in now], dtype=bool),
        "income_known": np.array([m is not None for m in income], dtype=bool),
        "income_own": np.array([m in OWN_SUPPORT for m in income], dtype=bool),
    }
    enrolments = inputs.enrolments
    if enrolments is None:
        return out
    where = {key: i for i, key in enumerate(enrolments.key)}
    names = inputs.entries.enrolment.names
    at = np.array([where.get(names[code], -1) for code in
                   inputs.entries.enrolment.codes[rows].tolist()], dtype=np.int64)
    found = at >= 0
    outcome_names = enrolments.exit_outcome.names
    outcome = [outcome_names[enrolments.exit_outcome.codes[i]] if i >= 0 else None
               for i in at.tolist()]
    income_names = enrolments.income_exit.names
    group = [income_group(income_names[enrolments.income_exit.codes[i]]) if i >= 0 else None
             for i in at.tolist()]
    out["exit_known"] = found & np.array(
        [o is not None and o != ExitOutcome.okand.value for o in outcome], dtype=bool)
    out["exit_work"] = np.array([o in counted for o in outcome], dtype=bool)
    out["exit_income_known"] = np.array([g in INCOME_GROUPS for g in group], dtype=bool)
    out["exit_own"] = np.array([g == SELF_SUPPORTING for g in group], dtype=bool)
    return out


def _block(keys: np.ndarray, masks: dict[str, np.ndarray], due: Cell | None) -> dict[str, Any]:
    """The cells of one group (total or an insats) at one follow-up point."""
    block: dict[str, Any] = {
        "due": due,
        "answered": Cell.of(keys),
        "now": {"n": Cell.of(keys[masks["now_known"]]),
                "positive": Cell.of(keys[masks["now_known"] & masks["now_work"]])},
        "transition": None,
        "self_supporting": {
            "exit": None,
            "now": {"n": Cell.of(keys[masks["income_known"]]),
                    "positive": Cell.of(keys[masks["income_known"] & masks["income_own"]])},
        },
    }
    if "exit_known" in masks:
        known = masks["now_known"] & masks["exit_known"]
        exit_work, now_work = masks["exit_work"], masks["now_work"]
        # In the finished figure's shape (each part gets its share), as the exit outcomes.
        block["transition"] = {
            "known": Cell.of(keys[known]),
            "still": {"count": Cell.of(keys[known & exit_work & now_work])},
            "into": {"count": Cell.of(keys[known & ~exit_work & now_work])},
            "out_of": {"count": Cell.of(keys[known & exit_work & ~now_work])},
            "neither": {"count": Cell.of(keys[known & ~exit_work & ~now_work])},
        }
        block["self_supporting"]["exit"] = {
            "n": Cell.of(keys[masks["exit_income_known"]]),
            "positive": Cell.of(keys[masks["exit_income_known"] & masks["exit_own"]]),
        }
    return block


def cells(inputs: FigureInputs) -> dict[str, Any]:
    entries, enrolments = inputs.entries, inputs.enrolments
    names = insatser(inputs)
    points: dict[str, Any] = {}
    for months in inputs.options.followup_months:
        occasion = followup_occasion(months)
        rows = _answered(inputs, occasion)
        masks = _answers(inputs, rows)
        keys = entries.record_key[rows]
        insats = group_codes(list(entries.insats.names), names)[entries.insats.codes[rows]]
        due_keys = due_insats = None
        if enrolments is not None:
            due = due_rows(enrolments, inputs, occasion)
            due_keys = enrolments.record_key[due]
            due_insats = group_codes(list(enrolments.insats.names), names)[
                enrolments.insats.codes[due]]
        points[occasion] = {
            "months": months,
            **_block(keys, masks, None if due_keys is None else Cell.of(due_keys)),
            "by_insats": {
                name: _block(keys[insats == i], {k: m[insats == i] for k, m in masks.items()},
                             None if due_keys is None else Cell.of(due_keys[due_insats == i]))
                for i, name in enumerate(names)},
        }  # fmt: skip
    return {
        "available": enrolments is not None,
        "note": None if enrolments is not None else CSV_NOTE,
        "counted": list(inputs.options.work_outcomes),
        "questionnaires": followup_questionnaires(inputs),
        "by_point": points,
    }


def _share(cell: dict[str, int] | None) -> dict[str, Any] | None:
    return None if cell is None else share_cell(cell["n"], cell["positive"])


def _finish_block(block: dict[str, Any]) -> dict[str, Any]:
    transition = block["transition"]
    if transition is not None:
        known = transition["known"]
        transition = {"known": known,
                      **{name: portion(known, transition[name]["count"])
                         for name in TRANSITIONS}}
    return {
        "due": block["due"],
        "answered": block["answered"],
        "now": _share(block["now"]),
        "transition": transition,
        "self_supporting": {side: _share(cell)
                            for side, cell in block["self_supporting"].items()},
    }  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"followups": the figure}, from its published cells."""
    return {"followups": {
        **published,
        "by_point": {occasion: {"months": point["months"], **_finish_block(point),
                                "by_insats": {name: _finish_block(block)
                                              for name, block in point["by_insats"].items()}}
                     for occasion, point in published["by_point"].items()},
    }}  # fmt: skip
