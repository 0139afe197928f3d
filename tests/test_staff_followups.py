"""Follow-ups after exit for the handledare (issue 24, points 1-2): one invitation per
enrolment and point, on the to-do while due, the hand-out (link, SMS in the person's
language, letter with short code), the settings and the retention period that covers them.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from analysis.due import FOLLOWUP_DUE_DAYS, add_months
from survey import invitations, retention
from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    Enrolment,
    ExitOutcome,
    Invitation,
    Occasion,
    Organisation,
    Participant,
    Response,
    utcnow,
)

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit
from .test_staff_enrolment import enrol

LINK = re.compile(r'value="(http://stegvis\.test/s/[^"]+)"')


def ended(client, insats, days_ago: int, language: str = "sv", code: str = "SK-014") -> Enrolment:  # type: ignore[no-untyped-def]
    """Enrol a participant a year before their exit, `days_ago` days ago."""
    end = dt.date.today() - dt.timedelta(days=days_ago)
    assert enrol(client, insats, pseudonym=code, language=language,
                 start_date=(end - dt.timedelta(days=365)).isoformat()).status_code == 302
    enrolment = db.session.scalar(select(Enrolment).join(Participant)
                                  .where(Participant.pseudonym == code))
    enrolment.end_date = end
    enrolment.exit_outcome = ExitOutcome.arbete
    db.session.commit()
    return enrolment


def since_six_months(days: int) -> int:
    """How many days ago an enrolment ended whose 6-month point was `days` days ago."""
    point = dt.date.today() - dt.timedelta(days=days)
    end = point
    while add_months(end, 6) > point:
        end -= dt.timedelta(days=1)
    while add_months(end, 6) < point:
        end += dt.timedelta(days=1)
    assert add_months(end, 6) == point
    return (dt.date.today() - end).days


def hand_out(client, enrolment: Enrolment, slot: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/personal/inskrivningar/{enrolment.id}")
    return client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan",
                       data={"csrf_token": csrf_token(page.text), "slot": slot})


def todo(client) -> str:  # type: ignore[no-untyped-def]
    return client.get("/personal/").text.split('id="todo-heading"')[1].split("</section>")[0]


def row_states(client, insats) -> list[str]:  # type: ignore[no-untyped-def]
    """The participant table's states, in column order, of its only row."""
    page = client.get(f"/personal/insatser/{insats.id}").text
    row = page.split("<tbody>")[1].split("</tr>")[0]
    return re.findall(r'class="state state-([a-z_]+)"', row)


def test_a_due_follow_up_is_handed_out_once_per_point(handledare_client, insats, app):
    insats.organisation.followup_link_days = 45
    db.session.commit()
    enrolment = ended(handledare_client, insats, since_six_months(10))
    listed = todo(handledare_client)
    assert "Uppföljning 6 månader" in listed and "aktuell i 10 dagar" in listed
    assert "Uppföljning 12 månader" not in listed
    # The participant's row: the four surveys of the enrolment, then each point.
    assert row_states(handledare_client, insats)[-2:] == ["due", "not_due"]

    reply = hand_out(handledare_client, enrolment, "uppfoljning-6")
    assert reply.status_code == 302
    page = handledare_client.get(reply.headers["Location"]).text
    invitation = db.session.scalar(select(Invitation))
    assert (invitation.questionnaire_key, invitation.questionnaire_version,
            invitation.occasion, invitation.followup_months) == \
        ("uppfoljning", 1, Occasion.uppfoljning, 6)
    assert invitations.occasion_of(invitation) == "uppfoljning-6"
    # The link lives as long as the förbund's setting.
    life = invitation.expires_at - utcnow()
    assert dt.timedelta(days=44) < life <= dt.timedelta(days=45)
    assert "Uppföljning 6 månader" in page
    first = LINK.search(page).group(1).rsplit("/", 1)[-1]
    assert row_states(handledare_client, insats)[-2:] == ["sent", "not_due"]
    assert "Uppföljning 6 månader" not in todo(handledare_client)

    # Handing the same point out again is a resend of the same invitation: both links work.
    again = hand_out(handledare_client, enrolment, "uppfoljning-6")
    second = LINK.search(handledare_client.get(again.headers["Location"]).text) \
        .group(1).rsplit("/", 1)[-1]
    assert db.session.scalar(select(func.count(Invitation.id))) == 1
    assert first != second
    for token in (first, second):
        assert app.test_client().get(f"/s/{token}").status_code in (200, 302)
    actions = list(db.session.scalars(select(AuditEvent.subject)
                                      .where(AuditEvent.action.like("link_%"))))
    assert actions == ["uppfoljning uppfoljning-6"] * 2

    # The person answers on the second link; the row says answered.
    phone = app.test_client()
    choose_language(phone, second, "sv")
    for number, value in enumerate(("1", "1", "4"), start=1):
        assert answer(phone, second, number, value).status_code == 302
    assert submit(phone, second).status_code == 302
    assert dict(db.session.execute(select(Answer.item_id, Answer.value)).all()) == {
        "sysselsattning": 1, "forsorjning": 1, "stod_hjalper": 4}
    assert row_states(handledare_client, insats)[-2:] == ["answered", "not_due"]
    assert "Uppföljning" not in todo(handledare_client)
    refused = hand_out(handledare_client, enrolment, "uppfoljning-6")
    assert "Den enkäten är redan besvarad." in handledare_client.get(
        refused.headers["Location"]).text


def test_a_follow_up_is_handed_out_only_while_due(handledare_client, insats):
    """Before its point, past its window, before the exit, or at a point the förbund
    does not ask: nothing is made."""
    early = ended(handledare_client, insats, 30, code="SK-001")
    reply = hand_out(handledare_client, early, "uppfoljning-6")
    assert "Uppföljningen kan bara skickas medan den är aktuell" in \
        handledare_client.get(reply.headers["Location"]).text
    late = ended(handledare_client, insats, since_six_months(FOLLOWUP_DUE_DAYS + 1),
                 code="SK-002")
    hand_out(handledare_client, late, "uppfoljning-6")
    assert enrol(handledare_client, insats, pseudonym="SK-003").status_code == 302
    ongoing = db.session.scalar(select(Enrolment).join(Participant)
                                .where(Participant.pseudonym == "SK-003"))
    hand_out(handledare_client, ongoing, "uppfoljning-6")
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert hand_out(handledare_client, late, "uppfoljning-9").status_code == 400
    assert hand_out(handledare_client, late, "uppfoljning").status_code == 400
    # The enrolment page offers no button for a follow-up that is not due.
    page = handledare_client.get(f"/personal/inskrivningar/{late.id}").text
    assert "Nåddes inte" in page
    assert ': Uppföljning 6 månader</span>' not in page


def test_not_reached_after_the_window_and_the_link_ends(handledare_client, insats):
    enrolment = ended(handledare_client, insats, since_six_months(FOLLOWUP_DUE_DAYS))
    assert "aktuell i 60 dagar" in todo(handledare_client)
    hand_out(handledare_client, enrolment, "uppfoljning-6")
    invitation = db.session.scalar(select(Invitation))
    # A link sent on the last day still works to its end...
    enrolment.end_date -= dt.timedelta(days=5)
    db.session.commit()
    assert row_states(handledare_client, insats)[-2] == "sent"
    # ...and once it has run out, unanswered, the person was not reached.
    invitation.expires_at = utcnow() - dt.timedelta(hours=1)
    db.session.commit()
    assert row_states(handledare_client, insats)[-2] == "not_reached"
    assert "Uppföljning" not in todo(handledare_client)
    page = handledare_client.get(f"/personal/inbjudningar/{invitation.id}").text
    assert "Uppföljningen är inte aktuell längre" in page
    new = handledare_client.post(f"/personal/inbjudningar/{invitation.id}/ny-lank",
                                 data={"csrf_token": csrf_token(page)})
    assert "Uppföljningen kan bara skickas" in handledare_client.get(
        new.headers["Location"]).text
    db.session.refresh(invitation)
    assert invitation.expires_at < utcnow()


def test_a_person_with_two_ended_insatser_answers_once_per_enrolment(handledare_client,
                                                                     insats, app):
    from survey.models import Insats, Site, User

    other = Insats(organisation_id=insats.organisation_id, name="Andra insatsen")
    db.session.add_all([other, Site(insats=other, name="Tibro")])
    handledare = db.session.scalar(select(User))
    handledare.insatser.append(other)
    db.session.commit()
    first = ended(handledare_client, insats, since_six_months(3))
    person = first.participant
    second = Enrolment(participant=person, insats=other, site=other.sites[0],
                       start_date=first.start_date, end_date=first.end_date,
                       exit_outcome=ExitOutcome.studier)
    db.session.add(second)
    db.session.commit()
    listed = todo(handledare_client)
    assert listed.count('name="slot" value="uppfoljning-6"') == 2
    assert "Testinsatsen" in listed and "Andra insatsen" in listed
    for enrolment in (first, second):
        assert hand_out(handledare_client, enrolment, "uppfoljning-6").status_code == 302
    made = db.session.execute(select(Invitation.enrolment_id, Invitation.followup_months)).all()
    assert sorted(made) == sorted([(first.id, 6), (second.id, 6)])


def test_the_hand_out_speaks_the_persons_language(handledare_client, insats):
    enrolment = ended(handledare_client, insats, since_six_months(1), language="so")
    reply = hand_out(handledare_client, enrolment, "uppfoljning-6")
    page = handledare_client.get(reply.headers["Location"]).text
    assert "Stegvis sparar inga telefonnummer eller adresser" in page
    sms = re.search(r'<textarea id="sms-text"[^>]*>([^<]+)</textarea>', page).group(1)
    assert sms.startswith("Salaan! Waqti ayaa ka soo wareegay") and "/s/" in sms
    assert "body=Salaan%21%20Waqti" in page
    code = re.search(r'class="short-code" dir="ltr">([^<]+)<', page).group(1)
    invitation = db.session.scalar(select(Invitation))
    letter = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev").text
    assert code in letter and "SK-014" in letter
    # The letter of a follow-up says why it comes, in the person's language.
    assert "Waxaan rabnaa inaan ogaanno sida aad u nooshahay" in letter
    assert "dhowr daqiiqo" in letter


def test_a_follow_up_link_needs_its_point_and_an_exit(app, insats):
    from survey.models import BornAbroad, Gender

    registry = app.extensions["stegvis.questionnaires"]
    person = Participant(organisation_id=insats.organisation_id, pseudonym="P-1",
                         gender=Gender.man, born_abroad=BornAbroad.nej)
    enrolment = Enrolment(participant=person, insats=insats, start_date=dt.date.today())
    db.session.add_all([person, enrolment])
    questionnaire = invitations.questionnaire_for(enrolment, "uppfoljning")
    assert questionnaire.ident == "uppfoljning/v1"
    with pytest.raises(invitations.InvitationError):
        invitations.create(enrolment, questionnaire, "uppfoljning")
    with pytest.raises(invitations.InvitationError):
        invitations.create(enrolment, questionnaire, "uppfoljning-6")
    with pytest.raises(invitations.InvitationError):
        invitations.create(enrolment, registry.latest("finsam-indikatorer"), "uppfoljning-6")
    enrolment.end_date, enrolment.exit_outcome = dt.date.today(), ExitOutcome.annat
    invitations.create(enrolment, questionnaire, "uppfoljning-12")
    db.session.commit()
    assert db.session.scalar(select(Invitation.followup_months)) == 12


def settings_data(page: str, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf_token(page), "retention_months": "24", "privacy_contact": "",
        "work_outcomes": ["arbete", "studier"], "pagaende_due_days": "90",
        "age_bands": "16, 30, 50", "resend_after_days": "3",
        "followup_points": ["6", "12"], "followup_link_days": "30"}
    data.update(changes)
    return data


def stored(organisation_id: int) -> tuple[int, str, int]:
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation_id)
    return (organisation.retention_months, organisation.followup_points,
            organisation.followup_link_days)


def test_settings_keep_follow_ups_within_the_retention_period(admin_client, insats):
    page = admin_client.get("/personal/installningar").text
    boxes = re.findall(r'<input[^>]*name="followup_points"[^>]*>', page)
    assert [re.search(r'value="(\d+)"', box)[1] for box in boxes] == \
        ["3", "6", "9", "12", "18", "24", "36"]
    assert [re.search(r'value="(\d+)"', box)[1] for box in boxes if "checked" in box] == \
        ["6", "12"]
    assert 'name="followup_link_days"' in page and 'value="30"' in page
    organisation_id = insats.organisation_id

    saved = admin_client.post("/personal/installningar", data=settings_data(
        page, followup_points=["3", "18"], followup_link_days="20"))
    assert saved.status_code == 302
    assert stored(organisation_id) == (24, "3,18", 20)

    # A shorter retention period than the last follow-up, its 60 days and its link need
    # (18 + ceil(80 / 28) = 21 months): refused, on that field, nothing saved.
    short = admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="20", followup_points=["3", "18"], followup_link_days="20"))
    assert short.status_code == 400
    assert "Behåll uppgifterna minst 21 månader efter avslut" in short.text
    assert 'id="retention_months-error"' in short.text
    assert stored(organisation_id) == (24, "3,18", 20)
    assert admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="21", followup_points=["3", "18"],
        followup_link_days="20")).status_code == 302
    assert stored(organisation_id) == (21, "3,18", 20)

    # The other way: later follow-ups or a longer link against the period kept now.
    later = admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="21", followup_points=["24"], followup_link_days="20"))
    assert later.status_code == 400
    assert "kräver att uppgifterna behålls minst 27 månader" in later.text
    assert 'id="followup_points-error"' in later.text
    longer = admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="21", followup_points=["3", "18"], followup_link_days="90"))
    assert longer.status_code == 400 and "minst 24 månader" in longer.text
    for bad in ("0", "91", "x"):
        reply = admin_client.post("/personal/installningar", data=settings_data(
            page, retention_months="21", followup_link_days=bad))
        assert reply.status_code == 400 and "Skriv ett tal mellan 1 och 90." in reply.text
    assert admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="21", followup_points=["99"])).status_code == 400
    assert stored(organisation_id) == (21, "3,18", 20)

    # No follow-ups: any retention period will do; the handledare sees none.
    assert admin_client.post("/personal/installningar", data=settings_data(
        page, retention_months="1", followup_points=[])).status_code == 302
    assert stored(organisation_id) == (1, "", 30)


def test_retention_covers_the_last_follow_up_and_its_link(app, insats):
    assert retention.months_needed((), 30) == 0
    assert retention.months_needed((6, 12), 30) == 12 + 4  # 90 days: 4 months of 28 days
    assert retention.months_needed((36,), 90) == 36 + 6
    from survey.models import BornAbroad, Gender

    organisation = insats.organisation
    organisation.retention_months = retention.months_needed(organisation.followup_months,
                                                            organisation.followup_link_days)
    person = Participant(organisation_id=organisation.id, pseudonym="P-9",
                         gender=Gender.kvinna, born_abroad=BornAbroad.ja, birth_year=1980)
    end = dt.date(2025, 1, 15)
    db.session.add_all([person, Enrolment(participant=person, insats=insats,
                                          start_date=dt.date(2024, 1, 1), end_date=end,
                                          exit_outcome=ExitOutcome.arbete)])
    db.session.commit()
    # The last day a link handed out for the 12-month follow-up can still be answered.
    last = add_months(end, 12) + dt.timedelta(days=FOLLOWUP_DUE_DAYS
                                             + organisation.followup_link_days)
    assert retention.purge(dt.datetime.combine(last, dt.time(23))) == 0
    assert person.pseudonym == "P-9"
    later = dt.datetime.combine(add_months(end, organisation.retention_months)
                                + dt.timedelta(days=30), dt.time(12))
    assert retention.purge(later) == 1
    assert person.pseudonym.startswith("anonym-")


def test_the_participant_table_shows_each_point(handledare_client, insats):
    """Due for the 12-month point while the 6-month one was answered."""
    enrolment = ended(handledare_client, insats, 370)
    token = invitations.create(enrolment, invitations.questionnaire_for(enrolment, "uppfoljning"),
                               "uppfoljning-6")
    invitation = enrolment.invitations[-1]
    at = utcnow() - dt.timedelta(days=150)
    db.session.add(Response(invitation=invitation, language="sv", started_at=at,
                            updated_at=at, submitted_at=at))
    db.session.commit()
    assert token
    assert row_states(handledare_client, insats)[-2:] == ["answered", "due"]
    page = handledare_client.get("/personal/").text
    assert "Uppföljning 12 månader" in page.split('id="todo-heading"')[1]
    assert db.session.scalar(select(func.count(Response.id))) == 1


def test_the_demo_shows_follow_ups_answered_due_and_not_reached(app):
    """Issue 24, point 6: a newcomer sees follow-ups on the first `make run`."""
    from survey.auth.passwords import hash_password
    from survey.demo import INSATS
    from survey.models import Insats, User

    from .conftest import PASSWORD, login

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    handledare = db.session.scalar(select(User).where(User.role == "handledare"))
    handledare.password_hash = hash_password(PASSWORD)
    db.session.commit()
    client = app.test_client()
    assert login(client, handledare.email).status_code == 302
    listed = todo(client)
    assert "Uppföljning 6 månader" in listed and "Uppföljning 12 månader" in listed
    insats = db.session.scalar(select(Insats).where(Insats.name == INSATS))
    page = client.get(f"/personal/insatser/{insats.id}").text
    followups = [re.findall(r'class="state state-([a-z_]+)"', row)[-2:]
                 for row in page.split("<tbody>")[1].split("</tr>")[:-1]]
    shown = {state for row in followups for state in row}
    assert {"answered", "due", "sent", "not_reached", "not_due"} <= shown
    # Answered follow-ups have every answer the report reads, varied.
    answers = db.session.execute(
        select(Answer.item_id, Answer.value).join(Response).join(Invitation)
        .where(Invitation.occasion == Occasion.uppfoljning)).all()
    for item in ("sysselsattning", "forsorjning", "stod_hjalper"):
        assert len({value for item_id, value in answers if item_id == item}) >= 3


def test_each_point_state_by_the_due_rule():
    """The states of one follow-up point over time, without a database."""
    from analysis.due import DueRule
    from survey.staff.status import InvitationFacts, State, compute

    rule, end = DueRule(followup_months=(6,)), dt.date(2026, 1, 31)
    point = add_months(end, 6)  # 31 July

    def state(today: dt.date, *facts: InvitationFacts, exited: bool = True):  # type: ignore[no-untyped-def]
        now = dt.datetime.combine(today, dt.time(12))
        status = compute(1, dt.date(2025, 6, 1), end, exited, facts, now, rule)
        return status.slots["uppfoljning-6"], "uppfoljning-6" in status.todo

    def sent(on: dt.date, days: int = 30, **facts: bool) -> InvitationFacts:
        at = dt.datetime.combine(on, dt.time(9))
        return InvitationFacts(1, "uppfoljning", "uppfoljning-6", at + dt.timedelta(days=days),
                               facts.get("started", False), facts.get("submitted", False),
                               sent_at=at, touched_at=at if facts.get("started") else None)

    assert point == dt.date(2026, 7, 31)
    assert state(point - dt.timedelta(days=1)) == (State.not_due, False)
    assert state(point, exited=False) == (State.not_due, False)
    assert state(point) == (State.due, True)
    last = point + dt.timedelta(days=FOLLOWUP_DUE_DAYS)
    assert state(last) == (State.due, True)
    assert state(last + dt.timedelta(days=1)) == (State.not_reached, False)
    # Sent: off the to-do while the link lives; expired inside the window: back on it.
    assert state(point + dt.timedelta(days=10), sent(point)) == (State.sent, False)
    assert state(point + dt.timedelta(days=31), sent(point)) == (State.expired, True)
    # A link sent on the last day is answered on after the window, or runs out unanswered.
    assert state(last + dt.timedelta(days=5), sent(last)) == (State.sent, False)
    assert state(last + dt.timedelta(days=40), sent(last)) == (State.not_reached, False)
    begun = sent(point + dt.timedelta(days=5), started=True)
    assert state(point + dt.timedelta(days=20), begun) == (State.started, True)
    assert state(last + dt.timedelta(days=40), sent(last, submitted=True)) == \
        (State.answered, False)


def test_the_follow_up_settings_and_slots_in_english(admin_client, insats):
    page = admin_client.get("/personal/installningar")
    admin_client.post("/personal/sprak", data={"csrf_token": csrf_token(page.text),
                                               "sprak": "en", "next": "/personal/"})
    page = admin_client.get("/personal/installningar").text
    assert "Follow-ups after exit" in page and "12 months" in page
    assert "A follow-up link works for this many days" in page
    refused = admin_client.post("/personal/installningar",
                                data=settings_data(page, retention_months="12"))
    assert "Keep the data at least 16 months after exit" in refused.text
    table = admin_client.get(f"/personal/insatser/{insats.id}").text
    assert "Follow-up 6 months" in table and "Follow-up 12 months" in table
