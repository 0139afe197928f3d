"""The examples of issue 10, in every output (JSON, text, PDF text, Excel cells, the web
page, the report CSV), on the CSV path and the database path.

One data set holds them all:
- 41 people with start and avslut självskattning: 17 kvinnor (8 improved aktivitet),
  22 män (10 improved), one of annat and one of okänt kön (1 improved);
- 29 of the women and men answered the indicators at avslut: 26 in Swedish (23 positive
  on delaktighet) and 3 in Arabic or Tigrinya (all positive); with the Tibro man the
  total is 26 of 30 and Svenska 23 of 27, so subtracting would give the 3;
- one man at the site Tibro, negative on delaktighet ("0 % (0 av 1)" before);
- ended enrolments with one kvinna to sjukersättning.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from openpyxl import load_workbook
from sqlalchemy import select

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.report import build_report_from_csv
from analysis.report_csv import write_report_csv
from analysis.rows import AnswerRow
from analysis.synthetic import make_row, self_assessment, synthetic_key, to_csv_text
from analysis.text import summary
from analysis.xlsx import write_xlsx
from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Insats, Participant

from .disclosure_attack import DERANDOMIZE, attack
from .test_disclosure_attack import people_strategy, rows_of, truth_for

LEFT_OUT = "Personer med annan eller okänd könstillhörighet är färre än 5"
START = [2, 3, 3, 3, 3]


def _gender(i: int) -> str:
    if i == 39:
        return "annat"
    if i == 40:
        return "okänt"
    return "kvinna" if i < 17 else "man"


def _improved(i: int) -> bool:
    return i < 8 or 17 <= i < 27 or i == 39


def issue_rows() -> tuple[list[AnswerRow], list[EnrolmentRow]]:
    rows: list[AnswerRow] = []
    enrolments = []
    for i in range(41):
        gender = _gender(i)
        site = "Tibro" if i == 38 else "Skövde"
        common = {"gender": gender, "site": site, "birth_year": 1980 + i % 20}
        end = [3 if _improved(i) else 2, 3, 3, 3, 3]
        rows += self_assessment(f"D{i:02d}", START, end, **common)
        if i < 29 or i == 38:
            language = "sv" if i < 26 or i == 38 else ("ar" if i < 28 else "ti")
            value = 1 if i == 38 or 23 <= i < 26 else 4
            rows.append(make_row(participant=f"D{i:02d}", item="delaktighet", value=value,
                                 language=language, comment="=HYPERLINK(\"http://x\")"
                                 if i == 0 else None, **common))  # fmt: skip
        outcome = "sjukersättning" if i == 0 else ("arbete" if i % 2 else "studier")
        enrolments.append(EnrolmentRow(None, f"D{i:02d}", gender, "nej", "Hantverksstegen", site,
                                       dt.date(2025, 1, 1), dt.date(2025, 3, 25), outcome,
                                       birth_year=common["birth_year"],
                                       record_key=synthetic_key(f"D{i:02d}")))  # fmt: skip
    return rows, enrolments


def pdf_text(data: bytes, path: Path) -> str:
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    return " ".join(text.split())


def excel_rows(data: bytes) -> list[list[str]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return [["" if v is None else str(v) for v in row]
            for sheet in book for row in sheet.iter_rows(values_only=True)]  # fmt: skip


def _xlsx(report: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    write_xlsx(report, out)
    return out.getvalue()


def check_report(report: dict[str, Any]) -> None:
    """The JSON: what must be hidden is, what a board needs is shown."""
    item = report["indicators"]["avslut"]["delaktighet"]
    assert (item["n"], item["positive"]) == (30, 26)
    # Arabic 2 + Tigrinya 1 = 3 people: Svenska is hidden with them, or 29 − 26 gives them.
    assert all(c == {"suppressed": True} for c in item["by_language"].values())
    assert report["left_out"].startswith(LEFT_OUT)
    change = report["change"]["aktivitet"]
    assert (change["pairs"], change["improved"]) == (39, 18)
    by_gender = change["by_gender"]
    assert (by_gender["kvinna"]["pairs"], by_gender["kvinna"]["improved"]) == (17, 8)
    assert (by_gender["man"]["pairs"], by_gender["man"]["improved"]) == (22, 10)
    assert set(by_gender) == {"kvinna", "man"}
    assert set(item["by_gender"]) == {"kvinna", "man"}
    assert "kvinna" in item["by_gender"] and "n" in item["by_gender"]["kvinna"]


def check_outcomes(report: dict[str, Any]) -> None:
    """One kvinna ended to sjukersättning: published as 0 or 3, never as the 1 she is, in
    total and among the women; the board still sees every figure of the 41 ended."""
    outcomes = report["exit_outcomes"]
    assert outcomes["outcomes"]["sjukersättning"]["count"] in (0, 3)
    assert outcomes["by_gender"]["kvinna"]["outcomes"]["sjukersättning"]["count"] in (0, 3)
    assert outcomes["work_or_studies"]["share"] is not None
    assert all(isinstance(group["ended"], int) for group in outcomes["by_gender"].values())


def shows(text: str, figure: str) -> bool:
    """Whether `text` has `figure` ("3 av 3") as such, not inside "13 av 30"."""
    return re.search(rf"(?<![\d,]){re.escape(figure)}(?![\d,])", text) is not None


def check_outputs(outputs: dict[str, str]) -> None:
    """Every output (as text): the hidden figures appear nowhere, the rule is stated."""
    for name, text in outputs.items():
        assert not shows(text, "23 av 27") and not shows(text, "3 av 3"), name
        assert "D00" not in text and "HYPERLINK" not in text, name  # no pseudonym, no comment
        assert LEFT_OUT in text, name


def check_site_report(report: dict[str, Any], outputs: dict[str, str]) -> None:
    """--site Tibro: one person. Before: "Delaktighet i stödet 0 % (0 av 1)"."""
    assert report["indicators"]["avslut"]["delaktighet"] == {"suppressed": True}
    assert report["people"] == {"suppressed": True}
    for name, text in outputs.items():
        assert not shows(text, "0 av 1"), name
        assert "färre än 5" in text, name


def _excel_text(rows: list[list[str]]) -> str:
    return "\n".join(" | ".join(row) for row in rows)


def _language_cells(rows: list[list[str]]) -> list[list[str]]:
    """The Excel breakdown rows of delaktighet per language: group and figures."""
    return [row[4:] for row in rows
            if len(row) > 5 and row[2] == "Delaktighet i stödet" and row[3] == "Språk"]


def _file_outputs(report: dict[str, Any], tmp_path: Path, print_report) -> dict[str, str]:  # type: ignore[no-untyped-def]
    csv_text = io.StringIO()
    write_report_csv(report, csv_text)
    xlsx_rows = excel_rows(_xlsx(report))
    for row in _language_cells(xlsx_rows):
        assert set(row[1:]) == {"–"}, row
    outputs = {"json": json.dumps(report, ensure_ascii=False), "text": summary(report),
               "excel": _excel_text(xlsx_rows), "csv": csv_text.getvalue()}  # fmt: skip
    if shutil.which("pdftotext"):
        outputs["pdf"] = pdf_text(print_report(report), tmp_path / "rapport.pdf")
    return outputs


# --- the CSV path ------------------------------------------------------------------------
def test_issue_examples_on_the_csv_path(tmp_path: Path, print_report) -> None:  # type: ignore[no-untyped-def]
    rows, _ = issue_rows()
    source = io.StringIO(to_csv_text(rows))
    report, errors = build_report_from_csv(source)
    assert errors == [] and report is not None
    check_report(report)
    check_outputs(_file_outputs(report, tmp_path, print_report))
    assert attack(report, truth_for(report, rows, None)) == []
    site, _ = build_report_from_csv(io.StringIO(to_csv_text(rows)), ReportOptions(site="Tibro"))
    assert site is not None
    check_site_report(site, {k: v for k, v in _file_outputs(site, tmp_path, print_report).items()
                             if k != "json"})  # fmt: skip


def test_issue_examples_with_enrolments(tmp_path: Path, print_report) -> None:  # type: ignore[no-untyped-def]
    rows, enrolments = issue_rows()
    report = build_report(rows, enrolments=enrolments)
    check_report(report)
    check_outcomes(report)
    check_outputs(_file_outputs(report, tmp_path, print_report))
    assert attack(report, truth_for(report, rows, enrolments)) == []


def test_twenty_women_eighteen_men_one_other_shows_both_genders() -> None:
    rows = [make_row(participant=f"K{i}", gender="kvinna") for i in range(20)]
    rows += [make_row(participant=f"M{i}", gender="man", value=1) for i in range(18)]
    rows.append(make_row(participant="A0", gender="annat", value=1))
    report = build_report(rows)
    by_gender = report["indicators"]["avslut"]["nytta"]["by_gender"]
    assert by_gender["kvinna"]["n"] == 20 and by_gender["man"]["n"] == 18
    assert "annat" not in by_gender
    assert report["people"] == 38 and report["left_out"].startswith(LEFT_OUT)
    # With five of another gender they are counted, and kvinnor and män still shown.
    rows += [make_row(participant=f"A{i}", gender="okänt", value=1) for i in range(1, 5)]
    report = build_report(rows)
    by_gender = report["indicators"]["avslut"]["nytta"]["by_gender"]
    assert report["left_out"] is None and report["people"] == 43
    assert by_gender["kvinna"]["n"] == 20 and by_gender["man"]["n"] == 18
    assert by_gender["annat"] == by_gender["okänt"] == {"suppressed": True}


# --- the database path -------------------------------------------------------------------
@pytest.fixture
def issue_db(app, insats, tmp_path):  # type: ignore[no-untyped-def]
    """The data set imported with `flask import`, enrolments ended with their outcomes."""
    rows, enrolments = issue_rows()
    path = tmp_path / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    outcome = {e.participant: e.exit_outcome for e in enrolments}
    for enrolment, code in db.session.execute(
        select(Enrolment, Participant.pseudonym).join(Participant)
    ).all():
        enrolment.end_date = dt.date(2025, 3, 25)
        enrolment.exit_outcome = ExitOutcome(outcome[code])
    db.session.commit()
    return db.session.scalar(select(Insats).where(Insats.name == "Hantverksstegen"))


def _page_rows(html: str) -> list[list[str]]:
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        rows.append([re.sub(r"<[^>]+>", "", c).strip()
                     for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)])
    return rows


def test_issue_examples_on_the_database_path(app, issue_db, admin_client, tmp_path):
    query = f"?insats={issue_db.id}"
    page = admin_client.get(f"/personal/rapporter/{query}")
    assert page.status_code == 200
    for row in _language_cells(_page_rows(page.text)):
        assert set(row[1:]) == {"–"}, row
    outputs = {"page": page.text}
    for kind in ("pdf", "xlsx", "csv"):
        reply = admin_client.get(f"/personal/rapporter/ladda-ner.{kind}{query}")
        assert reply.status_code == 200, kind
        if kind == "xlsx":
            rows = excel_rows(reply.data)
            for row in _language_cells(rows):
                assert set(row[1:]) == {"–"}, row
            outputs[kind] = _excel_text(rows)
        elif kind == "csv":
            outputs[kind] = reply.text
        elif shutil.which("pdftotext"):
            (tmp_path / "r.pdf").write_bytes(reply.data)
            outputs[kind] = " ".join(subprocess.run(
                ["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True,
                text=True, check=True).stdout.split())  # fmt: skip
    cli = app.test_cli_runner()
    as_json = cli.invoke(args=["report", "--insats", "Hantverksstegen", "--json"])
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.output)
    check_report(report)
    check_outcomes(report)
    rows, enrolments = issue_rows()
    assert attack(report, truth_for(report, rows, enrolments)) == []
    outputs["json"] = as_json.output
    outputs["text"] = cli.invoke(args=["report", "--insats", "Hantverksstegen"]).output
    check_outputs(outputs)
    site = admin_client.get(f"/personal/rapporter/{query}&ort=Tibro")
    site_json = cli.invoke(args=["report", "--insats", "Hantverksstegen", "--site", "Tibro",
                                 "--json"])  # fmt: skip
    site_text = cli.invoke(args=["report", "--insats", "Hantverksstegen", "--site", "Tibro"])
    check_site_report(json.loads(site_json.output), {"page": site.text, "text": site_text.output})


# --- the attacker on the database path -----------------------------------------------------
_EXAMPLES = itertools.count()


@settings(max_examples=8, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(people_strategy(max_people=25))
def test_attacker_learns_nothing_from_the_database_report(app, insats, tmp_path, people):
    """Each example imported under its own insats names and codes, reported from the
    database as the web page and downloads do (survey.reports.build.report_for)."""
    from survey.reports.build import report_for
    from survey.reports.columns import enrolment_columns
    from survey.reports.rows import answer_rows

    number = next(_EXAMPLES)
    rows, enrolments = rows_of(people)
    rows = [r._replace(participant=f"E{number}-{r.participant}", insats=f"E{number} {r.insats}")
            for r in rows]  # fmt: skip
    enrolments = [dataclasses.replace(e, participant=f"E{number}-{e.participant}",
                                      insats=f"E{number} {e.insats}") for e in enrolments]
    path = tmp_path / f"svar-{number}.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    ended = {e.participant: e for e in enrolments}
    for enrolment, code in db.session.execute(
        select(Enrolment, Participant.pseudonym).join(Participant)
        .where(Participant.pseudonym.startswith(f"E{number}-"))
    ).all():
        row = ended[code]
        enrolment.start_date, enrolment.end_date = row.start_date, row.end_date
        enrolment.exit_outcome = ExitOutcome(row.exit_outcome) if row.exit_outcome else None
        enrolment.left_early = row.left_early
        enrolment.income_start = list(row.income_start)
        enrolment.income_exit = None if row.income_exit is None else list(row.income_exit)
    db.session.commit()
    chosen = list(db.session.scalars(select(Insats).where(Insats.name.startswith(f"E{number} "))))
    published, _options = report_for(chosen, None, None, None, "test")
    published = json.loads(json.dumps(published, default=str))
    # The truth from the database's own rows and enrolments (ids, invitations as made).
    ids = [i.id for i in chosen]
    truth = truth_for(published, list(answer_rows(ids)), enrolment_columns(ids))
    assert attack(published, truth) == []
