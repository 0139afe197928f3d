"""Reads questionnaire TOML files and refuses anything it does not understand.

A förbund may load its own licensed wording as a new version, so a bad file must be
stopped with a message that names the file, the item and the problem, before any
participant sees it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import OCCASIONS, Item, Questionnaire, Scale, Step, Text

FORMAT = 1
DEFAULT_DIRECTORY = Path(__file__).parent / "definitions"

_KEY = re.compile(r"^[a-z][a-z0-9-]{1,60}$")
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

_TOP_KEYS = {"format", "key", "version", "title", "intro", "occasions", "scale", "items"}
_SCALE_KEYS = {"positive", "dont_know", "steps"}
_STEP_KEYS = {"value", "label"}
_ITEM_KEYS = {"id", "text", "comment"}
_TEXT_KEYS = {"sv", "lattlast"}


class QuestionnaireError(ValueError):
    """A questionnaire file that must not be used; the message names file, item, problem."""


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, problem: str) -> QuestionnaireError:
        place = f"{self.source}: {where}: " if where else f"{self.source}: "
        return QuestionnaireError(place + problem)

    def only_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(unknown)}")

    def text(self, table: dict[str, Any], key: str, where: str) -> Text:
        value = table.get(key)
        if not isinstance(value, dict):
            raise self.fail(where, f"'{key}' must be a table with 'sv' and 'lattlast' texts")
        self.only_keys(value, _TEXT_KEYS, f"{where} {key}")
        standard, easy = value.get("sv"), value.get("lattlast")
        if not isinstance(standard, str) or not standard.strip():
            raise self.fail(where, f"missing standard Swedish text '{key}.sv'")
        if not isinstance(easy, str) or not easy.strip():
            raise self.fail(where, f"missing easy-Swedish text '{key}.lattlast'")
        return Text(standard.strip(), easy.strip())

    def integer(self, table: dict[str, Any], key: str, where: str) -> int:
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, f"'{key}' must be a whole number")
        return value


def parse(data: dict[str, Any], source: str) -> Questionnaire:
    check = _Checker(source)
    fmt = data.get("format")
    if fmt != FORMAT:
        raise check.fail("", f"unknown format number {fmt!r} (this Stegvis reads format {FORMAT})")
    check.only_keys(data, _TOP_KEYS, "top level")

    key = data.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise check.fail("top level", f"bad questionnaire key {key!r}")
    version = check.integer(data, "version", "top level")
    if version < 1:
        raise check.fail("top level", "version must be 1 or more")

    occasions = data.get("occasions")
    if not isinstance(occasions, list) or not occasions:
        raise check.fail("top level", "'occasions' must list at least one occasion")
    for occasion in occasions:
        if occasion not in OCCASIONS:
            raise check.fail("top level", f"unknown occasion {occasion!r}")
    if len(set(occasions)) != len(occasions):
        raise check.fail("top level", "an occasion is listed twice")

    scale = _parse_scale(check, data.get("scale"))
    items = _parse_items(check, data.get("items"))
    return Questionnaire(
        key=key,
        version=version,
        title=check.text(data, "title", "top level"),
        intro=check.text(data, "intro", "top level"),
        occasions=tuple(occasions),
        scale=scale,
        items=items,
        source=source,
    )


def _parse_scale(check: _Checker, scale: Any) -> Scale:
    if not isinstance(scale, dict):
        raise check.fail("scale", "missing [scale] table")
    check.only_keys(scale, _SCALE_KEYS, "scale")
    raw_steps = scale.get("steps")
    if not isinstance(raw_steps, list) or len(raw_steps) < 2:
        raise check.fail("scale", "a scale needs at least two [[scale.steps]]")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        where = f"scale step {number}"
        if not isinstance(raw, dict):
            raise check.fail(where, "must be a table")
        check.only_keys(raw, _STEP_KEYS, where)
        steps.append(Step(check.integer(raw, "value", where), check.text(raw, "label", where)))
    values = [step.value for step in steps]
    if len(set(values)) != len(values):
        raise check.fail("scale", "two steps have the same value")
    if any(value < 1 for value in values):
        raise check.fail("scale", "step values must be 1 or more")
    positive = scale.get("positive")
    if not isinstance(positive, list) or not positive:
        raise check.fail("scale", "scale without positive values ('positive' is empty)")
    for value in positive:
        if value not in values:
            raise check.fail("scale", f"positive value {value!r} is not a step of the scale")
    dont_know = check.text(scale, "dont_know", "scale") if "dont_know" in scale else None
    return Scale(steps=tuple(steps), positive=frozenset(positive), dont_know=dont_know)


def _parse_items(check: _Checker, raw_items: Any) -> tuple[Item, ...]:
    if not isinstance(raw_items, list) or not raw_items:
        raise check.fail("items", "a questionnaire needs at least one [[items]]")
    items: list[Item] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            raise check.fail(f"item {number}", "must be a table")
        item_id = raw.get("id")
        if not isinstance(item_id, str) or not _ITEM_ID.match(item_id):
            raise check.fail(f"item {number}", f"bad item id {item_id!r}")
        where = f"item '{item_id}'"
        if item_id in seen:
            raise check.fail(where, "duplicate item id")
        seen.add(item_id)
        check.only_keys(raw, _ITEM_KEYS, where)
        comment = raw.get("comment", False)
        if not isinstance(comment, bool):
            raise check.fail(where, "'comment' must be true or false")
        items.append(Item(id=item_id, text=check.text(raw, "text", where), comment=comment))
    return tuple(items)


def load_file(path: Path) -> Questionnaire:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{path.name}: not valid TOML: {error}") from error
    return parse(data, path.name)


def load_directories(directories: Iterable[Path]) -> dict[tuple[str, int], Questionnaire]:
    """Every *.toml file in the directories; the same key and version twice is refused."""
    found: dict[tuple[str, int], Questionnaire] = {}
    for directory in directories:
        for path in sorted(Path(directory).glob("*.toml")):
            questionnaire = load_file(path)
            ident = (questionnaire.key, questionnaire.version)
            if ident in found:
                raise QuestionnaireError(
                    f"{path.name}: {questionnaire.ident} is already defined in "
                    f"{found[ident].source}"
                )
            found[ident] = questionnaire
    return found
