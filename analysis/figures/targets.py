"""Target checks: is the share at least the target?

Each target belongs to an insats (None: everyone in the report) and is checked on that
insats's own participants, on one of five kinds of share (`analysis/targets.py`):

- item: positive answers to an item at an occasion, counted from the same units as the
  indicator's `by_insats` cell (or its total), so they publish as the same numbers;
- improved: start-avslut pairs improved on a self-assessment dimension, one pair per
  person (and insats), as the change table counts them;
- outcome: ended enrolments whose exit outcome is in the target's set (the förbund's
  list unless the insats chose its own), counted as the exit outcomes;
- outcome_within: enrolments whose first `months` from start ran out in the period
  (the point falls in it, as a follow-up's does, so each had the full time and each
  counts in one period), and of them those that ended in the set within that time;
- followup: the answers at follow-up point `months` in the period, and of them those in
  the set (what they do now, `sysselsattning`; self-supporting: the main income now,
  `forsorjning`, in `income.OWN_SUPPORT`).

The outcome set may hold "egen_forsorjning" (`income.SELF_SUPPORTING`): at exit, the
försörjning recorded at exit in that group.

Each target's `base` says whom the share is of: `answered` leaves out "vet inte" (an
answer) or an unknown outcome (okänd, or försörjning not recorded, when that could decide
it); `all` keeps them. `dont_know` counts those, in the base or not. Every count is a
Cell, published once with the report; the verdict is on the published counts:

- met: the 95 % interval's lower end reaches the target;
- met_uncertain: the share reaches it, the lower end does not;
- not_met_uncertain: the share is below it, the upper end reaches it;
- not_met: the upper end is below it;
- too_few: the published base is under `min_answers` (at least `shares.MIN_BASE`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from questionnaires.vocabulary import ExitOutcome, followup_occasion

from ..due import add_months
from ..i18n import Translate, untranslated
from ..income import OWN_SUPPORT, SELF_SUPPORTING, income_group
from ..labels import few_answers, item_name, outcome_name
from ..layouts import DONT_KNOW
from ..numbers import SWEDISH, Numbers
from ..pairs import CHANGE_KEY, pairs_per_person
from ..perturbation import Cell
from ..selection import in_insatser_and_site
from ..shares import MIN_BASE, parts, share_cell
from ..targets import (
    ALL,
    FOLLOWUP,
    IMPROVED,
    ITEM,
    OUTCOME,
    OUTCOME_KINDS,
    OUTCOME_WITHIN,
    Target,
)
from . import FigureInputs
from .indicators import block_rows, blocks, per_insats, per_person, share_cells

UNKNOWN = ExitOutcome.okand.value
# The follow-up questionnaire's choice items a follow-up target reads, by their meaning.
NOW_ITEM = "sysselsattning"  # ExitOutcome values
INCOME_ITEM = "forsorjning"  # IncomeSource values: the main income now


def _answer_rows(inputs: FigureInputs, target: Target) -> np.ndarray:
    """The entry rows counted for the target's insats: each person's latest per block
    (and insats), as the indicators count them."""
    entries = inputs.entries
    if target.insats is None:
        return per_person(entries)
    rows = per_insats(entries)
    return rows[entries.insats.codes[rows] == entries.insats.code_of(target.insats)]


def _item_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """One cell set per questionnaire version that asks the item at the occasion."""
    entries = inputs.entries
    rows = _answer_rows(inputs, target)
    out = []
    for code, occasion in blocks(entries):
        layout = entries.layouts[code]
        if occasion != target.occasion or target.item not in layout.asked.get(occasion, ()) \
                or target.questionnaire not in (None, layout.key):
            continue
        out.append({"questionnaire": layout.ident,
                    **share_cells(entries, block_rows(entries, rows, code, occasion),
                                  layout, target.item)})  # fmt: skip
    return out or [{"questionnaire": None}]


def _improved_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """Per self-assessment version asking the dimension: its pairs, those improved, and
    those with vet inte at either end (a pair with a value at both ends is the change
    table's; improved is a higher value at avslut)."""
    entries = inputs.entries
    pairs = inputs.pairs
    if target.insats is not None:
        pairs = pairs_per_person(entries, by_insats=True)
    out = []
    for layout in entries.layouts:
        if layout.key != CHANGE_KEY or target.item not in layout.items:
            continue
        none = np.zeros(0, dtype=np.int64)
        start_rows, end_rows = pairs.get(layout.version, (none, none))
        if target.insats is not None:
            mine = entries.insats.codes[end_rows] == entries.insats.code_of(target.insats)
            start_rows, end_rows = start_rows[mine], end_rows[mine]
        column = layout.index[target.item]
        start, end = entries.values[start_rows, column], entries.values[end_rows, column]
        keys = entries.record_key[end_rows]
        answered = (start >= 0) & (end >= 0)
        either = ((start >= 0) | (start == DONT_KNOW)) & ((end >= 0) | (end == DONT_KNOW))
        out.append({"questionnaire": layout.ident, "n": Cell.of(keys[answered]),
                    "positive": Cell.of(keys[answered & (end > start)]),
                    "dont_know": Cell.of(keys[either & ~answered])})  # fmt: skip
    return out or [{"questionnaire": None}]


# A unit's state on one part of an outcome set: in it, not in it, or not known.
HIT, MISS, NOT_KNOWN = 1, 0, -1


def _reach(parts: list[np.ndarray], size: int) -> tuple[np.ndarray, np.ndarray]:
    """(reached, unknown) per unit from its state on each part of the set (HIT, MISS,
    NOT_KNOWN): reached is in any part; unknown is not reached while a part that could
    have decided it is not known."""
    reached, unknown = np.zeros(size, dtype=bool), np.zeros(size, dtype=bool)
    for state in parts:
        reached |= state == HIT
        unknown |= state == NOT_KNOWN
    return reached, unknown & ~reached


def _states(names: list[Any], state: Callable[[Any], int]) -> np.ndarray:
    """The state per code of a column with `names`."""
    return np.asarray([state(name) for name in names], dtype=np.int8).reshape(-1)


def _enrolment_reach(inputs: FigureInputs, target: Target) -> tuple[np.ndarray, np.ndarray]:
    """(reached, unknown) of every enrolment at exit: its exit outcome (okänd or none is
    not known) and, for egen_forsorjning, the försörjning recorded at exit."""
    enrolments = inputs.enrolments
    assert enrolments is not None  # noqa: S101 - the callers return before without
    wanted = set(target.outcomes)
    parts = []
    if wanted - {SELF_SUPPORTING}:
        column = enrolments.exit_outcome
        parts.append(_states(list(column.names), lambda name: NOT_KNOWN if (
            name or UNKNOWN) == UNKNOWN else int(name in wanted))[column.codes])
    if SELF_SUPPORTING in wanted:
        column = enrolments.income_exit
        parts.append(_states(list(column.names), lambda name: NOT_KNOWN if (
            group := income_group(name)) is None else int(group == SELF_SUPPORTING))[
                column.codes])
    return _reach(parts, len(enrolments))


def _based(keys: np.ndarray, base: np.ndarray, reached: np.ndarray,
           unknown: np.ndarray) -> dict[str, Cell]:  # fmt: skip
    """The cells of units `base`: those known (n), reached (positive), not known."""
    return {"n": Cell.of(keys[base & ~unknown]), "positive": Cell.of(keys[base & reached]),
            "dont_know": Cell.of(keys[base & unknown])}


def _of_base(found: dict[str, Any], base: str) -> dict[str, Any]:
    """The cells with `n` the target's base: those known, or (ALL) those known and those
    not, as one cell of both (published once, like every count)."""
    if base == ALL and "n" in found:
        return {**found, "n": found["n"] + found["dont_know"]}
    return found


def _insats_mask(inputs: FigureInputs, target: Target) -> np.ndarray:
    enrolments = inputs.enrolments
    assert enrolments is not None  # noqa: S101 - the callers return before without
    if target.insats is None:
        return np.ones(len(enrolments), dtype=bool)
    return enrolments.insats.codes == enrolments.insats.code_of(target.insats)


def _outcome_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """The ended enrolments (of the target's insats) and those whose exit outcome is in
    the set: counted per enrolment, as the exit outcomes."""
    enrolments = inputs.enrolments
    if enrolments is None:
        return [{"questionnaire": None}]
    ended = enrolments.ended(inputs.selection) & _insats_mask(inputs, target)
    reached, unknown = _enrolment_reach(inputs, target)
    return [{"questionnaire": None,
             **_based(enrolments.record_key, ended, reached, unknown)}]  # fmt: skip


def _points(days: np.ndarray, months: int) -> np.ndarray:
    """Each day (datetime64[D]) `months` calendar months later (`due.add_months`)."""
    unique, where = np.unique(days, return_inverse=True)
    later = [add_months(day.astype(object), months) for day in unique]
    return np.asarray(later, dtype="datetime64[D]")[where.reshape(-1)]


def _within_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """The enrolments whose first `months` ran out in the period (a follow-up's rule:
    the point falls in it, up to the earlier of its end and today) and of them those
    that ended in the set by then."""
    enrolments = inputs.enrolments
    if enrolments is None:
        return [{"questionnaire": None}]
    selection = inputs.selection
    mine = in_insatser_and_site(selection, enrolments.insats, enrolments.site) & \
        _insats_mask(inputs, target)
    point = _points(enrolments.start_date, target.months or 0)
    base = mine & (point <= np.datetime64(selection.due_by(), "D"))
    if selection.date_from is not None:
        base &= point >= np.datetime64(selection.date_from, "D")
    by_then = ~np.isnat(enrolments.end_date) & (enrolments.end_date <= point)
    reached, unknown = _enrolment_reach(inputs, target)
    return [{"questionnaire": None,
             **_based(enrolments.record_key, base, reached & by_then,
                      unknown & by_then)}]  # fmt: skip


def _choice_states(inputs: FigureInputs, layout: Any, item: str,
                   hit: Callable[[str], bool]) -> np.ndarray:  # fmt: skip
    """The state per entry value of a choice item, indexed by value - DONT_KNOW (so vet
    inte and an absent answer fit): HIT or MISS by its choice's meaning, NOT_KNOWN for
    vet inte, no answer or a value without a choice."""
    question = inputs.registry.get(layout.key, layout.version).item(item)
    size = max([*layout.values, *(c.value for c in question.choices), 0]) - DONT_KNOW + 1
    states = np.full(size, NOT_KNOWN, dtype=np.int8)
    for choice in question.choices:
        states[choice.value - DONT_KNOW] = HIT if hit(choice.means) else MISS
    return states


def _followup_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """Per follow-up questionnaire version: the answers at point `months` in the period
    (each person's latest, per insats) to what the set needs, and those in the set. Who
    left a needed question unanswered (not even vet inte) and is not in the set has not
    answered it: in neither base."""
    entries = inputs.entries
    occasion = followup_occasion(target.months or 0)
    wanted = set(target.outcomes)
    needed = {NOW_ITEM: lambda means: means in wanted} if wanted - {SELF_SUPPORTING} else {}
    if SELF_SUPPORTING in wanted:
        needed[INCOME_ITEM] = lambda means: means in OWN_SUPPORT
    rows = _answer_rows(inputs, target)
    rows = rows[entries.occasion.codes[rows] == entries.occasion.code_of(occasion)]
    out = []
    for code, layout in enumerate(entries.layouts):
        if not needed or not set(needed) <= set(layout.index):
            continue
        mine = rows[entries.qv[rows] == code]
        values = {item: entries.values[mine, layout.index[item]].astype(np.int64)
                  for item in needed}  # fmt: skip
        reached, unknown = _reach([_choice_states(inputs, layout, item, hit)[
            values[item] - DONT_KNOW] for item, hit in needed.items()], mine.size)
        said = np.zeros(mine.size, dtype=bool)
        for column in values.values():
            said |= column == DONT_KNOW
        answered = reached | ~unknown | said
        out.append({"questionnaire": layout.ident,
                    **_based(entries.record_key[mine], answered, reached, unknown)})
    return out or [{"questionnaire": None}]


CELLS: dict[str, Callable[[FigureInputs, Target], list[dict[str, Any]]]] = {
    ITEM: _item_cells, IMPROVED: _improved_cells, OUTCOME: _outcome_cells,
    OUTCOME_WITHIN: _within_cells, FOLLOWUP: _followup_cells,
}


def cells(inputs: FigureInputs) -> list[dict[str, Any]]:
    """One entry per target and questionnaire version: the target (an outcome kind's
    empty set made the förbund's list), whether the insats chose its own outcomes, the
    version, and the Cells it is checked on (n: its base, positive, dont_know: those not
    known, in the base or not; none when the report has no such figure)."""
    out = []
    for target in inputs.options.targets:
        own = bool(target.outcomes)
        if target.kind in OUTCOME_KINDS and not own:
            target = replace(target, outcomes=tuple(inputs.options.work_outcomes))
        out += [{"target": target, "own_outcomes": own, **_of_base(one, target.base)}
                for one in CELLS[target.kind](inputs, target)]  # fmt: skip
    return out


def verdict(cell: dict[str, Any], threshold: float, min_answers: int) -> str:
    """The verdict on a published share cell (`shares.share_cell`)."""
    if cell["n"] < max(min_answers, MIN_BASE):
        return "too_few"
    low, high = cell["ci95"]
    if low >= threshold:
        return "met"
    if cell["positive"] >= threshold * cell["n"] - 1e-9:
        return "met_uncertain"
    return "not_met_uncertain" if high >= threshold else "not_met"


def check(target: Target, counts: dict[str, int] | None, min_answers: int,
          questionnaire: str | None = None, own_outcomes: bool = False) -> dict[str, Any]:
    """The target checked on published counts ({n: its base, positive, dont_know}; None:
    the report has no such figure, as an outcome target on a CSV)."""
    counts = counts or {"n": 0, "positive": 0, "dont_know": 0}
    cell = share_cell(counts["n"], counts["positive"])
    result = {
        "insats": target.insats, "kind": target.kind, "item": target.item,
        "occasion": target.occasion, "threshold": target.threshold, "base": target.base,
        "outcomes": list(target.outcomes) if target.kind in OUTCOME_KINDS else None,
        "own_outcomes": own_outcomes, "months": target.months,
        "min_answers": min_answers, "questionnaire": questionnaire, **cell,
        "dont_know": parts(counts["n"], counts.get("dont_know")),
        "verdict": verdict(cell, target.threshold, min_answers),
    }  # fmt: skip
    result["summary"] = target_sentence(result)
    return result


def finish(published: list[dict[str, Any]], inputs: FigureInputs) -> dict[str, Any]:
    return {"targets": [check(one["target"], one if "n" in one else None,
                              inputs.options.min_answers, one["questionnaire"],
                              one["own_outcomes"])
                        for one in published]}  # fmt: skip


def outcomes_name(outcomes: list[str], _: Translate = untranslated) -> str:
    """"arbete, studier eller egen försörjning"."""
    names = [_("egen försörjning") if o == SELF_SUPPORTING else outcome_name(o, _).lower()
             for o in outcomes]  # fmt: skip
    if len(names) < 2:
        return "".join(names)
    return _("%(some)s eller %(last)s") % {"some": ", ".join(names[:-1]), "last": names[-1]}


def target_name(result: dict[str, Any], _: Translate = untranslated) -> str:
    """What the target is about, with its insats: "Stöd till stor nytta (Steget)"."""
    kind = result["kind"]
    words = {"months": result.get("months"),
             "outcomes": outcomes_name(result.get("outcomes") or [], _)}
    if kind == OUTCOME and not result.get("own_outcomes"):
        name = _("Gått till arbete eller studier")
    elif kind == OUTCOME:
        name = _("Vid avslut: %(outcomes)s") % words
    elif kind == OUTCOME_WITHIN:
        name = _("Inom %(months)s månader från start: %(outcomes)s") % words
    elif kind == FOLLOWUP:
        name = _("Vid uppföljningen efter %(months)s månader: %(outcomes)s") % words
    elif kind == IMPROVED:
        name = _("Förbättrat sig: %(dimension)s") % {"dimension": item_name(result["item"], _)}
    else:
        name = item_name(result["item"], _)
    if result["insats"] is None:
        return name
    return _("%(name)s (%(insats)s)") % {"name": name, "insats": result["insats"]}


def base_name(result: dict[str, Any], _: Translate = untranslated) -> str:
    """Whom the share is of, in words: the base printed beside every verdict."""
    everyone = result.get("base") == ALL
    words = {"months": result.get("months")}
    kind = result["kind"]
    if kind == OUTCOME:
        return _("alla avslutade, också okänt utfall") if everyone else \
            _("avslutade med känt utfall")
    if kind == OUTCOME_WITHIN:
        return (_("alla vars %(months)s första månader gick ut under perioden, också okänt "
                  "utfall") if everyone else
                _("de vars %(months)s första månader gick ut under perioden, utom okänt "
                  "utfall")) % words
    if kind == FOLLOWUP:
        return _("alla som svarade vid uppföljningen, också vet inte") if everyone else \
            _("de som svarade vid uppföljningen, utom vet inte")
    if kind == IMPROVED:
        return _("alla som svarade vid start och avslut, också vet inte") if everyone else \
            _("de som svarade vid start och avslut, utom vet inte")
    return _("alla som svarade, också vet inte") if everyone else \
        _("de som svarade, utom vet inte")


def _too_few(result: dict[str, Any], words: dict[str, Any], _: Translate) -> str:
    if result["n"] < MIN_BASE and result["kind"] == OUTCOME:
        return _("%(name)s: färre än %(min)s avslutade; målet %(goal)s kan inte bedömas.") % words
    if result["n"] < MIN_BASE:
        return _("%(name)s: %(few)s; målet %(goal)s kan inte bedömas.") % words
    return _("%(name)s: för få svar (%(n)s, minst %(needed)s behövs) för att bedöma "
             "målet %(goal)s.") % words


def target_sentence(result: dict[str, Any], _: Translate = untranslated,
                    numbers: Numbers = SWEDISH) -> str:
    """E.g. "Stöd till stor nytta: 93 % (27 av 29; bas: de som svarade, utom vet inte),
    målet 90 % är uppnått, men osäkert: osäkerhetsintervallet börjar vid 78 %. 2 svarade
    vet inte."."""
    words = {"name": target_name(result, _), "goal": numbers.percent(result["threshold"]),
             "n": result["n"], "positive": result["positive"], "min": MIN_BASE,
             "needed": result["min_answers"], "few": few_answers(_),
             "base": base_name(result, _)}  # fmt: skip
    if result["verdict"] == "too_few":
        sentence = _too_few(result, words, _) + " " + _("Bas: %(base)s.") % words
    else:
        words["share"] = numbers.percent(result["share"])
        words["low"], words["high"] = (numbers.percent(end) for end in result["ci95"])
        head = _("%(name)s: %(share)s (%(positive)s av %(n)s; bas: %(base)s)") % words
        tail = {
            "met": _("målet %(goal)s är uppnått, även vid osäkerhetsintervallets nedre "
                     "gräns (%(low)s)."),
            "met_uncertain": _("målet %(goal)s är uppnått, men osäkert: "
                               "osäkerhetsintervallet börjar vid %(low)s."),
            "not_met_uncertain": _("målet %(goal)s är inte uppnått, men osäkert: "
                                   "osäkerhetsintervallet slutar vid %(high)s."),
            "not_met": _("målet %(goal)s är inte uppnått, inte ens vid "
                         "osäkerhetsintervallets övre gräns (%(high)s)."),
        }[result["verdict"]] % words
        sentence = f"{head}, {tail}"
    dont_know = result["dont_know"]
    if isinstance(dont_know, int) and result["n"] >= MIN_BASE:
        if result["kind"] in (OUTCOME, OUTCOME_WITHIN):
            sentence += " " + _("%(count)s med okänt utfall.") % {"count": dont_know}
        else:
            sentence += " " + _("%(count)s svarade vet inte.") % {"count": dont_know}
    return sentence
