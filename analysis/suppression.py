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

if TYPE_CHECKING:
    from .enrolments import EnrolmentColumns
    from .entries import Entries
    from .selection import Selection

_Columns = TypeVar("_Columns", "Entries", "EnrolmentColumns")

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
    _disclose_outcomes(report["exit_outcomes"], m)
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


def _disclose_outcomes(outcomes: dict[str, Any], m: int) -> None:
    """Exit outcome × gender, with both margins published: every row and column is a
    line; hiding repeats until every line keeps the rule. Then work or studies (the sum
    of the förbund's counted outcomes) and its split by insats (`_disclose_work_by_insats`)."""
    if not outcomes["available"]:
        return
    if outcomes["ended"] < m:
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
    hidden, hidden_totals, hidden_genders = _hide_two_way(cell, totals, ended, m)
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
    if _disclose_work_by_insats(outcomes, m, work_hidden):
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


def _disclose_work_by_insats(outcomes: dict[str, Any], m: int, work_hidden: bool) -> bool:
    """Ended and work or studies per insats: a two-way table (work or studies / the rest
    × insats) under the published ended per insats and the total; returns whether work
    or studies must be hidden in total too."""
    by_insats = outcomes["by_insats"]
    ended = {i: by_insats[i]["ended"] for i in by_insats}
    work = {i: by_insats[i]["work_or_studies"]["count"] for i in by_insats}
    cell = {(row, i): (work[i] if row == WORK else ended[i] - work[i])
            for row in (WORK, REST) for i in by_insats}  # fmt: skip
    rows = {row: sum(cell[(row, i)] for i in by_insats) for row in (WORK, REST)}
    hidden, hidden_rows, hidden_insatser = _hide_two_way(
        cell, rows, ended, m, {WORK, REST} if work_hidden else set())
    outcomes["by_insats"] = {
        i: suppressed() if i in hidden_insatser else {
            "ended": ended[i],
            "work_or_studies": (suppressed() if (WORK, i) in hidden
                                else by_insats[i]["work_or_studies"]),
        }
        for i in by_insats
    }  # fmt: skip
    return work_hidden or WORK in hidden_rows


def _hide_two_way(
    cell: dict[tuple[str, str], int], rows: dict[str, int], columns: dict[str, int], m: int,
    hidden_rows: Iterable[str] = (),
) -> tuple[set[tuple[str, str]], set[str], set[str]]:
    """(hidden cells, hidden row totals, hidden column totals) of a table whose row and
    column totals add up to a shown grand total. Every row and every column is a line;
    a line that cannot keep the rule hides its total too, which then joins the line of
    totals. Repeats until nothing changes (hiding only grows, so it ends). `hidden_rows`
    are row totals another table of the report already hides."""
    sizes = (rows, columns)
    margins = [_or_all(hide_line(rows, m, hidden_rows), rows),
               _or_all(hide_line(columns, m), columns)]
    hidden = {(r, c) for (r, c), n in cell.items()
              if 0 < n < m or r in margins[0] or c in margins[1]}  # fmt: skip

    def at(axis: int, line: str, other: str) -> tuple[str, str]:
        return (line, other) if axis == 0 else (other, line)

    changed = True
    while changed:
        changed = False
        for axis in (0, 1):
            across = sizes[1 - axis]
            for line in sizes[axis]:
                if line not in margins[axis]:
                    already = [o for o in across if at(axis, line, o) in hidden]
                    keep = hide_line({o: cell[at(axis, line, o)] for o in across}, m, already)
                    if keep is None:
                        margins[axis] = _or_all(
                            hide_line(sizes[axis], m, margins[axis] | {line}), sizes[axis])
                if line in margins[axis]:
                    keep = set(across)
                changed |= _grow(hidden, {at(axis, line, o) for o in keep})
    return hidden, margins[0], margins[1]


def _or_all(hidden: set[str] | None, keys: Iterable[str]) -> set[str]:
    """A line that cannot keep the rule with its cells hides them all (and its total)."""
    return set(keys) if hidden is None else hidden


def _grow(hidden: set[tuple[str, str]], more: set[tuple[str, str]]) -> bool:
    new = more - hidden
    hidden |= new
    return bool(new)
