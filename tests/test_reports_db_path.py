"""The report from the database (columns: survey.reports.rows.AnswerRows.entries) equals the
report from the same answers as a CSV, and the row-by-row collector's report."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.report import ReportOptions, build_report, build_report_from_csv
from analysis.rows import EnrolmentRow
from analysis.synthetic import write_csv
from analysis.targets import Target
from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Insats, Response
from survey.reports.rows import answer_rows, enrolment_rows


@pytest.fixture
def loaded(app, insats, tmp_path):  # type: ignore[no-untyped-def]
    """60 synthetic participants imported with `flask import`; returns (csv, insats ids)."""
    path = tmp_path / "svar.csv"
    write_csv(path, 60, seed=7)
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    # Some enrolments ended, one early, so the enrolment-based figures have something.
    enrolments = db.session.scalars(select(Enrolment).order_by(Enrolment.id))
    for number, enrolment in enumerate(enrolments):
        if number % 3 == 0:
            enrolment.end_date = dt.date(2025, 6, 30)
            enrolment.exit_outcome = ExitOutcome.arbete if number % 2 else ExitOutcome.studier
        enrolment.left_early = number % 7 == 0
    db.session.commit()
    ids = list(db.session.scalars(select(Insats.id).order_by(Insats.id)))
    return path, ids


def _names(ids: list[int]) -> tuple[str, ...]:
    return tuple(db.session.scalars(select(Insats.name).where(Insats.id.in_(ids))))


def _same(a: dict, b: dict) -> None:
    # Equal as JSON text, key order included (the PDF and pages iterate in that order).
    assert json.dumps(a, default=str) == json.dumps(b, default=str)


OPTIONS = [
    {},
    {"date_from": dt.date(2024, 6, 1), "date_to": dt.date(2025, 3, 31)},
    {"site": "Skövde"},
    {"targets": (Target("nytta", "avslut", 0.8), Target("redo", "pagaende", 0.5))},
    {"min_group": 3},
]


@pytest.mark.parametrize("extra", OPTIONS)
def test_database_report_equals_csv_report(app, loaded, extra):
    path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids), **extra)
    from_csv, errors = build_report_from_csv(path, options, registry=registry)
    assert not errors
    rows = answer_rows(ids)
    assert rows.entries(registry, options.selection) is not None  # the columnar path ran
    from_db = build_report(rows, options, registry=registry)
    _same(from_db, from_csv)
    # Fewer than 5 of annat or okänt kön are left out of the report (the disclosure rule).
    others = {line.split(",")[0] for line in path.read_text(encoding="utf-8").splitlines()
              if line.split(",")[1] in ("annat", "okänt")}
    if not extra:
        assert 0 < len(others) < 5 and from_db["left_out"]
        assert from_db["people"] == 60 - len(others)


@pytest.mark.parametrize("extra", OPTIONS)
def test_columns_equal_row_by_row_with_enrolments(app, loaded, extra):
    _path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids), **extra)
    enrolments = enrolment_rows(ids)
    columns = build_report(answer_rows(ids), options, enrolments=enrolments, registry=registry)
    one_by_one = build_report(iter(answer_rows(ids)), options, enrolments=enrolments,
                              registry=registry)
    _same(columns, one_by_one)
    assert columns["missing"]["source"] == "enrolments"


@pytest.mark.parametrize("extra", OPTIONS)
def test_enrolment_columns_from_the_database_equal_the_rows(app, loaded, extra):
    """What report_for passes (the enrolment table read once, as columns) gives the report
    that one EnrolmentRow per enrolment gives."""
    _path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids), **extra)
    rows = answer_rows(ids)
    columns = build_report(rows, options, enrolments=rows.enrolments(), registry=registry)
    _same(columns, build_report(answer_rows(ids), options, enrolments=enrolment_rows(ids),
                                registry=registry))
    assert extra or columns["exit_outcomes"]["ended"] > 0


def test_enrolment_rows_equal_the_orm_objects(app, loaded):
    _path, ids = loaded
    expected = [
        EnrolmentRow(
            id=str(e.id), participant=e.participant.pseudonym, gender=str(e.participant.gender),
            born_abroad=str(e.participant.born_abroad), insats=e.insats.name,
            site=e.site.name if e.site else None, start_date=e.start_date, end_date=e.end_date,
            exit_outcome=str(e.exit_outcome) if e.exit_outcome else None,
            left_early=e.left_early,
            invited=frozenset((i.questionnaire_key, str(i.occasion)) for i in e.invitations),
        )
        for e in db.session.scalars(
            select(Enrolment).where(Enrolment.insats_id.in_(ids)).order_by(Enrolment.id)
            .options(selectinload(Enrolment.participant), selectinload(Enrolment.insats),
                     selectinload(Enrolment.site), selectinload(Enrolment.invitations))
        )
    ]
    assert enrolment_rows(ids) == expected
    assert any(e.exit_outcome for e in expected) and any(e.left_early for e in expected)


def test_two_responses_at_the_same_latest_moment_use_the_rows(app, loaded):
    """The collector merges such responses; the columns step aside and give the same."""
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
    rows = answer_rows(ids)
    assert rows.entries(registry, options.selection) is None
    _same(build_report(rows, options, registry=registry),
          build_report(iter(answer_rows(ids)), options, registry=registry))


def test_export_period_applies_to_the_columns(app, loaded):
    _path, ids = loaded
    registry = app.extensions["stegvis.questionnaires"]
    options = ReportOptions(insatser=_names(ids))
    rows = answer_rows(ids, dt.date(2024, 9, 1), dt.date(2025, 2, 28))
    _same(build_report(rows, options, registry=registry),
          build_report(iter(rows), options, registry=registry))


def test_enrolments_without_a_site(app, loaded):
    """Invitations made with `flask invite` have no site: NULL must stay its own group."""
    _path, ids = loaded
    enrolments = list(db.session.scalars(select(Enrolment).order_by(Enrolment.id)))
    for enrolment in enrolments[::4]:
        enrolment.site = None
    db.session.commit()
    options = ReportOptions(insatser=_names(ids))
    rows = list(answer_rows(ids))
    _same(build_report(answer_rows(ids), options, enrolments=enrolment_rows(ids)),
          build_report(iter(rows), options, enrolments=enrolment_rows(ids)))
    assert any(row.site is None for row in rows)
