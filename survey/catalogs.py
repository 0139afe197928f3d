"""The one translation workflow: `python -m survey.catalogs extract|update|compile`.

UI strings and questionnaire texts go into the same template (translations/messages.pot);
each language has translations/<locale>/LC_MESSAGES/messages.po, and easy Swedish has
translations/sv/LC_MESSAGES/lattlast.po. A catalog that fails to compile stops the build.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract(output: Path = TEMPLATE) -> None:
    # Relative paths in the template keep it the same on every machine.
    os.chdir(ROOT)
    _babel(
        "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--add-comments=Translators:",
        "--sort-by-file", "--omit-header", "-o", str(output), ".",
    )


def catalogs() -> list[Path]:
    return sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po"))


def update() -> None:
    extract()
    for po in catalogs():
        domain = po.stem
        locale = po.parent.parent.name
        _babel("update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS), "-l", locale,
               "-D", domain, "--no-fuzzy-matching")


def compile_all() -> None:
    for po in catalogs():
        _babel("compile", "-i", str(po), "-o", str(po.with_suffix(".mo")), "--statistics")


def main(argv: list[str]) -> int:
    commands = {"extract": extract, "update": update, "compile": compile_all}
    if len(argv) != 1 or argv[0] not in commands:
        print("usage: python -m survey.catalogs extract|update|compile", file=sys.stderr)
        return 2
    commands[argv[0]]()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
