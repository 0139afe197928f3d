"""PDF output: target sentences first, suppressed cells as "–" with the footnote."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import EnrolmentRow, ReportOptions, Target, build_report
from analysis.pdf import write_pdf
from analysis.synthetic import make_row, self_assessment


def _report() -> dict:
    rows = [make_row(participant=f"K{i}", gender="kvinna") for i in range(27)]
    rows += [make_row(participant=f"M{i}", gender="man", value=1) for i in range(2)]
    for i in range(8):
        rows += self_assessment(f"K{i}", [2, 3, 3, 2, 4], [4, 3, 4, 3, 5])
    enrolments = [
        EnrolmentRow(None, f"K{i}", "kvinna", "nej", "Hantverksstegen", "Skövde",
                     dt.date(2025, 1, 1), dt.date(2025, 3, 20), "arbete")
        for i in range(6)
    ]  # fmt: skip
    options = ReportOptions(
        targets=(Target("nytta", "avslut", 0.9), Target("redo", "avslut", 0.7)),
        title="Samordningsförbundet Test",
    )
    return build_report(rows, options, enrolments=enrolments)


def test_pdf_is_written(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    write_pdf(_report(), path)
    assert path.read_bytes().startswith(b"%PDF")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_pdf_text_shows_targets_and_hides_small_groups(tmp_path: Path) -> None:
    path = tmp_path / "rapport.pdf"
    write_pdf(_report(), path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Stöd till stor nytta: 93 % (27 av 29), målet 90 % är uppnått" in " ".join(text.split())
    # Nobody answered "redo": 0 answers is about nobody, so the target says so.
    assert "Mer redo för arbete/studier: för få svar (0, minst 5 behövs) för att bedöma" in (
        " ".join(text.split()))
    assert "färre än 5 personer" in text
    men = [line for line in text.splitlines() if "Män" in line]
    assert men, text
    assert "(0 av 2)" not in text and "0 % (0 av 2)" not in text
    assert text.index("Mål") < text.index("Svar avslut")
    assert "Avslutsorsaker" in text and "Arbete" in text
