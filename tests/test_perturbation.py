"""The publication step on its own (analysis/perturbation.py), and that a report takes it
once, over every figure's cells."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pytest

from analysis import ReportOptions, build_report
from analysis.perturbation import (
    EMPTY,
    KEY_RANGE,
    Cell,
    default_table,
    exact,
    new_record_key,
    publish,
)
from analysis.synthetic import make_row


def test_a_cell_is_its_units_count_and_key_sum_in_any_order() -> None:
    keys = [new_record_key() for _ in range(7)]
    cell = Cell.of(keys)
    assert cell == Cell(7, sum(keys) % KEY_RANGE)
    assert Cell.of(np.asarray(keys[::-1], dtype=np.int64)) == cell
    assert Cell.of(keys[:3]) + Cell.of(keys[3:]) == cell
    # A person counted twice adds their key twice.
    assert Cell.of([keys[0], keys[0]]) == Cell(2, 2 * keys[0] % KEY_RANGE)
    assert Cell.of([]) == EMPTY == Cell.of(np.zeros(0, dtype=np.int64))


def test_publish_replaces_every_cell_and_nothing_else() -> None:
    tree = {"a": Cell(10, 123), "b": [Cell(0, 0), {"c": (Cell(4, 99), "text")}], "d": 0.5,
            "e": None}  # fmt: skip
    published = publish(tree)
    assert isinstance(published["a"], int) and abs(published["a"] - 10) <= 2
    assert published["b"][0] == 0  # zero stays zero
    assert isinstance(published["b"][1]["c"], tuple) and published["b"][1]["c"][1] == "text"
    assert (published["d"], published["e"]) == (0.5, None)
    assert exact(tree) == {"a": 10, "b": [0, {"c": (4, "text")}], "d": 0.5, "e": None}
    # The same units, the same published count, every time.
    assert publish(tree) == published


def test_the_table_never_publishes_one_or_two_and_adds_no_bias() -> None:
    table = default_table()
    chance = random.Random(21)  # noqa: S311 - test data
    for count in range(0, 61):
        row = table.row(count)
        assert sum(p for _, p in row) == pytest.approx(1.0)
        assert sum(noise * p for noise, p in row) == pytest.approx(0.0, abs=1e-9)
        assert all(abs(noise) <= 2 for noise, _ in row)
        for _ in range(200):
            value = table.published(Cell(count, chance.randrange(KEY_RANGE)))
            assert value == 0 or value >= 3, (count, value)
            assert count > 0 or value == 0


def test_a_report_publishes_once_over_all_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    import analysis.report as report_module

    calls = []
    real = report_module.publish

    def counting(tree, table=None):  # type: ignore[no-untyped-def]
        calls.append(tree)
        return real(tree, table)

    monkeypatch.setattr(report_module, "publish", counting)
    rows = [make_row(participant=f"P{i}") for i in range(6)]
    build_report(rows, ReportOptions(date_from=dt.date(2025, 3, 1),
                                     date_to=dt.date(2025, 3, 31)))  # fmt: skip
    assert len(calls) == 1
    (tree,) = calls
    assert set(tree) == {"now", "previous"}
    assert {"people", "indicators", "change", "change_coverage", "targets"} <= set(tree["now"])
    assert "people" in tree["previous"]
