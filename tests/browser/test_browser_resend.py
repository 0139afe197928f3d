"""A resend mid-survey in real browsers (issue 22, point 3): the participant goes on
answering on the old link while the handledare makes a new one, a second device opens
the new link where the answers stop, and after the survey is sent in both links say so."""

from __future__ import annotations

from sqlalchemy import select

from survey.models import Answer, Invitation, Response
from survey.tokens import hash_token

from .conftest import TABLET, screenshot
from .test_browser_participant import SELF_VALUES, choose
from .test_browser_staff import log_in


def test_resend_mid_survey_keeps_the_answers_on_both_links(live, new_page):
    old = live.invite("sjalvskattning", "start")
    (invitation_id,) = live.query(select(Invitation.id)
                                  .where(Invitation.token_hash == hash_token(old)))[0]
    phone = new_page()
    phone.goto(f"/s/{old}")
    phone.locator('button[name=language][value="sv"]').click()
    phone.wait_for_url(f"**/s/{old}/start")
    phone.locator("main a.button.primary").click()
    for number, value in enumerate(SELF_VALUES[:2], start=1):
        phone.wait_for_url(f"**/s/{old}/{number}")
        choose(phone, value)
    phone.wait_for_url(f"**/s/{old}/3")

    staff = new_page(viewport=TABLET)
    log_in(staff)
    staff.goto(f"/personal/inbjudningar/{invitation_id}")
    staff.locator("form[action$='/ny-lank'] button").click()
    staff.wait_for_url(f"**/personal/inbjudningar/{invitation_id}")
    assert "Den gamla länken fungerar också" in staff.locator("main").inner_text()
    new = staff.locator("#link").input_value().rsplit("/", 1)[-1]
    assert new != old
    screenshot(staff, "staff-resend")

    # The participant never notices: the old link goes on.
    choose(phone, SELF_VALUES[2])
    phone.wait_for_url(f"**/s/{old}/4")
    # The new link, on another device, starts after the answers given so far...
    other = new_page()
    other.goto(f"/s/{new}")
    other.wait_for_url(f"**/s/{new}/4")
    # ...and has them: the first question shows its answer chosen.
    other.goto(f"/s/{new}/1")
    assert other.locator(f'input[name=value][value="{SELF_VALUES[0]}"]').is_checked()
    other.goto(f"/s/{new}/4")
    for number, value in enumerate(SELF_VALUES[3:], start=4):
        other.wait_for_url(f"**/s/{new}/{number}")
        choose(other, value)
    other.wait_for_url("**/granska")
    other.locator("form[data-retry] button").click()
    other.wait_for_url("**/tack")

    # Both links now say the survey is answered.
    for page, token in ((phone, old), (other, new)):
        page.goto(f"/s/{token}")
        assert page.locator("h1").inner_text() == "Du har redan svarat"
    responses = live.query(select(Response.submitted_at).where(
        Response.invitation_id == invitation_id))
    assert len(responses) == 1 and responses[0][0] is not None
    answers = live.query(select(Answer.value).join(Response)
                         .where(Response.invitation_id == invitation_id))
    assert sorted(str(value) for (value,) in answers) == sorted(SELF_VALUES)
