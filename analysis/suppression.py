"""Small-group suppression: no breakdown cell may describe fewer than `min_group` people.

Primary suppression hides every cell below the limit. Secondary suppression then hides
one more cell when exactly one was hidden, because a lone hidden cell can be recovered
by subtracting the shown cells from the (never suppressed) total.
"""

from __future__ import annotations

from typing import Any

DEFAULT_MIN_GROUP = 5


def suppressed() -> dict[str, bool]:
    return {"suppressed": True}


def is_suppressed(cell: Any) -> bool:
    return isinstance(cell, dict) and cell.get("suppressed") is True


def suppress_breakdown(
    cells: dict[str, dict[str, Any]], size_key: str, min_group: int
) -> dict[str, dict[str, Any]]:
    """Return the breakdown with small cells replaced by {"suppressed": true}.

    `size_key` names the field holding the number of people in a cell ("n", "pairs",
    "ended").
    """
    hidden = {group for group, cell in cells.items() if cell[size_key] < min_group}
    if len(hidden) == 1 and len(cells) > 1:
        shown = [(cell[size_key], group) for group, cell in cells.items() if group not in hidden]
        hidden.add(min(shown)[1])
    return {group: suppressed() if group in hidden else cell for group, cell in cells.items()}
