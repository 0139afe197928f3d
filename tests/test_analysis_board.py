"""The board's figures, computed by hand: counts by gender, age band and insats, avbrott,
svarsfrekvens, försörjning start × exit and the previous period (issue 11).

The first half of 2025 (previous period: the second half of 2024), min_group 1 so that
every figure is shown; the disclosure of these figures is tested at the end and in
test_disclosure_attack.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import pytest

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.board_tables import board_tables
from analysis.income import SELF_SUPPORTING, income_group
from analysis.report import build_report_from_csv
from analysis.rows import AnswerRow
from analysis.selection import Selection
from analysis.synthetic import make_row, to_csv_text
from analysis.tables import all_tables

from .disclosure_attack import attack, hidden
from .test_disclosure_attack import truth_for

H1 = ReportOptions(date_from=dt.date(2025, 1, 1), date_to=dt.date(2025, 6, 30), min_group=1)
D = dt.date
INDICATORS = "finsam-indikatorer"
SELF = "sjalvskattning"


def _enrolment(person: str, gender: str, born: int | None, insats: str, start: dt.date,
               end: dt.date | None = None, invited: tuple[tuple[str, str], ...] = (),
               **more: Any) -> EnrolmentRow:  # fmt: skip
    return EnrolmentRow(None, person, gender, "nej", insats, "Skövde", start, end,
                        "arbete" if end else None, invited=frozenset(invited),
                        birth_year=born, **more)  # fmt: skip


def _answer(person: str, gender: str, insats: str, questionnaire: str, occasion: str,
            day: dt.date) -> AnswerRow:  # fmt: skip
    item = "aktivitet" if questionnaire == SELF else "nytta"
    return make_row(participant=person, gender=gender, insats=insats, site="Skövde",
                    questionnaire=questionnaire, occasion=occasion, item=item, value=4,
                    submitted_at=dt.datetime.combine(day, dt.time(10)))  # fmt: skip


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


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    return build_report(ANSWERS, H1, enrolments=ENROLMENTS)


def test_counts_by_category_gender_age_and_insats(report: dict[str, Any]) -> None:
    counts = report["counts"]
    # enrolled P1 P2 P3 P4 P5 P8; new P2 P3 P5 P8(B); continuing P1 P4 P8(A);
    # ended P1 P3 P8(A); ongoing P2 P4 P5 (ends after the period) P8(B).
    assert {c: counts[c]["n"] for c in ("enrolled", "new", "continuing", "ended", "ongoing")} \
        == {"enrolled": 6, "new": 4, "continuing": 3, "ended": 3, "ongoing": 4}
    assert counts["enrolled"]["by_gender"] == {"kvinna": 3, "man": 3}
    assert counts["ended"]["by_gender"] == {"kvinna": 1, "man": 2}
    # Age in the year of the first enrolment: P1 2024-1999 = 25, P5 2025-2008 = 17,
    # P2 45, P3 55, P8 2024-1960 = 64, P4 unknown.
    assert counts["enrolled"]["by_age"] == {"16–29": 2, "30–49": 1, "50+": 2, "okänd": 1}
    assert counts["ended"]["by_age"] == {"16–29": 1, "30–49": 0, "50+": 2, "okänd": 0}
    assert counts["new"]["by_age"] == {"16–29": 1, "30–49": 1, "50+": 2, "okänd": 0}
    assert counts["by_insats"] == {
        "A": {"enrolled": 6, "new": 3, "continuing": 3, "ended": 3, "ongoing": 3},
        "B": {"enrolled": 1, "new": 1, "continuing": 0, "ended": 0, "ongoing": 1},
    }


def test_age_bands_follow_the_options() -> None:
    options = dataclasses.replace(H1, age_bands=(18, 25, 65))
    counts = build_report(ANSWERS, options, enrolments=ENROLMENTS)["counts"]
    # 17 is under the first band, which is then listed; nobody is 65 or older.
    assert counts["enrolled"]["by_age"] == {"0–17": 1, "18–24": 0, "25–64": 4, "65+": 0,
                                            "okänd": 1}  # fmt: skip
    with pytest.raises(ValueError, match="increasing"):
        build_report(ANSWERS, dataclasses.replace(H1, age_bands=(30, 16)), enrolments=ENROLMENTS)


def test_avbrott_among_the_ended(report: dict[str, Any]) -> None:
    # Ended in the period: P1, P3 (left early), P8's enrolment in A.
    assert report["counts"]["avbrott"] == {"ended": 3, "left_early": 1, "share": 0.3333}


def test_response_rates_per_questionnaire_and_occasion(report: dict[str, Any]) -> None:
    rates = report["response_rates"]["by_questionnaire"]
    # Start: due are the 4 new enrolments; P2 and P3 answered, P5 was invited and did
    # not answer, P8's enrolment in B was never invited.
    assert rates[SELF]["start"] == {
        "due": 4, "answered": 2, "missing": 2, "share": 0.5,
        "reasons": {"left_early": 0, "no_invitation": 1, "not_answered": 1}}
    # Avslut: due are the 3 ended; P1 answered, P3 left early, P8 (A) was invited.
    assert rates[SELF]["avslut"] == {
        "due": 3, "answered": 1, "missing": 2, "share": 0.3333,
        "reasons": {"left_early": 1, "no_invitation": 0, "not_answered": 1}}
    # Pågående: enrolled at least 90 days by the period's end or their own: all but P3
    # (77 days). P2 and P4 answered in the period; P1 answered before it (invited);
    # P5 and both of P8's enrolments were never invited.
    assert rates[INDICATORS]["pagaende"] == {
        "due": 6, "answered": 2, "missing": 4, "share": 0.3333,
        "reasons": {"left_early": 0, "no_invitation": 3, "not_answered": 1}}
    # Questionnaires list the occasions they were used at (answered or invited).
    assert set(rates[SELF]) == {"start", "avslut"} and set(rates[INDICATORS]) == {"pagaende"}
    assert report["response_rates"]["pagaende_days"] == 90


def test_days_until_pagaende_is_due_is_an_option() -> None:
    options = dataclasses.replace(H1, pagaende_days=150)
    rates = build_report(ANSWERS, options, enrolments=ENROLMENTS)["response_rates"]
    # 150 days: P2 (171), P4 and P8 (B, 149: not), P1 (137: not), P5 (149: not), P8 A (91).
    assert rates["by_questionnaire"][INDICATORS]["pagaende"]["due"] == 2


def test_previous_period_uses_the_same_rules(report: dict[str, Any]) -> None:
    previous = report["previous"]
    assert (previous["from"], previous["to"]) == ("2024-07-01", "2024-12-31")
    counts = previous["counts"]
    # Second half of 2024: P1 (new), P4 (continuing), P6 (continuing, ended), P8 (A, new).
    assert {c: counts[c]["n"] for c in ("enrolled", "new", "continuing", "ended", "ongoing")} \
        == {"enrolled": 4, "new": 2, "continuing": 2, "ended": 1, "ongoing": 3}
    # Those ongoing at its end are those continuing into this period.
    assert counts["ongoing"] == report["counts"]["continuing"]
    assert previous["people"] == 1  # P1's pågående answer of 2024-12-01
    assert report["people"] == 4
    assert previous["response_rates"]["by_questionnaire"][INDICATORS]["pagaende"]["answered"] == 1
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


INCOME = [
    ("forsorjningsstod",), ("lon",),  # försörjningsstöd -> egen
    ("sjukpenning", "lon"), ("lon", "studiemedel"),  # Försäkringskassan -> egen
    ("forsorjningsstod", "lon"), ("forsorjningsstod",),  # försörjningsstöd -> försörjningsstöd
    ("ingen",), ("annat", "lon"),  # ingen -> annat
    ("arbetsformedlingen",), None,  # exit not recorded: left out
    (), ("lon",),  # start not recorded: left out
]


def test_income_start_by_exit_and_self_supporting() -> None:
    pairs = list(zip(INCOME[::2], INCOME[1::2], strict=True))
    enrolments = [
        _enrolment(f"I{n}", "kvinna", 1990, "A", D(2025, 1, 2), D(2025, 5, 1),
                   income_start=start, income_exit=end)
        for n, (start, end) in enumerate(pairs)
    ]
    # One enrolment still ongoing: not in the table although both are recorded.
    enrolments.append(_enrolment("I9", "man", 1990, "A", D(2025, 1, 2), None,
                                 income_start=("lon",), income_exit=("lon",)))
    income = build_report(ANSWERS, H1, enrolments=enrolments)["income"]
    assert (income["ended"], income["recorded"]) == (6, 4)
    cells = {(s, e): n for s, row in income["cells"].items() for e, n in row.items() if n}
    assert cells == {("forsorjningsstod", SELF_SUPPORTING): 1,
                     ("forsakringskassan", SELF_SUPPORTING): 1,
                     ("forsorjningsstod", "forsorjningsstod"): 1, ("ingen", "annat"): 1}
    assert income["start"]["forsorjningsstod"] == 2 and income["exit"][SELF_SUPPORTING] == 2
    assert income["self_supporting"] == {"start": {"count": 0, "share": 0.0},
                                         "exit": {"count": 2, "share": 0.5}}  # fmt: skip


def test_income_groups_are_defined_once() -> None:
    assert income_group(("lon", "studiemedel")) == SELF_SUPPORTING
    assert income_group(("lon", "forsorjningsstod")) == "forsorjningsstod"
    assert income_group(("aktivitetsersattning", "arbetsformedlingen")) == "forsakringskassan"
    assert income_group(("ingen", "lon")) == SELF_SUPPORTING
    assert income_group(("ingen",)) == "ingen"
    assert income_group(None) is None and income_group(()) is None


def test_a_csv_of_answers_has_no_board_figures() -> None:
    report, errors = build_report_from_csv(io.StringIO(to_csv_text(ANSWERS)), H1)
    assert errors == [] and report is not None
    for key in ("counts", "response_rates", "income"):
        assert report[key]["available"] is False and "CSV" in report[key]["note"]
    # The previous period's people who answered are known from the answers alone.
    assert report["previous"]["people"] == 1
    assert report["previous"]["counts"]["available"] is False
    names = [table.name for table in all_tables(report)]
    assert {"Antal", "Avbrott", "Andel svar", "Försörjning", "Jämförelse"} <= set(names)


def test_tables_show_the_figures_and_hide_what_the_rule_hides(report: dict[str, Any]) -> None:
    tables = {table.name: table for table in board_tables(report)}
    assert tables["Antal"].rows[0] == ["Totalt", "", 6, 4, 3, 3, 4]
    assert ["Kön", "Kvinnor", 3, 2, 1, 1, 2] in tables["Antal"].rows
    assert ["Ålder vid inskrivning", "Okänd ålder", 1, 0, 1, 0, 1] in tables["Antal"].rows
    assert ["Insats", "B", 1, 1, 0, 0, 1] in tables["Antal"].rows
    assert tables["Avbrott"].rows == [[3, 1, 0.3333]]
    rate = next(row for row in tables["Andel svar"].rows if row[1] == "Start")
    assert rate[2:] == [4, 2, 0.5, 2, 0, 1, 1]
    assert tables["Jämförelse"].rows[1] == ["Inskrivna under perioden", 6, "", 4, ""]
    # With min_group 5 the six enrolled are shown, their groups of 1-4 are not.
    five = build_report(ANSWERS, dataclasses.replace(H1, min_group=5), enrolments=ENROLMENTS)
    counts = board_tables(five)[0]
    assert counts.rows[0] == ["Totalt", "", 6, "färre än 5", "färre än 5", "färre än 5",
                              "färre än 5"]  # fmt: skip
    assert all(cell == "–" for row in counts.rows[1:] for cell in row[2:])


def _people(n: int, gender: str, code: str, **more: Any) -> list[EnrolmentRow]:
    return [_enrolment(f"{code}{i}", gender, 1990, "A", D(2025, 1, 2), **more)
            for i in range(n)]  # fmt: skip


def test_three_still_enrolled_hide_the_ended_everywhere() -> None:
    """20 enrolled, 17 ended, 3 ongoing: the 3 are hidden, and so are the 17 in every
    table that shows them (counts, exit outcomes, avbrott, avslut svarsfrekvens), or
    20 - 17 would tell the 3."""
    enrolments = [*_people(10, "kvinna", "K", end=D(2025, 5, 1)),
                  *_people(7, "man", "M", end=D(2025, 5, 1)), *_people(3, "man", "O")]  # fmt: skip
    invited = [dataclasses.replace(e, invited=frozenset({(SELF, "avslut")})) for e in enrolments]
    answers = [_answer(e.participant, e.gender, "A", SELF, "avslut", D(2025, 4, 30))
               for e in enrolments[:12]]  # fmt: skip
    options = dataclasses.replace(H1, min_group=5)
    report = build_report(answers, options, enrolments=invited)
    counts = report["counts"]
    assert counts["enrolled"]["n"] == 20
    assert hidden(counts["ongoing"]) and hidden(counts["ended"])
    assert hidden(report["exit_outcomes"]["ended"])
    assert hidden(counts["avbrott"]["ended"])
    assert hidden(report["response_rates"]["by_questionnaire"][SELF]["avslut"])
    truth = truth_for(report, answers, invited, options)
    assert truth["counts"]["ongoing"]["n"] == 3
    assert attack(report, truth) == []


def test_people_left_out_take_their_birth_year_and_income_with_them() -> None:
    """Two people of gender annat are left out (fewer than 5): their enrolments' birth
    year and försörjning go with them (`without_people` filters every column)."""
    enrolments = [
        *_people(6, "kvinna", "K", end=D(2025, 5, 1), income_start=("lon",),
                 income_exit=("lon",)),
        *[_enrolment(f"X{i}", "annat", 1950, "A", D(2025, 1, 2), D(2025, 5, 1),
                     income_start=("forsorjningsstod",), income_exit=("forsorjningsstod",))
          for i in range(2)],
    ]  # fmt: skip
    report = build_report(ANSWERS, dataclasses.replace(H1, min_group=5), enrolments=enrolments)
    assert report["left_out"]
    assert report["counts"]["enrolled"]["by_age"] == {"16–29": 0, "30–49": 6, "50+": 0}
    assert report["income"]["recorded"] == 6
    assert report["income"]["start"]["forsorjningsstod"] == 0
