"""The report as flat tables (header + rows), shared by Excel, CSV, the web page and PDF.

Hidden cells become "–" (and only they: a figure that does not exist stays None, which
the renderers write as "inga svar") and hidden totals "färre än 5" here, so every output
hides exactly what the JSON hides. Builders take the caller's gettext (analysis/i18n.py).
The report holds aggregates only: per-person data is the separate, audited Dataexport
(survey/reports/dataexport.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from .change import MIN_CHANGES_FOR_TEST, change_sentence
from .i18n import N_, Translate, named, untranslated
from .instruments import heading, notes
from .labels import (
    BREAKDOWN_NAMES,
    SUPPRESSED_MARK,
    fewer,
    group_name,
    item_name,
    occasion_name,
)
from .numbers import SWEDISH, Numbers
from .suppression import is_suppressed, left_out_note
from .targets import target_name, target_sentence

VERDICT_NAMES = {"met": N_("Uppnått"), "met_uncertain": N_("Uppnått, men osäkert"),
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


def suppression_note(report: dict[str, Any], _: Translate = untranslated) -> str:
    return _(
        "%(mark)s = dold: färre än %(n)s personer, eller dold för att ingen annan dold siffra "
        "ska kunna räknas fram ur de andra (så att ingen kan identifieras)"
    ) % {"mark": SUPPRESSED_MARK, "n": report["selection"]["min_group"]}


def left_out_notes(report: dict[str, Any], _: Translate = untranslated) -> list[str]:
    if not report.get("left_out"):
        return []
    return [left_out_note(report["selection"]["min_group"], _)]


def shown(value: Any) -> Cell:
    """A figure as published: the mark when the disclosure rule hides it."""
    return SUPPRESSED_MARK if is_suppressed(value) else value


def _hidden_total(report: dict[str, Any], width: int, where: int,
                  _: Translate = untranslated) -> list[Cell]:
    """`width` cells of a hidden total: "färre än 5" at `where`, the mark elsewhere."""
    cells: list[Cell] = [SUPPRESSED_MARK] * width
    cells[where] = fewer(report["selection"]["min_group"], _)
    return cells


def answers_at(value: Any, _: Translate = untranslated) -> Cell:
    """A count of answers at an occasion: None there means the questionnaire is not
    asked then (not that nobody answered)."""
    return _("frågas inte") if value is None else shown(value)


def total_cell(report: dict[str, Any], value: Any, _: Translate = untranslated) -> Cell:
    return fewer(report["selection"]["min_group"], _) if is_suppressed(value) else value


def _c(*spec: tuple[str, str]) -> list[Column]:
    return [Column(title, kind) for title, kind in spec]


def selection_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    s = report["selection"]
    table = Table(_("Urval"), _("Urval"), _c((_("Uppgift"), "text"), (_("Värde"), "text")),
                  notes=left_out_notes(report, _), place="appendix")
    table.rows = [
        [_("Rubrik"), report.get("title") or _("Stegvis – uppföljning")],
        [_("Period från"), s["from"] or _("(början)")],
        [_("Period till"), s["to"] or _("(idag)")],
        [_("Insatser"), ", ".join(s["insatser"]) or _("alla")],
        [_("Ort"), s["site"] or _("alla")],
        [_("Minsta grupp som visas"), s["min_group"]],
        [_("Minsta antal svar för att bedöma ett mål"), s["min_answers"]],
        [_("Personer"), total_cell(report, report["people"], _)],
        [_("Inskrivningar"), shown(report["enrolments"])],
        [_("Frågeformulär"), "; ".join(heading(report, i, _) for i in report["versions"])],
    ]
    table.rows += [[_("Om frågeformuläret"), note] for note in notes(report, _)]
    for insats, counts in report["by_insats"].items():
        pair = (SUPPRESSED_MARK if is_suppressed(counts)
                else f"{counts['people']} / {counts['enrolments']}")  # fmt: skip
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
           (_("Svar (n)"), "int"), (_("Vet inte"), "int"), (_("Andel"), "percent"),
           (_("95 % KI låg"), "percent"), (_("95 % KI hög"), "percent"),
           (_("Bedömning"), "text"), (_("Sammanfattning"), "text")),
        notes=[_("Uppnått, men osäkert: andelen når målet, men osäkerhetsintervallets nedre "
                 "gräns gör det inte.")],
        place="appendix",
    )  # fmt: skip
    m = report["selection"]["min_group"]
    for t in report["targets"]:
        low, high = t["ci95"] or (None, None)
        table.rows.append(
            [t["insats"] or _("Alla"), heading(report, t["questionnaire"], _), target_name(
             {**t, "insats": None}, _), occasion_name(t["occasion"], _), t["threshold"],
             shown(t["positive"]), total_cell(report, t["n"], _),
             "" if t["dont_know"] is None else shown(t["dont_know"]), t["share"], low, high,
             named(_, VERDICT_NAMES[t["verdict"]]), target_sentence(t, m, _, numbers)]
        )  # fmt: skip
    return table


def _indicator_blocks(report: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for ident, occasions in report["indicators_by_version"].items():
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
        notes=[suppression_note(report, _)],
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        head: list[Cell] = [heading(report, ident, _), occasion_name(occasion, _),
                            item_name(item, _)]
        if is_suppressed(cell):
            table.rows.append([*head, *_hidden_total(report, 6, 1, _)])
            continue
        low, high = cell["ci95"] or (None, None)
        table.rows.append(
            [*head, cell["positive"], cell["n"], cell["dont_know"], cell["share"], low, high]
        )  # fmt: skip
    return table


def _share_columns(cell: dict[str, Any]) -> list[Cell]:
    if is_suppressed(cell):
        return [SUPPRESSED_MARK] * 5
    low, high = cell["ci95"] or (None, None)
    return [cell["positive"], cell["n"], cell["share"], low, high]


def breakdown_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Indikatorer per grupp"),
        _("Andel positiva svar per grupp"),
        _c((_("Frågeformulär"), "text"), (_("Tillfälle"), "text"), (_("Fråga"), "text"),
           (_("Uppdelning"), "text"), (_("Grupp"), "text"), (_("Positiva"), "int"),
           (_("Svar (n)"), "int"), (_("Andel"), "percent"), (_("95 % KI låg"), "percent"),
           (_("95 % KI hög"), "percent")),
        notes=[suppression_note(report, _)],
        place="appendix",
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        if is_suppressed(cell):
            continue
        for breakdown, title in BREAKDOWN_NAMES.items():
            for group, sub in cell.get(breakdown, {}).items():
                table.rows.append(
                    [heading(report, ident, _), occasion_name(occasion, _), item_name(item, _),
                     _(title), group_name(group, _), *_share_columns(sub)]
                )  # fmt: skip
    return table


def change_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """What a board reads about change: how many improved, stayed, got worse, and the
    test. The medians and the effect size are in `change_detail_table` (appendix)."""
    m = report["selection"]["min_group"]
    table = Table(
        _("Förändring"),
        _("Självskattning: förändring från start till avslut (samma person)"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Par"), "int"),
           (_("Förbättrade"), "int"), (_("Förbättrade minst 2 steg"), "int"),
           (_("Oförändrade"), "int"), (_("Försämrade"), "int"),
           (_("Andel förbättrade"), "percent"), (_("Andel förbättrade minst 2 steg"), "percent"),
           (_("p-värde"), "p")),
        notes=[
            *(change_sentence(report["change_coverage"].get(ident), m, _)
              for ident in report["change_by_version"]),
            _("p-värde: Wilcoxons teckenrangtest, tvåsidigt; visas bara när minst %(n)s "
              "personer har ändrat sig (annars kan testet inte visa något).")
            % {"n": MIN_CHANGES_FOR_TEST},
        ],
    )  # fmt: skip
    for ident, dimension, c in _change_rows(report):
        head: list[Cell] = [heading(report, ident, _), item_name(dimension, _)]
        if is_suppressed(c):
            table.rows.append([*head, *_hidden_total(report, 8, 0, _)])
            continue
        table.rows.append([*head, c["pairs"], c["improved"], c["improved_2"], c["same"],
                           c["worse"], c["share_improved"], c["share_improved_2"],
                           c["p_value"]])  # fmt: skip
    return table


def change_detail_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """The change's medians, mean and effect size, for readers who want them."""
    table = Table(
        _("Förändring, detaljer"),
        _("Självskattning: medianer, medelförändring och effektstorlek"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Par"), "int"),
           (_("Median start"), "decimal"), (_("Median avslut"), "decimal"),
           (_("Medelförändring"), "decimal"), (_("Effektstorlek r"), "effect")),
        notes=[_("Effektstorlek r: rangbiserial korrelation för parade data (−1 till 1).")],
        place="appendix",
    )  # fmt: skip
    for ident, dimension, c in _change_rows(report):
        head: list[Cell] = [heading(report, ident, _), item_name(dimension, _)]
        if is_suppressed(c):
            table.rows.append([*head, *_hidden_total(report, 5, 0, _)])
            continue
        table.rows.append([*head, c["pairs"], c["median_start"], c["median_end"],
                           c["mean_difference"], c["rank_biserial"]])  # fmt: skip
    return table


def _change_rows(report: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for ident, dimensions in report["change_by_version"].items():
        for dimension, cell in dimensions.items():
            yield ident, dimension, cell


def change_by_gender_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Förändring per kön"),
        _("Självskattning: andel förbättrade per kön"),
        _c((_("Frågeformulär"), "text"), (_("Område"), "text"), (_("Kön"), "text"),
           (_("Par"), "int"), (_("Förbättrade"), "int"), (_("Andel förbättrade"), "percent")),
        notes=[suppression_note(report, _)],
        place="appendix",
    )  # fmt: skip
    for ident, dimensions in report["change_by_version"].items():
        for dimension, c in dimensions.items():
            if is_suppressed(c):
                continue
            for gender, sub in c["by_gender"].items():
                values: list[Cell] = (
                    [SUPPRESSED_MARK] * 3
                    if is_suppressed(sub)
                    else [sub["pairs"], sub["improved"], sub["share_improved"]]
                )
                table.rows.append([heading(report, ident, _), item_name(dimension, _),
                                   group_name(gender, _), *values])
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
