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
from .selection import Selection

REASONS = ("still_enrolled", "left_early", "no_invitation", "not_answered", "unknown")

CSV_NOTE = (
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

    chosen = codes = np.zeros(0, dtype=np.int64)
    if enrolments is None:
        enrolled = answered(np.flatnonzero(entries.in_period))
        outside = 0  # enrolled without any entry
        enrolled_count = int(enrolled.sum())
    else:
        # One enrolment per key (the last, as a dict of rows would keep).
        keys = enrolments.key
        last = {keys[i]: i for i in np.flatnonzero(enrolments.selected(selection)).tolist()}
        chosen = np.fromiter(last.values(), dtype=np.int64, count=len(last))
        known = {key: code for code, key in enumerate(entries.enrolment.names)}
        codes = np.fromiter((known.get(key, -1) for key in last), dtype=np.int64,
                            count=len(last))  # fmt: skip
        enrolled = np.zeros(size, dtype=bool)
        enrolled[codes[codes >= 0]] = True
        outside = int((codes < 0).sum())
        enrolled_count = len(last)

    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts}):
        versions = [i for i, layout in enumerate(layouts) if layout.key == key]
        of_key = np.isin(qv, versions)
        occasions = {o for i in versions for o in layouts[i].occasions}
        by_occasion = {}
        for name in ("start", "pagaende", "avslut"):
            code = entries.occasion.code_of(name)
            by_occasion[name] = answered(np.flatnonzero(of_key & (occasion == code)))
        counts = {
            o: int((by_occasion[o] & enrolled).sum())
            for o in ("start", "pagaende", "avslut")
            if o in occasions
        }
        paired: int | None = None
        if {"start", "avslut"} <= occasions:
            pairs = np.zeros(size, dtype=bool)
            start, end = entries.occasion.code_of("start"), entries.occasion.code_of("avslut")
            for version in versions:
                mine = qv == version
                pairs |= answered(np.flatnonzero(mine & (occasion == start))) & answered(
                    np.flatnonzero(mine & (occasion == end))
                )
            paired = int((pairs & enrolled).sum())
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
