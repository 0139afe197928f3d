"""The data set of issue 10, in every output (JSON, text, PDF text, Excel cells, the web
page, the report CSV), on the CSV path and the database path, as the cell key method
publishes it (issue 21): every output shows the same published counts, the CSV and the
database paths publish the same numbers for the same people, groups come from their
definitions, a small base has no share, and no output holds a code or a comment.
Whether anything about one person can be worked out is the attacker's
(tests/test_disclosure_attack.py).

One data set holds them all:
- 41 people with start and avslut självskattning: 17 kvinnor (8 improved aktivitet),
  22 män (10 improved), one of annat and one of okänt kön (1 improved);
- 29 of the women and men answered the indicators at avslut: 26 in Swedish (23 positive
  on delaktighet) and 3 in Arabic or Tigrinya (all positive); with the Tibro man the
  total is 26 of 30 and Svenska 23 of 27;
- one man at the site Tibro, negative on delaktighet;
- ended enrolments with one kvinna to sjukersättning.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.perturbation import exact
from analysis.report import build_report_from_csv, figure_cells
from analysis.report_csv import write_report_csv
from analysis.rows import AnswerRow
from analysis.synthetic import make_row, self_assessment, synthetic_key, to_csv_text
from analysis.text import summary
from analysis.xlsx import write_xlsx
from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Insats, Participant
from tests.published import check_published

METHOD = "Alla antal i rapporten har fått ett litet slumpmässigt brus"
FEW = "färre än 5 svar"
START = [2, 3, 3, 3, 3]
V1, SELF = "finsam-indikatorer/v1", "sjalvskattning/v1"


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


def test_exact_cells_of_the_issue_data() -> None:
    rows, enrolments = issue_rows()
    found = exact(figure_cells(rows, enrolments=enrolments))
    item = found["indicators"][V1]["avslut"]["delaktighet"]
    assert (item["n"], item["positive"]) == (30, 26)
    assert item["by_language"]["sv"] == {"n": 27, "positive": 23}
    assert item["by_language"]["ar"] == {"n": 2, "positive": 2}
    assert item["by_site"]["Tibro"] == {"n": 1, "positive": 0}
    change = found["change"][SELF]["aktivitet"]
    assert (change["pairs"], change["improved"]) == (41, 19)
    assert change["by_gender"]["kvinna"] == {"pairs": 17, "improved": 8}
    assert change["by_gender"]["annat"] == {"pairs": 1, "improved": 1}


def check_report(report: dict[str, Any]) -> None:
    """The JSON: every group a row, a small base without a share, the invariants."""
    check_published(report)
    item = report["indicators"][V1]["avslut"]["delaktighet"]
    assert abs(item["n"] - 30) <= 2 and abs(item["positive"] - 26) <= 2
    assert {"sv", "lattlast", "ar", "ti", "uk"} <= set(item["by_language"])
    assert item["by_language"]["ti"]["share"] is None  # 1 person: no share, whatever n says
    by_gender = report["change"][SELF]["aktivitet"]["by_gender"]
    assert set(by_gender) == {"kvinna", "man", "annat", "okänt"}
    assert by_gender["annat"]["share_improved"] is None
    assert "left_out" not in report


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


def check_outputs(report: dict[str, Any], outputs: dict[str, str]) -> None:
    """Every output (as text): the published delaktighet, the method, no code or comment."""
    item = report["indicators"][V1]["avslut"]["delaktighet"]
    for name, text in outputs.items():
        assert "D00" not in text and "HYPERLINK" not in text, name  # no pseudonym, no comment
        assert METHOD in text, name
        if name in ("text",):
            assert f"({item['positive']} av {item['n']}, vet inte" in text, name


def check_site_report(report: dict[str, Any], outputs: dict[str, str]) -> None:
    """--site Tibro: one person; a published count, no share."""
    item = report["indicators"][V1]["avslut"]["delaktighet"]
    assert item["n"] in (0, 3) and item["share"] is None
    assert report["people"] in (0, 3, 4)
    for name, text in outputs.items():
        assert FEW in text, name


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
    published = report["indicators"][V1]["avslut"]["delaktighet"]["by_language"]
    for row in _language_cells(xlsx_rows):
        assert row[1:3] in ([str(c["positive"]) if c["positive"] is not None else "", str(c["n"])]
                            for c in published.values()), row
    outputs = {"json": json.dumps(report, ensure_ascii=False), "text": summary(report),
               "excel": _excel_text(xlsx_rows), "csv": csv_text.getvalue()}  # fmt: skip
    if shutil.which("pdftotext"):
        outputs["pdf"] = pdf_text(print_report(report), tmp_path / "rapport.pdf")
    return outputs


# --- the CSV path ------------------------------------------------------------------------
def test_issue_examples_on_the_csv_path(tmp_path: Path, print_report) -> None:  # type: ignore[no-untyped-def]
    rows, _ = issue_rows()
    report, errors = build_report_from_csv(io.StringIO(to_csv_text(rows)))
    assert errors == [] and report is not None
    assert report == build_report(rows)
    check_report(report)
    check_outputs(report, {k: v for k, v in _file_outputs(report, tmp_path, print_report).items()
                           if k != "json"})  # fmt: skip
    site, _ = build_report_from_csv(io.StringIO(to_csv_text(rows)), ReportOptions(site="Tibro"))
    assert site is not None
    check_site_report(site, {k: v for k, v in _file_outputs(site, tmp_path, print_report).items()
                             if k != "json"})  # fmt: skip


def test_issue_examples_with_enrolments(tmp_path: Path, print_report) -> None:  # type: ignore[no-untyped-def]
    rows, enrolments = issue_rows()
    report = build_report(rows, enrolments=enrolments)
    check_report(report)
    check_outputs(report, {k: v for k, v in _file_outputs(report, tmp_path, print_report).items()
                           if k != "json"})  # fmt: skip


def test_a_group_of_one_is_a_row_like_any_other() -> None:
    """20 women, 18 men and one of another gender: every gender is a row, the one
    person's group with a published count and no share; nobody is left out."""
    rows = [make_row(participant=f"K{i}", gender="kvinna") for i in range(20)]
    rows += [make_row(participant=f"M{i}", gender="man", value=1) for i in range(18)]
    rows.append(make_row(participant="A0", gender="annat", value=1))
    cells = exact(figure_cells(rows))["indicators"][V1]["avslut"]["nytta"]["by_gender"]
    assert cells == {"kvinna": {"n": 20, "positive": 20}, "man": {"n": 18, "positive": 0},
                     "annat": {"n": 1, "positive": 0}, "okänt": {"n": 0, "positive": 0}}
    report = build_report(rows)
    check_published(report)
    by_gender = report["indicators"][V1]["avslut"]["nytta"]["by_gender"]
    assert by_gender["annat"]["n"] in (0, 3) and by_gender["annat"]["share"] is None
    assert by_gender["okänt"] == {"n": 0, "positive": None, "share": None, "ci95": None,
                                  "few": True}  # fmt: skip


# --- the database path -------------------------------------------------------------------
@pytest.fixture
def issue_db(app, insats, tmp_path):  # type: ignore[no-untyped-def]
    """The data set imported with `flask import` (with its record keys), enrolments ended
    with their outcomes."""
    rows, enrolments = issue_rows()
    path = tmp_path / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path), "--create-insats"])
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
    outputs = {"page": page.text}
    for kind in ("pdf", "xlsx", "csv"):
        reply = admin_client.get(f"/personal/rapporter/ladda-ner.{kind}{query}")
        assert reply.status_code == 200, kind
        if kind == "xlsx":
            outputs[kind] = _excel_text(excel_rows(reply.data))
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
    # The same people with the same record keys: the CSV path publishes the same figures.
    rows, _enrolments = issue_rows()
    from_csv = build_report(rows, ReportOptions(insatser=("Hantverksstegen",)))
    for key in ("people", "enrolments", "indicators", "change"):
        assert report[key] == from_csv[key], key
    outputs["text"] = cli.invoke(args=["report", "--insats", "Hantverksstegen"]).output
    check_outputs(report, outputs)
    site = admin_client.get(f"/personal/rapporter/{query}&ort=Tibro")
    site_json = cli.invoke(args=["report", "--insats", "Hantverksstegen", "--site", "Tibro",
                                 "--json"])  # fmt: skip
    site_text = cli.invoke(args=["report", "--insats", "Hantverksstegen", "--site", "Tibro"])
    check_site_report(json.loads(site_json.output), {"page": site.text, "text": site_text.output})
