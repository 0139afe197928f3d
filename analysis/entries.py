"""The collected responses as columns: what every table of the report is computed from.

One row per (questionnaire version, occasion, enrolment): the latest response, as the
`Collector` keeps it (`Entry`). Each text field is an integer code into a list of names,
so the report steps (latest per person, pairs, breakdowns, who is missing) are numpy
sorts and counts instead of Python loops over hundreds of thousands of objects.

Rows are in the order their (version, occasion, enrolment) first appeared in the input;
that order breaks ties between two responses submitted at the same moment, exactly as
the row-by-row collector did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .collect import ABSENT, Collector, Layout
from .languages import answer_language


@dataclass(slots=True)
class Codes:
    """One text column: codes[i] indexes names."""

    codes: np.ndarray
    names: list[Any]

    def take(self, index: np.ndarray) -> np.ndarray:
        return self.codes[index]


@dataclass(slots=True)
class Entries:
    layouts: list[Layout]  # qv code -> layout (questionnaire key and version)
    qv: np.ndarray
    occasion: Codes
    enrolment: Codes  # names: EnrolmentKey (the database id, or (participant, insats, site))
    participant: Codes
    gender: Codes
    born_abroad: Codes
    insats: Codes
    site: Codes  # names may hold None (no site)
    language: Codes
    submitted_at: np.ndarray  # datetime64[us], naive UTC
    in_period: np.ndarray  # bool
    values: np.ndarray  # int16 (rows, widest layout); ABSENT beyond a layout's items

    def __len__(self) -> int:
        return len(self.qv)

    def layout_index(self) -> dict[tuple[str, int], int]:
        return {(layout.key, layout.version): i for i, layout in enumerate(self.layouts)}

    def moment(self, index: int) -> dt.datetime:
        return self.submitted_at[index].item()


def from_collector(collector: Collector) -> Entries:
    """The row-by-row collector's entries as columns (the database path)."""
    layouts = list(collector.layouts.values())
    where = {(layout.key, layout.version): i for i, layout in enumerate(layouts)}
    width = max((len(layout.items) for layout in layouts), default=0)
    count = len(collector.entries)
    tables: list[dict[Any, int]] = [{} for _ in range(8)]
    columns = [np.empty(count, dtype=np.int32) for _ in range(8)]
    qv = np.empty(count, dtype=np.int32)
    moments = []
    in_period = np.empty(count, dtype=bool)
    values = np.full((count, width), ABSENT, dtype=np.int16)
    (occasions, enrolments, participants, genders, born_abroad, insatser, sites,
     languages) = tables  # fmt: skip
    (c_occ, c_enr, c_par, c_gen, c_abr, c_ins, c_site, c_lang) = columns
    for i, ((questionnaire, version, occasion, ekey), entry) in enumerate(
        collector.entries.items()
    ):
        row = entry.row
        qv[i] = where[(questionnaire, version)]
        c_occ[i] = occasions.setdefault(occasion, len(occasions))
        c_enr[i] = enrolments.setdefault(ekey, len(enrolments))
        c_par[i] = participants.setdefault(row[0], len(participants))
        c_gen[i] = genders.setdefault(row[1], len(genders))
        c_abr[i] = born_abroad.setdefault(row[3], len(born_abroad))
        c_ins[i] = insatser.setdefault(row[4], len(insatser))
        c_site[i] = sites.setdefault(row[5], len(sites))
        c_lang[i] = languages.setdefault(answer_language(row[10], row[11]), len(languages))
        moments.append(entry.submitted_at)
        in_period[i] = entry.in_period
        entry_values = entry.values
        values[i, : len(entry_values)] = entry_values
    return Entries(
        layouts=layouts,
        qv=qv,
        occasion=Codes(c_occ, list(occasions)),
        enrolment=Codes(c_enr, list(enrolments)),
        participant=Codes(c_par, list(participants)),
        gender=Codes(c_gen, list(genders)),
        born_abroad=Codes(c_abr, list(born_abroad)),
        insats=Codes(c_ins, list(insatser)),
        site=Codes(c_site, list(sites)),
        language=Codes(c_lang, list(languages)),
        submitted_at=np.array(moments, dtype="datetime64[us]").reshape(count),
        in_period=in_period,
        values=values,
    )


def occasion_code(entries: Entries, occasion: str) -> int:
    try:
        return entries.occasion.names.index(occasion)
    except ValueError:
        return -1


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


def latest_per_group(
    entries: Entries, keys: list[np.ndarray], index: np.ndarray
) -> np.ndarray:
    """Of rows `index`, one per group of equal `keys`: the latest submitted; on a tie the
    one that came first. Returned in ascending order."""
    if index.size == 0:
        return index
    index = np.sort(index)
    group = group_ids([key[index] for key in keys])
    moments = entries.submitted_at.view(np.int64)[index]
    _, rank = np.unique(moments, return_inverse=True)
    # Within a group the latest first; a stable sort keeps ties in row order.
    order = np.argsort(group_ids([group, rank.max() - rank.reshape(-1)]), kind="stable")
    group = group[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = group[1:] != group[:-1]
    return np.sort(index[order[first]])
