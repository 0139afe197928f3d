"""Försörjning (how a participant supports themselves) at start and at exit.

Staff record one or more `IncomeSource` values at enrolment and at exit. The board asks
two things: how the support changed (a start × exit table) and how many support
themselves at exit. A person can have several sources, so each list is first put in one
group (`income_group`), in the order public support is counted in FINSAM follow-up:
any försörjningsstöd first, then Försäkringskassan's benefits, then Arbetsförmedlingen;
only then own support. This is the one place these groups and "self-supporting" are
defined (docs/data-format.md describes them).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

from questionnaires.vocabulary import IncomeSource, values

from .i18n import N_
from .shares import share_cell

if TYPE_CHECKING:  # enrolments.py imports this module
    from .enrolments import EnrolmentColumns
    from .selection import Selection

INCOME_SOURCES = values(IncomeSource)

SELF_SUPPORTING = "egen_forsorjning"
# Self-supporting: wages and/or student finance (studiemedel) and nothing else; no
# försörjningsstöd, no benefit from Försäkringskassan or Arbetsförmedlingen, nothing
# "annat". Studiemedel counts as own support, as studies count as a good exit.
OWN_SUPPORT = frozenset({IncomeSource.lon.value, IncomeSource.studiemedel.value})
FORSAKRINGSKASSAN = frozenset({IncomeSource.sjukpenning.value,
                               IncomeSource.aktivitetsersattning.value,
                               IncomeSource.sjukersattning.value})  # fmt: skip

# Group key -> name (Swedish source; translated where shown).
INCOME_GROUPS: dict[str, str] = {
    SELF_SUPPORTING: N_("Egen försörjning (lön eller studiemedel)"),
    "forsorjningsstod": N_("Försörjningsstöd"),
    "forsakringskassan": N_("Ersättning från Försäkringskassan"),
    "arbetsformedlingen": N_("Ersättning via Arbetsförmedlingen"),
    "annat": N_("Annan försörjning"),
    "ingen": N_("Ingen inkomst"),
}

CSV_NOTE = N_(
    "Försörjning finns inte i en CSV-fil med svar; den kommer från inskrivningarna i "
    "webbtjänsten."
)


def income_sources(stored: Iterable[str] | None) -> tuple[str, ...] | None:
    """The recorded sources as a sorted tuple, None when nothing was recorded."""
    if not stored:
        return None
    found = tuple(sorted(set(stored)))
    unknown = [source for source in found if source not in INCOME_SOURCES]
    if unknown:
        raise ValueError(f"unknown income source {unknown[0]!r}; use one of "
                         f"{', '.join(INCOME_SOURCES)}")  # fmt: skip
    return found


def income_group(sources: tuple[str, ...] | None) -> str | None:
    """The group of one recorded list of sources (None: not recorded)."""
    if not sources:
        return None
    given = set(sources) - {IncomeSource.ingen.value}
    if IncomeSource.forsorjningsstod.value in given:
        return "forsorjningsstod"
    if given & FORSAKRINGSKASSAN:
        return "forsakringskassan"
    if IncomeSource.arbetsformedlingen.value in given:
        return "arbetsformedlingen"
    if given and given <= OWN_SUPPORT:
        return SELF_SUPPORTING
    return "annat" if given else "ingen"


def _groups(names: list[Any]) -> np.ndarray:
    """Group index per distinct recorded list (-1: not recorded)."""
    keys = list(INCOME_GROUPS)
    return np.asarray([-1 if (g := income_group(name)) is None else keys.index(g)
                       for name in names], dtype=np.int64)  # fmt: skip


def income_table(enrolments: EnrolmentColumns | None, selection: Selection) -> dict[str, Any]:
    """Start × exit groups of the enrolments that ended in the period with both recorded."""
    if enrolments is None:
        return {"available": False, "note": CSV_NOTE}
    rows = np.flatnonzero(enrolments.ended(selection))
    start = _groups(list(enrolments.income_start.names))[enrolments.income_start.codes[rows]] \
        if rows.size else np.zeros(0, dtype=np.int64)
    end = _groups(list(enrolments.income_exit.names))[enrolments.income_exit.codes[rows]] \
        if rows.size else np.zeros(0, dtype=np.int64)
    both = (start >= 0) & (end >= 0)
    keys = list(INCOME_GROUPS)
    width = len(keys)
    table = np.bincount(start[both] * width + end[both], minlength=width * width)
    table = table.reshape(width, width)
    recorded = int(both.sum())
    at_start = dict(zip(keys, table.sum(axis=1).tolist(), strict=True))
    at_exit = dict(zip(keys, table.sum(axis=0).tolist(), strict=True))
    return {
        "available": True,
        "note": None,
        "ended": int(rows.size),
        "recorded": recorded,
        "start": at_start,
        "exit": at_exit,
        "cells": {s: dict(zip(keys, table[i].tolist(), strict=True))
                  for i, s in enumerate(keys)},
        "self_supporting": {
            "start": _share(recorded, at_start[SELF_SUPPORTING]),
            "exit": _share(recorded, at_exit[SELF_SUPPORTING]),
        },
    }  # fmt: skip


def _share(n: int, count: int) -> dict[str, Any]:
    return {"count": count, "share": share_cell(n, count)["share"]}
