"""Locale choice, text direction and the easy-Swedish variant.

Easy Swedish (lättläst) is not a Babel locale. It is a second gettext domain,
`lattlast`, for the Swedish locale: its msgids are the standard Swedish strings and its
msgstrs the easy ones, so the UI and the questionnaires share one translation workflow.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, g
from flask_babel import Domain, gettext

EASY_DOMAIN = "lattlast"


@dataclass(frozen=True)
class Language:
    code: str  # what the participant chose, stored on the response
    locale: str  # the Babel locale behind it
    easy: bool
    native_name: str  # shown in its own script on the language screen
    direction: str = "ltr"


# The choices a participant has, in the order shown. Native names are not translated.
PARTICIPANT_LANGUAGES: tuple[Language, ...] = (
    Language("sv", "sv", False, "Svenska"),
    Language("lattlast", "sv", True, "Lättläst svenska"),
)
_BY_CODE = {language.code: language for language in PARTICIPANT_LANGUAGES}
DEFAULT = PARTICIPANT_LANGUAGES[0]

_easy_domain = Domain(domain=EASY_DOMAIN)


def language(code: str | None) -> Language:
    """The language for a code; anything unknown falls back to Svenska without an error."""
    return _BY_CODE.get(code or "", DEFAULT)


def is_known(code: str | None) -> bool:
    return code in _BY_CODE


def current() -> Language:
    return g.get("language") or DEFAULT


def use(chosen: Language) -> None:
    """Make this request render in the chosen language."""
    g.language = chosen
    if chosen.easy:
        _easy_domain.as_default()


def select_locale() -> str:
    return current().locale


def question_text(text) -> str:  # type: ignore[no-untyped-def]
    """A questionnaire text in the current language: easy Swedish comes from the file,
    other languages from the catalogs (the standard Swedish text is the msgid)."""
    if current().easy:
        return str(text.easy)
    return gettext(text.standard)


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(current_language=current, qtext=question_text)
