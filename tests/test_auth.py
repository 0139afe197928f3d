"""Staff login: Argon2, lockout without revealing accounts, rate limit, audit."""

from __future__ import annotations

from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent

from .conftest import PASSWORD, login

FAILED = "Inloggningen misslyckades"


def test_login_and_logout(app, make_user):
    user = make_user("handledare")
    assert user.password_hash.startswith("$argon2id$")
    client = app.test_client()
    reply = login(client, user.email.upper())  # e-mail is not case sensitive
    assert reply.headers["Location"] == "/personal/"
    assert client.get("/personal/").status_code == 200
    assert db.session.scalar(select(AuditEvent.action)) == "login"
    page = client.get("/personal/")
    from .conftest import csrf_token

    client.post("/personal/logga-ut", data={"csrf_token": csrf_token(page.text)})
    assert client.get("/personal/").headers["Location"].startswith("/personal/logga-in")


def test_wrong_password_and_unknown_account_look_the_same(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    wrong = login(client, user.email, "fel-lösenord")
    unknown = login(client, "finns-inte@test.se", "fel-lösenord")
    assert wrong.status_code == unknown.status_code == 401
    assert FAILED in wrong.text and FAILED in unknown.text
    assert wrong.text.replace(user.email, "") .count(FAILED) == unknown.text.count(FAILED)


def test_login_is_rate_limited(app, make_user):
    make_user("handledare")
    client = app.test_client()
    codes = [login(client, "x@test.se", "fel").status_code for _ in range(12)]
    assert 429 in codes


def test_inactive_account_cannot_log_in(app, make_user):
    user = make_user("handledare")
    user.active = False
    db.session.commit()
    assert login(app.test_client(), user.email).status_code == 401


def test_next_parameter_cannot_redirect_elsewhere(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    page = client.get("/personal/logga-in?next=//evil.example/")
    from .conftest import csrf_token

    reply = client.post("/personal/logga-in?next=//evil.example/", data={
        "csrf_token": csrf_token(page.text), "email": user.email, "password": PASSWORD})
    assert reply.headers["Location"] == "/personal/"


def test_create_user_command(app, insats):
    result = app.test_cli_runner().invoke(
        args=["create-user", "--email", "Chef@Forbund.se", "--name", "Chefen",
              "--organisation", "Nytt förbund", "--role", "admin"],
        env={"STEGVIS_NEW_PASSWORD": "ett-långt-lösenord"})
    assert result.exit_code == 0, result.output
    assert login(app.test_client(), "chef@forbund.se", "ett-långt-lösenord").status_code == 302
    short = app.test_cli_runner().invoke(
        args=["create-user", "--email", "b@c.se", "--name", "B", "--organisation", "X"],
        env={"STEGVIS_NEW_PASSWORD": "kort"})
    assert short.exit_code != 0 and "minst 10 tecken" in short.output
    for weak in ("aaaaaaaaaaaa", "lösenord2026", "qwertyuiop12", "1234567890"):
        refused = app.test_cli_runner().invoke(
            args=["create-user", "--email", "d@c.se", "--name", "Chefen", "--organisation", "X"],
            env={"STEGVIS_NEW_PASSWORD": weak})
        assert refused.exit_code != 0 and "för lätt att gissa" in refused.output, weak


def test_staff_pages_in_english_survive_login(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    page = client.get("/personal/logga-in")
    from .conftest import csrf_token

    client.post("/personal/sprak", data={"csrf_token": csrf_token(page.text), "sprak": "en",
                                         "next": "/personal/logga-in"})
    assert 'lang="en"' in client.get("/personal/logga-in").text
    login(client, user.email)
    assert '<html lang="en"' in client.get("/personal/").text
