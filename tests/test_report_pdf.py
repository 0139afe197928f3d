"""The PDF report: the web page's template printed as tagged PDF/UA (survey/reports/
document.py), read back with pikepdf (its structure) and pdftotext (its words)."""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from analysis import EnrolmentRow, ReportOptions, Target, build_report
from analysis.figures.targets import target_sentence
from analysis.numbers import SWEDISH
from analysis.synthetic import make_row, self_assessment, synthetic_key

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


@functools.cache
def _report() -> dict[str, Any]:
    """27 of 29 found the support of great use (two men did not); nobody answered redo;
    8 women answered the self-assessment twice; 6 enrolments ended, all to work."""
    rows = [make_row(participant=f"K{i}", gender="kvinna") for i in range(27)]
    rows += [make_row(participant=f"M{i}", gender="man", value=1) for i in range(2)]
    for i in range(8):
        rows += self_assessment(f"K{i}", [2, 3, 3, 2, 4], [4, 3, 4, 3, 5])
    enrolments = [
        EnrolmentRow(None, f"K{i}", "kvinna", "nej", "Hantverksstegen", "Skövde",
                     dt.date(2025, 1, 1), dt.date(2025, 3, 20), "arbete",
                     record_key=synthetic_key(f"K{i}"))
        for i in range(6)
    ]  # fmt: skip
    options = ReportOptions(
        targets=(Target("nytta", "avslut", 0.9), Target("redo", "avslut", 0.7)),
        title="Samordningsförbundet Test",
    )
    return build_report(rows, options, enrolments=enrolments)


def _tags(pdf: pikepdf.Pdf) -> tuple[Counter[str], list[pikepdf.Dictionary]]:
    """Every structure element's type, and the Figure elements."""
    kinds: Counter[str] = Counter()
    figures = []
    stack = [pdf.Root.StructTreeRoot]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue  # a marked-content id
        if "/S" in node:
            kinds[str(node.S)] += 1
            if node.S == "/Figure":
                figures.append(node)
        if "/K" in node:
            stack.append(node.K)
    return kinds, figures


def _text(data: bytes, tmp_path: Path, *pages: str) -> str:
    path = tmp_path / "rapport.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    return " ".join(out.split())


def test_pdf_is_tagged_pdf_ua(print_report) -> None:  # type: ignore[no-untyped-def]
    pdf = pikepdf.open(io.BytesIO(print_report(_report(), "Samordningsförbundet Test")))
    root = pdf.Root
    assert "/StructTreeRoot" in root
    assert str(root.Lang) == "sv"
    assert bool(root.MarkInfo.Marked) is True
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(pdf.docinfo.Title) == "Samordningsförbundet Test"
    with pdf.open_metadata() as meta:
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("dc:title") == "Samordningsförbundet Test"
    kinds, figures = _tags(pdf)
    # Headings, tables with header cells, and the charts as figures.
    assert kinds["/H1"] == 1 and kinds["/H2"] >= 4
    assert kinds["/Table"] >= 5 and kinds["/TH"] > kinds["/Table"] and kinds["/TD"] > 0
    assert len(figures) == 4  # indicators at avslut, self-assessment start and avslut, change
    for figure in figures:
        alt = str(figure.get("/Alt", ""))
        assert alt.startswith(("Andel positiva svar per fråga:", "Andel förbättrade per område:"))
    share = SWEDISH.percent(_report()["targets"][0]["share"])
    assert any(f"Stöd till stor nytta {share}" in str(f.Alt) for f in figures)
    # Headings become bookmarks; page furniture (borders, page numbers) is an artifact,
    # everything else marked content of the structure tree.
    with pdf.open_outline() as outline:
        assert [item.title for item in outline.root][:1] == ["Samordningsförbundet Test"]
    marked = [str(op.operands[0]) for op in pikepdf.parse_content_stream(pdf.pages[0])
              if str(op.operator) in ("BDC", "BMC")]
    assert "/Artifact" in marked and len(set(marked) - {"/Artifact"}) >= 1
    a4 = [pytest.approx(595.28, abs=0.1), pytest.approx(841.89, abs=0.1)]
    assert all([float(side) for side in page.MediaBox[2:]] == a4 for page in pdf.pages)


@needs_poppler
def test_page_one_is_the_summary_with_the_target_sentences(print_report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = print_report(_report(), "Samordningsförbundet Test", appendix=True)
    first = _text(data, tmp_path, "-f", "1", "-l", "1")
    assert first.startswith("Samordningsförbundet Test Sammanfattning")
    # 27 of 29 as published: the sentence of the published counts.
    assert " ".join(target_sentence(_report()["targets"][0]).split()) in first
    # Nobody answered "redo": the target says so.
    assert ("? För få svar: Mer redo för arbete/studier: färre än 5 svar; målet 70 % kan "
            "inte bedömas.") in first
    assert "Vilka har svarat" in first and "Diagram" not in first
    pages = len(pikepdf.open(io.BytesIO(data)).pages)
    assert f"Sida 1 av {pages}" in first
    text = _text(data, tmp_path)
    # Keys never show: no questionnaire ident, item id or answer value as a heading.
    for key in ("finsam-indikatorer/v1", "sjalvskattning", "Svar 4", "(studier)", "prs"):
        assert key not in text
    # Swedish numbers (the sign test's p-values); no published count is 2, so the two men
    # never show as "0 av 2"; the method is stated; the appendix comes last.
    assert re.search(r"\b0,0\d\d\b", text) and not re.search(r"\b0\.0\d\d\b", text)
    assert "(0 av 2)" not in text
    assert "Alla antal i rapporten har fått ett litet slumpmässigt brus" in text
    assert text.index("Avslutsorsaker") < text.index("Bilaga: detaljer och siffror per grupp")


@needs_poppler
def test_english_staff_get_an_english_pdf(print_report, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = print_report(_report(), "Test association", lang="en", appendix=True)
    assert str(pikepdf.open(io.BytesIO(data)).Root.Lang) == "en"
    first = _text(data, tmp_path, "-f", "1", "-l", "1")
    assert "Support of great use: " in first and "the target of 90% is" in first
    assert "Page 1 of" in first and "Sammanfattning" not in first
    text = _text(data, tmp_path)
    assert "Appendix: details and figures per group" in text and "Bilaga" not in text
    assert "Activity level" in text and "Aktivitetsnivå" not in text
    # Questionnaires under their English names (name_en in the file).
    assert "Stegvis indicator questions (own wording), version 1" in text
    assert "Stegvis indikatorfrågor" not in text
