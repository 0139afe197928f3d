"""The rules for what staff, files and the command line may store, written once.

The web forms use them as WTForms validators; `flask invite`, `flask import` and
`flask create-user` call the same functions and print the same (translated) message.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

from questionnaires.plaintext import is_plain

PSEUDONYM_MAX = 40
COMMENT_MAX = 1000
NAME_MAX = 200
PASSWORD_MIN = 10
# The largest id or count the database can hold: PostgreSQL's `integer` (SQLite's are
# 64-bit, so this is the tighter of the two). A larger number in a path or a form names
# nothing that exists, and must never reach a query, where it would overflow.
DATABASE_INT_MAX = 2**31 - 1

_PSEUDONYM_CHARACTERS = re.compile(r"^[\w.\- ]+$")
# Separators people put inside a personnummer or samordningsnummer.
_SEPARATORS = re.compile(r"[\s\-+.:_/]")
# Ten or twelve digits once separators are gone: YYMMDDNNNN or YYYYMMDDNNNN (and longer).
_PERSONNUMMER = re.compile(r"\d{10,}")

# Words a Swedish staff password is often built from; zxcvbn knows only English ones.
_COMMON_WORDS = ("stegvis", "lösenord", "losenord", "password", "sommar", "vinter", "hösten",
                 "våren", "hemligt", "samordning", "förbund", "forbund", "insats", "admin",
                 "handledare", "qwerty", "sverige")


def text_problem(text: str) -> LazyString | None:
    if not is_plain(text):
        return _l("Texten innehåller tecken som inte går att spara.")
    return None


def pseudonym_problem(code: str) -> LazyString | None:
    """Why a participant code cannot be used, or None. `code` is already stripped."""
    if not code:
        return _l("Skriv en deltagarkod.")
    if len(code) > PSEUDONYM_MAX:
        return _l("Högst 40 tecken.")
    if not _PSEUDONYM_CHARACTERS.match(code):
        return _l("Använd bokstäver, siffror, punkt och bindestreck.")
    if _PERSONNUMMER.search(_SEPARATORS.sub("", code)):
        return _l("Det ser ut som ett personnummer. Välj en kod i stället.")
    return None


def comment_problem(comment: str) -> LazyString | None:
    if len(comment) > COMMENT_MAX:
        return _l("Skriv högst %(max)d tecken.", max=COMMENT_MAX)
    return text_problem(comment)


def password_problem(password: str, *hints: str) -> LazyString | None:
    """Too short, or easy to guess: common, repetitive, keyboard runs, dates, or built
    from the person's own name or e-mail (zxcvbn's estimate, with Swedish words added)."""
    if len(password) < PASSWORD_MIN:
        return _l("Lösenordet måste ha minst 10 tecken.")
    from zxcvbn import zxcvbn

    words = [*_COMMON_WORDS, *(part for hint in hints for part in re.split(r"[\s@.]+", hint)
                               if len(part) > 2)]
    if zxcvbn(password[:100], user_inputs=words)["score"] < 3:
        return _l("Lösenordet är för lätt att gissa. Välj ett längre, t.ex. tre ord med "
                  "bindestreck emellan.")
    return None


def age_bounds(text: str) -> tuple[int, ...] | None:
    """The lower bounds of report age bands written "16, 30, 50" (16–29, 30–49, 50+), or
    None when they are not 1 to 6 increasing whole years from 1 to 120."""
    parts = [part for part in re.split(r"[\s,;]+", text.strip()) if part]
    if not 1 <= len(parts) <= 6 or not all(part.isdigit() for part in parts):
        return None
    bounds = tuple(int(part) for part in parts)
    if bounds[0] < 1 or bounds[-1] > 120 or any(a >= b for a, b in itertools.pairwise(bounds)):
        return None
    return bounds


def age_bands_problem(text: str) -> LazyString | None:
    if age_bounds(text) is None:
        return _l("Skriv den lägsta åldern i varje åldersgrupp i stigande ordning, t.ex. "
                  "16, 30, 50 (ger 16–29, 30–49 och 50+).")
    return None


def _validator(problem: Any) -> Any:
    def validate(form: Any, field: Field) -> None:
        if field.data:
            found = problem(field.data.strip() if isinstance(field.data, str) else field.data)
            if found is not None:
                raise ValidationError(found)

    return validate


plain_text = _validator(text_problem)
pseudonym = _validator(pseudonym_problem)
comment = _validator(comment_problem)
age_bands = _validator(age_bands_problem)
