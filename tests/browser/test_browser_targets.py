"""Issue 24: an admin sets an insats's own outcome set and a 12-month target in the web
app on a phone, and the report checks both, each with its base beside the verdict."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import select

from analysis.figures.targets import target_sentence
from analysis.synthetic import synthetic_key
from survey.extensions import db
from survey.models import (
    Answer,
    BornAbroad,
    Enrolment,
    ExitOutcome,
    Gender,
    Insats,
    Invitation,
    Occasion,
    Organisation,
    Participant,
    Response,
    Site,
)
from survey.reports.build import report_for

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

INSATS = "Målstegen"
OWN_SET = ("arbete", "arbetslivsinriktad rehabilitering")


@pytest.fixture(scope="module")
def insats_id(live) -> int:  # type: ignore[no-untyped-def]
    """12 enrolled on 2025-01-10 (their 12 months ran out before today): 6 ended in
    arbete, 3 in arbetslivsinriktad rehabilitering, 1 arbetssökande, 2 still enrolled;
    everyone answered nytta at avslut or midway."""
    with live.app.app_context():
        organisation = db.session.scalar(select(Organisation))
        insats = Insats(organisation=organisation, name=INSATS)
        site = Site(insats=insats, name="Tibro")
        db.session.add_all([insats, site])
        outcomes = ["arbete"] * 6 + ["arbetslivsinriktad rehabilitering"] * 3 + [
            "arbetssökande"] + [None] * 2
        for i, outcome in enumerate(outcomes):
            code = f"MS-{i:02d}"
            person = Participant(organisation_id=organisation.id, pseudonym=code,
                                 gender=Gender.kvinna, born_abroad=BornAbroad.nej,
                                 record_key=synthetic_key(code))
            ended = outcome is not None
            enrolment = Enrolment(participant=person, insats=insats, site=site,
                                  start_date=dt.date(2025, 1, 10),
                                  end_date=dt.date(2025, 9, 1) if ended else None,
                                  exit_outcome=ExitOutcome(outcome) if ended else None)
            at = dt.datetime(2025, 9, 1, 10)
            invitation = Invitation(enrolment=enrolment, questionnaire_key="finsam-indikatorer",
                                    questionnaire_version=1,
                                    occasion=Occasion.avslut if ended else Occasion.pagaende,
                                    token_hash=f"målstegen-{i}",
                                    expires_at=at + dt.timedelta(days=30))
            response = Response(invitation=invitation, language="sv", submitted_at=at)
            response.answers = [Answer(item_id="nytta", value=4)]
            db.session.add_all([person, enrolment, invitation, response])
        db.session.commit()
        return insats.id


def test_admin_sets_an_outcome_set_and_a_12_month_target(live, new_page, axe_source,
                                                         insats_id):  # fmt: skip
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, "admin@test.se")
    page.goto(f"/personal/insatser/{insats_id}/andra")
    # The 12-month target: arbete or rehabilitation within 12 months of enrolment, of
    # everyone (the new target's default base).
    row = "#outcome_targets-0"
    page.select_option(f"{row}-kind", "outcome_within")
    page.fill(f"{row}-months", "12")
    for outcome in OWN_SET:
        page.check(f"input[name='outcome_targets-0-outcomes'][value='{outcome}']")
    page.fill(f"{row}-percent", "50")
    assert page.locator(f"{row}-base").input_value() == "all"
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/personal/insatser/{insats_id}")
    # Then the insats's own set at exit, of those with a known outcome.
    page.goto(f"/personal/insatser/{insats_id}/andra")
    assert page.locator("#outcome_targets-0-months").input_value() == "12"
    row = "#outcome_targets-1"
    page.select_option(f"{row}-kind", "outcome")
    for outcome in OWN_SET:
        page.check(f"input[name='outcome_targets-1-outcomes'][value='{outcome}']")
    page.fill(f"{row}-percent", "60")
    page.select_option(f"{row}-base", "answered")
    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"**/personal/insatser/{insats_id}")
    facts = page.locator("dl.facts").inner_text()
    assert "Inom 12 månader från start: arbete eller arbetslivsinriktad rehabilitering" in facts
    assert "Vid avslut: arbete eller arbetslivsinriktad rehabilitering minst 60 %" in facts

    # The report checks both, on the published counts the server made.
    with live.app.app_context():
        insats = db.session.get(Insats, insats_id)
        report, _options = report_for([insats], None, None, None, "Test")
    checked = {t["kind"]: t for t in report["targets"]}
    assert set(checked) == {"outcome", "outcome_within"}
    assert checked["outcome_within"]["months"] == 12
    assert checked["outcome"]["outcomes"] == list(OWN_SET)
    assert checked["outcome"]["base"] == "answered"
    page.goto(f"/personal/rapporter/?insats={insats_id}", timeout=60_000)
    summary = page.locator("section.summary").inner_text().replace("\u00a0", " ")
    for target in checked.values():
        sentence = target_sentence({**target, "insats": None}).replace("\u00a0", " ")
        assert sentence in summary
    assert "bas: alla vars 12 första månader gick ut under perioden, också okänt utfall" \
        in summary
    assert "bas: avslutade med känt utfall" in summary
    screenshot(page, "report-targets-390")
    table = page.locator("details.report-table", has_text="Bas").first
    table.locator("summary").click()
    text = table.inner_text()
    assert "Alla vars 12 första månader gick ut under perioden, också okänt utfall" in text
    if os.environ.get("STEGVIS_SCREENSHOTS"):
        table.screenshot(path=f"{os.environ['STEGVIS_SCREENSHOTS']}/report-target-table-390.png")
        # Scrolled sideways in its box to the base and the verdict.
        table.locator("th", has_text="Bas").last.evaluate(
            "th => th.closest('.table-wrap').scrollLeft = th.offsetLeft - 10")
        table.screenshot(
            path=f"{os.environ['STEGVIS_SCREENSHOTS']}/report-target-table-base-390.png")
    assert scan(page, axe_source, "report-targets phone") == []
    # The form with both targets (pictures only after the saves: a full-page screenshot
    # leaves Chromium clicking beside the button).
    page.goto(f"/personal/insatser/{insats_id}/andra")
    screenshot(page, "insats-targets-390")
    assert scan(page, axe_source, "insats-targets phone") == []

