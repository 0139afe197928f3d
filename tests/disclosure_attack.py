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
    # Counts of people published as they are: one of 1..min_group-1 is a finding too.
    shown: list[tuple[float, str]] = field(default_factory=list)

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

    def shown_count(self, term: tuple[int | None, float], label: str) -> None:
        """A published count of people (hidden ones are watched instead)."""
        if term[0] is None:
            self.shown.append((term[1], label))

    def findings(self, min_group: int) -> list[str]:
        out = [f"{self.name}: {label} is shown ({n:g})" for n, label in self.shown
               if 0 < n < min_group]  # fmt: skip
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
        board = System("board figures")
        ended = _outcomes(published["exit_outcomes"], truth["exit_outcomes"], m, board)
        _board(board, published, truth, m, ended)
        out.append(board)
    return out


BIG = 10**6
CATEGORIES = ("enrolled", "new", "continuing", "ended", "ongoing")
Term = tuple[int | None, float]


def _count(s: System, value: Any, truth: int, label: str, low: float = 0,
           high: float = BIG) -> Term:  # fmt: skip
    """A published or hidden count of people: watched when hidden, checked when shown."""
    term = s.term(value, label, low, high)
    s.watch(term[0], truth, label)
    s.shown_count(term, label)
    return term


def _board(s: System, published: dict[str, Any], truth: dict[str, Any], m: int,
           outcomes_ended: dict[str, Any]) -> None:  # fmt: skip
    """The board's counts of both periods, avbrott, response rates and försörjning, in
    one system with the exit outcomes, as an attacker who knows how they hang together.

    The attacked data has one enrolment per person, so people and enrolments are one:
    the ended are the exit outcomes' ended, the due at start are the new, the due at
    avslut the ended, and those ongoing at the previous period's end are those
    continuing into this one.
    """
    totals = _counts(s, "now", published["counts"], truth["counts"], m)
    s.equal([(*totals["ended"], 1.0), (*outcomes_ended["ended"], -1.0)])
    # The same people ended per gender and per insats, in the counts and the outcomes.
    for breakdown in ("by_gender", "by_insats"):
        for group, term in outcomes_ended[breakdown].items():
            if ("ended", breakdown, group) in totals:
                s.equal([(*totals[("ended", breakdown, group)], 1.0), (*term, -1.0)])
    _rates(s, "now", published["response_rates"], truth["response_rates"], m, totals)
    _income(s, published["income"], truth["income"], m, totals["ended"])
    if truth.get("previous") is not None:
        shown, real = published["previous"], truth["previous"]
        _count(s, shown["people"], real["people"], "previous people", 0, m - 1)
        before = _counts(s, "before", shown["counts"], real["counts"], m)
        for key, term in before.items():
            if key[0] == "ongoing":
                s.equal([(*term, 1.0), (*totals[("continuing", *key[1:])], -1.0)])
        _rates(s, "before", shown["response_rates"], real["response_rates"], m, before)


def _counts(s: System, period: str, shown: dict[str, Any], real: dict[str, Any],
            m: int) -> dict[Any, Term]:  # fmt: skip
    """Terms per category (key "ended") and per (category, breakdown, group)."""
    terms: dict[Any, Term] = {}
    for category in CATEGORIES:
        cell = shown[category]
        high = m - 1 if category == "enrolled" else BIG
        terms[category] = _count(s, figure(cell, "n"), real[category]["n"],
                                 f"{period} {category}", 0, high)
        for breakdown in ("by_gender", "by_age", "by_insats"):
            line = [(*terms[category], -1.0)]
            for group, truth_n in _groups(real, category, breakdown).items():
                value = (shown["by_insats"][group][category] if breakdown == "by_insats"
                         else figure(cell, breakdown) if hidden(cell) else cell[breakdown][group])
                label = f"{period} {category} {breakdown} {group}"
                term = terms[(category, breakdown, group)] = _count(s, value, truth_n, label)
                line.append((*term, 1.0))
            s.equal(line)
    keys = [(), *{k[1:] for k in terms if isinstance(k, tuple)}]
    for key in keys:
        def at(category: str, key: tuple[str, ...] = key) -> Term:
            return terms[(category, *key)] if key else terms[category]
        for parts in (("new", "continuing"), ("ended", "ongoing")):
            s.equal([(*at("enrolled"), -1.0), *((*at(part), 1.0) for part in parts)])
    avbrott, truth_avbrott = shown["avbrott"], real["avbrott"]
    ended = _count(s, avbrott["ended"], truth_avbrott["ended"], f"{period} avbrott ended")
    left = _count(s, avbrott["left_early"], truth_avbrott["left_early"], f"{period} left early")
    s.equal([(*ended, 1.0), (*terms["ended"], -1.0)])
    if left[0] is not None and ended[0] is not None:
        s.at_most(left[0], ended[0])
    return terms


def _groups(real: dict[str, Any], category: str, breakdown: str) -> dict[str, int]:
    if breakdown == "by_insats":
        return {name: cells[category] for name, cells in real["by_insats"].items()}
    return real[category][breakdown]


def _rates(s: System, period: str, shown: dict[str, Any], real: dict[str, Any], m: int,
           counts: dict[Any, Term]) -> None:  # fmt: skip
    """due = answered + missing, the reasons add up to the missing; the due at start are
    the new, at avslut the ended."""
    for key, occasions in real["by_questionnaire"].items():
        for occasion, truth_cell in occasions.items():
            cell = shown["by_questionnaire"][key][occasion]
            name = f"{period} rate {key} {occasion}"
            parts = {f: _count(s, figure(cell, f), truth_cell[f], f"{name} {f}")
                     for f in ("due", "answered", "missing")}  # fmt: skip
            s.equal([(*parts["due"], -1.0), (*parts["answered"], 1.0), (*parts["missing"], 1.0)])
            reasons = []
            for reason, n in truth_cell["reasons"].items():
                value = cell if hidden(cell) else cell["reasons"][reason]
                term = _count(s, value, n, f"{name} {reason}")
                reasons.append((*term, 1.0))
            s.equal([*reasons, (*parts["missing"], -1.0)])
            same = {"start": "new", "avslut": "ended"}.get(occasion)
            if same:
                s.equal([(*parts["due"], 1.0), (*counts[same], -1.0)])


def _income(s: System, shown: dict[str, Any], real: dict[str, Any], m: int,
            ended: Term) -> None:  # fmt: skip
    """Start × exit groups with both margins; recorded <= ended."""
    income_ended = _count(s, shown["ended"], real["ended"], "income ended")
    s.equal([(*income_ended, 1.0), (*ended, -1.0)])
    recorded = _count(s, shown["recorded"], real["recorded"], "income recorded")
    not_recorded = s.var("income not recorded", 0, BIG)
    s.watch(not_recorded, real["ended"] - real["recorded"], "income not recorded")
    s.equal([(*income_ended, -1.0), (*recorded, 1.0), (not_recorded, 0, 1.0)])
    groups = list(real["start"])
    margins = {}
    for side in ("start", "exit"):
        for g in groups:
            margins[(side, g)] = _count(s, shown[side][g], real[side][g], f"income {side} {g}")
        s.equal([(*recorded, -1.0), *((*margins[(side, g)], 1.0) for g in groups)])
    cells = {}
    for a in groups:
        for b in groups:
            cells[(a, b)] = _count(s, shown["cells"][a][b], real["cells"][a][b],
                                   f"income {a}->{b}")  # fmt: skip
    for g in groups:
        s.equal([(*margins[("start", g)], -1.0), *((*cells[(g, b)], 1.0) for b in groups)])
        s.equal([(*margins[("exit", g)], -1.0), *((*cells[(a, g)], 1.0) for a in groups)])


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


def _outcomes(shown: dict[str, Any], real: dict[str, Any], m: int,
              s: System | None = None) -> Any:  # fmt: skip
    """Outcome x gender with both margins and the grand total, and arbete + studier: a
    new System, or the terms of the ended (in total, per gender and per insats) when
    added to `s`."""
    given = s
    s = s or System("exit outcomes")
    # Hidden: fewer than m, or hidden with the board's count of ended (the same people).
    ended, e_known = s.term(shown["ended"], "ended", 0, BIG if given else m - 1)
    s.watch(ended, real["ended"], "ended")
    groups: dict[str, dict[str, Term]] = {"by_gender": {}, "by_insats": {}}
    result = s if given is None else {"ended": (ended, e_known), **groups}
    if hidden(shown["ended"]):
        return result
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
    groups["by_insats"].update(_work_by_insats(s, shown, real, work, e_known, top))
    ends = groups["by_gender"]
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
    return result


def _work_by_insats(s: System, shown: dict[str, Any], real: dict[str, Any],
                    work: tuple[int | None, float], ended: float, top: float) -> dict[str, Term]:
    """Ended and work or studies per insat add up to the totals; the rest (ended minus
    work or studies) of each insats is a figure too. Returns each insats's ended."""
    ends, works = [], []
    per_insats: dict[str, Term] = {}
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
        per_insats[name] = end
    if ends:
        s.equal(ends, ended)
        s.equal([*works, (*work, -1.0)])
    return per_insats


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
