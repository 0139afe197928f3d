"""The disclosure rule: the report says nothing about fewer than `min_group` people,
directly or by subtraction. Every output (JSON, text, PDF, Excel, the web page) renders
the report this module has already cut, so the rule lives here and nowhere else.

The rule, applied once to the whole report by `disclose`:

1. A **total** under `min_group` (an item's answers, a dimension's pairs, the ended
   enrolments, the people of the report) is hidden whole: no count, share, interval or
   distribution, only "färre än N".
2. Cells that add up to a published figure form a **line** (the groups of one breakdown
   add up to the item's total; the exit outcomes of one gender add up to that gender's
   ended enrolments, and so on). In every line the hidden cells are either none, or at
   least two that together hold at least `min_group` people, and more people than there
   are hidden cells (`hide_line`). Subtracting the shown cells from the line's total then
   only gives the sum of two or more hidden cells, never one of them, and that sum is
   itself about `min_group` people or more. Where more must be hidden, the smallest cell
   goes first, kvinnor and män last, so a board can still report both. Exit outcomes by
   gender are a two-way table: rows and columns are lines, repeated until all keep it.
   The board's counts (`_disclose_counts`) are lines too: each category's groups by
   gender, age band and insats add up to it, and enrolled = new + continuing = ended +
   ongoing in total and per group, over this and the previous period at once; a figure
   the same as one hidden elsewhere (the ended in the exit outcomes, avbrott, the
   svarsfrekvens at avslut) is hidden with it. `hide_lines` applies the rule to any set
   of lines; `_hide_two_way` is the case of a table with both margins.
3. People whose gender is annat or okänt are **left out of every table** when they are
   fewer than `min_group` together (`leave_out_small_gender_group`), and the report says
   so in one sentence without their number. Otherwise one person of another gender would
   force kvinnor or män to be hidden.

Targets are checked after the cut, on the cells as published (`analysis/report.py`), so
a target shows nothing its cell does not.

Zero counts are shown: they are about nobody. A hidden union whose members all gave the
same answer tells what a published group of that size would: at least `min_group` people.
`tests/test_disclosure_attack.py` tries to solve for every hidden cell.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields, replace
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from .codes import Codes
from .i18n import Translate, untranslated
from .income import SELF_SUPPORTING

if TYPE_CHECKING:
    from .enrolments import EnrolmentColumns
    from .entries import Entries
    from .selection import Selection

_Columns = TypeVar("_Columns", "Entries", "EnrolmentColumns")
_Key = TypeVar("_Key")

DEFAULT_MIN_GROUP = 5
# Complementary suppression hides these last: a report by gender needs both.
KEPT_VISIBLE = ("kvinna", "man")
OTHER_GENDERS = ("annat", "okänt")


def suppressed() -> dict[str, bool]:
    return {"suppressed": True}


def is_suppressed(cell: Any) -> bool:
    return isinstance(cell, dict) and cell.get("suppressed") is True


def hide_line(
    sizes: dict[str, int], min_group: int, hidden: Iterable[str] = ()
) -> set[str] | None:
    """The keys of one line to hide: every cell of 1..min_group-1 people, those in
    `hidden` already, and as few more as it takes to leave none (or only zeros), or at
    least two that together hold at least `min_group`. None when the line's cells cannot do it (its
    total must then be hidden too)."""
    out = {key for key, size in sizes.items() if 0 < size < min_group} | set(hidden)
    # Hidden cells that add up to 0 are about nobody, whatever is shown around them. A
    # hidden cell is known to hold someone (zeros are shown), so k hidden cells holding k
    # people would each be known to be 1: the sum must exceed the number of cells.
    while (total := sum(sizes[key] for key in out)) > 0 and (
        len(out) < 2 or total < min_group or total <= len(out)
    ):
        candidates = [key for key, size in sizes.items() if key not in out and size > 0]
        if not candidates:
            return None
        out.add(min(candidates, key=lambda key: (key in KEPT_VISIBLE, sizes[key], key)))
    return out


def suppress_breakdown(
    cells: dict[str, dict[str, Any]], size_key: str, min_group: int
) -> dict[str, dict[str, Any]]:
    """One breakdown (groups that add up to a shown total) with its hidden groups replaced
    by {"suppressed": true}. `size_key` names a cell's number of people ("n", "pairs")."""
    hidden = hide_line({group: cell[size_key] for group, cell in cells.items()}, min_group)
    if hidden is None:
        # Only when every group is one person: then even the list of groups would tell
        # each group's count, so the breakdown is left out.
        return {}
    return {group: suppressed() if group in hidden else cell for group, cell in cells.items()}


# --- the gender rule (before any table is built) ---------------------------------------
def leave_out_small_gender_group(
    entries: Entries, enrolments: EnrolmentColumns | None, selection: Selection, min_group: int
) -> tuple[Entries, EnrolmentColumns | None, bool]:
    """(entries, enrolments, whether anyone was left out): without the people of annat or
    okänt gender when there are 1..min_group-1 of them in the report."""
    people = _other_gender(entries.gender, entries.participant, entries.in_period)
    if enrolments is not None:
        people |= _other_gender(enrolments.gender, enrolments.participant,
                                enrolments.selected(selection))  # fmt: skip
    if not people or len(people) >= min_group:
        return entries, enrolments, False
    if enrolments is not None:
        enrolments = without_people(enrolments, people)
    return without_people(entries, people), enrolments, True


def _other_gender(gender: Codes, participant: Codes, rows: np.ndarray) -> set[str]:
    chosen = participant.codes[np.flatnonzero(gender.where(OTHER_GENDERS.__contains__) & rows)]
    return {participant.names[code] for code in np.unique(chosen).tolist()}


def without_people(columns: _Columns, left_out: set[str]) -> _Columns:
    """`columns` (Entries or EnrolmentColumns) without the rows of `left_out` people.

    Generic over the dataclass's fields, so a new column is filtered without a change
    here: per-row arrays, `Codes`, dicts of per-row masks and the per-row `key` list.
    """
    keep = ~columns.participant.where(left_out.__contains__)
    count = len(keep)
    changes: dict[str, Any] = {}
    for f in fields(columns):
        value = getattr(columns, f.name)
        if isinstance(value, Codes):
            changes[f.name] = Codes(value.codes[keep], value.names)
        elif isinstance(value, np.ndarray) and value.ndim and value.shape[0] == count:
            changes[f.name] = value[keep]
        elif isinstance(value, dict) and all(isinstance(v, np.ndarray) for v in value.values()):
            changes[f.name] = {k: v[keep] for k, v in value.items()}
        elif f.name == "key":
            changes[f.name] = [k for k, kept in zip(value, keep.tolist(), strict=True) if kept]
    return replace(columns, **changes)


def left_out_note(min_group: int, _: Translate = untranslated) -> str:
    return _(
        "Personer med annan eller okänd könstillhörighet är färre än %(n)s och ingår "
        "därför inte i rapportens tabeller, så att ingen av dem kan identifieras."
    ) % {"n": min_group}


# --- the whole report ---------------------------------------------------------------------
def disclose(report: dict[str, Any]) -> dict[str, Any]:
    """The report with every figure the rule forbids replaced by {"suppressed": true}."""
    m = report["selection"]["min_group"]
    few = report["people"] < m
    if few:
        report["people"] = suppressed()
        report["enrolments"] = suppressed()
        report["answers_period"] = {"first": None, "last": None}
    report["by_insats"] = _disclose_insatser(report["by_insats"], m, few)
    for occasions in report["indicators_by_version"].values():
        for items in occasions.values():
            for item, cell in items.items():
                items[item] = _disclose_item(cell, m)
    for dimensions in report["change_by_version"].values():
        for dimension, cell in dimensions.items():
            dimensions[dimension] = _disclose_change(cell, m)
    # The convenience copies point at the same dicts; re-point them after replacing.
    if report["indicators_version"]:
        report["indicators"] = report["indicators_by_version"][report["indicators_version"]]
    if report["change_version"]:
        report["change"] = report["change_by_version"][report["change_version"]]
    for coverage in report["change_coverage"].values():
        _disclose_coverage(coverage, m)
    _disclose_missing(report["missing"], m)
    previous = report.get("previous")
    hidden = _disclose_counts(report["counts"], previous["counts"] if previous else None, m)
    _disclose_outcomes(report["exit_outcomes"], m, "ended" in hidden[0],
                       _hidden_ended_groups(report["counts"]))
    _disclose_income(report["income"], m, "ended" in hidden[0])
    for part, categories in zip((report, previous), hidden, strict=True):
        if part is None:
            continue
        _disclose_avbrott(part["counts"], m, categories)
        _disclose_rates(part["response_rates"], m, categories)
    if previous is not None and previous["people"] < m:
        previous["people"] = suppressed()
    return report


def _disclose_insatser(by_insats: dict[str, dict[str, int]], m: int, few: bool) -> dict[str, Any]:
    if few:
        return {name: suppressed() for name in by_insats}
    return suppress_breakdown(by_insats, "people", m)


def _disclose_item(cell: dict[str, Any], m: int) -> dict[str, Any]:
    if cell["n"] < m:
        return suppressed()
    for key, groups in cell.items():
        if key.startswith("by_"):
            cell[key] = suppress_breakdown(groups, "n", m)
    return cell


def _disclose_change(cell: dict[str, Any], m: int) -> dict[str, Any]:
    if cell["pairs"] < m:
        return suppressed()
    cell["by_gender"] = suppress_breakdown(cell["by_gender"], "pairs", m)
    return cell


def _disclose_coverage(coverage: dict[str, Any], m: int) -> None:
    """The people in pairs are a count within the enrolled, as the missing table's
    `paired` is within its enrolled: hidden (with the share) when 1..m-1; the enrolled
    hidden when under m."""
    people, enrolled = coverage["in_pairs"], coverage["enrolled"]
    if 0 < people < m:
        coverage.update(in_pairs=suppressed(), share=suppressed())
    if enrolled is not None and enrolled < m:
        coverage.update(enrolled=suppressed(), share=suppressed())


def _disclose_missing(missing: dict[str, Any], m: int) -> None:
    """Per questionnaire: enrolled = with avslut + without (the reasons add up to it)."""
    for key, row in missing["by_questionnaire"].items():
        if row["enrolled"] < m:
            missing["by_questionnaire"][key] = suppressed()
            continue
        for field in ("with_start", "with_pagaende", "paired"):
            if row[field] is not None and 0 < row[field] < m:
                row[field] = suppressed()
        split = {"with_avslut": row["with_avslut"], "without_avslut": row["without_avslut"]}
        hidden = _or_all(hide_line(split, m), split)
        reasons = row["reasons"]
        if "without_avslut" in hidden:
            row["reasons"] = {reason: suppressed() for reason in reasons}
        else:
            hide = _or_all(hide_line(reasons, m), reasons)
            row["reasons"] = {r: suppressed() if r in hide else n for r, n in reasons.items()}
        for field in hidden:
            row[field] = suppressed()


def _hidden_ended_groups(counts: dict[str, Any]) -> dict[str, set[str]]:
    """The genders and insatser whose number ended the board's counts hide: the exit
    outcomes publish the same figures, so they must hide them too."""
    if not counts["available"] or is_suppressed(counts["ended"]):
        return {"by_gender": set(), "by_insats": set()}
    return {
        "by_gender": {g for g, n in counts["ended"]["by_gender"].items() if is_suppressed(n)},
        "by_insats": {i for i, cells in counts["by_insats"].items()
                      if is_suppressed(cells["ended"])},
    }  # fmt: skip


def _disclose_outcomes(outcomes: dict[str, Any], m: int, ended_hidden: bool = False,
                       hidden_groups: dict[str, set[str]] | None = None) -> None:
    """Exit outcome × gender, with both margins published: every row and column is a
    line; hiding repeats until every line keeps the rule. Then work or studies (the sum
    of the förbund's counted outcomes) and its split by insats (`_disclose_work_by_insats`).
    `ended_hidden`: the board's count of ended (the same figure) is hidden, so this one is
    too; `hidden_groups`: the genders and insatser whose ended the counts hide."""
    hidden_groups = hidden_groups or {"by_gender": set(), "by_insats": set()}
    if not outcomes["available"]:
        return
    if outcomes["ended"] < m or ended_hidden:
        outcomes.update(
            ended=suppressed(), work_or_studies=suppressed(),
            outcomes={key: suppressed() for key in outcomes["outcomes"]},
            by_gender={gender: suppressed() for gender in outcomes["by_gender"]},
            by_insats={insats: suppressed() for insats in outcomes["by_insats"]},
        )  # fmt: skip
        return
    keys = list(outcomes["outcomes"])
    genders = list(outcomes["by_gender"])
    totals = {k: outcomes["outcomes"][k]["count"] for k in keys}
    ended = {g: outcomes["by_gender"][g]["ended"] for g in genders}
    cell = {(k, g): outcomes["by_gender"][g]["outcomes"][k] for k in keys for g in genders}
    hidden, hidden_totals, hidden_genders = _hide_two_way(
        cell, totals, ended, m, hidden_columns=hidden_groups["by_gender"] & set(genders))
    for k in hidden_totals:
        outcomes["outcomes"][k] = suppressed()
    counted = set(outcomes["counted"])
    # Work or studies splits the line of outcomes in two: published, it tells the sum of
    # the hidden counted outcomes and (from the total) of the hidden others. Each of
    # those sums must itself keep the rule.
    work_hidden = not all(
        _keeps_rule(totals, part, m)
        for part in (hidden_totals & counted, hidden_totals - counted)
    )
    if _disclose_work_by_insats(outcomes, m, work_hidden, hidden_groups["by_insats"]):
        outcomes["work_or_studies"] = suppressed()
    by_gender = {}
    for g in genders:
        if g in hidden_genders:
            by_gender[g] = suppressed()
        else:
            by_gender[g] = {
                "ended": ended[g],
                "outcomes": {k: suppressed() if (k, g) in hidden else cell[(k, g)] for k in keys},
            }
    outcomes["by_gender"] = by_gender


def _keeps_rule(sizes: dict[str, int], hidden: set[str], m: int) -> bool:
    """Whether the sum of these hidden cells may be known: none, or a valid hidden line."""
    if not hidden:
        return True
    return hide_line({key: sizes[key] for key in hidden}, m, hidden) == hidden


WORK, REST = "work_or_studies", "rest"


def _disclose_work_by_insats(outcomes: dict[str, Any], m: int, work_hidden: bool,
                             ended_hidden: Iterable[str] = ()) -> bool:
    """Ended and work or studies per insats: a two-way table (work or studies / the rest
    × insats) under the published ended per insats and the total; returns whether work
    or studies must be hidden in total too. `ended_hidden`: insatser whose ended another
    table hides."""
    by_insats = outcomes["by_insats"]
    ended = {i: by_insats[i]["ended"] for i in by_insats}
    work = {i: by_insats[i]["work_or_studies"]["count"] for i in by_insats}
    cell = {(row, i): (work[i] if row == WORK else ended[i] - work[i])
            for row in (WORK, REST) for i in by_insats}  # fmt: skip
    rows = {row: sum(cell[(row, i)] for i in by_insats) for row in (WORK, REST)}
    hidden, hidden_rows, hidden_insatser = _hide_two_way(
        cell, rows, ended, m, {WORK, REST} if work_hidden else set(),
        set(ended_hidden) & set(by_insats))
    outcomes["by_insats"] = {
        i: suppressed() if i in hidden_insatser else {
            "ended": ended[i],
            "work_or_studies": (suppressed() if (WORK, i) in hidden
                                else by_insats[i]["work_or_studies"]),
        }
        for i in by_insats
    }  # fmt: skip
    return work_hidden or WORK in hidden_rows


def hide_lines(
    sizes: dict[_Key, int], lines: list[tuple[_Key, list[_Key]]], m: int,
    already: Iterable[_Key] = (),
) -> set[_Key]:
    """The figures to hide among `sizes` (people per figure), where each line's members
    add up to its total and a figure may be in several lines (a two-way table's cell is
    in its row and its column; a row's total is in the line of row totals). `already`
    are figures another part of the report hides.

    Every figure of 1..m-1 people is hidden; each line keeps the rule (`hide_line`) with
    the members hidden so far; a hidden total hides its members; a line that cannot keep
    the rule hides all its members and its total, unless that total is in no line (a top
    figure of at least m people, which tells about no one). Repeats until nothing
    changes (hiding only grows, so it ends)."""
    inner = {key for _, members in lines for key in members}
    hidden = {key for key, n in sizes.items() if 0 < n < m} | set(already)
    changed = True
    while changed:
        changed = False
        for total, members in lines:
            if total in hidden:
                more = set(members)
            else:
                line = {key: sizes[key] for key in members}
                keep = hide_line(line, m, hidden.intersection(members))  # type: ignore[arg-type]
                more = keep if keep is not None else {*members, *({total} & inner)}
            if more - hidden:
                hidden |= more
                changed = True
    return hidden


# --- the board's counts, response rates and försörjning ---------------------------------
_CATEGORIES = ("enrolled", "new", "continuing", "ended", "ongoing")
# enrolled = new + continuing = ended + ongoing, in total and in every group.
_PARTS = (("new", "continuing"), ("ended", "ongoing"))
# Response rates whose number due is a count of the board's: due at start are the new,
# due at avslut the ended.
_DUE_IS = {"start": "new", "avslut": "ended"}


def _count_figures(counts: dict[str, Any]) -> dict[tuple[str, str, str], int]:
    """(category, breakdown, group) -> people; the category's total has breakdown ""."""
    out = {}
    for category in _CATEGORIES:
        cell = counts[category]
        out[(category, "", "")] = cell["n"]
        for breakdown in ("by_gender", "by_age"):
            for group, n in cell[breakdown].items():
                out[(category, breakdown, group)] = n
        for insats, cells in counts["by_insats"].items():
            out[(category, "by_insats", insats)] = cells[category]
    return out


def _disclose_counts(
    counts: dict[str, Any], before: dict[str, Any] | None, m: int
) -> tuple[set[str], set[str]]:
    """The board's counts of this period and (when given) the previous one, hidden
    together; returns each period's hidden categories (totals).

    Lines: each category's groups of one breakdown add up to its total, and in total and
    in every group enrolled = new + continuing = ended + ongoing. Those ongoing at the
    previous period's end are those continuing into this one: where the two figures are
    equal they are one figure, hidden in both reports or in neither.
    """
    periods = [(p, c) for p, c in (("now", counts), ("before", before))
               if c is not None and c["available"]]  # fmt: skip
    figures = {p: _count_figures(c) for p, c in periods}
    alias: dict[tuple[str, ...], tuple[str, ...]] = {}
    if len(periods) == 2:
        for (category, breakdown, group), n in figures["before"].items():
            same = ("continuing", breakdown, group)
            # Zeros are shown whatever hides around them: only people need one fate.
            if category == "ongoing" and n > 0 and figures["now"].get(same) == n:
                alias[("before", category, breakdown, group)] = ("now", *same)

    def key(period: str, category: str, breakdown: str = "", group: str = "") -> Any:
        plain = (period, category, breakdown, group)
        return alias.get(plain, plain)

    sizes = {key(p, *k): n for p, found in figures.items() for k, n in found.items()}
    lines: list[tuple[Any, list[Any]]] = []
    for period, found in figures.items():
        groups = sorted({(b, g) for (_, b, g) in found if b})
        for category in _CATEGORIES:
            for breakdown in ("by_gender", "by_age", "by_insats"):
                lines.append((key(period, category), [
                    key(period, category, b, g) for b, g in groups if b == breakdown]))
        for breakdown, group in [("", ""), *groups]:
            for parts in _PARTS:
                lines.append((key(period, "enrolled", breakdown, group),
                              [key(period, part, breakdown, group) for part in parts]))
    hidden = hide_lines(sizes, lines, m)
    out: dict[str, set[str]] = {"now": set(), "before": set()}
    for period, c in periods:
        gone = out[period]
        for category in _CATEGORIES:
            if key(period, category) in hidden:
                gone.add(category)
                c[category] = suppressed()
                continue
            for breakdown in ("by_gender", "by_age"):
                groups = c[category][breakdown]
                for group in groups:
                    if key(period, category, breakdown, group) in hidden:
                        groups[group] = suppressed()
        for insats, cells in c["by_insats"].items():
            for category in _CATEGORIES:
                if key(period, category, "by_insats", insats) in hidden:
                    cells[category] = suppressed()
    return out["now"], out["before"]


def _disclose_avbrott(counts: dict[str, Any], m: int, hidden: set[str]) -> None:
    """Left early + completed = ended: a line under the ended (hidden with them)."""
    if not counts["available"]:
        return
    avbrott = counts["avbrott"]
    if "ended" in hidden or avbrott["ended"] < m:
        counts["avbrott"] = {key: suppressed() for key in avbrott}
        return
    split = {"left_early": avbrott["left_early"],
             "completed": avbrott["ended"] - avbrott["left_early"]}  # fmt: skip
    if "left_early" in _or_all(hide_line(split, m), split):
        avbrott.update(left_early=suppressed(), share=suppressed())


def _disclose_rates(rates: dict[str, Any], m: int, hidden: set[str]) -> None:
    """Per questionnaire and occasion: answered + missing = due, and the reasons add up
    to the missing. A rate whose number due is a hidden count is hidden whole."""
    if not rates["available"]:
        return
    for occasions in rates["by_questionnaire"].values():
        for occasion, cell in occasions.items():
            if cell["due"] < m or _DUE_IS.get(occasion) in hidden:
                occasions[occasion] = suppressed()
                continue
            split = {"answered": cell["answered"], "missing": cell["missing"]}
            gone = _or_all(hide_line(split, m), split)
            reasons = cell["reasons"]
            hide = set(reasons) if "missing" in gone else _or_all(hide_line(reasons, m), reasons)
            cell["reasons"] = {r: suppressed() if r in hide else n for r, n in reasons.items()}
            for field in gone:
                cell[field] = suppressed()
            if "answered" in gone:
                cell["share"] = suppressed()


def _disclose_income(income: dict[str, Any], m: int, ended_hidden: bool) -> None:
    """Försörjning start × exit: a two-way table under the recorded (`_hide_two_way`);
    recorded + not recorded = ended, which the exit outcomes publish."""
    if not income["available"]:
        return
    whole = income["recorded"] < m
    if ended_hidden:
        income["ended"] = suppressed()
    else:
        split = {"recorded": income["recorded"],
                 "not_recorded": income["ended"] - income["recorded"]}  # fmt: skip
        whole |= "recorded" in _or_all(hide_line(split, m), split)
    groups = list(income["start"])
    if whole:
        income.update(
            recorded=suppressed(),
            start={g: suppressed() for g in groups}, exit={g: suppressed() for g in groups},
            cells={s: {e: suppressed() for e in groups} for s in groups},
            self_supporting={"start": suppressed(), "exit": suppressed()},
        )  # fmt: skip
        return
    cell = {(s, e): income["cells"][s][e] for s in groups for e in groups}
    hidden, rows, columns = _hide_two_way(cell, income["start"], income["exit"], m)
    income["cells"] = {s: {e: suppressed() if (s, e) in hidden else cell[(s, e)]
                           for e in groups} for s in groups}  # fmt: skip
    for side, gone in (("start", rows), ("exit", columns)):
        income[side] = {g: suppressed() if g in gone else n for g, n in income[side].items()}
        if SELF_SUPPORTING in gone:
            income["self_supporting"][side] = suppressed()


def _hide_two_way(
    cell: dict[tuple[str, str], int], rows: dict[str, int], columns: dict[str, int], m: int,
    hidden_rows: Iterable[str] = (), hidden_columns: Iterable[str] = (),
) -> tuple[set[tuple[str, str]], set[str], set[str]]:
    """(hidden cells, hidden row totals, hidden column totals) of a table whose row and
    column totals add up to a shown grand total: every row and every column is a line,
    and so are the row totals and the column totals (`hide_lines`). `hidden_rows` and
    `hidden_columns` are totals another table of the report already hides."""
    sizes: dict[Any, int] = {("all",): sum(rows.values())}
    sizes.update({("row", r): n for r, n in rows.items()})
    sizes.update({("column", c): n for c, n in columns.items()})
    sizes.update({("cell", r, c): n for (r, c), n in cell.items()})
    lines: list[tuple[Any, list[Any]]] = [
        (("all",), [("row", r) for r in rows]),
        (("all",), [("column", c) for c in columns]),
        *((("row", r), [("cell", r, c) for c in columns]) for r in rows),
        *((("column", c), [("cell", r, c) for r in rows]) for c in columns),
    ]
    hidden = hide_lines(sizes, lines, m, {*(("row", r) for r in hidden_rows),
                                          *(("column", c) for c in hidden_columns)})
    return ({(r, c) for (r, c) in cell if ("cell", r, c) in hidden},
            {r for r in rows if ("row", r) in hidden},
            {c for c in columns if ("column", c) in hidden})  # fmt: skip


def _or_all(hidden: set[str] | None, keys: Iterable[str]) -> set[str]:
    """A line that cannot keep the rule with its cells hides them all (and its total)."""
    return set(keys) if hidden is None else hidden
