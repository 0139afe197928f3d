"""`Codes`: one text column as integer codes into a list of names.

Every source of the report (the CSV readers, the database, rows in tests) hands its text
columns to the core as `Codes`, so grouping, counting and choosing the latest response
are numpy work on integers rather than Python work on strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(slots=True)
class Codes:
    """codes[i] indexes names; names may hold None (no site) and need not all occur."""

    codes: np.ndarray  # int32
    names: Sequence[Any]

    @classmethod
    def factorize(cls, values: Sequence[Any]) -> Codes:
        """Codes in order of first appearance (None is a name of its own)."""
        names: dict[Any, int] = {}
        codes = np.fromiter((names.setdefault(v, len(names)) for v in values), dtype=np.int32,
                            count=len(values))  # fmt: skip
        return cls(codes, list(names))

    @classmethod
    def of(cls, rows: Sequence[Any], field: str) -> Codes:
        """One field of rows (objects or named tuples) as Codes."""
        return cls.factorize([getattr(row, field) for row in rows])

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, index: np.ndarray) -> np.ndarray:
        return self.codes[index]

    def name(self, index: int) -> Any:
        return self.names[self.codes[index]]

    def where(self, test: Callable[[Any], bool]) -> np.ndarray:
        """Per row: whether its name passes `test` (tested once per name)."""
        passes = np.asarray([bool(test(name)) for name in self.names], dtype=bool)
        return passes[self.codes] if passes.size else np.zeros(len(self.codes), dtype=bool)

    def code_of(self, name: Any) -> int:
        """The code of `name`, or -1 when no row has it."""
        try:
            return list(self.names).index(name)
        except ValueError:
            return -1
