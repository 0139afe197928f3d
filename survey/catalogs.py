"""The one translation workflow: `python -m survey.catalogs extract|update|compile|check`.

UI strings and questionnaire texts go into the same template (translations/messages.pot);
each language has translations/<locale>/LC_MESSAGES/messages.po, and easy Swedish has
translations/sv/LC_MESSAGES/lattlast.po. `update` re-extracts the template and merges it
into every catalog (creating the catalog of a new participant language); `compile` writes
the .mo files only when every catalog compiles without error, so a broken catalog stops
the build (a non-zero exit) and never reaches the running app.

Which strings are *participant-facing* is decided here, once, by where they come from:
see PARTICIPANT_SOURCES. Those must be translated in every participant language (the
tests check it); other strings (staff pages) may fall back to Swedish.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
EASY_CATALOG = TRANSLATIONS / "sv" / "LC_MESSAGES" / "lattlast.po"

# Source locations (relative to the repository root, '/' separated) whose strings a
# participant sees. A message is participant-facing if any of its locations starts with
# one of these. Questionnaire texts are participant-facing too, but easy Swedish takes
# them from the TOML files, so the easy catalog only needs the UI ones.
PARTICIPANT_UI_SOURCES: tuple[str, ...] = (
    "survey/answering/",
    "survey/templates/answering/",
    "survey/templates/base.html",
    "survey/templates/error.html",
    "survey/errors.py",
)
QUESTIONNAIRE_SOURCES: tuple[str, ...] = ("questionnaires/definitions/",)
PARTICIPANT_SOURCES = PARTICIPANT_UI_SOURCES + QUESTIONNAIRE_SOURCES

_PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    # Relative paths in the template keep it the same on every machine.
    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        _babel(
            "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--add-comments=Translators:",
            "--sort-by-file", "--omit-header", "-o", str(output), ".",
        )
    finally:
        os.chdir(previous)


def catalogs() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))


def participant_catalogs() -> list[tuple[str, Path]]:
    """(participant language code, catalog) for every shipped participant language."""
    from .i18n import PARTICIPANT_LANGUAGES

    found = []
    for language in PARTICIPANT_LANGUAGES:
        if language.easy:
            found.append((language.code, EASY_CATALOG))
        elif language.locale != "sv":  # Swedish is the source language: no catalog
            found.append(
                (language.code, TRANSLATIONS / language.locale / "LC_MESSAGES" / "messages.po")
            )
    return found


def update() -> None:
    extract()
    for code, po in participant_catalogs():
        if not po.exists():
            from .i18n import language

            _babel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS),
                   "-l", language(code).locale, "-D", po.stem)
    for po in catalogs():
        domain = po.stem
        locale = po.parent.parent.name
        _babel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", locale,
               "-D", domain, "--no-fuzzy-matching", "--ignore-obsolete")


def compile_all() -> int:
    """Compile every catalog; write nothing unless all of them are free of errors."""
    compiled: list[tuple[Path, Catalog]] = []
    failures: list[str] = []
    for po in catalogs():
        try:
            with po.open("rb") as handle:
                catalog = read_po(handle, abort_invalid=True)
        except Exception as error:  # a syntax error in the .po file
            failures.append(f"{po.relative_to(ROOT)}: {error}")
            continue
        for message, errors in catalog.check():
            for error in errors:
                failures.append(f"{po.relative_to(ROOT)}: {message.id!r}: {error}")
        failures.extend(f"{po.relative_to(ROOT)}: {p}" for p in placeholder_problems(catalog))
        compiled.append((po, catalog))
    if failures:
        print("Catalogs did not compile; no .mo file was written:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure}", file=sys.stderr)
        return 1
    for po, catalog in compiled:
        target = po.with_suffix(".mo")
        with tempfile.NamedTemporaryFile("wb", dir=target.parent, delete=False) as handle:
            write_mo(handle, catalog, use_fuzzy=False)
        os.replace(handle.name, target)
    print(f"compiled {len(compiled)} catalogs")
    return 0


def read(po: Path) -> Catalog:
    with po.open("rb") as handle:
        return read_po(handle)


def _paths(message: Message) -> Iterator[str]:
    for filename, _line in message.locations:
        yield filename.replace(os.sep, "/").removeprefix("./")


def is_participant_facing(message: Message, sources: Iterable[str] = PARTICIPANT_SOURCES) -> bool:
    prefixes = tuple(sources)
    return any(path.startswith(prefixes) for path in _paths(message))


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def placeholder_problems(catalog: Catalog) -> list[str]:
    problems = []
    for message in catalog:
        if not message.id or not message.string or isinstance(message.id, tuple):
            continue
        if placeholders(message.id) != placeholders(str(message.string)):
            problems.append(
                f"{message.id!r}: placeholders {placeholders(message.id)} became "
                f"{placeholders(str(message.string))}"
            )
    return problems


def missing(code: str, po: Path) -> list[str]:
    """Participant-facing msgids that are untranslated or fuzzy in one catalog."""
    from .i18n import language

    sources = PARTICIPANT_UI_SOURCES if language(code).easy else PARTICIPANT_SOURCES
    problems = []
    for message in read(po):
        if not message.id or not is_participant_facing(message, sources):
            continue
        if not message.string:
            problems.append(f"untranslated: {message.id!r}")
        elif message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    return problems


def check() -> int:
    """What CI checks, for a translator's shell: completeness and placeholders."""
    bad = 0
    for code, po in participant_catalogs():
        problems = missing(code, po) + placeholder_problems(read(po))
        print(f"{code:9} {po.relative_to(ROOT)}: {len(problems)} problem(s)")
        for problem in problems:
            print(f"    {problem}")
        bad += len(problems)
    return 1 if bad else 0


def main(argv: list[str]) -> int:
    commands = {"extract": extract, "update": update, "compile": compile_all, "check": check}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m survey.catalogs extract|update|compile|check", file=sys.stderr)
        return 2
    return commands[argv[0]]() or 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
