"""The report form's month pickers in a real browser on a phone (390 × 844): a month is
chosen, the report covers those whole months, and a typed date is refused in words that
axe finds nothing wrong with."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from analysis.synthetic import make_row, to_csv_text
from survey.extensions import db
from survey.models import Insats

from .conftest import PHONE, screenshot
from .test_browser_a11y import scan
from .test_browser_staff import log_in

INSATS = "Månadsstegen"


@pytest.fixture(scope="module")
def imported(live, tmp_path_factory) -> int:  # type: ignore[no-untyped-def]
    """Twelve answers of March 2025 (make_row's day)."""
    rows = [make_row(participant=f"MS{i}", insats=INSATS) for i in range(12)]
    path = tmp_path_factory.mktemp("months") / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    with live.app.app_context():
        result = live.app.test_cli_runner().invoke(args=["import", str(path), "--create-insats"])
        assert result.exit_code == 0, result.output
        return db.session.scalar(select(Insats.id).where(Insats.name == INSATS))


def test_months_are_chosen_with_the_picker(live, new_page, axe_source, imported):
    page = new_page(viewport=PHONE, bypass_csp=True)
    log_in(page, "admin@test.se")
    page.goto("/personal/rapporter/")
    assert page.get_attribute("#fran", "type") == "month"
    page.locator("input[name=insats]").evaluate_all(
        f"boxes => boxes.forEach(box => box.checked = box.value === '{imported}')")
    page.fill("#fran", "2025-03")
    page.fill("#till", "2025-03")
    with page.expect_navigation(timeout=60_000):
        page.locator("form.report-form button[type=submit]").click()
    assert "fran=2025-03&till=2025-03" in page.url
    assert "2025-03-01 – 2025-03-31" in " ".join(page.locator("main").inner_text().split())
    assert page.input_value("#fran") == "2025-03"
    screenshot(page, "report-months-390")
    # A full date (a browser without a month picker, or an edited address) is refused.
    reply = page.goto(f"/personal/rapporter/?insats={imported}&fran=2025-03-15")
    assert reply is not None and reply.status == 400
    assert page.locator("#fran-error").inner_text() == (
        "2025-03-15 är ett datum, men rapporter gäller hela månader: skriv 2025-03.")
    assert scan(page, axe_source, "report months refused") == []
