"""Right of access, correction, deletion, retention purge and the audit log."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, AuditEvent, Enrolment, Participant, Response
from survey.retention import purge

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit


def answered(app, make_invitation, comment="Min kommentar"):  # type: ignore[no-untyped-def]
    token = make_invitation("sjalvskattning", "start", code="P-1")
    client = app.test_client()
    choose_language(client, token, "sv")
    answer(client, token, 1, "3", comment=comment)
    submit(client, token)
    return db.session.scalar(select(Participant))


def test_export_everything_about_a_participant(app, admin_client, make_invitation):
    person = answered(app, make_invitation)
    reply = admin_client.get(f"/personal/deltagare/{person.id}/export")
    assert reply.status_code == 200
    assert reply.headers["Content-Disposition"].startswith("attachment")
    data = json.loads(reply.data)
    assert data["deltagarkod"] == "P-1"
    answers = data["inskrivningar"][0]["enkäter"][0]["svar"]["svar"]
    assert answers == [{"fråga": "aktivitet", "värde": 3, "kommentar": "Min kommentar"}]
    # The event points at the participant (the log shows the current pseudonym).
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "participant_exported"))
    assert event.participant.pseudonym == "P-1" and "P-1" not in event.subject


def test_correct_a_participant(app, admin_client, make_invitation):
    person = answered(app, make_invitation)
    page = admin_client.get(f"/personal/deltagare/{person.id}")
    reply = admin_client.post(f"/personal/deltagare/{person.id}", data={
        "csrf_token": csrf_token(page.text), "pseudonym": "P-1b", "gender": "man",
        "birth_year": "1980", "born_abroad": "ja", "language": ""})
    assert reply.status_code == 302
    db.session.expire_all()
    person = db.session.get(Participant, person.id)
    assert (person.pseudonym, person.gender, person.birth_year) == ("P-1b", "man", 1980)


def test_delete_needs_the_code_and_removes_every_answer(app, admin_client, make_invitation):
    person = answered(app, make_invitation)
    page = admin_client.get(f"/personal/deltagare/{person.id}")
    url = f"/personal/deltagare/{person.id}/radera"
    admin_client.post(url, data={"csrf_token": csrf_token(page.text), "confirm": "fel"})
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1
    admin_client.post(url, data={"csrf_token": csrf_token(page.text), "confirm": "P-1"})
    for model in (Participant, Enrolment, Response, Answer):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    log = admin_client.get("/personal/logg").text
    assert "participant_deleted" in log and "P-1" in log


def test_handledare_cannot_see_privacy_pages(app, handledare_client, make_invitation):
    person = answered(app, make_invitation)
    for path in (f"/personal/deltagare/{person.id}", f"/personal/deltagare/{person.id}/export",
                 "/personal/logg"):
        assert handledare_client.get(path).status_code == 404


def test_purge_anonymises_after_the_retention_period(app, make_invitation):
    person = answered(app, make_invitation)
    enrolment = person.enrolments[0]
    enrolment.end_date = dt.date(2024, 1, 31)
    enrolment.exit_outcome = "arbete"
    db.session.commit()
    assert purge(dt.datetime(2025, 12, 1)) == 0  # 22 months: kept
    assert purge(dt.datetime(2026, 2, 15)) == 1  # 24 months passed
    db.session.commit()
    person = db.session.scalar(select(Participant))
    assert person.pseudonym.startswith("anonym-") and person.birth_year is None
    answer_row = db.session.scalar(select(Answer))
    assert answer_row.value == 3 and answer_row.comment is None
    assert purge(dt.datetime(2026, 3, 1)) == 0  # safe to run again
    assert db.session.scalar(select(AuditEvent.action)) == "purge"


def test_purge_command(app, make_invitation):
    answered(app, make_invitation)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and "0 deltagare" in result.output
