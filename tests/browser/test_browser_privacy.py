"""What a participant is told before answering (issue 10): the welcome screen says it in
their language, with the förbund's name and contact from its settings."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from survey.models import Organisation

from .conftest import PHONE, screenshot
from .test_browser_staff import log_in

CONTACT = "dataskydd@test.se, 0500-12 34 56"
EXPECTED = {
    "sv": ["Det är frivilligt att svara.", "Din handledare ser inte dina svar.",
           "Samordningsförbundet Test ansvarar för dina uppgifter."],
    "lattlast": ["Du bestämmer själv om du vill svara.",
                 "Samordningsförbundet Test ansvarar för uppgifterna om dig."],
    "ar": ["الإجابة اختيارية.", "Samordningsförbundet Test هو المسؤول عن بياناتك."],
    "ti": ["ምምላስ ብፍቓድኩም እዩ።", "ሓላፊኹም መልስታትኩም ኣይርእዮን እዩ።"],
}


@pytest.mark.parametrize("language", list(EXPECTED))
def test_welcome_screen_tells_what_happens_to_the_answers(live, new_page, language):
    with live.app.app_context():
        from survey.extensions import db

        db.session.execute(update(Organisation).values(privacy_contact=CONTACT))
        db.session.commit()
        assert db.session.scalar(select(Organisation.privacy_contact)) == CONTACT
    page = new_page(viewport=PHONE)
    token = live.invite()
    page.goto(f"/s/{token}")  # a new link opens on the language screen itself
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    section = page.locator("section.privacy")
    text = " ".join(section.inner_text().split())
    for sentence in EXPECTED[language]:
        assert sentence in text, (language, text)
    assert CONTACT in text
    assert section.locator("li").count() == 5
    # The promises come before the button that starts the survey.
    box, button = section.bounding_box(), page.locator("main a.button.primary").bounding_box()
    assert box["y"] < button["y"]
    screenshot(page, f"welcome-privacy-{language}")


def test_dataexport_page_on_a_phone(live, new_page):
    """The admin's Dataexport: the warning first, then the form that asks for a purpose."""
    live.invite("sjalvskattning", "start")
    page = new_page(viewport=PHONE)
    log_in(page, "admin@test.se")
    page.goto("/personal/rapporter/dataexport")
    warning = page.locator(".warning")
    assert "Filen innehåller personuppgifter." in warning.inner_text()
    assert warning.bounding_box()["y"] < page.locator("#syfte").bounding_box()["y"]
    page.locator("main form button.primary").click()  # no insats, no purpose
    page.wait_for_selector("#syfte[aria-invalid=true]")
    assert "Skriv varför uppgifterna behövs." in page.locator("main").inner_text()
    screenshot(page, "dataexport-errors")
