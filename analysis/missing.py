"""Who is missing: enrolled, answered at start / pågående / avslut, paired, and why an
avslut answer is missing.

With enrolment rows from the web app every reason can be told. From a CSV alone the
only enrolments known are those that answered something, and the reason is "unknown".
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .enrolments import EnrolmentColumns
from .entries import Entries
from .i18n import N_
from .selection import Selection

REASONS = ("still_enrolled", "left_early", "no_invitation", "not_answered", "unknown")

CSV_NOTE = N_(
    "Underlaget är bara en CSV-fil med svar: som inskrivna räknas de som har svarat på "
    "något under perioden, och varför avslutssvar saknas går inte att se."
)


def reasons(
    enrolments: EnrolmentColumns, chosen: np.ndarray, key: str, selection: Selection
) -> dict[str, int]:
    """How many of enrolments `chosen` miss an avslut answer to questionnaire `key` for
    each reason.

    Checked in this order because the first one that holds explains the rest: someone
    still enrolled is not due an avslut survey, and someone who left early is seldom
    reachable, whether invited or not.
    """
    end = enrolments.end_date[chosen]
    still = np.isnat(end)
    if selection.date_to is not None:
        still |= end > np.datetime64(selection.date_to)
    left = enrolments.left_early[chosen]
    invited = enrolments.invited.get((key, "avslut"))
    sent = invited[chosen] if invited is not None else np.zeros(chosen.size, dtype=bool)
    first = np.select([still, left, ~sent], [0, 1, 2], default=3)
    counts = np.bincount(first, minlength=len(REASONS))
    return {name: int(count) for name, count in zip(REASONS, counts, strict=True)}


def _enrolled(
    entries: Entries, selection: Selection, enrolments: EnrolmentColumns | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """(enrolled mask over entry enrolment codes, chosen enrolment rows, their entry codes
    (-1: no entry), enrolled without any entry, enrolled count)."""
    size = len(entries.enrolment.names)
    none = np.zeros(0, dtype=np.int64)
    if enrolments is None:
        enrolled = np.zeros(size, dtype=bool)
        enrolled[entries.enrolment.codes[np.flatnonzero(entries.in_period)]] = True
        return enrolled, none, none, 0, int(enrolled.sum())
    # One enrolment per key (the last, as a dict of rows would keep).
    keys = enrolments.key
    last = {keys[i]: i for i in np.flatnonzero(enrolments.selected(selection)).tolist()}
    chosen = np.fromiter(last.values(), dtype=np.int64, count=len(last))
    known = {key: code for code, key in enumerate(entries.enrolment.names)}
    codes = np.fromiter((known.get(key, -1) for key in last), dtype=np.int64, count=len(last))
    enrolled = np.zeros(size, dtype=bool)
    enrolled[codes[codes >= 0]] = True
    return enrolled, chosen, codes, int((codes < 0).sum()), len(last)


def _paired(entries: Entries, versions: list[int], answered: Any) -> np.ndarray:
    """Mask over enrolment codes: answered start and avslut of one questionnaire version."""
    qv, occasion = entries.qv, entries.occasion.codes
    start, end = entries.occasion.code_of("start"), entries.occasion.code_of("avslut")
    pairs = np.zeros(len(entries.enrolment.names), dtype=bool)
    for version in versions:
        mine = qv == version
        pairs |= answered(np.flatnonzero(mine & (occasion == start))) & answered(
            np.flatnonzero(mine & (occasion == end))
        )
    return pairs


def missing_table(
    entries: Entries,
    selection: Selection,
    enrolments: EnrolmentColumns | None,
) -> dict[str, Any]:
    # Masks over enrolment codes instead of a loop per enrolment: this runs on 100 000s.
    size = len(entries.enrolment.names)
    qv, occasion, enrolment = entries.qv, entries.occasion.codes, entries.enrolment.codes
    layouts = entries.layouts

    def answered(rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[enrolment[rows]] = True
        return mask

    enrolled, chosen, codes, outside, enrolled_count = _enrolled(entries, selection, enrolments)
    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts}):
        versions = [i for i, layout in enumerate(layouts) if layout.key == key]
        of_key = np.isin(qv, versions)
        occasions = {o for i in versions for o in layouts[i].occasions}
        by_occasion = {
            name: answered(np.flatnonzero(of_key & (occasion == entries.occasion.code_of(name))))
            for name in ("start", "pagaende", "avslut")
        }
        counts = {
            o: int((by_occasion[o] & enrolled).sum())
            for o in ("start", "pagaende", "avslut")
            if o in occasions
        }
        paired = None
        if {"start", "avslut"} <= occasions:
            paired = int((_paired(entries, versions, answered) & enrolled).sum())
        without = enrolled & ~by_occasion["avslut"]
        if enrolments is None:
            found = dict.fromkeys(REASONS, 0)
            found["unknown"] = int(without.sum())
        else:
            lacking = (codes < 0) | without[np.maximum(codes, 0)]
            found = reasons(enrolments, chosen[lacking], key, selection)
        table[key] = {
            "enrolled": enrolled_count,
            "with_start": counts.get("start"),
            "with_pagaende": counts.get("pagaende"),
            "with_avslut": counts.get("avslut", 0),
            "paired": paired,
            "without_avslut": int(without.sum()) + outside,
            "reasons": found,
        }
    return {
        "source": "csv" if enrolments is None else "enrolments",
        "note": CSV_NOTE if enrolments is None else None,
        "by_questionnaire": table,
    }
