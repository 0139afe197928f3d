"""A handledare enrols participants, records exits and sees which surveys are due."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from analysis.due import DueRule
from survey.extensions import db
from survey.models import Enrolment, Invitation, Participant, Response, utcnow
from survey.staff import status

from .conftest import csrf_token


def enrol(client, insats, **overrides):  # type: ignore[no-untyped-def]
    page = client.get(f"/personal/insatser/{insats.id}/deltagare/ny")
    data = {"csrf_token": csrf_token(page.text), "pseudonym": "SK-014", "gender": "kvinna",
            "birth_year": "1990", "born_abroad": "ja", "site": str(insats.sites[0].id),
            "start_date": "2026-02-01", "income_start": ["forsorjningsstod", "sjukpenning"],
            "language": "sv"}
    data.update(overrides)
    return client.post(f"/personal/insatser/{insats.id}/deltagare/ny", data=data)


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_enrol_a_participant(handledare_client, insats):
    reply = enrol(handledare_client, insats)
    assert reply.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.participant.pseudonym == "SK-014"
    assert enrolment.income_start == ["forsorjningsstod", "sjukpenning"]
    assert enrolment.participant.born_abroad == "ja"
    page = handledare_client.get(reply.headers["Location"])
    assert "Självskattning start" in page.text and "Dags att skicka" in page.text


def test_duplicate_pseudonym_is_refused_in_the_form(handledare_client, insats):
    enrol(handledare_client, insats)
    reply = enrol(handledare_client, insats)
    assert reply.status_code == 400
    assert "Koden används redan" in reply.text
    assert count(Participant) == 1


def test_bad_enrolment_input_saves_nothing(handledare_client, insats):
    for bad in ({"pseudonym": ""}, {"pseudonym": "19900101-1234"}, {"gender": "robot"},
                {"birth_year": "1800"}, {"site": "999"}, {"start_date": "igår"},
                {"income_start": ["lotto"]}, {"pseudonym": "<script>"}):
        reply = enrol(handledare_client, insats, **bad)
        assert reply.status_code == 400, bad
    assert count(Participant) == 0


def test_record_exit_with_validation(handledare_client, insats):
    enrol(handledare_client, insats)
    enrolment = db.session.scalar(select(Enrolment))
    url = f"/personal/inskrivningar/{enrolment.id}/avslut"
    page = handledare_client.get(url)
    token = csrf_token(page.text)
    before = handledare_client.post(url, data={"csrf_token": token, "end_date": "2026-01-01",
                                               "exit_outcome": "arbete"})
    assert before.status_code == 400 and "före startdatum" in before.text
    unknown = handledare_client.post(url, data={"csrf_token": token, "end_date": "2026-06-01",
                                                "exit_outcome": "lotterivinst"})
    assert unknown.status_code == 400
    db.session.expire_all()
    assert db.session.scalar(select(Enrolment.exit_outcome)) is None
    ok = handledare_client.post(url, data={"csrf_token": token, "end_date": "2026-06-01",
                                           "exit_outcome": "arbete", "income_exit": ["lon"]})
    assert ok.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert (enrolment.end_date, enrolment.exit_outcome, enrolment.income_exit) == \
        (dt.date(2026, 6, 1), "arbete", ["lon"])
    # With the exit recorded, the missing avslut surveys are on the to-do list.
    overview = handledare_client.get("/personal/").text
    assert "Att göra" in overview and "Indikatorer avslut" in overview


RULE = DueRule(pagaende_days=90)


def _facts(key, occasion, *, started=False, submitted=False, expired=False):  # type: ignore[no-untyped-def]
    now = dt.datetime(2026, 6, 1)
    return status.InvitationFacts(1, key, occasion, now + dt.timedelta(days=-1 if expired else 30),
                                  started, submitted)


def test_status_rules():
    now = dt.datetime(2026, 6, 1)
    start = dt.date(2026, 1, 1)
    fresh = status.compute(1, dt.date(2026, 5, 20), None, False, [], now, RULE)
    assert fresh.slots["start-sjalvskattning"] == status.State.due
    assert fresh.slots["pagaende-indikatorer"] == status.State.not_due
    assert fresh.todo == ["start-sjalvskattning"]
    later = status.compute(1, start, None, False, [
        _facts("sjalvskattning", "start", submitted=True),
        _facts("finsam-indikatorer", "pagaende", started=True)], now, RULE)
    assert later.slots["start-sjalvskattning"] == status.State.answered
    assert later.slots["pagaende-indikatorer"] == status.State.started
    # Started but not finished: on the to-do, to be sent again.
    assert later.todo == ["pagaende-indikatorer"]
    ending = status.compute(1, start, dt.date(2026, 6, 10), False, [
        _facts("sjalvskattning", "start", submitted=True),
        _facts("finsam-indikatorer", "avslut", expired=True)], now, RULE)
    assert ending.slots["avslut-indikatorer"] == status.State.expired
    # Both avslut surveys: one hand-out, one item; pågående, due and never sent, too.
    assert ending.todo == ["pagaende-indikatorer", "avslut"]


def test_expired_link_says_so_whatever_its_state():
    now = dt.datetime(2026, 6, 1)
    start = dt.date(2026, 1, 1)
    ran_out = status.compute(1, start, None, False, [
        _facts("sjalvskattning", "start", submitted=True),
        _facts("finsam-indikatorer", "pagaende", started=True, expired=True)], now, RULE)
    assert ran_out.slots["pagaende-indikatorer"] == status.State.expired
    assert ran_out.todo == ["pagaende-indikatorer"]  # begun, so worth sending again
    never_opened = status.compute(1, start, None, False, [
        _facts("sjalvskattning", "start", submitted=True),
        _facts("finsam-indikatorer", "pagaende", expired=True)], now, RULE)
    assert never_opened.slots["pagaende-indikatorer"] == status.State.expired
    # Due, and nothing the participant can answer with: on the to-do.
    assert never_opened.todo == ["pagaende-indikatorer"]
    # An answered survey stays answered after its link expires.
    answered = status.compute(1, start, None, False, [
        _facts("sjalvskattning", "start", submitted=True, expired=True)], now, RULE)
    assert answered.slots["start-sjalvskattning"] == status.State.answered


def test_started_survey_is_on_the_to_do_with_send_again(handledare_client, insats, app):
    """A participant began the start survey but did not finish. While they may still be
    answering, "Påbörjad" says when they last answered and nothing asks for a resend;
    once they have stayed away the förbund's resend_after_days, "Att göra" lists it with
    "Skicka igen", which adds a link (both work, answers kept) and opens the hand-out."""
    from .test_answering_journey import answer, choose_language
    from .test_staff_handout import LINK, handout

    page = handout(handledare_client, insats, slot="start-sjalvskattning")
    token = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    participant = app.test_client()
    choose_language(participant, token, "sv")
    answer(participant, token, 1, "5")

    def todo_now() -> tuple[str, str]:
        overview = handledare_client.get("/personal/").text
        return overview, overview.split('id="todo-heading"')[1].split("</section>")[0]

    overview, todo = todo_now()
    assert "Självskattning start" not in todo and "Skicka igen" not in todo
    assert "Påbörjad</span> <span class=\"muted\">senast aktiv för " in overview
    # Four days without an answer (the förbund's setting is 3).
    db.session.execute(update(Response).values(updated_at=utcnow() - dt.timedelta(days=4)))
    db.session.execute(update(Invitation).values(created_at=utcnow() - dt.timedelta(days=5)))
    db.session.commit()
    overview, todo = todo_now()
    assert "Självskattning start" in todo and "Påbörjad" in todo
    assert "senast aktiv för 4 dagar sedan" in todo
    assert "Skicka igen" in todo
    again = handledare_client.post(
        f"/personal/inskrivningar/{db.session.scalar(select(Enrolment.id))}/inbjudan",
        data={"csrf_token": csrf_token(overview), "slot": "start-sjalvskattning"})
    assert again.headers["Location"].startswith("/personal/inbjudningar/")
    # The old link still works, and the item leaves the to-do: just sent again.
    assert app.test_client().get(f"/s/{token}").headers["Location"].endswith(f"/s/{token}/2")
    overview, todo = todo_now()
    assert "Självskattning start" not in todo
    # A förbund that waits longer: with 7 days, 4 days away is not yet long enough.
    insats.organisation.resend_after_days = 7
    db.session.execute(update(Invitation).values(resent_at=utcnow() - dt.timedelta(days=4)))
    db.session.commit()
    assert "Självskattning start" not in todo_now()[1]
    insats.organisation.resend_after_days = 3
    db.session.commit()
    assert "Självskattning start" in todo_now()[1]
    # The link runs out before the participant finishes: it says so, still on the to-do.
    db.session.execute(update(Invitation).values(expires_at=dt.datetime(2020, 1, 1)))
    db.session.commit()
    overview = handledare_client.get("/personal/").text
    todo = overview.split('id="todo-heading"')[1].split("</section>")[0]
    assert "Länken gick ut" in todo and "Påbörjad" not in overview


def test_pagaende_is_due_at_the_forbunds_setting():
    """One rule (analysis.due) from the förbund's settings: pågående is due the day the
    setting says, on the to-do with since when, and no longer once the exit is recorded."""
    now = dt.datetime(2026, 6, 1, 9)
    start = dt.date(2026, 4, 22)  # 40 days before
    early = status.compute(1, start, None, False, [], now, DueRule(pagaende_days=30))
    assert early.slots["pagaende-indikatorer"] == status.State.due
    assert early.todo == ["start-sjalvskattning", "pagaende-indikatorer"]
    assert early.since("pagaende-indikatorer") == dt.date(2026, 5, 22)
    assert early.days_due("pagaende-indikatorer") == 10
    assert early.days_due("start-sjalvskattning") == 40
    assert early.oldest_due == start
    later = status.compute(1, start, None, False, [], now, DueRule(pagaende_days=90))
    assert later.slots["pagaende-indikatorer"] == status.State.not_due
    assert "pagaende-indikatorer" not in later.todo
    ended = status.compute(1, start, dt.date(2026, 5, 30), True, [], now,
                           DueRule(pagaende_days=30))
    # After exit, start and pågående are over: not answered, off the to-do (an answer
    # given now would be no start and make a false pair); only avslut is asked.
    assert ended.slots["pagaende-indikatorer"] == status.State.missed
    assert ended.slots["start-sjalvskattning"] == status.State.missed
    assert not ended.can_hand_out("start-sjalvskattning")
    assert ended.todo == ["avslut"]
    assert ended.days_due("avslut") == 16  # from 14 days before the end


def test_midway_self_assessment_follows_the_setting():
    now = dt.datetime(2026, 6, 1)
    start = dt.date(2026, 1, 1)
    plain = status.compute(1, start, None, False, [], now, DueRule())
    assert "pagaende-sjalvskattning" not in plain.slots
    midway = status.compute(1, start, None, False, [
        _facts("sjalvskattning", "start", submitted=True)], now,
        DueRule(midway_self_assessment=True))
    assert midway.slots["pagaende-sjalvskattning"] == status.State.due
    assert midway.todo == ["pagaende-indikatorer", "pagaende-sjalvskattning"]
    assert [slot[0] for slot in status.slots(DueRule(midway_self_assessment=True))] == [
        "start-sjalvskattning", "pagaende-indikatorer", "pagaende-sjalvskattning",
        "avslut-indikatorer", "avslut-sjalvskattning"]


def _todo(client) -> str:  # type: ignore[no-untyped-def]
    overview = client.get("/personal/").text
    return overview.split('id="todo-heading"')[1].split("</section>")[0]


def test_overview_lists_a_due_pagaende_at_the_forbunds_setting(handledare_client, insats):
    """The issue's demo: the table said "Dags att skicka" for Indikatorer pågående while
    the to-do said nothing to do. Now the to-do lists it, from the förbund's setting."""
    started = dt.date.today() - dt.timedelta(days=40)
    enrol(handledare_client, insats, start_date=started.isoformat())
    insats.organisation.pagaende_due_days = 30
    db.session.commit()
    todo = _todo(handledare_client)
    assert "Indikatorer pågående" in todo and "aktuell i 10 dagar" in todo
    assert "Självskattning start" in todo and "aktuell i 40 dagar" in todo
    insats.organisation.pagaende_due_days = 90
    db.session.commit()
    todo = _todo(handledare_client)
    assert "Indikatorer pågående" not in todo and "Självskattning start" in todo


def test_midway_self_assessment_on_the_to_do_when_the_forbund_asks_it(handledare_client,
                                                                      insats):
    started = dt.date.today() - dt.timedelta(days=100)
    enrol(handledare_client, insats, start_date=started.isoformat())
    assert "Självskattning pågående" not in handledare_client.get("/personal/").text
    insats.organisation.midway_self_assessment = True
    db.session.commit()
    assert "Självskattning pågående" in _todo(handledare_client)
    enrolment = db.session.scalar(select(Enrolment))
    page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}")
    reply = handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan", data={
        "csrf_token": csrf_token(page.text), "slot": "pagaende-sjalvskattning"})
    assert reply.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.questionnaire_key, str(invitation.occasion)) == \
        ("sjalvskattning", "pagaende")


def test_the_step_that_is_due_has_the_filled_button(handledare_client, insats):
    """A new participant: the start self-assessment is the primary button, not the exit
    hand-out, which is outlined until the exit is near."""
    reply = enrol(handledare_client, insats, start_date=dt.date.today().isoformat())
    page = handledare_client.get(reply.headers["Location"]).text
    primary = page.split('class="button primary"')
    assert len(primary) == 2
    assert primary[1].split("</button>")[0].endswith(": Självskattning start</span>")
    assert 'class="button">En länk för båda enkäterna vid avslut' in page
