"""Försörjning (JSON key `income`) at start and at exit: the start × exit table of the
enrolments that ended in the period with both recorded, and how many support themselves
at exit. The groups and "self-supporting" are defined once, in `analysis/income.py`.

Counted per enrolment, each a Cell of its person's record key; every group is listed, 0
too. The self-supporting shares are of the published `recorded`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..i18n import N_
from ..income import INCOME_GROUPS, SELF_SUPPORTING, income_group
from ..perturbation import Cell
from ..shares import parts
from .counts import portion

if TYPE_CHECKING:
    from . import FigureInputs

CSV_NOTE = N_(
    "Försörjning finns inte i en CSV-fil med svar; den kommer från inskrivningarna i "
    "webbtjänsten."
)


def _groups(names: list[Any]) -> np.ndarray:
    """Group index per distinct recorded list (-1: not recorded)."""
    keys = list(INCOME_GROUPS)
    return np.asarray([-1 if (g := income_group(name)) is None else keys.index(g)
                       for name in names], dtype=np.int64)  # fmt: skip


def cells(inputs: FigureInputs) -> dict[str, Any]:
    enrolments = inputs.enrolments
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE}
    rows = np.flatnonzero(enrolments.ended(inputs.selection))
    start = _groups(list(enrolments.income_start.names))[enrolments.income_start.codes[rows]] \
        if rows.size else np.zeros(0, dtype=np.int64)
    end = _groups(list(enrolments.income_exit.names))[enrolments.income_exit.codes[rows]] \
        if rows.size else np.zeros(0, dtype=np.int64)
    keys = enrolments.record_key[rows]
    both = (start >= 0) & (end >= 0)
    groups = list(INCOME_GROUPS)
    return {
        "available": True,
        "note": None,
        "ended": Cell.of(keys),
        "recorded": Cell.of(keys[both]),
        "start": {g: Cell.of(keys[both & (start == i)]) for i, g in enumerate(groups)},
        "exit": {g: Cell.of(keys[both & (end == i)]) for i, g in enumerate(groups)},
        "cells": {s: {e: Cell.of(keys[both & (start == i) & (end == j)])
                      for j, e in enumerate(groups)}
                  for i, s in enumerate(groups)},
    }  # fmt: skip


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    """{"income": the figure}, from its published cells."""
    if not published["available"]:
        return {"income": published}
    recorded = published["recorded"]
    return {"income": {**published,
                       **{name: parts(recorded, published[name])
                          for name in ("start", "exit", "cells")},
                       "self_supporting": {
        side: portion(recorded, published[side][SELF_SUPPORTING]) for side in ("start", "exit")}}}
