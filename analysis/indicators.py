"""Indicator shares per questionnaire version, occasion and item, with breakdowns.

A person counts once: when someone answered the same version at the same occasion in
two enrolments, their latest response is the one counted (in the total and in the
breakdowns, which therefore add up to the total). `by_insats` counts each person once
per insats instead, so its cells may add up to more than the total.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .codes import Codes
from .entries import Entries, latest_per_group
from .layouts import ABSENT, DONT_KNOW, Layout
from .rows import BORN_ABROAD, GENDERS
from .shares import share_cell

NO_SITE = "(ingen ort)"

# Breakdown name -> the Entries column it groups by.
BREAKDOWNS: dict[str, str] = {
    "by_gender": "gender",
    "by_site": "site",
    "by_born_abroad": "born_abroad",
    "by_language": "language",
}
_ORDER = {"by_gender": GENDERS, "by_born_abroad": BORN_ABROAD}

Tables = dict[str, dict[str, dict[str, dict[str, Any]]]]


def _groups(column: Codes, index: np.ndarray, name: str) -> tuple[np.ndarray, list[str]]:
    """Codes of `index` rows renumbered by their shown group name (None site -> NO_SITE)."""
    names = column.names
    if name == "by_site":
        names = [site or NO_SITE for site in names]
    shown = list(dict.fromkeys(names))
    lookup = {group: i for i, group in enumerate(shown)}
    recode = np.asarray([lookup[group] for group in names], dtype=np.int64)
    return recode[column.codes[index]], shown


def _sorted_groups(name: str, groups: list[str]) -> list[str]:
    order = _ORDER.get(name)
    if order is None:
        return sorted(groups)
    return sorted(groups, key=lambda g: order.index(g) if g in order else len(order))


def _block_stats(entries: Entries, index: np.ndarray, layout: Layout) -> dict[str, Any]:
    matrix = entries.values[index, : len(layout.items)]
    positive_values = np.asarray(sorted(layout.positive), dtype=np.int16)
    answered = matrix >= 0
    positive = np.isin(matrix, positive_values)
    dimensions = {
        name: _groups(getattr(entries, field), index, name) for name, field in BREAKDOWNS.items()
    }
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
            where = {group: g for g, group in enumerate(groups)}
            cells = {
                group: share_cell(int(n_by[where[group]]), int(pos_by[where[group]]))
                for group in _sorted_groups(name, groups)
                if n_by[where[group]] > 0
            }
            cell[name] = cells
        out[item] = cell
    return out


def _insats_stats(
    entries: Entries, index: np.ndarray, layout: Layout
) -> dict[str, dict[str, dict[str, Any]]]:
    """item -> insats -> share cell, each person counted once per insats."""
    matrix = entries.values[index, : len(layout.items)]
    positive = np.isin(matrix, np.asarray(sorted(layout.positive), dtype=np.int16))
    codes, names = _groups(entries.insats, index, "by_insats")
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for i, item in enumerate(layout.items):
        n_by = np.bincount(codes, weights=matrix[:, i] >= 0, minlength=len(names))
        pos_by = np.bincount(codes, weights=positive[:, i], minlength=len(names))
        # Vet inte per insats: a target of an insats says how many of its own said it.
        dont_know_by = np.bincount(codes, weights=matrix[:, i] == DONT_KNOW, minlength=len(names))
        for g in sorted(range(len(names)), key=names.__getitem__):
            if n_by[g]:
                cell = share_cell(int(n_by[g]), int(pos_by[g]))
                cell["dont_know"] = int(dont_know_by[g])
                out.setdefault(item, {})[names[g]] = cell
    return out


def indicator_tables(entries: Entries) -> Tables:
    """ident ("finsam-indikatorer/v1") -> occasion -> item -> statistics.

    A person counts once per block (version and occasion): their latest in-period
    response; per insats, once per person and insats. Every figure is here; the report
    hides what the disclosure rule forbids (suppression.disclose).
    """
    current = np.flatnonzero(entries.in_period)
    qv, occasion = entries.qv, entries.occasion.codes
    person, insats = entries.participant.codes, entries.insats.codes
    per_person = latest_per_group(entries, [qv, occasion, person], current)
    per_insats = latest_per_group(entries, [qv, occasion, person, insats], current)
    several_insatser = np.unique(insats[current]).size > 1
    tables: Tables = {}
    occasion_order = {"start": 0, "pagaende": 1, "avslut": 2}
    size = max(len(entries.occasion.names), 1)
    blocks = np.unique(qv[per_person].astype(np.int64) * size + occasion[per_person])
    chosen = []
    for block in blocks.tolist():
        layout = entries.layouts[block // size]
        name = entries.occasion.names[block % size]
        chosen.append((layout.key, layout.version, occasion_order.get(name, 9), block, name))
    for _, _, _, block, name in sorted(chosen):
        layout = entries.layouts[block // size]
        in_block = (qv == block // size) & (occasion == block % size)
        stats = _block_stats(entries, per_person[in_block[per_person]], layout)
        if several_insatser:
            rows = per_insats[in_block[per_insats]]
            for item, cells in _insats_stats(entries, rows, layout).items():
                if item in stats:
                    stats[item]["by_insats"] = cells
        tables.setdefault(layout.ident, {})[name] = stats
    return tables
