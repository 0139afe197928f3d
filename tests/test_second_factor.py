"""TOTP as a second factor: optional for staff, required for admins when the förbund
turns it on; a code works once; wrong codes are throttled and audited like passwords."""

from __future__ import annotations

import re

import pyotp
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Organisation, StaffSession, User

from .conftest import csrf_token, login

SECRET = re.compile(r"<code>([A-Z2-7]+)</code>")


def _code(client, page, code):  # type: ignore[no-untyped-def]
    return client.post("/personal/logga-in/kod", data={"csrf_token": csrf_token(page.text),
                                                       "code": code})


def test_admin_must_set_up_a_code_when_the_forbund_requires_it(app, make_user):
    user = make_user("admin")
    organisation = db.session.get(Organisation, user.organisation_id)
    organisation.admins_need_totp = True
    db.session.commit()
    client = app.test_client()
    reply = login(client, user.email)
    assert reply.headers["Location"] == "/personal/logga-in/kod"
    # Not logged in yet: the password alone opens nothing.
    assert client.get("/personal/").headers["Location"].startswith("/personal/logga-in")
    assert db.session.scalar(select(StaffSession)) is None
    page = client.get("/personal/logga-in/kod")
    assert 'class="qr"' in page.text
    secret = SECRET.search(page.text).group(1)
    assert secret not in client.get_cookie("session").value
    assert _code(client, page, "000000").status_code == 401
    good = _code(client, page, pyotp.TOTP(secret).now())
    assert good.headers["Location"] == "/personal/"
    assert client.get("/personal/").status_code == 200
    assert db.session.get(User, user.id).totp_secret == secret
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "totp_enabled" in actions and "login_failed" in actions


def test_a_code_works_once_and_handledare_are_not_forced(app, make_user):
    admin = make_user("admin")
    handledare = make_user("handledare")
    organisation = db.session.get(Organisation, admin.organisation_id)
    organisation.admins_need_totp = True
    admin.totp_secret = pyotp.random_base32()
    db.session.commit()
    assert login(app.test_client(), handledare.email).headers["Location"] == "/personal/"
    code = pyotp.TOTP(admin.totp_secret).now()
    first = app.test_client()
    login(first, admin.email)
    page = first.get("/personal/logga-in/kod")
    assert "qr" not in page.text
    assert _code(first, page, code).headers["Location"] == "/personal/"
    second = app.test_client()
    login(second, admin.email)
    page = second.get("/personal/logga-in/kod")
    assert _code(second, page, code).status_code == 401  # replayed


def test_staff_can_turn_it_on_for_themselves(app, handledare_client):
    page = handledare_client.get("/personal/tvastegsverifiering")
    assert page.status_code == 200
    secret = SECRET.search(page.text).group(1)
    reply = handledare_client.post("/personal/tvastegsverifiering", data={
        "csrf_token": csrf_token(page.text), "code": pyotp.TOTP(secret).now()})
    assert reply.headers["Location"] == "/personal/"
    user = db.session.scalar(select(User).where(User.email == "handledare@test.se"))
    assert user.totp_secret == secret
    # The next login asks for a code.
    assert login(app.test_client(), user.email).headers["Location"] == "/personal/logga-in/kod"


def test_typing_the_password_again_does_not_reset_the_code_waits(app, make_user):
    """Someone with the password loops password -> wrong codes -> password, from new
    addresses too: the code's waits belong to the account and keep growing."""
    import datetime as dt

    from sqlalchemy import update

    from survey.auth import throttle
    from survey.models import LoginThrottle, utcnow

    app.config["RATELIMIT_ENABLED"] = False
    user = make_user("admin")
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    checked = 0  # wrong codes the server actually checked
    waits = []
    for round_ in range(6):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"203.0.113.{round_ + 1}"
        assert login(client, user.email).headers["Location"] == "/personal/logga-in/kod"
        page = client.get("/personal/logga-in/kod")
        for _ in range(4):
            reply = _code(client, page, "000000")
            if reply.status_code == 401:
                checked += 1
            else:
                assert reply.status_code == 429 and "Vänta" in reply.text
                break
        waits.append(throttle.code_wait(user.email))
        # Let the wait run out, as a patient attacker would; only time, never the password,
        # gives the next try.
        row = db.session.get(LoginThrottle, (user.email, throttle.SECOND_FACTOR))
        row.updated_at -= dt.timedelta(seconds=waits[-1])
        db.session.commit()
    # 3 free tries, then one checked try per (doubling) wait.
    assert checked == throttle.FREE_FAILURES + 6
    assert waits == [2, 4, 8, 16, 32, 64]
    row = db.session.get(LoginThrottle, (user.email, throttle.SECOND_FACTOR))
    assert row.failures == checked
    # The right code after the wait clears the account's code waits.
    db.session.execute(update(LoginThrottle).values(updated_at=utcnow() - dt.timedelta(hours=1)))
    db.session.commit()
    client = app.test_client()
    login(client, user.email)
    page = client.get("/personal/logga-in/kod")
    right = pyotp.TOTP(user.totp_secret).now()
    assert _code(client, page, right).headers["Location"] == "/personal/"
    assert throttle.code_wait(user.email) == 0
    assert db.session.get(LoginThrottle, (user.email, throttle.SECOND_FACTOR)) is None
