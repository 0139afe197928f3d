"""Whom the change table is about: per självskattning version, the people with a pair
(`in_pairs`) of everyone enrolled in the selection (`enrolled`), both counted in people.
On the CSV path, which does not know who was enrolled, `enrolled` and `share` are None."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..pairs import change_versions
from ..perturbation import Cell
from ..shares import share_cell
from . import FigureInputs


def _enrolled(inputs: FigureInputs, paired: np.ndarray) -> Cell:
    """The people enrolled in the selection, and anyone with a pair (entry rows `paired`)
    whom the enrolments given lack: someone with a pair was enrolled."""
    enrolments, entries = inputs.enrolments, inputs.entries
    assert enrolments is not None  # noqa: S101 - the caller checks
    rows = np.flatnonzero(enrolments.selected(inputs.selection))
    _, first = np.unique(enrolments.participant.codes[rows], return_index=True)
    listed = {enrolments.participant.names[c] for c in enrolments.participant.codes[rows]}
    outside = np.asarray([entries.participant.names[c] not in listed
                          for c in entries.participant.codes[paired]], dtype=bool)  # fmt: skip
    return Cell.of(enrolments.record_key[rows[first]]) + Cell.of(
        entries.record_key[paired][outside])


def cells(inputs: FigureInputs) -> dict[str, Any]:
    entries = inputs.entries
    out = {}
    for code in change_versions(entries):
        layout = entries.layouts[code]
        none = np.zeros(0, dtype=np.int64)
        _, ends = inputs.pairs.get(layout.version, (none, none))
        out[layout.ident] = {
            "in_pairs": Cell.of(entries.record_key[ends]),
            "enrolled": None if inputs.enrolments is None else _enrolled(inputs, ends),
        }
    return out


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    out = {}
    for ident, counts in published.items():
        enrolled = counts["enrolled"]
        # Perturbed apart, the people with a pair may come out above those enrolled.
        people = counts["in_pairs"] if enrolled is None else min(counts["in_pairs"], enrolled)
        out[ident] = {"in_pairs": people, "enrolled": enrolled,
                      "share": None if enrolled is None else share_cell(enrolled, people)["share"]}
    return {"change_coverage": out}
