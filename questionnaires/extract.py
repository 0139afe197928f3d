"""Babel extractor for questionnaire TOML files, so their texts reach translators through
the same catalogs as the UI. Only the standard Swedish text is a msgid: easy Swedish is
written in the file itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from .loader import parse


def extract_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str, str, list[str]]]:
    import tomllib

    raw = fileobj.read()
    source = getattr(fileobj, "name", "questionnaire.toml")
    questionnaire = parse(tomllib.loads(raw.decode("utf-8")), str(source))
    lines = raw.decode("utf-8").splitlines()

    def line_of(text: str) -> int:
        for number, line in enumerate(lines, start=1):
            if text in line:
                return number
        return 0

    note = f"Translators: questionnaire {questionnaire.ident}."
    for text in questionnaire.texts():
        comments = [note, f"Easy-Swedish version, for meaning: {text.easy}"]
        yield line_of(text.standard), "gettext", text.standard, comments
