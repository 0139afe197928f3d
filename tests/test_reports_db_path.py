"""The report from the database (survey.reports.columns.report_entries and enrolment_columns)
equals the report from the same answers as a CSV, and from the exported rows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.enrolments import NO_BIRTH_YEAR, EnrolmentColumns
from analysis.income import income_sources
from analysis.report import (
    ReportOptions,
    build_report,
    build_report_from_csv,
    report_from_columns,
    report_from_entries,
)
from analysis.rows import EnrolmentRow
from analysis.synthetic import write_csv
from analysis.targets import Target
from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Insats, Response
from survey.reports.columns import enrolment_columns, report_columns, report_entries
from survey.reports.rows import answer_rows


@pytest.fixture
def loaded(app, insats, tmp_path):  # type: ignore[no-untyped-def]
    """60 synthetic participants imported with `flask import`; returns (csv, insats ids)."""
    path = tmp_path / "svar.csv"
    write_csv(path, 60, seed=7)
    result = app.test_cli_runner().invoke(args=["import", str(path), "--create-insats"])
    assert result.exit_code == 0, result.output
    # Some enrolments ended, one early, so the enrolment-based figures have something.
    enrolments = db.session.scalars(select(Enrolment).order_by(Enrolment.id))
    for number, enrolment in enumerate(enrolments):
        if number % 3 == 0:
            enrolment.end_date = dt.date(2025, 6, 30)
            enrolment.exit_outcome = ExitOutcome.arbete if number % 2 else ExitOutcome.studier
        enrolment.left_early = number % 7 == 0
        # Försörjning, as staff record it: some lists at start and exit, some missing.
        enrolment.income_start = [["forsorjningsstod"], ["lon", "sjukpenning"], []][number % 3]
        enrolment.income_exit = [["lon"], None, ["studiemedel", "lon"], ["ingen"]][number % 4]
    db.session.commit()
    ids = list(db.session.scalars(select(Insats.id).order_by(Insats.id)))
    return path, ids


def _names(ids: list[int]) -> tuple[str, ...]:
    return tuple(db.session.scalars(select(Insats.name).where(Insats.id.in_(ids))))


def _orm_enrolments(ids: list[int]) -> list[EnrolmentRow]:
    """The enrolments as the ORM sees them, one EnrolmentRow each, ordered by id."""
    return [
        EnrolmentRow(
            id=str(e.id), participant=e.participant.pseudonym, gender=str(e.participant.gender),
            born_abroad=str(e.participant.born_abroad), insats=e.insats.name,
            site=e.site.name if e.site else None, start_date=e.start_date, end_date=e.end_date,
            exit_outcome=str(e.exit_outcome) if e.exit_outcome else None,
            left_early=e.left_early,
            invited=frozenset((i.questionnaire_key, str(i.occasion)) for i in e.invitations),
            birth_year=e.participant.birth_year,
            income_start=income_sources(e.income_start) or (),
            income_exit=income_sources(e.income_exit),
            record_key=e.participant.record_key,
        )
        for e in db.session.scalars(
            select(Enrolment).where(Enrolment.insats_id.in_(ids)).order_by(Enrolment.id)
            .options(selectinload(Enrolment.participant), selectinload(Enrolment.insats),
                     selectinload(Enrolment.site), selectinload(Enrolment.invitations))
        )
    ]


def _rows_of(columns: EnrolmentColumns) -> list[EnrolmentRow]:
    """One EnrolmentRow per enrolment of the columns."""
    ends = columns.end_date.astype(object)
    return [
        EnrolmentRow(
            id=key if isinstance(key, str) else None,
            participant=columns.participant.name(i), gender=columns.gender.name(i),
            born_abroad=columns.born_abroad.name(i), insats=columns.insats.name(i),
            site=columns.site.name(i), start_date=columns.start_date[i].item(),
            end_date=ends[i], exit_outcome=columns.exit_outcome.name(i),
            left_early=bool(columns.left_early[i]),
            invited=frozenset(pair for pair, mask in columns.invited.items() if mask[i]),
            birth_year=None if columns.birth_year[i] == NO_BIRTH_YEAR
            else int(columns.birth_year[i]),
            income_start=columns.income_start.name(i) or (),
            income_exit=columns.income_exit.name(i),
            record_key=int(columns.record_key[i]),
        )
        for i, key in enumerate(columns.key)
    ]


def _from_database(app, ids: list[int], options: ReportOptions) -> dict:  # type: ignore[no-untyped-def]
    """What report_for builds: entries and enrolment columns from the database."""
    registry = app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(ids)
    return report_from_columns(*report_columns(ids, registry, enrolments), options, enrolments)


def _same(a: dict, b: dict) -> None:
    # Equal as JSON text, key order included (the PDF and pages iterate in that order).
    assert json.dumps(a, default=str) == json.dumps(b, default=str)


OPTIONS = [
    {},
    {"date_from": dt.date(2024, 6, 1), "date_to": dt.date(2025, 3, 31)},
    {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 6, 30), "age_bands": (18, 40),
     "pagaende_days": 30},
    {"site": "Skövde"},
    {"targets": (Target("nytta", "avslut", 0.8), Target("redo", "pagaende", 0.5))},
]


@pytest.mark.parametrize("extra", OPTIONS)
def test_database_report_equals_csv_report(app, loaded, extra):
    path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids), **extra)
    from_csv, errors = build_report_from_csv(path, options, registry=registry)
    assert not errors
    from_db = report_from_columns(*report_columns(ids, registry, enrolment_columns(ids)),
                                  options)  # fmt: skip
    # The same people with the same record keys: the same published report.
    _same(from_db, from_csv)
    if not extra:
        # Everyone is in it, people of annat or okänt gender too (nobody is left out).
        others = {row.participant for row in answer_rows(ids) if row.gender in ("annat", "okänt")}
        assert others and set(from_db["indicators"]["finsam-indikatorer/v1"]["avslut"]["nytta"][
            "by_gender"]) == {"kvinna", "man", "annat", "okänt"}
        assert "left_out" not in from_db


@pytest.mark.parametrize("extra", OPTIONS)
def test_database_columns_equal_the_exported_rows_with_enrolments(app, loaded, extra):
    _path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids), **extra)
    one_by_one = build_report(answer_rows(ids), options, enrolments=_orm_enrolments(ids),
                              registry=registry)
    columns = _from_database(app, ids, options)
    _same(columns, one_by_one)
    assert columns["missing"]["source"] == "enrolments"
    assert extra or columns["exit_outcomes"]["ended"] > 0
    assert extra or (columns["income"]["recorded"] > 0 and columns["counts"]["ended"]["n"] > 0)
    assert (columns["previous"] is not None) == ("date_from" in extra)


def test_enrolment_columns_equal_the_orm_objects(app, loaded):
    _path, ids = loaded
    expected = _orm_enrolments(ids)
    assert _rows_of(enrolment_columns(ids)) == expected
    assert any(e.exit_outcome for e in expected) and any(e.left_early for e in expected)
    assert any(e.birth_year for e in expected) and any(e.income_exit for e in expected)
    assert any(e.income_exit is None for e in expected)


def test_two_responses_at_the_same_latest_moment_are_one(app, loaded):
    """Two responses of one enrolment to one version at one occasion and moment are merged
    into one entry, the later response's answers winning, from columns and rows alike."""
    _path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    responses = list(db.session.scalars(select(Response).order_by(Response.id)))
    first = responses[0]
    twin = next(r for r in responses[1:] if r.invitation.enrolment_id
                == first.invitation.enrolment_id and r.invitation.occasion
                != first.invitation.occasion and r.invitation.questionnaire_key
                == first.invitation.questionnaire_key)
    twin.invitation.occasion = first.invitation.occasion
    twin.submitted_at = first.submitted_at
    db.session.commit()
    options = ReportOptions(insatser=_names(ids))
    entries = report_entries(ids, registry, options.selection, enrolment_columns(ids))
    mine = [i for i in range(len(entries))
            if entries.enrolment.name(i) == str(first.invitation.enrolment_id)
            and entries.occasion.name(i) == str(first.invitation.occasion)
            and entries.layouts[entries.qv[i]].key == first.invitation.questionnaire_key]
    assert len(mine) == 1
    layout = entries.layouts[entries.qv[mine[0]]]
    values = {item: int(entries.values[mine[0], i]) for i, item in enumerate(layout.items)}
    expected = {a.item_id: a.value for a in first.answers} | {a.item_id: a.value
                                                            for a in twin.answers}
    assert values == {item: -2 if value is None else value for item, value in expected.items()}
    _same(report_from_entries(entries, options),
          build_report(answer_rows(ids), options, registry=registry))


def test_export_period(app, loaded):
    _path, ids = loaded
    everything = list(answer_rows(ids))
    start, end = dt.date(2024, 9, 1), dt.date(2025, 2, 28)
    period = list(answer_rows(ids, start, end))
    assert period == [row for row in everything if start <= row.submitted_at.date() <= end]
    assert 0 < len(period) < len(everything)


def test_enrolments_without_a_site(app, loaded):
    """Invitations made with `flask invite` have no site: NULL must stay its own group."""
    _path, ids = loaded
    enrolments = list(db.session.scalars(select(Enrolment).order_by(Enrolment.id)))
    for enrolment in enrolments[::4]:
        enrolment.site = None
    db.session.commit()
    options = ReportOptions(insatser=_names(ids))
    rows = list(answer_rows(ids))
    _same(_from_database(app, ids, options),
          build_report(iter(rows), options, enrolments=_orm_enrolments(ids)))
    assert any(row.site is None for row in rows)


BOARD_KEYS = ("counts", "response_rates", "income", "previous")


def _store_board_example(insats: Insats, enrolments: list[EnrolmentRow] | None = None,
                         answers_of: list | None = None) -> list[int]:  # fmt: skip
    """test_analysis_board's enrolments and answers (or the ones given) in the database
    (insatser A and B of the fixture's förbund); the insatser's ids."""
    from survey import invitations
    from survey.models import Answer, BornAbroad, Gender, Participant, Site

    from .test_analysis_board import ANSWERS, ENROLMENTS

    rows = ENROLMENTS if enrolments is None else enrolments
    given = ANSWERS if enrolments is None else answers_of or []
    registry = invitations.current_app.extensions["stegvis.questionnaires"]
    made = {}
    for name in ("A", "B"):
        made[name] = Insats(organisation_id=insats.organisation_id, name=name)
        db.session.add_all([made[name], Site(insats=made[name], name="Skövde")])
    people: dict[str, Participant] = {}
    answers = {(a.participant, a.insats, a.questionnaire, a.occasion): a for a in given}
    for row in rows:
        person = people.get(row.participant)
        if person is None:
            person = people[row.participant] = Participant(
                organisation_id=insats.organisation_id, pseudonym=row.participant,
                gender=Gender(row.gender), birth_year=row.birth_year,
                born_abroad=BornAbroad(row.born_abroad), record_key=row.record_key)
        enrolment = Enrolment(
            participant=person, insats=made[row.insats], site=made[row.insats].sites[0],
            start_date=row.start_date, end_date=row.end_date, left_early=row.left_early,
            exit_outcome=ExitOutcome(row.exit_outcome) if row.exit_outcome else None,
            income_start=list(row.income_start), income_exit=row.income_exit)
        db.session.add(enrolment)
        for key, occasion in sorted(row.invited):
            invitations.create(enrolment, registry.get(key, 1), occasion)
            answer = answers.get((row.participant, row.insats, key, occasion))
            if answer is not None:
                response = Response(invitation=enrolment.invitations[-1], language="sv",
                                    submitted_at=answer.submitted_at)
                db.session.add_all([response, Answer(response=response, item_id=answer.item,
                                                     value=answer.value)])
    db.session.commit()
    return [made["A"].id, made["B"].id]


def test_board_figures_on_the_database_path_are_the_hand_computed_ones(app, insats):
    """The hand-computed example of test_analysis_board.py, stored in the database: the
    database path gives the same counts, response rates, försörjning and previous
    period as the rows it was made from (whose figures that file checks by hand)."""
    from .test_analysis_board import ANSWERS, ENROLMENTS, H1

    ids = _store_board_example(insats)
    options = dataclasses.replace(H1, insatser=("A", "B"))
    from_db = _from_database(app, ids, options)
    from_rows = build_report(ANSWERS, options, enrolments=ENROLMENTS)
    for key in BOARD_KEYS:
        _same(from_db[key], from_rows[key])
    assert from_db["counts"]["enrolled"]["n"] == from_rows["counts"]["enrolled"]["n"] > 0


def test_board_cells_on_the_database_path_are_the_hand_computed_ones(app, insats):
    """The database path's figures hand the board figures the same exact cells, keys
    included, as test_analysis_board.py computes by hand from the rows."""
    from analysis.figures import (
        FigureInputs,
        counts,
        exit_outcomes,
        income,
        missing,
        response_rates,
    )
    from analysis.perturbation import Cell, exact

    from .test_analysis_board import ANSWERS, ENROLMENTS, H1, inputs_for, key

    ids = _store_board_example(insats)
    options = dataclasses.replace(H1, insatser=("A", "B"))
    registry = app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(ids)
    from_db = FigureInputs(report_entries(ids, registry, options.selection, enrolments),
                           enrolments, options.selection, options, None, registry)
    from_rows = inputs_for(ANSWERS, ENROLMENTS, options)
    for figure in (counts, response_rates, missing, exit_outcomes, income):
        assert figure.cells(from_db) == figure.cells(from_rows), figure.__name__
    cells = counts.cells(from_db)
    assert exact(cells["enrolled"]["n"]) == 6
    assert cells["ended"]["n"] == Cell(3, key("P1", "P3", "P8"))
    rates = exact(response_rates.cells(from_db))["by_questionnaire"]["sjalvskattning"]
    assert (rates["start"]["due"], rates["start"]["answered"]) == (4, 2)


def test_report_for_uses_the_forbund_settings(app, insats):
    """report_for reads the days until a pågående answer is due and the age bands from
    the förbund's settings."""
    from survey.models import Organisation
    from survey.reports.build import report_for

    from .test_analysis_board import ANSWERS, ENROLMENTS, H1

    ids = _store_board_example(insats)
    organisation = db.session.get(Organisation, insats.organisation_id)
    organisation.pagaende_due_days = 150
    organisation.age_bands = "18,25,65"
    db.session.commit()
    chosen = list(db.session.scalars(select(Insats).where(Insats.id.in_(ids))))
    report, options = report_for(chosen, H1.date_from, H1.date_to, None, "Test")
    assert (options.pagaende_days, options.age_bands) == (150, (18, 25, 65))
    expected = build_report(ANSWERS, dataclasses.replace(options, title=None),
                            enrolments=ENROLMENTS)  # fmt: skip
    for key in BOARD_KEYS:
        _same(report[key], expected[key])
    assert report["selection"]["age_bands"] == [18, 25, 65]


def test_the_demo_board_sees_work_or_studies_and_outcomes_by_gender(app):
    """Issue 21's third case, on the demo (its dates are relative to today), over the
    whole months of its history: the board sees the share of the ended who went to work
    or studies, with its target, and every exit outcome by gender, as numbers."""
    from analysis.board_tables import board_tables
    from analysis.rows import GENDERS
    from analysis.targets import outcome_target
    from survey.demo import INSATS

    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    chosen = list(db.session.scalars(select(Insats).where(Insats.name == INSATS)))
    today = dt.date.today()
    first = dt.date(today.year - 2, today.month, 1)
    from survey.reports.build import report_for

    report, options = report_for(chosen, first, today, None, "Demo")
    outcomes = report["exit_outcomes"]
    assert outcomes["ended"] >= 5
    assert outcomes["work_or_studies"]["share"] is not None
    assert list(outcomes["by_gender"]) == list(GENDERS)
    tables = {table.name: table for table in board_tables(report)}
    shown = [cell for row in tables["Avslutsorsaker"].rows for cell in row[3:]]
    # A gender with fewer than 5 published ended shows no outcomes (shares.parts).
    assert any(isinstance(cell, int) for cell in shown)
    assert all(cell is None or isinstance(cell, int) for cell in shown)
    # With an outcome target, its verdict stands beside the share.
    ids = [chosen[0].id]
    enrolments = enrolment_columns(ids)
    targeted = report_from_columns(
        *report_columns(ids, app.extensions["stegvis.questionnaires"], enrolments),
        dataclasses.replace(options, targets=(outcome_target(0.3, INSATS),)), enrolments)
    work = {table.name: table for table in board_tables(targeted)}["Arbete eller studier"]
    row = next(row for row in work.rows if row[0] == INSATS)
    assert row[3] == outcomes["by_insats"][INSATS]["work_or_studies"]["share"] is not None
    assert row[6] == 0.3 and row[7] != "För få svar"
