"""Paired change in självskattning: start vs avslut of the same enrolment and version.

Effect size: the matched-pairs rank-biserial correlation (Kerby 2014, "The simple
difference formula"). Rank the absolute non-zero differences (ties get their average
rank); r = (sum of ranks of improvements − sum of ranks of worsenings) / sum of all
ranks. It lies in [−1, 1]: 1 means everyone who changed improved, 0 means improvements
and worsenings balance. Zero differences are dropped, as in the Wilcoxon test it goes with.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from importlib import import_module
from typing import Any

import numpy as np

from .enrolments import EnrolmentColumns
from .entries import Entries, latest_per_group
from .i18n import Translate, untranslated
from .numbers import SWEDISH, Numbers
from .rows import GENDERS
from .selection import Selection
from .shares import DIGITS, share_cell
from .suppression import is_suppressed

CHANGE_KEY = "sjalvskattning"
# The Wilcoxon test drops the pairs that did not change, so what counts is the number of
# non-zero differences: with 5 the smallest possible two-sided p is 0.0625, so it could
# never show anything. With fewer, `p_value` is None and `p_withheld` says why.
MIN_CHANGES_FOR_TEST = 6
# "Förbättrat minst 2 steg": on a 1-6 scale one step up is often noise.
BIG_STEP = 2


def _round(number: float | None) -> float | None:
    return None if number is None else round(float(number), DIGITS)


def rank_biserial(differences: Sequence[float] | np.ndarray) -> float | None:
    d = np.asarray(differences, dtype=float)
    d = d[d != 0]
    if d.size == 0:
        return None
    ranks = average_ranks(np.abs(d))
    plus = ranks[d > 0].sum()
    minus = ranks[d < 0].sum()
    return float((plus - minus) / (plus + minus))


def average_ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 1..n, ties getting their average rank (scipy.stats.rankdata's default)."""
    order = np.argsort(x, kind="stable")
    ordered = x[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], x.size]
    average = (starts + ends + 1) / 2  # the mean of ranks starts+1 .. ends
    ranks = np.empty(x.size, dtype=float)
    ranks[order] = np.repeat(average, ends - starts)
    return ranks


def start_loading_scipy() -> None:
    """Import scipy.special in a background thread, for `wilcoxon_p` later on.

    Its import takes about a third of a second (a sixth of a large report). Reading the
    answers is mostly pyarrow, numpy or the database driver, which let other threads
    run, so started before the reading the import mostly costs no time. A later
    `from scipy.special import ...` waits for it to finish.
    """
    global _loader
    with _loader_lock:
        if _loader is None and "scipy.special" not in sys.modules:
            _loader = threading.Thread(target=import_module, args=("scipy.special",),
                                       name="scipy-import", daemon=True)
            _loader.start()


_loader: threading.Thread | None = None
_loader_lock = threading.Lock()


def wilcoxon_p(d: np.ndarray) -> float:
    """Two-sided p of the Wilcoxon signed-rank test, as scipy.stats.wilcoxon gives it.

    Above 50 differences scipy uses the normal approximation (zeros dropped, ties
    corrected, no continuity correction); that is computed here so a large report need
    not load scipy.stats (most of a second). Smaller samples go to scipy itself.
    """
    if d.size <= 50:
        from scipy import stats

        return float(stats.wilcoxon(d, alternative="two-sided").pvalue)
    from scipy.special import ndtr

    nonzero = d[d != 0]
    count = float(nonzero.size)
    ranks = average_ranks(np.abs(nonzero))
    r_plus = float(np.sum((nonzero > 0) * ranks))
    _, ties = np.unique(np.abs(nonzero), return_counts=True)
    tie_correct = float(np.sum(ties.astype(float) ** 3 - ties))
    mn = count * (count + 1.0) * 0.25
    se = count * (count + 1.0) * (2.0 * count + 1.0)
    se = np.sqrt((se - tie_correct / 2) / 24)
    z = (r_plus - mn) / se
    return float(2 * ndtr(-abs(z)))


def paired_change(starts: Sequence[int], ends: Sequence[int]) -> dict[str, Any]:
    """The change fields for one dimension from aligned start and end values."""
    start = np.asarray(starts, dtype=float)
    end = np.asarray(ends, dtype=float)
    d = end - start
    pairs = int(d.size)
    improved = int((d > 0).sum())
    improved_2 = int((d >= BIG_STEP).sum())
    worse = int((d < 0).sum())
    changed = improved + worse
    p_value = wilcoxon_p(d) if changed >= MIN_CHANGES_FOR_TEST else None
    interval = share_cell(pairs, improved)
    return {
        "pairs": pairs,
        "improved": improved,
        "improved_2": improved_2,
        "same": pairs - improved - worse,
        "worse": worse,
        "share_improved": interval["share"],
        "share_improved_2": share_cell(pairs, improved_2)["share"],
        "ci95": interval["ci95"],
        "median_start": _round(np.median(start)) if pairs else None,
        "median_end": _round(np.median(end)) if pairs else None,
        "mean_start": _round(start.mean()) if pairs else None,
        "mean_end": _round(end.mean()) if pairs else None,
        "mean_difference": _round(d.mean()) if pairs else None,
        # Not rounded: small p-values must not turn into 0.
        "p_value": p_value,
        # Why there is no p-value: "few_changes" (fewer than MIN_CHANGES_FOR_TEST people
        # changed at all), or None when there is one.
        "p_withheld": None if p_value is not None else "few_changes",
        "changed": changed,
        "rank_biserial": _round(rank_biserial(d)),
    }


Pairs = dict[int, tuple[np.ndarray, np.ndarray]]


def pairs_per_person(entries: Entries, key: str = CHANGE_KEY) -> Pairs:
    """version -> (start rows, avslut rows); one pair per person, the latest avslut.

    A pair needs its avslut answer in the period; its start may be earlier.
    """
    occasions = entries.occasion.names
    if "start" not in occasions or "avslut" not in occasions:
        return {}
    start_code, end_code = occasions.index("start"), occasions.index("avslut")
    wanted = np.asarray([layout.key == key for layout in entries.layouts], dtype=bool)
    if not wanted.any():
        return {}
    qv, occasion, enrolment = entries.qv, entries.occasion.codes, entries.enrolment.codes
    mine = wanted[qv]
    # (version, enrolment) -> start row, found by binary search.
    starts = np.flatnonzero(mine & (occasion == start_code))
    size = np.int64(len(entries.enrolment.names) + 1)
    start_keys = qv[starts].astype(np.int64) * size + enrolment[starts]
    order = np.argsort(start_keys, kind="stable")
    start_keys, starts = start_keys[order], starts[order]
    ends = np.flatnonzero(mine & (occasion == end_code) & entries.in_period)
    end_keys = qv[ends].astype(np.int64) * size + enrolment[ends]
    at = np.minimum(np.searchsorted(start_keys, end_keys), max(start_keys.size - 1, 0))
    has_start = start_keys[at] == end_keys if start_keys.size else np.zeros(ends.size, bool)
    ends, at = ends[has_start], at[has_start]
    start_of = np.full(len(entries), -1, dtype=np.int64)  # avslut row -> its start row
    start_of[ends] = starts[at]
    ends = latest_per_group(entries, [qv, entries.participant.codes], ends)
    out: Pairs = {}
    for code in np.unique(qv[ends]).tolist():
        chosen = ends[qv[ends] == code]
        out[entries.layouts[code].version] = (start_of[chosen], chosen)
    return out


def change_tables(
    entries: Entries, pairs: Pairs | None = None
) -> dict[str, dict[str, dict[str, Any]]]:
    """ident ("sjalvskattning/v1") -> dimension -> change fields."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    where = entries.layout_index()
    pairs = pairs_per_person(entries) if pairs is None else pairs
    for version, (start_rows, end_rows) in sorted(pairs.items()):
        layout = entries.layouts[where[(CHANGE_KEY, version)]]
        width = len(layout.items)
        start = entries.values[start_rows, :width]
        end = entries.values[end_rows, :width]
        gender_names = entries.gender.names
        genders = entries.gender.codes[end_rows]
        table: dict[str, dict[str, Any]] = {}
        for i, dimension in enumerate(layout.items):
            both = (start[:, i] >= 0) & (end[:, i] >= 0)
            fields = paired_change(start[both, i], end[both, i])
            cells = {}
            for gender in GENDERS:
                if gender not in gender_names:
                    continue
                chosen = both & (genders == gender_names.index(gender))
                if chosen.any():
                    d = end[chosen, i].astype(int) - start[chosen, i]
                    n, up = int(d.size), int((d > 0).sum())
                    cells[gender] = {
                        "pairs": n,
                        "improved": up,
                        "share_improved": share_cell(n, up)["share"],
                    }
            fields["by_gender"] = cells
            table[dimension] = fields
        out[layout.ident] = table
    return out


def pair_coverage(
    entries: Entries, enrolments: EnrolmentColumns | None, selection: Selection,
    pairs: Pairs | None = None,
) -> dict[str, dict[str, Any]]:
    """ident -> {in_pairs, enrolled, share}: how many people the change table is about,
    of everyone enrolled in the selection (people, not enrolments: one pair per person).
    `enrolled` and `share` are None on the CSV path, which does not know who was enrolled.
    `pairs` is `pairs_per_person(entries)` when the caller has it already."""
    pairs = pairs_per_person(entries) if pairs is None else pairs
    if enrolments is not None and pairs:
        names = enrolments.participant.names
        listed = np.zeros(len(names), dtype=bool)
        listed[enrolments.participant.codes[enrolments.selected(selection)]] = True
        where = {name: code for code, name in enumerate(names)}
    out = {}
    index = entries.layout_index()
    for version, (_start, ends) in sorted(pairs.items()):
        people = int(ends.size)
        enrolled = None
        if enrolments is not None:
            # Someone with a pair was enrolled, even when the enrolments given lack them.
            paired = np.unique(entries.participant.codes[ends]).tolist()
            found = np.fromiter((where.get(entries.participant.names[c], -1) for c in paired),
                                dtype=np.int64, count=len(paired))  # fmt: skip
            outside = (found < 0) | ~listed[np.maximum(found, 0)]
            enrolled = int(listed.sum()) + int(outside.sum())
        out[entries.layouts[index[(CHANGE_KEY, version)]].ident] = {
            "in_pairs": people,
            "enrolled": enrolled,
            "share": share_cell(enrolled, people)["share"] if enrolled else None,
        }
    return out


def change_sentence(coverage: dict[str, Any] | None, min_group: int = 5,
                    _: Translate = untranslated, numbers: Numbers = SWEDISH) -> str:
    """The one sentence under the change table: who it is about, and what it cannot say."""
    people = None if coverage is None else coverage["in_pairs"]
    if people is None or is_suppressed(people):
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
