"""Questionnaire definitions as immutable values.

Every text exists twice: standard Swedish and easy-to-read Swedish (lättläst). The
standard text is also the msgid that translators see, so it doubles as the key into
the Babel catalogs.
"""

from __future__ import annotations

from dataclasses import dataclass

from .vocabulary import Occasion, values

OCCASIONS = values(Occasion)


@dataclass(frozen=True)
class Text:
    standard: str
    easy: str


@dataclass(frozen=True)
class Step:
    value: int
    label: Text


@dataclass(frozen=True)
class Scale:
    # Steps in the order they are shown, best first.
    steps: tuple[Step, ...]
    positive: frozenset[int]
    # Label of the "vet inte" choice, stored as no value; None when the scale has none.
    dont_know: Text | None

    @property
    def values(self) -> frozenset[int]:
        return frozenset(step.value for step in self.steps)

    @property
    def lowest(self) -> int:
        return min(self.values)

    @property
    def highest(self) -> int:
        return max(self.values)

    def label_for(self, value: int | None) -> Text | None:
        if value is None:
            return self.dont_know
        for step in self.steps:
            if step.value == value:
                return step.label
        return None


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    comment: bool = False


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: int
    title: Text
    intro: Text
    occasions: tuple[str, ...]
    scale: Scale
    items: tuple[Item, ...]
    source: str

    @property
    def ident(self) -> str:
        return f"{self.key}/v{self.version}"

    def item(self, item_id: str) -> Item | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def texts(self) -> list[Text]:
        """Every text in the definition, for translation extraction and checks."""
        out = [self.title, self.intro]
        out += [step.label for step in self.scale.steps]
        if self.scale.dont_know is not None:
            out.append(self.scale.dont_know)
        out += [item.text for item in self.items]
        return out
