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

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import EnrolmentRow, ReportOptions, build_report
from analysis.report import build_report_from_csv
from analysis.rows import AnswerRow
from analysis.synthetic import make_row, to_csv_text
from analysis.targets import Target, outcome_target

from .disclosure_attack import DERANDOMIZE, attack, figure, hidden

INDICATORS = ("delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering")
SELF = ("aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid")
OUTCOMES = ("arbete", "studier", "arbetssökande", "sjukersättning", "annat", None)


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


def _weighted(common: str, *rare: str) -> st.SearchStrategy[str]:
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
        enrolments.append(EnrolmentRow(
            None, p.code, p.gender, p.born_abroad, p.insats, p.site, dt.date(2025, 1, 1),
            dt.date(2025, 3, 25) if p.ended else None, p.outcome if p.ended else None,
            invited=frozenset({("sjalvskattning", "avslut")}) if i % 3 else frozenset(),
        ))  # fmt: skip
    return rows, enrolments


def truth_for(published: dict[str, Any], rows: list[AnswerRow],
              enrolments: list[EnrolmentRow] | None) -> dict[str, Any]:  # fmt: skip
    """The same report with nothing hidden, over the people the published one covers."""
    if published["left_out"]:
        rows = [r for r in rows if r.gender not in ("annat", "okänt")]
        if enrolments is not None:
            enrolments = [e for e in enrolments if e.gender not in ("annat", "okänt")]
    counted = tuple(published["exit_outcomes"]["counted"])
    return build_report(rows, ReportOptions(min_group=0, work_outcomes=counted),
                        enrolments=enrolments)


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
          published: dict[str, Any]) -> None:  # fmt: skip
    truth = truth_for(published, rows, enrolments)
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
