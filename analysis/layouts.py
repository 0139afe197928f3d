"""Questionnaire versions as the report stores their answers: one row of small ints.

Answers are kept as small ints so the report can use numpy; scale values are >= 0.
"""

from __future__ import annotations

from dataclasses import dataclass

from questionnaires import Questionnaire, Registry
from questionnaires.vocabulary import Occasion, followup_months, followup_occasion

ABSENT = -1  # the response has no answer to this item
DONT_KNOW = -2  # "vet inte" (None in AnswerRow)


@dataclass(slots=True)
class Layout:
    """Item order of one questionnaire version, so answers fit in a row, not a dict."""

    ident: str
    key: str
    version: int
    items: tuple[str, ...]
    index: dict[str, int]
    positive: frozenset[int]
    values: tuple[int, ...]
    occasions: tuple[str, ...]
    # occasion -> the items asked then (the definition's, so a figure's rows never
    # depend on who answered).
    asked: dict[str, tuple[str, ...]]
    # Choice items (answers with a meaning, no order, no positive side): figures of
    # scale items (shares positive, change, charts, missing) leave them out.
    choices: frozenset[str] = frozenset()

    @classmethod
    def of(cls, q: Questionnaire) -> Layout:
        items = tuple(item.id for item in q.items)
        return cls(
            ident=q.ident,
            key=q.key,
            version=q.version,
            items=items,
            index={item: i for i, item in enumerate(items)},
            positive=q.scale.positive,
            values=tuple(sorted(q.scale.values, reverse=True)),
            occasions=q.occasions,
            asked={o: tuple(item.id for item in q.items_at(o)) for o in q.occasions},
            choices=frozenset(item.id for item in q.items if item.is_choice),
        )

    def report_occasions(self, followups: tuple[int, ...]) -> list[str]:
        """The occasions the report shows this version at: its definition's, with
        "uppfoljning" as one occasion per follow-up point ("uppfoljning-6", ...)."""
        out: list[str] = []
        for occasion in self.occasions:
            if occasion == Occasion.uppfoljning:
                out += [followup_occasion(months) for months in followups]
            else:
                out.append(occasion)
        return out

    def scale_items_at(self, occasion: str) -> tuple[str, ...]:
        """The items answered on the scale at `occasion` (a follow-up point is asked what
        "uppfoljning" asks), choice items left out."""
        if followup_months(occasion) is not None:
            occasion = Occasion.uppfoljning.value
        return tuple(item for item in self.asked.get(occasion, self.items)
                     if item not in self.choices)


class Layouts:
    """The layouts met so far, numbered in the order they were first asked for."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.found: list[Layout] = []
        self._where: dict[tuple[str, int], int] = {}

    def code(self, key: str, version: int) -> int:
        """The layout's number; ValueError for a version the registry does not know."""
        found = self._where.get((key, version))
        if found is None:
            q = self.registry.get(key, version)
            if q is None:
                raise ValueError(f"unknown questionnaire version {key}/v{version}")
            found = self._where[(key, version)] = len(self.found)
            self.found.append(Layout.of(q))
        return found
