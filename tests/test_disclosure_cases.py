"""The three cases that broke the old rule (issue 21), under whole months, attacked by
`disclosure_attack.py` with everything a handledare can ask for at once, and how long
one leaver stayed (issue 24).

1. One participant ends alone in the last month: the reports to that month and to the
   month before, and that month alone, differ by that person's answers.
2. An insats with a small site: the whole insats and the other site.
3. Inside one report: the enrolled per gender against the pairs per gender.
4. The same leaver's band of time in the programme: month by month, their insats
   alone, and the report before and after their exit was recorded.

Each holds its reports on the CSV path and with the enrolments the web app gives; the
database path gives the same published numbers (tests/test_reports_db_path.py), and
`test_the_database_path_publishes_what_the_csv_path_does` below checks that again for
the first case.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from analysis import EnrolmentRow, ReportOptions
from analysis.due import add_months
from analysis.perturbation import KEY_RANGE, Cell, default_table
from analysis.report import build_report, figure_cells
from analysis.rows import AnswerRow
from analysis.synthetic import make_row
from questionnaires import Registry

from .disclosure_attack import (
    LARGEST,
    Attacker,
    Contribution,
    Finding,
    Holding,
    attack_answer,
    attack_small_figures,
    contributions,
    count_paths,
    counts,
    visible_counts,
)

ITEMS = ("delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering")
CANDIDATES: tuple[Any, ...] = (1, 2, 3, 4, None, "skipped")
REGISTRY = Registry.load()


def month(year: int, number: int) -> dict[str, dt.date]:
    last = (dt.date(year + number // 12, number % 12 + 1, 1) - dt.timedelta(days=1))
    return {"date_from": dt.date(year, number, 1), "date_to": last}


def months(year: int, first: int, last: int) -> ReportOptions:
    return ReportOptions(date_from=month(year, first)["date_from"],
                         date_to=month(year, last)["date_to"])  # fmt: skip


@dataclasses.dataclass
class Person:
    code: str
    key: int
    gender: str
    site: str
    answers: dict[str, Any]  # item -> 1..4, None (vet inte), "skipped"
    answered: dt.datetime
    ended: dt.date | None
    outcome: str | None = None
    insats: str = "Hantverksstegen"
    started: dt.date = dt.date(2025, 11, 3)


def people(rnd: random.Random, count: int, year: int, answered_months: tuple[int, int],
           sites: tuple[str, ...] = ("Skövde",)) -> list[Person]:  # fmt: skip
    out = []
    for i in range(count):
        answered = dt.datetime(year, rnd.randint(*answered_months), rnd.randint(1, 28), 10)
        out.append(Person(
            code=f"H-{i + 100:03d}", key=rnd.randrange(KEY_RANGE),
            gender=rnd.choice(("kvinna", "man", "man", "kvinna", "annat")),
            site=rnd.choice(sites),
            answers={item: rnd.choice((4, 4, 4, 3, 3, 2, 1, None, "skipped")) for item in ITEMS},
            answered=answered, ended=answered.date(),
            outcome=rnd.choice(("arbete", "studier", "arbetssökande", "annat")),
        ))  # fmt: skip
    return out


def rows_of(group: list[Person]) -> list[AnswerRow]:
    rows = []
    for p in group:
        for item, value in p.answers.items():
            if value == "skipped":
                continue
            rows.append(make_row(participant=p.code, gender=p.gender, site=p.site,
                                 insats=p.insats, item=item, value=value,
                                 submitted_at=p.answered, record_key=p.key))  # fmt: skip
    return rows


def enrolments_of(group: list[Person]) -> list[EnrolmentRow]:
    return [EnrolmentRow(None, p.code, p.gender, "nej", p.insats, p.site, p.started, p.ended,
                         p.outcome if p.ended else None, record_key=p.key,
                         invited=frozenset({("finsam-indikatorer", "avslut")}))
            for p in group]  # fmt: skip


def cells(group: list[Person], options: ReportOptions, with_enrolments: bool) -> Any:
    return figure_cells(rows_of(group), options, registry=REGISTRY,
                        enrolments=enrolments_of(group) if with_enrolments else None)  # fmt: skip


def seen(group: list[Person], options: ReportOptions, with_enrolments: bool) -> dict:
    """The counts the published report shows, by the path of their cells."""
    enrolments = enrolments_of(group) if with_enrolments else None
    report = build_report(rows_of(group), options, registry=REGISTRY, enrolments=enrolments)
    return visible_counts(report, cells(group, options, with_enrolments))


def answer_findings(others: list[Any], target: Any, holdings: list[tuple[Any, ...]],
                    with_enrolments: bool, knows_the_others: bool = False,
                    candidates: dict[str, tuple[Any, ...]] | None = None,
                    count: Callable[..., Any] | None = None,
                    show: Callable[..., dict] | None = None,
                    before: Any = None) -> list[Finding]:  # fmt: skip
    """For each of the target's items (`candidates`: item -> every answer it could have
    given): the attacker holds every pair (report with the target, report without) at
    once. It knows the exact counts of a report without the target that holds nobody (a
    month in which the target alone answered), and, with `knows_the_others`, of every
    report without the target (it knows everyone else's answers: the strongest
    attacker). A holding (with, without, True) has `before` (the target before their
    answer came in) in the report without. `count` and `show` make a group's cells and
    what its published report shows (`cells` and `seen`)."""  # fmt: skip
    candidates = candidates or dict.fromkeys(ITEMS, CANDIDATES)
    count, show = count or cells, show or seen
    attacker = Attacker()
    findings = []
    for item, answers in candidates.items():
        held = []
        for options_with, options_without, *then in holdings:
            others_then = [*others, before] if then and then[0] else others
            without = counts(count(others_then, options_without, with_enrolments))

            def build(answer: Any, options: ReportOptions = options_with,
                      item: str = item) -> Any:  # fmt: skip
                person = dataclasses.replace(target, answers={**target.answers, item: answer})
                return count([*others, person], options, with_enrolments)

            empty = not any(without.values())
            held.append(Holding(show([*others, target], options_with, with_enrolments),
                                show(others_then, options_without, with_enrolments),
                                contributions(build, list(answers), without),
                                without if empty or knows_the_others else None))  # fmt: skip
        findings.append(attack_answer(attacker, held, target.answers[item],
                                      f"{target.code} {item}"))  # fmt: skip
    return findings


def assert_nothing_determined(findings: list[Finding], what: str) -> None:
    for finding in findings:
        assert finding.truth in finding.consistent, finding
        assert not finding.determined, finding
    best = max((f.best_probability for f in findings), default=0)
    print(f"\n{what}: {len(findings)} figures attacked, none determined; "
          f"best probability of a guess {best:.2f}")


@pytest.mark.parametrize("with_enrolments", [False, True], ids=["csv", "enrolments"])
def test_one_leaver_alone_in_the_last_month(with_enrolments: bool) -> None:
    rnd = random.Random(5)  # noqa: S311 - test data, not secrets
    others = people(rnd, 19, 2026, (1, 7))
    leaver = dataclasses.replace(people(rnd, 1, 2026, (8, 8))[0], code="H-005")
    holdings = [
        (months(2026, 1, 8), months(2026, 1, 7)),  # to August, to July
        (months(2026, 7, 8), months(2026, 7, 7)),  # July-August, July
        (months(2026, 8, 8), months(2026, 8, 8)),  # August alone: only the leaver
    ]
    findings = answer_findings(others, leaver, holdings, with_enrolments)
    assert_nothing_determined(findings, "one leaver alone in August")


@pytest.mark.parametrize("with_enrolments", [False, True], ids=["csv", "enrolments"])
def test_a_small_site_is_not_the_insats_minus_the_other_site(with_enrolments: bool) -> None:
    rnd = random.Random(11)  # noqa: S311 - test data, not secrets
    group = people(rnd, 3, 2026, (1, 6), sites=("Skövde",)) + \
        people(rnd, 20, 2026, (1, 6), sites=("Tibro",))
    for i, p in enumerate(group):
        p.code = f"H-{i:03d}"
    options = months(2026, 1, 6)
    whole = cells(group, options, with_enrolments)
    tibro = cells(group, dataclasses.replace(options, site="Tibro"), with_enrolments)
    exact_whole, exact_tibro = counts(whole), counts(tibro)
    difference = {p: exact_whole[p] - exact_tibro.get(p, 0) for p in exact_whole}
    findings = attack_small_figures(
        Attacker(), seen(group, options, with_enrolments),
        seen(group, dataclasses.replace(options, site="Tibro"), with_enrolments),
        difference, "Skövde")  # fmt: skip
    assert findings, "the case must hold figures about 1-4 people of Skövde"
    assert_nothing_determined(findings, "Skövde as the insats minus Tibro")


def test_no_count_of_one_or_two_is_published_in_any_case() -> None:
    rnd = random.Random(17)  # noqa: S311 - test data, not secrets
    group = people(rnd, 23, 2026, (1, 6), sites=("Skövde", "Tibro", "Tibro", "Tibro"))
    for options in (months(2026, 1, 6), months(2026, 6, 6), months(2026, 2, 3)):
        published = seen(group, options, True)
        assert len(published) > 100
        assert not {p: v for p, v in published.items() if v in (1, 2)}
        exact = counts(cells(group, options, True))
        assert all(published[p] == 0 for p, v in exact.items() if v == 0 and p in published)


def test_the_same_people_publish_the_same_count_in_every_report() -> None:
    """A count of the same units gets the same noise in other reports and periods."""
    rnd = random.Random(23)  # noqa: S311 - test data, not secrets
    group = people(rnd, 30, 2026, (1, 3))
    a = cells(group, months(2026, 1, 3), True)
    b = cells(group, months(2026, 1, 4), True)  # April holds nobody new
    keys_a = {p: c for p, c in count_paths(a)}
    for path, cell in count_paths(b):
        if path in keys_a and keys_a[path] == cell:
            assert default_table().published(cell) == default_table().published(keys_a[path])


def test_cells_of_the_same_units_are_equal_whatever_their_order() -> None:
    keys = np.asarray([5, KEY_RANGE - 1, 77], dtype=np.int64)
    assert Cell.of(keys) == Cell.of(keys[::-1])
    assert Cell.of(keys).key == (5 + KEY_RANGE - 1 + 77) % KEY_RANGE


@pytest.mark.parametrize("seed", [29, 31, 37])
def test_the_still_enrolled_per_gender_are_not_the_enrolled_minus_the_pairs(seed: int) -> None:
    """Case 3: everyone who ended has a start-to-end pair, so per gender enrolled − pairs
    and enrolled − ended are the still enrolled, published as well on their own; with
    1-4 of them in a gender, no value is the only one all three allow."""
    from analysis.synthetic import self_assessment

    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    group = people(rnd, 30, 2026, (1, 5))
    for p in group[:6]:
        p.ended, p.outcome = None, None  # still enrolled: no avslut yet
    rows = rows_of(group)
    for p in group:
        if p.ended is not None:
            rows += self_assessment(p.code, [2, 3, 3, 2, 4], [3, 3, 4, 2, 5], gender=p.gender,
                                    site=p.site, insats=p.insats, record_key=p.key,
                                    submitted_at=p.answered)  # fmt: skip
    options = months(2026, 1, 6)
    found = figure_cells(rows, options, registry=REGISTRY, enrolments=enrolments_of(group))
    report = build_report(rows, options, registry=REGISTRY, enrolments=enrolments_of(group))
    shown, exact_counts = visible_counts(report, found), counts(found)
    attacker = Attacker()
    (ident,) = [key for key in found["change"] if key.startswith("sjalvskattning/")]
    checked = 0
    for gender in ("kvinna", "man", "annat", "okänt"):
        still = exact_counts[("counts", "ongoing", "by_gender", gender)]
        if not 1 <= still <= 4:
            continue
        enrolled = shown[("counts", "enrolled", "by_gender", gender)]
        allowed = attacker.alone(shown[("counts", "ongoing", "by_gender", gender)])
        allowed &= attacker.differences(enrolled, shown[("counts", "ended", "by_gender", gender)],
                                        LARGEST)  # fmt: skip
        pairs = ("change", ident, "aktivitet", "by_gender", gender, "pairs")
        if pairs in shown:
            allowed &= attacker.differences(enrolled, shown[pairs], LARGEST)
        assert still in allowed and len(allowed) >= 2, (gender, still, allowed)
        checked += 1
    assert checked, "the case must hold a gender with 1-4 still enrolled"


# Case 4 (issue 24): how long one leaver stayed. Months before their end that put them in
# each band of time in the programme (analysis/figures/time_in_programme.py).
BAND_STARTS = {"under_3": 1, "3_to_6": 4, "6_to_12": 8, "12_or_more": 14}


def band_findings(group: list[Person], target: Person,
                  holdings: list[tuple[ReportOptions, ReportOptions, Person]]) -> Finding:
    """The target's band, from every pair of reports held at once: each pair is (options
    of the report with the target as it is, options of the other report, the target as
    it is in the other report), everyone else the same in both. Each candidate band's
    contribution is the difference of the two reports' exact counts with the target
    started so long before their end; the attacker knows everything but the start."""
    others = [p for p in group if p.code != target.code]
    held = []
    for options_with, options_without, before in holdings:

        def exact_counts(person: Person, options: ReportOptions) -> dict:
            return counts(cells([*others, person], options, True))

        found = []
        for band, months_before in BAND_STARTS.items():
            started = add_months(target.ended, -months_before)
            with_ = exact_counts(dataclasses.replace(target, started=started), options_with)
            without = exact_counts(dataclasses.replace(before, started=started), options_without)
            found.append(Contribution(band, {p: with_.get(p, 0) - without.get(p, 0)
                                             for p in with_.keys() | without.keys()
                                             if with_.get(p, 0) != without.get(p, 0)}))
        shown = seen([*others, target], options_with, True)
        # The attacker reads the new table: its counts are among those the report shows.
        assert any(path[0] == "time_in_programme" for path in shown)
        held.append(Holding(shown, seen([*others, before], options_without, True), found))
    truth = next(band for band, months in BAND_STARTS.items()
                 if add_months(target.ended, -months) == target.started)  # fmt: skip
    return attack_answer(Attacker(), held, truth, f"{target.code} time in the programme")


def band_case(seed: int) -> tuple[list[Person], Person]:
    """20 leavers of January-July in two insatser, each started 1-20 months before their
    end, and one who ends alone in August in the smaller insats, Steget."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    group = people(rnd, 20, 2026, (1, 7))
    for i, p in enumerate(group):
        p.insats = "Steget" if i % 4 == 0 else "Hantverksstegen"
        p.started = add_months(p.ended, -rnd.randint(1, 20)) - dt.timedelta(days=rnd.randint(0, 20))
    leaver = dataclasses.replace(people(rnd, 1, 2026, (8, 8))[0], code="H-005", insats="Steget")
    leaver.started = add_months(leaver.ended, -rnd.choice(list(BAND_STARTS.values())))
    return [*group, leaver], leaver


@pytest.mark.parametrize("seed", range(8))
def test_one_leavers_time_in_the_programme_is_not_determined(seed: int) -> None:
    """Case 4: the reports to August and to July, July-August and July, August alone, the
    same for Steget alone, and the report to August before and after the leaver's exit
    was recorded: the leaver's band of time in the programme stays open."""
    group, leaver = band_case(seed)
    still = dataclasses.replace(leaver, ended=None, outcome=None)  # before the exit
    steget = dict(insatser=("Steget",))
    holdings = [
        (months(2026, 1, 8), months(2026, 1, 7), leaver),
        (months(2026, 7, 8), months(2026, 7, 7), leaver),
        (months(2026, 8, 8), months(2026, 8, 8), still),
        (dataclasses.replace(months(2026, 1, 8), **steget),
         dataclasses.replace(months(2026, 1, 7), **steget), leaver),
        (dataclasses.replace(months(2026, 8, 8), **steget),
         dataclasses.replace(months(2026, 8, 8), **steget), still),
        (months(2026, 1, 8), months(2026, 1, 8), still),
    ]
    finding = band_findings(group, leaver, holdings)
    assert finding.truth in finding.consistent
    assert_nothing_determined([finding], f"one leaver's band of time (seed {seed})")
# Case 5 (issue 24): one person's follow-up answer, given alone in a month.

FOLLOWUP_ITEMS = {"sysselsattning": (*range(1, 9), None, "skipped"),
                  "forsorjning": (*range(1, 10), None, "skipped")}


@dataclasses.dataclass
class Leaver:
    code: str
    key: int
    insats: str
    ended: dt.date
    outcome: str
    income: tuple[str, ...]
    answers: dict[str, Any]  # item -> value, None (vet inte), "skipped"
    answered: dt.datetime | None  # None: not answered (yet)


def leavers(rnd: random.Random, count: int) -> list[Leaver]:
    """People who ended from July 2025 to January 2026 and answered their 6-month
    follow-up in its month (January to July 2026)."""
    out = []
    for i in range(count):
        ended = dt.date(2025, rnd.randint(7, 12), rnd.randint(1, 28))
        point = dt.date(ended.year + (ended.month + 5) // 12, (ended.month + 5) % 12 + 1,
                        ended.day)  # fmt: skip
        out.append(Leaver(
            code=f"U-{i + 100:03d}", key=rnd.randrange(KEY_RANGE), insats=rnd.choice("AB"),
            ended=ended, outcome=rnd.choice(("arbete", "studier", "arbetssökande", "annat")),
            income=rnd.choice((("lon",), ("forsorjningsstod",), ("studiemedel", "lon"))),
            answers={"sysselsattning": rnd.choice((1, 1, 2, 3, 4, 8, None)),
                     "forsorjning": rnd.choice((1, 1, 2, 3, 4, 9, None)),
                     "stod_hjalper": rnd.choice((4, 3, 2, None))},
            answered=dt.datetime.combine(point + dt.timedelta(days=3), dt.time(10)),
        ))  # fmt: skip
    return out


def followup_rows(group: list[Leaver]) -> list[AnswerRow]:
    return [make_row(participant=p.code, insats=p.insats, site="Skövde",
                     questionnaire="uppfoljning", occasion="uppfoljning-6", item=item,
                     value=value, submitted_at=p.answered, record_key=p.key)
            for p in group if p.answered is not None
            for item, value in p.answers.items() if value != "skipped"]  # fmt: skip


def followup_enrolments(group: list[Leaver]) -> list[EnrolmentRow]:
    return [EnrolmentRow(None, p.code, "kvinna", "nej", p.insats, "Skövde", dt.date(2025, 1, 7),
                         p.ended, p.outcome, income_exit=p.income, record_key=p.key,
                         invited=frozenset({("uppfoljning", "uppfoljning-6")}))
            for p in group]  # fmt: skip


def followup_cells(group: list[Leaver], options: ReportOptions, with_enrolments: bool) -> Any:
    return figure_cells(followup_rows(group), options, registry=REGISTRY,
                        enrolments=followup_enrolments(group) if with_enrolments else None)


def followup_seen(group: list[Leaver], options: ReportOptions, with_enrolments: bool) -> dict:
    enrolments = followup_enrolments(group) if with_enrolments else None
    report = build_report(followup_rows(group), options, registry=REGISTRY,
                          enrolments=enrolments)  # fmt: skip
    found = visible_counts(report, followup_cells(group, options, with_enrolments))
    assert any(path[0] == "followups" for path in found)
    return found


@pytest.mark.parametrize("with_enrolments", [False, True], ids=["csv", "enrolments"])
def test_one_follow_up_answer_alone_in_a_month(with_enrolments: bool) -> None:
    """The target ended in February 2026 and answers the 6-month follow-up alone in
    August; everyone else answered theirs from January to July. The attacker holds the
    reports to August and to July, July–August and July, August alone (without the
    target it holds nobody's answer), the same for the target's insats alone, and the
    report to August before and after the target's answer came in."""
    rnd = random.Random(41)  # noqa: S311 - test data, not secrets
    others = leavers(rnd, 19)
    target = Leaver("U-005", rnd.randrange(KEY_RANGE), "A", dt.date(2026, 2, 10), "arbete",
                    ("forsorjningsstod",), {"sysselsattning": 2, "forsorjning": 1,
                                            "stod_hjalper": 4},
                    dt.datetime(2026, 8, 14, 10))  # fmt: skip
    before = dataclasses.replace(target, answered=None)  # due, not answered yet
    insats_a = {"insatser": ("A",)}
    holdings = [
        (months(2026, 1, 8), months(2026, 1, 7), False),
        (months(2026, 7, 8), months(2026, 7, 7), False),
        (months(2026, 8, 8), months(2026, 8, 8), True),
        (dataclasses.replace(months(2026, 1, 8), **insats_a),
         dataclasses.replace(months(2026, 1, 7), **insats_a), False),
        (dataclasses.replace(months(2026, 8, 8), **insats_a),
         dataclasses.replace(months(2026, 8, 8), **insats_a), True),
        (months(2026, 1, 8), months(2026, 1, 8), True),  # before and after the answer
    ]
    findings = answer_findings(others, target, holdings, with_enrolments,
                               candidates=FOLLOWUP_ITEMS, count=followup_cells,
                               show=followup_seen, before=before)
    assert_nothing_determined(findings, "one follow-up answer alone in August")
