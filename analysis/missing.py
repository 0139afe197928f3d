"""Who is missing: enrolled, answered at start / pågående / avslut, paired, and why an
avslut answer is missing.

With enrolment rows from the web app every reason can be told. From a CSV alone the
only enrolments known are those that answered something, and the reason is "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .collect import Selection
from .entries import Entries, occasion_code
from .rows import EnrolmentKey, EnrolmentRow

REASONS = ("still_enrolled", "left_early", "no_invitation", "not_answered", "unknown")

CSV_NOTE = (
    "Underlaget är bara en CSV-fil med svar: som inskrivna räknas de som har svarat på "
    "något under perioden, och varför avslutssvar saknas går inte att se."
)


def reason(enrolment: EnrolmentRow, key: str, selection: Selection) -> str:
    """Why this enrolment has no avslut answer to questionnaire `key`.

    Checked in this order because the first one that holds explains the rest: someone
    still enrolled is not due an avslut survey, and someone who left early is seldom
    reachable, whether invited or not.
    """
    end = enrolment.end_date
    if end is None or (selection.date_to is not None and end > selection.date_to):
        return "still_enrolled"
    if enrolment.left_early:
        return "left_early"
    if (key, "avslut") not in enrolment.invited:
        return "no_invitation"
    return "not_answered"


def selected_enrolments(
    enrolments: Sequence[EnrolmentRow], selection: Selection
) -> list[EnrolmentRow]:
    """Enrolments in the selected insatser and site that overlap the period."""
    out = []
    for e in enrolments:
        if selection.insatser and e.insats not in selection.insatser:
            continue
        if selection.site is not None and e.site != selection.site:
            continue
        if selection.date_to is not None and e.start_date > selection.date_to:
            continue
        if selection.date_from is not None and e.end_date and e.end_date < selection.date_from:
            continue
        out.append(e)
    return out


def missing_table(
    entries: Entries,
    selection: Selection,
    enrolments: Sequence[EnrolmentRow] | None,
) -> dict[str, Any]:
    # Masks over enrolment codes instead of a loop per enrolment: this runs on 100 000s.
    size = len(entries.enrolment.names)
    qv, occasion, enrolment = entries.qv, entries.occasion.codes, entries.enrolment.codes
    layouts = entries.layouts

    def answered(rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(size, dtype=bool)
        mask[enrolment[rows]] = True
        return mask

    rows: dict[EnrolmentKey, EnrolmentRow] | None = None
    if enrolments is None:
        enrolled = answered(np.flatnonzero(entries.in_period))
        outside = 0  # enrolled without any entry
        enrolled_count = int(enrolled.sum())
    else:
        rows = {e.key: e for e in selected_enrolments(enrolments, selection)}
        known = {key: code for code, key in enumerate(entries.enrolment.names)}
        enrolled = np.zeros(size, dtype=bool)
        codes = [known[key] for key in rows if key in known]
        enrolled[np.asarray(codes, dtype=np.int64)] = True
        outside = len(rows) - len(codes)
        enrolled_count = len(rows)

    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts}):
        versions = [i for i, layout in enumerate(layouts) if layout.key == key]
        of_key = np.isin(qv, versions)
        occasions = {o for i in versions for o in layouts[i].occasions}
        by_occasion = {}
        for name in ("start", "pagaende", "avslut"):
            code = occasion_code(entries, name)
            by_occasion[name] = answered(np.flatnonzero(of_key & (occasion == code)))
        counts = {
            o: int((by_occasion[o] & enrolled).sum())
            for o in ("start", "pagaende", "avslut")
            if o in occasions
        }
        paired: int | None = None
        if {"start", "avslut"} <= occasions:
            pairs = np.zeros(size, dtype=bool)
            start, end = occasion_code(entries, "start"), occasion_code(entries, "avslut")
            for version in versions:
                mine = qv == version
                pairs |= answered(np.flatnonzero(mine & (occasion == start))) & answered(
                    np.flatnonzero(mine & (occasion == end))
                )
            paired = int((pairs & enrolled).sum())
        without = enrolled & ~by_occasion["avslut"]
        reasons = dict.fromkeys(REASONS, 0)
        if rows is None:
            reasons["unknown"] = int(without.sum())
        else:
            names = entries.enrolment.names
            missing = {names[code] for code in np.flatnonzero(without).tolist()}
            for ekey, row in rows.items():
                if ekey in missing or ekey not in known:
                    reasons[reason(row, key, selection)] += 1
        table[key] = {
            "enrolled": enrolled_count,
            "with_start": counts.get("start"),
            "with_pagaende": counts.get("pagaende"),
            "with_avslut": counts.get("avslut", 0),
            "paired": paired,
            "without_avslut": int(without.sum()) + outside,
            "reasons": reasons,
        }
    return {
        "source": "csv" if enrolments is None else "enrolments",
        "note": CSV_NOTE if enrolments is None else None,
        "by_questionnaire": table,
    }
