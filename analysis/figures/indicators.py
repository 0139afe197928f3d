"""Indicator shares per questionnaire version, occasion and item, with breakdowns.

A person counts once: when someone answered the same version at the same occasion in
two enrolments, their latest response is the one counted (in the total and in the
breakdowns). `by_insats` counts each person once per insats instead. Every count is a
Cell of the people counted; shares come from the published counts.

The blocks are the versions in the entries (answered at any occasion), each with every
occasion of its definition and the items asked then; the groups are their definitions'
(`figures.groups`): none of it depends on who answered in the period.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from questionnaires.vocabulary import followup_months

from ..entries import Entries, latest_per_group
from ..layouts import DONT_KNOW, Layout
from ..perturbation import Cell
from ..shares import parts, share_cell
from . import NO_SITE, FigureInputs, cells_by, group_codes, groups, insatser

# Breakdown name -> the Entries column it groups by.
BREAKDOWNS: dict[str, str] = {
    "by_gender": "gender",
    "by_site": "site",
    "by_born_abroad": "born_abroad",
    "by_language": "language",
}
OCCASION_ORDER = {"start": 0, "pagaende": 1, "avslut": 2}


def blocks(entries: Entries, followups: tuple[int, ...] = ()) -> list[tuple[int, str]]:
    """(layout code, occasion) of every block, in questionnaire, version, occasion order;
    a follow-up questionnaire has one block per follow-up point (`followups`, months)."""
    found = [(layout.key, layout.version, OCCASION_ORDER.get(occasion, 3),
              followup_months(occasion) or 0, code, occasion)
             for code, layout in enumerate(entries.layouts)
             for occasion in layout.report_occasions(followups)]  # fmt: skip
    return [(code, occasion) for *_, code, occasion in sorted(found)]


def block_rows(entries: Entries, rows: np.ndarray, code: int, occasion: str) -> np.ndarray:
    """Of entry rows `rows`, those of one block."""
    mine = (entries.qv[rows] == code) & (entries.occasion.codes[rows]
                                         == entries.occasion.code_of(occasion))
    return rows[mine]


def per_person(entries: Entries) -> np.ndarray:
    """The rows counted in the totals: each person's latest in-period response per block."""
    current = np.flatnonzero(entries.in_period)
    return latest_per_group(entries, [entries.qv, entries.occasion.codes,
                                      entries.participant.codes], current)  # fmt: skip


def per_insats(entries: Entries) -> np.ndarray:
    """The rows counted per insats: each person's latest per block and insats."""
    current = np.flatnonzero(entries.in_period)
    return latest_per_group(entries, [entries.qv, entries.occasion.codes,
                                      entries.participant.codes, entries.insats.codes],
                            current)  # fmt: skip


def answer_masks(entries: Entries, rows: np.ndarray, layout: Layout,
                 item: str) -> dict[str, np.ndarray]:  # fmt: skip
    """Per row of `rows`: whether it answered `item` on the scale, positively, or vet inte."""
    column = entries.values[rows, layout.index[item]]
    positive = np.asarray(sorted(layout.positive), dtype=np.int16)
    return {"n": column >= 0, "positive": np.isin(column, positive),
            "dont_know": column == DONT_KNOW}  # fmt: skip


def share_cells(entries: Entries, rows: np.ndarray, layout: Layout, item: str) -> dict[str, Cell]:
    """{n, positive, dont_know} of one item among `rows`: what a target is checked on."""
    keys = entries.record_key[rows]
    return {name: Cell.of(keys[mask])
            for name, mask in answer_masks(entries, rows, layout, item).items()}


def _grouped(masks: dict[str, np.ndarray], group: np.ndarray, keys: np.ndarray,
             names: list[str], wanted: tuple[str, ...]) -> dict[str, dict[str, Cell]]:  # fmt: skip
    """group name -> {count name: Cell} for the counts `wanted`."""
    out: dict[str, dict[str, Cell]] = {name: {} for name in names}
    for count in wanted:
        for name, cell in zip(names, cells_by(np.where(masks[count], group, -1), keys,
                                              len(names)), strict=True):  # fmt: skip
            out[name][count] = cell
    return out


def _item(entries: Entries, rows: np.ndarray, layout: Layout, item: str,
          breakdowns: dict[str, tuple[np.ndarray, list[str]]]) -> dict[str, Any]:  # fmt: skip
    masks = answer_masks(entries, rows, layout, item)
    keys = entries.record_key[rows]
    column = entries.values[rows, layout.index[item]]
    out: dict[str, Any] = {name: Cell.of(keys[mask]) for name, mask in masks.items()}
    out["distribution"] = {str(v): Cell.of(keys[column == v]) for v in layout.values}
    for name, (group, names) in breakdowns.items():
        out[name] = _grouped(masks, group, keys, names, ("n", "positive"))
    return out


def _breakdowns(inputs: FigureInputs, rows: np.ndarray) -> dict[str, tuple[np.ndarray,
                                                                           list[str]]]:
    """Breakdown -> (group number of each row of `rows`, the group names)."""
    entries = inputs.entries
    out = {}
    for name, wanted in groups(inputs).items():
        column = getattr(entries, BREAKDOWNS[name])
        rename = {None: NO_SITE} if name == "by_site" else None
        out[name] = (group_codes(list(column.names), wanted, rename)[column.codes[rows]], wanted)
    return out


def cells(inputs: FigureInputs) -> dict[str, Any]:
    """ident -> occasion -> item -> exact counts (Cells) and their breakdowns."""
    entries = inputs.entries
    everyone, by_insats = per_person(entries), per_insats(entries)
    several = insatser(inputs) if len(insatser(inputs)) > 1 else []
    insats_group = group_codes(list(entries.insats.names), several)
    tree: dict[str, Any] = {}
    for code, occasion in blocks(entries, inputs.options.followup_months):
        layout = entries.layouts[code]
        rows = block_rows(entries, everyone, code, occasion)
        breakdowns = _breakdowns(inputs, rows)
        insats_rows = block_rows(entries, by_insats, code, occasion)
        items = {}
        for item in layout.scale_items_at(occasion):
            items[item] = _item(entries, rows, layout, item, breakdowns)
            if several:
                masks = answer_masks(entries, insats_rows, layout, item)
                items[item]["by_insats"] = _grouped(
                    masks, insats_group[entries.insats.codes[insats_rows]],
                    entries.record_key[insats_rows], several, ("n", "positive", "dont_know"))
        tree.setdefault(layout.ident, {})[occasion] = items
    return tree


def item_cell(published: dict[str, Any]) -> dict[str, Any]:
    """A published item (or group): its share and interval from its published n and
    positive, with its other published counts beside them."""
    cell = share_cell(published["n"], published["positive"])
    for name, value in published.items():
        if name in ("n", "positive"):
            continue
        if name.startswith("by_"):
            value = {group: item_cell(counts) for group, counts in value.items()}
        else:
            value = parts(published["n"], value)
        cell[name] = value
    return cell


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    return {
        "indicators": {ident: {occasion: {item: item_cell(counts)
                                          for item, counts in items.items()}
                               for occasion, items in occasions.items()}
                       for ident, occasions in published.items()},
        # Versions whose shares at start and at avslut are of partly different people:
        # renderers say so (change.different_groups_note) beside them.
        "occasions_differ": [layout.ident for layout in inputs.entries.layouts
                             if {"start", "avslut"} <= set(layout.occasions)],
    }  # fmt: skip
