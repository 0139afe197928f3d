"""The rules for what staff, files and the command line may store, written once.

The web forms use them as WTForms validators; `flask invite`, `flask import` and
`flask create-user` call the same functions and print the same (translated) message.
"""

from __future__ import annotations

import itertools
import re

# The parser of Python's own regular expressions, to look inside a förbund's pattern
# before it is ever run (there is no public API for the parsed form).
from re import _constants as re_constants  # type: ignore[attr-defined]
from re import _parser as re_parser  # type: ignore[attr-defined]
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

from questionnaires.plaintext import is_plain

PSEUDONYM_MAX = 40
# A förbund's own code format is a regular expression of at most this many characters.
CODE_PATTERN_MAX = 100
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
# The codes anonymisation gives (retention.py): Stegvis's own, always valid.
_ANONYMISED = re.compile(r"anonym-[0-9a-f]{1,33}")
# Where a code splits into words: separators, and a small letter followed by a capital
# ("KarlSvensson").
_WORDS = re.compile(r"[\s._\-]+|(?<=[^\W\d_])(?=[A-ZÅÄÖ])(?<![A-ZÅÄÖ])")
# A code's word of only letters longer than this looks like a name ("Svensson-12"),
# unless the förbund's own format allows it; SK, SKV, H stay codes.
NAME_WORD_MAX = 3
# Names a förbund's own format must not let through (checked when it is saved).
_SAMPLE_NAMES = ("Anna", "anna", "ANNA", "Svensson", "Åsa", "Mohammed", "Eriksson", "Li")
# Quantifiers a förbund's own format may hold: a few are enough for any register's codes,
# and few keep the matching of a 40-character code fast whatever the pattern.
_PATTERN_REPEATS_MAX = 4
# Words a Swedish staff password is often built from; zxcvbn knows only English ones.
_COMMON_WORDS = ("stegvis", "lösenord", "losenord", "password", "sommar", "vinter", "hösten",
                 "våren", "hemligt", "samordning", "förbund", "forbund", "insats", "admin",
                 "handledare", "qwerty", "sverige")


def text_problem(text: str) -> LazyString | None:
    if not is_plain(text):
        return _l("Texten innehåller tecken som inte går att spara.")
    return None


def looks_like_a_name(code: str, pattern: str = "") -> bool:
    """Whether a participant code could be a person's name (docs/privacy.md, "Deltagarkoder").

    Always: two or more words of only letters, two letters or more each, in any script and
    case ("Karl Svensson", "anna andersson", "Åsa Öberg", "محمد علی", "KarlSvensson",
    "Karl Svensson 2"). Unless the förbund's own format `pattern` matches the whole code:
    a word of only letters longer than NAME_WORD_MAX ("Svensson-12", "Mohammed"), or of
    two letters or more in a code without any digit ("Åsa", "Bo").
    """
    words = [word for word in _WORDS.split(code) if word]
    letter_words = [word for word in words if word.isalpha()]
    if sum(len(word) >= 2 for word in letter_words) >= 2:
        return True
    if pattern and re.fullmatch(pattern, code):
        return False
    longest = max(map(len, letter_words), default=0)
    return longest > NAME_WORD_MAX or (longest >= 2 and not any(ch.isdigit() for ch in code))


def pseudonym_problem(code: str, pattern: str = "") -> LazyString | None:
    """Why a participant code cannot be used, or None. `code` is already stripped;
    `pattern` is the förbund's own format (Organisation.participant_code_pattern), empty
    when Stegvis makes the codes."""
    if not code:
        return _l("Skriv en deltagarkod.")
    if len(code) > PSEUDONYM_MAX:
        return _l("Högst 40 tecken.")
    if not _PSEUDONYM_CHARACTERS.match(code):
        return _l("Använd bokstäver, siffror, punkt och bindestreck.")
    if _ANONYMISED.fullmatch(code):
        return None
    if _PERSONNUMMER.search(_SEPARATORS.sub("", code)):
        return _l("Det ser ut som ett personnummer. Välj en kod i stället.")
    if looks_like_a_name(code, pattern):
        # A non-breaking hyphen (U+2011) keeps the example on one line.
        return _l("Det ser ut som ett namn. Använd en kod med siffror, t.ex. D\u20110427, "
                  "och håll er egen nyckel till den utanför Stegvis.")
    if pattern and not re.fullmatch(pattern, code):
        return _l("Koden följer inte förbundets format för deltagarkoder (%(pattern)s).",
                  pattern=pattern)
    return None


def code_pattern_problem(pattern: str) -> LazyString | None:
    """Why a förbund's own participant code format cannot be saved, or None.

    A regular expression that the whole code must match, short and simple enough that
    matching stays fast (no quantifier inside a repeated group, no alternation repeated,
    no back-references, at most a few quantifiers), and that lets no name through.
    """
    if len(pattern) > CODE_PATTERN_MAX:
        return _l("Högst %(max)d tecken.", max=CODE_PATTERN_MAX)
    if not is_plain(pattern):
        return _l("Texten innehåller tecken som inte går att spara.")
    try:
        parsed = re_parser.parse(pattern)
    except (re.error, RecursionError, OverflowError):
        return _l("Mönstret är inte ett giltigt reguljärt uttryck.")
    if not _simple(parsed):
        return _l("Mönstret är för komplicerat: högst fyra upprepningar och ingen upprepning "
                  "inuti en upprepad grupp, t.ex. SK-[0-9]{3}.")
    if any(re.fullmatch(pattern, name) for name in _SAMPLE_NAMES):
        return _l("Mönstret släpper igenom namn, t.ex. Anna eller Svensson. Kräv siffror i "
                  "koden, t.ex. SK-[0-9]{3}.")
    return None


_REPEATS = (re_constants.MAX_REPEAT, re_constants.MIN_REPEAT, re_constants.POSSESSIVE_REPEAT)


def _simple(parsed: Any) -> bool:
    """No back-reference or conditional, at most _PATTERN_REPEATS_MAX quantifiers, and
    what a quantifier repeats holds no quantifier or alternation: the patterns that make
    a regular expression take exponential time cannot be written."""
    repeats = 0

    def walk(items: Any, repeated: bool) -> bool:
        nonlocal repeats
        for op, value in items:
            if op in (re_constants.GROUPREF, re_constants.GROUPREF_EXISTS):
                return False
            if op in _REPEATS:
                _low, high, inner = value
                if high > 1:
                    if repeated:
                        return False
                    repeats += 1
                if not walk(inner, repeated or high > 1):
                    return False
            elif op is re_constants.BRANCH:
                if repeated or not all(walk(branch, repeated) for branch in value[1]):
                    return False
            elif op is re_constants.SUBPATTERN:
                if not walk(value[-1], repeated):
                    return False
            elif op in (re_constants.ASSERT, re_constants.ASSERT_NOT, re_constants.ATOMIC_GROUP):
                inner = value[-1] if op is not re_constants.ATOMIC_GROUP else value
                if not walk(inner, repeated):
                    return False
        return True

    return walk(parsed, False) and repeats <= _PATTERN_REPEATS_MAX


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


def pseudonym(form: Any, field: Field) -> None:
    """The participant code rule in a web form; the view sets `form.code_pattern` to the
    förbund's own format (none set: Stegvis's rules for its own codes, the stricter)."""
    if field.data:
        found = pseudonym_problem(field.data.strip(), getattr(form, "code_pattern", ""))
        if found is not None:
            raise ValidationError(found)


plain_text = _validator(text_problem)
code_pattern = _validator(code_pattern_problem)
comment = _validator(comment_problem)
age_bands = _validator(age_bands_problem)
