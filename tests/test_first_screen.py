"""Before a language is chosen (issue 13, point 1): the language screen names the förbund
and asks in every language; broken links and unknown pages follow the browser's language
and offer the others; a link or tablet starts in the language noted at enrolment; the
tablet's lock screen and the SMS text are in the participant's language."""

from __future__ import annotations

import re
from urllib.parse import unquote

from sqlalchemy import select

from survey.extensions import db
from survey.models import Invitation, Participant, Response

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit
from .test_staff_handout import LINK, handout

_HTML = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')


def html_lang(page) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    return _HTML.search(page.text).groups()


def test_language_screen_names_the_forbund_and_asks_in_every_language(client, make_invitation):
    token = make_invitation()
    page = client.get(f"/s/{token}/sprak")
    assert page.status_code == 200
    assert "Samordningsförbundet Test" in page.text
    heading = re.search(r'<h1 class="in-each">(.*?)</h1>', page.text).group(1)
    for tag, direction, text in [("sv", "ltr", "Välj språk"), ("ar", "rtl", "اختر اللغة"),
                                 ("so", "ltr", "Dooro luqadda"), ("ti", "ltr", "ቋንቋ ምረጹ"),
                                 ("uk", "ltr", "Виберіть мову"), ("en", "ltr", "Choose language")]:
        assert f'<span lang="{tag}" dir="{direction}">{text}</span>' in heading
    # Each text once: Svenska and Lättläst say the same, so do Persian and Dari.
    assert heading.count("Välj språk") == 1 and heading.count("زبان را انتخاب کنید") == 1


def test_language_screen_opens_in_the_browsers_language(client, make_invitation):
    token = make_invitation()
    page = client.get(f"/s/{token}/sprak", headers={"Accept-Language": "ti-ER,ti;q=0.9"})
    assert html_lang(page) == ("ti", "ltr")
    assert "<title>ቋንቋ ምረጹ" in page.text
    assert 'value="ti" lang="ti" dir="ltr" class="choice suggested"' in page.text


def test_broken_link_follows_accept_language_and_offers_the_others(client):
    page = client.get("/s/no-such-link", headers={"Accept-Language": "ar,en;q=0.5"})
    assert page.status_code == 404
    assert html_lang(page) == ("ar", "rtl")
    assert "الرابط لا يعمل" in page.text
    offered = re.findall(r'href="/s/no-such-link\?sprak=([a-z]+)"', page.text)
    assert sorted(offered) == sorted(["sv", "lattlast", "en", "fa", "prs", "so", "ti", "uk"])
    chosen = client.get("/s/no-such-link?sprak=uk", headers={"Accept-Language": "ar"})
    assert html_lang(chosen) == ("uk", "ltr") and "Посилання не працює" in chosen.text


def test_expired_link_in_the_browsers_language(client, make_invitation):
    token = make_invitation(expired=True)
    page = client.get(f"/s/{token}", headers={"Accept-Language": "so"})
    assert page.status_code == 410
    assert html_lang(page) == ("so", "ltr") and "Linkigu ma shaqaynayo" in page.text


def test_dari_and_unknown_languages(client):
    assert html_lang(client.get("/s/x", headers={"Accept-Language": "fa-AF"})) == ("fa-AF", "rtl")
    assert html_lang(client.get("/s/x", headers={"Accept-Language": "fa-IR"})) == ("fa", "rtl")
    assert html_lang(client.get("/s/x", headers={"Accept-Language": "de, fr"})) == ("sv", "ltr")
    unknown = client.get("/s/x?sprak=xx", headers={"Accept-Language": "en"})
    assert html_lang(unknown) == ("en", "ltr")


def test_unknown_page_in_the_browsers_language_but_staff_pages_stay_swedish(
        client, handledare_client):
    page = client.get("/finns-inte", headers={"Accept-Language": "uk"})
    assert page.status_code == 404
    assert html_lang(page) == ("uk", "ltr")
    assert 'href="/finns-inte?sprak=sv"' in page.text
    staff = handledare_client.get("/personal/finns-inte", headers={"Accept-Language": "uk"})
    assert staff.status_code == 404
    assert html_lang(staff) == ("sv", "ltr") and "Sidan finns inte" in staff.text
    assert "?sprak=" not in staff.text


def test_link_starts_in_the_language_noted_at_enrolment(client, make_invitation):
    token = make_invitation()
    participant = db.session.scalar(select(Participant))
    participant.language = "prs"
    db.session.commit()
    reply = client.get(f"/s/{token}")
    assert reply.headers["Location"].endswith(f"/s/{token}/start")
    response = db.session.scalar(select(Response))
    assert (response.language, response.easy) == ("prs", False)
    welcome = client.get(reply.headers["Location"])
    assert html_lang(welcome) == ("fa-AF", "rtl")
    # The choice is one tap away.
    assert f'href="/s/{token}/sprak"' in welcome.text


def hand_tablet_over(client, insats, language: str) -> str:  # type: ignore[no-untyped-def]
    """Enrol with a noted language, hand the tablet over; the survey's token."""
    page = handout(client, insats, slot="avslut-indikatorer", language=language)
    invitation = db.session.scalar(select(Invitation))
    reply = client.post(f"/personal/inbjudningar/{invitation.id}/surfplatta",
                        data={"csrf_token": csrf_token(page.text), "assisted": "sjalv"})
    token: str = reply.headers["Location"].rsplit("/", 1)[-1]
    return token


def test_tablet_starts_in_enrolment_language_and_locks_in_it(handledare_client, insats):
    token = hand_tablet_over(handledare_client, insats, "ar")
    assert handledare_client.get(f"/s/{token}").headers["Location"].endswith("/start")
    answer(handledare_client, token, 1, "4")
    submit(handledare_client, token)
    lock = handledare_client.get("/personal/last")
    assert '<div class="calm" lang="ar" dir="rtl">' in lock.text
    assert "شكرًا! أعد الجهاز اللوحي من فضلك." in lock.text
    assert "/static/fonts/arabic.css" in lock.text
    # The handledare's part stays in the staff language.
    assert html_lang(lock) == ("sv", "ltr") and "Lås upp" in lock.text


def test_lock_screen_follows_the_language_the_participant_chose(handledare_client, insats):
    token = hand_tablet_over(handledare_client, insats, "sv")
    choose_language(handledare_client, token, "uk")
    lock = handledare_client.get("/personal/last")
    # Nothing answered yet: asked for the tablet back, not thanked (issue 22).
    assert "Поверніть, будь ласка, планшет." in lock.text and "Дякуємо" not in lock.text
    answer(handledare_client, token, 1, "4")
    lock = handledare_client.get("/personal/last")
    assert "Дякуємо! Поверніть, будь ласка, планшет." in lock.text


def test_sms_text_in_the_participants_language(handledare_client, insats):
    page = handout(handledare_client, insats, language="so")
    link = LINK.search(page.text).group(1)
    body = unquote(re.search(r'href="sms:\?&amp;body=([^"]+)"', page.text).group(1))
    assert body == f"Salaan! Kan waa linkiga su'aalaha: {link}"


def test_a_phone_number_stays_whole_in_arabic(app, make_invitation, insats):
    """Issue 22: the förbund's phone number does not wrap inside its digits or come out
    reordered in a right-to-left language: kept whole and left to right."""
    insats.organisation.privacy_contact = "dataskydd@forbund.se, 0500-12 34 56"
    db.session.commit()
    token = make_invitation("sjalvskattning", "start")
    participant = app.test_client()
    choose_language(participant, token, "ar")
    welcome = participant.get(f"/s/{token}/start")
    assert html_lang(welcome) == ("ar", "rtl")
    assert '<bdi dir="ltr" class="tel">0500-12 34 56</bdi>' in welcome.text
    assert "dataskydd@forbund.se, <bdi" in welcome.text
