"""Target checks: is the share of positive answers (or of ended enrolments that went to
work or studies) at least the target?

Each target belongs to an insats (None: everyone in the report) and is checked on that
insats's own participants. Its cells (the base and the positive: answers, or ended
enrolments and those among them whose outcome counts) are counted before publication
from the same units as the indicator's `by_insats` cell or the exit outcomes' cell, so
they publish as the same numbers; the verdict is on the published counts:

- met: the 95 % interval's lower end reaches the target;
- met_uncertain: the share reaches it, the lower end does not;
- not_met_uncertain: the share is below it, the upper end reaches it;
- not_met: the upper end is below it;
- too_few: the published base is under `min_answers` (at least `shares.MIN_BASE`).
"""

from __future__ import annotations

from typing import Any

from questionnaires.vocabulary import ExitOutcome

from ..i18n import Translate, untranslated
from ..labels import few_answers, item_name
from ..numbers import SWEDISH, Numbers
from ..perturbation import Cell
from ..shares import MIN_BASE, parts, share_cell
from ..targets import ITEM, OUTCOME, Target
from . import FigureInputs
from .indicators import block_rows, blocks, per_insats, per_person, share_cells

UNKNOWN = ExitOutcome.okand.value


def _item_cells(inputs: FigureInputs, target: Target) -> list[dict[str, Any]]:
    """One cell set per questionnaire version that asks the item at the occasion."""
    entries = inputs.entries
    rows = per_person(entries) if target.insats is None else per_insats(entries)
    if target.insats is not None:
        rows = rows[entries.insats.codes[rows] == entries.insats.code_of(target.insats)]
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


def _outcome_cells(inputs: FigureInputs, target: Target) -> dict[str, Any]:
    """The ended enrolments (of the target's insats) and those whose exit outcome is one
    the förbund counts as work or studies: counted per enrolment, as the exit outcomes."""
    enrolments = inputs.enrolments
    if enrolments is None:
        return {"questionnaire": None}
    ended = enrolments.ended(inputs.selection)
    if target.insats is not None:
        ended &= enrolments.insats.codes == enrolments.insats.code_of(target.insats)
    counted = set(inputs.options.work_outcomes)
    # An ended enrolment without an outcome is "okänd" (figures/exit_outcomes.py).
    went = enrolments.exit_outcome.where(lambda name: (name or UNKNOWN) in counted) & ended
    keys = enrolments.record_key
    return {"questionnaire": None, "n": Cell.of(keys[ended]), "positive": Cell.of(keys[went])}


def cells(inputs: FigureInputs) -> list[dict[str, Any]]:
    """One entry per target and questionnaire version: the target, the version, and the
    Cells it is checked on (n, positive and, for an item, dont_know; none when the report
    has no such figure), where the published target shows them."""
    out = []
    for target in inputs.options.targets:
        found = ([_outcome_cells(inputs, target)] if target.kind == OUTCOME
                 else _item_cells(inputs, target))  # fmt: skip
        out += [{"target": target, **one} for one in found]
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
          questionnaire: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The target checked on published counts ({n, positive[, dont_know]}; None: the
    report has no such figure, as an outcome target on a CSV)."""
    counts = counts or {"n": 0, "positive": 0, "dont_know": 0}
    cell = share_cell(counts["n"], counts["positive"])
    result = {
        "insats": target.insats, "kind": target.kind, "item": target.item,
        "occasion": target.occasion, "threshold": target.threshold,
        "min_answers": min_answers, "questionnaire": questionnaire, **cell,
        "dont_know": parts(counts["n"], counts.get("dont_know")) if target.kind == ITEM
        else None,
        "verdict": verdict(cell, target.threshold, min_answers),
    }  # fmt: skip
    result["summary"] = target_sentence(result)
    return result


def finish(published: list[dict[str, Any]], inputs: FigureInputs) -> dict[str, Any]:
    return {"targets": [check(one["target"], one if "n" in one else None,
                              inputs.options.min_answers, one["questionnaire"])
                        for one in published]}  # fmt: skip


def target_name(result: dict[str, Any], _: Translate = untranslated) -> str:
    """What the target is about, with its insats: "Stöd till stor nytta (Steget)"."""
    if result["kind"] == OUTCOME:
        name = _("Gått till arbete eller studier")
    else:
        name = item_name(result["item"], _)
    if result["insats"] is None:
        return name
    return _("%(name)s (%(insats)s)") % {"name": name, "insats": result["insats"]}


def _too_few(result: dict[str, Any], words: dict[str, Any], _: Translate) -> str:
    if result["n"] < MIN_BASE and result["kind"] == OUTCOME:
        return _("%(name)s: färre än %(min)s avslutade; målet %(goal)s kan inte bedömas.") % words
    if result["n"] < MIN_BASE:
        return _("%(name)s: %(few)s; målet %(goal)s kan inte bedömas.") % words
    return _("%(name)s: för få svar (%(n)s, minst %(needed)s behövs) för att bedöma "
             "målet %(goal)s.") % words


def target_sentence(result: dict[str, Any], _: Translate = untranslated,
                    numbers: Numbers = SWEDISH) -> str:
    """E.g. "Stöd till stor nytta: 93 % (27 av 29), målet 90 % är uppnått, men osäkert:
    osäkerhetsintervallet börjar vid 78 %. 2 svarade vet inte."."""
    words = {"name": target_name(result, _), "goal": numbers.percent(result["threshold"]),
             "n": result["n"], "positive": result["positive"], "min": MIN_BASE,
             "needed": result["min_answers"], "few": few_answers(_)}  # fmt: skip
    if result["verdict"] == "too_few":
        sentence = _too_few(result, words, _)
    else:
        words["share"] = numbers.percent(result["share"])
        words["low"], words["high"] = (numbers.percent(end) for end in result["ci95"])
        if result["kind"] == OUTCOME:
            head = _("%(name)s: %(share)s (%(positive)s av %(n)s avslutade)") % words
        else:
            head = _("%(name)s: %(share)s (%(positive)s av %(n)s)") % words
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
    if result["kind"] == ITEM and isinstance(dont_know, int) and result["n"] >= MIN_BASE:
        sentence += " " + _("%(count)s svarade vet inte.") % {"count": dont_know}
    return sentence

