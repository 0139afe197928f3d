"""What the report template shows: the published report dict in the staff user's language.

One context for both media: the web page (reports/report.html) and the PDF
(reports/document.html, printed by document.py) include the same reports/_report.html
with it. Words come from `analysis` through Flask-Babel's gettext, numbers through
Babel in the staff locale; nothing here computes a figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import get_locale, gettext

from analysis.figures.targets import target_sentence
from analysis.i18n import Translate, named
from analysis.instruments import heading, key_name, notes
from analysis.labels import method_note, occasion_name
from analysis.numbers import Numbers
from analysis.tables import VERDICT_NAMES, Table, all_tables, answers_at
from questionnaires import Registry

# One mark per verdict, beside its word (never the mark alone: colour and symbol both
# repeat what the word says).
VERDICT_MARKS = {"met": "✓", "met_uncertain": "✓", "not_met_uncertain": "✗", "not_met": "✗",
                 "too_few": "?"}


@dataclass
class Chart:
    title: str
    src: str
    alt: str


@dataclass
class ReportView:
    report: dict[str, Any]
    numbers: Numbers
    lang: str
    targets: list[dict[str, Any]]
    tables: list[Table]
    charts: list[Chart]
    answered: list[dict[str, Any]]
    # Page one's notes (how the figures protect people, what a CSV cannot tell) and, at
    # the end, whose questions these are.
    notes: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)

    def place(self, where: str) -> list[Table]:
        return [table for table in self.tables if table.place == where]


def staff_numbers() -> Numbers:
    """Numbers as the staff user's language writes them ("90 %" or "90%")."""
    return Numbers(str(get_locale() or "sv"))


def named_for_reader(report: dict[str, Any], locale: str) -> dict[str, Any]:
    """The report with each questionnaire under the name a reader of `locale` knows: its
    English name (the file's `name_en`) for a non-Swedish reader, when it has one."""
    if locale == "sv":
        return report
    return {**report, "questionnaires": {
        ident: {**about, "name": about.get("name_en") or about["name"]}
        for ident, about in report.get("questionnaires", {}).items()}}


def build_view(report: dict[str, Any], registry: Registry,
               _: Translate = gettext) -> ReportView:
    numbers = staff_numbers()
    report = named_for_reader(report, numbers.locale)
    targets = [
        {**t, "mark": VERDICT_MARKS.get(t["verdict"], ""),
         # The page groups targets by insats; a förbund-wide target has none.
         "insats": t["insats"] or "",
         "verdict_name": named(_, VERDICT_NAMES[t["verdict"]]),
         # Under its insats's heading: the sentence need not name the insats again.
         "sentence": target_sentence({**t, "insats": None}, _, numbers),
         "questionnaire_name": heading(report, t["questionnaire"], _)}
        for t in report["targets"]
    ]
    texts = [method_note(_)]
    if report["missing"]["note"]:
        texts.append(named(_, report["missing"]["note"]))
    return ReportView(
        report=report, numbers=numbers, lang=numbers.locale, targets=targets,
        tables=all_tables(report, _, numbers), charts=charts(report, registry, _, numbers),
        answered=answered(report, _),
        notes=texts, about=notes(report, _),
    )


def charts(report: dict[str, Any], registry: Registry, _: Translate,
           numbers: Numbers) -> list[Chart]:
    # Matplotlib is imported on the first report, not at start-up: every worker that only
    # serves participants stays small.
    from analysis import charts as draw

    out = []
    for ident, occasions in report["indicators"].items():
        for occasion, items in occasions.items():
            if any(cell["share"] is not None for cell in items.values()):
                title = _("%(questionnaire)s, %(occasion)s") % {
                    "questionnaire": heading(report, ident, _),
                    "occasion": occasion_name(occasion, _).lower()}
                out.append(Chart(title, draw.data_uri(draw.indicator_chart(
                    items, registry, ident, _, numbers)), draw.indicator_alt(items, _, numbers)))
    for ident, dims in report["change"].items():
        if any(cell["share_improved"] is not None for cell in dims.values()):
            title = _("%(questionnaire)s: förändring från start till avslut") % {
                "questionnaire": heading(report, ident, _)}
            out.append(Chart(title, draw.data_uri(draw.change_chart(dims, _, numbers)),
                             draw.change_alt(dims, _, numbers)))
    return out


def answered(report: dict[str, Any], _: Translate) -> list[dict[str, Any]]:
    """Per questionnaire: enrolled and how many answered at each occasion, for page one."""
    out = []
    for key, cell in report["missing"]["by_questionnaire"].items():
        out.append({"name": key_name(report, key), "enrolled": cell["enrolled"],
                    **{f: answers_at(cell[f], _)
                       for f in ("with_start", "with_pagaende", "with_avslut", "paired")}})
    return out
