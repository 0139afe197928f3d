"""A short text summary of a report, for the terminal (Swedish unless given a gettext)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .figures.change import change_sentence, different_groups_note
from .figures.targets import target_sentence
from .figures.time_in_programme import BAND_NAMES
from .followup_tables import followup_lines
from .i18n import Translate, named, untranslated
from .instruments import heading, key_name, notes
from .labels import (
    REASON_NAMES,
    few_answers,
    few_people,
    item_name,
    method_note,
    occasion_name,
    outcome_name,
)
from .numbers import SWEDISH, Numbers

_Part = Callable[[dict[str, Any], Translate, Numbers], list[str]]


def summary(report: dict[str, Any], _: Translate = untranslated,
            numbers: Numbers = SWEDISH) -> str:
    """The report in lines: selection, targets, indicators, change, missing, outcomes,
    after exit."""
    lines: list[str] = []
    parts: tuple[_Part, ...] = (_header, _targets, _indicators, _change, _missing, _outcomes,
                                followup_lines, _time_in_programme)
    for part in parts:
        lines += part(report, _, numbers)
    return "\n".join(lines)


def _header(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    selection = report["selection"]
    lines = [_("Stegvis – uppföljning")]
    lines.append(_("Period: %(from)s – %(to)s") % {"from": selection["from"] or _("början"),
                                                   "to": selection["to"] or _("idag")})
    if selection["insatser"]:
        lines.append(_("Insatser: %(names)s") % {"names": ", ".join(selection["insatser"])})
    if selection["site"]:
        lines.append(_("Ort: %(site)s") % {"site": selection["site"]})
    lines.append(_("Personer: %(people)s, inskrivningar: %(enrolments)s") % {
        "people": report["people"], "enrolments": report["enrolments"]})
    lines.append(method_note(_))
    if report.get("questionnaires"):
        lines += ["", _("Frågeformulär")]
        lines += [f"  {note}" for note in notes(report, _)]
    return lines


def _targets(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    if not report["targets"]:
        return []
    return ["", _("Mål")] + [
        f"  {target_sentence(t, _, numbers)}"
        + (f" ({heading(report, t['questionnaire'], _)})" if t["questionnaire"] else "")
        for t in report["targets"]
    ]


def _indicators(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    lines: list[str] = []
    for ident, occasions in report["indicators"].items():
        for occasion, items in occasions.items():
            lines += ["", f"{heading(report, ident, _)}, {occasion_name(occasion, _).lower()}"]
            for item, cell in items.items():
                if cell.get("few"):  # a small base shows only itself (shares.parts)
                    lines.append(f"  {item_name(item, _):<30} {few_answers(_)}  " + _(
                        "(%(n)s svar)") % {"n": cell["n"]})
                    continue
                lines.append(f"  {item_name(item, _):<30} {numbers.percent(cell['share']):>6}  "
                             + _("(%(positive)s av %(n)s, vet inte %(dont_know)s)") % {
                                 "positive": cell["positive"], "n": cell["n"],
                                 "dont_know": cell["dont_know"]})
        if ident in report.get("occasions_differ", ()):
            lines.append(f"  {different_groups_note(_)}")
    return lines


def _change(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    lines: list[str] = []
    for ident, dimensions in report["change"].items():
        lines += ["", _("Förändring start–avslut, %(heading)s") % {
            "heading": heading(report, ident, _)}]
        for dimension, cell in dimensions.items():
            if cell["few"]:
                lines.append(f"  {item_name(dimension, _):<30} {few_answers(_)} " + _(
                    "(%(pairs)s par)") % {"pairs": cell["pairs"]})
                continue
            share = numbers.percent(cell["share_improved"])
            lines.append(f"  {item_name(dimension, _):<30} " + _(
                "%(share)s förbättrade (%(improved)s av %(pairs)s par, minst 2 steg: "
                "%(improved_2)s)") % {
                "share": share, "improved": cell["improved"], "pairs": cell["pairs"],
                "improved_2": cell["improved_2"]})
        coverage = report["change_coverage"].get(ident)
        lines.append("  " + change_sentence(coverage, _, numbers))
    return lines


def _missing(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    missing = report["missing"]
    lines = ["", _("Bortfall")]
    for key, cell in missing["by_questionnaire"].items():
        name = key_name(report, key)
        reasons = ", ".join(
            f"{_(REASON_NAMES[r]).lower()} {n}" for r, n in cell["reasons"].items() if n
        )
        line = _("%(name)s: inskrivna %(enrolled)s, med avslutssvar %(with_avslut)s") % {
            "name": name, "enrolled": cell["enrolled"], "with_avslut": cell["with_avslut"]}
        if cell["paired"] is not None:
            line += _(", par %(paired)s") % {"paired": cell["paired"]}
        line += _("; utan avslutssvar %(without)s") % {"without": cell["without_avslut"]}
        lines.append(f"  {line}" + (f" ({reasons})" if reasons else ""))
    if missing["note"]:
        lines.append(f"  {named(_, missing['note'])}")
    return lines


def _outcomes(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    outcomes = report["exit_outcomes"]
    lines = ["", _("Avslutsorsaker")]
    if not outcomes["available"]:
        return [*lines, f"  {named(_, outcomes['note'])}"]
    lines.append("  " + _("Avslutade: %(ended)s") % {"ended": outcomes["ended"]})
    for key, cell in outcomes["outcomes"].items():
        if cell["count"]:
            name = outcome_name(key, _)
            share = few_answers(_) if cell["share"] is None else numbers.percent(cell["share"])
            lines.append(f"  {name:<34} {cell['count']:>5}  {share}")
    return lines


def _time_in_programme(report: dict[str, Any], _: Translate, numbers: Numbers) -> list[str]:
    """Per band: how many ended and how many of them went to work or studies."""
    time = report["time_in_programme"]
    lines = ["", _("Tid i insatsen")]
    if not time["available"]:
        return [*lines, f"  {named(_, time['note'])}"]
    for key, name in BAND_NAMES.items():
        band = time["by_band"][key]
        if band["ended"] is None:  # under 5 ended in all: the bands are withheld
            lines.append(f"  {_(name):<34} {few_people(_)}")
            continue
        went = band["work_or_studies"]
        share = few_people(_) if went["share"] is None else numbers.percent(went["share"])
        lines.append(f"  {_(name):<34} {band['ended']:>5}  " + _(
            "arbete eller studier: %(share)s") % {"share": share})
    return lines
