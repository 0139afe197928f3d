"""Locale choice, text direction and the easy-Swedish variant.

Participants choose one of PARTICIPANT_LANGUAGES; the choice is stored on their response
(`Response.language`, `Response.easy`), so it follows them across devices and visits.
Staff choose Svenska or English (STAFF_LANGUAGES), kept in the Flask session.

Easy Swedish (lättläst) is not a Babel locale. It is a second gettext domain,
`lattlast`, for the Swedish locale: its msgids are the standard Swedish strings and its
msgstrs the easy ones, so the UI and the questionnaires share one translation workflow.

Dari has no Babel locale ('prs' is unknown to CLDR), so its catalog is the CLDR locale
`fa_AF` (Persian as written in Afghanistan) while the participant's choice, the stored
response language and the folder for audio recordings use the ISO 639-3 code `prs`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from babel.support import NullTranslations, Translations
from flask import Flask, g, has_request_context, render_template, request, session
from flask_babel import Domain, get_babel, get_translations, refresh
from markupsafe import Markup, escape

from .catalogs import TRANSLATIONS

EASY_DOMAIN = "lattlast"
PARTICIPANT_BLUEPRINT = "answering"


@dataclass(frozen=True)
class Language:
    code: str  # what the participant chose; stored on the response
    locale: str  # the Babel locale (catalog folder under translations/)
    easy: bool
    native_name: str  # shown in its own name and script on the language screen
    direction: str = "ltr"
    html_lang: str = ""  # BCP 47 tag for <html lang> and speech synthesis; default = code
    font: str | None = None  # web font family shipped for this script (survey/static/fonts)
    espeak_voice: str | None = None  # espeak-ng voice for generated read-aloud audio

    @property
    def tag(self) -> str:
        return self.html_lang or self.code

    @property
    def stored(self) -> str:
        """The value kept in Response.language (easy Swedish is sv + easy=True)."""
        return self.locale if self.easy else self.code


# The choices a participant has, in the order shown. Native names are not translated.
PARTICIPANT_LANGUAGES: tuple[Language, ...] = (
    Language("sv", "sv", False, "Svenska", espeak_voice="sv"),
    Language("lattlast", "sv", True, "Lättläst svenska", html_lang="sv", espeak_voice="sv"),
    Language("en", "en", False, "English", espeak_voice="en-gb"),
    Language("ar", "ar", False, "العربية", "rtl", font="arabic", espeak_voice="ar"),
    Language("fa", "fa", False, "فارسی", "rtl", font="arabic", espeak_voice="fa"),
    # Dari: catalog fa_AF, <html lang="fa-AF"> (what browsers and screen readers know).
    # espeak-ng has only Iranian Persian; generated Dari audio uses that voice.
    Language("prs", "fa_AF", False, "دری", "rtl", html_lang="fa-AF", font="arabic",
             espeak_voice="fa"),
    Language("so", "so", False, "Soomaali"),
    Language("ti", "ti", False, "ትግርኛ", font="ethiopic"),
    Language("uk", "uk", False, "Українська", espeak_voice="uk"),
)
_BY_CODE = {language.code: language for language in PARTICIPANT_LANGUAGES}
DEFAULT = PARTICIPANT_LANGUAGES[0]

# Staff pages: Svenska (default) or English, chosen per browser session.
STAFF_LANGUAGES: tuple[tuple[str, str], ...] = (("sv", "Svenska"), ("en", "English"))
STAFF_SESSION_KEY = "staff_locale"
_STAFF_CODES = {code for code, _name in STAFF_LANGUAGES}

# Review status of each participant language's translation (UI and questionnaire texts).
# docs/translations.md shows the same table; tests/test_i18n.py keeps the two equal.
NEEDS_REVIEW = "needs review by a certified translator"
REVIEW_STATUS: dict[str, str] = {
    "sv": "source text",
    "lattlast": "written by the Stegvis team; needs review by a lättläst editor",
    "en": NEEDS_REVIEW,
    "ar": NEEDS_REVIEW,
    "fa": NEEDS_REVIEW,
    "prs": NEEDS_REVIEW,
    "so": NEEDS_REVIEW,
    "ti": NEEDS_REVIEW,
    "uk": NEEDS_REVIEW,
}

_easy_domain = Domain(domain=EASY_DOMAIN)


def language(code: str | None) -> Language:
    """The language for a code; anything unknown falls back to Svenska without an error."""
    return _BY_CODE.get(code or "", DEFAULT)


def is_known(code: str | None) -> bool:
    return code in _BY_CODE


def from_browser() -> Language:
    """The participant language a page shown before any choice uses: `?sprak=` when it
    names one of ours (the links to the other languages), else the first of the browser's
    Accept-Language that we have, else Svenska."""
    asked = request.args.get("sprak")
    if is_known(asked):
        return language(asked)
    for value, _quality in request.accept_languages:  # already sorted by quality
        tag = value.lower().replace("_", "-")
        if tag in ("fa-af", "prs") or tag.startswith("prs-"):
            return language("prs")
        primary = tag.split("-")[0]
        if primary in _BY_CODE and primary != "lattlast":
            return _BY_CODE[primary]
    return DEFAULT


@functools.cache
def translations_for(chosen: Language) -> NullTranslations:
    """A language's catalog outside the request's own language (e.g. one line per language
    on the language screen, or read-aloud text built without a request)."""
    domain = EASY_DOMAIN if chosen.easy else "messages"
    return Translations.load(str(TRANSLATIONS), [chosen.locale], domain)


# Shown in every language at once on the language screen (the same msgid as its title).
CHOOSE_LANGUAGE = "Välj språk"


def in_each_language(message: str) -> list[tuple[Language, str]]:
    """The message in every participant language, each text once (easy Swedish and
    Svenska often say the same)."""
    seen: set[str] = set()
    lines = []
    for each in PARTICIPANT_LANGUAGES:
        text = translations_for(each).ugettext(message)
        if text not in seen:
            seen.add(text)
            lines.append((each, text))
    return lines


def current() -> Language:
    return g.get("language") or DEFAULT


def use(chosen: Language) -> None:
    """Make this request render in the chosen language (participant content)."""
    g.language = chosen
    if chosen.easy:
        _easy_domain.as_default()
    else:
        get_babel().instance.domain_instance.as_default()
    _refresh()


def _refresh() -> None:
    refresh()
    g.pop(_CATALOG, None)


# This request's catalog, looked up once: Flask-Babel resolves domain, locale and catalog
# on every gettext call, and a question page translates a dozen questionnaire texts.
_CATALOG = "_stegvis_catalog"


def catalog():  # type: ignore[no-untyped-def]
    found = g.get(_CATALOG)
    if found is None:
        found = get_translations()
        setattr(g, _CATALOG, found)
    return found


@contextmanager
def rendered_in(chosen: Language) -> Iterator[None]:
    """Render participant content (a letter, an email) in the participant's language from
    a staff page, then return to what the request used before (e.g. the staff locale)."""
    before = g.get("language")
    use(chosen)
    try:
        yield
    finally:
        if before is not None:
            use(before)
        else:
            g.pop("language", None)
            get_babel().instance.domain_instance.as_default()
            _refresh()


def render_in(chosen: Language, template: str, **context: object) -> str:
    """Render a participant-facing template in the participant's language."""
    with rendered_in(chosen):
        return render_template(template, **context)


def _start_request(endpoint: str | None, values: dict | None) -> None:
    """Each request starts with no language chosen and nothing cached by Flask-Babel.

    Runs before any blueprint's url_value_preprocessor. In production every request has
    its own `g`; this matters where several requests share one app context (tests).
    """
    if "language" in g or "_flask_babel" in g or _CATALOG in g:
        g.pop("language", None)
        g.pop("_flask_babel", None)
        g.pop(_CATALOG, None)


def _participant_request() -> bool:
    return has_request_context() and request.blueprint == PARTICIPANT_BLUEPRINT


def staff_locale() -> str:
    """The staff locale of this browser session: "sv" unless English was chosen."""
    if not has_request_context():
        return DEFAULT.locale
    code = session.get(STAFF_SESSION_KEY)
    return code if code in _STAFF_CODES else DEFAULT.locale


def set_staff_locale(code: str | None) -> str:
    """Remember the staff locale for this session; unknown codes mean Svenska."""
    chosen = code if code in _STAFF_CODES else DEFAULT.locale
    session[STAFF_SESSION_KEY] = chosen
    return chosen


def select_locale() -> str:
    """Babel's locale selector: the participant's language on participant pages (never the
    staff choice, so a shared tablet shows participants their own language), the staff
    session choice everywhere else."""
    if "language" in g or _participant_request():
        return current().locale
    return staff_locale()


def text_direction() -> str:
    if "language" in g or _participant_request():
        return current().direction
    return "ltr"


def html_lang() -> str:
    if "language" in g or _participant_request():
        return current().tag
    return staff_locale()


def translation_status() -> list[dict[str, str]]:
    """Each participant language with its translation review status, for admin pages."""
    return [
        {"code": lang.code, "native_name": lang.native_name, "status": REVIEW_STATUS[lang.code]}
        for lang in PARTICIPANT_LANGUAGES
    ]


def translated_text(text, chosen: Language, gettext: Callable[[str], str]) -> str:  # type: ignore[no-untyped-def]
    """A questionnaire text in a language: easy Swedish from the file; a translation
    written in the file (a förbund's own instrument) before the catalogs; else the
    catalogs, where the standard Swedish text is the msgid."""
    if chosen.easy:
        return str(text.easy)
    return text.translated(chosen.code) or gettext(text.standard)


def question_text(text) -> str:  # type: ignore[no-untyped-def]
    """A questionnaire text in the current language."""
    return translated_text(text, current(), catalog().ugettext)


# A phone number in running text: digits in groups, with spaces or dashes between them.
_PHONE_NUMBER = re.compile(r"\+?\d[\d \-–]{4,}\d")


def unbroken_numbers(text: str) -> Markup:
    """Text (the förbund's contact) with each phone number kept whole: on one line and
    left to right, isolated from the text around it. In Arabic and the other
    right-to-left languages a number otherwise wraps inside its digits, and its groups
    can come out in the wrong order."""
    escaped = str(escape(text))
    return Markup(_PHONE_NUMBER.sub(  # noqa: S704 - the text is escaped above
        lambda found: f'<bdi dir="ltr" class="tel">{found.group(0)}</bdi>', escaped))


def init_app(app: Flask) -> None:
    app.url_value_preprocessor(_start_request)
    # The templates' `_()`, `gettext()` and `ngettext()` (in macros too, which are imported
    # without the page's context) on this request's catalog, looked up once per request:
    # Flask-Babel's own callables resolve the domain, locale and catalog on every string.
    # Jinja's new-style wrapper still escapes and fills in the variables.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: catalog().ugettext(s),
        ngettext=lambda s, p, n: catalog().ungettext(s, p, n),
        pgettext=lambda c, s: catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: catalog().unpgettext(c, s, p, n),
        newstyle=True,
    )
    # `_` straight to that gettext: Jinja's alias looks `gettext` up again on every call.
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
    app.jinja_env.filters["unbroken_numbers"] = unbroken_numbers
    app.jinja_env.globals.update(
        current_language=current, qtext=question_text, text_direction=text_direction,
        html_lang=html_lang, participant_languages=PARTICIPANT_LANGUAGES,
    )
