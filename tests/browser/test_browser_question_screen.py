"""The question screen in a real browser (issue 13): the missed-tap prompt with and
without JavaScript."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Invitation, Response
from survey.tokens import hash_token

from .conftest import PHONE
from .test_browser_participant import start

MISSED = "Du har inte valt något svar. Vill du hoppa över frågan?"


def screen(token: str, number: int) -> re.Pattern[str]:
    # Without JavaScript "Svara" is a link to #svar; the browser keeps the fragment.
    return re.compile(rf"/s/{token}/{number}(#svar)?$")


def answers_stored(live, token: str) -> int:  # type: ignore[no-untyped-def]
    (count,), = live.query(select(func.count(Answer.id)).join(Response).join(Invitation)
                           .where(Invitation.token_hash == hash_token(token)))
    return int(count)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_missed_tap_prompt(live, new_page, javascript):
    token = live.invite()
    page = new_page(viewport=PHONE, javascript=javascript)
    start(page, token, "sv")
    prompt = page.locator("#missed")
    assert not prompt.is_visible()
    page.locator("main form button.primary").click()
    prompt.wait_for(state="visible")
    assert prompt.locator("p").inner_text() == MISSED
    assert page.url.endswith(f"/s/{token}/1")
    assert answers_stored(live, token) == 0
    # "Svara": back to the answers; choosing one and "Nästa" stores it.
    prompt.locator("a", has_text="Svara").click()
    if javascript:
        assert not prompt.is_visible()
        assert page.evaluate("document.activeElement.name") == "value"
    page.locator('label.option:has(input[value="3"])').click()
    page.locator("main form button.primary").click()
    page.wait_for_url(screen(token, 2))
    assert answers_stored(live, token) == 1
    # "Hoppa över" moves on without an answer.
    page.locator("main form button.primary").click()
    prompt.wait_for(state="visible")
    prompt.locator("button", has_text="Hoppa över").click()
    page.wait_for_url(screen(token, 3))
    # Asked once: a second "Nästa" with nothing chosen moves on.
    page.locator("main form button.primary").click()
    prompt.wait_for(state="visible")
    page.locator("main form button.primary").click()
    page.wait_for_url(screen(token, 4))
    assert answers_stored(live, token) == 1


@pytest.mark.parametrize("key", ["finsam-indikatorer", "sjalvskattning"])
@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_missed_tap_prompt_fits_on_a_phone(live, new_page, javascript, key):
    """Issue 22: at 390×844 the prompt's Svara and Hoppa över show without scrolling,
    whether the script shows the prompt or the server does (a page loaded at the top)."""
    token = live.invite(key, "avslut")
    page = new_page(viewport=PHONE, javascript=javascript)
    start(page, token, "sv")
    page.locator("main form button.primary").click()
    prompt = page.locator("#missed")
    prompt.wait_for(state="visible")
    page.wait_for_timeout(300)  # any smooth scroll has ended
    name = f"missed-prompt-{key}-{'js' if javascript else 'no-js'}"
    folder = os.environ.get("STEGVIS_SCREENSHOTS")
    if folder:  # what the participant sees: the viewport, not the whole page
        page.screenshot(path=f"{folder}/{name}.png")
    for button in (prompt.locator("a", has_text="Svara"),
                   prompt.locator("button", has_text="Hoppa över")):
        box = button.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box
