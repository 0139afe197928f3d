"""Wilson intervals against published values.

Newcombe RG (1998), "Two-sided confidence intervals for the single proportion:
comparison of seven methods", Statistics in Medicine 17:857-872, Table II, method 3
(Wilson score without continuity correction).
"""

from __future__ import annotations

import pytest

from analysis.shares import share_cell, wilson


@pytest.mark.parametrize(
    ("positive", "n", "low", "high"),
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
        (0, 10, 0.0, 0.2775),
    ],
)
def test_wilson_matches_newcombe_1998(positive: int, n: int, low: float, high: float) -> None:
    interval = wilson(positive, n)
    assert interval is not None
    assert interval[0] == pytest.approx(low, abs=5e-5)
    assert interval[1] == pytest.approx(high, abs=5e-5)


def test_all_positive_reaches_one_exactly() -> None:
    assert wilson(10, 10) == (pytest.approx(0.7225, abs=5e-5), 1.0)


def test_no_answers_give_no_share() -> None:
    assert wilson(0, 0) is None
    assert share_cell(0, 0) == {"n": 0, "positive": None, "share": None, "ci95": None,
                                "few": True}


def test_a_base_under_five_gives_no_share_and_positive_is_capped_at_n() -> None:
    assert share_cell(4, 4)["share"] is None and share_cell(4, 4)["few"] is True
    assert share_cell(5, 7) == {**share_cell(5, 5)}
    assert share_cell(5, 7)["positive"] == 5


def test_share_cell_holds_fractions() -> None:
    cell = share_cell(29, 27)
    assert cell["share"] == pytest.approx(0.931, abs=1e-3)
    assert 0 < cell["ci95"][0] < cell["share"] < cell["ci95"][1] <= 1
