"""Reads questionnaire TOML files and refuses anything it does not understand.

A förbund may load its own licensed wording as a new version, so a bad file must be
stopped with a message that names the file, the item and the problem, before any
participant sees it.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .model import OCCASIONS, SCALE_KINDS, About, Choice, Item, Questionnaire, Scale, Step, Text

# Format 2 adds [about] (name, owner, licence), optional easy Swedish, translations in the
# file, item help and per-item occasions, and a scale kind. Format 1 files still load.
FORMAT = 2
FORMATS = (1, 2)
MAX_STEPS = 7
DEFAULT_DIRECTORY = Path(__file__).parent / "definitions"

_KEY = re.compile(r"^[a-z][a-z0-9-]{1,60}$")
_ITEM_ID = re.compile(r"^[a-z][a-z0-9_]{1,40}$")

# A language code in a text table (en, ar, prs, fa_AF-like codes are not used here).
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_TOP_KEYS = {"format", "key", "version", "title", "intro", "occasions", "scale", "items"}
_ABOUT_KEYS = {"name", "name_en", "owner", "licence"}
_SCALE_KEYS = {"positive", "dont_know", "steps"}
_STEP_KEYS = {"value", "label"}
_CHOICE_KEYS = {"value", "label", "means"}
_ITEM_KEYS = {"id", "text", "comment"}
_TEXT_KEYS = {"sv", "lattlast"}
# What format 2 adds to each table.
_FORMAT2_KEYS = {
    "top level": {"about", "enrolments_from"},
    "scale": {"kind"},
    "item": {"help", "occasions", "steps", "choices"},
}


class QuestionnaireError(ValueError):
    """A questionnaire file that must not be used; the message names file, item, problem."""


class _Checker:
    def __init__(self, source: str, fmt: int = FORMAT) -> None:
        self.source = source
        self.format = fmt

    def allowed(self, base: set[str], table: str) -> set[str]:
        return base | _FORMAT2_KEYS.get(table, set()) if self.format >= 2 else base

    def fail(self, where: str, problem: str) -> QuestionnaireError:
        place = f"{self.source}: {where}: " if where else f"{self.source}: "
        return QuestionnaireError(place + problem)

    def only_keys(self, table: dict[str, Any], allowed: set[str], where: str) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(where, f"unknown key(s) {', '.join(unknown)}")

    def text(self, table: dict[str, Any], key: str, where: str) -> Text:
        """A text table: 'sv', 'lattlast' (required in format 1) and, from format 2, any
        number of translations keyed by language code ("so", "ti", "prs"...)."""
        value = table.get(key)
        if not isinstance(value, dict):
            raise self.fail(where, f"'{key}' must be a table with 'sv' and 'lattlast' texts")
        if self.format < 2:
            self.only_keys(value, _TEXT_KEYS, f"{where} {key}")
        standard, easy = value.get("sv"), value.get("lattlast")
        if not isinstance(standard, str) or not standard.strip():
            raise self.fail(where, f"missing standard Swedish text '{key}.sv'")
        has_easy = easy is not None or self.format < 2
        if has_easy and (not isinstance(easy, str) or not easy.strip()):
            raise self.fail(where, f"missing easy-Swedish text '{key}.lattlast'")
        translations = []
        for code, translated in sorted(value.items()):
            if code in _TEXT_KEYS:
                continue
            if not _LANGUAGE.match(code):
                raise self.fail(where, f"'{key}.{code}' is not a language code")
            if not isinstance(translated, str) or not translated.strip():
                raise self.fail(where, f"empty translation '{key}.{code}'")
            translations.append((code, translated.strip()))
        return Text(
            standard.strip(),
            easy.strip() if has_easy else standard.strip(),
            tuple(translations),
            has_easy,
        )

    def string(self, table: dict[str, Any], key: str, where: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"missing '{key}'")
        return value.strip()

    def occasions(self, table: dict[str, Any], where: str, within: tuple[str, ...]) -> list[str]:
        occasions = table.get("occasions")
        if not isinstance(occasions, list) or not occasions:
            raise self.fail(where, "'occasions' must list at least one occasion")
        for occasion in occasions:
            if occasion not in within:
                raise self.fail(where, f"unknown occasion {occasion!r}")
        if len(set(occasions)) != len(occasions):
            raise self.fail(where, "an occasion is listed twice")
        return occasions

    def integer(self, table: dict[str, Any], key: str, where: str) -> int:
        value = table.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(where, f"'{key}' must be a whole number")
        return value


def parse(data: dict[str, Any], source: str) -> Questionnaire:
    fmt = data.get("format")
    if fmt not in FORMATS or isinstance(fmt, bool):
        readable = " and ".join(str(f) for f in FORMATS)
        raise _Checker(source).fail(
            "", f"unknown format number {fmt!r} (this Stegvis reads format {readable})"
        )
    check = _Checker(source, fmt)
    check.only_keys(data, check.allowed(_TOP_KEYS, "top level"), "top level")

    key = data.get("key")
    if not isinstance(key, str) or not _KEY.match(key):
        raise check.fail("top level", f"bad questionnaire key {key!r}")
    version = check.integer(data, "version", "top level")
    if version < 1:
        raise check.fail("top level", "version must be 1 or more")

    occasions = tuple(check.occasions(data, "top level", OCCASIONS))
    about = _parse_about(check, data.get("about")) if fmt >= 2 else About("", "", "", "")
    enrolments_from = data.get("enrolments_from")
    if enrolments_from is not None and (not isinstance(enrolments_from, dt.date)
                                        or isinstance(enrolments_from, dt.datetime)):
        raise check.fail("top level", "'enrolments_from' must be a date, e.g. 2026-12-07")
    scale = _parse_scale(check, data.get("scale"))
    items = _parse_items(check, data.get("items"), occasions, scale)
    for occasion in occasions:
        if not any(item.asked_at(occasion) for item in items):
            raise check.fail("items", f"no item is asked at occasion {occasion!r}")
    return Questionnaire(
        key=key,
        version=version,
        title=check.text(data, "title", "top level"),
        intro=check.text(data, "intro", "top level"),
        occasions=occasions,
        scale=scale,
        items=items,
        source=source,
        about=about,
        enrolments_from=enrolments_from,
    )


def _parse_about(check: _Checker, about: Any) -> About:
    if not isinstance(about, dict):
        raise check.fail("about", "missing [about] table (name, name_en, owner, licence)")
    check.only_keys(about, _ABOUT_KEYS, "about")
    return About(*(check.string(about, key, "about") for key in ("name", "name_en", "owner",
                                                                  "licence")))


def _parse_scale(check: _Checker, scale: Any) -> Scale:
    if not isinstance(scale, dict):
        raise check.fail("scale", "missing [scale] table")
    check.only_keys(scale, check.allowed(_SCALE_KEYS, "scale"), "scale")
    kind = scale.get("kind", "agreement" if check.format < 2 else None)
    if kind not in SCALE_KINDS:
        raise check.fail("scale", f"'kind' must be one of {', '.join(SCALE_KINDS)}")
    raw_steps = scale.get("steps")
    if not isinstance(raw_steps, list) or len(raw_steps) < 2:
        raise check.fail("scale", "a scale needs at least two [[scale.steps]]")
    if len(raw_steps) > MAX_STEPS:
        raise check.fail("scale", f"a scale has at most {MAX_STEPS} steps")
    steps = _parse_steps(check, raw_steps, "scale step")
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
    return Scale(steps=tuple(steps), positive=frozenset(positive), dont_know=dont_know, kind=kind)


def _parse_steps(check: _Checker, raw_steps: list[Any], where: str) -> list[Step]:
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        place = f"{where} {number}"
        if not isinstance(raw, dict):
            raise check.fail(place, "must be a table")
        check.only_keys(raw, _STEP_KEYS, place)
        steps.append(Step(check.integer(raw, "value", place), check.text(raw, "label", place)))
    return steps


def _parse_item_steps(check: _Checker, raw: Any, scale: Scale, where: str) -> tuple[Step, ...]:
    """An item's own answer words: only the words may differ from the scale, so that its
    values, positive steps and report stay those of every other item."""
    if not isinstance(raw, list):
        raise check.fail(where, "'steps' must be a list of [[items.steps]]")
    steps = _parse_steps(check, raw, f"{where} step")
    if [step.value for step in steps] != [step.value for step in scale.steps]:
        wanted = ", ".join(str(step.value) for step in scale.steps)
        raise check.fail(where, f"its own steps must have the scale's values in the scale's "
                                f"order ({wanted})")
    return tuple(steps)


def _parse_choices(check: _Checker, raw: Any, where: str) -> tuple[Choice, ...]:
    """A choice item's answers: distinct values, each with what it means."""
    if not isinstance(raw, list) or len(raw) < 2:
        raise check.fail(where, "'choices' must list at least two [[items.choices]]")
    choices = []
    for number, entry in enumerate(raw, start=1):
        place = f"{where} choice {number}"
        if not isinstance(entry, dict):
            raise check.fail(place, "must be a table")
        check.only_keys(entry, _CHOICE_KEYS, place)
        means = entry.get("means")
        if not isinstance(means, str) or not means.strip():
            raise check.fail(place, "'means' must name what the answer means")
        choices.append(Choice(check.integer(entry, "value", place),
                              check.text(entry, "label", place), means))
    if len({choice.value for choice in choices}) != len(choices):
        raise check.fail(where, "two choices have the same value")
    return tuple(choices)


def _parse_items(
    check: _Checker, raw_items: Any, occasions: tuple[str, ...], scale: Scale
) -> tuple[Item, ...]:
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
        check.only_keys(raw, check.allowed(_ITEM_KEYS, "item"), where)
        comment = raw.get("comment", False)
        if not isinstance(comment, bool):
            raise check.fail(where, "'comment' must be true or false")
        help_text = check.text(raw, "help", where) if "help" in raw else None
        asked = check.occasions(raw, where, occasions) if "occasions" in raw else []
        if "steps" in raw and "choices" in raw:
            raise check.fail(where, "an item has either its own 'steps' or 'choices'")
        steps = _parse_item_steps(check, raw["steps"], scale, where) if "steps" in raw else ()
        choices = _parse_choices(check, raw["choices"], where) if "choices" in raw else ()
        items.append(Item(id=item_id, text=check.text(raw, "text", where), comment=comment,
                          help=help_text, occasions=tuple(asked), steps=steps,
                          choices=choices))
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
