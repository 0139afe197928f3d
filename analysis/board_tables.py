"""The board's figures as flat tables (Excel, the report CSV, the web page and the PDF):
who is missing, exit outcomes (by gender too), work or studies per insats with its
target, counts by gender, age band and insats, avbrott, svarsfrekvens, försörjning start
× exit, the previous period beside this one.

Each builder takes the report (every count already published) and the caller's gettext
(`analysis/i18n.py`), and shows every figure: the only thing missing from a table is a
share whose published base is under 5 (`shares.MIN_BASE`), which says so instead.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .figures.missing import REASONS
from .figures.response_rates import RATE_REASONS
from .figures.time_in_programme import BAND_NAMES
from .i18n import N_, Translate, named, untranslated
from .income import INCOME_GROUPS
from .instruments import key_name
from .labels import REASON_NAMES, few_people, group_name, occasion_name, outcome_name
from .tables import VERDICT_NAMES, Cell, Column, Table, answers_at
from .tables import share as table_share

CATEGORY_NAMES: dict[str, str] = {
    "enrolled": N_("Inskrivna under perioden"),
    "new": N_("Nya"),
    "continuing": N_("Inskrivna sedan tidigare"),
    "ended": N_("Avslutade"),
    "ongoing": N_("Pågående vid periodens slut"),
}
BREAKDOWN_TITLES: dict[str, str] = {
    "by_gender": N_("Kön"),
    "by_age": N_("Ålder vid inskrivning"),
    "by_insats": N_("Insats"),
}
UNKNOWN_AGE_NAME = N_("Okänd ålder")


def share(cell: dict[str, Any], key: str = "share", _: Translate = untranslated) -> Cell:
    """A board share as shown: its base is people or enrolments, so a small one says
    "färre än 5" rather than "färre än 5 svar"."""
    return table_share(cell, key, _, few=few_people)


Builder = Callable[[dict[str, Any], Translate], Table]


def _needs(block: str, name: str) -> Callable[[Builder], Builder]:
    """A builder of a block that only enrolments give: from a CSV its table is the
    block's note, under the sheet name `name` (N_-marked)."""

    def wrap(build: Builder) -> Builder:
        @functools.wraps(build)
        def table(report: dict[str, Any], _: Translate = untranslated) -> Table:
            if not report[block]["available"]:
                return Table(_(name), _(name), [Column(_("Uppgift"))],
                             [[named(_, report[block]["note"])]])  # fmt: skip
            return build(report, _)

        return table

    return wrap


def missing_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    missing = report["missing"]
    table = Table(
        _("Bortfall"), _("Vilka saknas"),
        [Column(_("Frågeformulär")), Column(_("Inskrivna"), "int"),
         Column(_("Svar vid start"), "int"), Column(_("Svar pågående"), "int"),
         Column(_("Svar vid avslut"), "int"), Column(_("Par start–avslut"), "int"),
         Column(_("Utan avslutssvar"), "int"),
         *(Column(_(REASON_NAMES[r]), "int") for r in REASONS)],
        notes=[named(_, missing["note"])] if missing["note"] else [],
    )  # fmt: skip
    for key, m in missing["by_questionnaire"].items():
        table.rows.append(
            [key_name(report, key), m["enrolled"],
             *(answers_at(m[f], _) for f in ("with_start", "with_pagaende", "with_avslut",
                                             "paired", "without_avslut")),
             *(m["reasons"][r] for r in REASONS)]
        )  # fmt: skip
    return table


@_needs("exit_outcomes", N_("Avslutsorsaker"))
def outcome_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Each exit outcome: its count and share, and its count per gender."""
    outcomes = report["exit_outcomes"]
    genders = outcomes["by_gender"]
    table = Table(
        _("Avslutsorsaker"),
        _("Avslutsorsaker (%(ended)s avslutade inskrivningar)") % {"ended": outcomes["ended"]},
        [Column(_("Avslutsorsak")), Column(_("Antal"), "int"), Column(_("Andel"), "percent"),
         *(Column(group_name(g, _), "int") for g in genders)],
    )  # fmt: skip
    for key, cell in outcomes["outcomes"].items():
        table.rows.append([outcome_name(key, _), cell["count"], share(cell, "share", _),
                           *(genders[g]["outcomes"][key]["count"] for g in genders)])
    table.rows.append([_("Arbete eller studier"), outcomes["work_or_studies"]["count"],
                       share(outcomes["work_or_studies"], "share", _),
                       *(genders[g]["work_or_studies"]["count"] for g in genders)])
    table.rows.append([_("Avslutade"), outcomes["ended"], "",
                       *(genders[g]["ended"] for g in genders)])  # fmt: skip
    return table


def _outcome_target(report: dict[str, Any], insats: str | None) -> dict[str, Any] | None:
    return next((t for t in report["targets"]
                 # The förbund's list: what this table counts (not an insats's own set).
                 if t["kind"] == "outcome" and not t.get("own_outcomes")
                 and t["insats"] == insats), None)  # fmt: skip


@_needs("exit_outcomes", N_("Arbete eller studier"))
def work_by_insats_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Ended enrolments and how many went to work or studies, in total and per insats,
    with the target each is checked against."""
    outcomes = report["exit_outcomes"]
    table = Table(
        _("Arbete eller studier"), _("Avslutade som gått till arbete eller studier"),
        [Column(_("Insats")), Column(_("Avslutade"), "int"),
         Column(_("Arbete eller studier"), "int"), Column(_("Andel"), "percent"),
         Column(_("95 % KI låg"), "percent"), Column(_("95 % KI hög"), "percent"),
         Column(_("Mål"), "percent"), Column(_("Bedömning"))],
        notes=[_("Räknas som arbete eller studier: %(outcomes)s.") % {
            "outcomes": ", ".join(outcome_name(key, _) for key in outcomes["counted"])}],
        place="summary",
    )  # fmt: skip
    groups = [(None, outcomes), *outcomes["by_insats"].items()]
    for insats, cell in groups:
        went = cell["work_or_studies"]
        low, high = went["ci95"] or ("", "")
        target = _outcome_target(report, insats)
        goal: list[Cell] = ["", ""] if target is None else [
            target["threshold"], named(_, VERDICT_NAMES[target["verdict"]])]
        table.rows.append([insats or _("Alla"), cell["ended"], went["count"],
                           share(went, "share", _), low, high, *goal])  # fmt: skip
    return table


def _time_note(_: Translate) -> str:
    return _("Tid i insatsen: från inskrivningens start till avslutet, i hela "
             "kalendermånader (3–6 månader är minst 3 men under 6). Bara antal per "
             "intervall redovisas, aldrig en enskild persons tid.")


def _time_band_rows(group: dict[str, Any], _: Translate) -> list[list[Cell]]:
    """One group's rows, a band each and all bands: the ended, their share of the
    group's ended, and how many went to work or studies, with its share of the band."""
    rows: list[list[Cell]] = []
    for key, name in BAND_NAMES.items():
        band = group["by_band"][key]
        rows.append([_(name), band["ended"], share(band, "share", _),
                     band["work_or_studies"]["count"],
                     share(band["work_or_studies"], "share", _)])  # fmt: skip
    rows.append([_("Alla"), group["ended"], "", group["work_or_studies"]["count"],
                 share(group["work_or_studies"], "share", _)])  # fmt: skip
    return rows


def _time_band_table(report: dict[str, Any], _: Translate, name: str, title: str,
                     first: list[Column]) -> Table:  # fmt: skip
    return Table(
        name, title,
        [*first, Column(_("Tid i insatsen")), Column(_("Avslutade"), "int"),
         Column(_("Andel av avslutade"), "percent"), Column(_("Arbete eller studier"), "int"),
         Column(_("Andel arbete eller studier"), "percent")],
        notes=[_time_note(_), _("Räknas som arbete eller studier: %(outcomes)s.") % {
            "outcomes": ", ".join(outcome_name(key, _)
                                  for key in report["time_in_programme"]["counted"])}],
    )  # fmt: skip


@_needs("time_in_programme", N_("Tid i insatsen"))
def time_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Per band of time in the programme, of all the ended (per insats: the appendix)."""
    table = _time_band_table(report, _, _("Tid i insatsen"),
                             _("Tid i insatsen för avslutade inskrivningar"), [])
    table.rows = _time_band_rows(report["time_in_programme"], _)
    return table


@_needs("time_in_programme", N_("Tid i insatsen per insats"))
def time_by_insats_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = _time_band_table(report, _, _("Tid i insatsen per insats"),
                             _("Tid i insatsen för avslutade inskrivningar per insats"),
                             [Column(_("Insats"))])  # fmt: skip
    table.place = "appendix"
    for insats, group in report["time_in_programme"]["by_insats"].items():
        table.rows += [[insats, *row] for row in _time_band_rows(group, _)]
    return table


def _time_outcome_rows(group: dict[str, Any], _: Translate) -> list[list[Cell]]:
    """One group's ended enrolments per exit outcome (rows) and band (columns), the
    last column all bands (the exit outcomes' own figures)."""
    bands = [group["by_band"][key] for key in BAND_NAMES]
    rows: list[list[Cell]] = [
        [outcome_name(key, _), *(band["outcomes"][key]["count"] for band in bands),
         cell["count"]]
        for key, cell in group["outcomes"].items()]  # fmt: skip
    rows.append([_("Arbete eller studier"), *(band["work_or_studies"]["count"] for band in bands),
                 group["work_or_studies"]["count"]])  # fmt: skip
    rows.append([_("Avslutade"), *(band["ended"] for band in bands), group["ended"]])
    return rows


def _time_band_columns(_: Translate) -> list[Column]:
    return [*(Column(_(name), "int") for name in BAND_NAMES.values()),
            Column(_("Alla"), "int")]  # fmt: skip


@_needs("time_in_programme", N_("Tid och avslutsorsak"))
def time_outcome_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Each exit outcome's count per band of time in the programme."""
    table = Table(
        _("Tid och avslutsorsak"), _("Avslutsorsaker efter tid i insatsen"),
        [Column(_("Avslutsorsak")), *_time_band_columns(_)],
        notes=[_("Kolumnen Alla är samma siffror som i tabellen Avslutsorsaker.")],
    )  # fmt: skip
    table.rows = _time_outcome_rows(report["time_in_programme"], _)
    return table


@_needs("time_in_programme", N_("Tid och avslutsorsak per insats"))
def time_outcome_by_insats_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    table = Table(
        _("Tid och avslutsorsak per insats"), _("Avslutsorsaker efter tid i insatsen per insats"),
        [Column(_("Insats")), Column(_("Avslutsorsak")), *_time_band_columns(_)],
        place="appendix",
    )  # fmt: skip
    for insats, group in report["time_in_programme"]["by_insats"].items():
        table.rows += [[insats, *row] for row in _time_outcome_rows(group, _)]
    return table


def _age_name(band: str, _: Translate) -> str:
    return _(UNKNOWN_AGE_NAME) if band == "okänd" else _("%(band)s år") % {"band": band}


@_needs("counts", N_("Antal"))
def counts_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """People per category (columns) in total and per gender, age band and insats."""
    counts = report["counts"]
    categories = list(CATEGORY_NAMES)
    table = Table(
        _("Antal"), _("Antal deltagare"),
        [Column(_("Uppdelning")), Column(_("Grupp")),
         *(Column(_(CATEGORY_NAMES[c]), "int") for c in categories)],
        place="summary",
        notes=[
            _("Antal personer; en person med flera inskrivningar räknas en gång i "
              "totalen och en gång i varje insats."),
            _("Ålder: det år den första inskrivningen i urvalet började, minus födelseåret."),
        ],
    )  # fmt: skip
    table.rows.append([_("Totalt"), "", *(counts[c]["n"] for c in categories)])
    for breakdown in ("by_gender", "by_age"):
        for group in counts["enrolled"][breakdown]:
            name = group_name(group, _) if breakdown == "by_gender" else _age_name(group, _)
            table.rows.append([_(BREAKDOWN_TITLES[breakdown]), _(name),
                               *(counts[c][breakdown][group] for c in categories)])
    for insats, cells in counts["by_insats"].items():
        table.rows.append([named(_, BREAKDOWN_TITLES["by_insats"]), insats,
                           *(cells[c] for c in categories)])  # fmt: skip
    return table


@_needs("counts", N_("Avbrott"))
def avbrott_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    avbrott = report["counts"]["avbrott"]
    table = Table(_("Avbrott"), _("Avbrott bland avslutade inskrivningar"),
                  [Column(_("Avslutade inskrivningar"), "int"), Column(_("Avbrott"), "int"),
                   Column(_("Andel avbrott"), "percent")],
                  notes=[_("Avbrott: deltagaren slutade innan insatsen var genomförd.")])
    table.rows.append([avbrott["ended"], avbrott["left_early"], share(avbrott, "share", _)])
    return table


# Not "Svar...": the Excel file's answer sheets are named so.
@_needs("response_rates", N_("Andel svar"))
def rates_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Svarsfrekvens per questionnaire and occasion, with why answers are missing."""
    rates = report["response_rates"]
    table = Table(
        _("Andel svar"), _("Svarsfrekvens per frågeformulär och tillfälle"),
        [Column(_("Frågeformulär")), Column(_("Tillfälle")), Column(_("Borde ha svarat"), "int"),
         Column(_("Svarade"), "int"), Column(_("Svarsfrekvens"), "percent"),
         Column(_("Saknas"), "int"), *(Column(_(REASON_NAMES[r]), "int") for r in RATE_REASONS)],
        place="summary",
        notes=[
            _("Borde ha svarat: vid start de som skrevs in under perioden; pågående de som "
              "varit inskrivna minst %(days)d dagar; vid avslut de som avslutades under "
              "perioden.") % {"days": rates["pagaende_days"]},
        ],
    )  # fmt: skip
    for key, occasions in rates["by_questionnaire"].items():
        for occasion, cell in occasions.items():
            table.rows.append([key_name(report, key), occasion_name(occasion, _), cell["due"],
                               cell["answered"], share(cell, "share", _), cell["missing"],
                               *(cell["reasons"][r] for r in RATE_REASONS)])  # fmt: skip
    return table


@_needs("income", N_("Försörjning"))
def income_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """Försörjning at start (rows) × at exit (columns), with both sums."""
    income = report["income"]
    groups = list(INCOME_GROUPS)
    table = Table(
        _("Försörjning"), _("Försörjning vid start (rader) och vid avslut (kolumner)"),
        [Column(_("Vid start")), *(Column(_(INCOME_GROUPS[g]), "int") for g in groups),
         Column(_("Summa"), "int")],
        notes=[
            _("Avslutade under perioden med försörjning angiven både vid start och avslut: "
              "%(recorded)s av %(ended)s.") % {
                "recorded": income["recorded"], "ended": income["ended"]},
            _("Egen försörjning: bara lön och/eller studiemedel, inget försörjningsstöd och "
              "ingen ersättning från Försäkringskassan eller Arbetsförmedlingen. Den som har "
              "flera källor räknas till den första av: försörjningsstöd, Försäkringskassan, "
              "Arbetsförmedlingen."),
        ],
    )  # fmt: skip
    # Under 5 recorded the table shows only how many (shares.parts).
    cells, starts, exits = income["cells"], income["start"], income["exit"]
    for start in groups:
        table.rows.append([_(INCOME_GROUPS[start]),
                           *(cells[start][end] if cells else None for end in groups),
                           starts[start] if starts else None])  # fmt: skip
    table.rows.append([_("Summa"), *(exits[g] if exits else None for g in groups),
                       income["recorded"]])  # fmt: skip
    return table


@_needs("income", N_("Egen försörjning"))
def self_supporting_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """The share with egen försörjning at start and at exit (the same people)."""
    income = report["income"]
    table = Table(_("Egen försörjning"), _("Egen försörjning vid start och vid avslut"),
                  [Column(_("Tillfälle")), Column(_("Antal"), "int"),
                   Column(_("Av"), "int"), Column(_("Andel"), "percent")],
                  notes=[_("Samma personer vid start och avslut: avslutade under perioden "
                           "med försörjning angiven båda gångerna.")])  # fmt: skip
    for side, occasion in (("start", "start"), ("exit", "avslut")):
        cell = income["self_supporting"][side]
        table.rows.append([occasion_name(occasion, _), cell["count"], income["recorded"],
                           share(cell, "share", _)])  # fmt: skip
    return table


def comparison_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    """This period's headline figures beside the previous period's of the same length."""
    previous = report["previous"]
    title = _("Föregående period")
    if previous is None:
        return Table(_("Jämförelse"), title, [Column(_("Uppgift"))],
                     [[_("Jämförelse kräver att perioden har både start- och slutdatum.")]])
    s = report["selection"]
    periods = ((s["from"], s["to"]), (previous["from"], previous["to"]))
    table = Table(
        _("Jämförelse"), _("Denna period jämförd med föregående period av samma längd"),
        [Column(_("Uppgift")), *(
            Column(title % {"from": start, "to": end}, kind)
            for start, end in periods
            for title, kind in ((_("Antal %(from)s – %(to)s"), "int"),
                                (_("Andel %(from)s – %(to)s"), "percent")))],
    )  # fmt: skip

    def row(name: str, now: Any, before: Any, is_share: bool = False) -> None:
        cells: list[Cell] = []
        for value in (now, before):
            if value is None:
                cells += ["", ""]
            elif is_share:
                cells += ["", share(value, "share", _)]
            else:
                cells += [value, ""]
        table.rows.append([name, *cells])

    row(_("Personer som svarat"), report["people"], previous["people"])
    now, before = report["counts"], previous["counts"]
    if now["available"]:
        for category, name in CATEGORY_NAMES.items():
            row(_(name), now[category]["n"], before[category]["n"])
        row(_("Andel avbrott bland avslutade"), now["avbrott"], before["avbrott"], is_share=True)
    rates, earlier = report["response_rates"], previous["response_rates"]
    if rates["available"]:
        for key, occasions in rates["by_questionnaire"].items():
            for occasion, cell in occasions.items():
                name = _("Svarsfrekvens %(questionnaire)s, %(occasion)s") % {
                    "questionnaire": key_name(report, key),
                    "occasion": occasion_name(occasion, _).lower()}
                row(name, cell, earlier["by_questionnaire"][key][occasion], is_share=True)
    return table


def board_tables(report: dict[str, Any], _: Translate = untranslated) -> list[Table]:
    # Imported here: followup_tables builds on this module's share.
    from .followup_tables import followup_tables

    # After the exit outcomes, what became of those who left (the follow-ups), then how
    # long people took part.
    return [missing_table(report, _), outcome_table(report, _), *followup_tables(report, _),
            *time_tables(report, _),
            work_by_insats_table(report, _), counts_table(report, _), avbrott_table(report, _),
            rates_table(report, _), income_table(report, _), self_supporting_table(report, _),
            comparison_table(report, _)]  # fmt: skip


def time_tables(report: dict[str, Any], _: Translate = untranslated) -> list[Table]:
    """Time in the programme, beside the exit outcomes (from a CSV: one table, the note)."""
    if not report["time_in_programme"]["available"]:
        return [time_table(report, _)]
    return [time_table(report, _), time_outcome_table(report, _),
            time_by_insats_table(report, _), time_outcome_by_insats_table(report, _)]
