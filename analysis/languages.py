"""The answer language as reports group it: easy Swedish apart from Swedish.

A response stores the language and whether easy Swedish (lättläst) was on; lättläst is
Swedish with its own wording, so its answers may differ and are shown as their own group
in the language breakdown ("by_language") rather than pooled with Swedish.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

EASY_SWEDISH = "lattlast"
# The answer languages a participant can choose (survey/i18n.py PARTICIPANT_LANGUAGES,
# with easy Swedish as its own): the groups of a report's language breakdown.
OFFERED = ("sv", EASY_SWEDISH, "en", "ar", "fa", "prs", "so", "ti", "uk")


def easy_swedish_apart(
    codes: np.ndarray, names: Sequence[str], easy: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Language codes (indexing `names`) with easy-Swedish rows moved to their own name."""
    shown = [*names, EASY_SWEDISH]
    swedish = np.asarray([name == "sv" for name in names], dtype=bool)
    moved = np.where(easy & swedish[codes], len(names), codes) if len(names) else codes
    unique = list(dict.fromkeys(shown))
    recode = np.asarray([unique.index(name) for name in shown], dtype=codes.dtype)
    return recode[moved], unique
