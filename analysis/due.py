"""When a survey is due: the one rule for the handledare's to-do list, the participant
table and the report's response rates.

Each occasion has a window that opens on a day counted from the enrolment:

- start: opens on the enrolment's start day and closes when the exit is recorded (an
  answer given after exit would not be a start, and would make a false pair);
- pågående: opens `pagaende_days` after the start (the förbund's setting) and closes when
  the enrolment ends, because from then on the avslut surveys are what is asked;
- avslut: opens `AVSLUT_BEFORE_DAYS` before the end date, and at once when the exit is
  recorded;
- a follow-up (`uppfoljning-6`): opens on the same day of the month `months` calendar
  months after the end date (the last day of a shorter month), once the exit is recorded,
  and leaves the to-do list `FOLLOWUP_DUE_DAYS` later unanswered (not reached); the
  report counts it as due in the period its point falls in.

A survey is due while its window is open and it is not answered. The to-do list asks
"due today, and since when?" (`due_since`); the report asks "due in this period?" for
many enrolments at once (`due_in_period`). Both read the windows from `opens`.

Pure: dates and settings in, dates and masks out (no Flask, no database).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import numpy as np

from questionnaires.vocabulary import FOLLOWUP_MONTHS_DEFAULT, followup_months

DEFAULT_PAGAENDE_DAYS = 90
# A follow-up stays on the to-do list this long after its point; after that the person
# was not reached (the report still counts it as due and unanswered).
FOLLOWUP_DUE_DAYS = 60
# Avslut goes on the to-do list this long before the end, so the last meeting can hold it.
AVSLUT_BEFORE_DAYS = 14


@dataclass(frozen=True)
class DueRule:
    """A förbund's settings for when surveys are due."""

    pagaende_days: int = DEFAULT_PAGAENDE_DAYS
    # The self-assessment is also asked midway (at pågående), not only at start and avslut.
    midway_self_assessment: bool = False
    # Follow-up points after exit, in months (issue 24); () for none.
    followup_months: tuple[int, ...] = FOLLOWUP_MONTHS_DEFAULT


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later; the month's last day if it is shorter
    (31 January + 1 month is 28 or 29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def followup_point(end: dt.date, occasion: str) -> dt.date | None:
    """The day the follow-up `occasion` falls on for an enrolment that ended on `end`."""
    months = followup_months(occasion)
    return None if months is None else add_months(end, months)


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
    if followup_months(occasion) is not None:
        if not ended or end is None:
            return None
        point = followup_point(end, occasion)
        if point > today or today > point + dt.timedelta(days=FOLLOWUP_DUE_DAYS):
            return None
        return point
    if occasion == "start" and ended:
        return None
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
    before the end. A follow-up: its point (`followup_point`) falls in the period.
    """
    if followup_months(occasion) is not None:
        return _followup_in_period(occasion, end, date_from, until)
    if opens(occasion, rule)[0] == "end":
        return ended.copy()
    opened = start + np.timedelta64(opens(occasion, rule)[1], "D")
    last = np.datetime64(until, "D")
    last_day = np.where(~np.isnat(end) & (end < last), end, last)
    due = opened <= last_day
    if occasion == "start" and date_from is not None:
        due &= opened >= np.datetime64(date_from, "D")
    return due


def _followup_in_period(occasion: str, end: np.ndarray, date_from: dt.date | None,
                        until: dt.date) -> np.ndarray:
    """`followup_point` for every end date at once (a report has 100 000s of them)."""
    months = followup_months(occasion) or 0
    known = ~np.isnat(end)
    month = end.astype("datetime64[M]")
    day = (end - month.astype("datetime64[D]")).astype(np.int64)  # 0-based day of month
    target = month + np.timedelta64(months, "M")
    length = ((target + np.timedelta64(1, "M")).astype("datetime64[D]")
              - target.astype("datetime64[D]")).astype(np.int64)
    point = target.astype("datetime64[D]") + np.minimum(day, length - 1)
    due = known & (point <= np.datetime64(until, "D"))
    if date_from is not None:
        due &= point >= np.datetime64(date_from, "D")
    return due
