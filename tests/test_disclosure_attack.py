"""The report identifies nobody: an attacker solves for every hidden figure (issue 10).

Hypothesis makes answer data with small groups in every breakdown (gender, site,
language, born abroad, age, insats, exit outcome), the report is built on the CSV path
and on the rows-with-enrolments path (what the web app gives; the database path itself
is in test_disclosure_outputs.py), and `disclosure_attack.attack` tries to determine
each hidden group of 1-4 people from every number the report publishes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.enrolments import EnrolmentColumns
from analysis.report import build_report_from_csv
from analysis.rows import AnswerRow
from analysis.suppression import OTHER_GENDERS, without_people
from analysis.synthetic import make_row, to_csv_text
from analysis.targets import Target, outcome_target

from .disclosure_attack import DERANDOMIZE, attack, figure, hidden

INDICATORS = ("delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering")
SELF = ("aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid")
OUTCOMES = ("arbete", "studier", "arbetssökande", "sjukersättning", "annat", None)
INCOMES = ((), ("forsorjningsstod",), ("forsorjningsstod",), ("lon",), ("lon", "studiemedel"),
           ("sjukpenning", "lon"), ("arbetsformedlingen",), ("ingen",))
# The period of the report with a previous period: March 2025 (previous: February).
MARCH = {"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}


@dataclasses.dataclass
class Person:
    code: str
    gender: str
    birth_year: int
    born_abroad: str
    insats: str
    site: str
    language: str
    indicators: tuple[int | None, ...]  # 0 = skipped, None = vet inte
    start: tuple[int, ...]  # 0 = skipped
    end: tuple[int, ...]
    ended: bool
    outcome: str | None
    # Days after 2025-01-20 the enrolment started; 0: ended in February, not March.
    start_day: int = 0
    ended_early: bool = False
    left_early: bool = False
    income_start: tuple[str, ...] = ()
    income_exit: tuple[str, ...] = ()


def _weighted(common: Any, *rare: Any) -> st.SearchStrategy[Any]:
    """Mostly `common`, so that the rare groups are small."""
    return st.one_of(st.just(common), st.just(common), st.just(common), st.sampled_from(rare))


def people_strategy(max_people: int = 30) -> st.SearchStrategy[list[Person]]:
    person = st.builds(
        Person,
        code=st.just(""),
        gender=st.one_of(st.sampled_from(("kvinna", "man")), st.sampled_from(("kvinna", "man")),
                         st.sampled_from(("annat", "okänt"))),
        birth_year=st.integers(1960, 2005),
        born_abroad=_weighted("nej", "ja", "okänt"),
        insats=_weighted("Hantverksstegen", "Elings ark"),
        site=_weighted("Skövde", "Falköping", "Tibro"),
        # "lattlast": Swedish answered in easy Swedish, its own group in by_language.
        language=_weighted("sv", "ar", "ti", "so", "lattlast"),
        indicators=st.tuples(*[st.sampled_from((4, 4, 3, 2, 1, None, 0))] * len(INDICATORS)),
        start=st.tuples(*[st.integers(0, 6)] * len(SELF)),
        end=st.tuples(*[st.integers(0, 6)] * len(SELF)),
        ended=st.booleans(),
        outcome=st.sampled_from(OUTCOMES),
        start_day=st.sampled_from((0, 0, 5, 20, 40)),
        ended_early=st.booleans(),
        left_early=_weighted(False, True),
        income_start=st.sampled_from(INCOMES),
        income_exit=st.sampled_from(INCOMES),
    )  # fmt: skip
    return st.lists(person, min_size=1, max_size=max_people)


def rows_of(people: list[Person]) -> tuple[list[AnswerRow], list[EnrolmentRow]]:
    rows: list[AnswerRow] = []
    enrolments = []
    for i, p in enumerate(people):
        p.code = f"D{i:03d}"
        common = {"participant": p.code, "gender": p.gender, "birth_year": p.birth_year,
                  "born_abroad": p.born_abroad, "insats": p.insats, "site": p.site,
                  "language": "sv" if p.language == "lattlast" else p.language,
                  "easy": p.language == "lattlast"}  # fmt: skip
        for item, value in zip(INDICATORS, p.indicators, strict=True):
            if value != 0:
                rows.append(make_row(**common, item=item, value=value))
        for occasion, values, day in (("start", p.start, 1), ("avslut", p.end, 20)):
            for item, value in zip(SELF, values, strict=True):
                if value:
                    rows.append(make_row(**common, questionnaire="sjalvskattning",
                                         occasion=occasion, item=item, value=value,
                                         submitted_at=dt.datetime(2025, 3, day, 9)))  # fmt: skip
        end = dt.date(2025, 2, 20) if p.ended_early else dt.date(2025, 3, 25)
        enrolments.append(EnrolmentRow(
            None, p.code, p.gender, p.born_abroad, p.insats, p.site,
            dt.date(2025, 1, 20) + dt.timedelta(days=p.start_day),
            max(end, dt.date(2025, 1, 20) + dt.timedelta(days=p.start_day)) if p.ended else None,
            p.outcome if p.ended else None, left_early=p.ended and p.left_early,
            invited=frozenset({("sjalvskattning", "avslut")}) if i % 3 else frozenset(),
            birth_year=p.birth_year, income_start=p.income_start,
            income_exit=p.income_exit if p.ended else None,
        ))  # fmt: skip
    return rows, enrolments


def truth_for(published: dict[str, Any], rows: list[AnswerRow],
              enrolments: list[EnrolmentRow] | EnrolmentColumns | None,
              options: ReportOptions | None = None) -> dict[str, Any]:  # fmt: skip
    """The same report with nothing hidden, over the people the published one covers."""
    if published["left_out"]:
        others = {r.participant for r in rows if r.gender in OTHER_GENDERS}
        rows = [r for r in rows if r.gender not in OTHER_GENDERS]
        if isinstance(enrolments, EnrolmentColumns):
            gone = enrolments.gender.where(OTHER_GENDERS.__contains__)
            others |= {enrolments.participant.name(i) for i in np.flatnonzero(gone).tolist()}
            enrolments = without_people(enrolments, others)
        elif enrolments is not None:
            enrolments = [e for e in enrolments if e.gender not in OTHER_GENDERS]
    counted = tuple(published["exit_outcomes"]["counted"])
    options = dataclasses.replace(options or ReportOptions(), min_group=0, work_outcomes=counted)
    return build_report(rows, options, enrolments=enrolments)


def shown_figures_are_true(published: Any, truth: Any, where: str = "") -> list[str]:
    """Every figure the report shows equals the figure with nothing hidden."""
    if hidden(published):
        return []
    if isinstance(published, dict):
        if where.endswith("selection") or where.endswith("answers_period"):
            return []
        out = []
        for key, value in published.items():
            # The versions and questionnaires in the data are not figures about people
            # (with people left out, the full report may lack one they alone answered).
            # Targets are checked on the published cells (targets_show_only_published_cells).
            if key in ("summary", "left_out", "versions", "questionnaires", "targets"):
                continue
            if key not in truth and where.endswith("by_questionnaire"):
                continue
            if key not in truth:
                out.append(f"{where}/{key} is not in the full report")
                continue
            out += shown_figures_are_true(value, truth[key], f"{where}/{key}")
        return out
    return [] if published == truth else [f"{where}: {published!r} != {truth!r}"]


def check(rows: list[AnswerRow], enrolments: list[EnrolmentRow] | None,
          published: dict[str, Any], options: ReportOptions | None = None) -> None:  # fmt: skip
    truth = truth_for(published, rows, enrolments, options)
    assert shown_figures_are_true(published, truth) == []
    findings = attack(published, truth)
    assert findings == [], findings


# The förbund's own list of outcomes that count as work or studies (seed 003 counts
# rehabilitation too; the strategy's outcomes stand in for such lists).
COUNTED = [("arbete", "studier"), ("arbete", "studier", "annat"), ("arbetssökande",)]
# Each insats's own targets: on an item and on work or studies.
TARGETS = tuple(target for insats in ("Hantverksstegen", "Elings ark")
                for target in (Target("nytta", "avslut", 0.8, insats), outcome_target(0.3, insats)))


def targets_show_only_published_cells(published: dict[str, Any]) -> list[str]:
    """Every figure a target shows is one its published cell shows (so the attacker, who
    reads the cells, knows it already)."""
    shown = set()
    for occasions in published["indicators_by_version"].values():
        for cell in occasions.get("avslut", {}).values():
            for sub in [cell, *(cell.get("by_insats", {}).values() if not hidden(cell) else ())]:
                if not hidden(sub):
                    shown.add((sub["n"], sub["positive"], sub.get("dont_know")))
    outcomes = published["exit_outcomes"]
    if outcomes["available"]:
        for sub in [outcomes, *outcomes["by_insats"].values()]:
            if not hidden(sub) and not hidden(sub["ended"]) and not hidden(
                    sub["work_or_studies"]):
                shown.add((sub["ended"], sub["work_or_studies"]["count"], None))
    return [f"target {t['insats']} {t['item']} shows {t['n']}/{t['positive']}"
            for t in published["targets"] if not hidden(t["n"]) and t["n"]
            and (t["n"], t["positive"], t["dont_know"]) not in shown]


@settings(max_examples=20, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.too_slow])
@given(people_strategy(), st.sampled_from(COUNTED))
def test_attacker_learns_nothing_from_the_report_with_enrolments(
        people: list[Person], counted: tuple[str, ...]) -> None:
    rows, enrolments = rows_of(people)
    options = ReportOptions(insatser=("Elings ark", "Hantverksstegen"), targets=TARGETS,
                            work_outcomes=counted)
    published = build_report(rows, options, enrolments=enrolments)
    assert targets_show_only_published_cells(published) == []
    check(rows, enrolments, published)


@settings(max_examples=20, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.too_slow])
@given(people_strategy())
def test_attacker_learns_nothing_from_the_csv_report(people: list[Person]) -> None:
    rows, _ = rows_of(people)
    published, errors = build_report_from_csv(io.StringIO(to_csv_text(rows)))
    assert errors == [] and published is not None
    check(rows, None, published)


def test_five_ended_with_five_different_outcomes_hides_the_whole_line() -> None:
    """Found by the property test: 5 women, each ended with another outcome. The line
    cannot keep the rule, so every outcome is hidden, zeros too (shown zeros would tell
    which outcomes occurred, and 5 of them among 5 people are 1 each); the attacker must
    allow a hidden 0 there and still learn nothing."""
    outcomes = ["arbete", "studier", "arbetssökande", "sjukersättning", "annat"]
    people = [Person(f"P-{n}", "kvinna", 1990, "nej", "Steg", "Ort", "sv", (3,) * len(INDICATORS),
                     (3,) * len(SELF), (4,) * len(SELF), True, outcome)
              for n, outcome in enumerate(outcomes)]
    rows, enrolments = rows_of(people)
    published = build_report(rows, enrolments=enrolments)
    assert published["exit_outcomes"]["ended"] == 5
    assert all(hidden(figure(cell, "count"))
               for cell in published["exit_outcomes"]["outcomes"].values())
    check(rows, enrolments, published)


def test_work_or_studies_of_a_small_insats_is_hidden_with_its_complement() -> None:
    """Elings ark: 6 ended, 2 to work. Shown, those 2 would be people; hidden alone, the
    total (7) minus Hantverksstegen's 5 would tell them. Both insatser's work or studies
    are hidden, their ended (10 and 6) and the total (7 of 16) stay."""
    people = [Person(f"P-{n}", "kvinna", 1990, "nej", insats, "Ort", "sv", (4,) * len(INDICATORS),
                     (3,) * len(SELF), (4,) * len(SELF), True, outcome)
              for n, (insats, outcome) in enumerate(
                  [("Hantverksstegen", "arbete")] * 5 + [("Hantverksstegen", "arbetssökande")] * 5
                  + [("Elings ark", "arbete")] * 2 + [("Elings ark", "arbetssökande")] * 4)]
    rows, enrolments = rows_of(people)
    published = build_report(rows, ReportOptions(targets=TARGETS), enrolments=enrolments)
    outcomes = published["exit_outcomes"]
    assert outcomes["work_or_studies"]["count"] == 7
    assert outcomes["by_insats"] == {
        "Elings ark": {"ended": 6, "work_or_studies": {"suppressed": True}},
        "Hantverksstegen": {"ended": 10, "work_or_studies": {"suppressed": True}},
    }
    assert [t["verdict"] for t in published["targets"] if t["kind"] == "outcome"] == [
        "too_few", "too_few"]
    check(rows, enrolments, published)


@pytest.mark.parametrize(("counted", "shown"), [(("arbete", "studier"), False),
                                                (("arbete", "studier", "annat"), True)])
def test_work_or_studies_is_shown_only_when_its_hidden_parts_may_be_summed(
        counted: tuple[str, ...], shown: bool) -> None:
    """8 arbete, 2 studier, 5 annat, 15 arbetssökande: studier is hidden with annat. Work
    or studies as arbete + studier would tell studier (10 - 8); counting annat too, it
    tells studier + annat (7), which the rule allows."""
    outcomes = (["arbete"] * 8 + ["studier"] * 2 + ["annat"] * 5 + ["arbetssökande"] * 15)
    people = [Person(f"P-{n}", "kvinna", 1990, "nej", "Steg", "Ort", "sv", (4,) * len(INDICATORS),
                     (3,) * len(SELF), (4,) * len(SELF), True, outcome)
              for n, outcome in enumerate(outcomes)]
    rows, enrolments = rows_of(people)
    published = build_report(rows, ReportOptions(work_outcomes=counted), enrolments=enrolments)
    work = published["exit_outcomes"]["work_or_studies"]
    assert hidden(published["exit_outcomes"]["outcomes"]["studier"])
    assert (not hidden(work)) is shown
    check(rows, enrolments, published)


@settings(max_examples=20, deadline=None, derandomize=DERANDOMIZE,
          suppress_health_check=[HealthCheck.too_slow])
@given(people_strategy())
def test_attacker_learns_nothing_from_the_board_figures_and_the_previous_period(
        people: list[Person]) -> None:  # fmt: skip
    """March 2025 beside February: counts by gender, age band and insats in both periods
    (those ongoing at February's end are those continuing into March), avbrott, response
    rates, försörjning start × exit. Kvinnor and män only: the gender rule decides per
    period, and the truth leaves people out of both or neither."""
    for person in people:
        person.gender = "kvinna" if person.gender in ("annat", "okänt") else person.gender
    rows, enrolments = rows_of(people)
    options = ReportOptions(**MARCH)
    published = build_report(rows, options, enrolments=enrolments)
    assert published["previous"] is not None
    check(rows, enrolments, published, options)


def _twenty_enrolled_three_ongoing() -> tuple[list[AnswerRow], list[EnrolmentRow], ReportOptions]:
    """20 enrolled in March 2025, 17 of them ended (4 of those on försörjningsstöd at
    exit), 3 still enrolled."""
    people = [Person(f"P-{n}", "kvinna" if n < 10 else "man", 1990, "nej", "Steg", "Ort", "sv",
                     (3,) * len(INDICATORS), (3,) * len(SELF), (4,) * len(SELF), n < 17,
                     "arbete", start_day=40, income_start=("lon",),
                     income_exit=("forsorjningsstod",) if n % 5 == 0 else ("lon",))
              for n in range(20)]  # fmt: skip
    rows, enrolments = rows_of(people)
    return rows, enrolments, ReportOptions(**MARCH)


def test_the_attacker_catches_a_broken_board_rule(monkeypatch: Any) -> None:
    """The attack on the board's figures has teeth: with a line of the rule removed it
    determines the hidden figures, with the rule it determines none."""
    import analysis.suppression as rule

    rows, enrolments, options = _twenty_enrolled_three_ongoing()
    check(rows, enrolments, build_report(rows, options, enrolments=enrolments), options)

    def findings() -> list[str]:
        published = build_report(rows, options, enrolments=enrolments)
        return attack(published, truth_for(published, rows, enrolments, options))

    # Without enrolled = ended + ongoing, the 3 ongoing are 20 - 17.
    monkeypatch.setattr(rule, "_PARTS", ())
    assert any("now ongoing is determined (3" in f for f in findings())
    monkeypatch.undo()

    # Försörjning hiding only its cells under 5: 4 on försörjningsstöd = 17 - 13.
    def cells_only(cell: dict[Any, int], rows: dict[str, int], columns: dict[str, int],
                   m: int, *_ignored: Any, **_also: Any) -> tuple[set[Any], set[str], set[str]]:
        def small(d: dict[Any, int]) -> set[Any]:
            return {k for k, n in d.items() if 0 < n < m}
        return small(cell), small(rows), small(columns)

    monkeypatch.setattr(rule, "_hide_two_way", cells_only)
    assert any("income lon" not in f and "forsorjningsstod is determined (4" in f
               for f in findings())  # fmt: skip


def test_an_insats_with_few_still_enrolled_hides_its_ended_in_the_outcomes_too() -> None:
    """Hantverksstegen: 22 enrolled, 20 ended, 2 still enrolled. The counts hide its ended
    (22 - 20 would tell the 2); the exit outcomes publish the same figure per insats, so
    they hide it too, and Elings ark's (10) with it, or the total would tell it."""
    def person(n: int, insats: str, ended: bool, outcome: str | None) -> Person:
        return Person(f"P-{n}", "kvinna", 1990, "nej", insats, "Ort", "sv",
                      (4,) * len(INDICATORS), (3,) * len(SELF), (4,) * len(SELF), ended, outcome)

    people = ([person(n, "Hantverksstegen", n < 20, "arbete" if n < 10 else "arbetssökande")
               for n in range(22)]
              + [person(100 + n, "Elings ark", n < 10, "arbete" if n < 5 else "arbetssökande")
                 for n in range(20)])  # fmt: skip
    rows, enrolments = rows_of(people)
    published = build_report(rows, ReportOptions(), enrolments=enrolments)
    counts = published["counts"]["by_insats"]["Hantverksstegen"]
    assert counts["enrolled"] == 22 and hidden(counts["ended"])
    assert all(hidden(cell) for cell in published["exit_outcomes"]["by_insats"].values())
    check(rows, enrolments, published)
