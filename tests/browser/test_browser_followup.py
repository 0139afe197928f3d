"""The follow-up questionnaire on a phone without JavaScript (issue 24): someone who has
left answers the choice items (a plain list, no faces), the agreement item, reviews and
sends, in Swedish, lättläst and Arabic (right to left); axe finds nothing on its screens."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from questionnaires import Registry
from survey.extensions import db
from survey.i18n import language, translated_text, translations_for
from survey.models import Answer, Invitation, Response
from survey.tokens import hash_token

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_participant import choose

FOLLOWUP = Registry.load().latest("uppfoljning")
DOING, INCOME, HELPS = FOLLOWUP.items


def invite_followup(live) -> str:  # type: ignore[no-untyped-def]
    token = live.invite("uppfoljning", "uppfoljning-6")
    with live.app.app_context():
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.token_hash == hash_token(token)))
        invitation.followup_months = 6
        db.session.commit()
    return token


def _text(code: str, text) -> str:  # type: ignore[no-untyped-def]
    chosen = language(code)
    return translated_text(text, chosen, translations_for(chosen).gettext)


def _view(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """What the participant sees first: the viewport (the whole page is saved too)."""
    screenshot(page, name)
    folder = os.environ.get("STEGVIS_SCREENSHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}-viewport.png"))


def _fits(page) -> None:  # type: ignore[no-untyped-def]
    """Nothing sticks out sideways at 390 px (no horizontal scrolling on the phone)."""
    width = PHONE["width"]
    for selector in ("main", "main form", ".options", "label.option", ".review li"):
        found = page.locator(selector)
        for n in range(found.count()):
            box = found.nth(n).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, (selector, box)


@pytest.mark.parametrize("code", ["sv", "lattlast", "ar"])
def test_a_followup_on_a_phone_without_javascript(live, new_page, code):
    token = invite_followup(live)
    page = new_page(viewport=PHONE, javascript=False)
    page.goto(f"/s/{token}")
    page.locator(f'button[name=language][value="{code}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    assert page.locator("html").get_attribute("dir") == ("rtl" if code == "ar" else "ltr")
    main = page.locator("main")
    assert _text(code, FOLLOWUP.intro) in main.inner_text()
    assert page.locator(".part").count() == 0  # a link of its own: no "Del 1 av 2"
    _fits(page)
    _view(page, f"followup-welcome-{code}")
    page.locator("main a.button.primary").click()
    page.wait_for_url(f"**/s/{token}/1")

    # The choice item: every choice and "vet inte", each a whole radio row, no faces.
    options = page.locator("label.option")
    assert options.count() == len(DOING.choices) + 1
    assert page.locator(".face").count() == 0
    shown = [options.nth(n).inner_text().strip() for n in range(options.count())]
    assert shown == [_text(code, c.label) for c in DOING.choices] + [
        _text(code, FOLLOWUP.scale.dont_know)]
    _fits(page)
    _view(page, f"followup-choice-{code}")
    choose(page, "2")  # studier
    page.wait_for_url(f"**/s/{token}/2")
    assert page.locator("label.option").count() == len(INCOME.choices) + 1
    _view(page, f"followup-income-{code}")
    choose(page, "vet-inte")
    page.wait_for_url(f"**/s/{token}/3")

    # stod_hjalper: the agreement scale, with its faces, and a comment.
    assert page.locator("label.option .face").count() == 5
    _fits(page)
    _view(page, f"followup-stod-hjalper-{code}")
    choose(page, "3", comment="Planen hjälper")
    page.wait_for_url(f"**/s/{token}/granska")

    answers = page.locator(".review .answer")
    assert [answers.nth(n).inner_text() for n in range(3)] == [
        _text(code, DOING.choices[1].label), _text(code, FOLLOWUP.scale.dont_know),
        _text(code, FOLLOWUP.scale.label_for(3))]
    _fits(page)
    _view(page, f"followup-review-{code}")
    page.locator("main form button.primary").click()
    page.wait_for_url(f"**/s/{token}/tack")
    _view(page, f"followup-thanks-{code}")

    stored = dict(live.query(
        select(Answer.item_id, Answer.value).join(Response).join(Invitation)
        .where(Invitation.token_hash == hash_token(token), Response.submitted_at.is_not(None))))
    assert stored == {"sysselsattning": 2, "forsorjning": None, "stod_hjalper": 3}


@pytest.mark.parametrize("code", ["sv", "ar"])
def test_followup_screens_have_no_accessibility_problems(live, new_page, axe_source, code):
    token = invite_followup(live)
    page = new_page(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    page.goto(f"/s/{token}")
    page.locator(f'button[name=language][value="{code}"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    problems = scan(page, axe_source, f"followup-welcome {code}")
    page.goto(f"/s/{token}/1")
    problems += scan(page, axe_source, f"followup-choice {code}")
    page.locator("main form button.primary").click()  # nothing chosen: the prompt
    page.locator("#missed").wait_for(state="visible")
    problems += scan(page, axe_source, f"followup-choice-missed {code}")
    # A value that is not one of the choices (a tampered form): refused with its message.
    page.locator("input[name=value]").first.evaluate("(input) => { input.value = '99'; }")
    choose(page, "99")
    page.locator(".error[role=alert]").wait_for()
    problems += scan(page, axe_source, f"followup-choice-error {code}")
    page.goto(f"/s/{token}/granska")
    problems += scan(page, axe_source, f"followup-review {code}")
    assert problems == []


def test_a_choice_item_stays_a_list_on_a_landscape_tablet(live, new_page):
    """Sideways, a scale's answers stand in one row from best to worst; a choice item's
    have no order, so they stay a list (two columns), "vet inte" on a row of its own."""
    token = invite_followup(live)
    page = new_page(viewport={"width": 1024, "height": 768})
    page.goto(f"/s/{token}/sprak")
    page.locator('button[name=language][value="sv"]').click()
    page.wait_for_url("**/start")
    page.goto(f"/s/{token}/2")
    boxes = [page.locator("label.option").nth(n).bounding_box()
             for n in range(len(INCOME.choices) + 1)]
    rows = sorted({round(box["y"]) for box in boxes})
    assert len(rows) == 6  # nine choices in two columns, then "vet inte"
    assert boxes[-1]["width"] > 1.5 * boxes[0]["width"]  # "vet inte" across both columns
    assert page.locator(".face").count() == 0
    screenshot(page, "followup-income-landscape-sv")
