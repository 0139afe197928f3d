"""One round trip per tap, in Chromium: with JavaScript every answer is one request that
brings the next screen, and the address bar, reload and back behave as after a redirect;
without JavaScript every answer is still POST, redirect, GET."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.models import Answer, Invitation, Response
from survey.tokens import hash_token

from .conftest import PHONE
from .test_browser_a11y import scan
from .test_browser_participant import choose, start, stored, submit


def record_requests(page, token: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every request the page makes for this link's screens."""
    seen: list[tuple[str, str]] = []

    def on_request(request):  # type: ignore[no-untyped-def]
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        if path.startswith(f"s/{token}"):
            seen.append((request.method, "/" + path))

    page.on("request", on_request)
    return seen


def answer_count(live, token: str) -> int:  # type: ignore[no-untyped-def]
    return live.query(select(func.count()).select_from(Answer).join(Response).join(Invitation)
                      .where(Invitation.token_hash == hash_token(token)))[0][0]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_each_answer_is_one_request_with_javascript(live, new_page, javascript):
    page = new_page(viewport=PHONE, javascript=javascript)
    token = live.invite("finsam-indikatorer", "avslut")
    start(page, token, "sv")
    seen = record_requests(page, token)
    for number in range(1, 8):
        before = len(seen)
        choose(page, "4" if number % 2 else "vet-inte")
        following = f"/s/{token}/{number + 1}" if number < 7 else f"/s/{token}/granska"
        page.wait_for_url(f"**{following}")
        assert page.locator("html").get_attribute("lang") == "sv"
        tap = seen[before:]
        if javascript:
            assert tap == [("POST", f"/s/{token}/{number}")]
        else:
            assert tap == [("POST", f"/s/{token}/{number}"), ("GET", following)]
    before = len(seen)
    submit(page, token)
    # With JavaScript submit.js sends it (and keeps trying offline), then opens the thanks
    # page it was answered with; without, POST and redirect.
    assert seen[before:] == [("POST", f"/s/{token}/granska"), ("GET", f"/s/{token}/tack")]
    responses, answers = stored(live, token)
    assert responses[0].submitted_at is not None and len(answers) == 7


def test_reload_and_back_get_the_screens(live, new_page):
    page = new_page(viewport=PHONE)
    token = live.invite("finsam-indikatorer", "avslut")
    start(page, token, "sv")
    choose(page, "3")
    page.wait_for_url(f"**/s/{token}/2")
    choose(page, "2")
    page.wait_for_url(f"**/s/{token}/3")
    seen = record_requests(page, token)

    page.reload()  # no "send the form again?": the shown screen is fetched with GET
    assert seen == [("GET", f"/s/{token}/3")]
    assert page.url.endswith(f"/s/{token}/3")
    assert answer_count(live, token) == 2

    page.go_back()  # the previous question, with its stored answer
    page.wait_for_url(f"**/s/{token}/2")
    assert seen[-1] == ("GET", f"/s/{token}/2")
    assert page.locator('input[name=value][value="2"]').is_checked()
    page.go_forward()
    page.wait_for_url(f"**/s/{token}/3")
    assert all(method == "GET" for method, _ in seen)
    assert answer_count(live, token) == 2


def test_double_tap_stores_once(live, new_page):
    page = new_page(viewport=PHONE)
    token = live.invite("finsam-indikatorer", "avslut")
    start(page, token, "sv")
    page.locator('label.option:has(input[value="4"])').click()
    page.locator("main form button.primary").dblclick()
    page.wait_for_url(f"**/s/{token}/2")
    assert page.locator("input[name=value]:checked").count() == 0
    assert answer_count(live, token) == 1


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_screens_reached_by_post_pass_axe(live, new_page, axe_source, language):
    page = new_page(viewport=PHONE, bypass_csp=True)
    token = live.invite("finsam-indikatorer", "avslut")
    page.goto(f"/s/{token}")
    assert scan(page, axe_source, f"language-by-link {language}") == []
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    assert scan(page, axe_source, f"welcome-by-post {language}") == []
    page.locator("main a.button.primary").click()
    page.wait_for_url(f"**/s/{token}/1")
    choose(page, "4")
    page.wait_for_url(f"**/s/{token}/2")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert scan(page, axe_source, f"question-by-post {language}") == []
    page.goto(f"/s/{token}/7")
    choose(page, "3")
    page.wait_for_url(f"**/s/{token}/granska")
    assert scan(page, axe_source, f"review-by-post {language}") == []
