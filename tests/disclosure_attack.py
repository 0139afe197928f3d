"""An attacker on a published report: every number it shows, every sum it implies, solved
exactly (integer programming) for each hidden figure.

What the attacker knows is what the report publishes (the JSON, which every other output
renders) and how reports are built: the groups of a breakdown add up to the item's total,
the exit outcomes of a gender add up to that gender's ended enrolments, the counted outcomes
to work or studies, whose parts per insats add up to it too, and so on; a listed
group has at least one answer; a shown zero is zero; a hidden total is below min_group.
For each hidden figure about 1..min_group-1 people (known from the same data reported
with nothing hidden) the attacker finds the smallest and largest value consistent with all
of that. Equal means determined: a finding.

One thing is not counted as a finding, because publishing it is what the rule allows: when
every hidden person of a line gave no positive answer (or did not improve), each hidden
group's positives are known to be 0. That is what a shown group of min_group people with
0 % tells about each of them too.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp


def hidden(value: Any) -> bool:
    return isinstance(value, dict) and value.get("suppressed") is True


def figure(cell: Any, key: str) -> Any:
    """cell[key], or the hidden mark when the whole cell is hidden."""
    return cell if hidden(cell) else cell[key]


# The build draws a fixed set of examples (derandomized), so a red build can be repeated
# and a green one is not luck; STEGVIS_EXPLORE=1 draws new examples on every run, to hunt
# for cases such as test_five_ended_with_five_different_outcomes_hides_the_whole_line.
DERANDOMIZE = os.environ.get("STEGVIS_EXPLORE") != "1"


@dataclass
class System:
    """Integer unknowns with bounds, linear equations and inequalities over them."""

    name: str
    low: list[float] = field(default_factory=list)
    high: list[float] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    rows: list[tuple[dict[int, float], float, float]] = field(default_factory=list)
    # (variable, true value, label, a line's hidden sum that excuses a determined 0)
    watched: list[tuple[int, int, str, tuple[int, ...]]] = field(default_factory=list)

    def var(self, label: str, low: float, high: float) -> int:
        self.low.append(low)
        self.high.append(high)
        self.labels.append(label)
        return len(self.low) - 1

    def term(self, value: Any, label: str, low: float, high: float) -> tuple[int | None, float]:
        """A published value as (None, number), a hidden one as (variable, 0)."""
        if hidden(value):
            return self.var(label, low, high), 0.0
        return None, float(value)

    def equal(self, terms: Iterable[tuple[int | None, float, float]], constant: float = 0) -> None:
        """sum(coefficient * (variable or number)) == constant."""
        coefficients: dict[int, float] = {}
        known = constant
        for var, number, coefficient in terms:
            if var is None:
                known -= coefficient * number
            else:
                coefficients[var] = coefficients.get(var, 0) + coefficient
        if coefficients:
            self.rows.append((coefficients, known, known))

    def at_most(self, small: int, large: int) -> None:
        """variable small <= variable large."""
        self.rows.append(({small: 1.0, large: -1.0}, -np.inf, 0.0))

    def watch(self, var: int | None, truth: int, label: str, excuse: tuple[int, ...] = ()) -> None:
        if var is not None:
            self.watched.append((var, truth, label, excuse))

    def _solve(self, objective: np.ndarray) -> float:
        count = len(self.low)
        constraints = []
        if self.rows:
            matrix = np.zeros((len(self.rows), count))
            lows, highs = [], []
            for r, (coefficients, low, high) in enumerate(self.rows):
                for var, coefficient in coefficients.items():
                    matrix[r, var] = coefficient
                lows.append(low)
                highs.append(high)
            constraints.append(LinearConstraint(matrix, lows, highs))
        result = milp(objective, integrality=np.ones(count), bounds=Bounds(self.low, self.high),
                      constraints=constraints)  # fmt: skip
        assert result.success, (self.name, result.message)
        return float(objective @ np.round(result.x))

    def findings(self, min_group: int) -> list[str]:
        out = []
        for var, truth, label, excuse in self.watched:
            if not 0 < truth < min_group and not label.endswith("positive"):
                continue
            objective = np.zeros(len(self.low))
            objective[var] = 1
            low, high = self._solve(objective), -self._solve(-objective)
            if low != high:
                continue
            if excuse:  # a 0 known only because the whole hidden union is 0
                objective = np.zeros(len(self.low))
                objective[list(excuse)] = 1
                if low == 0 and -self._solve(-objective) == 0:
                    continue
            out.append(f"{self.name}: {label} is determined ({low:g}; true {truth})")
        return out


def _breakdown_system(name: str, shown: dict[str, Any], truth: dict[str, Any], m: int,
                      size: str, count: str) -> System:  # fmt: skip
    """One item (or change dimension) with its breakdowns: each adds up to the total."""
    s = System(name)
    if hidden(shown):
        n_total = s.var("total size", 0, m - 1)
        s.watch(n_total, truth[size], "total size")
        return s
    n_total, n_known = None, shown[size]
    pos_total = shown[count]
    for key, groups in shown.items():
        if not key.startswith("by_") or not groups:
            continue
        n_terms = [(n_total, n_known, -1.0)]
        pos_terms = [(None, pos_total, -1.0)]
        hidden_pos = []
        sizes_and_counts = []
        for group, cell in groups.items():
            real = truth[key][group]
            if hidden(cell):
                n = s.var(f"{key}/{group} size", 1, n_known)
                p = s.var(f"{key}/{group} positive", 0, n_known)
                s.at_most(p, n)
                sizes_and_counts.append((n, p, real))
                hidden_pos.append(p)
                n_terms.append((n, 0, 1.0))
                pos_terms.append((p, 0, 1.0))
            else:
                n_terms.append((None, cell[size], 1.0))
                pos_terms.append((None, cell[count], 1.0))
        s.equal(n_terms)
        s.equal(pos_terms)
        for n, p, real in sizes_and_counts:
            if 0 < real[size] < m:
                s.watch(n, real[size], f"{key} size ({real[size]})")
                s.watch(p, real[count], f"{key} positive", tuple(hidden_pos))
    return s


def systems(published: dict[str, Any], truth: dict[str, Any]) -> list[System]:
    m = published["selection"]["min_group"]
    out: list[System] = []
    for ident, occasions in truth["indicators_by_version"].items():
        for occasion, items in occasions.items():
            for item, real in items.items():
                shown = published["indicators_by_version"][ident][occasion][item]
                out.append(_breakdown_system(f"{ident} {occasion} {item}", shown, real, m,
                                             "n", "positive"))  # fmt: skip
    for ident, dimensions in truth["change_by_version"].items():
        for dimension, real in dimensions.items():
            shown = published["change_by_version"][ident][dimension]
            out.append(_breakdown_system(f"change {ident} {dimension}", shown, real, m,
                                         "pairs", "improved"))  # fmt: skip
    out.append(_insatser(published, truth, m))
    out += _missing(published, truth, m)
    out += _coverage(published, truth, m)
    if truth["exit_outcomes"]["available"]:
        out.append(_outcomes(published["exit_outcomes"], truth["exit_outcomes"], m))
    return out


def _insatser(published: dict[str, Any], truth: dict[str, Any], m: int) -> System:
    """People per insats add up to the people of the report (nobody in two, in tests)."""
    s = System("people per insats")
    total = s.term(published["people"], "people", 0, m - 1)
    s.watch(total[0], truth["people"], "people")
    terms = [(*total, -1.0)]
    for name, cell in published["by_insats"].items():
        var = s.term(figure(cell, "people"), name, 1, 10**6)
        terms.append((*var, 1.0))
        s.watch(var[0], truth["by_insats"][name]["people"], f"insats {name} people")
    s.equal(terms)
    return s


def _missing(published: dict[str, Any], truth: dict[str, Any], m: int) -> list[System]:
    out = []
    for key, real in truth["missing"]["by_questionnaire"].items():
        shown = published["missing"]["by_questionnaire"][key]
        s = System(f"missing {key}")
        enrolled, e_known = s.term(figure(shown, "enrolled"), "enrolled", 0, m - 1)
        s.watch(enrolled, real["enrolled"], "enrolled")
        if not hidden(shown):
            parts = {}
            for f in ("with_avslut", "without_avslut"):
                parts[f] = s.term(shown[f], f, 0, 10**6)
                s.watch(parts[f][0], real[f], f)
            s.equal([(enrolled, e_known, -1.0), (*parts["with_avslut"], 1.0),
                     (*parts["without_avslut"], 1.0)])  # fmt: skip
            reasons = [(*s.term(n, r, 0 if hidden(shown["without_avslut"]) else 1, 10**6), 1.0)
                       for r, n in shown["reasons"].items()]  # fmt: skip
            for (var, _, _), (r, n) in zip(reasons, real["reasons"].items(), strict=True):
                s.watch(var, n, f"reason {r}")
            s.equal([*reasons, (*parts["without_avslut"], -1.0)])
        out.append(s)
    return out


def _outcomes(shown: dict[str, Any], real: dict[str, Any], m: int) -> System:
    """Outcome x gender with both margins and the grand total, and arbete + studier."""
    s = System("exit outcomes")
    ended, e_known = s.term(shown["ended"], "ended", 0, m - 1)
    s.watch(ended, real["ended"], "ended")
    if hidden(shown["ended"]):
        return s
    top = e_known
    totals = {}
    # Zeros are shown, so a hidden total holds someone; but when the whole line is
    # hidden its zeros are hidden too (showing which outcomes occurred could tell 1s).
    whole_line = all(hidden(figure(cell, "count")) for cell in shown["outcomes"].values())
    for k, cell in shown["outcomes"].items():
        totals[k] = s.term(figure(cell, "count"), f"total {k}", 0 if whole_line else 1, top)
        s.watch(totals[k][0], real["outcomes"][k]["count"], f"total {k}")
    s.equal([(*totals[k], 1.0) for k in totals], e_known)
    # Work or studies is the sum of the förbund's counted outcomes, in total and per insats.
    work = s.term(figure(shown["work_or_studies"], "count"), "work or studies", 0, top)
    s.watch(work[0], real["work_or_studies"]["count"], "work or studies")
    s.equal([*((*totals[k], 1.0) for k in shown["counted"]), (*work, -1.0)])
    _work_by_insats(s, shown, real, work, e_known, top)
    ends = {}
    for g, sub in shown["by_gender"].items():
        ends[g] = s.term(figure(sub, "ended"), f"{g} ended", 1, top)
        s.watch(ends[g][0], real["by_gender"][g]["ended"], f"{g} ended")
    s.equal([(*ends[g], 1.0) for g in ends], e_known)
    cells = {}
    for g, sub in shown["by_gender"].items():
        for k in totals:
            value = sub if hidden(sub) else sub["outcomes"][k]
            # Zeros are shown; a hidden cell in a shown row and column holds someone.
            floor = 1 if totals[k][0] is None and ends[g][0] is None else 0
            cells[(k, g)] = s.term(value, f"{k}/{g}", floor, top)
            s.watch(cells[(k, g)][0], real["by_gender"][g]["outcomes"][k], f"{k}/{g}")
    for k in totals:
        s.equal([*((*cells[(k, g)], 1.0) for g in ends), (*totals[k], -1.0)])
    for g in ends:
        s.equal([*((*cells[(k, g)], 1.0) for k in totals), (*ends[g], -1.0)])
    return s


def _work_by_insats(s: System, shown: dict[str, Any], real: dict[str, Any],
                    work: tuple[int | None, float], ended: float, top: float) -> None:
    """Ended and work or studies per insat add up to the totals; the rest (ended minus
    work or studies) of each insats is a figure too."""
    ends, works = [], []
    for name, sub in shown["by_insats"].items():
        truth = real["by_insats"][name]
        end = s.term(figure(sub, "ended"), f"{name} ended", 1, top)
        s.watch(end[0], truth["ended"], f"insats {name} ended")
        cell = sub if hidden(sub) else sub["work_or_studies"]
        # A hidden cell in a shown row (work or studies) and column holds someone.
        floor = 1 if work[0] is None and end[0] is None else 0
        went = s.term(figure(cell, "count"), f"{name} work", floor, top)
        count = truth["work_or_studies"]["count"]
        s.watch(went[0], count, f"insats {name} work or studies")
        rest = s.var(f"{name} rest", 0, top)
        s.equal([(rest, 0, 1.0), (*went, 1.0), (*end, -1.0)])
        s.watch(rest, truth["ended"] - count, f"insats {name} rest")
        ends.append((*end, 1.0))
        works.append((*went, 1.0))
    if ends:
        s.equal(ends, ended)
        s.equal([*works, (*work, -1.0)])


def _coverage(published: dict[str, Any], truth: dict[str, Any], m: int) -> list[System]:
    """People in pairs: at least each shown dimension's pairs, at most the enrolled."""
    out = []
    for ident, real in truth["change_coverage"].items():
        shown = published["change_coverage"][ident]
        s = System(f"pairs {ident}")
        people = s.term(shown["in_pairs"], "in pairs", 1, m - 1)
        s.watch(people[0], real["in_pairs"], "in pairs")
        if isinstance(shown["share"], float) and not hidden(shown["enrolled"]):
            s.equal([(*people, 1.0)], round(shown["share"] * shown["enrolled"]))
        if people[0] is not None:
            for cell in published["change_by_version"][ident].values():
                if not hidden(cell):
                    s.rows.append(({people[0]: -1.0}, -np.inf, -float(cell["pairs"])))
        out.append(s)
    return out


def attack(published: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Every hidden figure about 1..min_group-1 people the attacker can determine."""
    m = published["selection"]["min_group"]
    return [finding for s in systems(published, truth) for finding in s.findings(m)]
