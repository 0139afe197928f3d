"""One hand-out at exit (issue 13, point 5): one link (QR code, letter, tablet session)
runs the avslut surveys one after the other, indicators then självskattning, with one
thank-you; the to-do shows them as one item."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Enrolment, ExitOutcome, Invitation, Response

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit
from .test_staff_enrolment import enrol
from .test_staff_handout import LINK


def exit_handout(client, insats, language="sv"):  # type: ignore[no-untyped-def]
    enrol(client, insats, language=language)
    enrolment = db.session.scalar(select(Enrolment))
    enrolment.exit_outcome = ExitOutcome.arbete
    db.session.commit()
    page = client.get(f"/personal/inskrivningar/{enrolment.id}")
    assert "En länk för båda enkäterna vid avslut" in page.text
    reply = client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan",
                        data={"csrf_token": csrf_token(page.text), "slot": "avslut"})
    return client.get(reply.headers["Location"])


def test_todo_shows_the_exit_surveys_as_one_item(handledare_client, insats):
    enrol(handledare_client, insats)
    enrolment = db.session.scalar(select(Enrolment))
    enrolment.exit_outcome = ExitOutcome.studier
    db.session.commit()
    overview = handledare_client.get("/personal/").text
    todo = overview.split('id="todo-heading"')[1].split("</section>")[0]
    assert todo.count("Enkäterna vid avslut") == 2  # the item and its button's name
    assert "Indikatorer avslut" not in todo and "Självskattning avslut" not in todo
    assert 'name="slot" value="avslut"' in todo


def test_one_link_runs_both_exit_surveys_with_one_thank_you(handledare_client, insats, app):
    page = exit_handout(handledare_client, insats, language="fa")
    assert "Indikatorer avslut, sedan Självskattning avslut" in page.text
    token = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    first, second = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert (first.questionnaire_key, second.questionnaire_key) == (
        "finsam-indikatorer", "sjalvskattning")
    assert first.next_invitation_id == second.id
    participant = app.test_client()
    assert participant.get(f"/s/{token}").headers["Location"].endswith("/start")
    stale = participant.get(f"/s/{token}/1")
    answer(participant, token, 1, "4")
    done = submit(participant, token)
    # No thank-you yet: the same link goes on with the självskattning, in Persian.
    following = participant.get(done.headers["Location"])
    assert following.status_code == 302
    start = participant.get(following.headers["Location"])
    assert start.headers["Location"].endswith(f"/s/{token}/start")
    welcome = participant.get(start.headers["Location"])
    assert '<html lang="fa" dir="rtl">' in welcome.text
    # A page of the first survey posted now cannot answer the second one.
    refused = participant.post(f"/s/{token}/1", data={
        "csrf_token": csrf_token(stale.text), "value": "2"})
    assert refused.status_code == 400
    assert db.session.scalar(select(Answer.value).join(Response).where(
        Response.invitation_id == second.id)) is None
    answer(participant, token, 1, "6")
    thanks = participant.get(submit(participant, token).headers["Location"])
    assert thanks.status_code == 200 and "از جواب‌های شما متشکریم!" in thanks.text
    responses = db.session.scalars(select(Response).order_by(Response.invitation_id)).all()
    assert [(r.invitation_id, r.language, r.submitted_at is not None) for r in responses] == [
        (first.id, "fa", True), (second.id, "fa", True)]
    # The link is used up: it says so kindly.
    used = app.test_client().get(f"/s/{token}")
    assert used.status_code == 200 and 'lang="fa"' in used.text and "/tack" not in used.text


def test_one_tablet_session_runs_both(handledare_client, insats):
    page = exit_handout(handledare_client, insats)
    first = db.session.scalar(select(Invitation).order_by(Invitation.id))
    reply = handledare_client.post(f"/personal/inbjudningar/{first.id}/surfplatta",
                                   data={"csrf_token": csrf_token(page.text),
                                         "assisted": "tolk"})
    token = reply.headers["Location"].rsplit("/", 1)[-1]
    for _survey in range(2):
        handledare_client.get(f"/s/{token}")
        answer(handledare_client, token, 1, "3")
        submit(handledare_client, token)
    thanks = handledare_client.get(f"/s/{token}/tack")
    assert "/personal/last" in thanks.text
    assert [r.assisted for r in db.session.scalars(select(Response))] == ["tolk", "tolk"]
    assert all(r.submitted_at for r in db.session.scalars(select(Response)))


def test_answered_survey_is_left_out(handledare_client, insats, app):
    page = exit_handout(handledare_client, insats)
    token = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    participant = app.test_client()
    participant.get(f"/s/{token}")
    answer(participant, token, 1, "4")
    submit(participant, token)
    # A new exit link now runs only the självskattning.
    enrolment = db.session.scalar(select(Enrolment))
    again = handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan",
                                   data={"csrf_token": csrf_token(page.text), "slot": "avslut"})
    shown = handledare_client.get(again.headers["Location"]).text
    assert re.search(r'class="muted">Självskattning avslut · ', shown)  # that survey alone
    # The old link still leads on to it: a resend strands nobody (issue 22).
    old = app.test_client().get(f"/s/{token}")
    assert old.status_code == 302 and old.headers["Location"].endswith(f"/s/{token}/start")
    second = db.session.scalar(select(Invitation).where(
        Invitation.questionnaire_key == "sjalvskattning"))
    assert second.response is not None and second.response.submitted_at is None


def test_the_second_part_says_so_and_does_not_welcome_again(handledare_client, insats, app):
    """Issue 22: part 2 of an exit link says "Del 2 av 2" and goes on without a second
    welcome and privacy block (read in part 1, which says "Del 1 av 2")."""
    page = exit_handout(handledare_client, insats)
    token = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    participant = app.test_client()
    welcome = participant.get(participant.get(f"/s/{token}").headers["Location"])
    assert "Del 1 av 2" in welcome.text and "Om dina svar" in welcome.text
    assert "Del 1 av 2</span> · Fråga 1 av 7" in participant.get(f"/s/{token}/1").text
    answer(participant, token, 1, "4")
    submit(participant, token)
    second = participant.get(f"/s/{token}", follow_redirects=True)
    assert second.request.path == f"/s/{token}/start"
    assert '<p class="part">Del 2 av 2</p>' in second.text
    assert "Hur har du det just nu?" in second.text
    assert "Om dina svar" not in second.text and "ansvarar för dina uppgifter" not in second.text
    assert "Del 2 av 2</span> · Fråga 1 av 6" in participant.get(f"/s/{token}/1").text


def test_a_single_survey_says_nothing_of_parts(app, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    participant = app.test_client()
    choose_language(participant, token, "sv")
    welcome = participant.get(f"/s/{token}/start")
    assert "Del 1" not in welcome.text and "Om dina svar" in welcome.text
    assert "Del 1" not in participant.get(f"/s/{token}/1").text
