"""Wrong passwords slow down only the address that typed them: nobody can keep the owner
out, and the right password passes once the (growing) wait is over."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from survey.auth import throttle
from survey.extensions import db
from survey.models import AuditEvent, LoginThrottle, utcnow

from .conftest import PASSWORD, login

ATTACKER, OWNER = "203.0.113.9", "198.51.100.7"


def _client(app, address):  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_waits_grow_and_are_capped():
    waits = [throttle.wait_after(n).total_seconds() for n in range(1, 20)]
    assert waits[:3] == [0, 0, 0]
    assert waits[3:6] == [2, 4, 8]
    assert waits == sorted(waits) and max(waits) == 15 * 60


def test_attacker_cannot_keep_the_owner_out(app, make_user):
    user = make_user("admin")
    attacker = _client(app, ATTACKER)
    codes = [login(attacker, user.email, f"gissning-{n}").status_code for n in range(8)]
    assert codes[:4] == [401] * 4
    assert set(codes[4:]) <= {429}  # waiting (or the address's rate limit)
    # The owner, from another address, gets in with the right password at once.
    assert login(_client(app, OWNER), user.email, PASSWORD).status_code == 302


def test_right_password_passes_once_the_wait_is_over(app, make_user):
    app.config["RATELIMIT_ENABLED"] = False
    user = make_user("handledare")
    client = _client(app, ATTACKER)
    for n in range(5):
        login(client, user.email, f"fel-{n}")
    waiting = login(client, user.email, PASSWORD)
    assert waiting.status_code == 429 and "Vänta" in waiting.text
    db.session.execute(update(LoginThrottle).values(
        updated_at=utcnow() - dt.timedelta(minutes=16)))
    db.session.commit()
    assert login(client, user.email, PASSWORD).status_code == 302
    assert db.session.scalar(select(LoginThrottle)) is None  # success forgets the failures


def test_failed_logins_are_audited_and_unknown_accounts_behave_alike(app, make_user):
    app.config["RATELIMIT_ENABLED"] = False
    user = make_user("handledare")
    client = _client(app, ATTACKER)
    for email in (user.email, "finns-inte@test.se"):
        replies = [login(client, email, "fel").status_code for _n in range(5)]
        assert replies == [401, 401, 401, 401, 429]
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "login_failed")).all()
    assert len(events) == 8
    mine = [e for e in events if e.subject.startswith(user.email)]
    assert len(mine) == 4 and all(e.organisation_id == user.organisation_id for e in mine)
    assert ATTACKER in mine[0].subject


def test_next_with_control_characters_is_ignored(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    for target in ("/personal/%0d%0aSet-Cookie:%20x=1", "/personal/%0aX", "/\\evil.example/"):
        page = client.get(f"/personal/logga-in?next={target}")
        assert page.status_code == 200
        from .conftest import csrf_token

        reply = client.post(f"/personal/logga-in?next={target}", data={
            "csrf_token": csrf_token(page.text), "email": user.email, "password": PASSWORD})
        assert reply.status_code == 302
        assert reply.headers["Location"] == "/personal/"
        assert "Set-Cookie" not in reply.headers.get("Location", "")
        page = client.get("/personal/")
        from .conftest import csrf_token as token

        client.post("/personal/logga-ut", data={"csrf_token": token(page.text)})
