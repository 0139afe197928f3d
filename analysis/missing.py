"""Who is missing: enrolled, answered at start / pågående / avslut, paired, and why an
avslut answer is missing.

With enrolment rows from the web app every reason can be told. From a CSV alone the
only enrolments known are those that answered something, and the reason is "unknown".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .collect import Entry, EntryKey, Layout, Selection
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
    entries: dict[EntryKey, Entry],
    layouts: dict[tuple[str, int], Layout],
    selection: Selection,
    enrolments: Sequence[EnrolmentRow] | None,
) -> dict[str, Any]:
    answered: set[tuple[str, str, EnrolmentKey]] = set()
    versions_answered: dict[tuple[str, str, EnrolmentKey], set[int]] = {}
    active: set[EnrolmentKey] = set()
    for (questionnaire, version, occasion, ekey), entry in entries.items():
        key = (questionnaire, occasion, ekey)
        answered.add(key)
        versions_answered.setdefault(key, set()).add(version)
        if entry.in_period:
            active.add(ekey)

    if enrolments is None:
        rows: list[EnrolmentRow] | None = None
        enrolled: list[EnrolmentKey] = list(active)
    else:
        rows = selected_enrolments(enrolments, selection)
        enrolled = [e.key for e in rows]

    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts.values()}):
        occasions = {o for lay in layouts.values() if lay.key == key for o in lay.occasions}
        has_pair = {"start", "avslut"} <= occasions
        counts = {o: 0 for o in ("start", "pagaende", "avslut") if o in occasions}
        paired = 0
        reasons = dict.fromkeys(REASONS, 0)
        for index, ekey in enumerate(enrolled):
            for occasion in counts:
                if (key, occasion, ekey) in answered:
                    counts[occasion] += 1
            if has_pair:
                starts = versions_answered.get((key, "start", ekey), set())
                ends = versions_answered.get((key, "avslut", ekey), set())
                paired += bool(starts & ends)
            if (key, "avslut", ekey) not in answered:
                why = "unknown" if rows is None else reason(rows[index], key, selection)
                reasons[why] += 1
        with_avslut = counts.get("avslut", 0)
        table[key] = {
            "enrolled": len(enrolled),
            "with_start": counts.get("start"),
            "with_pagaende": counts.get("pagaende"),
            "with_avslut": with_avslut,
            "paired": paired if has_pair else None,
            "without_avslut": len(enrolled) - with_avslut,
            "reasons": reasons,
        }
    return {
        "source": "csv" if enrolments is None else "enrolments",
        "note": CSV_NOTE if enrolments is None else None,
        "by_questionnaire": table,
    }
