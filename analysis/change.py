"""Paired change in självskattning: start vs avslut of the same enrolment and version.

Effect size: the matched-pairs rank-biserial correlation (Kerby 2014, "The simple
difference formula"). Rank the absolute non-zero differences (ties get their average
rank); r = (sum of ranks of improvements − sum of ranks of worsenings) / sum of all
ranks. It lies in [−1, 1]: 1 means everyone who changed improved, 0 means improvements
and worsenings balance. Zero differences are dropped, as in the Wilcoxon test it goes with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from .collect import Entry, EntryKey, Layout
from .indicators import values_matrix
from .rows import GENDERS
from .shares import DIGITS, share_cell
from .suppression import suppress_breakdown

CHANGE_KEY = "sjalvskattning"
# The Wilcoxon test is not worth reporting on fewer pairs: with 5 pairs the smallest
# possible two-sided p is 0.0625, so it could never show anything.
MIN_PAIRS_FOR_TEST = 6


def _round(number: float | None) -> float | None:
    return None if number is None else round(float(number), DIGITS)


def rank_biserial(differences: Sequence[float] | np.ndarray) -> float | None:
    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return None
    ranks = stats.rankdata(np.abs(d))
    plus = ranks[d > 0].sum()
    minus = ranks[d < 0].sum()
    return float((plus - minus) / (plus + minus))


def paired_change(starts: Sequence[int], ends: Sequence[int]) -> dict[str, Any]:
    """The change fields for one dimension from aligned start and end values."""
    start = np.asarray(starts, dtype=float)
    end = np.asarray(ends, dtype=float)
    d = end - start
    pairs = int(d.size)
    improved = int((d > 0).sum())
    worse = int((d < 0).sum())
    p_value = None
    if pairs >= MIN_PAIRS_FOR_TEST and (d != 0).any():
        p_value = float(stats.wilcoxon(d, alternative="two-sided").pvalue)
    interval = share_cell(pairs, improved)
    return {
        "pairs": pairs,
        "improved": improved,
        "same": pairs - improved - worse,
        "worse": worse,
        "share_improved": interval["share"],
        "ci95": interval["ci95"],
        "median_start": _round(np.median(start)) if pairs else None,
        "median_end": _round(np.median(end)) if pairs else None,
        "mean_start": _round(start.mean()) if pairs else None,
        "mean_end": _round(end.mean()) if pairs else None,
        "mean_difference": _round(d.mean()) if pairs else None,
        # Not rounded: small p-values must not turn into 0.
        "p_value": p_value,
        "rank_biserial": _round(rank_biserial(d)),
    }


def pairs_per_person(
    entries: dict[EntryKey, Entry], key: str = CHANGE_KEY
) -> dict[int, list[tuple[Entry, Entry]]]:
    """version -> (start, avslut) pairs; one pair per person, the latest avslut.

    A pair needs its avslut answer in the period; its start may be earlier.
    """
    best: dict[tuple[int, str], tuple[Entry, Entry]] = {}
    for (questionnaire, version, occasion, ekey), end in entries.items():
        if questionnaire != key or occasion != "avslut" or not end.in_period:
            continue
        start = entries.get((questionnaire, version, "start", ekey))
        if start is None:
            continue
        person = (version, end.row.participant)
        found = best.get(person)
        if found is None or found[1].submitted_at < end.submitted_at:
            best[person] = (start, end)
    out: dict[int, list[tuple[Entry, Entry]]] = {}
    for (version, _), pair in best.items():
        out.setdefault(version, []).append(pair)
    return out


def change_tables(
    entries: dict[EntryKey, Entry], layouts: dict[tuple[str, int], Layout], min_group: int
) -> dict[str, dict[str, dict[str, Any]]]:
    """ident ("sjalvskattning/v1") -> dimension -> change fields."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for version, pairs in sorted(pairs_per_person(entries).items()):
        layout = layouts[(CHANGE_KEY, version)]
        width = len(layout.items)
        start = values_matrix([s for s, _ in pairs], width)
        end = values_matrix([e for _, e in pairs], width)
        genders = np.asarray([e.row[1] for _, e in pairs])
        table: dict[str, dict[str, Any]] = {}
        for i, dimension in enumerate(layout.items):
            both = (start[:, i] >= 0) & (end[:, i] >= 0)
            fields = paired_change(start[both, i], end[both, i])
            cells = {}
            for gender in GENDERS:
                chosen = both & (genders == gender)
                if chosen.any():
                    d = end[chosen, i].astype(int) - start[chosen, i]
                    n, up = int(d.size), int((d > 0).sum())
                    cells[gender] = {
                        "pairs": n,
                        "improved": up,
                        "share_improved": share_cell(n, up)["share"],
                    }
            fields["by_gender"] = suppress_breakdown(cells, "pairs", min_group)
            table[dimension] = fields
        out[layout.ident] = table
    return out
