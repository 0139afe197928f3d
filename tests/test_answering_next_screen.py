"""One round trip per tap: a POST marked by the page's script answers with the next screen.

Without the mark every POST still redirects (test_answering_journey.py); here the same
journey with it: each answer is one request, the screen shown carries its own address,
and the guarantees (stored once, nothing after submit, no cookie) hold.
"""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from survey.answering.routes import SCREEN_FIELD
from survey.extensions import db
from survey.models import Answer, Response

from .conftest import csrf_token

MARK = {SCREEN_FIELD: "1"}


def screen_url(reply) -> str:  # type: ignore[no-untyped-def]
    """The address the shown screen says it has, checked in the header and the page."""
    url = reply.headers["Content-Location"]
    assert f'<meta name="screen-url" content="{url}">' in reply.text
    return url


def item_ids(app) -> list[str]:  # type: ignore[no-untyped-def]
    questionnaire = app.extensions["stegvis.questionnaires"].latest("finsam-indikatorer")
    return [item.id for item in questionnaire.items]


def stored_answers() -> dict[str, int | None]:
    db.session.expire_all()
    return {a.item_id: a.value for a in db.session.scalars(select(Answer))}


@pytest.fixture
def journey(client, make_invitation):  # type: ignore[no-untyped-def]
    """A link opened and its language screen shown (the only GET before the answers)."""
    token = make_invitation("finsam-indikatorer", "avslut")
    opened = client.get(f"/s/{token}")
    assert opened.status_code == 200
    return token, csrf_token(opened.text)


def test_whole_journey_one_request_per_tap(app, client, journey):
    token, csrf = journey
    requests = 1  # the link opened
    reply = client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "ar", **MARK})
    requests += 1
    assert reply.status_code == 200
    assert screen_url(reply) == f"/s/{token}/start"
    assert 'lang="ar" dir="rtl"' in reply.text  # the new screen is in the chosen language

    reply = client.get(f"/s/{token}/1")  # "Börja" is a link: one GET
    requests += 1
    for number in range(1, 8):
        assert reply.status_code == 200
        data = {"csrf_token": csrf_token(reply.text), "value": str(1 + number % 4), **MARK}
        reply = client.post(f"/s/{token}/{number}", data=data)
        requests += 1
        expected = f"/s/{token}/{number + 1}" if number < 7 else f"/s/{token}/granska"
        assert reply.status_code == 200
        assert screen_url(reply) == expected
        assert "Set-Cookie" not in reply.headers
    assert stored_answers() == {item: 1 + n % 4 for n, item in enumerate(item_ids(app), 1)}

    reply = client.post(f"/s/{token}/granska", data={"csrf_token": csrf, **MARK})
    requests += 1
    assert reply.status_code == 200
    assert screen_url(reply) == f"/s/{token}/tack"
    assert db.session.scalar(select(Response.submitted_at)) is not None
    assert requests == 11  # against 20 with a redirect after every POST


def test_the_next_screen_is_not_filled_from_the_posted_answer(client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    reply = client.post(f"/s/{token}/1", data={"csrf_token": csrf, "value": "4", **MARK})
    assert screen_url(reply) == f"/s/{token}/2"
    assert "checked" not in reply.text  # question 2 has no answer yet
    # An answer given earlier is shown when the participant comes back to it.
    client.post(f"/s/{token}/2", data={"csrf_token": csrf, "value": "2"})
    reply = client.post(f"/s/{token}/1", data={"csrf_token": csrf, "value": "4", **MARK})
    assert 'value="2" checked' in reply.text


def test_double_tap_stores_once(client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    data = {"csrf_token": csrf, "value": "3", **MARK}
    first = client.post(f"/s/{token}/1", data=data)
    second = client.post(f"/s/{token}/1", data=data)
    assert screen_url(first) == screen_url(second) == f"/s/{token}/2"
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_from_review_back_to_review(app, client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    reply = client.post(f"/s/{token}/3?granska=1",
                        data={"csrf_token": csrf, "value": "1", **MARK})
    assert screen_url(reply) == f"/s/{token}/granska"
    assert stored_answers() == {item_ids(app)[2]: 1}


def test_review_after_a_change_shows_the_new_answer(app, client, journey):
    """The review shown in answer to a change lists what was just stored, not the answer
    the link's lookup read at the start of that request."""
    token, csrf = journey
    scale = app.extensions["stegvis.questionnaires"].latest("finsam-indikatorer").scale
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    client.post(f"/s/{token}/3", data={"csrf_token": csrf, "value": "1"})
    reply = client.post(f"/s/{token}/3?granska=1",
                        data={"csrf_token": csrf, "value": "4", **MARK})
    assert screen_url(reply) == f"/s/{token}/granska"
    assert f'<p class="answer">{scale.label_for(4).standard}</p>' in reply.text
    assert scale.label_for(1).standard not in reply.text


def test_an_answer_needs_no_read_besides_the_link_lookup(client, journey):
    """One statement finds the link with its answers and whether the förbund recorded any
    screen; then only the writes (two on SQLite, one on PostgreSQL) before the next screen."""
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    statements: list[str] = []

    def seen(_connection, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        reply = client.post(f"/s/{token}/1", data={"csrf_token": csrf, "value": "2", **MARK})
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert screen_url(reply) == f"/s/{token}/2"
    writes = 2 if db.engine.dialect.name == "sqlite" else 1
    assert len(statements) == 1 + writes, statements


def test_language_change_returns_to_the_question(client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    reply = client.post(f"/s/{token}/sprak?fraga=4",
                        data={"csrf_token": csrf, "language": "uk", **MARK})
    assert screen_url(reply) == f"/s/{token}/4"
    assert 'lang="uk"' in reply.text


def test_after_submit_a_post_shows_thanks_or_already_answered(app, client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    client.post(f"/s/{token}/1", data={"csrf_token": csrf, "value": "4"})
    first = client.post(f"/s/{token}/granska", data={"csrf_token": csrf, **MARK})
    again = client.post(f"/s/{token}/granska", data={"csrf_token": csrf, **MARK})
    assert screen_url(first) == screen_url(again) == f"/s/{token}/tack"
    late = client.post(f"/s/{token}/2", data={"csrf_token": csrf, "value": "1", **MARK})
    assert late.status_code == 200
    assert "redan" in late.text
    assert stored_answers() == {item_ids(app)[0]: 4}


def test_the_mark_needs_the_link_token(client, journey):
    token, _csrf = journey
    reply = client.post(f"/s/{token}/sprak", data={"language": "sv", **MARK})
    assert reply.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Response)) == 0


def test_a_used_link_still_redirects_to_where_it_left_off(client, journey):
    token, csrf = journey
    client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
    client.post(f"/s/{token}/1", data={"csrf_token": csrf, "value": "4"})
    assert client.get(f"/s/{token}").headers["Location"].endswith(f"/s/{token}/2")
