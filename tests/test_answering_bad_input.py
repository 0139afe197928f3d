"""Every bad request gets a kind page and leaves the database as it was."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Response

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def started(client, make_invitation) -> str:
    token = make_invitation()
    choose_language(client, token, "sv")
    return token


def test_value_outside_the_scale_stores_nothing(client, make_invitation):
    token = started(client, make_invitation)
    for bad in ("5", "0", "-1", "abc", "4.0", "\x00", "<script>"):
        reply = answer(client, token, 1, bad)
        assert reply.status_code == 400
        assert "Välj ett av svaren" in reply.text
    assert count(Answer) == 0


def test_self_assessment_refuses_dont_know_and_seven(client, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, "sv")
    assert answer(client, token, 1, "vet-inte").status_code == 400
    assert answer(client, token, 1, "7").status_code == 400
    assert count(Answer) == 0


def test_screen_that_does_not_exist(client, make_invitation):
    token = started(client, make_invitation)
    page = client.get(f"/s/{token}/1")
    for number in (0, 8, 99):
        reply = client.post(
            f"/s/{token}/{number}", data={"csrf_token": csrf_token(page.text), "value": "4"}
        )
        assert reply.status_code == 404
        assert "Sidan finns inte" in reply.text
    assert count(Answer) == 0


def test_unknown_item_field_is_ignored_not_stored(client, make_invitation):
    token = started(client, make_invitation)
    page = client.get(f"/s/{token}/1")
    client.post(
        f"/s/{token}/1",
        data={"csrf_token": csrf_token(page.text), "value": "4", "item": "hackat", "nytta": "1"},
    )
    assert [a.item_id for a in db.session.scalars(select(Answer))] == ["delaktighet"]


def test_missing_or_tampered_csrf_token(client, make_invitation):
    token = started(client, make_invitation)
    client.get(f"/s/{token}/1")
    for data in ({"value": "4"}, {"value": "4", "csrf_token": "forged"}):
        reply = client.post(f"/s/{token}/1", data=data)
        assert reply.status_code == 400
        assert "Inget har ändrats" in reply.text
    assert count(Answer) == 0


def test_comment_too_long_or_with_control_characters(client, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, "sv")
    assert answer(client, token, 1, "3", comment="x" * 1001).status_code == 400
    assert answer(client, token, 1, "3", comment="nul\x00byte").status_code == 400
    assert count(Answer) == 0
    assert answer(client, token, 1, "3", comment="<b>ok</b> 😀 ✓").status_code == 302
    assert db.session.scalar(select(Answer.comment)) == "<b>ok</b> 😀 ✓"
    review = client.get(f"/s/{token}/granska").text
    assert "&lt;b&gt;ok&lt;/b&gt;" in review and "<b>ok</b>" not in review


def test_double_submit_stores_one_response(client, make_invitation, app):
    token = started(client, make_invitation)
    answer(client, token, 1, "4")
    page = client.get(f"/s/{token}/granska")
    form = {"csrf_token": csrf_token(page.text)}
    first = client.post(f"/s/{token}/granska", data=form)
    second = client.post(f"/s/{token}/granska", data=form)  # double tap / browser back
    assert first.headers["Location"].endswith("/tack")
    assert second.headers["Location"].endswith("/tack")
    assert count(Response) == 1
    submitted = db.session.scalar(select(Response.submitted_at))
    # A second tab keeps trying to change an answer after submit: refused.
    reply = client.post(f"/s/{token}/1", data={"csrf_token": form["csrf_token"], "value": "1"})
    assert "Du har redan svarat" in reply.text
    assert db.session.scalar(select(Answer.value)) == 4
    assert db.session.scalar(select(Response.submitted_at)) == submitted


def test_submit_without_any_answer_is_refused(client, make_invitation):
    token = started(client, make_invitation)
    reply = submit(client, token)
    assert reply.status_code == 400
    assert "Svara på minst en fråga" in reply.text
    assert db.session.scalar(select(Response.submitted_at)) is None


def test_expired_link(client, make_invitation):
    token = make_invitation(expired=True)
    reply = client.get(f"/s/{token}")
    assert reply.status_code == 410
    assert "Tiden för att svara är slut" in reply.text
    assert "handledare" in reply.text
    page = client.post(f"/s/{token}/sprak", data={"language": "sv"})
    assert page.status_code in (400, 410)
    assert count(Response) == 0


def test_unknown_link(client, make_invitation):
    make_invitation()
    for token in ("nope", "A" * 32, "%00", "ä" * 40):
        reply = client.get(f"/s/{token}")
        assert reply.status_code == 404
        assert "Länken fungerar inte" in reply.text


def test_unknown_language_code_falls_back_without_error(client, make_invitation):
    token = make_invitation()
    page = client.get(f"/s/{token}/sprak")
    reply = client.post(
        f"/s/{token}/sprak", data={"csrf_token": csrf_token(page.text), "language": "xx"}
    )
    assert reply.status_code == 400
    assert "Välj ett av språken" in reply.text
    assert count(Response) == 0
