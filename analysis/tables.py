"""The report as flat tables (header + rows), shared by Excel, CSV, the web page and PDF.

Every count is shown as published; a share whose published base is under 5 is the text
"färre än 5 svar" (`share`), and a figure that does not exist stays None, which the
renderers write as "inga svar". Builders take the caller's gettext (analysis/i18n.py).
The report holds aggregates only: per-person data is the separate, audited Dataexport
(survey/reports/dataexport.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .figures.change import MIN_CHANGES_FOR_TEST, change_sentence
from .figures.targets import base_name, target_name, target_sentence
from .i18n import N_, Translate, named, untranslated
from .instruments import heading, notes
from .labels import (
    BREAKDOWN_NAMES,
    few_answers,
    group_name,
    item_name,
    method_note,
    occasion_name,
)
from .numbers import SWEDISH, Numbers

VERDICT_NAMES = {"met": N_("Uppnått"), "met_uncertain": N_("Uppnått, men osäkert"),
                 "not_met_uncertain": N_("Inte uppnått, men osäkert"),
                 "not_met": N_("Inte uppnått"), "too_few": N_("För få svar")}

Cell = str | int | float | None


@dataclass
class Column:
    title: str
    # text | int | percent | decimal | p | effect (an effect size: like p, None means
    # too few changed pairs to compute it)
    kind: str = "text"


@dataclass
class Table:
    name: str  # also the Excel sheet name: at most 31 characters
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Where the web page and the PDF show it: "summary" (page one, what a board reads),
    # "body", or "appendix" (details and figures per group: folded away on the web page,
    # printed after the body in the PDF).
    place: str = "body"


def share(cell: dict[str, Any], key: str = "share", _: Translate = untranslated,
          few: Callable[[Translate], str] = few_answers) -> Cell:
    """A share as shown: "färre än 5 svar" (`few`) when its published base is too small."""
    return few(_) if cell.get("few") else cell[key]


def interval(cell: dict[str, Any]) -> list[Cell]:
    """The two ends of a share's 95 % interval ("" when it has none)."""
    low, high = cell.get("ci95") or ("", "")
    return [low, high]


def answers_at(value: Any, _: Translate = untranslated) -> Cell:
    """A count of answers at an occasion: None there means the questionnaire is not
    asked then (not that nobody answered)."""
    return _("frågas inte") if value is None else value


def _c(*spec: tuple[str, str]) -> list[Column]:
    return [Column(title, kind) for title, kind in spec]


def selection_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    s = report["selection"]
    table = Table(_("Urval"), _("Urval"), _c((_("Uppgift"), "text"), (_("Värde"), "text")),
                  notes=[method_note(_)], place="appendix")
    table.rows = [
        [_("Rubrik"), report.get("title") or _("Stegvis – uppföljning")],
        [_("Period från"), s["from"] or _("(början)")],
        [_("Period till"), s["to"] or _("(idag)")],
        [_("Insatser"), ", ".join(s["insatser"]) or _("alla")],
        [_("Ort"), s["site"] or _("alla")],
        [_("Minsta antal svar för att bedöma ett mål"), s["min_answers"]],
        [_("Personer"), report["people"]],
        [_("Inskrivningar"), report["enrolments"]],
        [_("Frågeformulär"), "; ".join(heading(report, i, _) for i in report["versions"])],
    ]
    table.rows += [[_("Om frågeformuläret"), note] for note in notes(report, _)]
    for insats, counts in report["by_insats"].items():
        pair = f"{counts['people']} / {counts['enrolments']}"
        table.rows.append([_("%(insats)s: personer / inskrivningar") % {"insats": insats},
                           pair])
    return table


def targets_table(report: dict[str, Any], _: Translate = untranslated,
                  numbers: Numbers = SWEDISH) -> Table:
    """One row per insats and target: each checked on that insats's own participants."""
    table = Table(
        _("Mål"),
        _("Mål"),
        _c((_("Insats"), "text"), (_("Frågeformulär"), "text"), (_("Fråga"), "text"),
           (_("Tillfälle"), "text"), (_("Mål"), "percent"), (_("Positiva"), "int"),
           (_("Bas (n)"), "int"), (_("Bas"), "text"), (_("Vet inte eller okänt"), "int"),
           (_("Andel"), "percent"),
           (_("95 % KI låg"), "percent"), (_("95 % KI hög"), "percent"),
           (_("Bedömning"), "text"), (_("Sammanfattning"), "text")),
        notes=[_("Uppnått, men osäkert: andelen når målet, men osäkerhetsintervallets nedre "
                 "gräns gör det inte. Inte uppnått, men osäkert: andelen når inte målet, men "
                 "osäkerhetsintervallets övre gräns gör det."),
               _("Bas: vilka andelen räknas av. Vet inte eller okänt: de som svarade vet "
                 "inte, eller vars utfall inte är känt; de ingår i basen när den säger "
                 "”också”.")],
        place="appendix",
    )  # fmt: skip
    for t in report["targets"]:
        table.rows.append(
            [t["insats"] or _("Alla"), heading(report, t["questionnaire"], _), target_name(
             {**t, "insats": None}, _), occasion_name(t["occasion"], _), t["threshold"],
             t["positive"], t["n"], capitalised(base_name(t, _)),
             "" if t["dont_know"] is None else t["dont_know"],
             share(t, _=_), *interval(t), named(_, VERDICT_NAMES[t["verdict"]]),
             target_sentence(t, _, numbers)]
        )  # fmt: skip
    return table


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _indicator_blocks(report: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for ident, occasions in report["indicators"].items():
        for occasion, items in occasions.items():
            for item, cell in items.items():
                yield ident, occasion, item, cell


def indicator_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Indikatorer"),
        _("Andel positiva svar per fråga"),
        _c((_("Frågeformulär"), "text"), (_("Tillfälle"), "text"), (_("Fråga"), "text"),
           (_("Positiva"), "int"), (_("Svar (n)"), "int"), (_("Vet inte"), "int"),
           (_("Andel"), "percent"), (_("95 % KI låg"), "percent"),
           (_("95 % KI hög"), "percent")),
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        table.rows.append([heading(report, ident, _), occasion_name(occasion, _),
                           item_name(item, _), cell["positive"], cell["n"], cell["dont_know"],
                           share(cell, _=_), *interval(cell)])  # fmt: skip
    return table


def _share_columns(cell: dict[str, Any], _: Translate) -> list[Cell]:
    return [cell["positive"], cell["n"], share(cell, _=_), *interval(cell)]


def breakdown_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Indikatorer per grupp"),
        _("Andel positiva svar per grupp"),
        _c((_("Frågeformulär"), "text"), (_("Tillfälle"), "text"), (_("Fråga"), "text"),
           (_("Uppdelning"), "text"), (_("Grupp"), "text"), (_("Positiva"), "int"),
           (_("Svar (n)"), "int"), (_("Andel"), "percent"), (_("95 % KI låg"), "percent"),
           (_("95 % KI hög"), "percent")),
        place="appendix",
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        for breakdown, title in BREAKDOWN_NAMES.items():
            for group, sub in cell.get(breakdown, {}).items():
                table.rows.append(
                    [heading(report, ident, _), occasion_name(occasion, _), item_name(item, _),
                     _(title), group_name(group, _), *_share_columns(sub, _)]
                )  # fmt: skip
    return table


def change_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """What a board reads about change: how many improved, stayed, got worse, and the
    test. The medians and the effect size are in `change_detail_table` (appendix)."""
    table = Table(
        _("Förändring"),
        _("Självskattning: förändring från start till avslut (samma person)"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Par"), "int"),
           (_("Förbättrade"), "int"), (_("Förbättrade minst 2 steg"), "int"),
           (_("Oförändrade"), "int"), (_("Försämrade"), "int"),
           (_("Andel förbättrade"), "percent"), (_("Andel förbättrade minst 2 steg"), "percent"),
           (_("p-värde"), "p")),
        notes=[
            *(change_sentence(report["change_coverage"].get(ident), _)
              for ident in report["change"]),
            _("p-värde: teckentest, tvåsidigt, på de publicerade antalen förbättrade och "
              "försämrade; visas bara när minst %(n)s har ändrat sig (annars kan testet inte "
              "visa något).") % {"n": MIN_CHANGES_FOR_TEST},
        ],
    )  # fmt: skip
    for ident, dimension, c in _change_rows(report):
        table.rows.append([heading(report, ident, _), item_name(dimension, _), c["pairs"],
                           c["improved"], c["improved_2"], c["same"], c["worse"],
                           share(c, "share_improved", _), share(c, "share_improved_2", _),
                           c["p_value"]])  # fmt: skip
    return table


def change_detail_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """The change's medians and means, for readers who want them."""
    table = Table(
        _("Förändring, detaljer"),
        _("Självskattning: medianer och medelvärden"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Par"), "int"),
           (_("Median start"), "decimal"), (_("Median avslut"), "decimal"),
           (_("Medel start"), "decimal"), (_("Medel avslut"), "decimal"),
           (_("Medelförändring"), "decimal")),
        notes=[_("Medianer och medelvärden räknas på de publicerade fördelningarna vid start "
                 "och vid avslut.")],
        place="appendix",
    )  # fmt: skip
    for ident, dimension, c in _change_rows(report):
        stats = [c[f] for f in ("median_start", "median_end", "mean_start", "mean_end",
                                "mean_difference")]
        table.rows.append([heading(report, ident, _), item_name(dimension, _), c["pairs"],
                           *(few_answers(_) if c["few"] else value for value in stats)])
    return table


def _change_rows(report: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for ident, dimensions in report["change"].items():
        for dimension, cell in dimensions.items():
            yield ident, dimension, cell


def change_by_gender_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Förändring per kön"),
        _("Självskattning: andel förbättrade per kön"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Kön"), "text"),
           (_("Par"), "int"), (_("Förbättrade"), "int"), (_("Andel förbättrade"), "percent")),
        place="appendix",
    )  # fmt: skip
    for ident, dimension, c in _change_rows(report):
        for gender, sub in c["by_gender"].items():
            table.rows.append([heading(report, ident, _), item_name(dimension, _),
                               group_name(gender, _), sub["pairs"], sub["improved"],
                               few_answers(_) if sub["share_improved"] is None
                               else sub["share_improved"]])  # fmt: skip
    return table


def all_tables(report: dict[str, Any], _: Translate = untranslated,
               numbers: Numbers = SWEDISH) -> list[Table]:
    """Every table; `numbers` formats the numbers inside sentences (the target summary)."""
    # Imported here: board_tables builds on this module's Table.
    from .board_tables import board_tables

    return [
        builder(report, _)
        for builder in (selection_table, partial(targets_table, numbers=numbers),
                        indicator_table, breakdown_table,
                        change_table, change_detail_table, change_by_gender_table)
    ] + board_tables(report, _)
