"""Shares with a 95 % Wilson score interval.

Wilson rather than the normal approximation because programmes are small (5-30
answers) and shares near 90-100 % are the interesting ones: the Wald interval collapses
to zero width at 100 % and can leave [0, 1]; Wilson does neither (Newcombe 1998,
method 3).
"""

from __future__ import annotations

import math
from typing import Any, TypeVar

T = TypeVar("T")

# Two-sided 95 %: the 0.975 quantile of the standard normal distribution.
Z95 = 1.959963984540054
DIGITS = 4


def wilson(positive: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    if n <= 0:
        return None
    p = positive / n
    z2 = z * z
    centre = p + z2 / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    denominator = 1 + z2 / n
    low = (centre - margin) / denominator
    high = (centre + margin) / denominator
    # Rounding noise must not push the ends outside [0, 1] or away from 0/1 exactly.
    low = 0.0 if positive == 0 else max(0.0, low)
    high = 1.0 if positive == n else min(1.0, high)
    return (low, high)


# A share whose published base is under this says "färre än 5 svar" instead of a share,
# and the parts of that base (positive, vet inte, the steps, outcomes) are not shown:
# behind a base of 1-4 people a part tells what they answered (zero stays zero, so a lone
# answerer's step published as 3 beside steps of 0 would name the step).
MIN_BASE = 5


def share_cell(n: int, positive: int) -> dict[str, Any]:
    """{n, positive, share, ci95} from two published counts, shares as fractions; with n
    under MIN_BASE, `few` is true and positive, share and ci95 are None (`parts`).

    Perturbed separately, `positive` can come out above `n`; it is capped at `n`, the
    one place published counts that cross are reconciled (docs/data-format.md)."""
    positive = min(positive, n)
    if n < MIN_BASE:
        return {"n": n, "positive": None, "share": None, "ci95": None, "few": True}
    interval = wilson(positive, n)
    return {
        "n": n,
        "positive": positive,
        "share": round(positive / n, DIGITS) if n else None,
        "ci95": [round(interval[0], DIGITS), round(interval[1], DIGITS)] if interval else None,
    }


def parts(base: int, value: T) -> T | None:
    """The parts of a published base as published, or None when the base is under
    MIN_BASE: the one rule for what a small base withholds."""
    return value if base >= MIN_BASE else None
