"""An attacker on published reports, for the cell key method (analysis/perturbation.py).

The attacker knows the whole perturbation table and how reports are built, and holds
many published reports at once: consecutive months, the whole insats and each site,
each insats and all, the same report before and after one more answer, a web report
and a CSV-path report of the same data, a person with two enrolments. It does not know
the record keys.

Two questions, each asked of every count the reports publish:

- **A person's answer.** For each answer the person could have given (every value of
  the item's scale, "vet inte"), the attacker knows which published counts that answer
  adds to: the difference, count by count, between a report with the person and one
  without (`Contribution`). An answer is *consistent* when for every count held there
  is an exact count of everyone else that the table can publish as the report without
  the person shows it, and that, plus the answer's contribution, the table can publish
  as the report with the person shows it. Only one consistent answer: *determined*.
  Beside that yes/no, the attacker weighs the answers by Bayes over the table (a flat
  prior on everyone else's counts, and on the answers) and guesses the likeliest:
  `Finding.best_probability` is how sure that guess is.
- **A figure about 1-4 units** (a small site, a small gender group, a group derived as
  a whole minus its other part): the values consistent with the published counts held.
  Only one: determined.

What it does not do: solve sums over many counts jointly (the groups of a breakdown
against their total); each count, and each difference of two counts, is weighed on its
own, so `best_probability` multiplies the evidence of every count as if independent,
which overstates what the attacker knows rather than understating it.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from analysis.perturbation import Cell, PerturbationTable, default_table, publish

Path = tuple[Any, ...]
# The largest exact count the attacker considers behind a published one.
LARGEST = 2000


def count_paths(tree: Any, path: Path = ()) -> Iterator[tuple[Path, Cell]]:
    """Every Cell in a tree of figures, with where it is."""
    if isinstance(tree, Cell):
        yield path, tree
    elif isinstance(tree, Mapping):
        for key, value in tree.items():
            yield from count_paths(value, (*path, key))
    elif isinstance(tree, list | tuple):
        for i, value in enumerate(tree):
            yield from count_paths(value, (*path, i))


def counts(cells: Any) -> dict[Path, int]:
    """The exact counts of a tree of Cells, by path."""
    return {path: cell.count for path, cell in count_paths(cells)}


def published_counts(cells: Any, table: PerturbationTable | None = None) -> dict[Path, int]:
    """The published count at every path of a tree of Cells, all of them (what a report
    shows is `visible_counts`)."""
    table = table or default_table()
    return {path: table.published(cell) for path, cell in count_paths(cells)}


# Figures whose JSON keys sit at the top of the report rather than under the figure's name.
TOP_LEVEL = {"people"}


_ABSENT = object()


def visible_counts(report: Mapping[str, Any], cells: Any) -> dict[Path, int]:
    """What a reader of a published report sees: for every count path of the report's
    cells, the number the report shows there (a count it withholds is left out).

    Every count path must lead to a count or to something withheld (None, or under a
    withheld part): a figure whose finished shape moves a count elsewhere would hide it
    from the attacker, so that is an error here, not a count left out."""
    out = {}
    for path, _ in count_paths(cells):
        node: Any = report
        for key in path[1:] if path[0] in TOP_LEVEL else path:
            if node is None:
                break  # a withheld part (shares.parts): nothing below it is shown
            node = node.get(key, _ABSENT) if isinstance(node, Mapping) else _ABSENT
        assert node is None or (isinstance(node, int) and not isinstance(node, bool)), (
            f"the report shows no count at {path}: the attacker cannot see it")
        if node is not None:
            out[path] = node
    return out


class Attacker:
    def __init__(self, table: PerturbationTable | None = None) -> None:
        self.table = table or default_table()

    @functools.cache  # noqa: B019 - one attacker per test, few values
    def likelihood(self, published: int) -> dict[int, float]:
        """Exact count -> probability that the table publishes it as `published`."""
        out: dict[int, float] = {}
        for count in range(max(0, published - 3), published + 4):
            if count > LARGEST:
                break
            if count == 0:
                if published == 0:
                    out[0] = 1.0
                continue
            for noise, probability in self.table.row(count):
                if count + noise == published and probability > 0:
                    out[count] = out.get(count, 0.0) + probability
        return out

    def possible(self, published: int) -> set[int]:
        return set(self.likelihood(published))

    def weigh(self, with_person: int, without: int, contribution: int) -> float:
        """How well one contribution explains two published counts: the sum over
        everyone else's exact count b (flat prior) of P(without | b) P(with | b + c)."""
        ahead = self.likelihood(with_person)
        return sum(p * ahead.get(b + contribution, 0.0)
                   for b, p in self.likelihood(without).items())  # fmt: skip

    def differences(self, whole: int, part: int, largest: int) -> set[int]:
        """Values of (whole - part) in 0..largest consistent with both published counts."""
        return {a - b for a in self.possible(whole) for b in self.possible(part)
                if 0 <= a - b <= largest}  # fmt: skip

    def alone(self, published: int) -> set[int]:
        """The exact counts a published count of its own allows."""
        return self.possible(published)


@dataclass
class Contribution:
    """What one candidate answer adds to each count: counts with the person (answering
    this way) minus counts without them, over the paths of both reports."""

    answer: Any
    by_path: dict[Path, int]


@dataclass
class Finding:
    what: str
    consistent: list[Any]
    truth: Any
    best_probability: float
    determined: bool = field(init=False)

    def __post_init__(self) -> None:
        self.determined = len(self.consistent) == 1


@dataclass
class Holding:
    """Two reports the attacker holds that differ by one person: the counts each shows,
    each candidate answer's contribution, and, when the attacker knows who else is in
    the report without the person (an empty month, say), that report's exact counts."""

    with_person: dict[Path, int]
    without: dict[Path, int]
    contributions: list[Contribution]
    without_exact: dict[Path, int] | None = None


def attack_answer(attacker: Attacker, holdings: list[Holding], truth: Any, what: str) -> Finding:
    """One person's answer, from every pair of reports held at once."""
    answers = [c.answer for c in holdings[0].contributions]
    log_weight = dict.fromkeys(answers, 0.0)
    for held in holdings:
        for candidate in held.contributions:
            for path, published in held.with_person.items():
                c = candidate.by_path.get(path, 0)
                if held.without_exact is None and path not in held.without:
                    continue  # withheld in the other report: nothing to compare
                if held.without_exact is not None:
                    weight = attacker.likelihood(published).get(
                        held.without_exact.get(path, 0) + c, 0.0)
                else:
                    weight = attacker.weigh(published, held.without.get(path, 0), c)
                log_weight[candidate.answer] += math.log(weight) if weight > 0 else -math.inf
    consistent = [a for a in answers if log_weight[a] > -math.inf]
    if not consistent:
        raise AssertionError(f"{what}: no answer explains the reports (the attacker is wrong)")
    top = max(log_weight[a] for a in consistent)
    total = sum(math.exp(log_weight[a] - top) for a in consistent)
    return Finding(what, consistent, truth, 1 / total)


def attack_small_figures(
    attacker: Attacker, whole: dict[Path, int], part: dict[Path, int],
    exact_difference: dict[Path, int], what: str,
) -> list[Finding]:  # fmt: skip
    """Figures derived as a whole minus its part (the insats minus a site, two
    consecutive periods), about 1-4 units, and figures about 1-4 units published as they
    are: which values are consistent."""
    findings = []
    for path, truth in exact_difference.items():
        if not 1 <= truth <= 4 or path not in whole or path not in part:
            continue  # not about 1-4 units, or withheld by one of the reports
        values = sorted(attacker.differences(whole.get(path, 0), part.get(path, 0), LARGEST))
        findings.append(Finding(f"{what} {path}", values, truth,
                                1 / len(values) if values else 1.0))  # fmt: skip
    return findings


def contributions(
    build: Callable[[Any], Any], candidates: list[Any], without: dict[Path, int]
) -> list[Contribution]:
    """Each candidate's contribution: the exact counts of the report built with the
    person answering it (`build(candidate)` returns a tree of Cells) minus `without`."""
    out = []
    for answer in candidates:
        exact = counts(build(answer))
        paths = exact.keys() | without.keys()
        out.append(Contribution(answer, {p: exact.get(p, 0) - without.get(p, 0) for p in paths
                                         if exact.get(p, 0) != without.get(p, 0)}))  # fmt: skip
    return out


def published(cells: Any) -> Any:
    """The report tree as published (for checks on what a renderer would see)."""
    return publish(cells)
