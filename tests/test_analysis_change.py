"""Paired change in självskattning, checked against hand-computed figures."""

from __future__ import annotations

import pytest

from analysis import build_report
from analysis.change import paired_change, rank_biserial
from analysis.synthetic import self_assessment

IMPROVED_OF_SIX = {"aktivitet": 5, "fysisk_halsa": 4, "psykisk_halsa": 4, "balans": 4, "framtid": 2}


def _six_people() -> list:
    rows = []
    for person in range(6):
        start = [3, 3, 3, 3, 3]
        end = [4 if person < k else 3 for k in IMPROVED_OF_SIX.values()]
        rows += self_assessment(f"P{person}", start, end)
    return rows


def test_share_improved_of_six_people() -> None:
    change = build_report(_six_people())["change"]
    shares = {dim: change[dim]["share_improved"] for dim in IMPROVED_OF_SIX}
    assert shares == pytest.approx(
        {"aktivitet": 5 / 6, "fysisk_halsa": 4 / 6, "psykisk_halsa": 4 / 6, "balans": 4 / 6,
         "framtid": 2 / 6},
        abs=1e-4,
    )  # fmt: skip
    aktivitet = change["aktivitet"]
    assert (aktivitet["pairs"], aktivitet["improved"], aktivitet["same"], aktivitet["worse"]) == (
        6, 5, 1, 0,
    )  # fmt: skip
    assert aktivitet["median_start"] == 3
    assert aktivitet["median_end"] == 4
    assert aktivitet["mean_difference"] == pytest.approx(5 / 6, abs=1e-4)
    assert aktivitet["rank_biserial"] == 1.0


def test_wilcoxon_needs_six_pairs() -> None:
    assert paired_change([1, 2, 3, 4, 5], [2, 3, 4, 5, 6])["p_value"] is None
    six = paired_change([1, 2, 3, 4, 5, 1], [2, 3, 4, 5, 6, 3])
    # All six differences positive: exact two-sided p = 2 / 2**6.
    assert six["p_value"] == pytest.approx(2 / 64)


def test_wilcoxon_counts_only_people_who_changed() -> None:
    # 8 pairs, 3 unchanged: 5 non-zero differences. The test drops the zeros, so the
    # smallest p it could give is 2 / 2**5 = 0.0625: withheld, and why.
    five = paired_change([3, 3, 3, 1, 1, 1, 1, 1], [3, 3, 3, 2, 3, 4, 5, 6])
    assert (five["pairs"], five["changed"]) == (8, 5)
    assert (five["p_value"], five["p_withheld"]) == (None, "few_changes")
    # 2 unchanged, 6 improved (+1..+6): exact two-sided p = 2 / 2**6.
    six = paired_change([3, 3, 1, 1, 1, 1, 1, 1], [3, 3, 2, 3, 4, 5, 6, 7])
    assert (six["pairs"], six["changed"], six["p_withheld"]) == (8, 6, None)
    assert six["p_value"] == pytest.approx(2 / 64)
    # The case: 5 of 6 pairs unchanged gives no p-value at all.
    assert paired_change([3] * 6, [3] * 5 + [5])["p_value"] is None


def test_improved_at_least_two_steps() -> None:
    # Differences +2, +1, 0, +2, +1, -2, +3: improved 5, of them 3 by two steps or more.
    change = paired_change([1, 2, 3, 4, 5, 3, 1], [3, 3, 3, 6, 6, 1, 4])
    assert (change["improved"], change["improved_2"], change["same"], change["worse"]) == (
        5, 3, 1, 1)
    assert change["share_improved_2"] == pytest.approx(3 / 7, abs=1e-4)


def test_share_of_enrolled_in_pairs_and_the_sentence() -> None:
    """6 pairs among 10 enrolled (4 never answered at avslut): 60 %; a CSV has no
    enrolments, so it cannot say of how many."""
    import datetime as dt

    from analysis import EnrolmentRow
    from analysis.change import change_sentence

    enrolments = [EnrolmentRow(None, f"P{i}", "kvinna", "nej", "Hantverksstegen", "Skövde",
                               dt.date(2025, 1, 1)) for i in range(10)]  # fmt: skip
    report = build_report(_six_people(), enrolments=enrolments)
    coverage = report["change_coverage"]["sjalvskattning/v1"]
    assert coverage == {"in_pairs": 6, "enrolled": 10, "share": 0.6}
    # Babel writes a no-break space before "%" (CLDR).
    assert change_sentence(coverage).replace("\u00a0", " ") == (
        "Bara de 6 som svarade både vid start och vid avslut (60 % av 10 inskrivna) ingår, "
        "och utan jämförelsegrupp visar tabellen inte om förändringen beror på insatsen."
    )
    csv = build_report(_six_people())["change_coverage"]["sjalvskattning/v1"]
    assert csv == {"in_pairs": 6, "enrolled": None, "share": None}
    assert "syns inte i en CSV-fil" in change_sentence(csv)
    # Fewer than 5 in pairs: the count and the share are hidden, the sentence has no number.
    few = build_report(_six_people()[: 4 * 10], enrolments=enrolments)
    hidden = few["change_coverage"]["sjalvskattning/v1"]
    assert hidden == {"in_pairs": {"suppressed": True}, "enrolled": 10,
                      "share": {"suppressed": True}}
    assert change_sentence(hidden).startswith("Bara de som svarade")


def test_start_and_avslut_shares_are_marked_as_different_people() -> None:
    report = build_report(_six_people())
    assert report["occasions_differ"] == ["sjalvskattning/v1"]


def test_wilcoxon_null_without_any_change() -> None:
    result = paired_change([3] * 8, [3] * 8)
    assert result["p_value"] is None
    assert result["rank_biserial"] is None
    assert result["share_improved"] == 0


def test_rank_biserial_by_hand() -> None:
    # |d| = 1, 2, 3, 4 -> ranks 1..4; improvements 2 + 3 + 4 = 9, worsening 1.
    assert rank_biserial([2, -1, 3, 4, 0]) == pytest.approx((9 - 1) / 10)


def test_pairs_are_per_enrolment_and_version() -> None:
    # Start in one insats, avslut in another: two enrolments, no pair.
    rows = self_assessment("P1", [2] * 5, [5] * 5)
    moved = [r._replace(insats="Elings ark") if r.occasion == "avslut" else r for r in rows]
    from analysis import ReportOptions

    report = build_report(moved, ReportOptions(min_group=1))
    assert report["change"] is None
    assert report["missing"]["by_questionnaire"]["sjalvskattning"]["paired"] == 0


def test_start_before_the_period_still_pairs() -> None:
    import datetime as dt

    from analysis import ReportOptions

    rows = []
    for person in range(6):
        rows += self_assessment(f"P{person}", [2] * 5, [4] * 5)
    report = build_report(rows, ReportOptions(date_from=dt.date(2025, 3, 10)))
    assert report["change"]["aktivitet"]["pairs"] == 6
    assert report["indicators_by_version"]["sjalvskattning/v1"].keys() == {"avslut"}


def test_gender_breakdown_of_change_is_suppressed_when_small() -> None:
    change = build_report(_six_people())["change"]
    assert change["aktivitet"]["by_gender"] == {"kvinna": {"pairs": 6, "improved": 5,
                                                           "share_improved": 0.8333}}  # fmt: skip
    rows = [r._replace(gender="man") if r.participant == "P0" else r for r in _six_people()]
    by_gender = build_report(rows)["change"]["aktivitet"]["by_gender"]
    assert by_gender == {"kvinna": {"suppressed": True}, "man": {"suppressed": True}}
