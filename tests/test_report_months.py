"""Reports cover whole months, in the web form, its downloads, the open-answers page and
`flask report`: YYYY-MM from a month picker (or typed where a browser has none); anything
else is a clear, translated form error and never a server error."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from analysis.selection import Month
from survey.extensions import db
from survey.models import AuditEvent

from .test_transfer import HEADER, good_line

REPORT = "/personal/rapporter/"
THIS_MONTH = str(Month.of(dt.date.today()))
NEXT_MONTH = str(Month.of(dt.date.today()).plus(1))
BAD = [("0001-01", "Välj en månad från 2000-01 till och med"),
       ("99999-12", "Skriv en månad som ÅÅÅÅ-MM, till exempel"),
       ("2026-03-15", "2026-03-15 är ett datum, men rapporter gäller hela månader: skriv "
                      "2026-03."),
       ("2026-13", "Skriv en månad som ÅÅÅÅ-MM"), ("mars 2026", "Skriv en månad som ÅÅÅÅ-MM"),
       (NEXT_MONTH, f"Välj en månad från 2000-01 till och med {THIS_MONTH}.")]


@pytest.fixture
def imported(app, insats, tmp_path):  # type: ignore[no-untyped-def]
    """Twelve people answered in June 2025 (flask import, as a paper survey would)."""
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + "".join(good_line(n) for n in range(12)))
    assert app.test_cli_runner().invoke(args=["import", str(path)]).exit_code == 0
    return insats


def test_the_form_has_month_pickers(admin_client, imported):
    page = admin_client.get(REPORT).text
    for name in ("fran", "till"):
        field = re.search(rf'<input [^>]*name="{name}"[^>]*>', page)
        assert field is not None
        for attribute in ('type="month"', 'min="2000-01"', f'max="{THIS_MONTH}"',
                          'placeholder="ÅÅÅÅ-MM"', 'pattern="[0-9]{4}-[0-9]{2}"'):
            assert attribute in field.group(0)
    assert "Från och med månad" in page and "Till och med månad" in page


def test_a_report_of_whole_months(admin_client, imported):
    june = admin_client.get(f"{REPORT}?insats={imported.id}&fran=2025-06&till=2025-06")
    assert june.status_code == 200
    assert "2025-06-01 – 2025-06-30" in june.text
    assert 'value="2025-06"' in june.text  # the months chosen stay in the form
    # A typed month (a browser without a month picker) is read the same.
    typed = admin_client.get(f"{REPORT}?insats={imported.id}&fran=+2025-05+&till=2025-07")
    assert typed.status_code == 200 and "2025-05-01 – 2025-07-31" in typed.text
    # Open at either end, up to the current month.
    assert admin_client.get(f"{REPORT}?insats={imported.id}&till={THIS_MONTH}").status_code == 200
    assert admin_client.get(f"{REPORT}?insats={imported.id}&fran=2025-06").status_code == 200


@pytest.mark.parametrize(("text", "message"), BAD)
def test_anything_else_is_a_form_error_on_every_page(admin_client, imported, text, message):
    for field in ("fran", "till"):
        for path in (REPORT, f"{REPORT}ladda-ner.pdf", f"{REPORT}ladda-ner.csv",
                     f"{REPORT}ladda-ner.xlsx", f"{REPORT}oppna-svar"):
            reply = admin_client.get(f"{path}?insats={imported.id}&{field}={text}")
            assert reply.status_code == 400, (path, field)
            assert reply.mimetype == "text/html"
            assert message in " ".join(reply.text.split()), (path, field)
            assert "Sammanfattning" not in reply.text
    # Nothing was made, so nothing was logged as made.
    assert db.session.query(AuditEvent).filter(AuditEvent.action.in_(
        ["report_pdf", "report_csv", "report_xlsx", "open_answers"])).count() == 0


def test_the_errors_are_in_the_staff_language(admin_client, imported):
    with admin_client.session_transaction() as saved:
        saved["staff_locale"] = "en"
    page = admin_client.get(f"{REPORT}?insats={imported.id}&fran=2026-03-15").text
    assert "2026-03-15 is a date, but reports cover whole months: write 2026-03." in page
    page = admin_client.get(f"{REPORT}?insats={imported.id}&fran=2025-06&till=2025-05").text
    assert "The last month cannot be before the first month." in page
    page = admin_client.get(f"{REPORT}?insats={imported.id}&till=0001-01").text
    assert f"Choose a month from 2000-01 to {THIS_MONTH}." in page
    assert 'placeholder="YYYY-MM"' in page and "From month" in page


def test_flask_report_takes_months(app, imported):
    runner = app.test_cli_runner()
    june = runner.invoke(args=["report", "--insats", "Testinsatsen", "--json",
                               "--from", "2025-06", "--to", "2025-06"])
    assert june.exit_code == 0, june.output
    report = json.loads(june.output)
    assert (report["selection"]["from"], report["selection"]["to"]) == ("2025-06-01",
                                                                        "2025-06-30")
    assert report["answers_period"] == {"first": "2025-06", "last": "2025-06"}
    assert report["previous"]["from"] == "2025-05-01" and report["previous"]["to"] == "2025-05-31"
    for arguments, message in [(["--from", text], message) for text, message in BAD] + [
            (["--from", "2025-06", "--to", "2025-05"],
             "Till och med kan inte vara en tidigare månad än från och med.")]:
        refused = runner.invoke(args=["report", "--insats", "Testinsatsen", *arguments])
        assert refused.exit_code == 2, arguments
        assert message in " ".join(refused.output.split()), arguments
    assert db.session.query(AuditEvent).filter_by(action="report_cli").count() == 1
