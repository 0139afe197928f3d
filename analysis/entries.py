"""The collected responses as columns: what every table of the report is computed from.

One row per (questionnaire version, occasion, enrolment): the latest response
(`responses.to_entries` makes them). Each text field is `Codes`, so the report steps
(latest per person, pairs, breakdowns, who is missing) are numpy sorts and counts
instead of Python loops over hundreds of thousands of objects.

Rows are in the order their (version, occasion, enrolment) first appeared in the input;
that order breaks ties between two responses submitted at the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .codes import Codes
from .layouts import Layout


@dataclass(slots=True)
class ResponseColumns:
    """One row per response: what the sources hand the core (`responses.to_entries`), in
    the order they met them (that order breaks ties)."""

    layouts: list[Layout]  # qv code -> layout (questionnaire key and version)
    qv: np.ndarray  # int32 codes into layouts
    occasion: Codes
    # EnrolmentKey names: the database's id; None from a source where an enrolment is
    # (participant, insats, site) (Entries always have them).
    enrolment: Codes | None
    participant: Codes
    gender: Codes
    born_abroad: Codes
    insats: Codes
    site: Codes  # names may hold None (no site)
    language: Codes  # in Entries, easy Swedish is its own language (responses.to_entries)
    easy: np.ndarray  # bool: answered in easy Swedish (lättläst)
    submitted_at: np.ndarray  # datetime64[us], naive UTC
    # int64: the record key of the row's person (analysis/perturbation.py); every count
    # a figure makes of rows is a Cell of these keys.
    record_key: np.ndarray

    def __len__(self) -> int:
        return len(self.qv)


@dataclass(slots=True)
class Entries(ResponseColumns):
    """The latest response of each (version, occasion, enrolment), with its answers."""

    in_period: np.ndarray  # bool
    values: np.ndarray  # int16 (rows, widest layout); ABSENT beyond a layout's items

    def layout_index(self) -> dict[tuple[str, int], int]:
        return {(layout.key, layout.version): i for i, layout in enumerate(self.layouts)}


def group_ids(keys: Sequence[np.ndarray]) -> np.ndarray:
    """One int64 per row that is equal exactly when every key (codes >= 0) is equal, and
    sorts like the keys do (the first key first). Not dense: use it to sort and compare."""
    ids = np.zeros(len(keys[0]) if keys else 0, dtype=np.int64)
    size = 1
    for key in keys:
        count = int(key.max()) + 1 if key.size else 1
        if size * count >= 2**62:  # renumber densely (in the same order) before it overflows
            _, ids = np.unique(ids, return_inverse=True)
            ids = ids.reshape(-1)
            size = int(ids.max()) + 1 if ids.size else 1
        ids = ids * count + key
        size *= count
    return ids


def latest_in_groups(group: np.ndarray, moments: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rule "the latest response counts", for rows in their order.

    Returns (dense group number per row, the first row at its group's latest moment per
    group, as positions in group-number order). Rows at the same latest moment as that
    first one are found with `at_latest`.
    """
    if group.size == 0:
        return group.astype(np.int64), group.astype(np.int64)
    _, rank = np.unique(moments.view(np.int64), return_inverse=True)
    rank = rank.reshape(-1)
    # Sorted by group, latest first; a stable sort keeps ties in row order.
    order = np.argsort(group_ids([group - group.min(), rank.max() - rank]), kind="stable")
    ordered = group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    dense = np.empty(order.size, dtype=np.int64)
    dense[order] = np.cumsum(first) - 1
    return dense, order[first]


def at_latest(dense: np.ndarray, heads: np.ndarray, moments: np.ndarray) -> np.ndarray:
    """Mask of the rows submitted at the same moment as their group's head."""
    stamp = moments.view(np.int64)
    return stamp == stamp[heads][dense]


def latest_per_group(
    entries: Entries, keys: list[np.ndarray], index: np.ndarray
) -> np.ndarray:
    """Of rows `index`, one per group of equal `keys`: the latest submitted; on a tie the
    one that came first. Returned in ascending order."""
    if index.size == 0:
        return index
    index = np.sort(index)
    _, heads = latest_in_groups(group_ids([key[index] for key in keys]),
                                entries.submitted_at[index])  # fmt: skip
    return np.sort(index[heads])
