"""The core of the report's input: responses as columns in, `Entries` out.

Every source (the CSV reader's rows, the database) hands its
responses here as `ResponseColumns` and their answers as `AnswerColumns`; this module
alone applies the rules:

1. select the responses (insatser, site, period: `selection.select_responses`);
2. keep the latest response per (questionnaire version, occasion, enrolment)
   (`entries.latest_in_groups`); two responses at that latest moment are one response
   (in a CSV they are by definition; in the database a retried import could make two),
   the later answer to an item winning;
3. lay their answers out as one row of small ints per entry (`layouts.Layout`);
4. report easy-Swedish answers as their own language (`languages.easy_swedish_apart`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np

from .codes import Codes
from .entries import Entries, ResponseColumns, at_latest, group_ids, latest_in_groups
from .languages import easy_swedish_apart
from .layouts import ABSENT
from .selection import Selection, select_responses


@dataclass(slots=True)
class AnswerColumns:
    """One row per answer, grouped by response or not."""

    response: np.ndarray  # int64 row in ResponseColumns
    position: np.ndarray  # item position in the response's layout
    value: np.ndarray  # int16; DONT_KNOW for "vet inte"


def to_entries(
    responses: ResponseColumns, answers: AnswerColumns, selection: Selection
) -> Entries:
    """The latest selected response of each (version, occasion, enrolment), as `Entries`."""
    count = len(responses)
    kept, in_period = select_responses(selection, responses.insats, responses.site,
                                       responses.occasion, responses.submitted_at)  # fmt: skip
    # A response without answers is no response at all (a CSV cannot even hold one).
    kept &= np.bincount(answers.response, minlength=count) > 0
    rows = np.flatnonzero(kept)
    enrolment = _enrolments(responses)
    group = group_ids([responses.qv[rows], responses.occasion.codes[rows],
                       enrolment.codes[rows]])  # fmt: skip
    moments = responses.submitted_at[rows]
    dense, heads = latest_in_groups(group, moments)
    # Entries in the order each group first appeared (the rows are in source order).
    _, first_seen = np.unique(dense, return_index=True)
    order = np.argsort(first_seen, kind="stable")
    entry_of_group = np.empty(heads.size, dtype=np.int64)
    entry_of_group[order] = np.arange(heads.size)
    # Every response at its group's latest moment feeds the entry.
    merged = at_latest(dense, heads, moments)
    entry_of = np.full(count, -1, dtype=np.int64)
    entry_of[rows[merged]] = entry_of_group[dense[merged]]
    head = rows[heads[order]]
    width = max((len(layout.items) for layout in responses.layouts), default=0)
    return Entries(
        layouts=[responses.layouts[c] for c in _present(responses.qv, head)],
        qv=_renumber(responses.qv, head),
        # The names stay as the source gave them (some may no longer occur).
        occasion=_rows(responses.occasion, head),
        enrolment=_rows(enrolment, head),
        participant=_rows(responses.participant, head),
        gender=_rows(responses.gender, head),
        born_abroad=_rows(responses.born_abroad, head),
        insats=_rows(responses.insats, head),
        site=_rows(responses.site, head),
        language=Codes(*easy_swedish_apart(responses.language.codes[head],
                                           responses.language.names, responses.easy[head])),
        easy=responses.easy[head],
        submitted_at=responses.submitted_at[head],
        record_key=responses.record_key[head],
        in_period=in_period[head],
        values=_values(answers, entry_of, head.size, width),
    )


def _values(answers: AnswerColumns, entry_of: np.ndarray, entries: int, width: int) -> np.ndarray:
    """The answers laid out as one row per entry; the later answer to a slot wins."""
    entry = entry_of[answers.response]
    mine = entry >= 0
    slot = entry[mine] * width + answers.position[mine]
    value = answers.value[mine]
    matrix = np.full(entries * width, ABSENT, dtype=np.int16)
    if slot.size and np.bincount(slot, minlength=matrix.size).max() > 1:
        # Merged responses: in response order, then answer order, the last one counts.
        order = np.argsort(answers.response[mine], kind="stable")[::-1]
        slot, value = slot[order], value[order]
        slot, last = np.unique(slot, return_index=True)
        value = value[last]
    matrix[slot] = value
    return matrix.reshape(entries, width)


def _rows(column: Codes, index: np.ndarray) -> Codes:
    return Codes(column.codes[index], column.names)


def _present(codes: np.ndarray, index: np.ndarray) -> list[int]:
    """The codes of rows `index` in order of first appearance."""
    present, first = np.unique(codes[index], return_index=True)
    return present[np.argsort(first, kind="stable")].tolist()


def _renumber(codes: np.ndarray, index: np.ndarray) -> np.ndarray:
    order = _present(codes, index)
    new = np.zeros(max(order, default=0) + 1, dtype=np.int32)
    new[order] = np.arange(len(order), dtype=np.int32)
    return new[codes[index]]


def _enrolments(responses: ResponseColumns) -> Codes:
    """The enrolment of each response; without ids, (participant, insats, site)."""
    if responses.enrolment is not None:
        return responses.enrolment
    triple = group_ids([responses.participant.codes, responses.insats.codes,
                        responses.site.codes])  # fmt: skip
    unique, first, codes = np.unique(triple, return_index=True, return_inverse=True)
    del unique
    names = EnrolmentNames(responses.participant.codes[first], responses.insats.codes[first],
                           responses.site.codes[first], responses.participant.names,
                           responses.insats.names, responses.site.names)  # fmt: skip
    return Codes(codes.reshape(-1).astype(np.int32), names)


class EnrolmentNames(Sequence[tuple[str, str, str | None]]):
    """(participant, insats, site) per enrolment code, made when asked for: a report from
    a CSV alone only counts enrolments, and 100 000s of tuples take a while to make."""

    def __init__(self, participant: np.ndarray, insats: np.ndarray, site: np.ndarray,
                 participants: Sequence[str], insatser: Sequence[str],
                 sites: Sequence[str | None]) -> None:  # fmt: skip
        self._codes = (participant, insats, site)
        self._names = (participants, insatser, sites)

    def __len__(self) -> int:
        return len(self._codes[0])

    @overload
    def __getitem__(self, index: int) -> tuple[str, str, str | None]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str, str | None]]: ...
    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        (p, i, s), (participants, insatser, sites) = self._codes, self._names
        return (participants[p[index]], insatser[i[index]], sites[s[index]])
