"""Every POST route refuses a request without a valid CSRF token, and changes nothing.

The routes are read from app.url_map, so a new POST route is covered the day it lands.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Enrolment, Invitation, Participant

from .conftest import PASSWORD, csrf_token, login

# Values for URL parameters a route added later may have; ints fall back to 1.
EXTRA_VALUES = {"kind": "csv", "filename": "stegvis.css"}


def route_values(rule, values: dict) -> dict:  # type: ignore[no-untyped-def, type-arg]
    """A value for every parameter of a rule, so that new routes are walked too."""
    from werkzeug.routing import IntegerConverter

    chosen = {}
    for name in rule.arguments:
        if name in values:
            chosen[name] = values[name]
        elif isinstance(rule._converters.get(name), IntegerConverter):
            chosen[name] = 1
        else:
            chosen[name] = EXTRA_VALUES.get(name, "x")
    return chosen


def table_contents() -> dict[str, list[tuple]]:
    db.session.rollback()
    return {
        table.name: sorted(map(tuple, db.session.execute(select(table)).all()), key=repr)
        for table in db.metadata.sorted_tables
    }


def post_rules(app):  # type: ignore[no-untyped-def]
    rules = [rule for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())]
    assert len(rules) >= 15, "the walk must see the staff and participant POST routes"
    return rules


@pytest.fixture
def world(app, make_invitation, make_user):  # type: ignore[no-untyped-def]
    token = make_invitation("sjalvskattning", "start")
    make_user("admin", "a@test.se")
    make_user("handledare", "h@test.se")
    ids = {
        "insats_id": 1,
        "enrolment_id": db.session.scalar(select(Enrolment.id)),
        "invitation_id": db.session.scalar(select(Invitation.id)),
        "participant_id": db.session.scalar(select(Participant.id)),
        "user_id": 2,
        "token": token,
        "number": 1,
    }
    return ids


def _url(app, rule, values):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        from flask import url_for

        return url_for(rule.endpoint, **route_values(rule, values))


@pytest.mark.parametrize("who", ["anonymous", "admin", "handledare"])
@pytest.mark.parametrize("csrf", ["missing", "tampered", "empty"])
def test_every_post_route_refuses_without_a_valid_csrf_token(app, world, who, csrf):
    client = app.test_client()
    if who != "anonymous":
        assert login(client, f"{who[0]}@test.se").status_code == 302
        # Make the session hold a real CSRF secret, so "tampered" is a wrong token, not none.
        client.get("/personal/")
    before = table_contents()
    refused = []
    for rule in post_rules(app):
        data = {"value": "4", "language": "sv", "pseudonym": "X", "name": "X"}
        if csrf == "tampered":
            data["csrf_token"] = "IjAxMjM0NTY3ODlhYmNkZWYi.ZZZZZZ.forged-signature"
        elif csrf == "empty":
            data["csrf_token"] = ""
        reply = client.post(_url(app, rule, world), data=data)
        assert reply.status_code == 400, (rule.rule, reply.status_code)
        assert "<html" in reply.text, "a kind page, not a bare status"
        refused.append(rule.endpoint)
    assert table_contents() == before
    assert {"answering.review", "answering.question", "staff.delete_participant",
            "auth.login"} <= set(refused)


def test_a_staff_token_from_another_session_is_refused(app, world):
    """A staff CSRF token is bound to its session: one stolen from another browser fails."""
    stolen = csrf_token(app.test_client().get("/personal/logga-in").text)
    client = app.test_client()
    client.get("/personal/logga-in")
    before = table_contents()
    reply = client.post("/personal/logga-in", data={
        "csrf_token": stolen, "email": "a@test.se", "password": PASSWORD})
    assert reply.status_code == 400
    assert table_contents() == before


def test_a_participant_token_from_another_link_is_refused(app, world, make_invitation):
    """Participant forms carry a token bound to their link (no cookie): another link's
    token, or this link's token signed with another key, does not work."""
    from survey.answering import link_csrf

    client = app.test_client()
    other_link = make_invitation("sjalvskattning", "start")
    stolen = csrf_token(client.get(f"/s/{other_link}/sprak").text)
    page = client.get(f"/s/{world['token']}/sprak")
    own = csrf_token(page.text)
    assert stolen != own
    from survey.tokens import hash_token

    invitation_id = db.session.scalar(
        select(Invitation.id).where(Invitation.token_hash == hash_token(world["token"])))
    bound = f"{world['token']}:{invitation_id}"  # the link and the survey it shows
    with app.test_request_context():
        assert own == link_csrf.token_for(bound)
        other_key = link_csrf._sign("another-secret-key", bound)
    before = table_contents()
    for forged in (stolen, other_key, own[:-1], own + "A"):
        reply = client.post(f"/s/{world['token']}/sprak",
                            data={"csrf_token": forged, "language": "sv"})
        assert reply.status_code == 400
    assert table_contents() == before
    # And the right token works, from any browser: a new phone can go on with the link.
    reply = app.test_client().post(f"/s/{world['token']}/sprak",
                                   data={"csrf_token": own, "language": "sv"})
    assert reply.status_code == 302


def test_participant_pages_set_no_cookie(app, world):
    client = app.test_client()
    base = f"/s/{world['token']}"
    pages = [client.get(base), client.get(f"{base}/sprak")]
    token = csrf_token(pages[-1].text)
    pages.append(client.post(f"{base}/sprak", data={"csrf_token": token, "language": "sv"}))
    pages += [client.get(f"{base}/start"), client.get(f"{base}/1")]
    pages.append(client.post(f"{base}/1", data={"csrf_token": token, "value": "4"}))
    pages.append(client.get(f"{base}/granska"))
    pages.append(client.post(f"{base}/granska", data={"csrf_token": token}))
    pages.append(client.get(f"{base}/tack"))
    assert [p.status_code for p in pages] == [200, 200, 302, 200, 200, 302, 200, 302, 200]
    assert all("Set-Cookie" not in p.headers for p in pages)


def test_expired_survey_dates_do_not_matter_for_csrf(app, world):
    # Guard against a route answering 404/410 before CSRF is checked on a broken link.
    client = app.test_client()
    db.session.execute(Invitation.__table__.update().values(expires_at=dt.datetime(2020, 1, 1)))
    db.session.commit()
    reply = client.post(f"/s/{world['token']}/granska", data={})
    assert reply.status_code == 400
