"""Short codes on letters (issue 13, point 6): XXXX-XXXX-XXXX from unambiguous
characters, at least 50 bits from `secrets`, stored only hashed, typed on /kod (any case,
spaces or dashes) to open the survey, rate-limited like links, working until the
survey is sent in or its links are ended on purpose."""

from __future__ import annotations

import math
import re

from sqlalchemy import select

from survey import tokens
from survey.extensions import db
from survey.models import Invitation, Response

from .conftest import csrf_token
from .test_answering_journey import answer, submit
from .test_staff_handout import handout

CODE = re.compile(r'<p class="short-code" dir="ltr">([A-Z0-9-]+)</p>')


def test_codes_are_long_enough_and_unambiguous():
    assert len(tokens.SHORT_CODE_ALPHABET) ** tokens.SHORT_CODE_LENGTH >= 2 ** 50
    assert math.log2(len(tokens.SHORT_CODE_ALPHABET)) * tokens.SHORT_CODE_LENGTH > 58
    assert not set("01OILUV") & set(tokens.SHORT_CODE_ALPHABET)
    codes = {tokens.new_short_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", c) for c in codes)
    assert all(tokens.is_short_code(c) and not tokens.is_short_code(tokens.new_token())
               for c in list(codes)[:50])


def test_typing_is_forgiving_but_exact():
    assert tokens.normalise_short_code(" abcd efgh-jkmn ") == "ABCD-EFGH-JKMN"
    assert tokens.normalise_short_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    for wrong in ("ABCD-EFGH-JKM", "ABCD-EFGH-JKMNP", "ABCD-EFGH-JKM0", "ABCD-EFGH-JKMI", ""):
        assert tokens.normalise_short_code(wrong) is None


def letter_code(client, insats, language="sv"):  # type: ignore[no-untyped-def]
    handout(client, insats, language=language)
    invitation = db.session.scalar(select(Invitation))
    letter = client.get(f"/personal/inbjudningar/{invitation.id}/brev")
    assert letter.status_code == 200
    return letter, CODE.search(letter.text).group(1)


def test_letter_shows_participant_sender_and_short_code(handledare_client, insats):
    letter, code = letter_code(handledare_client, insats)
    assert "Deltagare: SK-014" in letter.text
    assert "Från Samordningsförbundet Test" in letter.text
    assert "Eller gå till http://stegvis.test/kod och skriv in koden:" in letter.text
    assert tokens.is_short_code(code)
    stored = db.session.scalar(select(Invitation.short_code_hash))
    assert stored == tokens.hash_short_code(code) and code not in stored


def test_letter_in_the_participants_language(handledare_client, insats):
    letter, _code = letter_code(handledare_client, insats, language="ti")
    assert "ተሳታፊ፦ SK-014" in letter.text and "ካብ Samordningsförbundet Test" in letter.text


def type_code(client, typed, language=None):  # type: ignore[no-untyped-def]
    """Type a code on /kod's form and press the button (a POST, like a phone without
    JavaScript)."""
    form = client.get("/kod", query_string={"sprak": language} if language else None)
    data = {"csrf_token": csrf_token(form.text), "kod": typed}
    if language:
        data["sprak"] = language
    return client.post("/kod", data=data)


def test_code_typed_on_kod_opens_the_survey(handledare_client, insats, app):
    _letter, code = letter_code(handledare_client, insats)
    participant = app.test_client()
    form = participant.get("/kod", headers={"Accept-Language": "en"})
    assert form.status_code == 200 and "Type in your code" in form.text
    assert 'method="post"' in form.text
    assert "Set-Cookie" not in form.headers
    typed = code.lower().replace("-", " ")
    reply = type_code(participant, typed)
    assert reply.status_code == 303 and reply.headers["Location"] == f"/s/{code}"
    assert reply.data == b""
    assert "Set-Cookie" not in reply.headers
    # The participant answers and submits under the code, like under the link.
    assert participant.get(f"/s/{code}").headers["Location"].endswith(f"/s/{code}/start")
    answer(participant, code, 1, "5")
    assert submit(participant, code).status_code == 302
    assert db.session.scalar(select(Response.submitted_at)) is not None


def test_a_code_in_the_address_opens_nothing(handledare_client, insats, app):
    """The code never has to stand in a URL (where a log would keep it): a GET with it is
    the empty form."""
    _letter, code = letter_code(handledare_client, insats)
    reply = app.test_client().get("/kod", query_string={"kod": code})
    assert reply.status_code == 200 and "Location" not in reply.headers
    assert code not in reply.text


def test_wrong_code_changes_nothing_and_says_so(client, handledare_client, insats):
    _letter, code = letter_code(handledare_client, insats)
    wrong = type_code(client, "ABCD-EFGH-JKMN", language="so")
    # Answered as a right code is: 303, no body, so a log line tells nothing.
    right = type_code(client, code)
    assert (wrong.status_code, len(wrong.data)) == (right.status_code, len(right.data)) == (303, 0)
    assert wrong.headers["Location"] == "/kod?fel=1&sprak=so"
    reply = client.get(wrong.headers["Location"])
    assert "Ma helin su'aalo leh koodkaas." in reply.text
    assert 'aria-invalid="true"' in reply.text
    garbage = type_code(client, "<script>" * 20)
    assert garbage.status_code == 303 and garbage.headers["Location"] == "/kod?fel=1"
    assert db.session.scalar(select(Response)) is None


def test_kod_refuses_a_post_without_the_forms_token(client, make_invitation):
    make_invitation()
    for data in ({"kod": "ABCD-EFGH-JKMN"}, {"kod": "ABCD-EFGH-JKMN", "csrf_token": "x"}):
        reply = client.post("/kod", data=data)
        assert reply.status_code == 400 and "Location" not in reply.headers


def test_new_link_keeps_the_old_code_until_the_links_are_ended(handledare_client, insats, app):
    letter, code = letter_code(handledare_client, insats)
    invitation = db.session.scalar(select(Invitation))
    page = handledare_client.get(f"/personal/inbjudningar/{invitation.id}")
    handledare_client.post(f"/personal/inbjudningar/{invitation.id}/ny-lank",
                           data={"csrf_token": csrf_token(page.text)})
    # The letter already posted still works, and so does the new one's code.
    assert app.test_client().get(f"/s/{code}").status_code == 302
    new = CODE.search(handledare_client.get(
        f"/personal/inbjudningar/{invitation.id}/brev").text).group(1)
    assert new != code and app.test_client().get(f"/s/{new}").status_code == 302
    # Ended on purpose (the letter went to the wrong person): both codes stop working.
    confirm = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/avsluta-lankar")
    handledare_client.post(f"/personal/inbjudningar/{invitation.id}/avsluta-lankar",
                           data={"csrf_token": csrf_token(confirm.text)})
    assert app.test_client().get(f"/s/{code}").status_code == 404
    assert app.test_client().get(f"/s/{new}").status_code == 404
    del letter


def test_codes_are_rate_limited_like_links(client, make_invitation, app):
    make_invitation()
    app.config["PARTICIPANT_RATE_LIMIT"] = "5 per minute"
    form = client.get("/kod")
    statuses = [client.post("/kod", data={"csrf_token": csrf_token(form.text),
                                          "kod": tokens.new_short_code()}).status_code
                for _ in range(7)]
    assert statuses[:5] == [303] * 5 and statuses[5:] == [429, 429]
    # Links from the same address count against the same limit.
    assert client.get("/s/anything").status_code == 429

