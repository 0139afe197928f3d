"""A letter handed out and its short code typed on /kod in a real browser (issue 13,
point 6)."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Enrolment

from .conftest import PHONE, screenshot
from .test_browser_staff import log_in


def test_short_code_from_the_letter_typed_on_kod(live, new_page):
    live.invite("sjalvskattning", "start")
    (enrolment_id,), *_ = live.query(select(Enrolment.id).order_by(Enrolment.id.desc()))
    staff = new_page(viewport=PHONE)
    log_in(staff)
    staff.goto(f"/personal/inskrivningar/{enrolment_id}")
    staff.locator("form[action*='/inbjudan'] button").first.click()
    staff.wait_for_url("**/personal/inbjudningar/*")
    staff.locator("a.button", has_text="Skriv ut brev").click()
    staff.wait_for_url("**/brev")
    code = staff.locator("p.short-code").inner_text()
    assert staff.locator(".letter-head .sender").inner_text() == "Från Samordningsförbundet Test"
    assert staff.locator(".participant-code").inner_text().startswith("Deltagare: B-")
    screenshot(staff, "letter")

    participant = new_page(viewport=PHONE, locale="uk")
    participant.goto("/kod")
    assert participant.locator("h1").inner_text() == "Введіть свій код"
    participant.fill("#kod", "ABCD-EFGH-JKMN")  # a typo'd code first
    participant.locator("main form button.primary").click()
    participant.wait_for_selector(".error[role=alert]")
    assert participant.locator("#kod").get_attribute("aria-invalid") == "true"
    # Typed in lower case with spaces, as people do.
    participant.fill("#kod", code.lower().replace("-", " "))
    participant.locator("main form button.primary").click()
    participant.wait_for_url(f"**/s/{code}")  # the language screen, at the link itself
    participant.locator('button[name=language][value="uk"]').click()
    participant.wait_for_url(f"**/s/{code}/start")
    assert participant.locator("html").get_attribute("lang") == "uk"
