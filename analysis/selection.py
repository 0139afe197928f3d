"""Which responses and enrolments a report is about: insatser, site and period.

The one place these rules are written; every source (CSV, database, rows) hands its
columns to these functions instead of filtering on its own.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np

from .codes import Codes


@dataclass(frozen=True, slots=True)
class Selection:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: frozenset[str] = frozenset()
    site: str | None = None

    def previous(self) -> Selection | None:
        """The period of the same length just before this one (same insatser and site),
        or None when the period lacks a start or an end. A period of whole months (a
        year, a half-year, a tertial) is followed back by the same number of months
        (2025 -> 2024, although 2024 has a day more); any other by the same number of
        days."""
        start, end = self.date_from, self.date_to
        if start is None or end is None:
            return None
        before = start - dt.timedelta(days=1)
        if start.day == 1 and (end + dt.timedelta(days=1)).day == 1:
            months = (end.year - start.year) * 12 + end.month - start.month + 1
            first = start.year * 12 + start.month - 1 - months
            return replace(self, date_from=dt.date(first // 12, first % 12 + 1, 1),
                           date_to=before)  # fmt: skip
        days = (end - start).days + 1
        return replace(self, date_from=before - dt.timedelta(days=days - 1), date_to=before)


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
    (`start` and `end` datetime64[D], end NaT while enrolled)."""
    keep = in_insatser_and_site(selection, insats, site)
    if selection.date_to is not None:
        keep &= ~(start > np.datetime64(selection.date_to))
    if selection.date_from is not None:
        keep &= ~(~np.isnat(end) & (end < np.datetime64(selection.date_from)))
    return keep
