"""When a survey is due: the one rule for the handledare's to-do list, the participant
table and the report's response rates.

Each occasion has a window that opens on a day counted from the enrolment:

- start: opens on the enrolment's start day;
- pågående: opens `pagaende_days` after the start (the förbund's setting) and closes when
  the enrolment ends, because from then on the avslut surveys are what is asked;
- avslut: opens `AVSLUT_BEFORE_DAYS` before the end date, and at once when the exit is
  recorded.

A survey is due while its window is open and it is not answered. The to-do list asks
"due today, and since when?" (`due_since`); the report asks "due in this period?" for
many enrolments at once (`due_in_period`). Both read the windows from `opens`.

Pure: dates and settings in, dates and masks out (no Flask, no database).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

DEFAULT_PAGAENDE_DAYS = 90
# Avslut goes on the to-do list this long before the end, so the last meeting can hold it.
AVSLUT_BEFORE_DAYS = 14


@dataclass(frozen=True)
class DueRule:
    """A förbund's settings for when surveys are due."""

    pagaende_days: int = DEFAULT_PAGAENDE_DAYS
    # The self-assessment is also asked midway (at pågående), not only at start and avslut.
    midway_self_assessment: bool = False


def opens(occasion: str, rule: DueRule) -> tuple[str, int]:
    """(anchor, days): the window of `occasion` opens `days` after the enrolment's
    `anchor` day, "start" or "end" (negative: before it)."""
    if occasion == "start":
        return "start", 0
    if occasion == "pagaende":
        return "start", rule.pagaende_days
    return "end", -AVSLUT_BEFORE_DAYS


def due_since(occasion: str, start: dt.date, end: dt.date | None, ended: bool,
              today: dt.date, rule: DueRule) -> dt.date | None:
    """The day a survey at `occasion` became due, if it is due `today`, else None.

    `end` is the enrolment's end date (None while it has none) and `ended` whether the
    exit is recorded.
    """
    anchor, days = opens(occasion, rule)
    base = start if anchor == "start" else end
    if base is None:
        return today if ended else None
    since = base + dt.timedelta(days=days)
    if occasion == "pagaende" and ended:
        return None
    if occasion == "avslut" and ended:
        return min(since, today)
    return since if since <= today else None


def due_in_period(occasion: str, start: np.ndarray, end: np.ndarray, ended: np.ndarray,
                  date_from: dt.date | None, until: dt.date, rule: DueRule) -> np.ndarray:
    """Mask of the enrolments that were due an answer at `occasion` in a period ending
    `until` (`start`, `end` datetime64[D], end NaT while enrolled; `ended` the mask of
    those whose end falls in the period).

    Start: enrolled in the period. Pågående: the window opened before the enrolment ended
    and before the period's end. Avslut: ended in the period, the window having opened
    before the end.
    """
    if opens(occasion, rule)[0] == "end":
        return ended.copy()
    opened = start + np.timedelta64(opens(occasion, rule)[1], "D")
    last = np.datetime64(until, "D")
    last_day = np.where(~np.isnat(end) & (end < last), end, last)
    due = opened <= last_day
    if occasion == "start" and date_from is not None:
        due &= opened >= np.datetime64(date_from, "D")
    return due
