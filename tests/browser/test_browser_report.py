"""The report page in a real browser at a desktop's 1280 × 800, in Swedish and English:
axe finds nothing (the folded group tables opened too), nothing runs off to the side, and
screenshots (STEGVIS_SCREENSHOTS) show the page as a board member sees it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from analysis import ReportOptions, build_report
from analysis.synthetic import make_row, self_assessment, to_csv_text
from analysis.targets import Target as AnalysisTarget
from survey.extensions import db
from survey.models import Insats, Occasion, Target

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

DESKTOP = {"width": 1280, "height": 800}
INSATS = "Rapportstegen"


@pytest.fixture(scope="module")
def reported(live, tmp_path_factory) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """29 answered the indicators at avslut (27 positive), 8 the self-assessment twice.
    Returns the insats and its target's published "positive av n" (the file's record keys
    are imported, so the CSV path publishes what the page does)."""
    rows = [make_row(participant=f"RK{i}", gender="kvinna", insats=INSATS) for i in range(15)]
    rows += [make_row(participant=f"RM{i}", gender="man", insats=INSATS, value=1 if i < 2 else 4)
             for i in range(14)]
    for i in range(8):
        rows += self_assessment(f"RK{i}", [2, 3, 3, 2, 4], [4, 3, 4, 3, 5], insats=INSATS)
    path = tmp_path_factory.mktemp("report") / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    with live.app.app_context():
        result = live.app.test_cli_runner().invoke(args=["import", str(path), "--create-insats"])
        assert result.exit_code == 0, result.output
        insats = db.session.scalar(select(Insats).where(Insats.name == INSATS))
        insats.targets = [Target(item_id="nytta", occasion=Occasion.avslut, threshold=0.9)]
        db.session.commit()
        target = AnalysisTarget("nytta", "avslut", 0.9, INSATS)
        (published,) = build_report(rows, ReportOptions(insatser=(INSATS,), targets=(target,),
                                                        sites=("Skövde",)))["targets"]
        return insats.id, f"{published['positive']} av {published['n']}"


@pytest.mark.parametrize("staff_language", ["sv", "en"])
def test_report_page_at_1280(live, new_page, axe_source, reported, staff_language):
    page = new_page(viewport=DESKTOP, bypass_csp=True)
    page.goto("/personal/logga-in")
    if staff_language != "sv":
        page.locator(f"form.staff-language button[value={staff_language}]").click()
        page.wait_for_url("**/logga-in*")
    log_in(page, "admin@test.se")
    # The first report of a worker loads Matplotlib and SciPy: more than the default
    # 10 s on a busy machine.
    reply = page.goto(f"/personal/rapporter/?insats={reported[0]}", timeout=60_000)
    assert reply is not None and reply.status == 200
    summary = page.locator("section.summary")
    words = {"sv": reported[1], "en": reported[1].replace(" av ", " of ")}[staff_language]
    assert words in summary.inner_text()
    screenshot(page, f"report-1280-{staff_language}")
    problems = scan(page, axe_source, f"report {staff_language}")
    # Every table fits: none is wider than its scrolling box at 1280 px.
    wide = page.evaluate("() => [...document.querySelectorAll('.report .table-wrap')]"
                         ".filter(w => w.scrollWidth > w.clientWidth + 1).length")
    assert wide == 0
    for details in page.locator("details").all():
        details.locator("summary").click()
    assert page.locator("details[open]").count() == page.locator("details").count() > 0
    problems.extend(scan(page, axe_source, f"report-opened {staff_language}"))
    assert problems == [], "\n".join(problems)
    # Pressing "Visa rapport" with nothing chosen says so, in the page's language.
    page.locator("input[name=insats]:checked").evaluate_all(
        "boxes => boxes.forEach(box => box.checked = false)")
    page.locator("form.report-form button[type=submit]").click()
    error = page.locator("#insats-error")
    error.wait_for(timeout=60_000)
    expected = {"sv": "Välj minst en insats.", "en": "Choose at least one insats."}
    assert error.inner_text() == expected[staff_language]
    assert scan(page, axe_source, f"report-nothing-chosen {staff_language}") == []


def test_report_page_on_a_phone(live, new_page, axe_source, reported):
    """At 390 px the summary comes first, wide tables scroll in their own box and the
    page itself never scrolls sideways (scan checks that)."""
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, "admin@test.se")
    page.goto(f"/personal/rapporter/?insats={reported[0]}", timeout=60_000)
    assert reported[1] in page.locator("section.summary").inner_text()
    screenshot(page, "report-390-sv")
    assert scan(page, axe_source, "report-phone sv") == []


def test_a_report_being_made_shows_itself_when_made(live, new_page, axe_source, reported):
    """As in production, the report runner makes the report: the page says it is being
    made (axe finds nothing: it never refreshes by itself) and opens the report once it
    is made; without JavaScript its link does."""
    from survey.reports import runner

    live.app.config["REPORT_RUNNER"] = "worker"
    try:
        query = f"/personal/rapporter/?insats={reported[0]}&till=2026-11"
        page = new_page(viewport=PHONE, bypass_csp=True)
        log_in(page, "admin@test.se")
        page.goto(query)
        assert page.locator("[role=status]").inner_text() == "Rapporten görs …"
        screenshot(page, "report-being-made-390-sv")
        assert scan(page, axe_source, "report-being-made sv") == []
        without_script = new_page(viewport=PHONE, javascript=False)
        log_in(without_script, "admin@test.se")
        without_script.goto(query)
        made = threading.Thread(target=runner.work, args=(live.app, threading.Event(), True))
        made.start()
        page.locator("section.summary").wait_for(timeout=120_000)  # opened by its script
        made.join(timeout=60)
        assert without_script.locator("section.summary").count() == 0  # never by itself
        without_script.get_by_role("link", name="Se om rapporten är klar").click()
        without_script.locator("section.summary").wait_for()
    finally:
        live.app.config["REPORT_RUNNER"] = "inline"
