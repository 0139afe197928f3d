"""Paired change in självskattning: start vs avslut of the same enrolment and version.

Counted per pair (one per person, `pairs.pairs_per_person`): improved, improved at least
two steps, the same, worse, and the distributions at start and at avslut, each a Cell.
From the published counts only: the shares, the medians and means (of the published
distributions) and the p-value of the two-sided sign test on the published improved and
worse (pairs that did not change are dropped, as the test does). The Wilcoxon test and
its rank-biserial effect size need each person's difference, so they are not published.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..i18n import Translate, untranslated
from ..numbers import SWEDISH, Numbers
from ..pairs import change_versions
from ..perturbation import Cell
from ..rows import GENDERS
from ..shares import DIGITS, MIN_BASE, parts, share_cell
from . import FigureInputs, cells_by, group_codes

# The sign test drops the pairs that did not change: with 5 changes the smallest possible
# two-sided p is 0.0625, so it could never show anything. With fewer, `p_value` is None
# and `p_withheld` says why.
MIN_CHANGES_FOR_TEST = 6
# "Förbättrat minst 2 steg": on a 1-6 scale one step up is often noise.
BIG_STEP = 2


def _dimension(start: np.ndarray, end: np.ndarray, keys: np.ndarray, values: tuple[int, ...],
               gender: np.ndarray) -> dict[str, Any]:  # fmt: skip
    """The Cells of one dimension's pairs (aligned start and end values, the people's
    keys and gender group numbers)."""
    d = end.astype(np.int64) - start
    out: dict[str, Any] = {
        "pairs": Cell.of(keys),
        "improved": Cell.of(keys[d > 0]),
        "improved_2": Cell.of(keys[d >= BIG_STEP]),
        "same": Cell.of(keys[d == 0]),
        "worse": Cell.of(keys[d < 0]),
        "distribution_start": {str(v): Cell.of(keys[start == v]) for v in values},
        "distribution_end": {str(v): Cell.of(keys[end == v]) for v in values},
    }
    pairs = cells_by(gender, keys, len(GENDERS))
    improved = cells_by(np.where(d > 0, gender, -1), keys, len(GENDERS))
    out["by_gender"] = {name: {"pairs": pairs[g], "improved": improved[g]}
                        for g, name in enumerate(GENDERS)}  # fmt: skip
    return out


def cells(inputs: FigureInputs) -> dict[str, Any]:
    """ident -> dimension -> Cells, for every självskattning version in the entries."""
    entries = inputs.entries
    gender_of = group_codes(list(entries.gender.names), list(GENDERS))
    tree: dict[str, Any] = {}
    for code in change_versions(entries):
        layout = entries.layouts[code]
        none = np.zeros(0, dtype=np.int64)
        start_rows, end_rows = inputs.pairs.get(layout.version, (none, none))
        start = entries.values[start_rows, : len(layout.items)]
        end = entries.values[end_rows, : len(layout.items)]
        keys = entries.record_key[end_rows]
        gender = gender_of[entries.gender.codes[end_rows]]
        table = {}
        for i, dimension in enumerate(layout.items):
            if dimension in layout.choices:  # no order, so no better or worse
                continue
            both = (start[:, i] >= 0) & (end[:, i] >= 0)
            table[dimension] = _dimension(start[both, i], end[both, i], keys[both],
                                          layout.values, gender[both])  # fmt: skip
        tree[layout.ident] = table
    return tree


def _round(number: float | None) -> float | None:
    return None if number is None else round(float(number), DIGITS)


def distribution_stats(distribution: dict[str, int]) -> dict[str, float | None]:
    """Median and mean of a published distribution ({step: count}); None under MIN_BASE."""
    steps = sorted((int(step), count) for step, count in distribution.items())
    total = sum(count for _, count in steps)
    if total < MIN_BASE:
        return {"median": None, "mean": None}
    values = np.repeat([step for step, _ in steps], [count for _, count in steps])
    return {"median": _round(np.median(values)), "mean": _round(values.mean())}


def sign_test(improved: int, worse: int) -> float | None:
    """Two-sided p of the sign test on published counts; None with too few changes."""
    if improved + worse < MIN_CHANGES_FOR_TEST:
        return None
    from scipy.stats import binomtest

    return float(binomtest(improved, improved + worse, 0.5).pvalue)


def dimension_figures(c: dict[str, Any]) -> dict[str, Any]:
    """One published dimension's figures; under MIN_BASE published pairs, only the pairs
    (`shares.parts`: the changes of 1-4 people are theirs)."""
    pairs = c["pairs"]
    if parts(pairs, c) is None:
        return {"pairs": pairs, "few": True, "share_improved": None, "ci95": None,
                **dict.fromkeys(("improved", "improved_2", "same", "worse",
                                 "share_improved_2", "distribution_start", "distribution_end",
                                 "median_start", "median_end", "mean_start", "mean_end",
                                 "mean_difference", "p_value", "changed")),
                "p_withheld": "few_changes",
                "by_gender": {gender: _gender(g) for gender, g in c["by_gender"].items()}}
    interval = share_cell(pairs, c["improved"])
    start, end = distribution_stats(c["distribution_start"]), distribution_stats(
        c["distribution_end"])
    p_value = sign_test(c["improved"], c["worse"])
    both = start["mean"] is not None and end["mean"] is not None
    return {
        "pairs": pairs,
        "improved": interval["positive"],
        "improved_2": min(c["improved_2"], pairs),
        "same": min(c["same"], pairs),
        "worse": min(c["worse"], pairs),
        "share_improved": interval["share"],
        "share_improved_2": share_cell(pairs, c["improved_2"])["share"],
        "ci95": interval["ci95"],
        "few": interval.get("few", False),
        "distribution_start": c["distribution_start"],
        "distribution_end": c["distribution_end"],
        "median_start": start["median"],
        "median_end": end["median"],
        "mean_start": start["mean"],
        "mean_end": end["mean"],
        "mean_difference": _round(end["mean"] - start["mean"]) if both else None,
        # Not rounded: small p-values must not turn into 0.
        "p_value": p_value,
        # Why there is no p-value: "few_changes" (fewer than MIN_CHANGES_FOR_TEST
        # published changes), or None when there is one.
        "p_withheld": None if p_value is not None else "few_changes",
        "changed": c["improved"] + c["worse"],
        "by_gender": {gender: _gender(g) for gender, g in c["by_gender"].items()},
    }  # fmt: skip


def _gender(published: dict[str, int]) -> dict[str, Any]:
    cell = share_cell(published["pairs"], published["improved"])
    return {"pairs": cell["n"], "improved": cell["positive"], "share_improved": cell["share"]}


def finish(published: dict[str, Any], inputs: FigureInputs) -> dict[str, Any]:
    return {"change": {ident: {dimension: dimension_figures(c)
                               for dimension, c in dimensions.items()}
                       for ident, dimensions in published.items()}}  # fmt: skip


def change_sentence(coverage: dict[str, Any] | None, _: Translate = untranslated,
                    numbers: Numbers = SWEDISH) -> str:
    """The one sentence under the change table: who it is about, and what it cannot say."""
    people = None if coverage is None else coverage["in_pairs"]
    if people is None:
        return _("Bara de som svarade både vid start och vid avslut ingår, och utan "
                 "jämförelsegrupp visar tabellen inte om förändringen beror på insatsen.")
    words = {"people": people, "enrolled": coverage["enrolled"],
             "share": (numbers.percent(coverage["share"])
                       if isinstance(coverage["share"], float) else None)}  # fmt: skip
    if isinstance(coverage["enrolled"], int) and isinstance(coverage["share"], float):
        return _("Bara de %(people)s som svarade både vid start och vid avslut "
                 "(%(share)s av %(enrolled)s inskrivna) ingår, och utan jämförelsegrupp visar "
                 "tabellen inte om förändringen beror på insatsen.") % words
    return _("Bara de %(people)s som svarade både vid start och vid avslut ingår (hur många "
             "som var inskrivna syns inte i en CSV-fil med svar), och utan jämförelsegrupp "
             "visar tabellen inte om förändringen beror på insatsen.") % words


def different_groups_note(_: Translate = untranslated) -> str:
    """Under the shares at start and at avslut: they are not a change."""
    return _("Andelarna vid start och vid avslut gäller delvis olika personer (alla som "
             "svarade vid varje tillfälle) och visar ingen förändring; förändringen hos samma "
             "personer står i tabellen över förändring.")
