"""Indicator shares per questionnaire version, occasion and item, with breakdowns.

A person counts once: when someone answered the same version at the same occasion in
two enrolments, their latest response is the one counted (in the total and in the
breakdowns, which therefore add up to the total). `by_insats` counts each person once
per insats instead, so its cells may add up to more than the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

from .collect import ABSENT, DONT_KNOW, Entry, EntryKey, Layout
from .rows import BORN_ABROAD, GENDERS
from .shares import share_cell
from .suppression import suppress_breakdown

NO_SITE = "(ingen ort)"

# Breakdown name -> how to read the group from a response's first row.
BREAKDOWNS: dict[str, int] = {
    "by_gender": 1,
    "by_site": 5,
    "by_born_abroad": 3,
    "by_language": 10,
}
_ORDER = {"by_gender": GENDERS, "by_born_abroad": BORN_ABROAD}

Tables = dict[str, dict[str, dict[str, dict[str, Any]]]]


Block = tuple[str, int, str]  # questionnaire, version, occasion


def latest_per_person(
    entries: dict[EntryKey, Entry],
) -> tuple[dict[Block, list[Entry]], dict[Block, list[Entry]]]:
    """In-period entries per block: (one per person, one per person and insats).

    One pass: most people have a single enrolment, so the per-insats list is the same
    as the per-person one plus the few extra entries of people seen more than once.
    """
    blocks: dict[Block, dict[str, Entry]] = {}
    repeated: dict[Block, dict[str, list[Entry]]] = {}
    for (questionnaire, version, occasion, _), entry in entries.items():
        if not entry.in_period:
            continue
        block = (questionnaire, version, occasion)
        people = blocks.get(block)
        if people is None:
            people = blocks[block] = {}
        participant = entry.row[0]
        found = people.setdefault(participant, entry)
        if found is not entry:
            repeated.setdefault(block, {}).setdefault(participant, [found]).append(entry)
            if found.submitted_at < entry.submitted_at:
                people[participant] = entry
    per_person = {block: list(people.values()) for block, people in blocks.items()}
    per_insats = {}
    for block, people in blocks.items():
        extra = repeated.get(block, {})
        chosen = [entry for participant, entry in people.items() if participant not in extra]
        for several in extra.values():
            latest: dict[str, Entry] = {}
            for entry in several:
                found = latest.setdefault(entry.row[4], entry)
                if found.submitted_at < entry.submitted_at:
                    latest[entry.row[4]] = entry
            chosen += latest.values()
        per_insats[block] = chosen
    return per_person, per_insats


def _codes(groups: Sequence[str]) -> tuple[np.ndarray, list[str]]:
    names = list(dict.fromkeys(groups))
    lookup = {name: i for i, name in enumerate(names)}
    codes = np.fromiter(map(lookup.__getitem__, groups), dtype=np.int64, count=len(groups))
    return codes, names


def values_matrix(entries: list[Entry], width: int) -> np.ndarray:
    # fromiter over a flat chain is several times faster than asarray on nested lists.
    flat = chain.from_iterable(entry.values for entry in entries)
    return np.fromiter(flat, dtype=np.int16, count=len(entries) * width).reshape(-1, width)


def _sorted_groups(name: str, groups: list[str]) -> list[str]:
    order = _ORDER.get(name)
    if order is None:
        return sorted(groups)
    return sorted(groups, key=lambda g: order.index(g) if g in order else len(order))


def _block_stats(entries: list[Entry], layout: Layout, min_group: int) -> dict[str, Any]:
    matrix = values_matrix(entries, len(layout.items))
    positive_values = np.asarray(sorted(layout.positive), dtype=np.int16)
    answered = matrix >= 0
    positive = np.isin(matrix, positive_values)
    heads = [entry.row for entry in entries]
    dimensions = {}
    for name, field in BREAKDOWNS.items():
        groups = list(map(itemgetter(field), heads))
        if name == "by_site":
            groups = [site or NO_SITE for site in groups]
        dimensions[name] = _codes(groups)
    out: dict[str, Any] = {}
    for i, item in enumerate(layout.items):
        column = matrix[:, i]
        if not (column != ABSENT).any():
            continue
        n = int(answered[:, i].sum())
        cell = share_cell(n, int(positive[:, i].sum()))
        cell["dont_know"] = int((column == DONT_KNOW).sum())
        counts = np.bincount(column[answered[:, i]], minlength=max(layout.values) + 1)
        cell["distribution"] = {str(v): int(counts[v]) for v in layout.values}
        for name, (codes, groups) in dimensions.items():
            n_by = np.bincount(codes, weights=answered[:, i], minlength=len(groups))
            pos_by = np.bincount(codes, weights=positive[:, i], minlength=len(groups))
            index = {group: g for g, group in enumerate(groups)}
            cells = {
                group: share_cell(int(n_by[index[group]]), int(pos_by[index[group]]))
                for group in _sorted_groups(name, groups)
                if n_by[index[group]] > 0
            }
            cell[name] = suppress_breakdown(cells, "n", min_group)
        out[item] = cell
    return out


def _insats_stats(entries: list[Entry], layout: Layout) -> dict[str, dict[str, dict[str, Any]]]:
    """item -> insats -> share cell, each person counted once per insats."""
    matrix = values_matrix(entries, len(layout.items))
    positive = np.isin(matrix, np.asarray(sorted(layout.positive), dtype=np.int16))
    codes, names = _codes([entry.row[4] for entry in entries])
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for i, item in enumerate(layout.items):
        n_by = np.bincount(codes, weights=matrix[:, i] >= 0, minlength=len(names))
        pos_by = np.bincount(codes, weights=positive[:, i], minlength=len(names))
        for g in sorted(range(len(names)), key=names.__getitem__):
            if n_by[g]:
                out.setdefault(item, {})[names[g]] = share_cell(int(n_by[g]), int(pos_by[g]))
    return out


def indicator_tables(
    entries: dict[EntryKey, Entry], layouts: dict[tuple[str, int], Layout], min_group: int
) -> Tables:
    """ident ("finsam-indikatorer/v1") -> occasion -> item -> statistics."""
    blocks, per_insats_blocks = latest_per_person(entries)
    insatser = {entry.row[4] for block in per_insats_blocks.values() for entry in block}
    per_insats = per_insats_blocks if len(insatser) > 1 else {}
    tables: Tables = {}
    occasion_order = {"start": 0, "pagaende": 1, "avslut": 2}
    for questionnaire, version, occasion in sorted(
        blocks, key=lambda k: (k[0], k[1], occasion_order.get(k[2], 9))
    ):
        layout = layouts[(questionnaire, version)]
        stats = _block_stats(blocks[(questionnaire, version, occasion)], layout, min_group)
        if per_insats:
            insats_block = per_insats[(questionnaire, version, occasion)]
            for item, cells in _insats_stats(insats_block, layout).items():
                if item in stats:
                    stats[item]["by_insats"] = suppress_breakdown(cells, "n", min_group)
        tables.setdefault(layout.ident, {})[occasion] = stats
    return tables
