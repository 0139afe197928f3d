"""Handing a survey over: link, QR, SMS, email (to a real SMTP server), letter, tablet."""

from __future__ import annotations

import re
import socket
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from babel.dates import format_date
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, AuditEvent, Enrolment, Invitation, Organisation, Response

from .conftest import PASSWORD, csrf_token
from .test_answering_journey import answer, choose_language, submit
from .test_staff_enrolment import enrol

LINK = re.compile(r'value="(http://stegvis\.test/s/[^"]+)"')


class Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def smtp(app):  # type: ignore[no-untyped-def]
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on loopback
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_STARTTLS=False,
                      MAIL_FROM="stegvis@forbund.se")
    yield inbox
    controller.stop()


def handout(client, insats, slot="start-sjalvskattning", language="sv"):  # type: ignore[no-untyped-def]
    enrol(client, insats, language=language)
    enrolment = db.session.scalar(select(Enrolment))
    page = client.get(f"/personal/inskrivningar/{enrolment.id}")
    reply = client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan",
                        data={"csrf_token": csrf_token(page.text), "slot": slot})
    assert reply.status_code == 302
    return client.get(reply.headers["Location"])


def test_handout_page_shows_link_qr_and_sms(handledare_client, insats, app):
    page = handout(handledare_client, insats)
    link = LINK.search(page.text).group(1)
    assert '<svg' in page.text and 'class="qr"' in page.text
    assert 'href="sms:?&amp;body=' in page.text
    token = link.rsplit("/", 1)[-1]
    assert token not in (db.session.scalar(select(Invitation.token_hash)) or "")
    # The link works (its language screen, or the welcome in the language noted at
    # enrolment); a broken one would answer 404 or 410.
    assert app.test_client().get(f"/s/{token}", follow_redirects=True).status_code == 200
    # Leaving and coming back: the link is not shown again, only a new one can be made.
    again = app.test_client()
    assert "Skapa ny länk" not in page.text
    del again


def _new_link(handledare_client, invitation_id: int, page_text: str) -> str:  # type: ignore[no-untyped-def]
    reply = handledare_client.post(f"/personal/inbjudningar/{invitation_id}/ny-lank",
                                   data={"csrf_token": csrf_token(page_text)})
    shown = handledare_client.get(reply.headers["Location"]).text
    assert "Den gamla länken fungerar också" in shown
    return LINK.search(shown).group(1).rsplit("/", 1)[-1]


def test_resend_mid_survey_keeps_the_answers_on_both_links(handledare_client, insats, app):
    """Issue 22, point 3: a resend while the participant is answering strands nobody.
    Both links continue the same answers until the survey is sent in; then both say it
    is already answered."""
    page = handout(handledare_client, insats)
    old = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    phone = app.test_client()
    choose_language(phone, old, "sv")
    assert answer(phone, old, 1, "5").status_code == 302
    invitation = db.session.scalar(select(Invitation))
    new = _new_link(handledare_client, invitation.id, page.text)
    assert new != old
    # The participant still on the old link goes on answering there...
    assert answer(phone, old, 2, "4").status_code == 302
    # ...and the new link, on another device, continues after those same answers.
    other = app.test_client()
    assert other.get(f"/s/{new}").headers["Location"].endswith(f"/s/{new}/3")
    assert re.search(r'value="5"[^>]*checked', other.get(f"/s/{new}/1").text)
    assert answer(other, new, 3, "3").status_code == 302
    assert phone.get(f"/s/{old}").headers["Location"].endswith(f"/s/{old}/4")
    assert dict(db.session.execute(select(Answer.item_id, Answer.value)).all()) == {
        "aktivitet": 5, "fysisk_halsa": 4, "psykisk_halsa": 3}
    assert db.session.scalar(select(func.count(Response.id))) == 1
    stale = phone.get(f"/s/{old}/4")  # the old link's next question, still open there
    assert submit(other, new).status_code == 302
    for token in (old, new):
        after = app.test_client().get(f"/s/{token}")
        assert after.status_code == 200 and "Du har redan svarat" in after.text
    # Nothing is stored after the submit, through either link.
    late = phone.post(f"/s/{old}/4", data={"csrf_token": csrf_token(stale.text), "value": "1"})
    assert "Du har redan svarat" in late.text
    assert sorted(db.session.scalars(select(Answer.value))) == [3, 4, 5]


def test_ending_the_links_on_purpose(handledare_client, insats, app):
    """Sent to the wrong person: its own button, a confirmation, audited; every link and
    letter code so far stops working, a new link is made, the answers stay."""
    page = handout(handledare_client, insats)
    first = LINK.search(page.text).group(1).rsplit("/", 1)[-1]
    choose_language(app.test_client(), first, "sv")
    answer(app.test_client(), first, 1, "2")
    invitation = db.session.scalar(select(Invitation))
    second = _new_link(handledare_client, invitation.id, page.text)
    shown = handledare_client.get(f"/personal/inbjudningar/{invitation.id}").text
    assert "Hamnade länken hos fel person?" in shown
    confirm = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/avsluta-lankar")
    assert confirm.status_code == 200 and "Stäng alla länkar till enkäten?" in confirm.text
    assert app.test_client().get(f"/s/{first}").status_code == 302  # a look changes nothing
    reply = handledare_client.post(f"/personal/inbjudningar/{invitation.id}/avsluta-lankar",
                                   data={"csrf_token": csrf_token(confirm.text)})
    ended = handledare_client.get(reply.headers["Location"]).text
    assert "De tidigare länkarna fungerar inte längre" in ended
    third = LINK.search(ended).group(1).rsplit("/", 1)[-1]
    for gone in (first, second):
        assert app.test_client().get(f"/s/{gone}").status_code == 404
    assert app.test_client().get(f"/s/{third}").headers["Location"].endswith(f"/s/{third}/2")
    assert db.session.scalar(select(Answer.value)) == 2
    actions = list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions.count("link_resent") == 1 and actions[-1] == "links_ended"


def test_email_arrives_in_the_participants_language(handledare_client, insats, smtp):
    page = handout(handledare_client, insats, language="lattlast")
    link = LINK.search(page.text).group(1)
    invitation = db.session.scalar(select(Invitation))
    reply = handledare_client.post(f"/personal/inbjudningar/{invitation.id}/epost", data={
        "csrf_token": csrf_token(page.text), "email": "deltagare@example.se"})
    assert reply.status_code == 302
    assert len(smtp.messages) == 1
    recipients, message = smtp.messages[0]
    assert recipients == ["deltagare@example.se"]
    body = message.get_payload(decode=True).decode()
    assert link in body
    # The date written for a person ("6 mars 2027"), not ISO.
    expires = db.session.scalar(select(Invitation)).expires_at.date()
    assert format_date(expires, "long", locale="sv") in body and str(expires) not in body
    # Written in easy Swedish, as the participant chose: not the standard sentence, and
    # it names the survey (the start självskattning) by its own easy title.
    assert "Det tar ungefär fem minuter" not in body
    assert "Hur har du det nu?" in body
    # The address is not stored anywhere.
    assert "deltagare@example.se" not in str(db.session.scalar(select(Invitation)).__dict__)


def test_bad_email_address_sends_nothing(handledare_client, insats, smtp):
    page = handout(handledare_client, insats)
    invitation = db.session.scalar(select(Invitation))
    handledare_client.post(f"/personal/inbjudningar/{invitation.id}/epost", data={
        "csrf_token": csrf_token(page.text), "email": "inte en adress"})
    assert smtp.messages == []


def test_letter_has_qr_and_link(handledare_client, insats):
    page = handout(handledare_client, insats)
    link = LINK.search(page.text).group(1)
    invitation = db.session.scalar(select(Invitation))
    letter = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev")
    assert letter.status_code == 200
    assert link in letter.text and 'class="qr"' in letter.text
    assert "Vi vill veta vad du tycker" in letter.text
    # What the participant is told, with the förbund's name and contact (issue 10); the
    # old promise that nobody sees the answers is gone (admins can, in the Dataexport).
    assert "Det är frivilligt att svara." in letter.text
    assert "Din handledare ser inte dina svar." in letter.text
    assert f"{insats.organisation.name} ansvarar för dina uppgifter." in letter.text
    assert "Ingen ser vad just du har svarat" not in letter.text
    insats.organisation.privacy_contact = "dataskydd@test.se"
    db.session.commit()
    letter = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev")
    assert "Frågor om dina uppgifter: dataskydd@test.se" in letter.text


def test_settings_keep_the_privacy_contact(admin_client, insats):
    page = admin_client.get("/personal/installningar")
    reply = admin_client.post("/personal/installningar", data={
        "csrf_token": csrf_token(page.text), "retention_months": "24",
        "privacy_contact": "  dataskydd@forbund.se, 0500-12 34 56 ",
        "work_outcomes": ["arbete", "studier"], **REPORT_SETTINGS})
    assert reply.status_code == 302
    assert insats.organisation.privacy_contact == "dataskydd@forbund.se, 0500-12 34 56"
    too_long = admin_client.post("/personal/installningar", data={
        "csrf_token": csrf_token(page.text), "retention_months": "24",
        "privacy_contact": "x" * 301, "work_outcomes": ["arbete"], **REPORT_SETTINGS})
    assert too_long.status_code == 400


REPORT_SETTINGS = {"pagaende_due_days": "90", "age_bands": "16, 30, 50",
                   "resend_after_days": "3", "followup_points": ["6", "12"],
                   "followup_link_days": "30"}


def test_settings_keep_the_report_settings(admin_client, insats):
    """Days until a pågående answer is due and the report's age bands (issue 11): saved
    when good, a clear error and nothing changed when not."""
    page = admin_client.get("/personal/installningar")
    assert 'value="90"' in page.text and 'value="16, 30, 50"' in page.text
    token = csrf_token(page.text)

    def post(days: str, bands: str) -> Any:
        return admin_client.post("/personal/installningar", data={
            "csrf_token": token, "retention_months": "24", "privacy_contact": "",
            "work_outcomes": ["arbete", "studier"], "pagaende_due_days": days,
            "age_bands": bands, "resend_after_days": "3", "followup_link_days": "30"})

    assert post("120", " 18 30,65 ").status_code == 302
    organisation = db.session.get(Organisation, insats.organisation_id)
    db.session.refresh(organisation)
    assert (organisation.pagaende_due_days, organisation.age_bands) == (120, "18,30,65")
    for days, bands in (("120", "30, 16"), ("120", "16, sexton"), ("120", "0, 30"),
                        ("0", "16, 30"), ("120", "")):
        reply = post(days, bands)
        assert reply.status_code == 400, (days, bands)
    assert "Skriv den lägsta åldern i varje åldersgrupp" in post("120", "30, 16").text
    db.session.refresh(organisation)
    assert (organisation.pagaende_due_days, organisation.age_bands) == (120, "18,30,65")


def test_tablet_handover_locks_staff_pages_until_password(handledare_client, insats):
    page = handout(handledare_client, insats, slot="avslut-indikatorer")
    invitation = db.session.scalar(select(Invitation))
    tablet = handledare_client  # the same browser is handed over
    reply = tablet.post(f"/personal/inbjudningar/{invitation.id}/surfplatta",
                        data={"csrf_token": csrf_token(page.text), "assisted": "tolk"})
    survey_url = reply.headers["Location"]
    assert survey_url.startswith("/s/")
    token = survey_url.rsplit("/", 1)[-1]
    # While the participant holds the tablet, no staff page opens.
    for path in ("/personal/", f"/personal/inskrivningar/{invitation.enrolment_id}",
                 "/personal/logga-in"):
        assert tablet.get(path).headers["Location"] == "/personal/last"
    choose_language(tablet, token, "lattlast")
    answer(tablet, token, 1, "4")
    done = submit(tablet, token)
    thanks = tablet.get(done.headers["Location"])
    assert 'http-equiv="refresh"' in thanks.text and "/personal/last" in thanks.text
    response = db.session.scalar(select(Response))
    assert (response.assisted, response.easy) == ("tolk", True)
    lock = tablet.get("/personal/last")
    assert "Tack! Ge tillbaka surfplattan." in lock.text  # in the easy Swedish chosen
    wrong = tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                                "password": "fel"})
    assert wrong.status_code == 401
    assert tablet.get("/personal/").status_code == 302
    right = tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                                "password": PASSWORD})
    assert right.headers["Location"] == f"/personal/inskrivningar/{invitation.enrolment_id}"
    assert tablet.get("/personal/").status_code == 200


def test_letter_names_the_survey_and_writes_the_date_for_a_person(handledare_client, insats):
    """Issue 22: the start självskattning's letter says what that survey asks, in the
    participant's language, and the expiry date as people write it, not ISO."""
    handout(handledare_client, insats, slot="start-sjalvskattning", language="sv")
    invitation = db.session.scalar(select(Invitation))
    letter = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev").text
    expires = invitation.expires_at.date()
    assert "Hur har du det just nu?" in letter and "frågor om ditt stöd" not in letter
    assert "Det tar ungefär fem minuter." in letter
    assert f"Länken fungerar till och med {format_date(expires, 'long', locale='sv')}." in letter
    assert str(expires) not in letter
    participant = db.session.scalar(select(Enrolment)).participant
    participant.language = "ar"
    db.session.commit()
    arabic = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev").text
    assert "كيف حالك الآن؟" in arabic and "Hur har du det just nu?" not in arabic
    assert format_date(expires, "long", locale="ar") in arabic


def test_exit_letter_names_both_parts(handledare_client, insats):
    from .test_exit_handout import exit_handout

    exit_handout(handledare_client, insats)
    first = db.session.scalar(select(Invitation).order_by(Invitation.id))
    letter = handledare_client.get(f"/personal/inbjudningar/{first.id}/brev").text
    assert re.search(r'<ol class="survey-titles lead"><li>Frågor om stödet du får</li>'
                     r'<li>Hur har du det just nu\?</li></ol>', letter)
    assert "Varje del tar ungefär fem minuter." in letter
