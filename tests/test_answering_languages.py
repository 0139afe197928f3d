"""Both questionnaires answered end to end in each of the nine language choices, through
the real routes, with the page in the chosen language, script and direction."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from markupsafe import escape
from sqlalchemy import select

from survey import catalogs, i18n
from survey.extensions import db
from survey.models import Answer, Response

from .conftest import csrf_token
from .test_answering_journey import choose_language, submit

CODES = [lang.code for lang in i18n.PARTICIPANT_LANGUAGES]
_HTML = re.compile(r'<html lang="([^"]+)" dir="(ltr|rtl)">')


def translator(code: str):  # type: ignore[no-untyped-def]
    """gettext for a language, straight from the compiled catalogs."""
    lang = i18n.language(code)
    domain = i18n.EASY_DOMAIN if lang.easy else "messages"
    return Translations.load(str(catalogs.TRANSLATIONS), [lang.locale], domain).gettext


def question_text(code: str, text) -> str:  # type: ignore[no-untyped-def]
    return text.easy if code == "lattlast" else translator(code)(text.standard)


def shows(html: str, text: str) -> bool:
    """Text on the page, raw or HTML-escaped (translated strings are trusted markup)."""
    return text in html or str(escape(text)) in html


def assert_page_in(code: str, html: str) -> None:
    lang = i18n.language(code)
    match = _HTML.search(html)
    assert match, "no <html lang dir>"
    assert match.groups() == (lang.tag, lang.direction)
    font_css = 'href="/static/fonts/'
    assert (font_css in html) is (lang.font is not None)
    if lang.font:
        assert f"/static/fonts/{lang.font}.css" in html


def test_lang_and_dir_per_language():
    expected = {
        "sv": ("sv", "ltr"), "lattlast": ("sv", "ltr"), "en": ("en", "ltr"),
        "ar": ("ar", "rtl"), "fa": ("fa", "rtl"), "prs": ("fa-AF", "rtl"),
        "so": ("so", "ltr"), "ti": ("ti", "ltr"), "uk": ("uk", "ltr"),
    }
    assert {c: (i18n.language(c).tag, i18n.language(c).direction) for c in CODES} == expected


@pytest.mark.parametrize("key", ["finsam-indikatorer", "sjalvskattning"])
@pytest.mark.parametrize("code", CODES)
def test_both_questionnaires_end_to_end(client, app, make_invitation, code, key):
    # The newest version (an enrolment that starts today is asked it), with its items' own
    # answer words where they have them.
    questionnaire = app.extensions["stegvis.questionnaires"].latest(key)
    token = make_invitation(key, "pagaende", version=questionnaire.version)
    _ = translator(code)
    language_page = client.get(f"/s/{token}/sprak")
    for lang in i18n.PARTICIPANT_LANGUAGES:
        assert f'lang="{lang.tag}" dir="{lang.direction}"' in language_page.text
        assert lang.native_name in language_page.text
    choose_language(client, token, code)

    welcome = client.get(f"/s/{token}/start")
    assert_page_in(code, welcome.text)
    assert shows(welcome.text, question_text(code, questionnaire.title))
    assert shows(welcome.text, question_text(code, questionnaire.intro))
    assert shows(welcome.text, _("Börja"))

    total = len(questionnaire.items)
    values = [str(step.value) for step in questionnaire.scale.steps]
    for number, item in enumerate(questionnaire.items, start=1):
        page = client.get(f"/s/{token}/{number}")
        assert page.status_code == 200
        assert_page_in(code, page.text)
        progress = _("Fråga %(number)d av %(total)d") % {"number": number, "total": total}
        assert shows(page.text, progress)
        assert shows(page.text, question_text(code, item.text))
        for step in questionnaire.scale_for(item).steps:
            assert shows(page.text, question_text(code, step.label))
        if item.help is not None:
            assert shows(page.text, question_text(code, item.help))
        assert shows(page.text, _("Tillbaka"))
        data = {"csrf_token": csrf_token(page.text), "value": values[number % len(values)]}
        if item.comment:
            data["comment"] = "ok"
        assert client.post(f"/s/{token}/{number}", data=data).status_code == 302

    review = client.get(f"/s/{token}/granska")
    assert_page_in(code, review.text)
    assert shows(review.text, _("Skicka in svaren"))
    assert submit(client, token).headers["Location"].endswith("/tack")
    thanks = client.get(f"/s/{token}/tack")
    assert_page_in(code, thanks.text)
    assert shows(thanks.text, _("Tack för dina svar!"))

    response = db.session.scalar(select(Response))
    lang = i18n.language(code)
    assert (response.language, response.easy) == (lang.stored, lang.easy)
    assert response.submitted_at is not None
    assert len(list(db.session.scalars(select(Answer)))) == total


def test_switching_language_mid_survey_keeps_every_answer(client, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, "ar")
    for number, value in ((1, "6"), (2, "2"), (3, "4")):
        page = client.get(f"/s/{token}/{number}")
        client.post(f"/s/{token}/{number}", data={
            "csrf_token": csrf_token(page.text), "value": value, "comment": f"تعليق {number}",
        })
    # Change language from question 3: back to the same question, in Tigrinya.
    page = client.get(f"/s/{token}/sprak?fraga=3")
    reply = client.post(f"/s/{token}/sprak?fraga=3", data={
        "csrf_token": csrf_token(page.text), "language": "ti"})
    assert reply.headers["Location"].endswith(f"/s/{token}/3")
    third = client.get(f"/s/{token}/3").text
    assert_page_in("ti", third)
    assert 'value="4" checked' in third and "تعليق 3" in third
    review = client.get(f"/s/{token}/granska").text
    assert_page_in("ti", review)
    for label in ("6 ኣዝዩ ጽቡቕ", "2 ሕማቕ", "4 ብመጠኑ ጽቡቕ"):
        assert label in review
    answers = {a.item_id: (a.value, a.comment) for a in db.session.scalars(select(Answer))}
    assert answers == {
        "aktivitet": (6, "تعليق 1"), "fysisk_halsa": (2, "تعليق 2"),
        "psykisk_halsa": (4, "تعليق 3"),
    }
    response = db.session.scalar(select(Response))
    assert (response.language, response.easy) == ("ti", False)


def test_unknown_stored_language_shows_svenska(client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "uk")
    response = db.session.scalar(select(Response))
    response.language = "xx"  # e.g. a language that was removed after the choice
    db.session.commit()
    page = client.get(f"/s/{token}/1")
    assert page.status_code == 200
    assert '<html lang="sv" dir="ltr">' in page.text
    assert "Fråga 1 av 7" in page.text


def test_participant_pages_ignore_the_staff_locale(client, make_invitation):
    token = make_invitation()
    with client.session_transaction() as session:
        session["staff_locale"] = "en"
    page = client.get(f"/s/{token}/sprak")
    assert '<html lang="sv" dir="ltr">' in page.text and "Välj språk" in page.text
    choose_language(client, token, "so")
    assert shows(client.get(f"/s/{token}/1").text, "Su'aal 1 ee 7")


def test_error_page_in_the_participants_language(client, make_invitation):
    token = make_invitation()
    choose_language(client, token, "fa")
    page = client.get(f"/s/{token}/99")
    assert page.status_code == 404
    assert_page_in("fa", page.text)
    assert "این صفحه وجود ندارد" in page.text


def test_comment_without_a_choice_shows_no_answer_on_review(client, make_invitation):
    token = make_invitation("sjalvskattning", "start")
    choose_language(client, token, "ar")
    page = client.get(f"/s/{token}/1")
    client.post(f"/s/{token}/1", data={"csrf_token": csrf_token(page.text), "comment": "ملاحظة"})
    review = client.get(f"/s/{token}/granska")
    assert review.status_code == 200
    assert "لا توجد إجابة" in review.text and "ملاحظة" in review.text
