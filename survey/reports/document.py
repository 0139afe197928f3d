"""The report as a PDF: the web page's report template, printed by WeasyPrint.

One template, two media: reports/document.html includes the same reports/_report.html
as the web page, with the print stylesheet (static/report-print.css: A4, page numbers,
page one the summary). The file is tagged PDF/UA-1 (structure tree, document language
and title, headings, table headers, charts as figures with their text alternative), so
a förbund can publish it as it is. WeasyPrint may fetch nothing but the charts' data:
URIs; fonts come from the machine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import render_template
from flask_babel import gettext

from analysis.i18n import Translate
from questionnaires import Registry

from .view import build_view

STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "report-print.css"


def render_pdf(report: dict[str, Any], registry: Registry, title: str,
               _: Translate = gettext) -> bytes:
    """The report dict (already cut by the disclosure rule) as PDF bytes, in the
    current staff locale. Needs an app context (templates, Babel)."""
    # WeasyPrint (Pango, fontTools) is loaded on the first PDF, not at start-up.
    from weasyprint import CSS, HTML, URLFetcher

    html = render_template("reports/document.html", view=build_view(report, registry, _),
                           title=title)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))],
        pdf_variant="pdf/ua-1",
    )


def write_pdf(report: dict[str, Any], path: Path, registry: Registry, title: str) -> None:
    path.write_bytes(render_pdf(report, registry, title))
