"""The report's figures, one module per JSON key, each in two steps around publication.

`cells(inputs)` counts the exact figures as a tree whose counts are `perturbation.Cell`s
(the units behind each count, by their people's record keys); `report.py` publishes all
figures' cells in one call (`perturbation.publish`); `finish(published, inputs)` makes
the figure's part of the report from the published counts only: shares, intervals,
means, tests, verdicts and sentences. Nothing that is not a count is computed from
exact data, so every output shows the same figures and none can be undone.

Which rows a figure has never depends on who answered: groups come from their
definitions (`groups`), and each is shown with its published count, 0 included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from ..languages import OFFERED
from ..perturbation import KEY_RANGE, Cell
from ..rows import BORN_ABROAD, GENDERS

if TYPE_CHECKING:
    from questionnaires import Registry

    from ..enrolments import EnrolmentColumns
    from ..entries import Entries
    from ..pairs import Pairs
    from ..report import ReportOptions
    from ..selection import Selection

# A group of responses without a site.
NO_SITE = "(ingen ort)"


@dataclass(frozen=True)
class FigureInputs:
    """What every figure is counted from: one period's entries and the enrolments."""

    entries: Entries
    enrolments: EnrolmentColumns | None
    selection: Selection
    options: ReportOptions
    pairs: Pairs
    registry: Registry


class Figure(Protocol):
    def cells(self, inputs: FigureInputs) -> Any: ...

    def finish(self, published: Any, inputs: FigureInputs) -> dict[str, Any]: ...


def groups(inputs: FigureInputs) -> dict[str, list[str]]:
    """Breakdown name -> its groups, from their definitions: the genders, the born-abroad
    values, the languages offered (and any other the source names), the sites of the
    selection (`ReportOptions.sites`; the one chosen, when one is) and the insatser."""
    entries, options = inputs.entries, inputs.options
    languages = list(OFFERED) + sorted(
        {name for name in entries.language.names if name not in OFFERED})
    sites = [options.site] if options.site is not None else [*options.sites, NO_SITE]
    return {
        "by_gender": list(GENDERS),
        "by_site": sites,
        "by_born_abroad": list(BORN_ABROAD),
        "by_language": languages,
    }


def insatser(inputs: FigureInputs) -> list[str]:
    """The insatser of the selection; without a choice, every insats the source names."""
    chosen = inputs.options.insatser
    if chosen:
        return sorted(chosen)
    names = set(inputs.entries.insats.names)
    if inputs.enrolments is not None:
        names |= set(inputs.enrolments.insats.names)
    return sorted(names)


def group_codes(names: list[Any], wanted: list[str], rename: dict[Any, str] | None = None
                ) -> np.ndarray:  # fmt: skip
    """Per code of a column with `names`: the index of its group in `wanted`, -1 if none."""
    rename = rename or {}
    where = {group: i for i, group in enumerate(wanted)}
    return np.asarray([where.get(rename.get(name, name), -1) for name in names],
                      dtype=np.int64).reshape(-1)  # fmt: skip


def cells_by(group: np.ndarray, keys: np.ndarray, size: int) -> list[Cell]:
    """One Cell per group number 0..size-1 of units with group numbers `group` (-1: none)
    and their people's record keys `keys`."""
    mine = group >= 0
    group, keys = group[mine], keys[mine].astype(np.int64)
    counts = np.bincount(group, minlength=size)
    # Sums of keys per group: each key < 2**31, so 2**32 units per group fit an int64.
    sums = np.zeros(size, dtype=np.int64)
    np.add.at(sums, group, keys)
    return [Cell(int(counts[g]), int(sums[g] % KEY_RANGE)) for g in range(size)]

