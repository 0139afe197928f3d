"""A follow-up after exit in real browsers (issue 24, points 1-2): the handledare sees a
due 6-month follow-up on the to-do, hands it out (link, SMS text, letter with short code),
and the person, who has left, answers on a phone with JavaScript turned off."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from analysis.due import add_months
from analysis.selection import Month, period
from survey.extensions import db
from survey.models import (
    Answer,
    BornAbroad,
    Enrolment,
    ExitOutcome,
    Gender,
    Insats,
    Invitation,
    Participant,
    Response,
)
from survey.reports.build import report_for

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

CODE = "U-0601"
DAYS_DUE = 5


def _ended_six_months_ago(live) -> int:  # type: ignore[no-untyped-def]
    """A participant whose 6-month follow-up became due DAYS_DUE days ago."""
    point = dt.date.today() - dt.timedelta(days=DAYS_DUE)
    end = point - dt.timedelta(days=183)
    while add_months(end, 6) < point:
        end += dt.timedelta(days=1)
    while add_months(end, 6) > point:
        end -= dt.timedelta(days=1)
    with live.app.app_context():
        insats = db.session.scalar(select(Insats).filter_by(name="Stegen"))
        person = Participant(organisation_id=insats.organisation_id, pseudonym=CODE,
                             gender=Gender.man, birth_year=1988, born_abroad=BornAbroad.nej,
                             language="sv")
        enrolment = Enrolment(participant=person, insats=insats, site=insats.sites[0],
                              start_date=end - dt.timedelta(days=200), end_date=end,
                              exit_outcome=ExitOutcome.arbetssokande)
        db.session.add_all([person, enrolment])
        db.session.commit()
        days = (dt.date.today() - add_months(end, 6)).days
        assert days == DAYS_DUE
        return enrolment.id


def test_a_due_follow_up_handed_out_and_answered_without_javascript(live, new_page,
                                                                     axe_source):
    enrolment_id = _ended_six_months_ago(live)
    problems: list[str] = []
    staff = new_page(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    log_in(staff)
    item = staff.locator("ul.todo > li", has=staff.locator(f"a:text-is('{CODE}')"))
    followup = item.locator("ul.todo-slots > li", has_text="Uppföljning 6 månader")
    assert f"aktuell i {DAYS_DUE} dagar" in followup.inner_text()
    assert "Dags att skicka" in followup.inner_text()
    followup.scroll_into_view_if_needed()
    screenshot(staff, "followup-todo")
    problems += scan(staff, axe_source, "followup-todo")

    followup.locator("button", has_text="Skapa länk").click()
    staff.wait_for_url("**/personal/inbjudningar/*")
    main = staff.locator("main").inner_text()
    assert "Uppföljning 6 månader" in main and "Stegvis uppföljning efter avslut" in main
    assert "Stegvis sparar inga telefonnummer eller adresser" in main
    link = staff.locator("#link").input_value()
    sms = staff.locator("#sms-text").input_value()
    assert sms.startswith("Hej! Det har gått en tid sedan du slutade i stödet.")
    assert sms.endswith(link)
    assert staff.locator("a.button", has_text="Skicka som sms").get_attribute("href") \
        .startswith("sms:?&body=Hej")
    screenshot(staff, "followup-handout")
    problems += scan(staff, axe_source, "followup-handout")

    staff.locator("a.button", has_text="Skriv ut brev").click()
    staff.wait_for_url("**/brev")
    assert staff.locator("h1").inner_text() == "Vi vill veta hur det går för dig"
    assert staff.locator(".participant-code").inner_text() == f"Deltagare: {CODE}"
    assert staff.locator("p.link-print").inner_text() == link
    code = staff.locator("p.short-code").inner_text()
    screenshot(staff, "followup-letter")
    problems += scan(staff, axe_source, "followup-letter")

    # The person has left: on their own phone, no JavaScript, with the letter's code.
    phone = new_page(viewport=PHONE, javascript=False)
    phone.goto("/kod")
    phone.fill("#kod", code)
    phone.locator("main form button.primary").click()
    # The language noted at enrolment: straight to the welcome (Byt språk is there).
    phone.wait_for_url(f"**/s/{code}/start")
    assert phone.locator("h1").is_visible()
    screenshot(phone, "followup-welcome")
    phone.locator("main a.button.primary").click()
    # What they do now, what they mostly live on, whether the support still helps.
    for number, value in enumerate(("1", "1", "4"), start=1):
        phone.wait_for_url(f"**/s/{code}/{number}")
        screenshot(phone, f"followup-question-{number}")
        phone.locator(f'input[name=value][value="{value}"]').check()
        phone.locator("main form button.primary").click()
    phone.wait_for_url("**/granska")
    screenshot(phone, "followup-review")
    phone.locator("form[data-retry] button").click()
    phone.wait_for_url("**/tack")
    screenshot(phone, "followup-thanks")

    answers = live.query(select(Answer.item_id, Answer.value).join(Response).join(Invitation)
                         .where(Invitation.enrolment_id == enrolment_id))
    assert dict(answers) == {"sysselsattning": 1, "forsorjning": 1, "stod_hjalper": 4}
    ((occasion, months, submitted),) = live.query(
        select(Invitation.occasion, Invitation.followup_months, Response.submitted_at)
        .join(Response).where(Invitation.enrolment_id == enrolment_id))
    assert (str(occasion), months) == ("uppfoljning", 6) and submitted is not None

    # Back on the to-do, the follow-up is done; the participant's page says answered.
    staff.goto("/personal/")
    assert "Uppföljning 6 månader" not in (
        staff.locator("ul.todo > li", has=staff.locator(f"a:text-is('{CODE}')")).all_inner_texts()
        or [""])[0]
    staff.goto(f"/personal/inskrivningar/{enrolment_id}")
    row = staff.locator("ul.slots > li", has_text="Uppföljning 6 månader")
    assert "Besvarad" in row.inner_text()
    screenshot(staff, "followup-enrolment")
    problems += scan(staff, axe_source, "followup-enrolment")

    # The admin's report of this month: "Efter avslut" right after the exit outcomes, its
    # 6-month row the published figures the server made (one answer is protected like any
    # other count, so the page is checked against the report, not against 1).
    admin = new_page(viewport=PHONE, bypass_csp=True)
    log_in(admin, "admin@test.se")
    with live.app.app_context():
        insats = db.session.scalar(select(Insats).filter_by(name="Stegen"))
        insats_id = insats.id
        month = Month.of(dt.date.today())
        report, _options = report_for([insats], *period(month, month), None, "Test")
    six = report["followups"]["by_point"]["uppfoljning-6"]
    admin.goto(f"/personal/rapporter/?insats={insats_id}&fran={month}&till={month}",
               timeout=60_000)
    headings = [h.strip() for h in admin.locator("main h2, main h3").all_inner_texts()]
    at = next(i for i, h in enumerate(headings) if h.startswith("Avslutsorsaker"))
    assert headings[at + 1].startswith("Efter avslut"), headings
    table = admin.locator("section.report-table", has=admin.locator(
        "h2", has_text="vad de gör nu jämfört med vid avslut"))
    cells = table.locator("tr", has_text="Efter 6 månader").first.locator("th, td")
    row = [text.strip() for text in cells.all_text_contents()]
    assert row[:4] == ["Efter 6 månader", "Alla", str(six["due"]), str(six["answered"])], row
    admin.locator("h2, h3", has_text="Efter avslut").first.scroll_into_view_if_needed()
    screenshot(admin, "followup-report")
    problems += scan(admin, axe_source, "followup-report")
    assert problems == []
