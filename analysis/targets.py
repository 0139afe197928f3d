"""Targets as a förbund sets them: the share that an insats aims at, of positive answers
to an item, of pairs improved on a self-assessment dimension, or of enrolments in a set
of outcomes (at exit, within some months of enrolment, or at a follow-up point). How a
report checks them is the figure `analysis/figures/targets.py`.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass

from questionnaires.vocabulary import ExitOutcome, followup_occasion

from .income import SELF_SUPPORTING
from .rows import OCCASIONS

DEFAULT_MIN_ANSWERS = 5
# The kinds of target:
# - the share of positive answers to a survey item at an occasion;
ITEM = "item"
# - the share of ended enrolments whose exit outcome is in the target's outcome set;
OUTCOME = "outcome"
# - the share of start-avslut pairs improved on a self-assessment dimension (`item`);
IMPROVED = "improved"
# - the share of enrolments that ended in the outcome set within `months` of their start;
OUTCOME_WITHIN = "outcome_within"
# - the share of follow-up answers at point `months` in the outcome set.
FOLLOWUP = "followup"
KINDS = (ITEM, OUTCOME, IMPROVED, OUTCOME_WITHIN, FOLLOWUP)
OUTCOME_KINDS = (OUTCOME, OUTCOME_WITHIN, FOLLOWUP)
# The `item` of the outcome kinds (whose `occasion` is avslut, a follow-up's
# "uppfoljning-N").
OUTCOME_ITEM = "work_or_studies"
# Beside the exit outcomes, an outcome set may hold "egen_forsorjning": self-supporting
# (`income.SELF_SUPPORTING` at exit, main income in `income.OWN_SUPPORT` at a follow-up).
SET_OUTCOMES = (*(o.value for o in ExitOutcome if o != ExitOutcome.okand), SELF_SUPPORTING)

# Whom a share is of. ANSWERED: those who answered, "vet inte" (and an unknown outcome)
# left out; ALL: everyone who answered, "vet inte" included (every enrolment in the base,
# an unknown outcome included), as "av deltagarna" reads in the förbund's reports.
ANSWERED = "answered"
ALL = "all"
BASES = (ANSWERED, ALL)


@dataclass(frozen=True, slots=True)
class Target:
    item: str
    occasion: str
    # A fraction: 0.9 means 90 %.
    threshold: float
    # The insats whose participants it is checked on; None: everyone in the report.
    insats: str | None = None
    kind: str = ITEM
    # The rest by name only: several callers grew them at once (issues 22 and 24).
    _: KW_ONLY
    # The questionnaire whose item it is (an item id may be in several: ours and a
    # förbund's own); None: any questionnaire that asks the item.
    questionnaire: str | None = None
    # The outcome kinds' set (ExitOutcome values, SELF_SUPPORTING); empty: the förbund's
    # list (`ReportOptions.work_outcomes`).
    outcomes: tuple[str, ...] = ()
    # OUTCOME_WITHIN: months from start; FOLLOWUP: the follow-up point.
    months: int | None = None
    # ANSWERED is the base every item target had before issue 24, so a caller that does
    # not say keeps its verdicts; the web app stores each target's own.
    base: str = ANSWERED


def outcome_target(threshold: float, insats: str | None = None,
                   outcomes: tuple[str, ...] = (), base: str = ALL) -> Target:
    """"At least `threshold` of ended enrolments went to work or studies" (`outcomes`, or
    the förbund's list); of every ended enrolment, as outcome targets always were."""
    return Target(OUTCOME_ITEM, "avslut", threshold, insats, OUTCOME, outcomes=outcomes,
                  base=base)


def within_target(threshold: float, months: int, insats: str | None = None,
                  outcomes: tuple[str, ...] = (), base: str = ALL) -> Target:
    """"At least `threshold` ended in `outcomes` within `months` of enrolment"."""
    return Target(OUTCOME_ITEM, "avslut", threshold, insats, OUTCOME_WITHIN,
                  outcomes=outcomes, months=months, base=base)


def followup_target(threshold: float, months: int, insats: str | None = None,
                    outcomes: tuple[str, ...] = (), base: str = ALL) -> Target:
    """"At least `threshold` of those who answered the follow-up at `months` are in
    `outcomes`"."""
    return Target(OUTCOME_ITEM, followup_occasion(months), threshold, insats, FOLLOWUP,
                  outcomes=outcomes, months=months, base=base)


def improved_target(threshold: float, dimension: str, insats: str | None = None,
                    base: str = ALL) -> Target:
    """"At least `threshold` of the pairs improved on `dimension`"."""
    return Target(dimension, "avslut", threshold, insats, IMPROVED, base=base)


def parse_threshold(text: str) -> float:
    """'0.9', '0,9', '90' and '90%' all mean 90 %: numbers above 1 are percentages."""
    cleaned = text.strip().removesuffix("%").strip().replace(",", ".")
    value = float(cleaned)
    if value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise ValueError(f"målet måste ligga mellan 0 och 100 %: {text!r}")
    return value


# The command line's words for the bases.
BASE_WORDS = {"svarat": ANSWERED, "alla": ALL, ANSWERED: ANSWERED, ALL: ALL}


def parse_target(text: str) -> Target:
    """[INSATS=]ITEM:OCCASION:THRESHOLD[:BASE], e.g. nytta:avslut:90,
    Steget=nytta:avslut:90 or nytta:avslut:90:alla (BASE svarat, the default, leaves vet
    inte out; alla counts it in)."""
    insats, _, rest = text.rpartition("=")
    parts = rest.split(":")
    if len(parts) not in (3, 4):
        raise ValueError(
            f"mål ska skrivas FRÅGA:TILLFÄLLE:MÅL[:BAS], t.ex. nytta:avslut:90, inte {text!r}"
        )
    item, occasion, threshold = (p.strip() for p in parts[:3])
    if occasion not in OCCASIONS:
        raise ValueError(f"okänt tillfälle {occasion!r} i målet {text!r}")
    base = BASE_WORDS.get(parts[3].strip()) if len(parts) == 4 else ANSWERED
    if base is None:
        raise ValueError(f"basen ska vara svarat eller alla, inte {parts[3]!r} i målet {text!r}")
    return Target(item, occasion, parse_threshold(threshold), insats.strip() or None,
                  base=base)
