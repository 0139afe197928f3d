"""The open answers page in a real browser: axe finds nothing and nothing scrolls
sideways at 320 px (reflow), phone and desktop width, in Swedish and English, and the
comments come in a new order on reload; the handledare's report page passes too."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Insats, Invitation, Response

from .conftest import NARROW, PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

DESKTOP = {"width": 1280, "height": 800}
COMMENTS = [
    "Jag har fått hjälp att hitta en praktikplats och det känns bra.",
    "Bättre nu.\nMen jag sover fortfarande dåligt.",
    "أشعر بتحسن كبير منذ أن بدأت",
    "<b>Inte fetstil</b> – skrivet som text",
    "Handledaren lyssnade, och vi gjorde en plan tillsammans som jag faktiskt tror på. "
    "Det var första gången någon frågade vad jag själv ville göra med mina dagar.",
    "Framtiden känns ljusare.",
    "Vet inte riktigt ännu.",
]


@pytest.fixture(scope="module")
def insats_id(live):  # type: ignore[no-untyped-def]
    """Seven people answered självskattning at start, each commenting on 'framtid'."""
    tokens = [live.invite("sjalvskattning", "start") for _ in COMMENTS]
    del tokens
    with live.app.app_context():
        invitations = db.session.scalars(
            select(Invitation).where(Invitation.response == None)  # noqa: E711
            .order_by(Invitation.id.desc()).limit(len(COMMENTS))).all()
        for invitation, comment in zip(invitations, COMMENTS, strict=True):
            db.session.add(Response(
                invitation=invitation, language="sv", submitted_at=dt.datetime(2026, 3, 2),
                answers=[Answer(item_id="framtid", value=4, comment=comment),
                         Answer(item_id="balans", value=3)]))
        db.session.commit()
        return db.session.scalar(select(Insats.id).filter_by(name="Stegen"))


def _order(page) -> list[str]:  # type: ignore[no-untyped-def]
    """This module's comments in the order shown (the live server is shared: other
    browser tests answer in the same insats and may leave comments of their own)."""
    return [text for text in page.locator(".comments li").all_inner_texts() if text in COMMENTS]


@pytest.mark.parametrize("staff_language", ["sv", "en"])
@pytest.mark.parametrize("viewport", [NARROW, PHONE, DESKTOP], ids=["reflow", "phone", "desktop"])
def test_open_answers_page(live, new_page, axe_source, insats_id, staff_language, viewport):
    page = new_page(viewport=viewport, bypass_csp=True)
    page.goto("/personal/logga-in")
    if staff_language != "sv":
        page.locator(f"form.staff-language button[value={staff_language}]").click()
        page.wait_for_url("**/logga-in*")
    log_in(page, "admin@test.se")
    page.goto(f"/personal/rapporter/?insats={insats_id}")
    page.locator(f"a[href*='/personal/rapporter/oppna-svar?insats={insats_id}']").click()
    page.wait_for_url("**/oppna-svar?*")
    assert page.locator("html").get_attribute("lang") == staff_language
    shown = _order(page)
    assert sorted(shown) == sorted(COMMENTS)
    assert page.locator(".comments b").count() == 0  # markup stays text
    label = f"open-answers-{viewport['width']} {staff_language}"
    problems = scan(page, axe_source, label)
    screenshot(page, f"open-answers-{viewport['width']}-{staff_language}")
    # A new order on reload: 7! orders, so a few reloads all alike would be a bug.
    orders = {tuple(shown)}
    for _ in range(4):
        page.reload()
        orders.add(tuple(_order(page)))
    assert len(orders) > 1
    assert problems == [], "\n".join(problems)


def test_handledare_report_page(live, new_page, axe_source, insats_id):
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page)
    page.locator("nav a", has_text="Rapport").click()
    page.wait_for_url("**/personal/rapporter/")
    page.locator("input[name=insats]").first.check()
    page.locator("main form button.primary").click()
    page.wait_for_url("**/personal/rapporter/?*")
    assert page.locator("a[href*='oppna-svar'], a[href*='dataexport']").count() == 0
    problems = scan(page, axe_source, "report-handledare sv")
    screenshot(page, "report-handledare-390")
    assert problems == [], "\n".join(problems)
