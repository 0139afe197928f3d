"""Hostile input at every participant and staff form (Hypothesis).

Properties, for every form the pages offer:
- never a 500;
- a request that is refused (anything but a redirect) leaves the database unchanged;
- whatever is stored comes back escaped: no hostile markup ever appears raw in a page.

Each test builds its own world once and Hypothesis then runs many examples against it;
the properties hold whatever state earlier examples left, so sharing the function-scoped
fixtures across examples is intended (hence the suppressed health check).
"""

from __future__ import annotations

import html.parser
import re
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from survey.extensions import db
from survey.models import Answer, Enrolment, Invitation, Participant, Response

from .conftest import csrf_token, login
from .test_answering_journey import choose_language

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "'; DROP TABLE answer; --",
    "{{ 7*7 }}",
    "%(x)s %s {0}",
    "\x00",
    "a\x00b",
    "\u202e\u0645\u0631\u062d\u0628\u0627",  # right-to-left override + Arabic
    "\U0001f600\U0010fffd\U000e0001",  # emoji, plane 16, tag character
    "x" * 70_000,  # over MAX_CONTENT_LENGTH with everything else
    "y" * 1001,
    " ",
    "",
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "NaN",
]
# Markup that must never come back unescaped.
RAW_MARKERS = ("<script>alert(1)", "<img src=x", "<svg/onload")

# Every Unicode plane; surrogates cannot travel in UTF-8 form data.
any_text = st.text(st.characters(codec="utf-8"), max_size=300)
value = st.one_of(st.sampled_from(HOSTILE), any_text, st.integers().map(str))


class Forms(html.parser.HTMLParser):
    """Every <form method=post> on a page: its action and its fields with their values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.forms.append((a.get("action", ""), {}))
            else:
                self.forms.append(("", {"__get__": []}))
            return
        if not self.forms or "__get__" in self.forms[-1][1]:
            return
        fields = self.forms[-1][1]
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"radio", "checkbox"}:
                fields.setdefault(name, [])
                if "checked" in a or not fields[name]:
                    fields[name] = [a.get("value", "on")]
            else:
                fields[name] = [a.get("value", "")]
        elif tag in {"textarea", "button"} and name:
            fields.setdefault(name, [a.get("value", "")])
        elif tag == "select" and name:
            self._select = name
            fields[name] = []
        elif tag == "option" and self._select and (not fields[self._select] or "selected" in a):
            fields[self._select] = [a.get("value", "")]

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "select":
            self._select = None


def post_forms(page: str, page_url: str) -> list[tuple[str, dict[str, list[str]]]]:
    parser = Forms()
    parser.feed(page)
    return [(urllib.parse.urljoin(page_url, action or page_url), fields)
            for action, fields in parser.forms if "__get__" not in fields]


# What a refused request may legitimately change: the audit log (failed logins, views),
# the login waits, a session's last activity.
VOLATILE = {"audit_event": None, "login_throttle": None, "staff_session": {"last_seen_at"},
            "user": {"last_login_at"}}


def database_state() -> dict[str, list[str]]:
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        skip = VOLATILE.get(table.name, set())
        if skip is None:
            continue
        columns = [c for c in table.columns if c.name not in skip]
        rows = db.session.execute(select(*columns)).all()
        state[table.name] = sorted(repr(tuple(row)) for row in rows)
    return state


def assert_escaped(text: str, where: str) -> None:
    for marker in RAW_MARKERS:
        assert marker not in text, f"unescaped {marker!r} in {where}"


# Valid values for text fields a page leaves empty, so that most examples get far enough
# to store something (and its escaping can be checked).
VALID = {"pseudonym": "P-{n}", "name": "Namn {n}", "email": "ny{n}@test.se",
         "password": "ett-langt-losenord-{n}", "birth_year": "1990", "sites": "Skövde\nTibro",
         "start_date": "2026-01-01", "end_date": "2026-06-01", "confirm": "P-1"}


def mutate(data: st.DataObject, fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """Keep, drop, replace, or repeat each field (the CSRF token stays valid)."""
    sent: dict[str, list[str]] = {}
    names = sorted(name for name in fields if name != "csrf_token")
    # Mostly valid forms with one or two hostile fields reach the code that stores.
    targets = data.draw(st.sets(st.sampled_from(names), max_size=2), label="changed") \
        if names else set()
    for name, values in fields.items():
        action = "keep"
        if name in targets:
            action = data.draw(st.sampled_from(["drop", "hostile", "hostile", "two"]), label=name)
        if action == "keep":
            if name in VALID and not any(values):
                number = data.draw(st.integers(0, 10**6), label="n")
                values = [VALID[name].format(n=number)]
            sent[name] = values
        elif action == "hostile":
            sent[name] = [data.draw(value, label=name)]
        elif action == "two":
            sent[name] = [data.draw(value, label=name), data.draw(value, label=name)]
    if data.draw(st.booleans(), label="extra field"):
        sent[data.draw(st.sampled_from(["id", "role", "organisation_id", "submitted_at",
                                        "token", "item"]))] = [data.draw(value)]
    return sent


def check_post(client, url: str, sent: dict[str, list[str]], pages: list[str]) -> None:  # type: ignore[no-untyped-def]
    before = database_state()
    reply = client.post(url, data=sent)
    assert reply.status_code < 500, (url, sent, reply.status_code)
    assert "<html" in reply.text or reply.status_code in {302, 303}, (url, reply.status_code)
    if reply.status_code not in {302, 303}:
        assert database_state() == before, (url, sent)
    assert_escaped(reply.text, url)
    for page in pages:
        shown = client.get(page)
        assert shown.status_code < 500, page
        assert_escaped(shown.text, page)


# ---- staff forms ---------------------------------------------------------------------------

STAFF_PAGES = [
    "/personal/",
    "/personal/insatser/ny",
    "/personal/insatser/{insats}",
    "/personal/insatser/{insats}/andra",
    "/personal/insatser/{insats}/deltagare/ny",
    "/personal/inskrivningar/{enrolment}",
    "/personal/inskrivningar/{enrolment}/avslut",
    "/personal/inbjudningar/{invitation}",
    "/personal/deltagare/{participant}",
    "/personal/installningar",
    "/personal/personal",
]
# Pages only a förbund admin may open: a handledare gets 404 there (learns nothing).
ADMIN_ONLY = {"/personal/insatser/ny", "/personal/insatser/{insats}/andra",
              "/personal/deltagare/{participant}", "/personal/installningar",
              "/personal/personal"}


@pytest.fixture
def staff_world(app, insats, make_invitation, make_user):  # type: ignore[no-untyped-def]
    make_invitation("sjalvskattning", "start", code="P-1")
    make_user("admin", "a@test.se")
    make_user("handledare", "h@test.se")
    return {
        "insats": insats.id,
        "enrolment": db.session.scalar(select(Enrolment.id)),
        "invitation": db.session.scalar(select(Invitation.id)),
        "participant": db.session.scalar(select(Participant.id)),
    }


@pytest.mark.parametrize("who", ["a@test.se", "h@test.se"])
@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_forms_survive_hostile_input(app, staff_world, page, who):
    client = app.test_client()
    assert login(client, who).status_code == 302
    url = page.format(**staff_world)
    reply = client.get(url)
    if who == "h@test.se" and page in ADMIN_ONLY:
        assert reply.status_code == 404
        return
    assert reply.status_code == 200
    forms = post_forms(reply.text, url)
    # Forms that end the session or lock the tablet are fuzzed last-but-not-forever.
    # The tablet hand-over locks the session (its own test covers it); the language and
    # logout forms are on every page and would crowd out the page's own forms.
    forms = [f for f in forms if not f[0].endswith(("/logga-ut", "/surfplatta", "/sprak"))]
    if url == "/personal/":
        forms.append(("/personal/sprak", {"csrf_token": [csrf_token(reply.text)],
                                          "language": ["en"]}))
    if not forms:
        pytest.skip(f"{url} has no POST form")
    views = sorted({url, "/personal/", "/personal/deltagare",
                    f"/personal/inskrivningar/{staff_world['enrolment']}"})

    @settings(FUZZ, max_examples=10)
    @given(data=st.data())
    def fuzz(data):  # type: ignore[no-untyped-def]
        action, fields = data.draw(st.sampled_from(forms), label="form")
        check_post(client, action, mutate(data, fields), views)

    fuzz()


def test_login_form_survives_hostile_input(app, staff_world):
    app.config["LOGIN_RATE_LIMIT"] = "10000 per minute"
    client = app.test_client()

    @FUZZ
    @given(email=value, password=value)
    def fuzz(email, password):  # type: ignore[no-untyped-def]
        page = client.get("/personal/logga-in")
        check_post(client, "/personal/logga-in", {
            "csrf_token": [csrf_token(page.text)], "email": [email], "password": [password]},
            [])

    fuzz()


# ---- participant forms ---------------------------------------------------------------------


@pytest.mark.parametrize("key,occasion", [("sjalvskattning", "start"),
                                          ("finsam-indikatorer", "avslut")])
def test_answer_form_stores_only_valid_input_and_escapes_comments(app, make_invitation, key,
                                                                    occasion):
    token = make_invitation(key, occasion)
    client = app.test_client()
    choose_language(client, token, "sv")
    csrf = csrf_token(client.get(f"/s/{token}/1").text)
    scale = app.extensions["stegvis.questionnaires"].latest(key).scale
    allowed = {str(step.value) for step in scale.steps} | (
        {"vet-inte"} if scale.dont_know else set())

    @FUZZ
    @given(number=st.integers(min_value=-1, max_value=9),
           choice=st.one_of(st.sampled_from(sorted(allowed)), value, st.none()),
           comment=st.one_of(st.none(), value),
           twice=st.booleans())
    def fuzz(number, choice, comment, twice):  # type: ignore[no-untyped-def]
        data: dict[str, list[str]] = {"csrf_token": [csrf]}
        if choice is not None:
            data["value"] = [choice, "1"] if twice else [choice]
        if comment is not None:
            data["comment"] = [comment]
        before = database_state()
        reply = client.post(f"/s/{token}/{number}", data=data)
        assert reply.status_code < 500
        if reply.status_code != 302:
            assert database_state() == before
            assert_escaped(reply.text, "question page")
            return
        items = app.extensions["stegvis.questionnaires"].latest(key).items
        item = items[number - 1]
        stored = db.session.scalar(select(Answer).where(Answer.item_id == item.id))
        if choice is not None and choice in allowed:
            assert stored is not None
            assert stored.value == (None if choice == "vet-inte" else int(choice))
        if stored is not None and stored.comment is not None:
            assert item.comment
            assert "\x00" not in stored.comment and len(stored.comment) <= 1000
        review = client.get(f"/s/{token}/granska")
        assert_escaped(review.text, "review")
        if stored is not None and stored.comment:
            assert _escaped(stored.comment) in review.text

    fuzz()


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def test_language_and_review_forms_survive_hostile_input(app, make_invitation):
    token = make_invitation()
    client = app.test_client()
    csrf = csrf_token(client.get(f"/s/{token}/sprak").text)

    @FUZZ
    @given(language=st.one_of(value, st.sampled_from(["sv", "lattlast", "ar", "SV", "sv "])),
           path=st.sampled_from(["sprak", "granska"]))
    def fuzz(language, path):  # type: ignore[no-untyped-def]
        check_post(client, f"/s/{token}/{path}",
                   {"csrf_token": [csrf], "language": [language]}, [f"/s/{token}/granska"])
        # Nothing but a known language ever reaches the response row.
        stored = db.session.scalar(select(Response))
        if stored is not None:
            assert stored.language in {"sv", "en", "ar", "fa", "fa_AF", "so", "ti", "uk"}

    fuzz()


@FUZZ
@given(body=st.binary(max_size=2000))
def test_raw_bytes_never_cause_a_500(body):
    """Undecodable form bodies (invalid UTF-8, stray percent signs) on participant routes."""
    app = _bare_app()
    client = app.test_client()
    for path in ("/s/x/sprak", "/s/x/1", "/personal/logga-in"):
        reply = client.post(path, data=body,
                            content_type="application/x-www-form-urlencoded")
        assert reply.status_code < 500
    raw_path = "/s/" + re.sub(r"[^A-Za-z0-9%]", "", urllib.parse.quote_from_bytes(body[:60]))
    assert client.get(raw_path or "/s/x").status_code < 500


_APP = []


def _bare_app():  # type: ignore[no-untyped-def]
    """One in-memory app for the raw-bytes test (no fixtures: Hypothesis runs it directly)."""
    if not _APP:
        from survey import create_app

        app = create_app({"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            db.create_all()
        _APP.append(app)
    return _APP[0]
