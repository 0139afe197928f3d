"""Excel output: the published figures, small bases as "färre än 5 svar"; aggregates only,
no person's data."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook

from analysis import build_report
from analysis.synthetic import make_row, self_assessment
from analysis.xlsx import write_xlsx


def _rows() -> list:
    rows = [make_row(participant=f"K{i}", gender="kvinna") for i in range(7)]
    rows += [make_row(participant=f"M{i}", gender="man", value=1) for i in range(2)]
    rows += [make_row(participant=f"A{i}", gender="annat") for i in range(6)]
    rows += [make_row(participant="K0", item="redo", value=None, comment="=HYPERLINK(1)")]
    for i in range(6):
        rows += self_assessment(f"K{i}", [2] * 5, [3] * 5)
    return rows


def test_sheets_show_published_counts_and_few_answers(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "rapport.xlsx"
    report = build_report(rows)
    write_xlsx(report, path)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[:4] == ["Urval", "Mål", "Indikatorer", "Indikatorer per grupp"]
    groups = list(book["Indikatorer per grupp"].iter_rows(min_row=3, values_only=True))
    by_gender = {r[4]: r[5:] for r in groups if r[2] == "Stöd till stor nytta" and r[3] == "Kön"}
    # Every gender is a row; nothing is hidden, a small base has no share.
    assert set(by_gender) == {"Kvinnor", "Män", "Annat kön", "Okänt"}
    published = report["indicators"]["finsam-indikatorer/v1"]["avslut"]["nytta"]["by_gender"]
    assert by_gender["Män"][:2] == (published["man"]["positive"], published["man"]["n"])
    assert by_gender["Okänt"] == (None, 0, "färre än 5 svar", None, None)
    values = [v for row in groups for v in row[5:7]]
    assert 1 not in values and 2 not in values  # no published count is 1 or 2
    urval = [r[0] for r in book["Urval"].iter_rows(values_only=True) if r[0]]
    assert any("slumpmässigt brus" in str(text) for text in urval)


def test_no_pseudonym_and_no_comment_in_the_report(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "rapport.xlsx"
    write_xlsx(build_report(rows), path)
    book = load_workbook(path, read_only=True)
    assert not [name for name in book.sheetnames if name.startswith("Svar")]
    cells = {str(v) for sheet in book for row in sheet.iter_rows(values_only=True) for v in row}
    pseudonyms = {row.participant for row in rows}
    assert not cells & pseudonyms
    assert not [c for c in cells if "HYPERLINK" in c]
