"""A short Swedish text summary of a report, for the terminal."""

from __future__ import annotations

from typing import Any

from .instruments import heading, key_name, notes
from .labels import OCCASION_NAMES, REASON_NAMES, item_name, outcome_name, percent


def summary(report: dict[str, Any]) -> str:
    lines: list[str] = []
    selection = report["selection"]
    lines.append("Stegvis – uppföljning")
    period = f"{selection['from'] or 'början'} – {selection['to'] or 'idag'}"
    lines.append(f"Period: {period}")
    if selection["insatser"]:
        lines.append(f"Insatser: {', '.join(selection['insatser'])}")
    if selection["site"]:
        lines.append(f"Ort: {selection['site']}")
    lines.append(f"Personer: {report['people']}, inskrivningar: {report['enrolments']}")
    if report.get("questionnaires"):
        lines += ["", "Frågeformulär"]
        lines += [f"  {note}" for note in notes(report)]

    if report["targets"]:
        lines += ["", "Mål"]
        lines += [f"  {t['summary']}"
                  + (f" ({heading(report, t['questionnaire'])})" if t["questionnaire"] else "")
                  for t in report["targets"]]

    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            occasion_name = OCCASION_NAMES.get(occasion, occasion).lower()
            lines += ["", f"{heading(report, ident)}, {occasion_name}"]
            for item, cell in items.items():
                lines.append(
                    f"  {item_name(item):<30} {percent(cell['share']):>6}  "
                    f"({cell['positive']} av {cell['n']}, vet inte {cell['dont_know']})"
                )

    for ident, dimensions in report["change_by_version"].items():
        lines += ["", f"Förändring start–avslut, {heading(report, ident)}"]
        for dimension, cell in dimensions.items():
            lines.append(
                f"  {item_name(dimension):<30} {percent(cell['share_improved']):>6} förbättrade "
                f"({cell['improved']} av {cell['pairs']} par)"
            )

    missing = report["missing"]
    lines += ["", "Bortfall"]
    for key, cell in missing["by_questionnaire"].items():
        reasons = ", ".join(
            f"{REASON_NAMES[r].lower()} {n}" for r, n in cell["reasons"].items() if n
        )
        paired = f", par {cell['paired']}" if cell["paired"] is not None else ""
        lines.append(
            f"  {key_name(report, key)}: inskrivna {cell['enrolled']}, "
            f"med avslutssvar {cell['with_avslut']}"
            f"{paired}; utan avslutssvar {cell['without_avslut']}"
            + (f" ({reasons})" if reasons else "")
        )
    if missing["note"]:
        lines.append(f"  {missing['note']}")

    outcomes = report["exit_outcomes"]
    lines += ["", "Avslutsorsaker"]
    if not outcomes["available"]:
        lines.append(f"  {outcomes['note']}")
    else:
        lines.append(f"  Avslutade: {outcomes['ended']}")
        for key, cell in outcomes["outcomes"].items():
            if cell["count"]:
                name, share = outcome_name(key), percent(cell["share"])
                lines.append(f"  {name:<34} {cell['count']:>5}  {share}")
    return "\n".join(lines)
