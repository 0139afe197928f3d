"""The förbund's report in the web app: target checks, tables, downloads, audit."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Occasion, Target

from .test_answering_journey import answer, choose_language, submit


@pytest.fixture
def answered(app, insats, make_invitation):  # type: ignore[no-untyped-def]
    """Six people answered the indicators at avslut: five found the support of great use."""
    insats.targets = [Target(item_id="nytta", occasion=Occasion.avslut, threshold=0.8)]
    db.session.commit()
    for number, value in enumerate(["4", "4", "3", "4", "3", "2"]):
        token = make_invitation("finsam-indikatorer", "avslut", code=f"R-{number}")
        client = app.test_client()
        choose_language(client, token, "sv")
        answer(client, token, 5, value, comment="=HYPERLINK(\"http://x\")" if number == 0 else None)
        submit(client, token)
    return insats


def words(html: str) -> str:
    """A page's text with every run of white space (the no-break space in "83 %") as one."""
    return " ".join(html.split())


def published_target(insats) -> dict:  # type: ignore[no-untyped-def]
    """The insats's report as the page builds it: its one target, checked on the
    published counts (the people's record keys decide the noise, so the test reads it)."""
    from survey.reports.build import report_for

    report, _options = report_for([insats], None, None, None, "")
    return report["targets"][0]


def sentence(target: dict) -> str:  # type: ignore[type-arg]
    """The target's sentence as the page prints it (under its insats's heading)."""
    from analysis.figures.targets import target_sentence

    return " ".join(target_sentence({**target, "insats": None}).split())


def test_report_page_shows_target_check_first(admin_client, answered):
    page = admin_client.get(f"/personal/rapporter/?insats={answered.id}")
    assert page.status_code == 200
    text = words(page.text)
    # 5 of 6 positive, published with a little noise: the sentence of the published counts.
    target = published_target(answered)
    assert sentence(target) in text
    assert text.index(sentence(target)) < text.index("<table")
    assert "Alla antal i rapporten har fått ett litet slumpmässigt brus" in text
    # The chart says in words what it shows (6 answers are published as 4 to 8: a chart
    # only from a base of 5 or more); group tables fold away.
    if target["share"] is not None:
        assert 'src="data:image/svg+xml;base64,' in text
        assert 'alt="Andel positiva svar per fråga: Stöd till stor nytta ' in text
        assert text.index("<details") > text.index("Diagram")
    assert "<details" in text
    for key in ("finsam-indikatorer/v", "Svar 4", ">nytta<"):
        assert key not in text


def test_report_with_nothing_chosen_says_so(admin_client, answered):
    # The one insats is chosen when the page opens; pressing "Visa rapport" without it
    # is an error, in words, and no report.
    first = admin_client.get("/personal/rapporter/")
    assert first.status_code == 200
    assert re.search(rf'<input checked[^>]* value="{answered.id}"', first.text)
    empty = admin_client.get("/personal/rapporter/?fran=&till=&ort=")
    assert empty.status_code == 400
    assert "Välj minst en insats." in empty.text and "Sammanfattning" not in empty.text


def test_report_in_english_for_an_english_staff_user(admin_client, answered):
    with admin_client.session_transaction() as saved:
        saved["staff_locale"] = "en"
    page = admin_client.get(f"/personal/rapporter/?insats={answered.id}")
    text = words(page.text)
    assert '<html lang="en"' in text
    assert "Support of great use" in text and "80%" in text
    assert "Every count in the report has had a little random noise added" in text
    assert "80 %" not in text  # English numbers in every sentence, the appendix's too
    assert "Stöd till stor nytta" not in text and "Sammanfattning" not in text
    empty = admin_client.get("/personal/rapporter/?fran=&till=&ort=")
    assert "Choose at least one insats." in empty.text
    sheet = admin_client.get(f"/personal/rapporter/ladda-ner.xlsx?insats={answered.id}")
    assert "Targets" in load_workbook(io.BytesIO(sheet.data)).sheetnames


def test_report_form_refuses_bad_input(admin_client, answered):
    reply = admin_client.get(f"/personal/rapporter/?insats={answered.id}&fran=2026-05"
                             "&till=2026-01")
    assert reply.status_code == 400
    assert "Till och med kan inte vara en tidigare månad än från och med." in reply.text
    other = admin_client.get("/personal/rapporter/?insats=9999")
    assert other.status_code == 400


def test_downloads_are_audited(admin_client, answered):
    query = f"?insats={answered.id}"
    pdf = admin_client.get(f"/personal/rapporter/ladda-ner.pdf{query}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    sheet = admin_client.get(f"/personal/rapporter/ladda-ner.xlsx{query}")
    workbook = load_workbook(io.BytesIO(sheet.data))
    assert len(workbook.sheetnames) > 3
    formulas = [c.value for ws in workbook for row in ws.iter_rows() for c in row
                if c.data_type == "f"]
    assert formulas == []  # a comment starting with "=" stays text
    csv = admin_client.get(f"/personal/rapporter/ladda-ner.csv{query}")
    # The report's tables, not a row per answer: no pseudonym, no comment.
    assert csv.text.splitlines()[0] == "Urval"
    assert "R-0" not in csv.text and "HYPERLINK" not in csv.text
    assert "R-0" not in str([c.value for ws in workbook for row in ws.iter_rows() for c in row])
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert {"report_pdf", "report_xlsx", "report_csv"} <= set(actions)
