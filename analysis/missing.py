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
    # Set algebra instead of a loop per enrolment: this runs on 100 000s of enrolments.
    answered: dict[tuple[str, str], set[EnrolmentKey]] = {}
    by_version: dict[tuple[str, int, str], set[EnrolmentKey]] = {}
    active: set[EnrolmentKey] = set()
    for (questionnaire, version, occasion, ekey), entry in entries.items():
        found = answered.get((questionnaire, occasion))
        if found is None:
            found = answered[(questionnaire, occasion)] = set()
        found.add(ekey)
        found = by_version.get((questionnaire, version, occasion))
        if found is None:
            found = by_version[(questionnaire, version, occasion)] = set()
        found.add(ekey)
        if entry.in_period:
            active.add(ekey)

    rows: dict[EnrolmentKey, EnrolmentRow] | None = None
    if enrolments is None:
        enrolled = active
    else:
        rows = {e.key: e for e in selected_enrolments(enrolments, selection)}
        enrolled = set(rows)

    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts.values()}):
        versions = [layout for layout in layouts.values() if layout.key == key]
        occasions = {o for layout in versions for o in layout.occasions}
        counts = {
            o: len(answered.get((key, o), set()) & enrolled)
            for o in ("start", "pagaende", "avslut")
            if o in occasions
        }
        paired: int | None = None
        if {"start", "avslut"} <= occasions:
            pairs: set[EnrolmentKey] = set()
            for layout in versions:
                starts = by_version.get((key, layout.version, "start"), set())
                pairs |= starts & by_version.get((key, layout.version, "avslut"), set())
            paired = len(pairs & enrolled)
        without = enrolled - answered.get((key, "avslut"), set())
        reasons = dict.fromkeys(REASONS, 0)
        if rows is None:
            reasons["unknown"] = len(without)
        else:
            for ekey in without:
                reasons[reason(rows[ekey], key, selection)] += 1
        table[key] = {
            "enrolled": len(enrolled),
            "with_start": counts.get("start"),
            "with_pagaende": counts.get("pagaende"),
            "with_avslut": counts.get("avslut", 0),
            "paired": paired,
            "without_avslut": len(without),
            "reasons": reasons,
        }
    return {
        "source": "csv" if enrolments is None else "enrolments",
        "note": CSV_NOTE if enrolments is None else None,
        "by_questionnaire": table,
    }
