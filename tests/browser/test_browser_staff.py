"""A handledare in a real browser: log in, enrol a participant, create an invitation, show
the QR code, hand the tablet over, and get back past the lock screen."""

from __future__ import annotations

import re

from sqlalchemy import select

from survey.models import Invitation, Response
from survey.tokens import hash_token

from .conftest import PASSWORD, TABLET, screenshot
from .test_browser_participant import SELF_VALUES, choose


def log_in(page, email: str = "handledare@test.se") -> None:  # type: ignore[no-untyped-def]
    page.goto("/personal/logga-in")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.locator("main form button.primary").click()
    page.wait_for_url("**/personal/")


def test_handledare_hands_the_tablet_over(live, new_page):
    page = new_page(viewport=TABLET)
    log_in(page)
    screenshot(page, "staff-overview")
    page.locator("a.button", has_text="Skriv in deltagare").first.click()
    page.wait_for_url("**/deltagare/ny")
    page.fill("#pseudonym", "TAB-1")
    page.fill("#birth_year", "1988")
    page.locator("input[name=gender]").first.check()
    page.locator("main form button.primary").click()
    page.wait_for_url("**/personal/inskrivningar/*")
    enrolment_url = page.url
    # Create the start självskattning link and show it.
    page.locator("form[action*='/inbjudan'] button").first.click()
    page.wait_for_url("**/personal/inbjudningar/*")
    qr = page.locator("figure.qr-box svg")
    assert qr.is_visible()
    assert qr.bounding_box()["width"] >= 150  # big enough to scan from a screen
    link = page.locator("#link").input_value()
    assert "/s/" in link
    screenshot(page, "staff-handout")

    # Tablet hand-over: the handledare says how the participant answers, then hands over.
    page.locator("input[name=assisted][value=handledare]").check()
    page.locator("form[action*='/surfplatta'] button").click()
    page.wait_for_url(re.compile(r"/s/[^/]+$"))  # the link opens on the language screen
    token = page.url.split("/s/")[1].split("/")[0]
    # While the participant answers, no staff page is reachable.
    page.goto("/personal/")
    assert "/personal/" not in page.url or "/personal/last" in page.url
    page.goto(enrolment_url)
    assert page.url != enrolment_url
    page.goto(f"/s/{token}")
    page.locator('button[name=language][value="sv"]').click()
    page.wait_for_url("**/start")
    page.locator("main a.button.primary").click()
    for number, value in enumerate(SELF_VALUES, start=1):
        page.wait_for_url(f"**/s/{token}/{number}")
        choose(page, value)
    page.wait_for_url("**/granska")
    page.locator("form[data-retry] button").click()
    page.wait_for_url("**/tack")
    screenshot(page, "tablet-thanks")
    # "Klar" (or the page's own refresh after a while) leads to the lock screen.
    page.locator("main a.button.primary").click()
    page.wait_for_url("**/personal/last")
    screenshot(page, "tablet-locked")
    page.goto("/personal/")
    assert "/personal/last" in page.url or "/personal/logga-in" in page.url
    page.goto("/personal/last")
    page.fill("#password", "fel-lösenord-123")
    page.locator("main form button.primary").click()
    assert page.locator(".error[role=alert]").is_visible()
    page.fill("#password", PASSWORD)
    page.locator("main form button.primary").click()
    page.wait_for_url(enrolment_url)

    (response,) = live.query(select(Response.assisted, Response.submitted_at)
                             .join(Invitation).where(Invitation.token_hash == hash_token(token)))
    assert response.assisted == "handledare"
    assert response.submitted_at is not None
