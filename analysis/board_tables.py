"""The board's figures as flat tables (Excel, the report CSV, the web page's appendix):
counts by gender, age band and insats; avbrott; svarsfrekvens; försörjning start × exit;
the previous period beside this one.

Each builder takes the disclosed report and the caller's gettext (`analysis/i18n.py`);
hidden figures show as the mark, hidden totals as "färre än N", as in tables.py.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .i18n import N_, Translate, named, untranslated
from .income import INCOME_GROUPS
from .instruments import key_name
from .labels import REASON_NAMES, SUPPRESSED_MARK, fewer, group_name, occasion_name
from .figures.response_rates import RATE_REASONS
from .suppression import is_suppressed
from .tables import Cell, Column, Table, shown, suppression_note, total_cell

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
            suppression_note(report, _),
        ],
    )  # fmt: skip
    table.rows.append([_("Totalt"), "", *(total_cell(report, figure(counts[c], "n"), _)
                                          for c in categories)])  # fmt: skip
    for breakdown in ("by_gender", "by_age"):
        groups = next((counts[c][breakdown] for c in categories
                       if not is_suppressed(counts[c])), {})  # fmt: skip
        for group in groups:
            name = group_name(group, _) if breakdown == "by_gender" else _age_name(group, _)
            table.rows.append([_(BREAKDOWN_TITLES[breakdown]), _(name), *(
                shown(figure(counts[c], breakdown, group)) for c in categories)])
    for insats, cells in counts["by_insats"].items():
        table.rows.append([named(_, BREAKDOWN_TITLES["by_insats"]), insats,
                           *(shown(cells[c]) for c in categories)])  # fmt: skip
    return table


def figure(cell: Any, *path: str) -> Any:
    """cell[path...], or the hidden mark when a part on the way is hidden."""
    for key in path:
        if is_suppressed(cell):
            return cell
        cell = cell[key]
    return cell


@_needs("counts", N_("Avbrott"))
def avbrott_table(report: dict[str, Any], _: Translate = untranslated) -> Table:
    avbrott = report["counts"]["avbrott"]
    table = Table(_("Avbrott"), _("Avbrott bland avslutade inskrivningar"),
                  [Column(_("Avslutade inskrivningar"), "int"), Column(_("Avbrott"), "int"),
                   Column(_("Andel avbrott"), "percent")],
                  notes=[_("Avbrott: deltagaren slutade innan insatsen var genomförd.")])
    table.rows.append([total_cell(report, avbrott["ended"], _), shown(avbrott["left_early"]),
                       shown(avbrott["share"])])  # fmt: skip
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
            suppression_note(report, _),
        ],
    )  # fmt: skip
    for key, occasions in rates["by_questionnaire"].items():
        for occasion, cell in occasions.items():
            head: list[Cell] = [key_name(report, key), occasion_name(occasion, _)]
            if is_suppressed(cell):
                table.rows.append([*head, fewer(report["selection"]["min_group"], _),
                                   *[SUPPRESSED_MARK] * (3 + len(RATE_REASONS))])
                continue
            table.rows.append([*head, cell["due"], shown(cell["answered"]),
                               shown(cell["share"]), shown(cell["missing"]),
                               *(shown(cell["reasons"][r]) for r in RATE_REASONS)])
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
                "recorded": total_cell(report, income["recorded"], _),
                "ended": total_cell(report, income["ended"], _)},
            _("Egen försörjning: bara lön och/eller studiemedel, inget försörjningsstöd och "
              "ingen ersättning från Försäkringskassan eller Arbetsförmedlingen. Den som har "
              "flera källor räknas till den första av: försörjningsstöd, Försäkringskassan, "
              "Arbetsförmedlingen."),
            suppression_note(report, _),
        ],
    )  # fmt: skip
    for start in groups:
        table.rows.append([_(INCOME_GROUPS[start]),
                           *(shown(income["cells"][start][end]) for end in groups),
                           shown(income["start"][start])])  # fmt: skip
    table.rows.append([_("Summa"), *(shown(income["exit"][g]) for g in groups),
                       total_cell(report, income["recorded"], _)])  # fmt: skip
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
        share = income["self_supporting"][side]
        table.rows.append([occasion_name(occasion, _), shown(figure(share, "count")),
                           total_cell(report, income["recorded"], _),
                           shown(figure(share, "share"))])  # fmt: skip
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
        notes=[suppression_note(report, _)],
    )  # fmt: skip

    def row(name: str, now: Any, before: Any, share: bool = False) -> None:
        cells: list[Cell] = []
        for value in (now, before):
            if value is None:
                cells += ["", ""]
            elif share:
                cells += ["", shown(value)]
            else:
                cells += [total_cell(report, value, _), ""]
        table.rows.append([name, *cells])

    row(_("Personer som svarat"), report["people"], previous["people"])
    now, before = report["counts"], previous["counts"]
    if now["available"]:
        for category, name in CATEGORY_NAMES.items():
            row(_(name), figure(now[category], "n"), figure(before[category], "n"))
        row(_("Andel avbrott bland avslutade"), now["avbrott"]["share"],
            before["avbrott"]["share"], share=True)
    rates, earlier = report["response_rates"], previous["response_rates"]
    if rates["available"]:
        for key, occasions in rates["by_questionnaire"].items():
            for occasion, cell in occasions.items():
                old = earlier["by_questionnaire"].get(key, {}).get(occasion)
                name = _("Svarsfrekvens %(questionnaire)s, %(occasion)s") % {
                    "questionnaire": key_name(report, key),
                    "occasion": occasion_name(occasion, _).lower()}
                row(name, figure(cell, "share"), None if old is None else figure(old, "share"),
                    share=True)
    return table


def board_tables(report: dict[str, Any], _: Translate = untranslated) -> list[Table]:
    return [counts_table(report, _), avbrott_table(report, _), rates_table(report, _),
            income_table(report, _), self_supporting_table(report, _),
            comparison_table(report, _)]  # fmt: skip
