"""One hand-out at exit in a real browser (issue 13, point 5): one letter, one link, both
avslut surveys one after the other, one thank-you."""

from __future__ import annotations

from sqlalchemy import select, update

from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Invitation, Response

from .conftest import PHONE, screenshot
from .test_browser_participant import SELF_VALUES, choose
from .test_browser_staff import log_in


def test_one_exit_handout_completes_both_surveys(live, new_page):
    live.invite("sjalvskattning", "start")
    with live.app.app_context():
        enrolment_id = db.session.scalar(select(Enrolment.id).order_by(Enrolment.id.desc()))
        db.session.execute(update(Enrolment).where(Enrolment.id == enrolment_id)
                           .values(exit_outcome=ExitOutcome.arbete))
        db.session.commit()
    staff = new_page(viewport=PHONE)
    log_in(staff)
    staff.goto(f"/personal/inskrivningar/{enrolment_id}")
    staff.locator("form.exit-together button").click()
    staff.wait_for_url("**/personal/inbjudningar/*")
    assert "Indikatorer avslut, sedan Självskattning avslut" in staff.locator("main").inner_text()
    staff.locator("a.button", has_text="Skriv ut brev").click()
    staff.wait_for_url("**/brev")
    link = staff.locator("p.link-print").inner_text()
    assert staff.locator("p.short-code").is_visible()
    screenshot(staff, "exit-letter")

    participant = new_page(viewport=PHONE)
    token = link.rsplit("/", 1)[-1]
    participant.goto(link)
    participant.locator('button[name=language][value="ti"]').click()
    for count in (7, len(SELF_VALUES)):  # indicators, then självskattning, on the same link
        participant.wait_for_url(f"**/s/{token}/start")
        assert participant.locator("html").get_attribute("lang") == "ti"
        participant.locator("main a.button.primary").click()
        for number in range(1, count + 1):
            participant.wait_for_url(f"**/s/{token}/{number}")
            choose(participant, "3")
        participant.wait_for_url(f"**/s/{token}/granska")
        participant.locator("form[data-retry] button").click()
    participant.wait_for_url(f"**/s/{token}/tack")
    assert participant.locator("h1").inner_text() == "ስለ መልስታትኩም የቐንየልና!"
    rows = live.query(select(Invitation.questionnaire_key, Response.language,
                             Response.submitted_at).join(Response)
                      .where(Invitation.enrolment_id == enrolment_id,
                             Invitation.occasion == "avslut").order_by(Invitation.id))
    assert [(key, language, submitted is not None) for key, language, submitted in rows] == [
        ("finsam-indikatorer", "ti", True), ("sjalvskattning", "ti", True)]
