"""The report's figures, one module per JSON key.

Each module has `cells(inputs)`, the figure's exact counts as a tree whose every count
about people is a `perturbation.Cell` (counted from the units behind it), and
`finish(published, inputs)`, the figure's part of the report ({JSON key: value}), built
from the published counts only (`perturbation.publish` turned each Cell into its
published int in between, once for the whole report).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # report.py imports the figures
    from questionnaires import Registry

    from ..enrolments import EnrolmentColumns
    from ..entries import Entries
    from ..report import ReportOptions
    from ..selection import Selection


@dataclass(frozen=True)
class FigureInputs:
    """What every figure is computed from: one period's entries and the enrolments."""

    entries: Entries
    enrolments: EnrolmentColumns | None
    selection: Selection
    options: ReportOptions
    pairs: Any
    registry: Registry


def insatser(inputs: FigureInputs) -> list[str]:
    """The insatser of the selection; without a choice, every insats the source names."""
    chosen = inputs.options.insatser
    if chosen:
        return sorted(chosen)
    names = set(inputs.entries.insats.names)
    if inputs.enrolments is not None:
        names |= set(inputs.enrolments.insats.names)
    return sorted(names)
