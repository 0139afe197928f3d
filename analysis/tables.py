"""The report as flat tables (header + rows), shared by the Excel file and the web page.

Hidden cells become "–" and hidden totals "färre än 5" here, so both outputs hide exactly
what the JSON hides. The report holds aggregates only: per-person data is the separate,
audited Dataexport (survey/reports/dataexport.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .instruments import heading, notes
from .labels import (
    BREAKDOWN_NAMES,
    OCCASION_NAMES,
    REASON_NAMES,
    SUPPRESSED_MARK,
    fewer,
    group_name,
    item_name,
    outcome_name,
)
from .missing import REASONS
from .suppression import is_suppressed

VERDICT_NAMES = {"met": "Uppnått", "not_met": "Inte uppnått", "too_few": "För få svar"}

Cell = str | int | float | None


@dataclass
class Column:
    title: str
    # text | int | percent | decimal | p
    kind: str = "text"


@dataclass
class Table:
    name: str  # also the Excel sheet name: at most 31 characters
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def suppression_note(report: dict[str, Any]) -> str:
    n = report["selection"]["min_group"]
    return (
        f"{SUPPRESSED_MARK} döljs: färre än {n} personer, eller så många fler att ingen dold "
        "siffra kan räknas fram ur de andra (så att ingen kan identifieras)"
    )


def left_out_notes(report: dict[str, Any]) -> list[str]:
    return [report["left_out"]] if report.get("left_out") else []


def _show(value: Any) -> Cell:
    """A figure as published: the mark when the disclosure rule hides it."""
    return SUPPRESSED_MARK if is_suppressed(value) else value


def _hidden_total(report: dict[str, Any], width: int, where: int) -> list[Cell]:
    """`width` cells of a hidden total: "färre än 5" at `where`, the mark elsewhere."""
    cells: list[Cell] = [SUPPRESSED_MARK] * width
    cells[where] = fewer(report["selection"]["min_group"])
    return cells


def _count(report: dict[str, Any], value: Any) -> Cell:
    return fewer(report["selection"]["min_group"]) if is_suppressed(value) else value


def _c(*spec: tuple[str, str]) -> list[Column]:
    return [Column(title, kind) for title, kind in spec]


def selection_table(report: dict[str, Any]) -> Table:
    s = report["selection"]
    table = Table("Urval", "Urval", _c(("Uppgift", "text"), ("Värde", "text")),
                  notes=left_out_notes(report))
    table.rows = [
        ["Rubrik", report.get("title") or "Stegvis – uppföljning"],
        ["Period från", s["from"] or "(början)"],
        ["Period till", s["to"] or "(idag)"],
        ["Insatser", ", ".join(s["insatser"]) or "alla"],
        ["Ort", s["site"] or "alla"],
        ["Minsta grupp som visas", s["min_group"]],
        ["Minsta antal svar för att bedöma ett mål", s["min_answers"]],
        ["Personer", _count(report, report["people"])],
        ["Inskrivningar", _show(report["enrolments"])],
        ["Frågeformulär", "; ".join(heading(report, i) for i in report["versions"])],
    ]
    table.rows += [["Om frågeformuläret", note] for note in notes(report)]
    for insats, counts in report["by_insats"].items():
        shown = (SUPPRESSED_MARK if is_suppressed(counts)
                 else f"{counts['people']} / {counts['enrolments']}")  # fmt: skip
        table.rows.append([f"{insats}: personer / inskrivningar", shown])
    return table


def targets_table(report: dict[str, Any]) -> Table:
    table = Table(
        "Mål",
        "Mål",
        _c(("Frågeformulär", "text"), ("Fråga", "text"), ("Tillfälle", "text"),
           ("Mål", "percent"), ("Positiva", "int"), ("Svar (n)", "int"), ("Andel", "percent"),
           ("95 % KI låg", "percent"), ("95 % KI hög", "percent"), ("Bedömning", "text"),
           ("Uppnått även vid nedre gränsen", "text"), ("Sammanfattning", "text")),
    )  # fmt: skip
    for t in report["targets"]:
        low, high = t["ci95"] or (None, None)
        lower = {True: "ja", False: "nej", None: ""}[t["met_at_lower_bound"]]
        table.rows.append(
            [heading(report, t["questionnaire"]), item_name(t["item"]),
             OCCASION_NAMES[t["occasion"]], t["threshold"], _show(t["positive"]),
             _count(report, t["n"]), t["share"], low, high,
             VERDICT_NAMES[t["verdict"]], lower, t["summary"]]
        )  # fmt: skip
    return table


def _indicator_blocks(report: dict[str, Any]) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            for item, cell in items.items():
                yield ident, occasion, item, cell


def indicator_table(report: dict[str, Any]) -> Table:
    table = Table(
        "Indikatorer",
        "Andel positiva svar per fråga",
        _c(("Frågeformulär", "text"), ("Tillfälle", "text"), ("Fråga", "text"),
           ("Fråge-id", "text"), ("Positiva", "int"), ("Svar (n)", "int"), ("Vet inte", "int"),
           ("Andel", "percent"), ("95 % KI låg", "percent"), ("95 % KI hög", "percent"),
           ("Fördelning", "text")),
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        head: list[Cell] = [heading(report, ident), OCCASION_NAMES[occasion], item_name(item), item]
        if is_suppressed(cell):
            table.rows.append([*head, *_hidden_total(report, 7, 1)])
            continue
        low, high = cell["ci95"] or (None, None)
        spread = ", ".join(f"{v}: {c}" for v, c in cell["distribution"].items())
        table.rows.append(
            [*head, cell["positive"], cell["n"], cell["dont_know"], cell["share"], low, high,
             spread]
        )  # fmt: skip
    return table


def _share_columns(cell: dict[str, Any]) -> list[Cell]:
    if is_suppressed(cell):
        return [SUPPRESSED_MARK] * 5
    low, high = cell["ci95"] or (None, None)
    return [cell["positive"], cell["n"], cell["share"], low, high]


def breakdown_table(report: dict[str, Any]) -> Table:
    table = Table(
        "Indikatorer per grupp",
        "Andel positiva svar per grupp",
        _c(("Frågeformulär", "text"), ("Tillfälle", "text"), ("Fråga", "text"),
           ("Uppdelning", "text"), ("Grupp", "text"), ("Positiva", "int"), ("Svar (n)", "int"),
           ("Andel", "percent"), ("95 % KI låg", "percent"), ("95 % KI hög", "percent")),
        notes=[suppression_note(report)],
    )  # fmt: skip
    for ident, occasion, item, cell in _indicator_blocks(report):
        if is_suppressed(cell):
            continue
        for breakdown, title in BREAKDOWN_NAMES.items():
            for group, sub in cell.get(breakdown, {}).items():
                table.rows.append(
                    [heading(report, ident), OCCASION_NAMES[occasion], item_name(item), title,
                     group_name(group), *_share_columns(sub)]
                )  # fmt: skip
    return table


def change_table(report: dict[str, Any]) -> Table:
    table = Table(
        "Förändring",
        "Självskattning: förändring från start till avslut (samma person)",
        _c(("Frågeformulär", "text"), ("Område", "text"), ("Par", "int"),
           ("Förbättrade", "int"), ("Oförändrade", "int"), ("Försämrade", "int"),
           ("Andel förbättrade", "percent"), ("Median start", "decimal"),
           ("Median avslut", "decimal"), ("Medelförändring", "decimal"), ("p-värde", "p"),
           ("Effektstorlek r", "decimal")),
        notes=[
            "p-värde: Wilcoxons teckenrangtest, tvåsidigt; visas inte vid färre än 6 par.",
            "Effektstorlek r: rangbiserial korrelation för parade data (−1 till 1).",
        ],
    )  # fmt: skip
    for ident, dimensions in report["change_by_version"].items():
        for dimension, c in dimensions.items():
            if is_suppressed(c):
                table.rows.append([heading(report, ident), item_name(dimension),
                                   *_hidden_total(report, 10, 0)])
                continue
            table.rows.append(
                [heading(report, ident), item_name(dimension), c["pairs"], c["improved"],
                 c["same"], c["worse"], c["share_improved"], c["median_start"], c["median_end"],
                 c["mean_difference"],
                 c["p_value"], c["rank_biserial"]]
            )  # fmt: skip
    return table


def change_by_gender_table(report: dict[str, Any]) -> Table:
    table = Table(
        "Förändring per kön",
        "Självskattning: andel förbättrade per kön",
        _c(("Frågeformulär", "text"), ("Område", "text"), ("Kön", "text"), ("Par", "int"),
           ("Förbättrade", "int"), ("Andel förbättrade", "percent")),
        notes=[suppression_note(report)],
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
                table.rows.append([heading(report, ident), item_name(dimension),
                                   group_name(gender), *values])
    return table


def missing_table(report: dict[str, Any]) -> Table:
    missing = report["missing"]
    table = Table(
        "Bortfall",
        "Vilka saknas",
        _c(("Frågeformulär", "text"), ("Inskrivna", "int"), ("Svar vid start", "int"),
           ("Svar pågående", "int"), ("Svar vid avslut", "int"), ("Par start–avslut", "int"),
           ("Utan avslutssvar", "int"),
           *((REASON_NAMES[r], "int") for r in REASONS)),
        notes=[missing["note"]] if missing["note"] else [],
    )  # fmt: skip
    for key, m in missing["by_questionnaire"].items():
        if is_suppressed(m):
            table.rows.append([key, *_hidden_total(report, 6 + len(REASONS), 0)])
            continue
        table.rows.append(
            [key, m["enrolled"], *(_show(m[f]) for f in ("with_start", "with_pagaende",
             "with_avslut", "paired", "without_avslut")),
             *(_show(m["reasons"][r]) for r in REASONS)]
        )  # fmt: skip
    return table


def outcome_table(report: dict[str, Any]) -> Table:
    outcomes = report["exit_outcomes"]
    if not outcomes["available"]:
        return Table("Avslutsorsaker", "Avslutsorsaker", _c(("Uppgift", "text")),
                     [[outcomes["note"]]])  # fmt: skip
    genders = list(outcomes["by_gender"])
    table = Table(
        "Avslutsorsaker",
        f"Avslutsorsaker ({_count(report, outcomes['ended'])} avslutade inskrivningar)",
        _c(("Avslutsorsak", "text"), ("Antal", "int"), ("Andel", "percent"),
           *((group_name(g), "int") for g in genders)),
        notes=[suppression_note(report)],
    )  # fmt: skip
    for key, cell in outcomes["outcomes"].items():
        per_gender = [outcome_by_gender(outcomes, g, key) for g in genders]
        table.rows.append([outcome_name(key), *_outcome_count(cell), *per_gender])
    table.rows.append(["Arbete eller studier", *_outcome_count(outcomes["work_or_studies"]),
                       *[""] * len(genders)])  # fmt: skip
    return table


def _outcome_count(cell: dict[str, Any]) -> list[Cell]:
    return [SUPPRESSED_MARK] * 2 if is_suppressed(cell) else [cell["count"], cell["share"]]


def outcome_by_gender(outcomes: dict[str, Any], gender: str, key: str) -> Cell:
    """One gender's count of one exit outcome, or the mark."""
    sub = outcomes["by_gender"][gender]
    return SUPPRESSED_MARK if is_suppressed(sub) else _show(sub["outcomes"][key])


def all_tables(report: dict[str, Any]) -> list[Table]:
    # Imported here: board_tables builds on this module's Table.
    from .board_tables import board_tables

    return [
        selection_table(report),
        targets_table(report),
        indicator_table(report),
        breakdown_table(report),
        change_table(report),
        change_by_gender_table(report),
        missing_table(report),
        outcome_table(report),
        *board_tables(report),
    ]
