"""Target checks: is the share of positive answers at least the target?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .i18n import Translate, untranslated
from .labels import fewer, item_name
from .numbers import SWEDISH, Numbers
from .rows import OCCASIONS
from .shares import share_cell

DEFAULT_MIN_ANSWERS = 5


@dataclass(frozen=True, slots=True)
class Target:
    item: str
    occasion: str
    # A fraction: 0.9 means 90 %.
    threshold: float


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
    """ITEM:OCCASION:THRESHOLD, e.g. nytta:avslut:90."""
    parts = text.split(":")
    if len(parts) != 3:
        raise ValueError(
            f"mål ska skrivas FRÅGA:TILLFÄLLE:MÅL, t.ex. nytta:avslut:90, inte {text!r}"
        )
    item, occasion, threshold = (p.strip() for p in parts)
    if occasion not in OCCASIONS:
        raise ValueError(f"okänt tillfälle {occasion!r} i målet {text!r}")
    return Target(item, occasion, parse_threshold(threshold))


def check_target(
    target: Target, n: int, positive: int, min_answers: int = DEFAULT_MIN_ANSWERS
) -> dict[str, Any]:
    cell = share_cell(n, positive)
    met_at_lower_bound: bool | None = None
    if n < min_answers:
        verdict = "too_few"
    else:
        verdict = "met" if positive >= target.threshold * n - 1e-9 else "not_met"
        met_at_lower_bound = cell["ci95"][0] >= target.threshold
    return {
        "item": target.item,
        "occasion": target.occasion,
        "threshold": target.threshold,
        **cell,
        "verdict": verdict,
        "met_at_lower_bound": met_at_lower_bound,
        "min_answers": min_answers,
    }


def target_sentence(result: dict[str, Any], min_group: int = 5, _: Translate = untranslated,
                    numbers: Numbers = SWEDISH) -> str:
    """E.g. "Stöd till stor nytta: 93 % (27 av 29), målet 90 % är uppnått"."""
    name = item_name(result["item"], _)
    goal = numbers.percent(result["threshold"])
    n, positive = result["n"], result["positive"]
    if isinstance(n, dict):  # hidden by the disclosure rule: fewer than min_group answers
        return _("%(name)s: %(fewer)s svar, målet %(goal)s kan inte bedömas") % {
            "name": name, "fewer": fewer(min_group, _), "goal": goal}
    if result["verdict"] == "too_few":
        return _("%(name)s: för få svar (%(n)s, minst %(least)s behövs) för att bedöma målet "
                 "%(goal)s") % {"name": name, "n": n, "least": result["min_answers"],
                                "goal": goal}
    head = _("%(name)s: %(share)s (%(positive)s av %(n)s)") % {
        "name": name, "share": numbers.percent(result["share"]), "positive": positive, "n": n}
    if result["verdict"] == "met":
        tail = _("målet %(goal)s är uppnått") % {"goal": goal}
        if result["met_at_lower_bound"]:
            tail += _(", även vid osäkerhetsintervallets nedre gräns")
    else:
        tail = _("målet %(goal)s är inte uppnått") % {"goal": goal}
    return f"{head}, {tail}"
