"""A participant answers a whole questionnaire, as on a phone, through the real routes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Invitation, Response

from .conftest import csrf_token


def choose_language(client, token: str, code: str) -> None:
    page = client.get(f"/s/{token}/sprak")
    assert page.status_code == 200
    reply = client.post(
        f"/s/{token}/sprak", data={"csrf_token": csrf_token(page.text), "language": code}
    )
    assert reply.status_code == 302


def answer(client, token: str, number: int, value: str, comment: str | None = None):
    page = client.get(f"/s/{token}/{number}")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token(page.text), "value": value}
    if comment is not None:
        data["comment"] = comment
    return client.post(f"/s/{token}/{number}", data=data)


def submit(client, token: str):
    page = client.get(f"/s/{token}/granska")
    return client.post(f"/s/{token}/granska", data={"csrf_token": csrf_token(page.text)})


def stored(token_response_id=None) -> list[Answer]:
    return list(db.session.scalars(select(Answer).order_by(Answer.item_id)))


@pytest.mark.parametrize("language", ["sv", "lattlast"])
def test_indicators_end_to_end(client, make_invitation, language):
    token = make_invitation("finsam-indikatorer", "avslut")
    opened = client.get(f"/s/{token}")  # a new link opens on the language screen itself
    assert opened.status_code == 200
    assert f'action="/s/{token}/sprak"' in opened.text
    choose_language(client, token, language)

    welcome = client.get(f"/s/{token}/start")
    expected_title = "Frågor om ditt stöd" if language == "lattlast" else "Frågor om stödet du får"
    assert expected_title in welcome.text

    values = ["4", "3", "2", "1", "vet-inte", "4", "3"]
    for number, value in enumerate(values, start=1):
        page = client.get(f"/s/{token}/{number}")
        assert f"Fråga {number} av 7" in page.text
        reply = answer(client, token, number, value)
        assert reply.status_code == 302
    assert reply.headers["Location"].endswith("/granska")

    review = client.get(f"/s/{token}/granska")
    easy_label = "Jag vet inte" if language == "lattlast" else "Vet inte"
    assert easy_label in review.text
    reply = submit(client, token)
    assert reply.headers["Location"].endswith("/tack")
    assert "Tack för dina svar" in client.get(f"/s/{token}/tack").text

    response = db.session.scalar(select(Response))
    assert response.submitted_at is not None
    assert response.language == "sv"
    assert response.easy is (language == "lattlast")
    by_item = {a.item_id: a.value for a in stored()}
    assert by_item == {
        "delaktighet": 4, "bemotande": 3, "samordning": 2, "behov": 1,
        "nytta": None, "redo": 4, "planering": 3,
    }


@pytest.mark.parametrize("language", ["sv", "lattlast"])
def test_self_assessment_with_comments(client, make_invitation, language):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, language)
    page = client.get(f"/s/{token}/1")
    assert "Vill du skriva något?" in page.text
    easy_text = "Hur orkar du med det du gör på dagarna?"
    assert (easy_text in page.text) is (language == "lattlast")
    for number, value in enumerate(["1", "2", "3", "5", "6", "4"], start=1):
        answer(client, token, number, value, comment="Bättre nu" if number == 2 else "")
    submit(client, token)
    answers = {a.item_id: (a.value, a.comment) for a in stored()}
    assert answers["fysisk_halsa"] == (2, "Bättre nu")
    assert answers["aktivitet"] == (1, None)
    assert answers["framtid"] == (6, None)
    assert answers["arbete_studier"] == (4, None)


def test_back_and_change_keeps_answers(client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "sv")
    answer(client, token, 1, "4")
    answer(client, token, 2, "3")
    # Back to screen 1: the earlier answer is shown as chosen.
    page = client.get(f"/s/{token}/1")
    assert 'value="4" checked' in page.text
    answer(client, token, 1, "2")
    assert {a.item_id: a.value for a in stored()} == {"delaktighet": 2, "bemotande": 3}
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 2


def test_reopening_the_link_resumes_where_left(client, make_invitation, app):
    token = make_invitation()
    choose_language(client, token, "lattlast")
    for number in (1, 2, 3):
        answer(client, token, number, "4")
    # The phone died: a new browser (no cookies) opens the same link.
    fresh = app.test_client()
    reply = fresh.get(f"/s/{token}")
    assert reply.headers["Location"].endswith(f"/s/{token}/4")
    # The language choice was remembered on the server.
    assert "Stödet har byggt på det som jag behöver." in fresh.get(f"/s/{token}/4").text


def test_switching_language_keeps_answers(client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "sv")
    answer(client, token, 1, "4")
    page = client.get(f"/s/{token}/sprak?fraga=2")
    reply = client.post(
        f"/s/{token}/sprak?fraga=2",
        data={"csrf_token": csrf_token(page.text), "language": "lattlast"},
    )
    assert reply.headers["Location"].endswith(f"/s/{token}/2")
    assert 'value="4" checked' in client.get(f"/s/{token}/1").text
    response = db.session.scalar(select(Response))
    assert response.easy is True


def test_skipped_question_is_shown_as_unanswered(client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "sv")
    page = client.get(f"/s/{token}/1")
    reply = client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(page.text),
                                                "hoppa": "1"})
    assert reply.headers["Location"].endswith("/2")
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    assert "Inget svar" in client.get(f"/s/{token}/granska").text


MISSED = "Du har inte valt något svar. Vill du hoppa över frågan?"


def test_missed_tap_asks_once_before_moving_on(client, make_invitation):
    """Without JavaScript: "Nästa" with nothing chosen shows the prompt (nothing stored);
    "Svara" leads back to the answers, "Hoppa över" moves on, and a second "Nästa" with
    nothing chosen moves on too (asked once)."""
    token = make_invitation()
    choose_language(client, token, "sv")
    page = client.get(f"/s/{token}/1")
    assert 'id="missed" role="alert" hidden' in page.text
    prompt = client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(page.text)})
    assert prompt.status_code == 200
    assert 'id="missed" role="alert">' in prompt.text and MISSED in prompt.text
    assert 'href="#svar"' in prompt.text and 'name="hoppa" value="1"' in prompt.text
    assert '<input type="hidden" name="fragat" value="1">' in prompt.text
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    # Answering after the prompt stores the answer as usual.
    chosen = client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(prompt.text),
                                                 "fragat": "1", "value": "4"})
    assert chosen.headers["Location"].endswith("/2")
    assert db.session.scalar(select(Answer.value)) == 4
    again = client.post(f"/s/{token}/2", data={"csrf_token": csrf_token(prompt.text),
                                                "fragat": "1"})
    assert again.headers["Location"].endswith("/3")
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 1


def test_missed_tap_prompt_in_the_participants_language(client, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, "uk")
    page = client.get(f"/s/{token}/1")
    prompt = client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(page.text),
                                                 "comment": "  "})
    assert "Ви не вибрали відповідь. Бажаєте пропустити запитання?" in prompt.text
    # A comment alone is an answer: no prompt.
    commented = client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(page.text),
                                                    "comment": "Bra"})
    assert commented.status_code == 302


def test_used_link_says_kindly_it_is_answered(client, make_invitation, app):
    token = make_invitation()
    choose_language(client, token, "sv")
    answer(client, token, 1, "4")
    submit(client, token)
    for path in ("", "/1", "/granska", "/sprak", "/start"):
        page = app.test_client().get(f"/s/{token}{path}")
        assert page.status_code == 200
        assert "Du har redan svarat" in page.text


def test_invitation_token_is_stored_only_as_hash(make_invitation):
    token = make_invitation()
    invitation = db.session.scalar(select(Invitation))
    assert token not in invitation.token_hash
    assert len(token) >= 22  # 22 URL-safe characters carry 132 bits
    assert len(invitation.token_hash) == 64
