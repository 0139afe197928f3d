"""The participant's first minute in a real browser (issue 13, point 1): the language
screen and a broken link for an Arabic-speaking browser, and the tablet's lock screen
after an Arabic session started in the language noted at enrolment."""

from __future__ import annotations

from sqlalchemy import select, update

from survey.extensions import db
from survey.models import Enrolment, Invitation, Participant, Response
from survey.tokens import hash_token

from .conftest import PHONE, screenshot
from .test_browser_participant import SELF_VALUES, choose
from .test_browser_staff import log_in


def test_language_screen_for_an_arabic_browser(live, new_page):
    token = live.invite()
    page = new_page(viewport=PHONE, locale="ar")
    page.goto(f"/s/{token}")  # a new link opens on the language screen itself
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("header .sender").inner_text() == "Samordningsförbundet Test"
    lines = page.locator("h1.in-each span")
    assert lines.count() == 7  # nine languages, two pairs say the same
    arabic = page.locator('h1.in-each span[lang="ar"]')
    assert arabic.inner_text() == "اختر اللغة" and arabic.get_attribute("dir") == "rtl"
    assert page.locator('h1.in-each span[lang="so"]').inner_text() == "Dooro luqadda"
    # Large: each line at least as big as body text, each choice a big target.
    assert float(arabic.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    for button in page.locator("button.choice").all():
        assert button.bounding_box()["height"] >= 48
    assert page.locator("button.choice.suggested").get_attribute("value") == "ar"
    screenshot(page, "language-screen-ar")
    page.locator('button.choice[value="ar"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    assert page.locator("html").get_attribute("dir") == "rtl"


def test_broken_link_for_an_arabic_browser_offers_the_others(live, new_page):
    page = new_page(viewport=PHONE, locale="ar")
    reply = page.goto("/s/ett-trasigt-lank-id")
    assert reply is not None and reply.status == 404
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == "الرابط لا يعمل"
    others = page.locator("nav.other-languages a")
    assert others.count() == 8
    screenshot(page, "link-broken-ar")
    page.locator('nav.other-languages a[lang="uk"]').click()
    page.wait_for_url("**?sprak=uk")
    assert page.locator("h1").inner_text() == "Посилання не працює"
    assert page.locator("html").get_attribute("dir") == "ltr"


def test_lock_screen_after_an_arabic_session(live, new_page):
    token = live.invite("sjalvskattning", "start")
    with live.app.app_context():
        # The handledare noted Arabic at enrolment ("Språk deltagaren läser bäst").
        participant_id = db.session.scalar(
            select(Enrolment.participant_id).order_by(Enrolment.id.desc()))
        db.session.execute(update(Participant).where(Participant.id == participant_id)
                           .values(language="ar"))
        db.session.commit()
        enrolment_id = db.session.scalar(select(Enrolment.id).order_by(Enrolment.id.desc()))
    del token
    page = new_page(viewport=PHONE)
    log_in(page)
    page.goto(f"/personal/inskrivningar/{enrolment_id}")
    page.locator("form[action*='/inbjudan'] button").first.click()
    page.wait_for_url("**/personal/inbjudningar/*")
    page.locator("form[action*='/surfplatta'] button").click()
    # Straight into the survey in Arabic: no language screen, the choice one tap away.
    page.wait_for_url("**/s/*/start")
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("a.change-language").is_visible()
    token = page.url.split("/s/")[1].split("/")[0]
    page.locator("main a.button.primary").click()
    for number in range(1, len(SELF_VALUES) + 1):
        page.wait_for_url(f"**/s/{token}/{number}")
        choose(page, "4")
    page.wait_for_url(f"**/s/{token}/granska")
    page.locator("form[data-retry] button").click()
    page.wait_for_url(f"**/s/{token}/tack")
    page.locator("main a.button.primary").click()
    page.wait_for_url("**/personal/last")
    participant_part = page.locator('main div.calm[lang="ar"][dir="rtl"]')
    assert participant_part.locator("h1").inner_text() == "شكرًا! أعد الجهاز اللوحي من فضلك."
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("main form button.primary").inner_text() == "Lås upp"
    screenshot(page, "lock-screen-ar")
    (language,), = live.query(select(Response.language).join(Invitation)
                              .where(Invitation.token_hash == hash_token(token)))
    assert language == "ar"
