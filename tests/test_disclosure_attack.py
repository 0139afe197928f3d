"""Nobody's answer can be learnt from reports (issue 21): the attacker of
`disclosure_attack.py` on the perturbation table alone, on toy figures where what it
can learn is known, and on real reports (the three cases that broke the old rule, on
the CSV and the database paths)."""

from __future__ import annotations

import random

import numpy as np

from analysis.perturbation import Cell, PerturbationTable, default_table

from .disclosure_attack import (
    Attacker,
    Holding,
    attack_answer,
    attack_small_figures,
    contributions,
    counts,
    published_counts,
)

EXACT = PerturbationTable(rows=(((0, 1.0),),))
SCALE = (1, 2, 3, 4, None)  # None: vet inte


def toy_cells(answers: dict[str, int | None], keys: dict[str, int]) -> dict:
    """One item's figures as a report builds them: answered, positive (3-4), vet inte,
    and the distribution, each a Cell over the people counted."""
    def cell(people: list[str]) -> Cell:
        return Cell.of(np.asarray([keys[p] for p in people], dtype=np.int64))

    answered = [p for p, v in answers.items() if v is not None]
    return {
        "n": cell(answered),
        "positive": cell([p for p in answered if answers[p] >= 3]),
        "dont_know": cell([p for p, v in answers.items() if v is None]),
        "distribution": {str(v): cell([p for p in answered if answers[p] == v])
                         for v in (1, 2, 3, 4)},
    }


def one_more_answer(table: PerturbationTable, people: int, seed: int):  # type: ignore[no-untyped-def]
    """The report before and after one more person answered, as the attacker holds it."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    keys = {f"P{i}": rnd.randrange(2**31 - 1) for i in range(people + 1)}
    answers = {f"P{i}": rnd.choice(SCALE) for i in range(people)}
    target = f"P{people}"
    truth = rnd.choice(SCALE)
    before = toy_cells(answers, keys)
    after = toy_cells({**answers, target: truth}, keys)
    without = counts(before)
    candidates = contributions(lambda v: toy_cells({**answers, target: v}, keys),
                               list(SCALE), without)  # fmt: skip
    return Holding(published_counts(after, table), published_counts(before, table),
                   candidates), truth


def test_the_attacker_reads_an_answer_off_two_exact_reports() -> None:
    """Without noise, the difference of two reports gives the answer: the attacker must
    find it, or it could not find anything."""
    attacker = Attacker(EXACT)
    for seed in range(20):
        pair, truth = one_more_answer(EXACT, people=12, seed=seed)
        finding = attack_answer(attacker, [pair], truth, "exact")
        assert finding.consistent == [truth]
        assert finding.best_probability == 1.0


def test_no_answer_is_determined_by_one_more_answer_under_the_table() -> None:
    attacker = Attacker()
    best = []
    for seed in range(200):
        pair, truth = one_more_answer(default_table(), people=seed % 40, seed=seed)
        finding = attack_answer(attacker, [pair], truth, f"seed {seed}")
        assert truth in finding.consistent
        assert not finding.determined, (seed, finding)
        best.append(finding.best_probability)
    print(f"\none item, before/after one more answer: best probability of guessing the "
          f"answer (5 possible) median {np.median(best):.2f}, max {max(best):.2f}")


def test_no_count_of_one_to_four_is_determined_by_itself() -> None:
    attacker = Attacker()
    for count in range(1, 5):
        for key in range(0, 2**31 - 1, 2**31 // 97):
            published = default_table().published(Cell(count, key))
            assert published not in (1, 2)
            assert len(attacker.alone(published)) >= 2


def test_a_small_group_is_not_determined_as_a_whole_minus_its_part() -> None:
    """A site of 1-4 people as the insats minus the other site."""
    attacker = Attacker()
    rnd = random.Random(3)  # noqa: S311 - test data, not secrets
    for _ in range(300):
        small, rest = rnd.randint(1, 4), rnd.randint(0, 40)
        keys_small = np.asarray([rnd.randrange(2**31 - 1) for _ in range(small)])
        keys_rest = np.asarray([rnd.randrange(2**31 - 1) for _ in range(rest)])
        whole = {("n",): default_table().published(Cell.of(np.concatenate([keys_small,
                                                                             keys_rest])))}
        part = {("n",): default_table().published(Cell.of(keys_rest))}
        (finding,) = attack_small_figures(attacker, whole, part, {("n",): small}, "site")
        assert small in finding.consistent
        assert not finding.determined, finding
