"""Issue 22 point 4 in a real browser at phone size: a förbund's own questionnaire of
another shape (tests/data: a 5-step frequency scale, items only at avslut, no lättläst)
is chosen for an insats and given a target by the admin, is on the handledare's to-do
list and handed out at exit, answered, and read in the admin's report with its verdict."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from questionnaires import Registry
from survey.extensions import db
from survey.models import (
    Enrolment,
    ExitOutcome,
    Insats,
    Invitation,
    Organisation,
    Response,
    Site,
    Target,
    User,
)

from ..factories import participant_with_invitation
from ..test_answering_journey import answer, choose_language, submit
from ..test_insats_questionnaires import FOLDER, KEY, NAME
from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_participant import SELF_VALUES, choose
from .test_browser_staff import log_in

# After "Stegen" in every list: the other browser tests take the first insats they see.
INSATS = "Vägen med eget instrument"
SCALE = ["Alltid", "Ofta", "Ibland", "Sällan", "Aldrig"]


@pytest.fixture(scope="module")
def other(live) -> Iterator[int]:  # type: ignore[no-untyped-def]
    """The förbund's folder loaded beside ours (as STEGVIS_QUESTIONNAIRE_DIRS does) and an
    insats of the handledare's that still uses our questionnaires; its id."""
    ours = live.app.extensions["stegvis.questionnaires"]
    live.app.extensions["stegvis.questionnaires"] = Registry.load([FOLDER])
    with live.app.app_context():
        organisation = db.session.scalar(select(Organisation))
        insats = Insats(organisation=organisation, name=INSATS)
        db.session.add_all([insats, Site(insats=insats, name="Mariestad")])
        handledare = db.session.scalar(select(User).where(User.email == "handledare@test.se"))
        handledare.insatser.append(insats)
        db.session.commit()
        insats_id = insats.id
    try:
        yield insats_id
    finally:
        live.app.extensions["stegvis.questionnaires"] = ours
        with live.app.app_context():
            # Off the handledare's overview again, for the tests that follow.
            handledare = db.session.scalar(select(User).where(
                User.email == "handledare@test.se"))
            handledare.insatser = [i for i in handledare.insatser if i.id != insats_id]
            db.session.commit()


def _ended(live, insats_id: int, code: str) -> int:  # type: ignore[no-untyped-def]
    """A participant who answered nothing yet and whose exit is recorded; the enrolment."""
    with live.app.app_context():
        insats = db.session.get(Insats, insats_id)
        participant_with_invitation(insats, code, "sjalvskattning", "start")
        enrolment = db.session.scalar(select(Enrolment).order_by(Enrolment.id.desc()))
        enrolment.end_date = dt.date.today()
        enrolment.exit_outcome = ExitOutcome.arbete
        db.session.commit()
        return enrolment.id


def _answered_elsewhere(live, insats_id: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Others of the insats answered the instrument at avslut, all "Ofta" or better."""
    with live.app.app_context():
        insats = db.session.get(Insats, insats_id)
        for number in range(count):
            token = participant_with_invitation(insats, f"AI-{number:02d}", KEY, "avslut")
            client = live.app.test_client()
            choose_language(client, token, "sv")
            answer(client, token, 1, "5")
            answer(client, token, 2, "4")
            assert submit(client, token).status_code == 302


def test_the_instrument_in_every_screen(live, new_page, axe_source, other):
    admin = new_page(viewport=PHONE, bypass_csp=True)
    log_in(admin, "admin@test.se")
    # The admin chooses the instrument for the indicator questions...
    admin.goto(f"/personal/insatser/{other}/andra")
    admin.select_option("#indicators_key", KEY)
    admin.locator("main form button.primary").click()
    admin.wait_for_url(f"**/personal/insatser/{other}")
    assert NAME in admin.locator("dl.facts").inner_text()
    assert f"{NAME}, avslut" in admin.locator("table thead").inner_text()
    screenshot(admin, "i22q-insats-phone")
    # ... and sets a target on one of its items.
    admin.goto(f"/personal/insatser/{other}/andra")
    assert admin.locator("#targets-0-questionnaire").input_value() == KEY
    admin.select_option("#targets-0-item_id", "lyssnade")
    admin.select_option("#targets-0-occasion", "avslut")
    admin.fill("#targets-0-percent", "60")
    admin.locator("#targets-0-item_id").scroll_into_view_if_needed()
    problems = scan(admin, axe_source, "insats-form other instrument")
    screenshot(admin, "i22q-insats-form-phone")
    assert problems == []
    admin.locator("main form button.primary").click()
    admin.wait_for_url(f"**/personal/insatser/{other}")
    (target,) = live.query(select(Target.questionnaire_key, Target.item_id, Target.threshold)
                           .join(Insats).where(Insats.id == other))
    assert tuple(target) == (KEY, "lyssnade", 0.6)

    # The handledare sees both avslut surveys due on the to-do list and hands them out.
    enrolment_id = _ended(live, other, "AI-HO")
    staff = new_page(viewport=PHONE, bypass_csp=True)
    log_in(staff)
    item = staff.locator("ul.todo > li", has_text="AI-HO")
    assert "Enkäterna vid avslut" in item.inner_text()
    item.scroll_into_view_if_needed()
    screenshot(staff, "i22q-todo-phone")
    staff.goto(f"/personal/inskrivningar/{enrolment_id}")
    slots = staff.locator("ul.slots").inner_text()
    assert f"{NAME}, avslut" in slots and "Indikatorer" not in slots
    assert scan(staff, axe_source, "enrolment other instrument") == []
    screenshot(staff, "i22q-enrolment-phone")
    staff.locator("form.exit-together button").click()
    staff.wait_for_url("**/personal/inbjudningar/*")
    assert f"{NAME}, avslut, sedan Självskattning avslut" in staff.locator("main").inner_text()
    screenshot(staff, "i22q-handout-phone")
    link = staff.input_value("#link")

    # The participant answers it in lättläst, which the instrument does not have: its own
    # words, its own five steps, then the self-assessment on the same link.
    participant = new_page(viewport=PHONE, bypass_csp=True)
    token = link.rsplit("/", 1)[-1]
    participant.goto(link)
    participant.locator('button[name=language][value="lattlast"]').click()
    for count in (2, len(SELF_VALUES)):
        participant.wait_for_url(f"**/s/{token}/start")
        participant.locator("main a.button.primary").click()
        for number in range(1, count + 1):
            participant.wait_for_url(f"**/s/{token}/{number}")
            if count == 2 and number == 1:
                assert "Hur ofta fick du stöd när du behövde det?" in \
                    participant.locator("legend h1").inner_text()
                labels = [label.inner_text().strip()
                          for label in participant.locator("label.option").all()]
                assert labels == SCALE
                assert scan(participant, axe_source, "other instrument question") == []
                screenshot(participant, "i22q-question-phone")
            choose(participant, "4" if count == 2 else "3")
        participant.wait_for_url(f"**/s/{token}/granska")
        participant.locator("form[data-retry] button").click()
    participant.wait_for_url(f"**/s/{token}/tack")
    rows = live.query(select(Invitation.questionnaire_key, Response.easy, Response.submitted_at)
                      .join(Response).where(Invitation.enrolment_id == enrolment_id,
                                            Invitation.occasion == "avslut")
                      .order_by(Invitation.id))
    assert [(key, easy, done is not None) for key, easy, done in rows] == [
        (KEY, True, True), ("sjalvskattning", True, True)]

    # The admin's report: the instrument's items and the target's verdict.
    _answered_elsewhere(live, other, 7)
    report = new_page(viewport=PHONE, bypass_csp=True)
    log_in(report, "admin@test.se")
    # The first report of a worker loads Matplotlib and SciPy: more than the default.
    report.goto(f"/personal/rapporter/?insats={other}", timeout=60_000)
    verdicts = report.locator("ul.verdicts").inner_text()
    assert "lyssnade:" in verdicts and "målet 60 %" in verdicts.replace("\u00a0", " ")
    assert "kan inte bedömas" not in verdicts
    body = report.locator("main").inner_text()
    assert NAME in body and "stod_i_tid" in body
    report.locator("ul.verdicts").scroll_into_view_if_needed()
    screenshot(report, "i22q-report-phone")
