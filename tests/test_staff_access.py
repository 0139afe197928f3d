"""Every registered staff route, for every role: a new route without a check fails here."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask

from survey.extensions import db
from survey.models import Enrolment, Insats, Participant, Site

from .conftest import PASSWORD, csrf_token, login

# Routes anyone may open: the participant survey and /kod, the login and lock screens,
# assets.
PUBLIC = {"static", "index", "auth.login", "auth.logout", "auth.locked", "auth.staff_language",
          "health.healthz", "auth.second_factor", "code.enter", "code.look_up", "favicon"}


def staff_rules(app: Flask):  # type: ignore[no-untyped-def]
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC or rule.endpoint.startswith("answering."):
            continue
        yield rule


def test_every_staff_view_declares_its_access(app):
    missing = [r.endpoint for r in staff_rules(app)
               if not hasattr(app.view_functions[r.endpoint], "stegvis_access")]
    assert missing == []


@pytest.fixture
def world(app, insats, make_user, make_invitation):  # type: ignore[no-untyped-def]
    """Two insatser: the handledare's own, and another the other handledare runs."""
    other = Insats(organisation_id=insats.organisation_id, name="Annan insats")
    other_site = Site(insats=other, name="Tibro")
    db.session.add_all([other, other_site])
    db.session.commit()
    make_invitation(code="EGEN-1")
    participant = Participant(organisation_id=insats.organisation_id, pseudonym="ANNAN-1",
                              gender="man", born_abroad="nej")
    enrolment = Enrolment(participant=participant, insats=other, site=other_site,
                          start_date=dt.date(2026, 1, 1))
    db.session.add_all([participant, enrolment])
    db.session.commit()
    from survey import invitations
    from survey.models import Invitation

    invitations.create(enrolment, app.extensions["stegvis.questionnaires"].latest(
        "sjalvskattning"), "start")
    db.session.commit()
    own_enrolment = db.session.query(Enrolment).filter_by(insats_id=insats.id).one()
    from survey.models import Recording

    recording = Recording(organisation_id=insats.organisation_id,
                          questionnaire_key="sjalvskattning", questionnaire_version=1,
                          screen="welcome", language="sv", mimetype="audio/ogg",
                          audio=b"OggS", checksum="0" * 64)
    db.session.add(recording)
    from survey.models import ReportJob
    from survey.reports.jobs import Params

    job = ReportJob(organisation_id=insats.organisation_id, kind="csv", params=Params(
        "csv", (insats.id,), "", "", "", False, "sv", "2026-12-01").canonical(),
        params_hash="0" * 64, data_version=0)
    db.session.add(job)
    db.session.commit()
    users = {
        "handledare": make_user("handledare", "h@test.se", [insats]),
        "other": make_user("handledare", "o@test.se", [other]),
        "admin": make_user("admin", "a@test.se"),
    }
    return {
        "users": users,
        # Values for each URL parameter: pointing into the handledare's own insats.
        "own": {
            "insats_id": insats.id, "enrolment_id": own_enrolment.id,
            "participant_id": own_enrolment.participant_id,
            "invitation_id": db.session.query(Invitation.id)
            .filter_by(enrolment_id=own_enrolment.id).scalar(),
            "user_id": users["other"].id,
            "recording_id": recording.id,
            "job_id": job.id,
            "kind": "pdf",
        },
    }


def _url(app: Flask, rule, values):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return app.url_map.bind("localhost").build(
            rule.endpoint, {k: values[k] for k in rule.arguments})


@pytest.mark.parametrize("who", ["anonymous", "other", "handledare", "admin"])
def test_route_by_role(app, world, who):
    app.config["MAIL_SERVER"] = "127.0.0.1"  # so the email route exists; nothing is sent
    client = app.test_client()
    if who != "anonymous":
        assert login(client, world["users"][who].email, PASSWORD).status_code == 302
    # A valid CSRF token, so that POST routes reach their access check.
    token = csrf_token(client.get("/personal/logga-in").text) if who == "anonymous" else \
        csrf_token(client.get("/personal/").text)
    checked = 0
    for rule in staff_rules(app):
        view = app.view_functions[rule.endpoint]
        url = _url(app, rule, world["own"])
        if "GET" in rule.methods:
            reply = client.get(url)
        else:
            reply = client.post(url, data={"csrf_token": token})
        denied = (
            (view.stegvis_access == "admin" and who != "admin")
            # "kind" names a file format (the report's downloads), not something of an insats.
            or (who == "other" and bool(rule.arguments - {"user_id", "kind"}))
        )
        where = (who, rule.rule, reply.status_code)
        if who == "anonymous":
            assert reply.status_code == 302, where
            assert reply.headers["Location"].startswith("/personal/logga-in"), where
        elif denied:
            assert reply.status_code == 404, where
            assert "Sidan finns inte" in reply.text
        else:
            assert reply.status_code in (200, 302, 400), where
            assert not reply.headers.get("Location", "").startswith("/personal/logga-in"), where
        checked += 1
    assert checked >= 20
