"""The report as a PDF: the web page's report template, printed by WeasyPrint.

One template, two media: reports/document.html includes the same reports/_report.html
as the web page, with the print stylesheet (static/report-print.css: A4, page numbers).
The appendix of figures per group (on the web page folded away) is printed only when
asked for: most boards read the summary and the tables, and the appendix was 11 of 19
pages of the demo's report. The file is tagged PDF/UA-1 (structure tree, document language
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

PDF_VARIANT = "pdf/ua-1"
STYLESHEET = Path(__file__).resolve().parent.parent / "static" / "report-print.css"


def render_pdf(report: dict[str, Any], registry: Registry, title: str,
               _: Translate = gettext, appendix: bool = False) -> bytes:
    """The report dict as PDF bytes, in the current staff locale. Needs an app context
    (templates, Babel). Its layout is measured on these bytes
    (tests/test_report_pdf_layout.py)."""
    # WeasyPrint (Pango, fontTools) is loaded on the first PDF, not at start-up.
    from weasyprint import CSS, HTML, URLFetcher

    html = render_template("reports/document.html", view=build_view(report, registry, _),
                           title=title, appendix=appendix)
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET.read_text(encoding="utf-8"))],
        pdf_variant=PDF_VARIANT,
    )


def write_pdf(report: dict[str, Any], path: Path, registry: Registry, title: str,
              appendix: bool = False) -> None:
    path.write_bytes(render_pdf(report, registry, title, appendix=appendix))
