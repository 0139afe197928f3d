"""Paired change in självskattning: the exact cells by hand, and the figures made from
published counts (sign test, medians and means of the published distributions)."""

from __future__ import annotations

import datetime as dt

import pytest

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.figures.change import (
    change_sentence,
    dimension_figures,
    distribution_stats,
    sign_test,
)
from analysis.perturbation import exact
from analysis.report import figure_cells
from analysis.synthetic import self_assessment, synthetic_key
from tests.published import check_published

IMPROVED_OF_SIX = {"aktivitet": 5, "fysisk_halsa": 4, "psykisk_halsa": 4, "balans": 4, "framtid": 2}
V1 = "sjalvskattning/v1"


def _six_people() -> list:
    rows = []
    for person in range(6):
        start = [3, 3, 3, 3, 3]
        end = [4 if person < k else 3 for k in IMPROVED_OF_SIX.values()]
        rows += self_assessment(f"P{person}", start, end)
    return rows


def test_exact_cells_of_six_people() -> None:
    change = exact(figure_cells(_six_people())["change"])[V1]
    assert {dim: (change[dim]["pairs"], change[dim]["improved"]) for dim in IMPROVED_OF_SIX} == {
        dim: (6, k) for dim, k in IMPROVED_OF_SIX.items()}
    aktivitet = change["aktivitet"]
    assert (aktivitet["improved_2"], aktivitet["same"], aktivitet["worse"]) == (0, 1, 0)
    assert aktivitet["distribution_start"] == {"6": 0, "5": 0, "4": 0, "3": 6, "2": 0, "1": 0}
    assert aktivitet["distribution_end"] == {"6": 0, "5": 0, "4": 5, "3": 1, "2": 0, "1": 0}
    # Every gender is a row, whoever answered.
    assert aktivitet["by_gender"] == {"kvinna": {"pairs": 6, "improved": 5},
                                      "man": {"pairs": 0, "improved": 0},
                                      "annat": {"pairs": 0, "improved": 0},
                                      "okänt": {"pairs": 0, "improved": 0}}  # fmt: skip


def test_a_cell_holds_the_keys_of_its_people() -> None:
    cells = figure_cells(_six_people())["change"][V1]["aktivitet"]
    keys = [synthetic_key(f"P{i}") for i in range(6)]
    assert cells["pairs"].key == sum(keys) % (2**31 - 1)
    assert cells["improved"].key == sum(keys[:5]) % (2**31 - 1)


def test_published_change_is_made_from_published_counts() -> None:
    report = build_report(_six_people())
    check_published(report)
    for c in report["change"][V1].values():
        assert c["changed"] == c["improved"] + c["worse"]
        assert c["p_value"] == sign_test(c["improved"], c["worse"])
        start = distribution_stats(c["distribution_start"])
        assert (c["median_start"], c["mean_start"]) == (start["median"], start["mean"])
        assert "rank_biserial" not in c


def test_figures_from_published_counts_by_hand() -> None:
    published = {"pairs": 8, "improved": 6, "improved_2": 3, "same": 0, "worse": 0,
                 "distribution_start": {"4": 0, "3": 4, "2": 4, "1": 0},
                 "distribution_end": {"4": 3, "3": 3, "2": 0, "1": 0},
                 "by_gender": {"kvinna": {"pairs": 8, "improved": 6}}}  # fmt: skip
    figures = dimension_figures(published)
    assert (figures["share_improved"], figures["share_improved_2"]) == (0.75, 0.375)
    assert (figures["median_start"], figures["median_end"]) == (2.5, 3.5)
    assert (figures["mean_start"], figures["mean_end"], figures["mean_difference"]) == (
        2.5, 3.5, 1.0)
    # Six improved, none worse: the sign test's two-sided p is 2 / 2**6.
    assert figures["p_value"] == pytest.approx(2 / 64)
    assert figures["by_gender"]["kvinna"] == {"pairs": 8, "improved": 6, "share_improved": 0.75}


def test_sign_test_needs_six_changes() -> None:
    # With 5 changes the smallest two-sided p is 2 / 2**5 = 0.0625: withheld, and why.
    assert sign_test(5, 0) is None
    assert sign_test(6, 0) == pytest.approx(2 / 64)
    assert sign_test(3, 3) == pytest.approx(1.0)
    figures = dimension_figures({"pairs": 8, "improved": 3, "improved_2": 0, "same": 3,
                                 "worse": 0, "distribution_start": {}, "distribution_end": {},
                                 "by_gender": {}})  # fmt: skip
    assert (figures["p_value"], figures["p_withheld"]) == (None, "few_changes")


def test_distribution_stats_need_five() -> None:
    assert distribution_stats({"1": 4, "2": 0}) == {"median": None, "mean": None}
    assert distribution_stats({"1": 2, "2": 3}) == {"median": 2.0, "mean": 1.6}


def test_a_published_base_under_five_gives_no_shares() -> None:
    figures = dimension_figures({"pairs": 4, "improved": 4, "improved_2": 0, "same": 0,
                                 "worse": 0, "distribution_start": {"3": 4},
                                 "distribution_end": {"4": 4}, "by_gender": {}})  # fmt: skip
    assert (figures["share_improved"], figures["ci95"], figures["few"]) == (None, None, True)
    assert figures["mean_difference"] is None


def test_share_of_enrolled_in_pairs_and_the_sentence() -> None:
    """6 pairs among 10 enrolled (4 never answered at avslut); a CSV has no enrolments,
    so it cannot say of how many."""
    enrolments = [EnrolmentRow(None, f"P{i}", "kvinna", "nej", "Hantverksstegen", "Skövde",
                               dt.date(2025, 1, 1), record_key=synthetic_key(f"P{i}"))
                  for i in range(10)]  # fmt: skip
    cells = exact(figure_cells(_six_people(), enrolments=enrolments)["change_coverage"])
    assert cells == {V1: {"in_pairs": 6, "enrolled": 10}}
    coverage = build_report(_six_people(), enrolments=enrolments)["change_coverage"][V1]
    assert coverage["share"] == round(coverage["in_pairs"] / coverage["enrolled"], 4)
    # Babel writes a no-break space before "%" (CLDR).
    assert change_sentence({"in_pairs": 6, "enrolled": 10, "share": 0.6}).replace(
        "\u00a0", " ") == (
        "Bara de 6 som svarade både vid start och vid avslut (60 % av 10 inskrivna) ingår, "
        "och utan jämförelsegrupp visar tabellen inte om förändringen beror på insatsen."
    )
    csv = build_report(_six_people())["change_coverage"][V1]
    assert csv["enrolled"] is None and csv["share"] is None
    assert "syns inte i en CSV-fil" in change_sentence(csv)


def test_someone_with_a_pair_counts_as_enrolled() -> None:
    enrolments = [EnrolmentRow(None, "P0", "kvinna", "nej", "Hantverksstegen", "Skövde",
                               dt.date(2025, 1, 1), record_key=synthetic_key("P0"))]
    cells = exact(figure_cells(_six_people(), enrolments=enrolments)["change_coverage"])
    assert cells[V1] == {"in_pairs": 6, "enrolled": 6}


def test_start_and_avslut_shares_are_marked_as_different_people() -> None:
    report = build_report(_six_people())
    assert report["occasions_differ"] == [V1]


def test_pairs_are_per_enrolment_and_version() -> None:
    # Start in one insats, avslut in another: two enrolments, no pair; the version's
    # table is still there, with 0 pairs.
    rows = self_assessment("P1", [2] * 5, [5] * 5)
    moved = [r._replace(insats="Elings ark") if r.occasion == "avslut" else r for r in rows]
    change = exact(figure_cells(moved)["change"])
    assert {c["pairs"] for c in change[V1].values()} == {0}
    assert build_report(moved)["change"][V1]["aktivitet"]["pairs"] == 0


def test_start_before_the_period_still_pairs() -> None:
    rows = []
    for person in range(6):
        rows += self_assessment(f"P{person}", [2] * 5, [4] * 5)
    options = ReportOptions(date_from=dt.date(2025, 3, 10))
    assert exact(figure_cells(rows, options)["change"])[V1]["aktivitet"]["pairs"] == 6
    indicators = exact(figure_cells(rows, options)["indicators"])[V1]
    assert indicators["start"]["aktivitet"]["n"] == 0
    assert indicators["avslut"]["aktivitet"]["n"] == 6
