"""Which responses and enrolments a report is about: insatser, site and period.

The one place these rules are written; every source (CSV, database, rows) hands its
columns to these functions instead of filtering on its own.

A report's period is whole months, from the first day of a month to the last (the
current month counts up to today): a period of days would let two reports a day apart
tell one person's answer by their difference, and whole months are what a board
compares. Every input that chooses a period (the report form, the open-answers page,
`flask report` and `python -m analysis report`) goes through `Month.parse` and `period`
here; exact days are for the audited Dataexport only.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

import numpy as np

from .codes import Codes
from .i18n import N_, Translate, named

# Months a report can cover: from before any programme kept answers, to the current one
# (a later month has no answers, and its "previous period" would be partly future).
FIRST_YEAR = 2000
_MONTH = re.compile(r"[0-9]{4}-[0-9]{2}")  # ASCII digits only, as the picker sends

# Why a text is not a month a report can cover (MonthError.reason), in Swedish; the web
# form shows the staff language's translation, the command lines the Swedish.
MONTH_MESSAGES = {
    "format": N_("Skriv en månad som ÅÅÅÅ-MM, till exempel %(example)s."),
    "date": N_("%(text)s är ett datum, men rapporter gäller hela månader: skriv %(month)s."),
    "range": N_("Välj en månad från %(first)s till och med %(last)s."),
    "order": N_("Till och med kan inte vara en tidigare månad än från och med."),
}


class MonthError(ValueError):
    """A text that is not a month a report can cover; `reason` is a key of
    MONTH_MESSAGES and `params` fill it in."""

    def __init__(self, reason: str, **params: str) -> None:
        super().__init__(MONTH_MESSAGES[reason] % params)
        self.reason = reason
        self.params = params

    def translated(self, _: Translate) -> str:
        return named(_, MONTH_MESSAGES[self.reason]) % self.params


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    @staticmethod
    def of(day: dt.date) -> Month:
        return Month(day.year, day.month)

    @staticmethod
    def parse(text: str, today: dt.date | None = None) -> Month:
        """The month written YYYY-MM, from FIRST_YEAR to the current month; MonthError
        for anything else (a full date is named as one)."""
        text = text.strip()
        this = Month.of(today or dt.date.today())
        if not _MONTH.fullmatch(text) or not 1 <= int(text[5:]) <= 12:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                raise MonthError("format", example=str(this)) from None
            raise MonthError("date", text=text, month=str(Month.of(day)))
        month = Month(int(text[:4]), int(text[5:]))
        if not Month(FIRST_YEAR, 1) <= month <= this:
            raise MonthError("range", first=f"{FIRST_YEAR}-01", last=str(this))
        return month

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        return self.plus(1).first_day - dt.timedelta(days=1)


def period(first: Month | None, last: Month | None) -> tuple[dt.date | None, dt.date | None]:
    """(date_from, date_to) of the months `first` to `last` (None: open at that end), the
    dates a Selection and ReportOptions hold; MonthError when `last` is before `first`."""
    if first is not None and last is not None and last < first:
        raise MonthError("order")
    return (first.first_day if first else None, last.last_day if last else None)


def month_text(moment: dt.date | dt.datetime | None) -> str | None:
    """The month of a day or moment as YYYY-MM: how a report tells when answers came."""
    return None if moment is None else str(Month.of(moment))


@dataclass(frozen=True, slots=True)
class Selection:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: frozenset[str] = frozenset()
    site: str | None = None

    def previous(self) -> Selection | None:
        """The same number of whole months just before this period (same insatser and
        site), or None when the period lacks a start or an end: 2025 -> 2024, although
        2024 has a day more; the current month alone -> the whole month before."""
        if self.date_from is None or self.date_to is None:
            return None
        first, last = Month.of(self.date_from), Month.of(self.date_to)
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        return replace(self, date_from=first.plus(-months).first_day,
                       date_to=first.plus(-1).last_day)

    def due_by(self, today: dt.date | None = None) -> dt.date:
        """The day by which something is due in this period: the earlier of its end and
        today (the current month counts up to today)."""
        today = today or dt.date.today()
        return today if self.date_to is None else min(self.date_to, today)


def in_insatser_and_site(selection: Selection, insats: Codes, site: Codes) -> np.ndarray:
    """Mask of the rows in the selected insatser (all when none is chosen) and site."""
    keep = np.ones(len(insats), dtype=bool)
    if selection.insatser:
        keep &= insats.where(lambda name: name in selection.insatser)
    if selection.site is not None:
        keep &= site.where(lambda name: name == selection.site)
    return keep


def select_responses(
    selection: Selection, insats: Codes, site: Codes, occasion: Codes, moments: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(kept, in period) per response, `moments` being datetime64[us] (naive UTC).

    A response after the period is never kept. One before it is kept only at start: a
    start answer from before the period still pairs with an avslut answer in it, so the
    change from start to avslut can be told; it counts nowhere else (`in period` False).
    """
    keep = in_insatser_and_site(selection, insats, site)
    days = moments.astype("datetime64[D]")
    if selection.date_to is not None:
        keep &= days <= np.datetime64(selection.date_to, "D")
    if selection.date_from is None:
        in_period = np.ones(len(keep), dtype=bool)
    else:
        in_period = days >= np.datetime64(selection.date_from, "D")
    keep &= in_period | (occasion.codes == occasion.code_of("start"))
    return keep, in_period


def select_enrolments(
    selection: Selection, insats: Codes, site: Codes, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Mask of the enrolments in the selected insatser and site that overlap the period
    up to `Selection.due_by` (`start` and `end` datetime64[D], end NaT while enrolled):
    one that starts after today is not enrolled yet."""
    keep = in_insatser_and_site(selection, insats, site)
    keep &= ~(start > np.datetime64(selection.due_by(), "D"))
    if selection.date_from is not None:
        keep &= ~(~np.isnat(end) & (end < np.datetime64(selection.date_from)))
    return keep
