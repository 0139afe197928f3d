"""A short Swedish text summary of a report, for the terminal."""

from __future__ import annotations

from typing import Any

from .labels import OCCASION_NAMES, REASON_NAMES, fewer, item_name, outcome_name, percent
from .suppression import is_suppressed


def summary(report: dict[str, Any]) -> str:
    lines: list[str] = []
    selection = report["selection"]
    few = fewer(selection["min_group"])

    def count(value: Any) -> Any:
        return "–" if is_suppressed(value) else value

    def total(value: Any) -> Any:  # a hidden total is below min_group, so it may say so
        return few if is_suppressed(value) else value

    lines.append("Stegvis – uppföljning")
    period = f"{selection['from'] or 'början'} – {selection['to'] or 'idag'}"
    lines.append(f"Period: {period}")
    if selection["insatser"]:
        lines.append(f"Insatser: {', '.join(selection['insatser'])}")
    if selection["site"]:
        lines.append(f"Ort: {selection['site']}")
    lines.append(
        f"Personer: {total(report['people'])}, inskrivningar: {count(report['enrolments'])}"
    )
    if report.get("left_out"):
        lines.append(report["left_out"])

    if report["targets"]:
        lines += ["", "Mål"]
        lines += [f"  {t['summary']}" for t in report["targets"]]

    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            lines += ["", f"{ident}, {OCCASION_NAMES.get(occasion, occasion).lower()}"]
            for item, cell in items.items():
                if is_suppressed(cell):
                    lines.append(f"  {item_name(item):<30} {few} svar")
                    continue
                lines.append(
                    f"  {item_name(item):<30} {percent(cell['share']):>6}  "
                    f"({cell['positive']} av {cell['n']}, vet inte {cell['dont_know']})"
                )

    for ident, dimensions in report["change_by_version"].items():
        lines += ["", f"Förändring start–avslut, {ident}"]
        for dimension, cell in dimensions.items():
            if is_suppressed(cell):
                lines.append(f"  {item_name(dimension):<30} {few} par")
                continue
            lines.append(
                f"  {item_name(dimension):<30} {percent(cell['share_improved']):>6} förbättrade "
                f"({cell['improved']} av {cell['pairs']} par)"
            )

    missing = report["missing"]
    lines += ["", "Bortfall"]
    for key, cell in missing["by_questionnaire"].items():
        if is_suppressed(cell):
            lines.append(f"  {key}: inskrivna {few}")
            continue
        reasons = ", ".join(
            f"{REASON_NAMES[r].lower()} {count(n)}" for r, n in cell["reasons"].items() if n
        )
        paired = f", par {count(cell['paired'])}" if cell["paired"] is not None else ""
        lines.append(
            f"  {key}: inskrivna {cell['enrolled']}, med avslutssvar "
            f"{count(cell['with_avslut'])}{paired}; utan avslutssvar "
            f"{count(cell['without_avslut'])}"
            + (f" ({reasons})" if reasons else "")
        )
    if missing["note"]:
        lines.append(f"  {missing['note']}")

    outcomes = report["exit_outcomes"]
    lines += ["", "Avslutsorsaker"]
    if not outcomes["available"]:
        lines.append(f"  {outcomes['note']}")
    else:
        lines.append(f"  Avslutade: {total(outcomes['ended'])}")
        for key, cell in outcomes["outcomes"].items():
            if is_suppressed(cell):
                lines.append(f"  {outcome_name(key):<34} {'–':>5}")
            elif cell["count"]:
                name, share = outcome_name(key), percent(cell["share"])
                lines.append(f"  {name:<34} {cell['count']:>5}  {share}")
    return "\n".join(lines)
