"""A participant answers both questionnaires in a real browser: phone and tablet, with and
without JavaScript, in Svenska, Lättläst svenska and Arabic; by keyboard only; and when
the network fails at the moment of submitting."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Invitation, Response
from survey.tokens import hash_token

from .conftest import PHONE, TABLET, screenshot

INDICATORS = ["delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering"]
SELF = ["aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid", "arbete_studier"]
SELF_VALUES = ["6", "5", "4", "3", "2", "1"]  # one per item of sjalvskattning v2
HOSTILE_COMMENT = "Bra <b>dag</b> & <script>alert(1)</script>"


def stored(live, token: str) -> tuple[list, dict]:  # type: ignore[no-untyped-def, type-arg]
    responses = live.query(
        select(Response.id, Response.language, Response.easy, Response.submitted_at)
        .join(Invitation).where(Invitation.token_hash == hash_token(token)))
    answers = live.query(
        select(Answer.item_id, Answer.value, Answer.comment).join(Response).join(Invitation)
        .where(Invitation.token_hash == hash_token(token)))
    return responses, {item: (value, comment) for item, value, comment in answers}


def choose(page, value: str, comment: str | None = None) -> None:  # type: ignore[no-untyped-def]
    page.locator(f'label.option:has(input[value="{value}"])').click()
    assert page.locator(f'input[name=value][value="{value}"]').is_checked()
    if comment is not None:
        page.fill("#comment", comment)
    page.locator("main form button.primary").click()


def start(page, token: str, language: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/s/{token}")  # a new link opens on the language screen itself
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    expected = {"ar": ("ar", "rtl"), "lattlast": ("sv", "ltr"), "sv": ("sv", "ltr")}[language]
    assert page.locator("html").get_attribute("lang").startswith(expected[0])
    assert page.locator("html").get_attribute("dir") == expected[1]
    page.locator("main a.button.primary").click()
    page.wait_for_url(f"**/s/{token}/1")


def answer_all(page, token: str, values: list[str], comment: str | None = None,  # type: ignore[no-untyped-def]
               shot: str | None = None) -> None:
    """Answer every screen; on screen 3 go back to 2 and change that answer to "2"."""
    number = 1
    changed = False
    while number <= len(values):
        if shot and number == 1:
            screenshot(page, f"{shot}-question")
        choose(page, values[number - 1], comment if number == 1 else None)
        number += 1
        if number == 3 and not changed:
            page.wait_for_url(f"**/s/{token}/3")
            page.locator("a.back").click()
            page.wait_for_url(f"**/s/{token}/2")
            assert page.locator(f'input[name=value][value="{values[1]}"]').is_checked()
            values[1] = "2"
            changed = True
            number = 2
            continue
        if number <= len(values):
            page.wait_for_url(f"**/s/{token}/{number}")
    page.wait_for_url(f"**/s/{token}/granska")


def change_first_on_review(page, token: str, value: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("ol.review > li").first.locator("a").click()
    page.wait_for_url(re.compile(rf"/s/{token}/1\?granska=1$"))
    choose(page, value)
    page.wait_for_url(f"**/s/{token}/granska")


def submit(page, token: str, shot: str | None = None) -> None:  # type: ignore[no-untyped-def]
    if shot:
        screenshot(page, f"{shot}-review")
    page.locator("form[data-retry] button").click()
    page.wait_for_url(f"**/s/{token}/tack")
    assert page.locator("h1").is_visible()
    if shot:
        screenshot(page, f"{shot}-thanks")


JOURNEYS = [  # (language, viewport, javascript): every language on both, with and without JS
    pytest.param(language, viewport, javascript,
                 id=f"{language}-{name}-{'js' if javascript else 'no-js'}")
    for language in ("sv", "lattlast", "ar")
    for name, viewport, javascript in (("phone", PHONE, True), ("tablet", TABLET, True),
                                       ("phone", PHONE, False), ("tablet", TABLET, False))
    # Without JavaScript the tablet adds nothing the phone does not show: one language.
    if javascript or name == "phone" or language == "ar"
]


@pytest.mark.parametrize("language,viewport,javascript", JOURNEYS)
def test_participant_answers_both_questionnaires(live, new_page, language, viewport,
                                                 javascript):
    page = new_page(viewport=viewport, javascript=javascript)
    shot = f"journey-{language}-{viewport['width']}-{'js' if javascript else 'nojs'}"

    token = live.invite("finsam-indikatorer", "avslut")
    start(page, token, language)
    values = ["4", "3", "2", "1", "vet-inte", "4", "3"]
    answer_all(page, token, values, shot=shot)
    # Nothing scrolls sideways on the review screen either.
    assert page.evaluate("document.documentElement.scrollWidth <= "
                         "document.documentElement.clientWidth")
    change_first_on_review(page, token, "1")
    submit(page, token, shot=shot)
    responses, answers = stored(live, token)
    assert len(responses) == 1 and responses[0].submitted_at is not None
    assert responses[0].language == ("ar" if language == "ar" else "sv")
    assert responses[0].easy is (language == "lattlast")
    assert answers == {"delaktighet": (1, None), "bemotande": (2, None),
                       "samordning": (2, None), "behov": (1, None), "nytta": (None, None),
                       "redo": (4, None), "planering": (3, None)}

    token = live.invite("sjalvskattning", "start")
    start(page, token, language)
    answer_all(page, token, list(SELF_VALUES), comment=HOSTILE_COMMENT)
    # The comment comes back as text, never as markup.
    assert page.locator("ol.review .comment").first.inner_text() == HOSTILE_COMMENT
    assert page.locator("ol.review b, ol.review script").count() == 0
    change_first_on_review(page, token, "5")
    submit(page, token)
    responses, answers = stored(live, token)
    assert len(responses) == 1 and responses[0].submitted_at is not None
    assert answers["aktivitet"] == (5, HOSTILE_COMMENT)
    assert answers["fysisk_halsa"] == (2, None)  # changed after going back
    assert [answers[item][0] for item in SELF[2:]] == [4, 3, 2, 1]

    # Opening the link again says kindly that it is done.
    page.goto(f"/s/{token}")
    assert page.locator("h1").is_visible()
    assert "/tack" not in page.url


def test_keyboard_only(live, new_page):
    """Tab, Space, arrow keys and Enter only: the whole journey, and focus is always seen."""
    page = new_page(viewport=PHONE)
    token = live.invite("finsam-indikatorer", "avslut")
    page.goto(f"/s/{token}/sprak")

    def tab_to(selector: str, limit: int = 40) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                outline = page.evaluate(
                    "() => { const s = getComputedStyle(document.activeElement);"
                    " return s.outlineStyle + ' ' + s.outlineWidth + ' ' + s.boxShadow; }")
                assert outline.split()[0] != "none" or "rgb" in outline, \
                    f"no visible focus on {selector}: {outline}"
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('button[name=language][value="lattlast"]')
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{token}/start")
    tab_to("main a.button.primary")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{token}/1")
    for number in range(1, 8):
        tab_to("input[name=value]")
        page.keyboard.press("Space")  # picks the first choice in the group
        page.keyboard.press("ArrowDown")  # and moves to the next one
        checked = page.locator("input[name=value]:checked").get_attribute("value")
        assert checked is not None
        tab_to("main form button.primary")
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/s/{token}/{number + 1 if number < 7 else 'granska'}")
    tab_to("form[data-retry] button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/s/{token}/tack")
    responses, answers = stored(live, token)
    assert responses[0].submitted_at is not None and responses[0].easy is True
    assert len(answers) == 7


def _offline_once(page, token: str, reach_server: bool):  # type: ignore[no-untyped-def]
    """The first submit fails in the network: before or after reaching the server."""
    failed = []

    def handle(route):  # type: ignore[no-untyped-def]
        if route.request.method == "POST" and not failed:
            failed.append(route.request.url)
            if reach_server:
                route.fetch()  # the server stores the submit, the reply is lost
            route.abort("internetdisconnected")
            return
        route.continue_()

    page.route(f"**/s/{token}/granska", handle)
    return failed


@pytest.mark.parametrize("reach_server", [False, True], ids=["lost-request", "lost-reply"])
def test_submit_retries_by_itself_when_the_network_fails(live, new_page, reach_server):
    page = new_page(viewport=PHONE)
    token = live.invite("sjalvskattning", "start")
    start(page, token, "sv")
    answer_all(page, token, list(SELF_VALUES))
    failed = _offline_once(page, token, reach_server)
    page.locator("form[data-retry] button").click()
    # The page stays, says the answers are kept, and then gets through by itself.
    page.wait_for_url(f"**/s/{token}/tack", timeout=15_000)
    assert failed, "the first submit went through the failing network"
    responses, answers = stored(live, token)
    assert len(responses) == 1 and responses[0].submitted_at is not None
    assert len(answers) == len(SELF)
    count = live.query(select(func.count()).select_from(Answer).join(Response).join(Invitation)
                       .where(Invitation.token_hash == hash_token(token)))[0][0]
    assert count == len(SELF)


def test_submit_failure_shows_a_message_while_retrying(live, new_page):
    page = new_page(viewport=PHONE)
    token = live.invite("sjalvskattning", "start")
    start(page, token, "sv")
    answer_all(page, token, list(SELF_VALUES))
    page.route(f"**/s/{token}/granska", lambda route: (
        route.abort("internetdisconnected") if route.request.method == "POST"
        else route.continue_()))
    page.locator("form[data-retry] button").click()
    notice = page.locator("#offline")
    notice.wait_for(state="visible")
    screenshot(page, "offline-retrying")
    assert "sparade" in notice.inner_text()
    # The answers are still on the page, nothing was lost.
    assert page.locator("ol.review > li").count() == len(SELF)
    page.unroute(f"**/s/{token}/granska")
    page.wait_for_url(f"**/s/{token}/tack", timeout=20_000)


@pytest.mark.parametrize("reach_server", [False, True], ids=["lost-request", "lost-reply"])
def test_without_javascript_the_answers_stay_and_trying_again_works(live, new_page,
                                                                    reach_server):
    page = new_page(viewport=PHONE, javascript=False)
    token = live.invite("sjalvskattning", "start")
    start(page, token, "sv")
    answer_all(page, token, list(SELF_VALUES))
    _offline_once(page, token, reach_server)
    page.locator("form[data-retry] button").click()
    # Chromium shows its own "no connection" page (with its own "try again")...
    page.wait_for_url(lambda url: url.startswith("chrome-error:"))
    screenshot(page, f"offline-nojs-{'reply' if reach_server else 'request'}")
    # ...and opening the review again (back, or the link) shows every answer still there.
    page.goto(f"/s/{token}/granska")
    if reach_server:
        assert "/s/" in page.url  # already stored: the kind "already answered" page
        responses, answers = stored(live, token)
        assert responses[0].submitted_at is not None and len(answers) == len(SELF)
        return
    assert page.locator("ol.review > li").count() == len(SELF)
    assert page.locator("ol.review em").count() == 0  # no "Inget svar": all answers kept
    submit(page, token)
    responses, answers = stored(live, token)
    assert len(responses) == 1 and responses[0].submitted_at is not None
    assert len(answers) == len(SELF)
