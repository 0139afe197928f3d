"""A short Swedish text summary of a report, for the terminal."""

from __future__ import annotations

from typing import Any

from .change import change_sentence, different_groups_note
from .instruments import heading, key_name, notes
from .labels import OCCASION_NAMES, REASON_NAMES, fewer, item_name, outcome_name, percent
from .suppression import is_suppressed


def summary(report: dict[str, Any]) -> str:
    """The report in lines: selection, targets, indicators, change, missing, outcomes."""
    lines: list[str] = []
    for part in (_header, _targets, _indicators, _change, _missing, _outcomes):
        lines += part(report)
    return "\n".join(lines)


def _count(value: Any) -> Any:
    """A published count, or the mark when the disclosure rule hides it."""
    return "–" if is_suppressed(value) else value


def _total(report: dict[str, Any], value: Any) -> Any:
    """A total: a hidden one is below min_group, so it may say so."""
    return fewer(report["selection"]["min_group"]) if is_suppressed(value) else value


def _header(report: dict[str, Any]) -> list[str]:
    selection = report["selection"]
    lines = ["Stegvis – uppföljning"]
    period = f"{selection['from'] or 'början'} – {selection['to'] or 'idag'}"
    lines.append(f"Period: {period}")
    if selection["insatser"]:
        lines.append(f"Insatser: {', '.join(selection['insatser'])}")
    if selection["site"]:
        lines.append(f"Ort: {selection['site']}")
    lines.append(
        f"Personer: {_total(report, report['people'])}, "
        f"inskrivningar: {_count(report['enrolments'])}"
    )
    if report.get("left_out"):
        lines.append(report["left_out"])
    if report.get("questionnaires"):
        lines += ["", "Frågeformulär"]
        lines += [f"  {note}" for note in notes(report)]
    return lines


def _targets(report: dict[str, Any]) -> list[str]:
    if not report["targets"]:
        return []
    return ["", "Mål"] + [
        f"  {t['summary']}"
        + (f" ({heading(report, t['questionnaire'])})" if t["questionnaire"] else "")
        for t in report["targets"]
    ]


def _indicators(report: dict[str, Any]) -> list[str]:
    few = fewer(report["selection"]["min_group"])
    lines: list[str] = []
    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            occasion_name = OCCASION_NAMES.get(occasion, occasion).lower()
            lines += ["", f"{heading(report, ident)}, {occasion_name}"]
            for item, cell in items.items():
                if is_suppressed(cell):
                    lines.append(f"  {item_name(item):<30} {few} svar")
                    continue
                lines.append(
                    f"  {item_name(item):<30} {percent(cell['share']):>6}  "
                    f"({cell['positive']} av {cell['n']}, vet inte {cell['dont_know']})"
                )
        if ident in report.get("occasions_differ", ()):
            lines.append(f"  {different_groups_note()}")
    return lines


def _change(report: dict[str, Any]) -> list[str]:
    few = fewer(report["selection"]["min_group"])
    lines: list[str] = []
    for ident, dimensions in report["change_by_version"].items():
        lines += ["", f"Förändring start–avslut, {heading(report, ident)}"]
        for dimension, cell in dimensions.items():
            if is_suppressed(cell):
                lines.append(f"  {item_name(dimension):<30} {few} par")
                continue
            lines.append(
                f"  {item_name(dimension):<30} {percent(cell['share_improved']):>6} förbättrade "
                f"({cell['improved']} av {cell['pairs']} par, minst 2 steg: "
                f"{cell['improved_2']})"
            )
        coverage = report["change_coverage"].get(ident)
        lines.append(f"  {change_sentence(coverage, report['selection']['min_group'])}")
    return lines


def _missing(report: dict[str, Any]) -> list[str]:
    missing = report["missing"]
    lines = ["", "Bortfall"]
    for key, cell in missing["by_questionnaire"].items():
        if is_suppressed(cell):
            lines.append(f"  {key_name(report, key)}: inskrivna {_total(report, cell)}")
            continue
        reasons = ", ".join(
            f"{REASON_NAMES[r].lower()} {_count(n)}" for r, n in cell["reasons"].items() if n
        )
        paired = f", par {_count(cell['paired'])}" if cell["paired"] is not None else ""
        lines.append(
            f"  {key_name(report, key)}: inskrivna {cell['enrolled']}, med avslutssvar "
            f"{_count(cell['with_avslut'])}{paired}; utan avslutssvar "
            f"{_count(cell['without_avslut'])}"
            + (f" ({reasons})" if reasons else "")
        )
    if missing["note"]:
        lines.append(f"  {missing['note']}")
    return lines


def _outcomes(report: dict[str, Any]) -> list[str]:
    outcomes = report["exit_outcomes"]
    lines = ["", "Avslutsorsaker"]
    if not outcomes["available"]:
        return [*lines, f"  {outcomes['note']}"]
    lines.append(f"  Avslutade: {_total(report, outcomes['ended'])}")
    for key, cell in outcomes["outcomes"].items():
        if is_suppressed(cell):
            lines.append(f"  {outcome_name(key):<34} {'–':>5}")
        elif cell["count"]:
            name, share = outcome_name(key), percent(cell["share"])
            lines.append(f"  {name:<34} {cell['count']:>5}  {share}")
    return lines
