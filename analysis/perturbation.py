"""The report's one protection step: the cell key method (consistent perturbation).

Every count a report publishes is a `Cell`: the exact number of units (people,
answers, pairs, enrolments) and the cell key, the sum modulo `KEY_RANGE` of the record
keys of the units counted (a person counted twice adds their key twice). `publish`
replaces every Cell in a report tree by the exact count plus a small noise looked up in
the perturbation table by (count, cell key). The same units therefore always get the
same noise, in every table, report and output, so comparing two reports shows a
difference that cannot be told apart from the noise; and no table needs another hidden
to protect it.

The method is the ABS TableBuilder cell key method (Thompson, Broadfoot & Elazar 2013),
as used for the ONS Census 2021; the table is designed as in Giessing (2016): noise of
mean 0 for every count, zero stays zero, and no published count is 1 or 2. The table
itself is data (`data/ptable.csv`, made and measured by `bench/ptable.py`).
"""

from __future__ import annotations

import csv
import functools
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# Record keys are uniform in [0, KEY_RANGE): the largest prime below 2**31, so a key fits
# a 32-bit signed integer column on every database, and sums of keys modulo it stay
# uniform.
KEY_RANGE = 2**31 - 1
PTABLE = Path(__file__).with_name("data") / "ptable.csv"


def new_record_key() -> int:
    """A participant's record key: random, stored once, never shown in a report."""
    return secrets.randbelow(KEY_RANGE)


@dataclass(frozen=True, slots=True)
class Cell:
    """A count before publication: how many units, and the cell key of those units."""

    count: int
    key: int

    @staticmethod
    def of(keys: Iterable[int] | np.ndarray) -> Cell:
        """The cell of the units whose people's record keys are `keys` (one per unit)."""
        if isinstance(keys, np.ndarray):
            array = keys.astype(np.int64, copy=False)
            # Reduce first: 20,000 keys below 2**31 sum far below 2**63 anyway.
            return Cell(int(array.size), int(array.sum() % KEY_RANGE) if array.size else 0)
        values = [int(k) for k in keys]
        return Cell(len(values), sum(values) % KEY_RANGE)

    def __add__(self, other: Cell) -> Cell:
        """The cell of two disjoint sets of units together."""
        return Cell(self.count + other.count, (self.key + other.key) % KEY_RANGE)


EMPTY = Cell(0, 0)


@dataclass(frozen=True)
class PerturbationTable:
    """Rows by exact count (the last row serves every larger count): each a list of
    (noise, probability), noise ascending. The cell key picks the noise: its position
    in [0, 1) falls in one noise's share of the cumulative probabilities."""

    rows: tuple[tuple[tuple[int, float], ...], ...]

    @staticmethod
    def load(path: Path = PTABLE) -> PerturbationTable:
        by_count: dict[int, list[tuple[int, float]]] = {}
        with path.open(newline="", encoding="utf-8") as handle:
            for line in csv.DictReader(row for row in handle if not row.startswith("#")):
                by_count.setdefault(int(line["count"]), []).append(
                    (int(line["noise"]), float(line["probability"])))  # fmt: skip
        rows = tuple(tuple(sorted(by_count[i])) for i in range(len(by_count)))
        return PerturbationTable(rows)

    def row(self, count: int) -> tuple[tuple[int, float], ...]:
        return self.rows[min(count, len(self.rows) - 1)]

    def noise(self, count: int, key: int) -> int:
        if count <= 0:
            return 0
        position = key / KEY_RANGE
        total = 0.0
        row = self.row(count)
        for noise, probability in row:
            total += probability
            if position < total:
                return noise
        return row[-1][0]

    def published(self, cell: Cell) -> int:
        return cell.count + self.noise(cell.count, cell.key)

    def possible(self, published: int, largest: int) -> list[int]:
        """Every exact count up to `largest` that can be published as `published`: what
        an attacker who knows this table learns from one published count."""
        return [count for count in range(largest + 1)
                if any(count + noise == published and probability > 0
                       for noise, probability in self.row(count))]  # fmt: skip


@functools.cache
def default_table() -> PerturbationTable:
    return PerturbationTable.load()


def publish(tree: Any, table: PerturbationTable | None = None) -> Any:
    """A copy of `tree` (dicts, lists, tuples) with every Cell replaced by its published
    count. This is the only place a count about people becomes a published figure."""
    table = table or default_table()

    def walk(node: Any) -> Any:
        if isinstance(node, Cell):
            return table.published(node)
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list | tuple):
            return type(node)(walk(value) for value in node)
        return node

    return walk(tree)


def exact(tree: Any) -> Any:
    """A copy of `tree` with every Cell replaced by its exact count: for tests and for
    measuring what the noise changes, never for a report."""
    if isinstance(tree, Cell):
        return tree.count
    if isinstance(tree, dict):
        return {key: exact(value) for key, value in tree.items()}
    if isinstance(tree, list | tuple):
        return type(tree)(exact(value) for value in tree)
    return tree
