"""Target checks: is the share of positive answers (or of ended enrolments that went to
work or studies) at least the target?

Each target belongs to an insats (None: the förbund's total) and is checked on that
insats's own participants: the `by_insats` cell of the figure when the report holds
several insatser, the total when it holds only that one. Targets are checked on the
report after the disclosure rule has cut it, so a target shows nothing its cell does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import Translate, untranslated
from .labels import fewer, item_name
from .numbers import SWEDISH, Numbers
from .rows import OCCASIONS
from .shares import share_cell
from .suppression import is_suppressed, suppressed

DEFAULT_MIN_ANSWERS = 5
# The kinds of target: the share of positive answers to a survey item, or the share of
# ended enrolments whose exit outcome is one the förbund counts as work or studies.
ITEM = "item"
OUTCOME = "outcome"
# The `item` of an outcome target (its `occasion` is always avslut).
OUTCOME_ITEM = "work_or_studies"


@dataclass(frozen=True, slots=True)
class Target:
    item: str
    occasion: str
    # A fraction: 0.9 means 90 %.
    threshold: float
    # The insats whose participants it is checked on; None: everyone in the report.
    insats: str | None = None
    kind: str = ITEM


def outcome_target(threshold: float, insats: str | None = None) -> Target:
    """"At least `threshold` of ended enrolments went to work or studies"."""
    return Target(OUTCOME_ITEM, "avslut", threshold, insats, OUTCOME)


def parse_threshold(text: str) -> float:
    """'0.9', '0,9', '90' and '90%' all mean 90 %: numbers above 1 are percentages."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    value = float(cleaned)
    if value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(f"målet måste ligga mellan 0 och 100 %: {text!r}")
    return value


def parse_target(text: str) -> Target:
    """[INSATS=]ITEM:OCCASION:THRESHOLD, e.g. nytta:avslut:90 or Steget=nytta:avslut:90."""
    insats, _, rest = text.rpartition("=")
    parts = rest.split(":")
    if len(parts) != 3:
        raise ValueError(
            f"mål ska skrivas FRÅGA:TILLFÄLLE:MÅL, t.ex. nytta:avslut:90, inte {text!r}"
        )
    item, occasion, threshold = (p.strip() for p in parts)
    if occasion not in OCCASIONS:
        raise ValueError(f"okänt tillfälle {occasion!r} i målet {text!r}")
    return Target(item, occasion, parse_threshold(threshold), insats.strip() or None)


def check_target(
    target: Target, n: int, positive: int, min_answers: int = DEFAULT_MIN_ANSWERS,
    dont_know: int | None = None,
) -> dict[str, Any]:
    """The verdict on `positive` of `n`: met, met_uncertain (the share reaches the target
    but the lower end of its 95 % interval does not), not_met or too_few."""
    cell = share_cell(n, positive)
    if n < min_answers:
        verdict = "too_few"
    elif positive < target.threshold * n - 1e-9:
        verdict = "not_met"
    elif cell["ci95"][0] < target.threshold:
        verdict = "met_uncertain"
    else:
        verdict = "met"
    return {
        **_about(target, min_answers),
        **cell,
        "dont_know": dont_know,
        "verdict": verdict,
    }


def hidden_target(target: Target, min_answers: int = DEFAULT_MIN_ANSWERS) -> dict[str, Any]:
    """A target whose cell the disclosure rule hides: no figure, no verdict."""
    return {
        **_about(target, min_answers),
        "n": suppressed(), "positive": suppressed(), "share": None, "ci95": None,
        "dont_know": suppressed() if target.kind == ITEM else None,
        "verdict": "too_few",
    }  # fmt: skip


def _about(target: Target, min_answers: int) -> dict[str, Any]:
    return {
        "insats": target.insats,
        "kind": target.kind,
        "item": target.item,
        "occasion": target.occasion,
        "threshold": target.threshold,
        "min_answers": min_answers,
    }


def check_on_cell(
    target: Target, cell: dict[str, Any] | None, min_answers: int = DEFAULT_MIN_ANSWERS
) -> dict[str, Any]:
    """The target checked on a published cell: an indicator cell ({n, positive,
    dont_know}), an outcome cell ({ended, work_or_studies: {count}}), or None (nobody)."""
    if cell is None:
        return check_target(target, 0, 0, min_answers, 0 if target.kind == ITEM else None)
    if is_suppressed(cell):
        return hidden_target(target, min_answers)
    if target.kind == OUTCOME:
        n, count = cell["ended"], cell["work_or_studies"]
        if is_suppressed(n) or is_suppressed(count):
            return hidden_target(target, min_answers)
        return check_target(target, n, count["count"], min_answers)
    return check_target(target, cell["n"], cell["positive"], min_answers,
                        cell.get("dont_know", 0))  # fmt: skip


def target_name(result: dict[str, Any], _: Translate = untranslated) -> str:
    """What the target is about, with its insats: "Stöd till stor nytta (Steget)"."""
    if result["kind"] == OUTCOME:
        name = _("Gått till arbete eller studier")
    else:
        name = item_name(result["item"], _)
    if result["insats"] is None:
        return name
    return _("%(name)s (%(insats)s)") % {"name": name, "insats": result["insats"]}


def target_sentence(result: dict[str, Any], min_group: int = 5, _: Translate = untranslated,
                    numbers: Numbers = SWEDISH) -> str:
    """E.g. "Stöd till stor nytta: 93 % (27 av 29), målet 90 % är uppnått, men osäkert:
    osäkerhetsintervallet börjar vid 78 %. 2 svarade vet inte."."""
    words = {"name": target_name(result, _), "goal": numbers.percent(result["threshold"]),
             "n": result["n"], "positive": result["positive"],
             "needed": result["min_answers"], "fewer": fewer(min_group, _)}  # fmt: skip
    if is_suppressed(result["n"]) and result["kind"] == OUTCOME:
        return _("%(name)s: dolt, eftersom %(fewer)s har avslutats eller för att ingen "
                 "mindre grupp ska kunna räknas fram; målet %(goal)s kan inte bedömas.") % words
    if is_suppressed(result["n"]):
        return _("%(name)s: %(fewer)s svar, eller dolt så att ingen mindre grupp kan räknas "
                 "fram; målet %(goal)s kan inte bedömas.") % words
    if result["n"] == 0:  # nobody: no figures to weigh, and no "0 svarade vet inte"
        return _("%(name)s: inga svar; målet %(goal)s kan inte bedömas.") % words
    if result["verdict"] == "too_few":
        sentence = _("%(name)s: för få svar (%(n)s, minst %(needed)s behövs) för att bedöma "
                     "målet %(goal)s.") % words
    else:
        words["share"] = numbers.percent(result["share"])
        words["low"] = numbers.percent(result["ci95"][0])
        if result["kind"] == OUTCOME:
            head = _("%(name)s: %(share)s (%(positive)s av %(n)s avslutade)") % words
        else:
            head = _("%(name)s: %(share)s (%(positive)s av %(n)s)") % words
        tail = {
            "met": _("målet %(goal)s är uppnått, även vid osäkerhetsintervallets nedre "
                     "gräns (%(low)s)."),
            "met_uncertain": _("målet %(goal)s är uppnått, men osäkert: "
                               "osäkerhetsintervallet börjar vid %(low)s."),
            "not_met": _("målet %(goal)s är inte uppnått."),
        }[result["verdict"]] % words
        sentence = f"{head}, {tail}"
    dont_know = result["dont_know"]
    if result["kind"] == ITEM and isinstance(dont_know, int):
        sentence += " " + _("%(count)s svarade vet inte.") % {"count": dont_know}
    return sentence

