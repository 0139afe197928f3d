"""Dataexport: per-person answers apart from the report, admin-only, audited with the
purpose, never cached, formula-safe; `flask export` formula-safe too."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from analysis.cells import neutralise, restore
from survey.extensions import db
from survey.models import AuditEvent

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit

FORMULAS = ["=HYPERLINK(\"http://x\",\"a\")", "+1+1", "-2+3", "@SUM(A1)", "=1", "-x"]


@pytest.fixture
def answered(app, insats, make_invitation):  # type: ignore[no-untyped-def]
    """Six people, each with a comment a spreadsheet would run as a formula."""
    for number, comment in enumerate(FORMULAS):
        token = make_invitation("sjalvskattning", "start", code=f"X-{number}")
        client = app.test_client()
        choose_language(client, token, "sv")
        answer(client, token, 1, "4", comment=comment)
        submit(client, token)
    return insats


def _post(client, insats, **fields):  # type: ignore[no-untyped-def]
    page = client.get("/personal/rapporter/dataexport")
    data = {"csrf_token": csrf_token(page.text), "insats": str(insats.id), "format": "csv",
            "syfte": "Rättelse av svar som registrerats på fel deltagare", **fields}
    return client.post("/personal/rapporter/dataexport", data=data)


def test_page_warns_and_asks_for_the_purpose(admin_client, answered):
    page = admin_client.get("/personal/rapporter/dataexport")
    assert page.status_code == 200
    assert "Filen innehåller personuppgifter." in page.text
    assert 'name="syfte"' in page.text


def test_without_a_purpose_nothing_leaves_and_nothing_is_logged(admin_client, answered):
    reply = _post(admin_client, answered, syfte="  ")
    assert reply.status_code == 400 and "Skriv varför uppgifterna behövs." in reply.text
    assert "X-0" not in reply.text
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data_export")
                              ).all() == []  # fmt: skip


def test_csv_is_audited_not_cached_and_formula_safe(admin_client, answered, make_user):
    reply = _post(admin_client, answered)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {row["participant"] for row in rows} == {f"X-{n}" for n in range(6)}
    comments = sorted(row["comment"] for row in rows)
    assert comments == sorted("'" + text for text in FORMULAS)
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "data_export")
                               ).one()  # fmt: skip
    assert event.reason == "Rättelse av svar som registrerats på fel deltagare"
    assert event.user is not None and event.user.role == "admin"
    assert event.subject.startswith("CSV: " + answered.name) and event.at is not None
    log = admin_client.get("/personal/logg")
    assert "Rättelse av svar som registrerats på fel deltagare" in log.text


def test_excel_cells_are_text_never_formulas(admin_client, answered):
    reply = _post(admin_client, answered, format="xlsx")
    assert reply.status_code == 200 and reply.headers["Cache-Control"] == "no-store"
    sheet = load_workbook(io.BytesIO(reply.data)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert not [c.value for c in cells if c.data_type == "f"]
    comments = {c.value for c in cells if isinstance(c.value, str) and c.value.startswith("'")}
    assert comments == {"'" + text for text in FORMULAS}


def test_handledare_cannot_open_it(handledare_client, answered):
    assert handledare_client.get("/personal/rapporter/dataexport").status_code == 404


def test_flask_export_is_formula_safe(app, answered, tmp_path):
    out = tmp_path / "export.csv"
    result = app.test_cli_runner().invoke(
        args=["export", "--insats", answered.name, "--output", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        comments = sorted(row["comment"] for row in csv.DictReader(handle))
    assert comments == sorted("'" + text for text in FORMULAS)


def test_neutralise_leaves_ordinary_text_and_numbers() -> None:
    assert neutralise("Bra stöd") == "Bra stöd"
    assert neutralise(-3) == -3
    assert neutralise("") == ""
    assert neutralise("=1") == "'=1"
    # The answer form strips a comment, so tab and carriage return come from imports.
    assert neutralise("\tx") == "'\tx" and neutralise("\r=1") == "'\r=1"
    # `flask import` of an exported file stores the comments as they were written.
    for text in [*FORMULAS, "\tx", "'hej", "Bra", None]:
        assert restore(neutralise(text)) == text
