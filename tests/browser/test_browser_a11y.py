"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA) finds zero violations on
every participant page in every shipped participant language and on every staff page in
Swedish and English; and at 320 CSS px wide (the reflow width of 1280 px at 400 % zoom,
stricter than 200 %) no page scrolls sideways.

axe-core is injected from tests/browser/node_modules with add_script_tag(path=...); our
CSP blocks inline scripts, which is what add_script_tag creates, so the scanning browser
context bypasses CSP (bypass_csp=True). Nothing else about the page changes.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from survey import i18n
from survey.models import Enrolment, Insats, Invitation, Participant

from .conftest import NARROW, PHONE, screenshot
from .test_browser_participant import choose
from .test_browser_staff import log_in

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = [language.code for language in i18n.PARTICIPANT_LANGUAGES]
RESULTS: dict[str, dict[str, int]] = {}


def scan(page, axe: Path, label: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Violations as readable lines; also checks the page does not scroll sideways."""
    page.add_script_tag(path=str(axe))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})", TAGS)
    problems = [
        f"{label}: {violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]
    wide = page.evaluate("() => [document.documentElement.scrollWidth,"
                         " document.documentElement.clientWidth]")
    if wide[0] > wide[1]:
        problems.append(f"{label}: scrolls sideways at {wide[1]} px ({wide[0]} px wide)")
    page_name, _, language = label.partition(" ")
    RESULTS.setdefault(page_name, {})[language or "-"] = len(problems)
    if problems:
        screenshot(page, f"a11y-{re.sub(r'[^a-z0-9]+', '-', label.lower())}")
    return problems


@pytest.fixture(scope="module", autouse=True)
def _write_summary():  # type: ignore[no-untyped-def]
    yield
    target = os.environ.get("STEGVIS_AXE_REPORT")
    if target:
        Path(target).write_text(json.dumps(RESULTS, indent=1, ensure_ascii=False))


@pytest.mark.parametrize("language", LANGUAGES)
def test_participant_pages(live, new_page, axe_source, language):
    page = new_page(viewport=NARROW, bypass_csp=True)
    problems: list[str] = []

    def visit(path: str, name: str) -> None:
        page.goto(path)
        problems.extend(scan(page, axe_source, f"{name} {language}"))

    indicators = live.invite("finsam-indikatorer", "avslut")
    visit(f"/s/{indicators}/sprak", "language")
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url("**/start")
    problems.extend(scan(page, axe_source, f"welcome {language}"))
    visit(f"/s/{indicators}/1", "question-indicators")
    # A refused answer: the page with its error message.
    page.locator("input[name=value]").first.evaluate("(input) => { input.value = '9'; }")
    choose(page, "9")
    page.wait_for_load_state()
    problems.extend(scan(page, axe_source, f"question-error {language}"))
    # Review with nothing answered and the "answer at least one" message.
    page.goto(f"/s/{indicators}/granska")
    page.locator("form[data-retry] button").click()
    page.wait_for_selector(".error[role=alert]:not([hidden])")
    problems.extend(scan(page, axe_source, f"review-error {language}"))

    self_assessment = live.invite("sjalvskattning", "start")
    page.goto(f"/s/{self_assessment}/sprak")
    page.locator(f'button[name=language][value="{language}"]').click()
    page.wait_for_url("**/start")
    visit(f"/s/{self_assessment}/1", "question-self-assessment")
    # A missed tap: the prompt asking whether to skip.
    page.locator("main form button.primary").click()
    page.locator("#missed").wait_for(state="visible")
    problems.extend(scan(page, axe_source, f"question-missed {language}"))
    choose(page, "4", "En kommentar")
    page.wait_for_url("**/2")
    visit(f"/s/{self_assessment}/granska", "review")
    page.locator("form[data-retry] button").click()
    page.wait_for_url("**/tack")
    problems.extend(scan(page, axe_source, f"thanks {language}"))
    visit(f"/s/{self_assessment}", "already-answered")
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_pages_before_a_language_is_known(live, new_page, axe_source, language):
    """In the browser's language (or the one picked from the others offered)."""
    page = new_page(viewport=NARROW, bypass_csp=True)
    problems: list[str] = []
    for path, name in ((f"/s/{live.invite()}/sprak", "language-screen"),
                       ("/s/no-such-link", "link-broken"),
                       (f"/s/{live.invite(expired=True)}", "link-expired"),
                       ("/no-such-page", "not-found"),
                       ("/kod", "short-code"),
                       ("/kod?fel=1", "short-code-wrong")):
        page.goto(f"{path}{'&' if '?' in path else '?'}sprak={language}")
        assert page.locator("html").get_attribute("lang") == i18n.language(language).tag
        problems.extend(scan(page, axe_source, f"{name} {language}"))
    assert problems == [], "\n".join(problems)


def _staff_paths(live) -> dict[str, str]:  # type: ignore[no-untyped-def]
    (enrolment_id, participant_id), *_ = live.query(
        select(Enrolment.id, Enrolment.participant_id).order_by(Enrolment.id))
    (insats_id,), *_ = live.query(select(Insats.id))
    (invitation_id,), *_ = live.query(select(Invitation.id).order_by(Invitation.id))
    return {
        "overview": "/personal/",
        "insats": f"/personal/insatser/{insats_id}",
        "enrol": f"/personal/insatser/{insats_id}/deltagare/ny",
        "enrolment": f"/personal/inskrivningar/{enrolment_id}",
        "exit": f"/personal/inskrivningar/{enrolment_id}/avslut",
        "handout-old-link": f"/personal/inbjudningar/{invitation_id}",
        "letter": f"/personal/inbjudningar/{invitation_id}/brev",
        "insats-new": "/personal/insatser/ny",
        "insats-edit": f"/personal/insatser/{insats_id}/andra",
        "participants": "/personal/deltagare",
        "participant": f"/personal/deltagare/{participant_id}",
        "audit": "/personal/logg",
        "settings": "/personal/installningar",
        "second-factor-setup": "/personal/tvastegsverifiering",
        "password": "/personal/losenord",
        "users": "/personal/personal",
        "reports": "/personal/rapporter/",
        "dataexport": "/personal/rapporter/dataexport",
    }


@pytest.mark.parametrize("staff_language", ["sv", "en"])
def test_staff_pages(live, new_page, axe_source, staff_language):
    live.invite("sjalvskattning", "start")
    page = new_page(viewport=NARROW, bypass_csp=True)
    problems: list[str] = []
    page.goto("/personal/logga-in")
    if staff_language != "sv":
        page.locator(f"form.staff-language button[value={staff_language}]").click()
        page.wait_for_url("**/logga-in*")
    assert page.locator("html").get_attribute("lang") == staff_language
    problems.extend(scan(page, axe_source, f"login {staff_language}"))
    # A failed login shows its message.
    page.fill("#email", "nobody@test.se")
    page.fill("#password", "fel-lösenord-123")
    page.locator("main form button.primary").click()
    page.wait_for_selector(".error[role=alert]")
    problems.extend(scan(page, axe_source, f"login-failed {staff_language}"))
    log_in(page, "admin@test.se")
    assert page.locator("html").get_attribute("lang") == staff_language
    for name, path in _staff_paths(live).items():
        reply = page.goto(path)
        assert reply is not None and reply.status == 200, (path, reply and reply.status)
        problems.extend(scan(page, axe_source, f"{name} {staff_language}"))
        if name == "enrolment":
            page.locator("form[action*='/inbjudan'] button").first.click()
            page.wait_for_url("**/personal/inbjudningar/*")
            problems.extend(scan(page, axe_source, f"handout-qr {staff_language}"))
    # Forms with their error messages.
    page.goto(_staff_paths(live)["enrol"])
    page.locator("main form button.primary").click()
    page.wait_for_selector(".error, [aria-invalid=true]")
    problems.extend(scan(page, axe_source, f"enrol-errors {staff_language}"))
    assert problems == [], "\n".join(problems)


def test_tablet_lock_screen(live, new_page, axe_source):
    token = live.invite("sjalvskattning", "start")
    del token
    page = new_page(viewport=NARROW, bypass_csp=True)
    log_in(page)
    (enrolment_id,), *_ = live.query(select(Enrolment.id).join(Participant)
                                     .order_by(Enrolment.id.desc()))
    page.goto(f"/personal/inskrivningar/{enrolment_id}")
    page.locator("form[action*='/inbjudan'] button").first.click()
    page.wait_for_url("**/personal/inbjudningar/*")
    page.locator("form[action*='/surfplatta'] button").click()
    page.wait_for_url(re.compile(r"/s/[^/]+$"))  # the link opens on the language screen
    survey = page.url + "/sprak"
    problems: list[str] = []
    for language in LANGUAGES:  # the participant's part is in the survey's language
        page.goto(survey)
        page.locator(f'button[name=language][value="{language}"]').click()
        page.wait_for_url("**/start")
        page.goto("/personal/last")
        problems.extend(scan(page, axe_source, f"lock-screen {language}"))
    assert problems == [], "\n".join(problems)


def test_report_settings_on_a_phone(live, new_page, axe_source):
    """The förbund's report settings (issue 11) at phone size: a wrong list of age bands
    gets its message beside the field, a right one is saved; no axe violations."""
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, "admin@test.se")
    page.goto("/personal/installningar")
    assert page.input_value("#pagaende_due_days") == "90"
    assert page.input_value("#age_bands") == "16, 30, 50"
    page.fill("#age_bands", "30, 16")
    page.locator("main form button.primary").first.click()
    page.wait_for_selector("#age_bands-error")
    assert page.get_attribute("#age_bands", "aria-invalid") == "true"
    problems = scan(page, axe_source, "settings-age-bands-error sv")
    screenshot(page, "settings-report-error-phone")
    page.fill("#age_bands", "18, 30, 65")
    page.fill("#pagaende_due_days", "120")
    page.locator("main form button.primary").first.click()
    page.wait_for_url("**/personal/installningar")
    assert page.input_value("#age_bands") == "18, 30, 65"
    assert page.input_value("#pagaende_due_days") == "120"
    problems += scan(page, axe_source, "settings-report sv")
    screenshot(page, "settings-report-phone")
    assert problems == [], "\n".join(problems)
