"""What every published report must hold, whatever the noise: checked by the report
tests on their reports (analysis/perturbation.py, analysis/shares.py)."""

from __future__ import annotations

from typing import Any

from analysis.shares import MIN_BASE

# The JSON keys whose ints are counts about people.
COUNT_FIGURES = ("people", "enrolments", "by_insats", "indicators", "change",
                 "change_coverage", "targets", "time_in_programme", "followups")
NOT_COUNTS = {"threshold", "min_answers", "share", "share_improved", "share_improved_2",
              "ci95", "p_value", "median_start", "median_end", "mean_start", "mean_end",
              "mean_difference", "questionnaire", "summary", "verdict", "kind", "item",
              "occasion", "insats", "p_withheld", "few", "changed", "months", "base",
              "outcomes", "own_outcomes"}


def counts(node: Any, path: str = "") -> list[tuple[str, int]]:
    """Every (path, count) in a published figure."""
    if isinstance(node, bool):
        return []
    if isinstance(node, int):
        return [(path, node)]
    if isinstance(node, dict):
        return [found for key, value in node.items() if key not in NOT_COUNTS
                for found in counts(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [found for i, value in enumerate(node) for found in counts(value, f"{path}/{i}")]
    return []


def shares(node: Any) -> list[dict[str, Any]]:
    """Every share cell ({n, positive, share, ...}) in a published figure."""
    if isinstance(node, list):
        return [cell for value in node for cell in shares(value)]
    if not isinstance(node, dict):
        return []
    found = [node] if {"n", "positive", "share"} <= node.keys() else []
    return found + [cell for value in node.values() for cell in shares(value)]


def check_published(report: dict[str, Any]) -> None:
    """No published count is 1 or 2 (the perturbation table never gives them) or
    negative; a share and its parts only from a published base of MIN_BASE or more, from
    the published counts, with positive never above n."""
    for key in COUNT_FIGURES:
        for path, value in counts(report[key], key):
            assert value == 0 or value >= 3, (path, value)
        for cell in shares(report[key]):
            if cell["n"] < MIN_BASE:
                # A small base shows itself only: its parts would tell what its few said.
                assert cell["share"] is None and cell["ci95"] is None, cell
                assert cell["positive"] is None, cell
                assert cell.get("distribution") is None and cell.get("dont_know") is None, cell
            else:
                assert cell["positive"] <= cell["n"], cell
                assert cell["share"] == round(cell["positive"] / cell["n"], 4), cell
