"""The perturbation table: candidates, and what each costs and protects, measured.

`python -m bench ptable` prints, for each candidate table (and writes to
bench/results/ptable.json):

- how often a target verdict on a share differs from the verdict on the exact counts
  (any change, and opposite moves "uppnått" <-> "ej uppnått", which must stay 0), for
  programmes of 5 to 500 answers and true shares around the target;
- what a differencing attacker learns from two reports that differ by one person's
  answer (the report before and after one more answer, two consecutive periods, a
  site against its insats): how often the answer is *determined* (only one value
  consistent with both published counts and the table), and the attacker's best
  probability of guessing it (Bayes over the table, flat prior on everyone else).

`python -m bench ptable --write NAME` writes the chosen candidate to
analysis/data/ptable.csv.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from analysis.perturbation import KEY_RANGE, PTABLE, Cell, PerturbationTable
from analysis.shares import wilson

RESULTS = Path(__file__).with_name("results") / "ptable.json"
TARGET = 0.9


def candidate(p1: float, p2: float, p1_at_4: float, p2_at_4: float) -> PerturbationTable:
    """Noise within ±2 and of mean 0 for every count, no count published as 1 or 2.

    Counts 1 and 2 go to 0 or to 3 (the only ways to keep the mean without publishing
    1 or 2; a 2 never goes to 4, so a published 0 and a published 4 never touch and
    tell apart one person more or less); a 3 stays 3 (it could only move to 1, 2 or
    beyond ±2); a 4 may go down only by 1; from 5 on the noise is symmetric: P(±1) = p1, P(±2) = p2.
    """
    rows = (
        ((0, 1.0),),
        ((-1, 2 / 3), (2, 1 / 3)),
        ((-2, 1 / 3), (1, 2 / 3)),
        ((0, 1.0),),
        ((-1, p1_at_4 + 2 * p2_at_4), (0, 1 - 2 * p1_at_4 - 3 * p2_at_4),
         (1, p1_at_4), (2, p2_at_4)),
        ((-2, p2), (-1, p1), (0, 1 - 2 * p1 - 2 * p2), (1, p1), (2, p2)),
    )
    return PerturbationTable(rows)


CANDIDATES = {
    # name: (P(±1), P(±2)) from 5 on, and (P(+1), P(+2)) at 4
    "narrow": candidate(0.18, 0.02, 0.15, 0.03),
    # Rare ±2: a difference of two reports determines one person's answer only when
    # both noises are at opposite ends (P(±2)² per count).
    "chosen": candidate(0.25, 0.01, 0.20, 0.015),
    "wide": candidate(0.28, 0.04, 0.22, 0.05),
}


def verdict(positive: int, n: int) -> str:
    share = positive / n
    low, high = wilson(positive, n)  # type: ignore[misc]
    if low >= TARGET:
        return "met"
    if share >= TARGET:
        return "met_uncertain"
    if high >= TARGET:
        return "not_met_uncertain"
    return "not_met"


def _cell(count: int, key: int) -> Cell:
    return Cell(count, key)


def verdict_changes(table: PerturbationTable, n: int, rnd: random.Random,
                    draws: int = 4000) -> dict[str, float]:  # fmt: skip
    """Share of draws (true shares spread around the target) whose verdict changes."""
    changed = opposite = counted = 0
    for _ in range(draws):
        true_share = min(1.0, max(0.5, rnd.gauss(TARGET, 0.07)))
        positive = sum(rnd.random() < true_share for _ in range(n))
        key_n = rnd.randrange(KEY_RANGE)
        # All positive: the same units, so the same cell key and the same noise.
        key_pos = key_n if positive == n else rnd.randrange(KEY_RANGE)
        n_pub = table.published(_cell(n, key_n))
        pos_pub = min(table.published(_cell(positive, key_pos)), n_pub)
        if n_pub < 5:
            continue
        counted += 1
        exact, published = verdict(positive, n), verdict(pos_pub, n_pub)
        changed += exact != published
        opposite += {exact, published} == {"met", "not_met"}
    return {"changed": changed / max(counted, 1), "opposite": opposite / max(counted, 1)}


def differencing(table: PerturbationTable, rest: int) -> dict[str, float]:
    """One cell, counted with and without one person (contribution c in {0, 1}), the
    noises of the two cells independent (their cell keys differ by the person's key)."""
    largest = rest + 12
    likelihood = {count: dict(_published_values(table, count)) for count in range(largest + 3)}

    def probability(published: int, count: int) -> float:
        return likelihood[count].get(published, 0.0)

    determined = 0.0
    best_guess = 0.0
    for c in (0, 1):
        for pub_a, p_a in _published_values(table, rest + c):
            for pub_b, p_b in _published_values(table, rest):
                weight = 0.5 * p_a * p_b
                # Flat prior on the rest: posterior of c given both published counts.
                post = [sum(probability(pub_b, b) * probability(pub_a, b + k)
                            for b in range(largest)) for k in (0, 1)]  # fmt: skip
                consistent = [k for k in (0, 1) if post[k] > 0]
                determined += weight * (len(consistent) == 1)
                best_guess += weight * max(post) / sum(post)
    return {"determined": determined, "best_guess": best_guess}


def _published_values(table: PerturbationTable, count: int) -> list[tuple[int, float]]:
    if count == 0:
        return [(0, 1.0)]
    return [(count + noise, p) for noise, p in table.row(count) if p > 0]


def measure(table: PerturbationTable, seed: int = 7) -> dict[str, object]:
    rnd = random.Random(seed)
    verdicts = {str(n): verdict_changes(table, n, rnd) for n in (5, 10, 30, 60, 100, 300, 500)}
    attack = {str(rest): differencing(table, rest) for rest in (0, 1, 2, 3, 5, 10, 20, 40)}
    return {
        "rows": [[list(pair) for pair in row] for row in table.rows],
        "verdicts": verdicts,
        "differencing": attack,
        "worst_determined": max(a["determined"] for a in attack.values()),
        "worst_best_guess": max(a["best_guess"] for a in attack.values()),
    }


def _same(one: PerturbationTable, other: PerturbationTable) -> bool:
    return [[(v, round(p, 9)) for v, p in row] for row in one.rows] == \
        [[(v, round(p, 9)) for v, p in row] for row in other.rows]


def write(table: PerturbationTable, path: Path = PTABLE) -> None:
    lines = [
        "# The perturbation table: for an exact count (the last count's row serves every",
        "# larger count), the noise added and its probability. Made and measured by",
        "# bench/ptable.py; see docs/data-format.md. Mean noise 0 in every row; no count",
        "# is published as 1 or 2.",
        "count,noise,probability",
    ]
    for count, row in enumerate(table.rows):
        lines += [f"{count},{noise},{round(probability, 12)!r}" for noise, probability in row]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    if sys.argv[1:2] == ["--write"]:
        write(CANDIDATES[sys.argv[2]])
        return
    results = {}
    for name, table in CANDIDATES.items():
        result = measure(table)
        results[name] = result
        print(f"{name}: verdict changed / opposite by answers:")
        for n, v in result["verdicts"].items():  # type: ignore[union-attr]
            print(f"   n={n:>4}: {v['changed']:.3f} / {v['opposite']:.4f}")
        print("   differencing by everyone else's count: determined, best guess")
        for rest, a in result["differencing"].items():  # type: ignore[union-attr]
            print(f"   rest={rest:>3}: {a['determined']:.4f}, {a['best_guess']:.3f}")
    print("target verdicts on synthetic förbund's reports (published vs exact counts):")
    results["reports"] = {}
    for participants in (10, 30, 100, 500):
        found = report_verdicts(participants, draws=40 if participants < 500 else 10)
        results["reports"][str(participants)] = found
        print(f"   {participants:>4} participants: verdict changed {found['changed_90']:.3f} "
              f"(targets of 90 %), {found['changed_at_share']:.3f} (targets at the exact "
              f"share); opposite moves {found['opposite']}")
    found = demo_verdicts(draws=40)
    results["reports"]["demo"] = found
    print(f"   the demo: verdict changed {found['changed_90']:.3f} (targets of 90 %), "
          f"{found['changed_at_share']:.3f} (at the exact share); opposite moves "
          f"{found['opposite']}")
    in_use = PerturbationTable.load()
    results["in_use"] = next((name for name, t in CANDIDATES.items() if _same(t, in_use)),
                             "other")  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"in use: {results['in_use']}; figures in {RESULTS}")



def report_verdicts(participants: int, draws: int, seed: int = 3) -> dict[str, float]:
    """On a synthetic förbund's report (analysis.synthetic): `verdict_changes_on`."""
    import tempfile

    from analysis.synthetic import write_csv

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "svar.csv"
        write_csv(path, participants, seed)
        return verdict_changes_on(path, draws, seed)


def demo_verdicts(draws: int, seed: int = 3) -> dict[str, float]:
    """The same on `make run`'s demo data: a fresh demo database, its answers exported
    as the Dataexport CSV (`flask export`)."""
    import os
    import subprocess
    import tempfile

    from survey.demo import INSATS

    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/demo.sqlite3"}
        flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
        for command in (["init-db"], ["demo"],
                        ["export", "--insats", INSATS, "--output", f"{folder}/svar.csv"]):
            subprocess.run([*flask, *command], env=env, check=True, capture_output=True)
        return verdict_changes_on(Path(folder) / "svar.csv", draws, seed)


def verdict_changes_on(path: Path, draws: int, seed: int) -> dict[str, float]:
    """How often a target verdict on the published counts differs from the verdict on
    the exact counts, over `draws` draws of the record keys. Targets: 90 % on every item
    at avslut, in total and per insats, and the same items with the target set at the
    exact share (the worst place for a target)."""
    from analysis.csv_rows import AnswerCsvReader
    from analysis.figures.targets import check
    from analysis.perturbation import exact, publish
    from analysis.report import ReportOptions, figure_cells
    from analysis.targets import Target
    from questionnaires import Registry

    registry = Registry.load()
    rows = list(AnswerCsvReader(path, registry).rows())
    items = sorted({row.item for row in rows if row.occasion == "avslut"
                    and row.questionnaire == "finsam-indikatorer"})  # fmt: skip
    insatser = (None, *sorted({row.insats for row in rows}))
    targets = tuple(Target(item, "avslut", 0.9, insats)
                    for item in items for insats in insatser)  # fmt: skip
    at_90 = len(targets)
    exact_cells = exact(figure_cells(rows, ReportOptions(targets=targets),
                                     registry=registry)["targets"])  # fmt: skip
    targets += tuple(Target(one["target"].item, "avslut", one["positive"] / one["n"],
                            one["target"].insats)
                     for one in exact_cells if one.get("n"))  # fmt: skip
    options = ReportOptions(targets=targets)
    rnd = random.Random(seed)
    people = sorted({row.participant for row in rows})
    changed, judged, opposite = [0, 0], [0, 0], 0
    truth = None
    for _ in range(draws):
        keys = {person: rnd.randrange(KEY_RANGE) for person in people}
        drawn = [row._replace(record_key=keys[row.participant]) for row in rows]
        cells = figure_cells(drawn, options, registry=registry)["targets"]
        if truth is None:
            truth = [check(one["target"], exact(one) if "n" in one else None, 5)["verdict"]
                     for one in cells]  # fmt: skip
        shown = [check(one["target"], one if "n" in one else None, 5)["verdict"]
                 for one in publish(cells)]  # fmt: skip
        for i, (before, after) in enumerate(zip(truth, shown, strict=True)):
            if before == "too_few" and after == "too_few":
                continue
            kind = 0 if i < at_90 else 1
            judged[kind] += 1
            changed[kind] += before != after
            opposite += {before, after} == {"met", "not_met"}
    return {"targets": len(targets), "judged_90": judged[0],
            "changed_90": changed[0] / max(judged[0], 1), "judged_at_share": judged[1],
            "changed_at_share": changed[1] / max(judged[1], 1), "opposite": opposite}

if __name__ == "__main__":
    main()
