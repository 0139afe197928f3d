"""The report: each figure's exact cells by hand (counting, versions, people vs
enrolments, groups from their definitions, selection), and the published report."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from analysis import AnswerRow, EnrolmentRow, ReportOptions, Target, build_report
from analysis.figures import missing
from analysis.perturbation import exact
from analysis.report import REPORT_FORMAT, figure_cells
from analysis.synthetic import make_row, self_assessment, synthetic_key
from questionnaires import Registry
from tests.published import check_published

from .test_analysis_board import inputs_for

V1 = "finsam-indikatorer/v1"


def cells(rows: list[AnswerRow], options: ReportOptions | None = None, **kwargs: object) -> dict:
    """Every figure's exact cells."""
    return exact(figure_cells(rows, options, **kwargs))  # type: ignore[arg-type]


def _people(count: int, **fields: object) -> list[AnswerRow]:
    return [make_row(participant=f"{fields.get('gender', 'x')}{i}", **fields) for i in range(count)]


def test_vet_inte_is_left_out_of_n() -> None:
    rows = [*_people(6, value=4), make_row(participant="V1", value=None)]
    rows += [make_row(participant="V2", value=2), make_row(participant="V3", value=3)]
    cell = cells(rows)["indicators"][V1]["avslut"]["nytta"]
    assert (cell["n"], cell["positive"], cell["dont_know"]) == (8, 7, 1)
    assert cell["distribution"] == {"4": 6, "3": 1, "2": 1, "1": 0}


def test_positive_values_come_from_the_questionnaire() -> None:
    rows = [make_row(participant=f"P{i}", value=v) for i, v in enumerate((1, 2, 3, 4, 4))]
    cell = cells(rows)["indicators"][V1]["avslut"]["nytta"]
    assert cell["positive"] == 3


@pytest.fixture
def registry_with_v2() -> Registry:
    # Stegvis ships versions 1 and 2 of its own indicator questions.
    return Registry.load()


def test_versions_are_never_pooled(registry_with_v2: Registry) -> None:
    rows = _people(6, value=4) + [
        make_row(participant=f"N{i}", version=2, value=1) for i in range(4)
    ]
    by_version = cells(rows, registry=registry_with_v2)["indicators"]
    assert by_version[V1]["avslut"]["nytta"]["positive"] == 6
    assert by_version["finsam-indikatorer/v2"]["avslut"]["nytta"]["n"] == 4
    assert by_version["finsam-indikatorer/v2"]["avslut"]["nytta"]["positive"] == 0
    report = build_report(rows, registry=registry_with_v2)
    assert report["versions"] == [V1, "finsam-indikatorer/v2"]
    assert set(report["indicators"]) == {V1, "finsam-indikatorer/v2"}
    for key in ("indicators_version", "indicators_by_version", "change_version",
                "change_by_version", "left_out"):
        assert key not in report
    options = ReportOptions(targets=(Target("nytta", "avslut", 0.9),))
    targets = build_report(rows, options, registry=registry_with_v2)["targets"]
    assert [t["questionnaire"] for t in targets] == [V1, "finsam-indikatorer/v2"]
    # 4 answers, published as 3 to 6 (never 5 or more from 4 with the shipped table).
    assert targets[1]["verdict"] in ("too_few", "not_met")


def test_person_with_two_enrolments_counts_once_in_total_and_once_per_insats() -> None:
    rows = _people(5, gender="kvinna", value=4)
    rows.append(make_row(participant="kvinna0", insats="Elings ark", value=1,
                         submitted_at=dt.datetime(2025, 4, 1)))  # fmt: skip
    found = cells(rows)
    assert (found["people"]["people"], found["people"]["enrolments"]) == (5, 6)
    assert found["people"]["by_insats"] == {
        "Elings ark": {"people": 1, "enrolments": 1},
        "Hantverksstegen": {"people": 5, "enrolments": 5},
    }
    cell = found["indicators"][V1]["avslut"]["nytta"]
    # The person's latest answer (in Elings ark) is the one in the total.
    assert (cell["n"], cell["positive"]) == (5, 4)
    by_insats = cell["by_insats"]
    assert by_insats["Hantverksstegen"] == {"n": 5, "positive": 5, "dont_know": 0}
    assert by_insats["Elings ark"] == {"n": 1, "positive": 0, "dont_know": 0}


def test_groups_come_from_their_definitions() -> None:
    """Every gender, born-abroad value, offered language and site of the selection is a
    row, with its count, 0 included: which rows exist never depends on who answered."""
    rows = _people(7, gender="kvinna") + _people(3, gender="man")
    options = ReportOptions(sites=("Falköping", "Skövde", "Tibro"))
    cell = cells(rows, options)["indicators"][V1]["avslut"]["nytta"]
    assert cell["by_gender"] == {"kvinna": {"n": 7, "positive": 7}, "man": {"n": 3, "positive": 3},
                                 "annat": {"n": 0, "positive": 0},
                                 "okänt": {"n": 0, "positive": 0}}  # fmt: skip
    assert list(cell["by_site"]) == ["Falköping", "Skövde", "Tibro", "(ingen ort)"]
    assert cell["by_site"]["Skövde"] == {"n": 10, "positive": 10}
    assert list(cell["by_language"]) == ["sv", "lattlast", "en", "ar", "fa", "prs", "so", "ti",
                                         "uk"]  # fmt: skip
    assert list(cell["by_born_abroad"]) == ["ja", "nej", "okänt"]
    # One insats chosen: no breakdown by insats; every item asked at the occasion is there.
    assert "by_insats" not in cell
    assert list(cells(rows)["indicators"][V1]["avslut"]) == [
        "delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering"]


def test_languages_offered_are_the_participants_languages() -> None:
    from analysis.languages import OFFERED
    from survey.i18n import PARTICIPANT_LANGUAGES

    assert tuple(language.code for language in PARTICIPANT_LANGUAGES) == OFFERED


def test_published_report_keeps_its_promises() -> None:
    rows = _people(7, gender="kvinna") + _people(3, gender="man") + _people(6, gender="annat")
    rows += [make_row(participant=f"T{i}", item="redo", value=None) for i in range(2)]
    report = build_report(rows, ReportOptions(targets=(Target("nytta", "avslut", 0.9),)))
    assert report["format"] == REPORT_FORMAT == 2
    check_published(report)
    cell = report["indicators"][V1]["avslut"]["nytta"]
    # The target is checked on the same published counts the table shows.
    target = report["targets"][0]
    assert (target["n"], target["positive"]) == (cell["n"], cell["positive"])
    # Nothing is hidden: a small group shows its published count, with no share.
    man = cell["by_gender"]["man"]
    assert man["n"] in (0, 3, 4, 5) and (man["share"] is None) == (man["n"] < 5)
    tiny = build_report(_people(2))
    check_published(tiny)
    assert tiny["people"] in (0, 3, 4)


def test_the_same_people_publish_the_same_count_everywhere() -> None:
    """One insats's answers: its by_insats cell, a report of that insats alone, and its
    target are the same units, so the same published numbers."""
    rows = [make_row(participant=f"P{i}", value=4 if i % 4 else 1) for i in range(9)]
    rows += [make_row(participant=f"E{i}", insats="Elings ark") for i in range(7)]
    target = Target("nytta", "avslut", 0.8, "Hantverksstegen")
    both = build_report(rows, ReportOptions(targets=(target,)))
    alone = build_report(rows, ReportOptions(insatser=("Hantverksstegen",)))
    mine = both["indicators"][V1]["avslut"]["nytta"]["by_insats"]["Hantverksstegen"]
    total = alone["indicators"][V1]["avslut"]["nytta"]
    assert (mine["n"], mine["positive"]) == (total["n"], total["positive"])
    assert (both["targets"][0]["n"], both["targets"][0]["positive"]) == (mine["n"],
                                                                         mine["positive"])
    assert both["by_insats"]["Hantverksstegen"]["people"] == alone["people"]


def test_selection_by_period_insats_and_site() -> None:
    rows = [
        *_people(5),
        make_row(participant="late", submitted_at=dt.datetime(2025, 6, 1)),
        make_row(participant="other", insats="Elings ark"),
        make_row(participant="falk", site="Falköping"),
    ]
    def people(options: ReportOptions | None = None) -> int:
        return cells(rows, options)["people"]["people"]

    assert people() == 8
    assert people(ReportOptions(date_from=dt.date(2025, 1, 1),
                                date_to=dt.date(2025, 5, 31))) == 7  # fmt: skip
    assert people(ReportOptions(insatser=("Elings ark",))) == 1
    assert people(ReportOptions(site="Falköping")) == 1
    assert people(ReportOptions(date_to=dt.date(2025, 6, 1))) == 8


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


def test_outcome_target_cells_are_the_exit_outcomes_units() -> None:
    ended = dt.date(2025, 3, 25)
    enrolments = [_enrolment(f"K{i}", end_date=ended, exit_outcome="arbete") for i in range(5)]
    enrolments += [_enrolment(f"E{i}", insats="Elings ark", end_date=ended) for i in range(4)]
    options = ReportOptions(targets=(Target("work_or_studies", "avslut", 0.5,
                                            "Hantverksstegen", "outcome"),))  # fmt: skip
    (target,) = cells([], options, enrolments=enrolments)["targets"]
    assert (target["n"], target["positive"]) == (5, 5)
    published = build_report([], options, enrolments=enrolments)["targets"][0]
    assert (published["kind"], published["insats"]) == ("outcome", "Hantverksstegen")


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
    found = cells(rows)
    assert (found["people"]["people"], found["people"]["enrolments"]) == (10, 11)
    cell = found["indicators"][V1]["avslut"]["nytta"]
    assert (cell["n"], cell["positive"]) == (10, 9)
    assert cell["by_insats"]["Hantverksstegen"] == {"n": 5, "positive": 4, "dont_know": 0}
    assert found["people"]["by_insats"]["Hantverksstegen"] == {"people": 5, "enrolments": 6}
