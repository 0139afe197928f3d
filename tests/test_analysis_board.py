"""The board's figures (issue 11, redone for issue 21's cell key method): each figure's
exact cells computed by hand (counts by gender, age band and insats, avbrott,
svarsfrekvens, Bortfall, exit outcomes, försörjning start × exit, the previous period),
and the published report's invariants.

The first half of 2025 (previous period: the second half of 2024). Each person has a
record key of their own (KEYS), so a cell's key is checked by hand too: the sum of the
keys of the units counted, a person counted twice adding theirs twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import random
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pytest

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.board_tables import board_tables, share
from analysis.enrolments import EnrolmentColumns
from analysis.figures import FigureInputs, counts, exit_outcomes, income, missing, response_rates
from analysis.from_rows import columns_from_rows
from analysis.income import SELF_SUPPORTING, income_group
from analysis.perturbation import KEY_RANGE, Cell, exact, publish
from analysis.report import build_report_from_csv
from analysis.responses import to_entries
from analysis.rows import GENDERS, AnswerRow
from analysis.selection import Selection
from analysis.shares import MIN_BASE
from analysis.synthetic import make_row, to_csv_text
from analysis.tables import all_tables
from analysis.targets import outcome_target
from questionnaires import Registry

H1 = ReportOptions(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30))
D = dt.date
INDICATORS = "finsam-indikatorer"
SELF = "sjalvskattning"
# P1's key 1_000_001, P2's 2_000_002, ...: a cell's key is the sum of its units'.
KEYS = {f"P{i}": i * 1_000_001 for i in range(1, 9)}
BOARD = (counts, response_rates, missing, exit_outcomes, income)


def key(*people: str) -> int:
    return sum(KEYS[p] for p in people) % KEY_RANGE


def _enrolment(person: str, gender: str, born: int | None, insats: str, start: dt.date,
               end: dt.date | None = None, invited: tuple[tuple[str, str], ...] = (),
               **more: Any) -> EnrolmentRow:  # fmt: skip
    more.setdefault("record_key", KEYS.get(person, sum(map(ord, person))))
    return EnrolmentRow(None, person, gender, "nej", insats, "Skövde", start, end,
                        "arbete" if end else None, invited=frozenset(invited),
                        birth_year=born, **more)  # fmt: skip


def _answer(person: str, gender: str, insats: str, questionnaire: str, occasion: str,
            day: dt.date) -> AnswerRow:  # fmt: skip
    item = "aktivitet" if questionnaire == SELF else "nytta"
    return make_row(participant=person, gender=gender, insats=insats, site="Skövde",
                    questionnaire=questionnaire, occasion=occasion, item=item, value=4,
                    submitted_at=dt.datetime.combine(day, dt.time(10)),
                    record_key=KEYS[person])  # fmt: skip


# P6 ended before the period and P7 starts after it: in neither count. P8 has two
# enrolments, one in each insats: one person in the total, one in each insats.
ENROLMENTS = [
    _enrolment("P1", "kvinna", 1999, "A", D(2024, 10, 1), D(2025, 2, 15),
               ((INDICATORS, "pagaende"), (SELF, "avslut"))),
    _enrolment("P2", "kvinna", 1980, "A", D(2025, 1, 10), None,
               ((SELF, "start"), (INDICATORS, "pagaende"))),
    _enrolment("P3", "man", 1970, "A", D(2025, 3, 15), D(2025, 5, 31),
               ((SELF, "start"), (SELF, "avslut")), left_early=True),
    _enrolment("P4", "man", None, "A", D(2024, 6, 1), None, ((INDICATORS, "pagaende"),)),
    _enrolment("P5", "kvinna", 2008, "A", D(2025, 2, 1), D(2025, 8, 1), ((SELF, "start"),)),
    _enrolment("P6", "man", 1990, "A", D(2024, 1, 1), D(2024, 12, 31)),
    _enrolment("P7", "kvinna", 1985, "A", D(2025, 7, 1)),
    _enrolment("P8", "man", 1960, "A", D(2024, 11, 1), D(2025, 1, 31), ((SELF, "avslut"),)),
    _enrolment("P8", "man", 1960, "B", D(2025, 2, 1)),
]  # fmt: skip
ANSWERS = [
    _answer("P1", "kvinna", "A", INDICATORS, "pagaende", D(2024, 12, 1)),  # before the period
    _answer("P1", "kvinna", "A", SELF, "avslut", D(2025, 2, 14)),
    _answer("P2", "kvinna", "A", SELF, "start", D(2025, 1, 12)),
    _answer("P2", "kvinna", "A", INDICATORS, "pagaende", D(2025, 4, 1)),
    _answer("P3", "man", "A", SELF, "start", D(2025, 3, 16)),
    _answer("P4", "man", "A", INDICATORS, "pagaende", D(2025, 5, 1)),
]


def inputs_for(answers: Sequence[AnswerRow], enrolments: Sequence[EnrolmentRow] | None,
               options: ReportOptions = H1, selection: Selection | None = None) -> FigureInputs:
    """What report.py hands every figure, for `selection` (default the options')."""
    registry = Registry.load()
    selection = selection or options.selection
    entries = to_entries(*columns_from_rows(answers, registry), selection)
    columns = None if enrolments is None else EnrolmentColumns.from_rows(enrolments)
    return FigureInputs(entries, columns, selection, options, None, registry)


@pytest.fixture(scope="module")
def inputs() -> FigureInputs:
    return inputs_for(ANSWERS, ENROLMENTS)


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return build_report(ANSWERS, H1, enrolments=ENROLMENTS)


def test_counts_cells_by_category_gender_age_and_insats(inputs: FigureInputs) -> None:
    cells = counts.cells(inputs)
    figures = exact(cells)
    # enrolled P1 P2 P3 P4 P5 P8; new P2 P3 P5 P8(B); continuing P1 P4 P8(A);
    # ended P1 P3 P8(A); ongoing P2 P4 P5 (ends after the period) P8(B).
    assert {c: figures[c]["n"] for c in counts.CATEGORIES} \
        == {"enrolled": 6, "new": 4, "continuing": 3, "ended": 3, "ongoing": 4}
    # Every gender is listed, 0 too.
    assert figures["enrolled"]["by_gender"] == {"kvinna": 3, "man": 3, "annat": 0, "okänt": 0}
    assert figures["ended"]["by_gender"] == {"kvinna": 1, "man": 2, "annat": 0, "okänt": 0}
    # Age in the year of the first enrolment: P1 2024-1999 = 25, P5 2025-2008 = 17,
    # P2 45, P3 55, P8 2024-1960 = 64, P4 unknown. Every band is listed.
    assert figures["enrolled"]["by_age"] == {"0–15": 0, "16–29": 2, "30–49": 1, "50+": 2,
                                             "okänd": 1}  # fmt: skip
    assert figures["ended"]["by_age"] == {"0–15": 0, "16–29": 1, "30–49": 0, "50+": 2,
                                          "okänd": 0}  # fmt: skip
    assert figures["by_insats"] == {
        "A": {"enrolled": 6, "new": 3, "continuing": 3, "ended": 3, "ongoing": 3},
        "B": {"enrolled": 1, "new": 1, "continuing": 0, "ended": 0, "ongoing": 1},
    }
    # Avbrott per ended enrolment: P1, P3 (left early), P8's enrolment in A.
    assert figures["avbrott"] == {"ended": 3, "left_early": 1}
    # The cell keys: each person once in a count of people.
    assert cells["ended"]["n"] == Cell(3, key("P1", "P3", "P8"))
    assert cells["enrolled"]["by_gender"]["man"] == Cell(3, key("P3", "P4", "P8"))
    assert cells["enrolled"]["by_gender"]["annat"] == Cell(0, 0)
    assert cells["by_insats"]["B"]["enrolled"] == Cell(1, key("P8"))
    assert cells["avbrott"]["left_early"] == Cell(1, key("P3"))


def test_age_bands_follow_the_options() -> None:
    options = dataclasses.replace(H1, age_bands=(18, 25, 65))
    figures = exact(counts.cells(inputs_for(ANSWERS, ENROLMENTS, options)))
    assert figures["enrolled"]["by_age"] == {"0–17": 1, "18–24": 0, "25–64": 4, "65+": 0,
                                             "okänd": 1}  # fmt: skip
    with pytest.raises(ValueError, match="increasing"):
        build_report(ANSWERS, dataclasses.replace(H1, age_bands=(30, 16)), enrolments=ENROLMENTS)


def test_response_rate_cells_per_questionnaire_and_occasion(inputs: FigureInputs) -> None:
    cells = response_rates.cells(inputs)["by_questionnaire"]
    rates = exact(cells)
    # Every occasion the questionnaires' definitions ask at, answered or not; the
    # follow-up questionnaire at each of the förbund's follow-up points.
    assert {k: list(v) for k, v in rates.items()} == {
        INDICATORS: ["pagaende", "avslut"], SELF: ["start", "pagaende", "avslut"],
        "uppfoljning": ["uppfoljning-6", "uppfoljning-12"]}
    # Start: due are the 4 new enrolments; P2 and P3 answered, P5 was invited and did
    # not answer, P8's enrolment in B was never invited.
    assert rates[SELF]["start"] == {
        "due": 4, "answered": 2, "missing": 2,
        "reasons": {"left_early": 0, "no_invitation": 1, "not_answered": 1}}
    assert cells[SELF]["start"]["answered"] == Cell(2, key("P2", "P3"))
    # Avslut: due are the 3 ended; P1 answered, P3 left early, P8 (A) was invited.
    assert rates[SELF]["avslut"] == {
        "due": 3, "answered": 1, "missing": 2,
        "reasons": {"left_early": 1, "no_invitation": 0, "not_answered": 1}}
    assert rates[INDICATORS]["avslut"] == {
        "due": 3, "answered": 0, "missing": 3,
        "reasons": {"left_early": 1, "no_invitation": 2, "not_answered": 0}}
    # Pågående: enrolled at least 90 days by the period's end or their own: all but P3
    # (77 days). P2 and P4 answered in the period; P1 answered before it (invited);
    # P5 and both of P8's enrolments were never invited: P8 adds their key twice.
    assert rates[INDICATORS]["pagaende"] == {
        "due": 6, "answered": 2, "missing": 4,
        "reasons": {"left_early": 0, "no_invitation": 3, "not_answered": 1}}
    assert cells[INDICATORS]["pagaende"]["due"] == Cell(6, key("P1", "P2", "P4", "P5", "P8",
                                                                "P8"))  # fmt: skip
    assert rates[SELF]["pagaende"]["reasons"]["no_invitation"] == 6


def test_days_until_pagaende_is_due_is_an_option() -> None:
    options = dataclasses.replace(H1, pagaende_days=150)
    rates = exact(response_rates.cells(inputs_for(ANSWERS, ENROLMENTS, options)))
    # 150 days: P2 (171), P4 and P8 (B, 149: not), P1 (137: not), P5 (149: not), P8 A (91).
    assert rates["by_questionnaire"][INDICATORS]["pagaende"]["due"] == 2


def test_missing_cells_with_every_reason(inputs: FigureInputs) -> None:
    table = exact(missing.cells(inputs))["by_questionnaire"]
    # Enrolled: the 7 enrolments overlapping the period (P8's two apart).
    assert table[INDICATORS] == {
        "enrolled": 7, "with_start": None, "with_pagaende": 2, "with_avslut": 0,
        "paired": None, "without_avslut": 7,
        "reasons": {"still_enrolled": 4, "left_early": 1, "no_invitation": 2,
                    "not_answered": 0, "unknown": 0}}
    assert table[SELF] == {
        "enrolled": 7, "with_start": 2, "with_pagaende": 0, "with_avslut": 1,
        "paired": 0, "without_avslut": 6,
        "reasons": {"still_enrolled": 4, "left_early": 1, "no_invitation": 0,
                    "not_answered": 1, "unknown": 0}}


def test_missing_cells_from_answers_alone() -> None:
    """From a CSV the enrolled are the enrolments with an answer in the period, and every
    missing avslut answer's reason is unknown."""
    table = exact(missing.cells(inputs_for(ANSWERS, None)))
    assert table["source"] == "csv" and table["note"]
    # In the period: P1 (avslut), P2 (start, pågående), P3 (start), P4 (pågående).
    assert table["by_questionnaire"][SELF] == {
        "enrolled": 4, "with_start": 2, "with_pagaende": 0, "with_avslut": 1, "paired": 0,
        "without_avslut": 3, "reasons": {"still_enrolled": 0, "left_early": 0,
                                         "no_invitation": 0, "not_answered": 0, "unknown": 3}}


def test_exit_outcome_cells_by_gender_and_insats(inputs: FigureInputs) -> None:
    cells = exit_outcomes.cells(inputs)
    figures = exact(cells)
    # Ended: P1, P3 and P8 (A), all to arbete.
    assert figures["ended"] == 3 and figures["work_or_studies"] == {"count": 3}
    assert figures["outcomes"]["arbete"] == {"count": 3}
    assert sum(part["count"] for part in figures["outcomes"].values()) == 3
    assert list(figures["by_gender"]) == list(GENDERS)
    assert figures["by_gender"]["kvinna"]["ended"] == 1
    assert figures["by_gender"]["man"]["outcomes"]["arbete"] == {"count": 2}
    assert figures["by_gender"]["annat"]["ended"] == 0
    assert {name: b["ended"] for name, b in figures["by_insats"].items()} == {"A": 3, "B": 0}
    assert cells["by_gender"]["man"]["work_or_studies"]["count"] == Cell(2, key("P3", "P8"))


def test_exit_outcome_cells_count_every_outcome_and_the_forbunds_list() -> None:
    ended = D(2025, 3, 25)
    rows = [_enrolment(f"K{i}", "kvinna", 1990, "A", D(2025, 1, 2), ended) for i in range(5)]
    rows += [dataclasses.replace(rows[0], participant="K9", exit_outcome="studier"),
             dataclasses.replace(rows[0], participant="K8", exit_outcome="sjukersättning"),
             dataclasses.replace(rows[0], participant="M1", gender="man", exit_outcome=None),
             _enrolment("M2", "man", 1990, "A", D(2025, 1, 2))]  # still enrolled
    figures = exact(exit_outcomes.cells(inputs_for([], rows)))
    assert figures["ended"] == 8 and figures["work_or_studies"] == {"count": 6}
    assert {k: v["count"] for k, v in figures["outcomes"].items() if v["count"]} == {
        "arbete": 5, "studier": 1, "sjukersättning": 1, "okänd": 1}
    assert figures["by_gender"]["kvinna"]["ended"] == 7
    assert figures["by_gender"]["man"]["outcomes"]["okänd"] == {"count": 1}
    own = dataclasses.replace(H1, work_outcomes=("arbete", "sjukersättning"))
    assert exact(exit_outcomes.cells(inputs_for([], rows, own)))["work_or_studies"] == {
        "count": 6}
    with pytest.raises(ValueError, match="unknown exit outcome"):
        exit_outcomes.cells(inputs_for([], rows, dataclasses.replace(H1, work_outcomes=("x",))))


INCOME = [
    ("forsorjningsstod",), ("lon",),  # försörjningsstöd -> egen
    ("sjukpenning", "lon"), ("lon", "studiemedel"),  # Försäkringskassan -> egen
    ("forsorjningsstod", "lon"), ("forsorjningsstod",),  # försörjningsstöd -> försörjningsstöd
    ("ingen",), ("annat", "lon"),  # ingen -> annat
    ("arbetsformedlingen",), None,  # exit not recorded: left out
    (), ("lon",),  # start not recorded: left out
]


def test_income_cells_start_by_exit() -> None:
    pairs = list(zip(INCOME[::2], INCOME[1::2], strict=True))
    enrolments = [
        _enrolment(f"I{n}", "kvinna", 1990, "A", D(2025, 1, 2), D(2025, 5, 1),
                   income_start=start, income_exit=end)
        for n, (start, end) in enumerate(pairs)
    ]
    # One enrolment still ongoing: not in the table although both are recorded.
    enrolments.append(_enrolment("I9", "man", 1990, "A", D(2025, 1, 2), None,
                                 income_start=("lon",), income_exit=("lon",)))
    figures = exact(income.cells(inputs_for(ANSWERS, enrolments)))
    assert (figures["ended"], figures["recorded"]) == (6, 4)
    cells = {(s, e): n for s, row in figures["cells"].items() for e, n in row.items() if n}
    assert cells == {("forsorjningsstod", SELF_SUPPORTING): 1,
                     ("forsakringskassan", SELF_SUPPORTING): 1,
                     ("forsorjningsstod", "forsorjningsstod"): 1, ("ingen", "annat"): 1}
    assert figures["start"] == {"egen_forsorjning": 0, "forsorjningsstod": 2,
                                "forsakringskassan": 1, "arbetsformedlingen": 0, "annat": 0,
                                "ingen": 1}  # fmt: skip
    assert figures["exit"][SELF_SUPPORTING] == 2


def test_income_groups_are_defined_once() -> None:
    assert income_group(("lon", "studiemedel")) == SELF_SUPPORTING
    assert income_group(("lon", "forsorjningsstod")) == "forsorjningsstod"
    assert income_group(("aktivitetsersattning", "arbetsformedlingen")) == "forsakringskassan"
    assert income_group(("ingen", "lon")) == SELF_SUPPORTING
    assert income_group(("ingen",)) == "ingen"
    assert income_group(None) is None and income_group(()) is None


def test_previous_period_cells_use_the_same_rules() -> None:
    selection = H1.selection.previous()
    assert selection is not None
    assert (selection.date_from, selection.date_to) == (D(2024, 7, 1), D(2024, 12, 31))
    before = counts.cells(inputs_for(ANSWERS, ENROLMENTS, selection=selection))
    # Second half of 2024: P1 (new), P4 (continuing), P6 (continuing, ended), P8 (A, new).
    assert {c: exact(before[c]["n"]) for c in counts.CATEGORIES} \
        == {"enrolled": 4, "new": 2, "continuing": 2, "ended": 1, "ongoing": 3}
    # Those ongoing at its end are those continuing into this period: the same people,
    # the same cell, so the same published figure.
    now = counts.cells(inputs_for(ANSWERS, ENROLMENTS))
    assert before["ongoing"]["n"] == now["continuing"]["n"]


def test_the_report_publishes_the_previous_period_with_this_one(report: dict[str, Any]) -> None:
    previous = report["previous"]
    assert (previous["from"], previous["to"]) == ("2024-07-01", "2024-12-31")
    assert previous["counts"]["ongoing"]["n"] == report["counts"]["continuing"]["n"]
    assert set(previous) == {"from", "to", "people", "enrolments", "by_insats", "counts",
                             "response_rates"}
    assert build_report(ANSWERS, dataclasses.replace(H1, date_from=None),
                        enrolments=ENROLMENTS)["previous"] is None  # fmt: skip


def test_previous_period_by_whole_months() -> None:
    def before(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
        previous = Selection(start, end).previous()
        assert previous is not None
        return previous.date_from, previous.date_to  # type: ignore[return-value]

    assert before(D(2025, 1, 1), D(2025, 12, 31)) == (D(2024, 1, 1), D(2024, 12, 31))
    assert before(D(2025, 1, 1), D(2025, 4, 30)) == (D(2024, 9, 1), D(2024, 12, 31))
    assert before(D(2025, 3, 1), D(2025, 3, 31)) == (D(2025, 2, 1), D(2025, 2, 28))
    assert before(D(2025, 11, 1), D(2026, 2, 28)) == (D(2025, 7, 1), D(2025, 10, 31))


def test_a_csv_of_answers_has_no_board_figures() -> None:
    report, errors = build_report_from_csv(io.StringIO(to_csv_text(ANSWERS)), H1)
    assert errors == [] and report is not None
    for name in ("counts", "response_rates", "income", "exit_outcomes"):
        assert report[name]["available"] is False and "CSV" in report[name]["note"]
    assert report["previous"]["counts"]["available"] is False
    names = [table.name for table in all_tables(report)]
    assert {"Antal", "Avbrott", "Andel svar", "Försörjning", "Jämförelse", "Bortfall",
            "Avslutsorsaker", "Arbete eller studier"} <= set(names)


# ---------------------------------------------------------------- published invariants

def _programme(people: int, seed: int) -> tuple[list[EnrolmentRow], list[AnswerRow]]:
    """A programme of `people` with every gender, outcomes, avbrott, försörjning and
    answers at every occasion, some of them in the period H1."""
    rnd = random.Random(seed)  # noqa: S311 (test data)
    enrolments, answers = [], []
    for i in range(people):
        person = f"R{seed}-{i}"
        gender = rnd.choice(("kvinna", "kvinna", "man", "man", "annat", "okänt"))
        start = D(2024, 7, 1) + dt.timedelta(days=rnd.randint(0, 330))
        end = start + dt.timedelta(days=rnd.randint(40, 300)) if rnd.random() < 0.7 else None
        outcome = rnd.choice(("arbete", "studier", "arbetssökande", None)) if end else None
        invited = {(SELF, "start"), (SELF, "avslut"), (INDICATORS, "avslut")}
        enrolments.append(EnrolmentRow(
            None, person, gender, "nej", rnd.choice(("A", "B")), "Skövde", start, end,
            outcome, left_early=rnd.random() < 0.2, invited=frozenset(invited),
            birth_year=rnd.choice((None, 1960, 1985, 2001)),
            income_start=rnd.choice(((), ("forsorjningsstod",), ("sjukpenning",))),
            income_exit=rnd.choice((None, ("lon",), ("forsorjningsstod",))),
            record_key=rnd.randrange(KEY_RANGE)))
        for questionnaire, occasion, day in ((SELF, "start", start), (SELF, "avslut", end),
                                             (INDICATORS, "avslut", end)):
            if day is not None and rnd.random() < 0.8:
                answers.append(make_row(
                    participant=person, gender=gender, insats=enrolments[-1].insats,
                    site="Skövde", questionnaire=questionnaire, occasion=occasion,
                    item="aktivitet" if questionnaire == SELF else "nytta",
                    value=rnd.randint(1, 4), record_key=enrolments[-1].record_key,
                    submitted_at=dt.datetime.combine(day, dt.time(12))))
    return enrolments, answers


def _pairs(exact_tree: Any, published: Any, path: str = "") -> Iterator[tuple[str, int, int]]:
    """(path, exact, published) of every count of two trees of the same shape."""
    if isinstance(exact_tree, dict):
        for name, value in exact_tree.items():
            yield from _pairs(value, published[name], f"{path}/{name}")
    elif isinstance(exact_tree, int) and not isinstance(exact_tree, bool):
        yield path, exact_tree, published


def _shares(tree: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every part of a finished figure that has a share: (path, part)."""
    if isinstance(tree, dict):
        if "share" in tree:
            yield path, tree
        for name, value in tree.items():
            yield from _shares(value, f"{path}/{name}")


BASES = {"count": "ended", "answered": "due", "left_early": "ended"}


@pytest.mark.parametrize(("people", "seed"), [(10, 1), (30, 2), (100, 3)])
def test_published_board_figures_keep_the_invariants(people: int, seed: int) -> None:
    enrolments, answers = _programme(people, seed)
    inputs = inputs_for(answers, enrolments)
    cells = {_name(figure): figure.cells(inputs) for figure in BOARD}
    published = publish(cells)
    counted = list(_pairs(exact(cells), published))
    assert counted
    for path, truth, shown in counted:
        assert shown not in (1, 2), path  # no published count of 1 or 2
        assert truth != 0 or shown == 0, path  # zero stays zero
        assert abs(shown - truth) <= 2, path
    finished: dict[str, Any] = {}
    for figure in BOARD:
        finished.update(figure.finish(published[_name(figure)], inputs))
    assert list(finished) == [_name(figure) for figure in BOARD]
    for path, part in _shares(finished):
        base = next((part[name] for name in ("ended", "due") if name in part), None)
        if base is None:  # a due of 0 is a base too (a follow-up nobody was due)
            base = _base_of(finished, path)
        count = part.get("count", part.get("answered", part.get("left_early")))
        assert (count is None) == (base < MIN_BASE), path  # a small base shows no parts
        assert count is None or count <= base, path  # crossing counts are capped
        assert (part["share"] is None) == (base < MIN_BASE), path
        assert part.get("few", False) == (base < MIN_BASE), path


def _name(figure: Any) -> str:
    return figure.__name__.rpartition(".")[2]


def _base_of(finished: dict[str, Any], path: str) -> int:
    """The published base of a share that does not carry it: an outcome's is its
    group's ended, a self-supporting share's the recorded."""
    parts = path.strip("/").split("/")
    node: Any = finished
    for name in parts[:-2 if parts[-2] in ("outcomes", "self_supporting") else -1]:
        node = node[name]
    return node["ended"] if "ended" in node and parts[0] != "income" else node["recorded"]


def test_the_same_units_are_the_same_published_figure_in_every_table() -> None:
    """The enrolments that ended in the period are one cell, whether as the ended of
    the exit outcomes, of avbrott, of försörjning, or as those due an avslut answer."""
    enrolments, answers = _programme(60, 4)
    report = build_report(answers, H1, enrolments=enrolments)
    ended = report["exit_outcomes"]["ended"]
    assert ended >= 5
    assert report["counts"]["avbrott"]["ended"] == ended
    assert report["income"]["ended"] == ended
    assert report["response_rates"]["by_questionnaire"][SELF]["avslut"]["due"] == ended


def test_work_or_studies_share_and_outcomes_by_gender_are_shown() -> None:
    """Issue 21 point 6: with 5 or more ended (published) the board sees the share that
    went to work or studies, with its target, and the exit outcomes by gender."""
    enrolments, answers = _programme(60, 5)
    options = dataclasses.replace(H1, targets=(outcome_target(0.3),))
    report = build_report(answers, options, enrolments=enrolments)
    outcomes = report["exit_outcomes"]
    assert outcomes["ended"] >= MIN_BASE and outcomes["work_or_studies"]["share"] is not None
    tables = {table.name: table for table in board_tables(report)}
    work = tables["Arbete eller studier"]
    assert work.rows[0][:4] == ["Alla", outcomes["ended"], outcomes["work_or_studies"]["count"],
                                outcomes["work_or_studies"]["share"]]  # fmt: skip
    assert work.rows[0][6] == 0.3 and work.rows[0][7]  # the target and its verdict
    by_gender = tables["Avslutsorsaker"]
    assert [c.title for c in by_gender.columns[3:]] == ["Kvinnor", "Män", "Annat kön", "Okänt"]
    arbete = next(row for row in by_gender.rows if row[0] == "Arbete")
    assert arbete[3:] == [outcomes["by_gender"][g]["outcomes"]["arbete"]["count"]
                          for g in GENDERS]  # fmt: skip
    assert "–" not in [cell for table in tables.values() for row in table.rows for cell in row]


def test_tables_show_every_published_figure(report: dict[str, Any]) -> None:
    tables = {table.name: table for table in board_tables(report)}
    counts_ = report["counts"]
    assert tables["Antal"].rows[0] == ["Totalt", "", *(counts_[c]["n"] for c in counts.CATEGORIES)]
    assert ["Kön", "Annat kön", *(counts_[c]["by_gender"]["annat"] for c in counts.CATEGORIES)] \
        in tables["Antal"].rows
    assert ["Insats", "B", *(counts_["by_insats"]["B"][c] for c in counts.CATEGORIES)] \
        in tables["Antal"].rows
    avbrott = counts_["avbrott"]
    assert tables["Avbrott"].rows == [[avbrott["ended"], avbrott["left_early"],
                                       share(avbrott)]]  # fmt: skip
    # 3 ended: their share says the base is too small rather than a share.
    assert report["exit_outcomes"]["ended"] < MIN_BASE
    assert share(report["exit_outcomes"]["work_or_studies"]) == "färre än 5"


def test_due_is_counted_up_to_the_earlier_of_the_periods_end_and_today() -> None:
    """The one due rule (`response_rates.due`): a pågående answer is due after 90 days
    enrolled, counted up to the period's end, or to today when that is earlier (the
    current month counts up to today)."""
    rows = [_enrolment("P1", "kvinna", 1990, "A", D(2025, 1, 1)),
            _enrolment("P2", "kvinna", 1990, "A", D(2025, 3, 1)),
            _enrolment("P3", "kvinna", 1990, "A", D(2025, 1, 1), D(2025, 2, 1))]
    columns = EnrolmentColumns.from_rows(rows)
    everyone = np.arange(3)
    month = Selection(D(2025, 5, 1), D(2025, 5, 31))
    # By 31 May: P1 150 days, P2 91, P3 ended after 31 days.
    assert response_rates.due("pagaende", columns, everyone, month, 90,
                              today=D(2026, 1, 1)).tolist() == [True, True, False]
    # Today 15 May: P2 has been enrolled 75 days only.
    assert response_rates.due("pagaende", columns, everyone, month, 90,
                              today=D(2025, 5, 15)).tolist() == [True, False, False]
    # Start: started in the period; avslut: ended in it.
    assert response_rates.due("start", columns, everyone, Selection(D(2025, 3, 1), D(2025, 3, 31)),
                              90).tolist() == [False, True, False]
    assert response_rates.due("avslut", columns, everyone, Selection(D(2025, 2, 1), D(2025, 2, 28)),
                              90).tolist() == [False, False, True]
