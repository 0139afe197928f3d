"""Read-aloud recorded in the browser (issue 13, point 2): an admin records a Tigrinya
question with Chromium's fake microphone (MediaRecorder), and a participant hears it on
the question screen in Tigrinya."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from survey import i18n
from survey.models import Recording

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

PAGE = "/personal/inlasning?enkat=finsam-indikatorer-v2&sprak=ti"


def test_record_in_the_browser_then_hear_it_in_tigrinya(live, new_page):
    admin = new_page(viewport=PHONE)
    log_in(admin, "admin@test.se")
    admin.goto(PAGE)
    section = admin.locator("#screen-delaktighet")
    assert section.locator(".read-this").get_attribute("lang") == "ti"
    section.locator("[data-start]").click()
    section.locator("[data-stop]").wait_for(state="visible")
    admin.wait_for_timeout(1500)  # about a second and a half of the fake tone
    section.locator("[data-stop]").click()
    section.locator("[data-take]").wait_for(state="visible")
    with admin.expect_navigation():
        section.locator("[data-save]").click()
    section = admin.locator("#screen-delaktighet")
    assert section.locator(".state").inner_text() == "Inläst"
    assert section.locator("audio[src]").count() == 1
    screenshot(admin, "recording-page")
    (audio, mimetype, checksum), = live.query(
        select(Recording.audio, Recording.mimetype, Recording.checksum)
        .where(Recording.screen == "delaktighet", Recording.language == "ti"))
    assert mimetype in ("audio/webm", "audio/ogg") and len(audio) > 1000
    assert hashlib.sha256(audio).hexdigest() == checksum
    # Listen back on the recording page.
    played = admin.request.get(section.locator("audio[src]").get_attribute("src"))
    assert played.status == 200 and played.body() == bytes(audio)

    token = live.invite()
    participant = new_page(viewport=PHONE)
    participant.goto(f"/s/{token}/sprak")
    participant.locator('button[name=language][value="ti"]').click()
    participant.wait_for_url("**/start")
    participant.goto(f"/s/{token}/1")
    listen = participant.locator("a.listen")
    assert listen.is_visible()
    url = listen.get_attribute("data-audio")
    assert f"/s/{token}/lyssna/delaktighet" in url and checksum[:16] in url
    heard = participant.request.get(url)
    assert heard.status == 200 and hashlib.sha256(heard.body()).hexdigest() == checksum
    listen.click()
    participant.wait_for_function(
        "document.querySelector('a.listen').getAttribute('aria-pressed') !== null")


def test_recording_page_accessible_in_every_language(live, new_page, axe_source):
    page = new_page(bypass_csp=True)
    log_in(page, "admin@test.se")
    problems: list[str] = []
    for language in i18n.PARTICIPANT_LANGUAGES:
        page.goto(f"/personal/inlasning?enkat=sjalvskattning-v2&sprak={language.code}")
        problems.extend(scan(page, axe_source, f"recording-page {language.code}"))
    page.goto("/personal/installningar")
    problems.extend(scan(page, axe_source, "settings-coverage sv"))
    assert problems == [], "\n".join(problems)
