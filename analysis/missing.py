"""Who is missing: enrolled, answered at start / pågående / avslut, paired, and why an
avslut answer is missing (`missing_table`, "Bortfall"); and the svarsfrekvens, answered
of those due, per questionnaire and occasion (`response_rates`). Both count answers and
reasons with the same helpers here: one rule for who answered and why someone did not.

With enrolment rows from the web app every reason can be told. From a CSV alone the
only enrolments known are those that answered something, and the reason is "unknown";
a response rate needs to know who was due, so a CSV gives none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from questionnaires.vocabulary import Occasion, values

from .enrolments import EnrolmentColumns
from .entries import Entries
from .i18n import N_
from .selection import Selection

OCCASIONS = values(Occasion)
REASONS = ("still_enrolled", "left_early", "no_invitation", "not_answered", "unknown")

# Why someone due an answer at an occasion has none (still_enrolled only explains a
# missing avslut answer of someone not yet ended, who is never due one here).
RATE_REASONS = ("left_early", "no_invitation", "not_answered")
DEFAULT_PAGAENDE_DAYS = 90

RATES_CSV_NOTE = N_(
    "Svarsfrekvens finns inte för en CSV-fil med svar: vilka som borde ha svarat vet "
    "bara inskrivningarna i webbtjänsten."
)

CSV_NOTE = N_(
    "Underlaget är bara en CSV-fil med svar: som inskrivna räknas de som har svarat på "
    "något under perioden, och varför avslutssvar saknas går inte att se."
)


def reasons(
    enrolments: EnrolmentColumns, chosen: np.ndarray, key: str, selection: Selection,
    occasion: str = "avslut",
) -> dict[str, int]:
    """How many of enrolments `chosen` miss an answer to questionnaire `key` at
    `occasion` for each reason.

    Checked in this order because the first one that holds explains the rest: someone
    still enrolled is not due an avslut survey, and someone who left early is seldom
    reachable, whether invited or not.
    """
    end = enrolments.end_date[chosen]
    still = np.isnat(end) | (end > np.datetime64(selection.due_by(), "D"))
    if occasion != "avslut":
        still[:] = False
    left = enrolments.left_early[chosen]
    invited = enrolments.invited.get((key, occasion))
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


class _Answered:
    """Masks over the entries' enrolment codes: who answered what. Masks instead of a
    loop per enrolment: this runs on 100 000s."""

    def __init__(self, entries: Entries) -> None:
        self.entries = entries

    def rows(self, rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(self.entries.enrolment.names), dtype=bool)
        mask[self.entries.enrolment.codes[rows]] = True
        return mask

    def versions(self, key: str) -> list[int]:
        return [i for i, layout in enumerate(self.entries.layouts) if layout.key == key]

    def by_occasion(self, key: str) -> dict[str, np.ndarray]:
        """Occasion -> who has an entry of questionnaire `key` at it."""
        entries = self.entries
        of_key = np.isin(entries.qv, self.versions(key))
        return {
            name: self.rows(np.flatnonzero(
                of_key & (entries.occasion.codes == entries.occasion.code_of(name))))
            for name in OCCASIONS
        }  # fmt: skip


def missing_table(
    entries: Entries,
    selection: Selection,
    enrolments: EnrolmentColumns | None,
) -> dict[str, Any]:
    layouts = entries.layouts
    answered = _Answered(entries)
    enrolled, chosen, codes, outside, enrolled_count = _enrolled(entries, selection, enrolments)
    table: dict[str, Any] = {}
    for key in sorted({layout.key for layout in layouts}):
        versions = answered.versions(key)
        occasions = {o for i in versions for o in layouts[i].occasions}
        by_occasion = answered.by_occasion(key)
        counts = {
            o: int((by_occasion[o] & enrolled).sum())
            for o in ("start", "pagaende", "avslut")
            if o in occasions
        }
        paired = None
        if {"start", "avslut"} <= occasions:
            paired = int((_paired(entries, versions, answered.rows) & enrolled).sum())
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


def response_rates(
    entries: Entries,
    selection: Selection,
    enrolments: EnrolmentColumns | None,
    pagaende_days: int = DEFAULT_PAGAENDE_DAYS,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Svarsfrekvens per questionnaire and occasion: of the enrolments due an answer, how
    many answered, how many did not and why (`reasons`).

    Due at start: started in the period (a start answer from before it counts). Due at
    pågående: enrolled at least `pagaende_days` days by the period's end (or by their
    own end, if earlier), answered in the period. Due at avslut: ended in the period.
    The period's end is the earlier of its last day and `today` (Selection.due_by).
    """
    if enrolments is None:
        return {"available": False, "note": RATES_CSV_NOTE}
    answered = _Answered(entries)
    _, chosen, codes, _, _ = _enrolled(entries, selection, enrolments)
    start = enrolments.start_date[chosen]
    until = np.datetime64(selection.due_by(today), "D")
    end = enrolments.end_date[chosen]
    last_day = np.where(~np.isnat(end) & (end < until), end, until)
    due = {
        "start": (start >= np.datetime64(selection.date_from, "D")
                  if selection.date_from is not None else np.ones(chosen.size, dtype=bool)),
        "pagaende": (last_day - start) >= np.timedelta64(pagaende_days, "D"),
        "avslut": enrolments.ended(selection)[chosen],
    }  # fmt: skip
    # The occasions a questionnaire is used at: someone answered or was invited.
    asked: dict[str, set[str]] = {}
    pairs = np.unique(np.stack([entries.qv.astype(np.int64), entries.occasion.codes], axis=1),
                      axis=0) if len(entries) else np.zeros((0, 2), dtype=np.int64)  # fmt: skip
    for version, occasion in pairs.tolist():
        asked.setdefault(entries.layouts[version].key, set()).add(entries.occasion.names[occasion])
    for key, occasion in enrolments.invited:
        asked.setdefault(key, set()).add(occasion)
    table: dict[str, Any] = {}
    for key in sorted(asked):
        by_occasion = answered.by_occasion(key)
        table[key] = {}
        for occasion in (o for o in OCCASIONS if o in asked[key]):
            has = (codes >= 0) & by_occasion[occasion][np.maximum(codes, 0)]
            mine = due[occasion]
            count, done = int(mine.sum()), int((mine & has).sum())
            found = reasons(enrolments, chosen[mine & ~has], key, selection, occasion)
            table[key][occasion] = {
                "due": count,
                "answered": done,
                "missing": count - done,
                "share": round(done / count, 4) if count else None,
                "reasons": {reason: found[reason] for reason in RATE_REASONS},
            }
    return {"available": True, "note": None, "pagaende_days": pagaende_days,
            "by_questionnaire": table}  # fmt: skip
