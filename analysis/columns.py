"""Entries from answers given as columns (the database path), without a row object per answer.

The web app fetches two column sets: one row per submitted response (its enrolment,
questionnaire version, occasion, moment and the enrolment's participant, insats and
site), ordered by response id, and one row per answer (response id, item, value) in any
order. `entries_from_columns` folds them into the same `Entries` the row-by-row
`Collector` makes from the joined rows ordered by (response id, item): the latest
response per (questionnaire version, occasion, enrolment), entries and every code list
in the order the collector would first have met them.

It returns None for anything the collector treats specially (an unknown questionnaire
version or item, two responses of one enrolment at the same latest moment, which the
collector merges, a value that does not fit): the caller then runs the collector on
rows, which raises or merges exactly as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from questionnaires import Registry

from .collect import ABSENT, DONT_KNOW, Collector, Selection
from .entries import Codes, Entries

Coded = tuple[np.ndarray, list[Any]]


@dataclass(slots=True)
class ResponseColumns:
    """One row per submitted response, ordered by `id` (ascending)."""

    id: np.ndarray  # int64
    submitted_at: np.ndarray  # datetime64[us], naive UTC
    # Text columns as (codes, names): codes[i] indexes names; any order of names.
    language: Coded
    questionnaire: Coded
    version: np.ndarray  # int64
    occasion: Coded
    enrolment: np.ndarray  # int64, the database's enrolment id
    participant: Coded
    gender: Coded
    born_abroad: Coded
    insats: Coded
    site: Coded  # names may hold None (no site)


@dataclass(slots=True)
class AnswerColumns:
    """One row per answer, in any order."""

    response: np.ndarray  # int64 response id
    item: np.ndarray  # int32 codes into item_names
    item_names: list[str]
    value: np.ndarray  # int64; DONT_KNOW for "vet inte"


def factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Codes in order of first appearance (None is a value of its own)."""
    import pyarrow as pa

    encoded = pa.array(values).dictionary_encode(null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return codes, encoded.dictionary.to_pylist()


def _renumbered(codes: np.ndarray, names: list[Any]) -> Codes:
    """`codes` renumbered by first appearance, keeping only names that occur."""
    if codes.size == 0:
        return Codes(codes.astype(np.int32), [])
    present, first = np.unique(codes, return_index=True)
    order = np.argsort(first, kind="stable")
    new = np.empty(int(present.max()) + 1, dtype=np.int32)
    new[present[order]] = np.arange(order.size, dtype=np.int32)
    return Codes(new[codes], [names[c] for c in present[order].tolist()])


def entries_from_columns(
    responses: ResponseColumns,
    answers: AnswerColumns,
    registry: Registry,
    selection: Selection,
) -> Entries | None:
    count = responses.id.size
    rid = responses.id
    if count > 1 and not (rid[1:] > rid[:-1]).all():
        return None

    # Questionnaire versions: each one the registry knows, or the collector's error.
    q_codes, q_names = responses.questionnaire
    version = np.asarray(responses.version, dtype=np.int64)
    maker = Collector(registry, selection)
    pairs, pair_of = np.unique(
        np.stack([q_codes.astype(np.int64), version], axis=1), axis=0, return_inverse=True
    ) if count else (np.zeros((0, 2), np.int64), np.zeros(0, np.int64))
    pair_of = pair_of.reshape(-1)
    layouts = []
    for q, v in pairs.tolist():
        if registry.get(q_names[q], v) is None:
            return None
        layouts.append(maker.layout(q_names[q], v))

    # The selection, as the collector applies it to every row of a response.
    occasion, occasions = responses.occasion
    insats, insatser = responses.insats
    site, sites = responses.site
    moments = responses.submitted_at.astype("datetime64[us]")
    keep = np.ones(count, dtype=bool)
    if selection.insatser:
        keep &= np.asarray([i in selection.insatser for i in insatser], dtype=bool)[insats]
    if selection.site is not None:
        keep &= np.asarray([s == selection.site for s in sites], dtype=bool)[site]
    if selection.date_to is not None:
        end = np.datetime64(selection.date_to, "D") + np.timedelta64(1, "D")
        keep &= moments < end.astype("datetime64[us]")
    if selection.date_from is None:
        in_period = np.ones(count, dtype=bool)
    else:
        in_period = moments >= np.datetime64(selection.date_from, "D").astype("datetime64[us]")
    is_start = np.asarray([o == "start" for o in occasions], dtype=bool)[occasion]
    keep &= in_period | is_start

    # Answers onto their responses; a response without answers has no rows at all.
    at = np.searchsorted(rid, answers.response)
    if at.size and (
        (at >= count).any() or (rid[np.minimum(at, count - 1)] != answers.response).any()
    ):
        return None
    keep &= np.bincount(at, minlength=count) > 0
    kept = np.flatnonzero(keep)

    # Unknown items in any kept response: the collector raises; let it.
    width = max((len(layout.items) for layout in layouts), default=0)
    position = np.full((len(layouts), max(len(answers.item_names), 1)), -1, dtype=np.int32)
    for li, layout in enumerate(layouts):
        for ii, name in enumerate(answers.item_names):
            position[li, ii] = layout.index.get(name, -1)
    pos = position[pair_of[at], answers.item] if at.size else np.zeros(0, np.int32)
    if (pos[keep[at]] < 0).any():
        return None
    value = answers.value
    if value.size and ((value < DONT_KNOW) | (value > np.iinfo(np.int16).max)).any():
        return None

    # One entry per (version, occasion, enrolment): the latest kept response.
    _, enrolment = np.unique(responses.enrolment, return_inverse=True)
    enrolment = enrolment.reshape(-1)
    key = (pair_of.astype(np.int64) * max(len(occasions), 1) + occasion) * max(count, 1) + enrolment
    stamp = moments.view(np.int64)
    order = kept[np.lexsort((kept, -stamp[kept], key[kept]))]
    k = key[order]
    first = np.r_[True, k[1:] != k[:-1]] if order.size else np.zeros(0, bool)
    # Two responses at the group's latest moment: the collector merges them.
    second = np.flatnonzero(~first)
    tied = stamp[order[second]] == stamp[order[second - 1]]
    if second.size and (first[second - 1] & tied).any():
        return None
    head = order[first]  # the latest response of each group, by key
    # Entries in the order of each group's first kept response (the collector's dict order).
    earliest = np.minimum.reduceat(order, np.flatnonzero(first)) if order.size else order
    head = head[np.argsort(earliest, kind="stable")]
    entries = head.size

    entry_of = np.full(count, -1, dtype=np.int64)
    entry_of[head] = np.arange(entries)
    mine = entry_of[at] >= 0
    matrix = np.full((entries, width), ABSENT, dtype=np.int16)
    matrix[entry_of[at[mine]], pos[mine]] = value[mine]

    qv = _renumbered(pair_of[head].astype(np.int32), layouts)
    language, languages = responses.language
    participant, participants = responses.participant
    gender, genders = responses.gender
    abroad, abroads = responses.born_abroad
    enrolment_names = [str(e) for e in responses.enrolment[head].tolist()]
    return Entries(
        layouts=qv.names,
        qv=qv.codes,
        occasion=_renumbered(occasion[head], occasions),
        enrolment=_enrolment_codes(enrolment_names),
        participant=_renumbered(participant[head], participants),
        gender=_renumbered(gender[head], genders),
        born_abroad=_renumbered(abroad[head], abroads),
        insats=_renumbered(insats[head], insatser),
        site=_renumbered(site[head], sites),
        language=_renumbered(language[head], languages),
        submitted_at=moments[head],
        in_period=in_period[head],
        values=matrix,
    )


def _enrolment_codes(names: list[str]) -> Codes:
    codes, unique = factorize(names)
    return Codes(codes, unique)
