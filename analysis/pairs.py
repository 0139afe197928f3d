"""Who has a change to report: one pair of självskattning answers (start and avslut of
the same enrolment and version) per person, the change table's and its coverage's units."""

from __future__ import annotations

import numpy as np

from .entries import Entries, latest_per_group

CHANGE_KEY = "sjalvskattning"

Pairs = dict[int, tuple[np.ndarray, np.ndarray]]


def pairs_per_person(entries: Entries, key: str = CHANGE_KEY, by_insats: bool = False) -> Pairs:
    """version -> (start rows, avslut rows); one pair per person, the latest avslut
    (`by_insats`: one per person and insats, as the indicators' `by_insats` count people).

    A pair needs its avslut answer in the period; its start may be earlier.
    """
    occasions = entries.occasion.names
    if "start" not in occasions or "avslut" not in occasions:
        return {}
    start_code, end_code = occasions.index("start"), occasions.index("avslut")
    wanted = np.asarray([layout.key == key for layout in entries.layouts], dtype=bool)
    if not wanted.any():
        return {}
    qv, occasion, enrolment = entries.qv, entries.occasion.codes, entries.enrolment.codes
    mine = wanted[qv]
    # (version, enrolment) -> start row, found by binary search.
    starts = np.flatnonzero(mine & (occasion == start_code))
    size = np.int64(len(entries.enrolment.names) + 1)
    start_keys = qv[starts].astype(np.int64) * size + enrolment[starts]
    order = np.argsort(start_keys, kind="stable")
    start_keys, starts = start_keys[order], starts[order]
    ends = np.flatnonzero(mine & (occasion == end_code) & entries.in_period)
    end_keys = qv[ends].astype(np.int64) * size + enrolment[ends]
    at = np.minimum(np.searchsorted(start_keys, end_keys), max(start_keys.size - 1, 0))
    has_start = start_keys[at] == end_keys if start_keys.size else np.zeros(ends.size, bool)
    ends, at = ends[has_start], at[has_start]
    start_of = np.full(len(entries), -1, dtype=np.int64)  # avslut row -> its start row
    start_of[ends] = starts[at]
    per = [qv, entries.participant.codes] + ([entries.insats.codes] if by_insats else [])
    ends = latest_per_group(entries, per, ends)
    out: Pairs = {}
    for code in np.unique(qv[ends]).tolist():
        chosen = ends[qv[ends] == code]
        out[entries.layouts[code].version] = (start_of[chosen], chosen)
    return out


def change_versions(entries: Entries) -> list[int]:
    """The layout codes of the självskattning versions in the entries (answered at any
    occasion, a start before the period too): the change table has one block each,
    whether or not anyone has a pair yet."""
    return sorted((code for code, layout in enumerate(entries.layouts)
                   if layout.key == CHANGE_KEY),
                  key=lambda code: entries.layouts[code].version)  # fmt: skip
