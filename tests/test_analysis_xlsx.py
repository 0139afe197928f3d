"""Excel output: suppressed cells read back as "–", raw answers one row per response."""

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
    rows += [make_row(participant="K0", item="redo", value=None)]
    for i in range(6):
        rows += self_assessment(f"K{i}", [2] * 5, [3] * 5)
    return rows


def test_sheets_and_suppression(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "rapport.xlsx"
    write_xlsx(build_report(rows), path, rows)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames[:4] == ["Urval", "Mål", "Indikatorer", "Indikatorer per grupp"]
    groups = list(book["Indikatorer per grupp"].iter_rows(min_row=3, values_only=True))
    by_gender = {r[4]: r[5:] for r in groups if r[2] == "Stöd till stor nytta" and r[3] == "Kön"}
    assert by_gender["Män"] == ("–",) * 5
    assert by_gender["Annat kön"] == ("–",) * 5
    assert by_gender["Kvinnor"][:2] == (7, 7)
    values = [v for row in groups for v in row if v is not None]
    assert 2 not in values[5:]  # the two men are never shown as a count
    assert any("färre än 5 personer" in str(r[0]) for r in groups)


def test_raw_answers_one_row_per_response(tmp_path: Path) -> None:
    rows = _rows()
    path = tmp_path / "rapport.xlsx"
    write_xlsx(build_report(rows), path, rows)
    book = load_workbook(path, read_only=True)
    sheet = list(book["Svar finsam-indikatorer v1"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert len(body) == 15  # K0's "redo" answer belongs to K0's response
    assert header[13:17] == ("nytta", "nytta_kommentar", "redo", "redo_kommentar")
    k0 = next(r for r in body if r[0] == "K0")
    assert k0[13] == 4 and k0[15] is None
    assert len(list(book["Svar sjalvskattning v1"].iter_rows())) == 1 + 12
