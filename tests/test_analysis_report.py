"""The report dict: counting, versions, people vs enrolments, suppression, selection."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from analysis import AnswerRow, EnrolmentRow, ReportOptions, Target, build_report
from analysis.figures import missing
from analysis.perturbation import exact
from analysis.synthetic import make_row, self_assessment, synthetic_key
from questionnaires import Registry

from .test_analysis_board import inputs_for


def _people(count: int, **fields: object) -> list[AnswerRow]:
    return [make_row(participant=f"{fields.get('gender', 'x')}{i}", **fields) for i in range(count)]


def test_vet_inte_is_left_out_of_n() -> None:
    rows = [*_people(6, value=4), make_row(participant="V1", value=None)]
    rows += [make_row(participant="V2", value=2), make_row(participant="V3", value=3)]
    cell = build_report(rows)["indicators"]["avslut"]["nytta"]
    assert (cell["n"], cell["positive"], cell["dont_know"]) == (8, 7, 1)
    assert cell["share"] == pytest.approx(7 / 8)
    assert cell["distribution"] == {"4": 6, "3": 1, "2": 1, "1": 0}


def test_positive_values_come_from_the_questionnaire() -> None:
    rows = [make_row(participant=f"P{i}", value=v) for i, v in enumerate((1, 2, 3, 4, 4))]
    cell = build_report(rows)["indicators"]["avslut"]["nytta"]
    assert cell["positive"] == 3


@pytest.fixture
def registry_with_v2() -> Registry:
    # Stegvis ships versions 1 and 2 of its own indicator questions.
    return Registry.load()


def test_versions_are_never_pooled(registry_with_v2: Registry) -> None:
    rows = _people(6, value=4) + [
        make_row(participant=f"N{i}", version=2, value=1) for i in range(4)
    ]
    report = build_report(rows, ReportOptions(min_group=1), registry=registry_with_v2)
    assert report["indicators"] is None
    assert report["indicators_version"] is None
    by_version = report["indicators_by_version"]
    assert by_version["finsam-indikatorer/v1"]["avslut"]["nytta"]["share"] == 1.0
    assert by_version["finsam-indikatorer/v2"]["avslut"]["nytta"]["share"] == 0.0
    assert report["versions"] == ["finsam-indikatorer/v1", "finsam-indikatorer/v2"]
    options = ReportOptions(targets=(Target("nytta", "avslut", 0.9),))
    targets = build_report(rows, options, registry=registry_with_v2)["targets"]
    assert [(t["questionnaire"], t["verdict"]) for t in targets] == [
        # 6 of 6, but the 95 % interval starts at 61 %: uppnått, men osäkert.
        ("finsam-indikatorer/v1", "met_uncertain"),
        ("finsam-indikatorer/v2", "too_few"),
    ]


def test_person_with_two_enrolments_counts_once_in_total_and_once_per_insats() -> None:
    rows = _people(5, gender="kvinna", value=4)
    rows.append(make_row(participant="kvinna0", insats="Elings ark", value=1,
                         submitted_at=dt.datetime(2025, 4, 1)))  # fmt: skip
    report = build_report(rows, ReportOptions(min_group=1))
    assert report["people"] == 5
    assert report["enrolments"] == 6
    assert report["by_insats"] == {
        "Elings ark": {"people": 1, "enrolments": 1},
        "Hantverksstegen": {"people": 5, "enrolments": 5},
    }
    cell = report["indicators"]["avslut"]["nytta"]
    # The person's latest answer (in Elings ark) is the one in the total.
    assert (cell["n"], cell["positive"]) == (5, 4)
    by_insats = cell["by_insats"]
    assert (by_insats["Hantverksstegen"]["n"], by_insats["Hantverksstegen"]["positive"]) == (5, 5)
    assert (by_insats["Elings ark"]["n"], by_insats["Elings ark"]["positive"]) == (1, 0)
    hidden = build_report(rows)["indicators"]["avslut"]["nytta"]["by_insats"]
    assert hidden == {"Elings ark": {"suppressed": True}, "Hantverksstegen": {"suppressed": True}}


def test_small_groups_are_suppressed_and_small_totals_too() -> None:
    rows = _people(7, gender="kvinna") + _people(3, gender="man") + _people(6, gender="annat")
    report = build_report(rows)
    cell = report["indicators"]["avslut"]["nytta"]
    assert cell["n"] == 16
    assert cell["by_gender"]["man"] == {"suppressed": True}
    # Only one hidden cell could be recovered from the total, so the next smallest goes too.
    assert cell["by_gender"]["annat"] == {"suppressed": True}
    assert cell["by_gender"]["kvinna"]["n"] == 7
    tiny = build_report(_people(2))
    # A total under 5 shows no count, share, interval or distribution.
    assert tiny["indicators"]["avslut"]["nytta"] == {"suppressed": True}
    assert tiny["people"] == {"suppressed": True}
    text = json.dumps(report)
    assert '"n": 3' not in text


def test_min_group_is_configurable() -> None:
    rows = _people(7, gender="kvinna") + _people(3, gender="man")
    cell = build_report(rows, ReportOptions(min_group=3))["indicators"]["avslut"]["nytta"]
    assert cell["by_gender"]["man"]["n"] == 3


def test_selection_by_period_insats_and_site() -> None:
    rows = [
        *_people(5),
        make_row(participant="late", submitted_at=dt.datetime(2025, 6, 1)),
        make_row(participant="other", insats="Elings ark"),
        make_row(participant="falk", site="Falköping"),
    ]
    assert build_report(rows)["people"] == 8
    period = ReportOptions(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 5, 31))
    assert build_report(rows, period)["people"] == 7
    one = ReportOptions(insatser=("Elings ark",), min_group=1)
    assert build_report(rows, one)["people"] == 1
    assert build_report(rows, ReportOptions(site="Falköping", min_group=1))["people"] == 1
    assert build_report(rows, ReportOptions(site="Falköping"))["people"] == {"suppressed": True}
    last_day = ReportOptions(date_to=dt.date(2025, 6, 1))
    assert build_report(rows, last_day)["people"] == 8


def _missing(rows: list[AnswerRow], enrolments: list[EnrolmentRow] | None = None) -> Any:
    """The Bortfall figure's exact cells for `rows` (all time)."""
    return exact(missing.cells(inputs_for(rows, enrolments, ReportOptions())))


def test_missing_from_csv_alone_says_unknown() -> None:
    rows = self_assessment("A", [2] * 5, [3] * 5) + self_assessment("B", [2] * 5, [3] * 5)
    rows += [r for r in self_assessment("C", [2] * 5, [3] * 5) if r.occasion == "start"]
    table = _missing(rows)
    assert table["source"] == "csv" and table["note"]
    assert table["by_questionnaire"]["sjalvskattning"] == {
        "enrolled": 3, "with_start": 3, "with_pagaende": 0, "with_avslut": 2, "paired": 2,
        "without_avslut": 1,
        "reasons": {"still_enrolled": 0, "left_early": 0, "no_invitation": 0,
                    "not_answered": 0, "unknown": 1},
    }  # fmt: skip
    # Published, the figure is in the report whatever its size.
    published = build_report(rows)["missing"]["by_questionnaire"]["sjalvskattning"]
    assert set(published) == set(table["by_questionnaire"]["sjalvskattning"])


def _enrolment(name: str, **fields: object) -> EnrolmentRow:
    defaults: dict[str, object] = {
        "id": None, "participant": name, "gender": "kvinna", "born_abroad": "nej",
        "insats": "Hantverksstegen", "site": "Skövde", "start_date": dt.date(2025, 1, 1),
        "record_key": synthetic_key(name),
    }  # fmt: skip
    return EnrolmentRow(**{**defaults, **fields})  # type: ignore[arg-type]


def test_missing_reasons_from_enrolment_rows() -> None:
    ended = dt.date(2025, 3, 25)
    rows = self_assessment("A", [2] * 5, [3] * 5)
    enrolments = [
        _enrolment("A", end_date=ended, exit_outcome="arbete"),
        _enrolment("B"),
        _enrolment("C", end_date=ended, left_early=True),
        _enrolment("D", end_date=ended),
        _enrolment("E", end_date=ended, invited=frozenset({("sjalvskattning", "avslut")})),
    ]
    table = _missing(rows, enrolments)["by_questionnaire"]["sjalvskattning"]
    assert table["enrolled"] == 5 and table["paired"] == 1 and table["without_avslut"] == 4
    assert table["reasons"] == {"still_enrolled": 1, "left_early": 1, "no_invitation": 1,
                                "not_answered": 1, "unknown": 0}  # fmt: skip
    # Each reason is one person's cell: published, never 1 or 2 (a 0 or 3 instead).
    published = build_report(rows, enrolments=enrolments)["missing"]["by_questionnaire"]
    assert all(n in (0, 3) for n in published["sjalvskattning"]["reasons"].values())


def test_exit_outcomes_absent_from_csv_report() -> None:
    outcomes = build_report(_people(5))["exit_outcomes"]
    assert outcomes["available"] is False and "CSV" in outcomes["note"]


def test_web_app_rows_carry_enrolment_ids() -> None:
    rows = [r._replace(enrolment="17") for r in self_assessment("A", [2] * 5, [3] * 5)]
    enrolments = [_enrolment("A", id="17", end_date=dt.date(2025, 3, 25))]
    assert _missing(rows, enrolments)["by_questionnaire"]["sjalvskattning"]["paired"] == 1


def test_report_is_json_serialisable() -> None:
    rows = _people(5) + self_assessment("A", [2] * 5, [3] * 5)
    report = build_report(rows, ReportOptions(targets=(Target("nytta", "avslut", 0.9),)))
    # Only JSON's own types (no numpy numbers, tuples or dates): it comes back equal.
    assert json.loads(json.dumps(report)) == report
    assert report["targets"][0]["item"] == "nytta"


def test_two_enrolments_in_one_insats_count_once_for_that_insats() -> None:
    rows = [make_row(participant=f"P{i}") for i in range(5)]
    rows += [make_row(participant=f"E{i}", insats="Elings ark") for i in range(5)]
    # P0 also at a second site of the same insats, later and negative.
    rows.append(make_row(participant="P0", site="Falköping", value=1,
                         submitted_at=dt.datetime(2025, 4, 1)))  # fmt: skip
    report = build_report(rows)
    assert (report["people"], report["enrolments"]) == (10, 11)
    cell = report["indicators"]["avslut"]["nytta"]
    assert (cell["n"], cell["positive"]) == (10, 9)
    assert cell["by_insats"]["Hantverksstegen"] == {
        "n": 5, "positive": 4, "share": 0.8, "ci95": [0.3755, 0.9638], "dont_know": 0,
    }  # fmt: skip
    assert report["by_insats"]["Hantverksstegen"] == {"people": 5, "enrolments": 6}
