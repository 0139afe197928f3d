"""The follow-up questionnaire on the participant's screens (issue 24): choice items as a
plain list with "vet inte", the stored value is the choice's, a value not offered is
refused; the welcome fits someone who has left; every language has every text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from questionnaires import Registry
from questionnaires.vocabulary import ExitOutcome
from survey import readaloud
from survey.extensions import db
from survey.i18n import PARTICIPANT_LANGUAGES, language, translated_text, translations_for
from survey.models import Answer, Enrolment, Invitation, Response

from .factories import participant_with_invitation
from .test_answering_journey import answer, choose_language, submit

FOLLOWUP = Registry.load().latest("uppfoljning")
DOING, INCOME, HELPS = FOLLOWUP.items


@pytest.fixture
def followup_link(app, insats):  # type: ignore[no-untyped-def]
    """A 6-month follow-up of an enrolment that ended in work; returns the token."""
    counter = iter(range(1, 1000))

    def make() -> str:
        token = participant_with_invitation(insats, f"U-{next(counter):03d}", "uppfoljning",
                                            "uppfoljning-6")
        invitation = db.session.scalars(select(Invitation).order_by(Invitation.id.desc())).first()
        invitation.followup_months = 6
        enrolment = db.session.get(Enrolment, invitation.enrolment_id)
        enrolment.end_date, enrolment.exit_outcome = dt.date(2026, 2, 1), ExitOutcome.arbete
        db.session.commit()
        return token

    return make


def stored() -> dict[str, tuple[int | None, str | None]]:
    db.session.expire_all()
    return {a.item_id: (a.value, a.comment) for a in db.session.scalars(select(Answer))}


def _labels(page: str) -> list[str]:
    """The answers offered on a question screen, in screen order."""
    return re.findall(r'<label class="option[^"]*"><input type="radio" name="value" '
                      r'value="([^"]+)"', page)


@pytest.mark.parametrize("chosen", ["sv", "lattlast"])
def test_a_followup_answered_from_welcome_to_thanks(client, followup_link, chosen) -> None:
    token = followup_link()
    choose_language(client, token, chosen)
    easy = chosen == "lattlast"

    welcome = client.get(f"/s/{token}/start").text
    assert ("Du slutade i stödet för en tid sedan." if easy
            else "Det har gått en tid sedan du slutade i stödet.") in welcome
    # A follow-up is a link of its own: no "Del 1 av 2", nothing about the support now.
    assert "Del " not in welcome and 'class="part"' not in welcome
    assert "ditt stöd nu" not in welcome
    assert "Din handledare ser inte dina svar." in welcome

    first = client.get(f"/s/{token}/1").text
    assert "Fråga 1 av 3" in first
    assert 'class="choice-list"' in first and 'class="options list"' in first
    assert 'class="face"' not in first  # no faces from sad to happy: the choices have no order
    assert _labels(first) == [str(c.value) for c in DOING.choices] + ["vet-inte"]
    for choice in DOING.choices:
        assert (choice.label.easy if easy else choice.label.standard) in first
    assert ("Jag vet inte" if easy else "Vet inte") in first

    third = client.get(f"/s/{token}/3").text  # stod_hjalper: the agreement scale, faces
    assert 'class="scale"' in third and third.count('class="face"') == 5

    assert answer(client, token, 1, "2").status_code == 302  # studier
    assert answer(client, token, 2, "vet-inte").status_code == 302
    assert answer(client, token, 3, "3", comment="Jag använder planen").status_code == 302
    assert stored() == {"sysselsattning": (2, None), "forsorjning": (None, None),
                        "stod_hjalper": (3, "Jag använder planen")}
    assert DOING.meaning(2) == "studier"

    review = client.get(f"/s/{token}/granska").text
    answers = re.findall(r'<p class="answer">(.*?)</p>', review)
    assert answers == (["Jag studerar", "Jag vet inte", "Det stämmer ganska bra"] if easy
                       else ["Jag studerar", "Vet inte", "Stämmer ganska bra"])
    assert "Jag använder planen" in review

    assert submit(client, token).headers["Location"].endswith("/tack")
    assert "Tack för dina svar!" in client.get(f"/s/{token}/tack").text
    response = db.session.scalar(select(Response))
    assert response.submitted_at is not None and response.easy is easy


def test_going_back_shows_the_chosen_answer_and_a_change_replaces_it(client, followup_link):
    token = followup_link()
    choose_language(client, token, "sv")
    answer(client, token, 2, "9")  # ingen inkomst
    assert 'value="9" checked' in client.get(f"/s/{token}/2").text
    answer(client, token, 2, "1")
    assert stored() == {"forsorjning": (1, None)}
    answer(client, token, 1, "vet-inte")
    assert 'value="vet-inte" checked' in client.get(f"/s/{token}/1").text
    assert stored()["sysselsattning"] == (None, None)


@pytest.mark.parametrize("value", ["9", "0", "-1", "1.5", "studier", "vet inte", " "])
def test_a_value_that_is_not_one_of_the_choices_is_refused(client, followup_link, value):
    token = followup_link()
    choose_language(client, token, "sv")
    reply = answer(client, token, 1, value)  # sysselsattning offers 1-8 and vet inte
    if not value.strip():
        # Nothing chosen: asked once whether to skip, nothing stored.
        assert reply.status_code == 200 and "Vill du hoppa över frågan?" in reply.text
    else:
        assert reply.status_code == 400
        assert "Välj ett av svaren på skärmen." in reply.text
    assert stored() == {}


def test_the_refusal_is_in_the_participants_language(client, followup_link):
    token = followup_link()
    choose_language(client, token, "ar")
    reply = answer(client, token, 2, "10")  # forsorjning offers 1-9
    assert reply.status_code == 400
    arabic = translations_for(language("ar")).gettext("Välj ett av svaren på skärmen.")
    assert arabic != "Välj ett av svaren på skärmen." and arabic in reply.text
    assert 'dir="rtl"' in reply.text
    assert stored() == {}


def test_every_language_shows_every_text_of_the_followup(client, followup_link):
    """Each of the nine languages: the title, intro, questions, help texts and every choice
    in that language (none falls back to Swedish, except where the language is Swedish)."""
    token = followup_link()
    for chosen in PARTICIPANT_LANGUAGES:
        choose_language(client, token, chosen.code)
        catalog = translations_for(chosen)

        def text(t, chosen=chosen, catalog=catalog) -> str:  # type: ignore[no-untyped-def]
            return str(escape(translated_text(t, chosen, catalog.gettext)))  # as in HTML

        welcome = client.get(f"/s/{token}/start").text
        assert text(FOLLOWUP.title) in welcome and text(FOLLOWUP.intro) in welcome
        for number, item in enumerate(FOLLOWUP.items, start=1):
            page = client.get(f"/s/{token}/{number}").text
            words = [item.text, *([item.help] if item.help else []),
                     *(step.label for step in FOLLOWUP.scale_for(item).steps),
                     FOLLOWUP.scale.dont_know]
            for word in words:
                shown = text(word)
                assert shown in page, (chosen.code, item.id, shown)
                if not chosen.code.startswith(("sv", "lattlast")):
                    assert shown != escape(word.standard), (chosen.code, shown)  # translated


def test_read_aloud_reads_the_question_its_help_and_every_choice() -> None:
    for chosen in PARTICIPANT_LANGUAGES:
        catalog = translations_for(chosen)
        spoken = readaloud.spoken_text(chosen, FOLLOWUP, INCOME)
        lines = spoken.splitlines()
        expected = [translated_text(t, chosen, catalog.gettext) for t in
                    (INCOME.text, INCOME.help, *(c.label for c in INCOME.choices),
                     FOLLOWUP.scale.dont_know)]
        assert [line.rstrip(".") for line in lines] == [e.rstrip(".") for e in expected]
    screens = {s.key for s in readaloud.screens(FOLLOWUP, language("sv"))}
    assert screens == {"welcome", "sysselsattning", "forsorjning", "stod_hjalper", "review",
                       "thanks"}


def test_questionnaire_check_shows_choice_items_and_every_language_complete(app) -> None:
    from questionnaires.loader import DEFAULT_DIRECTORY

    result = app.test_cli_runner().invoke(args=[
        "questionnaire", "check", str(DEFAULT_DIRECTORY / "uppfoljning-v1.toml")])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "1. sysselsattning [uppfoljning] (val utan ordning, inga positiva svar)" in out
    assert "val 1 (arbete): Jag arbetar / Jag jobbar" in out
    assert "3. stod_hjalper [uppfoljning] (kommentar):" in out
    total = len(FOLLOWUP.texts())
    for chosen in PARTICIPANT_LANGUAGES:
        if chosen.code != "sv":
            assert re.search(rf"{chosen.code}\s+\S.*{total} av {total} \(komplett\)", out), \
                chosen.code


def test_the_recording_page_shows_every_choice_to_read(admin_client) -> None:
    """Staff side: a förbund records the follow-up's screens, each question with its
    choices and "vet inte" in the language chosen."""
    page = admin_client.get("/personal/inlasning?enkat=uppfoljning-v1&sprak=so")
    assert page.status_code == 200
    somali = language("so")
    catalog = translations_for(somali)
    for word in (INCOME.text, *(c.label for c in INCOME.choices), FOLLOWUP.scale.dont_know,
                 HELPS.text):
        assert str(escape(translated_text(word, somali, catalog.gettext))) in page.text
