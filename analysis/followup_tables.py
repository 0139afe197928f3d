"""After exit (the `followups` figure) as tables and text lines: what every output shows
beside the exit outcomes. Two tables, one row per follow-up point in total and per
insats: what people do now next to what they did at exit, and how many support
themselves at exit and now.

Only published figures: a share of a base under 5 says "färre än 5" and the parts of a
small base are blank (`shares.parts`); a figure a CSV cannot give (who was due, the
transition, försörjning at exit) is empty, and the table's note says why.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .board_tables import share
from .figures.followups import TRANSITIONS
from .i18n import N_, Translate, named, untranslated
from .labels import few_people, occasion_name, outcome_name
from .numbers import SWEDISH, Numbers
from .tables import Cell, Column, Table

TRANSITION_NAMES = {
    "still": N_("Kvar i arbete eller studier"),
    "into": N_("Har gått till arbete eller studier"),
    "out_of": N_("Har lämnat arbete eller studier"),
    "neither": N_("Varken vid avslut eller nu"),
}


def _groups(figure: dict[str, Any]) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """(occasion, insats or None for all, block) for every row, point by point."""
    for occasion, point in figure["by_point"].items():
        yield occasion, None, point
        for insats, block in point["by_insats"].items():
            yield occasion, insats, block


def _point(occasion: str, figure: dict[str, Any], _: Translate) -> str:
    """A row's follow-up point, short: the column says it is a follow-up."""
    return _("Efter %(months)s månader") % {"months": figure["by_point"][occasion]["months"]}


def _blank(value: Any) -> Cell:
    """A figure the source cannot give (None) as an empty cell."""
    return "" if value is None else value


def _notes(figure: dict[str, Any], _: Translate) -> list[str]:
    notes = []
    if figure["note"]:
        notes.append(named(_, figure["note"]))
    return notes


def work_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    figure = report["followups"]
    table = Table(
        _("Efter avslut"), _("Efter avslut: vad de gör nu jämfört med vid avslut"),
        [Column(_("Uppföljning")), Column(_("Insats")),
         Column(_("Skulle följas upp"), "int"), Column(_("Svarade"), "int"),
         Column(_("Svar om vad de gör nu"), "int"),
         Column(_("Arbete eller studier nu"), "int"), Column(_("Andel nu"), "percent"),
         Column(_("Känt vid avslut och nu"), "int"),
         *(Column(_(TRANSITION_NAMES[name]), "int") for name in TRANSITIONS)],
        notes=[
            _("Skulle följas upp: avslutade vars uppföljning (månader efter avslutsdatum) "
              "infaller under perioden. Svarade: uppföljningssvar som lämnats under "
              "perioden, oavsett när uppföljningen infallit."),
            _("Räknas som arbete eller studier: %(outcomes)s. Vid avslut enligt "
              "avslutsorsaken, nu enligt svaret; den som svarat vet inte eller har okänd "
              "avslutsorsak räknas inte i jämförelsen.") % {
                "outcomes": ", ".join(outcome_name(key, _) for key in figure["counted"])},
            *_notes(figure, _),
        ],
    )  # fmt: skip
    for occasion, insats, block in _groups(figure):
        now, transition = block["now"], block["transition"]
        parts: list[Cell] = [""] * (1 + len(TRANSITIONS))
        if transition is not None:
            parts = [transition["known"], *(_blank(transition[name]["count"])
                                            for name in TRANSITIONS)]
        table.rows.append([_point(occasion, figure, _), insats or _("Alla"),
                           _blank(block["due"]), block["answered"], now["n"],
                           _blank(now["positive"]),
                           share(now, "share", _), *parts])  # fmt: skip
    return table


def self_supporting_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    figure = report["followups"]
    table = Table(
        _("Försörjning efter avslut"),
        _("Efter avslut: egen försörjning vid avslut och nu"),
        [Column(_("Uppföljning")), Column(_("Insats")), Column(_("Svarade"), "int"),
         Column(_("Försörjning känd vid avslut"), "int"),
         Column(_("Egen försörjning vid avslut"), "percent"),
         Column(_("Försörjning känd nu"), "int"), Column(_("Egen försörjning nu"), "percent")],
        notes=[
            _("Bland dem som svarat på uppföljningen. Vid avslut: försörjningen som angavs "
              "vid avslutet (bara lön och/eller studiemedel). Nu: den största inkomsten "
              "enligt svaret är lön eller studiemedel."),
            *_notes(figure, _),
        ],
    )  # fmt: skip
    for occasion, insats, block in _groups(figure):
        row: list[Cell] = [_point(occasion, figure, _), insats or _("Alla"), block["answered"]]
        for side in ("exit", "now"):
            cell = block["self_supporting"][side]
            row += ["", ""] if cell is None else [cell["n"], share(cell, "share", _)]
        table.rows.append(row)
    return table


def followup_tables(report: dict[str, Any], _: Translate = untranslated) -> list[Table]:
    if "followups" not in report:  # a report dict of an older format
        return []
    return [work_table(report, _), self_supporting_table(report, _)]


def followup_lines(report: dict[str, Any], _: Translate = untranslated,
                   numbers: Numbers = SWEDISH) -> list[str]:
    """The text summary's lines: per follow-up point in total, due, answered, work or
    studies now and self-supporting at exit and now."""
    figure = report.get("followups")
    if not figure or not figure["by_point"]:
        return []
    lines = ["", _("Efter avslut")]

    def shown(cell: dict[str, Any] | None) -> str:
        if cell is None:
            return "–"
        if cell["share"] is None:
            return few_people(_)
        return _("%(share)s (%(positive)s av %(n)s)") % {
            "share": numbers.percent(cell["share"]), "positive": cell["positive"],
            "n": cell["n"]}

    for occasion, point in figure["by_point"].items():
        lines.append("  " + occasion_name(occasion, _) + ": " + _(
            "skulle följas upp %(due)s, svarade %(answered)s") % {
            "due": "–" if point["due"] is None else point["due"],
            "answered": point["answered"]})
        lines.append("    " + _("Arbete eller studier nu: %(share)s") % {
            "share": shown(point["now"])})
        lines.append("    " + _("Egen försörjning vid avslut: %(exit)s; nu: %(now)s") % {
            "exit": shown(point["self_supporting"]["exit"]),
            "now": shown(point["self_supporting"]["now"])})
    if figure["note"]:
        lines.append(f"  {named(_, figure['note'])}")
    return lines
