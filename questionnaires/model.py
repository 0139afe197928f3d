"""Questionnaire definitions as immutable values.

Every text has standard Swedish; easy-to-read Swedish (lättläst) and other languages are
optional in the file. The standard text is also the msgid that translators see, so it
doubles as the key into the Babel catalogs; a translation written in the file itself (a
förbund's licensed instrument, which never reaches our catalogs) wins over the catalog.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from .vocabulary import Occasion, values

OCCASIONS = values(Occasion)
SCALE_KINDS = ("agreement", "frequency", "rating")
# The kind of the Scale a choice item is answered on (never a questionnaire's own scale).
CHOICE = "choice"


@dataclass(frozen=True)
class Text:
    standard: str
    easy: str
    # Translations written in the file: (language code, text) pairs, e.g. ("so", "…").
    translations: tuple[tuple[str, str], ...] = ()
    # False when the file gave no easy-Swedish text (`easy` then repeats the standard one).
    has_easy: bool = True

    def translated(self, language: str) -> str | None:
        for code, text in self.translations:
            if code == language:
                return text
        return None

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.translations)


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
    # What the steps express: agreement ("stämmer helt"), frequency ("alltid"), rating (1-6);
    # or CHOICE, a choice item's answers (Questionnaire.scale_for), which have no order.
    kind: str = "agreement"

    @property
    def is_choice(self) -> bool:
        """The answers of a choice item: a plain list, no faces, no best-to-worst order."""
        return self.kind == CHOICE

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
class Choice:
    """One answer of a choice item: a value stored like a step's, its words, and what it
    means in the project's vocabulary (e.g. an ExitOutcome or IncomeSource value), so a
    report reads the meaning, not the number."""

    value: int
    label: Text
    means: str


@dataclass(frozen=True)
class Item:
    id: str
    text: Text
    comment: bool = False
    # Help shown under the question (e.g. an instrument's own explanation); optional.
    help: Text | None = None
    # The occasions this item is asked at; empty means every occasion of the questionnaire.
    occasions: tuple[str, ...] = ()
    # The item's own answer words, when the scale's do not fit its question ("Hur mycket
    # gör du…?" is not answered "Mycket bra"): the scale's values in the scale's order, so
    # values, positive steps and reports stay the scale's. Empty: the scale's words.
    steps: tuple[Step, ...] = ()
    # A choice item (what the person does now, how they support themselves) has answers
    # without an order or a positive side; reports read them by `Choice.means` and leave
    # them out of the figures of scale items (shares positive, change).
    choices: tuple[Choice, ...] = ()

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    def meaning(self, value: int | None) -> str | None:
        """The vocabulary word of a choice item's answer (None for vet inte/unknown)."""
        return next((c.means for c in self.choices if c.value == value), None)

    def asked_at(self, occasion: str) -> bool:
        return not self.occasions or occasion in self.occasions


@dataclass(frozen=True)
class About:
    """Whose questions these are: printed by reports and `flask questionnaire check`."""

    name: str  # e.g. "Stegvis indikatorfrågor (egen formulering)"
    name_en: str
    owner: str
    licence: str


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
    about: About = field(default_factory=lambda: About("", "", "", ""))
    # Enrolments that start on or after this day are asked this version (an older
    # enrolment keeps the version it started with); None: since always.
    enrolments_from: dt.date | None = None

    @property
    def ident(self) -> str:
        return f"{self.key}/v{self.version}"

    @property
    def name(self) -> str:
        """The name staff and reports see; the participant's title when the file has none."""
        return self.about.name or self.title.standard

    def item(self, item_id: str) -> Item | None:
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def scale_for(self, item: Item) -> Scale:
        """The scale a participant answers this item on: the questionnaire's, with the
        item's own answer words when it has them; a choice item's choices, without a
        positive side."""
        if item.choices:
            return Scale(steps=tuple(Step(c.value, c.label) for c in item.choices),
                         positive=frozenset(), dont_know=self.scale.dont_know, kind=CHOICE)
        return replace(self.scale, steps=item.steps) if item.steps else self.scale

    def scale_items(self) -> tuple[Item, ...]:
        """The items answered on the scale (every item but the choice items)."""
        return tuple(item for item in self.items if not item.is_choice)

    def items_at(self, occasion: str) -> tuple[Item, ...]:
        """The items a participant answers at this occasion, in screen order."""
        return tuple(item for item in self.items if item.asked_at(occasion))

    def texts(self) -> list[Text]:
        """Every text in the definition, for translation extraction and checks."""
        out = [self.title, self.intro]
        out += [step.label for step in self.scale.steps]
        if self.scale.dont_know is not None:
            out.append(self.scale.dont_know)
        for item in self.items:
            out.append(item.text)
            if item.help is not None:
                out.append(item.help)
            out += [step.label for step in item.steps]
            out += [choice.label for choice in item.choices]
        return out

    def languages(self) -> list[str]:
        """Languages every text of the file is written in ("sv" always; "lattlast" when
        every text has an easy-Swedish version; then the codes written in the file)."""
        texts = self.texts()
        found = ["sv"]
        if all(text.has_easy for text in texts):
            found.append("lattlast")
        common = frozenset.intersection(*(text.languages for text in texts))
        return found + sorted(common)
