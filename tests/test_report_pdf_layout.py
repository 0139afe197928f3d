"""The PDF report's layout, measured on the finished PDF (tests/pdf_layout.py, with
Poppler's tools) for the demo förbund's report: no text runs out of its table cell (into
the next column or off the page), no header word is split by hyphenation, no page but the
last is less than half full; and the per-group appendix is printed only when asked for (the report
form's "Med bilaga per grupp", `flask report --appendix`)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pikepdf
import pytest
from flask_babel import force_locale
from sqlalchemy import select

from survey import create_app
from survey.extensions import db
from survey.models import Insats, Organisation, Role, User
from tests.conftest import PASSWORD, login
from tests.pdf_layout import Layout, measure

APPENDIX = "Bilaga: detaljer och siffror per grupp"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The demo förbund's report (`flask demo`), printed as the PDF download prints it:
    one database for the module, since the layout does not depend on it."""
    from survey.reports.build import report_for
    from survey.reports.document import render_pdf

    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite3'}"})
    app.instance_path = str(folder / "instance")
    with app.app_context():
        db.create_all()
        result = app.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        report, _options = report_for(db.session.scalars(select(Insats)).all(), None, None,
                                      None, "Demo")

    def layout(appendix: bool, lang: str = "sv") -> Layout:
        with app.test_request_context(), force_locale(lang):
            return measure(render_pdf(report, app.extensions["stegvis.questionnaires"],
                                      "Samordningsförbundet Demo", appendix=appendix))

    return layout


def _assert_laid_out_well(layout: Layout) -> None:
    assert layout.overflows == []
    assert layout.split_headers == []
    assert min(layout.fill[:-1], default=1) >= 0.5, layout.fill


def test_no_text_over_another_column_no_split_header_no_empty_page(demo) -> None:  # type: ignore[no-untyped-def]
    with_appendix = demo(appendix=True)
    _assert_laid_out_well(with_appendix)
    without = demo(appendix=False)
    _assert_laid_out_well(without)
    # The appendix was 11 of the 18 pages; without it the report is ten pages or so
    # (eight before the follow-ups after exit and the time in the programme, issue 24).
    assert without.pages <= 11 and with_appendix.pages >= without.pages + 5


def test_english_headers_are_not_split_either(demo) -> None:  # type: ignore[no-untyped-def]
    _assert_laid_out_well(demo(appendix=True, lang="en"))


def test_the_measure_sees_what_it_looks_for(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The old print style's faults, on a table too narrow for its words: hyphenated
    headers, and a fixed layout whose words run into the next column."""
    from weasyprint import CSS, HTML

    html = ("<html lang='sv'><table style='width: 40mm'><thead><tr><th>Inskrivna</th>"
            "<th>Svarsfrekvens</th></tr></thead><tbody><tr><td>Samordnat</td>"
            "<td>Utomlands</td></tr></tbody></table></html>")
    hyphenated = measure(HTML(string=html).write_pdf(stylesheets=[CSS(string=(
        "@page { size: A4; margin: 20mm } th { hyphens: auto; width: 10mm }"))]))
    assert hyphenated.split_headers
    fixed = measure(HTML(string=html).write_pdf(stylesheets=[CSS(string=(
        "@page { size: A4; margin: 20mm } table { table-layout: fixed; width: 20mm }"))]))
    assert fixed.overflows


def _outline(data: bytes) -> tuple[int, list[str]]:
    """The PDF's pages and its bookmarks (the headings), every level."""
    pdf = pikepdf.open(io.BytesIO(data))
    titles: list[str] = []
    with pdf.open_outline() as outline:
        stack = list(outline.root)
        while stack:
            item = stack.pop()
            titles.append(item.title)
            stack.extend(item.children)
    return len(pdf.pages), titles


def test_the_appendix_is_printed_only_when_asked_for(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    path = tmp_path / "rapport.pdf"
    result = runner.invoke(args=["report", "--insats", "Vägen framåt", "--pdf", str(path),
                                 "--appendix"])
    assert result.exit_code == 0, result.output
    appendix_pages, with_appendix = _outline(path.read_bytes())
    assert APPENDIX in with_appendix and "Om frågeformulären" in with_appendix

    # On the report form: a checkbox, carried on to the PDF download.
    organisation = db.session.scalar(select(Organisation))
    db.session.add(User(organisation_id=organisation.id, email="admin@demo.test", name="Admin",
                        role=Role.admin, password_hash=_password_hash()))
    db.session.commit()
    client = app.test_client()
    assert login(client, "admin@demo.test").status_code == 302
    insats = db.session.scalar(select(Insats.id))
    page = client.get(f"/personal/rapporter/?insats={insats}&bilaga=y")
    assert page.status_code == 200
    assert re.search(r'<input [^>]*checked [^>]*name="bilaga" type="checkbox"', page.text)
    assert f"ladda-ner.pdf?insats={insats}&amp;bilaga=y" in page.text
    # The web page keeps the appendix, folded away, whether the box is ticked or not.
    assert "<details" in page.text
    ticked = client.get(f"/personal/rapporter/ladda-ner.pdf?insats={insats}&bilaga=y")
    assert ticked.status_code == 200
    assert _outline(ticked.data) == (appendix_pages, with_appendix)
    plain = client.get(f"/personal/rapporter/ladda-ner.pdf?insats={insats}")
    plain_pages, without = _outline(plain.data)
    assert APPENDIX not in without and plain_pages < appendix_pages
    # Whose questions these are is printed either way.
    assert "Om frågeformulären" in without


def _password_hash() -> str:
    from survey.auth.passwords import hash_password

    return hash_password(PASSWORD)
