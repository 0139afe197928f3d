"""Targets as a förbund sets them: the share of positive answers to an item (or of
ended enrolments that went to work or studies) that an insats aims at. How a report
checks them is the figure `analysis/figures/targets.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rows import OCCASIONS

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
    # The questionnaire whose item it is (an item id may be in several: ours and a
    # förbund's own); None: any questionnaire that asks the item.
    questionnaire: str | None = None


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
