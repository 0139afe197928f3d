"""Issue 22 in a real browser at phone size: a pågående that is due is on the to-do list
at the förbund's setting, with how long it has been due; a name is refused as a
participant code in the enrolment form, and the code Stegvis offers is taken."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select, update

from survey.models import Organisation, Participant

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in


def _enrol_form(new_page):  # type: ignore[no-untyped-def]
    """A handledare's enrolment form, reached from the overview; the code offered."""
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page)
    page.goto("/personal/")
    page.locator("a.button", has_text="Skriv in deltagare").first.click()
    page.wait_for_url("**/deltagare/ny")
    return page, page.input_value("#pseudonym")


def _set_pagaende_days(page, days: int) -> None:  # type: ignore[no-untyped-def]
    """As the förbund's admin would, on the settings page."""
    page.goto("/personal/installningar")
    page.fill("#pagaende_due_days", str(days))
    page.locator("main form button.primary").first.click()
    page.wait_for_url("**/personal/installningar")
    assert page.input_value("#pagaende_due_days") == str(days)


def test_a_due_pagaende_is_on_the_to_do_at_the_forbunds_setting(live, new_page, axe_source):
    (before,) = live.query(select(Organisation.pagaende_due_days))[0]
    admin = new_page(viewport=PHONE)
    log_in(admin, "admin@test.se")
    _set_pagaende_days(admin, 30)
    screenshot(admin, "settings-due-codes-phone")
    try:
        page, code = _enrol_form(new_page)
        assert re.fullmatch(r"D-\d{4}", code), code
        page.fill("#start_date", (dt.date.today() - dt.timedelta(days=40)).isoformat())
        page.locator("input[name=gender]").first.check()
        page.locator("main form button.primary").click()
        page.wait_for_url("**/personal/inskrivningar/*")
        page.goto("/personal/")
        item = page.locator("ul.todo > li", has_text=code)
        pagaende = item.locator("li", has_text="Indikatorer pågående")
        assert pagaende.is_visible()
        assert "aktuell i 10 dagar" in pagaende.inner_text()
        assert "aktuell i 40 dagar" in item.locator(
            "li", has_text="Självskattning start").inner_text()
        pagaende.scroll_into_view_if_needed()
        problems = scan(page, axe_source, "todo-pagaende sv")
        screenshot(page, "todo-pagaende-phone")
        assert problems == [], "\n".join(problems)
        # At 90 days it is not due yet: off the to-do, the start survey still on it.
        _set_pagaende_days(admin, 90)
        page.goto("/personal/")
        item = page.locator("ul.todo > li", has_text=code)
        assert item.locator("li", has_text="Självskattning start").is_visible()
        assert item.locator("li", has_text="Indikatorer pågående").count() == 0
    finally:
        with live.app.app_context():
            from survey.extensions import db

            db.session.execute(update(Organisation).values(pagaende_due_days=before))
            db.session.commit()


def test_a_name_is_refused_as_a_participant_code(live, new_page, axe_source):
    page, offered = _enrol_form(new_page)
    page.fill("#pseudonym", "Karl Svensson")
    page.locator("input[name=gender]").first.check()
    page.locator("main form button.primary").click()
    error = page.locator("#pseudonym-error")
    error.wait_for()
    assert "Det ser ut som ett namn" in error.inner_text()
    assert page.get_attribute("#pseudonym", "aria-invalid") == "true"
    assert "pseudonym-error" in page.get_attribute("#pseudonym", "aria-describedby")
    assert live.query(select(Participant.id).where(
        Participant.pseudonym == "Karl Svensson")) == []
    problems = scan(page, axe_source, "enrol-name-error sv")
    page.locator("#pseudonym").scroll_into_view_if_needed()
    screenshot(page, "enrol-name-refused-phone")
    assert problems == [], "\n".join(problems)
    # A personnummer likewise; the code Stegvis offered is taken.
    page.fill("#pseudonym", "19900101-1234")
    page.locator("main form button.primary").click()
    page.locator("#pseudonym-error", has_text="personnummer").wait_for()
    page.fill("#pseudonym", offered)
    page.locator("main form button.primary").click()
    page.wait_for_url("**/personal/inskrivningar/*")
    assert page.locator("h1").inner_text().startswith(offered)
    # The step that is due, the start self-assessment, has the one filled button.
    primary = page.locator("main button.primary")
    assert primary.count() == 1 and "Självskattning start" in primary.inner_text()
    screenshot(page, "enrolment-next-step-phone")
