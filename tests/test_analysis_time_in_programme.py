"""Time in the programme (issue 24 point 3, analysis/figures/time_in_programme.py): the
ended enrolments per band of whole calendar months by exit outcome, computed by hand
from rows and from the database (SQLite and PostgreSQL), published as the exit outcomes'
own figures, withheld behind a small base, and shown by every renderer.

The hand example: the first half of 2025 (H1), insatser A and B. Each person has a
record key of their own (KEYS, test_analysis_board's), so a cell's key is checked by
hand too; P1 has two ended enrolments and adds their key twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from typing import Any

import numpy as np
import pytest

from analysis import EnrolmentRow, build_report
from analysis.board_tables import time_tables
from analysis.due import add_months
from analysis.figures import exit_outcomes, time_in_programme
from analysis.figures.time_in_programme import BANDS, bands
from analysis.perturbation import Cell, exact
from analysis.report import build_report_from_csv
from analysis.report_csv import write_report_csv
from analysis.rows import EXIT_OUTCOMES
from analysis.shares import MIN_BASE
from analysis.synthetic import make_row, to_csv_text
from analysis.text import summary
from analysis.xlsx import write_xlsx

from .published import check_published
from .test_analysis_board import H1, KEYS, _programme, inputs_for, key

D = dt.date


def _ended(person: str, insats: str, start: dt.date, end: dt.date | None,
           outcome: str | None) -> EnrolmentRow:  # fmt: skip
    return EnrolmentRow(None, person, "kvinna", "nej", insats, "Skövde", start, end, outcome,
                        birth_year=1990, record_key=KEYS[person])  # fmt: skip


# The bands' edges by add_months: 31 January + 3 months is 30 April; 29 February 2024 +
# 12 months is 28 February 2025.
ENROLMENTS = [
    _ended("P1", "A", D(2025, 1, 31), D(2025, 4, 29), "arbete"),  # under 3: a day short
    _ended("P2", "A", D(2025, 1, 31), D(2025, 4, 30), "studier"),  # 3 months to the day
    _ended("P3", "A", D(2024, 12, 15), D(2025, 6, 14), "annat"),  # a day short of 6
    _ended("P1", "B", D(2024, 12, 15), D(2025, 6, 15), "arbete"),  # 6 to the day
    _ended("P4", "B", D(2024, 3, 1), D(2025, 2, 28), "arbetssökande"),  # a day short of 12
    _ended("P5", "A", D(2024, 2, 29), D(2025, 2, 28), None),  # 12: okänd outcome
    _ended("P6", "B", D(2023, 1, 1), D(2025, 3, 1), "arbete"),  # over two years
    _ended("P7", "A", D(2024, 1, 1), D(2024, 12, 31), "arbete"),  # ended before H1
    _ended("P8", "A", D(2025, 2, 1), None, None),  # still enrolled
]


def _counts(block: dict[str, Any]) -> dict[str, Any]:
    """A group's exact figures, outcomes only where not 0."""
    return {"ended": block["ended"], "work": block["work_or_studies"]["count"],
            "outcomes": {k: v["count"] for k, v in block["outcomes"].items() if v["count"]}}


def test_bands_are_whole_calendar_months_by_add_months() -> None:
    days = [(D(2025, 1, 31), D(2025, 4, 29)), (D(2025, 1, 31), D(2025, 4, 30)),
            (D(2024, 12, 15), D(2025, 6, 14)), (D(2024, 12, 15), D(2025, 6, 15)),
            (D(2024, 3, 1), D(2025, 2, 28)), (D(2024, 2, 29), D(2025, 2, 28)),
            (D(2025, 5, 5), D(2025, 5, 5)), (D(2025, 5, 5), D(2025, 5, 4))]  # fmt: skip
    start, end = (np.asarray(side, dtype="datetime64[D]") for side in zip(*days, strict=True))
    assert bands(start, end).tolist() == [0, 1, 1, 2, 2, 3, 0, 0]
    # Against add_months itself, over every start day of two years and ends up to 14
    # months on: the last band whose bound the end has reached.
    rnd = random.Random(3)  # noqa: S311 (test data)
    starts = [D(2023, 1, 1) + dt.timedelta(days=rnd.randint(0, 730)) for _ in range(3000)]
    ends = [s + dt.timedelta(days=rnd.randint(0, 430)) for s in starts]
    by_hand = [sum(e >= add_months(s, m) for m in list(BANDS.values())[1:])
               for s, e in zip(starts, ends, strict=True)]  # fmt: skip
    assert bands(np.asarray(starts, dtype="datetime64[D]"),
                 np.asarray(ends, dtype="datetime64[D]")).tolist() == by_hand  # fmt: skip
    assert bands(np.zeros(0, dtype="datetime64[D]"), np.zeros(0, dtype="datetime64[D]")).size == 0


def test_time_in_programme_cells_by_hand() -> None:
    cells = time_in_programme.cells(inputs_for([], ENROLMENTS))
    figures = exact(cells)
    assert figures["bands"] == ["under_3", "3_to_6", "6_to_12", "12_or_more"]
    assert _counts(figures) == {"ended": 7, "work": 4, "outcomes": {
        "arbete": 3, "studier": 1, "annat": 1, "arbetssökande": 1, "okänd": 1}}
    assert {band: _counts(b) for band, b in figures["by_band"].items()} == {
        "under_3": {"ended": 1, "work": 1, "outcomes": {"arbete": 1}},
        "3_to_6": {"ended": 2, "work": 1, "outcomes": {"studier": 1, "annat": 1}},
        "6_to_12": {"ended": 2, "work": 1, "outcomes": {"arbete": 1, "arbetssökande": 1}},
        "12_or_more": {"ended": 2, "work": 1, "outcomes": {"okänd": 1, "arbete": 1}},
    }
    assert list(figures["by_band"]["under_3"]["outcomes"]) == list(EXIT_OUTCOMES)
    a, b = figures["by_insats"]["A"], figures["by_insats"]["B"]
    assert [a["by_band"][band]["ended"] for band in BANDS] == [1, 2, 0, 1]
    assert [b["by_band"][band]["ended"] for band in BANDS] == [0, 0, 2, 1]
    assert (a["ended"], b["ended"]) == (4, 3)
    # The keys: P1 twice in all, once in each insats's and band's cells.
    assert cells["ended"] == Cell(7, key("P1", "P1", "P2", "P3", "P4", "P5", "P6"))
    assert cells["by_band"]["3_to_6"]["ended"] == Cell(2, key("P2", "P3"))
    assert cells["by_band"]["6_to_12"]["outcomes"]["arbete"]["count"] == Cell(1, key("P1"))
    assert cells["by_insats"]["B"]["by_band"]["12_or_more"]["work_or_studies"]["count"] == \
        Cell(1, key("P6"))


def test_the_all_bands_figures_are_the_exit_outcomes_cells() -> None:
    """The same units: ended, each outcome and work or studies, in total and per insats,
    are the exit outcomes' cells, keys included, so they publish as the same numbers."""
    inputs = inputs_for([], ENROLMENTS)
    time, outcomes = time_in_programme.cells(inputs), exit_outcomes.cells(inputs)
    for group in ("ended", "outcomes", "work_or_studies"):
        assert time[group] == outcomes[group]
        for insats in ("A", "B"):
            assert time["by_insats"][insats][group] == outcomes["by_insats"][insats][group]
    enrolments, answers = _programme(80, 6)
    report = build_report(answers, H1, enrolments=enrolments)
    time, outcomes = report["time_in_programme"], report["exit_outcomes"]
    assert time["ended"] == outcomes["ended"] >= MIN_BASE
    for group in ("outcomes", "work_or_studies"):
        assert time[group] == outcomes[group]
        assert time["by_insats"]["A"][group] == outcomes["by_insats"]["A"][group]
    # A förbund's own list of outcomes counted as work or studies.
    own = dataclasses.replace(H1, work_outcomes=("arbete", "arbetssökande"))
    figures = exact(time_in_programme.cells(inputs_for([], ENROLMENTS, own)))
    assert figures["work_or_studies"]["count"] == 4
    assert figures["by_band"]["6_to_12"]["work_or_studies"]["count"] == 2


@pytest.mark.parametrize(("people", "seed"), [(12, 1), (40, 2), (150, 3)])
def test_a_small_base_withholds_its_bands_and_outcomes(people: int, seed: int) -> None:
    """Under 5 published ended in a group, its bands are withheld; under 5 in a band, its
    outcomes and work or studies. Otherwise every count is shown, capped at its base."""
    enrolments, answers = _programme(people, seed)
    report = build_report(answers, H1, enrolments=enrolments)
    check_published(report)  # no count of 1 or 2 anywhere in the figure
    time = report["time_in_programme"]
    groups = [time, *time["by_insats"].values()]
    seen_small = seen_shown = False
    for group in groups:
        for band in group["by_band"].values():
            if group["ended"] < MIN_BASE:
                seen_small = True
                assert band["ended"] is None and band["share"] is None and band["few"]
            else:
                seen_shown = True
                assert band["ended"] <= group["ended"]
                assert band["share"] == round(band["ended"] / group["ended"], 4)
            counts = [part["count"] for part in band["outcomes"].values()]
            counts.append(band["work_or_studies"]["count"])
            if band["ended"] is None or band["ended"] < MIN_BASE:
                assert counts == [None] * len(counts)
                assert band["work_or_studies"]["share"] is None
            else:
                assert all(0 <= count <= band["ended"] and count not in (1, 2)
                           for count in counts)  # fmt: skip
    assert seen_small if people == 12 else seen_shown


def test_a_csv_of_answers_has_no_time_in_programme() -> None:
    rows = [make_row(participant=f"K{i}") for i in range(6)]
    report, errors = build_report_from_csv(io.StringIO(to_csv_text(rows)))
    assert errors == [] and report is not None
    time = report["time_in_programme"]
    assert time["available"] is False and "CSV" in time["note"]
    (table,) = time_tables(report)
    assert table.name == "Tid i insatsen" and "CSV" in table.rows[0][0]
    assert "Tid i insatsen finns inte i en CSV-fil" in summary(report)


def test_every_renderer_shows_the_published_bands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    enrolments, answers = _programme(150, 7)
    report = build_report(answers, H1, enrolments=enrolments)
    time = report["time_in_programme"]
    bands_table, outcome_table, bands_per_insats, per_insats = time_tables(report)
    assert [row[1] for row in bands_table.rows] == [
        *(time["by_band"][band]["ended"] for band in BANDS), time["ended"]]
    assert [row[2] for row in bands_table.rows[:4]] == [
        time["by_band"][band]["share"] for band in BANDS]
    assert bands_table.rows[4][3] == time["work_or_studies"]["count"]
    assert bands_table.place == outcome_table.place == "body"
    assert bands_per_insats.place == per_insats.place == "appendix"
    a = time["by_insats"]["A"]
    assert [row[2] for row in bands_per_insats.rows if row[0] == "A"] == [
        *(a["by_band"][band]["ended"] for band in BANDS), a["ended"]]
    arbete = next(row for row in outcome_table.rows if row[0] == "Arbete")
    assert arbete == ["Arbete", *(time["by_band"][band]["outcomes"]["arbete"]["count"]
                                  for band in BANDS), report["exit_outcomes"]["outcomes"][
                                      "arbete"]["count"]]  # fmt: skip
    assert outcome_table.rows[-1] == ["Avslutade", *(time["by_band"][b]["ended"] for b in BANDS),
                                      report["exit_outcomes"]["ended"]]  # fmt: skip
    assert {row[0] for row in per_insats.rows} == set(time["by_insats"])
    # Near the exit outcomes in the list of tables, so in the Excel file and the CSV.
    out = io.StringIO()
    write_report_csv(report, out)
    assert "Tid i insatsen för avslutade inskrivningar" in out.getvalue()
    assert "Avslutsorsaker efter tid i insatsen" in out.getvalue()
    from openpyxl import load_workbook

    path = tmp_path / "r.xlsx"
    write_xlsx(report, path)
    sheets = load_workbook(path).sheetnames
    # After the exit outcomes and the follow-ups after exit (what became of the leavers).
    assert sheets.index("Tid i insatsen") == sheets.index("Avslutsorsaker") + 3
    assert {"Tid i insatsen per insats", "Tid och avslutsorsak per insats"} <= set(sheets)
    # The text summary: a line per band with its published ended.
    lines = summary(report).split("\nTid i insatsen\n")[1].splitlines()
    assert [line.split("arbete eller studier")[0].split()[-1] for line in lines] == [
        str(time["by_band"][band]["ended"]) for band in BANDS]


def test_english_names_of_the_bands(app) -> None:  # type: ignore[no-untyped-def]
    from flask_babel import force_locale, gettext

    enrolments, answers = _programme(40, 2)
    report = build_report(answers, H1, enrolments=enrolments)
    with app.test_request_context(), force_locale("en"):
        tables = time_tables(report, gettext)
    assert tables[0].title == "Time in the programme of ended enrolments"
    assert [row[0] for row in tables[0].rows] == [
        "Under 3 months", "3–6 months", "6–12 months", "12 months or more", "All"]


# --- the database path (SQLite and PostgreSQL) ---------------------------------------------
def test_time_in_programme_on_the_database_path_is_the_hand_computed_one(app, insats):  # type: ignore[no-untyped-def]
    from analysis.figures import FigureInputs
    from analysis.report import report_from_columns
    from questionnaires import Registry
    from survey.reports.columns import enrolment_columns, report_columns, report_entries

    from .test_reports_db_path import _store_board_example

    ids = _store_board_example(insats, ENROLMENTS)
    options = dataclasses.replace(H1, insatser=("A", "B"))
    registry: Registry = app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(ids)
    from_db = FigureInputs(report_entries(ids, registry, options.selection, enrolments),
                           enrolments, options.selection, options, None, registry)  # fmt: skip
    cells = time_in_programme.cells(from_db)
    assert cells == time_in_programme.cells(inputs_for([], ENROLMENTS, options))
    figures = exact(cells)
    assert [figures["by_band"][band]["ended"] for band in BANDS] == [1, 2, 2, 2]
    assert cells["ended"] == Cell(7, key("P1", "P1", "P2", "P3", "P4", "P5", "P6"))
    report = report_from_columns(*report_columns(ids, registry, enrolments), options, enrolments)
    assert report["time_in_programme"] == build_report([], options, enrolments=ENROLMENTS)[
        "time_in_programme"]  # fmt: skip


def test_the_demo_shows_time_in_the_programme(app):  # type: ignore[no-untyped-def]
    """The demo's ended enrolments (their dates relative to today), over the whole months
    of its history: the board sees them per band, as numbers."""
    from sqlalchemy import select

    from survey.demo import INSATS
    from survey.extensions import db
    from survey.models import Insats
    from survey.reports.build import report_for

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    chosen = list(db.session.scalars(select(Insats).where(Insats.name == INSATS)))
    today = dt.date.today()
    report, _options = report_for(chosen, D(today.year - 2, today.month, 1), today, None, "Demo")
    time = report["time_in_programme"]
    assert time["available"] and time["ended"] == report["exit_outcomes"]["ended"] >= MIN_BASE
    shown = [time["by_band"][band]["ended"] for band in BANDS]
    assert all(isinstance(count, int) for count in shown) and any(shown)
    assert time_tables(report)[0].rows[-1][1] == time["ended"]
