"""Server-side staff sessions: logout, idle timeout, deactivation and five wrong unlocks
on the tablet end them; the id changes at login; the cookie carries no link token."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update

from survey.extensions import db
from survey.models import AuditEvent, Invitation, StaffSession, User, utcnow

from .conftest import PASSWORD, csrf_token, login
from .test_staff_handout import handout


def _cookie(client) -> str:  # type: ignore[no-untyped-def]
    return client.get_cookie("session").value


def _session_data(app, client) -> dict:  # type: ignore[no-untyped-def]
    return app.session_interface.get_signing_serializer(app).loads(_cookie(client))


def test_old_cookie_after_logout_goes_to_login(app, make_user):
    user = make_user("admin")
    client = app.test_client()
    login(client, user.email)
    saved = _cookie(client)
    page = client.get("/personal/logg")
    assert page.status_code == 200
    client.post("/personal/logga-ut", data={"csrf_token": csrf_token(page.text)})
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0
    replay = app.test_client()
    replay.set_cookie("session", saved)
    reply = replay.get("/personal/logg")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/personal/logga-in")


def test_idle_timeout_ends_the_session(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    login(client, user.email)
    assert client.get("/personal/").status_code == 200
    # 29 minutes idle: still in (and the visit counts as activity).
    db.session.execute(update(StaffSession).values(
        last_seen_at=utcnow() - dt.timedelta(minutes=29)))
    db.session.commit()
    assert client.get("/personal/").status_code == 200
    db.session.execute(update(StaffSession).values(
        last_seen_at=utcnow() - dt.timedelta(minutes=31)))
    db.session.commit()
    reply = client.get("/personal/")
    assert reply.headers["Location"].startswith("/personal/logga-in")
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 0


def test_idle_timeout_is_configurable_and_warned_about(app, make_user):
    app.config["STAFF_IDLE_MINUTES"] = 5
    user = make_user("handledare")
    client = app.test_client()
    login(client, user.email)
    page = client.get("/personal/")
    assert 'data-idle-seconds="300"' in page.text and "idle.js" in page.text
    db.session.execute(update(StaffSession).values(
        last_seen_at=utcnow() - dt.timedelta(minutes=6)))
    db.session.commit()
    assert client.get("/personal/").status_code == 302


def test_deactivation_ends_the_users_sessions(app, make_user, admin_client):
    user = make_user("handledare")
    other = app.test_client()
    login(other, user.email)
    assert other.get("/personal/").status_code == 200
    page = admin_client.get("/personal/personal")
    admin_client.post(f"/personal/personal/{user.id}/aktiv",
                      data={"csrf_token": csrf_token(page.text)})
    assert db.session.get(User, user.id).active is False
    assert other.get("/personal/").status_code == 302
    assert db.session.scalar(select(func.count()).select_from(StaffSession).where(
        StaffSession.user_id == user.id)) == 0


def test_session_id_changes_at_login(app, make_user):
    user = make_user("handledare")
    client = app.test_client()
    client.get("/personal/logga-in")
    before = _session_data(app, client)
    login(client, user.email)
    after = _session_data(app, client)
    assert "sid" not in before and after["sid"]
    first_sid = after["sid"]
    page = client.get("/personal/")
    client.post("/personal/logga-ut", data={"csrf_token": csrf_token(page.text)})
    login(client, user.email)
    assert _session_data(app, client)["sid"] != first_sid
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 1


def test_link_token_is_not_in_the_cookie(app, handledare_client, insats):
    page = handout(handledare_client, insats)
    token = page.text.split("/s/", 1)[1].split('"', 1)[0]
    assert len(token) >= 30
    assert token not in str(_session_data(app, handledare_client))
    assert token not in _cookie(handledare_client)
    # The hand-out page still shows it (kept server-side), until the session ends.
    invitation = db.session.scalar(select(Invitation))
    assert token in handledare_client.get(f"/personal/inbjudningar/{invitation.id}").text
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert "link_created" in actions and "enrolled" in actions


def _hand_over(client, insats):  # type: ignore[no-untyped-def]
    page = handout(client, insats, slot="avslut-indikatorer")
    invitation = db.session.scalar(select(Invitation))
    reply = client.post(f"/personal/inbjudningar/{invitation.id}/surfplatta",
                        data={"csrf_token": csrf_token(page.text), "assisted": "sjalv"})
    assert reply.headers["Location"].startswith("/s/")
    return invitation


def test_five_wrong_unlocks_end_the_tablet_session(app, handledare_client, insats):
    tablet = handledare_client
    _hand_over(tablet, insats)
    saved = _cookie(tablet)
    lock = tablet.get("/personal/last")
    for attempt in range(1, 5):
        wrong = tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                                    "password": f"gissning-{attempt}"})
        assert wrong.status_code == 401
        assert tablet.get("/personal/").headers["Location"] == "/personal/last"
    fifth = tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                                "password": "gissning-5"})
    assert fifth.headers["Location"] == "/personal/logga-in"
    # The session is gone: the right password on the lock screen no longer helps, and
    # neither does the cookie from before.
    assert tablet.get("/personal/last").headers["Location"] == "/personal/"
    assert tablet.get("/personal/").headers["Location"].startswith("/personal/logga-in")
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/personal/").headers["Location"].startswith("/personal/logga-in")
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions.count("tablet_unlock_failed") == 5
    assert "tablet_session_ended" in actions
    # The handledare logs in again.
    assert login(tablet, "handledare@test.se").status_code == 302
    assert tablet.get("/personal/").status_code == 200


def test_right_unlock_resets_the_count(app, handledare_client, insats):
    tablet = handledare_client
    invitation = _hand_over(tablet, insats)
    lock = tablet.get("/personal/last")
    for _attempt in range(4):
        tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                            "password": "fel-fel-fel"})
    right = tablet.post("/personal/last", data={"csrf_token": csrf_token(lock.text),
                                                "password": PASSWORD})
    assert right.headers["Location"] == f"/personal/inskrivningar/{invitation.enrolment_id}"
    assert db.session.scalar(select(StaffSession.unlock_failures)) == 0


def test_password_change_ends_every_other_session(app, make_user):
    user = make_user("handledare")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user.email)
    login(phone, user.email)
    old_cookie = _cookie(laptop)
    page = laptop.get("/personal/losenord")
    weak = laptop.post("/personal/losenord", data={
        "csrf_token": csrf_token(page.text), "current": PASSWORD, "new": "aaaaaaaaaaaa",
        "repeat": "aaaaaaaaaaaa"})
    assert weak.status_code == 400 and "för lätt att gissa" in weak.text
    new = "blå-cykel-under-ek-7"
    reply = laptop.post("/personal/losenord", data={
        "csrf_token": csrf_token(page.text), "current": PASSWORD, "new": new, "repeat": new})
    assert reply.headers["Location"] == "/personal/"
    assert laptop.get("/personal/").status_code == 200  # a fresh session here
    assert _cookie(laptop) != old_cookie
    assert phone.get("/personal/").headers["Location"].startswith("/personal/logga-in")
    replay = app.test_client()
    replay.set_cookie("session", old_cookie)
    assert replay.get("/personal/").headers["Location"].startswith("/personal/logga-in")
    assert db.session.scalar(select(func.count()).select_from(StaffSession)) == 1
    assert "password_changed" in db.session.scalars(select(AuditEvent.action)).all()
    assert login(app.test_client(), user.email, new).status_code == 302


def test_admin_resets_a_lost_login(app, make_user, admin_client):
    """A colleague who lost the phone with the codes gets a new password and no second
    factor; their old sessions end, the old password stops working, the audit log says so."""
    import pyotp

    user = make_user("handledare")
    other = app.test_client()
    login(other, user.email)  # a session opened before the phone was lost
    assert other.get("/personal/").status_code == 200
    user.totp_secret = pyotp.random_base32()
    db.session.commit()
    page = admin_client.get(f"/personal/personal/{user.id}/aterstall")
    assert page.status_code == 200 and "Tvåstegsverifieringen tas bort" in page.text
    weak = admin_client.post(f"/personal/personal/{user.id}/aterstall",
                             data={"csrf_token": csrf_token(page.text), "password": "kort"})
    assert weak.status_code == 400
    assert db.session.get(User, user.id).totp_secret is not None  # nothing changed
    admin_client.post(f"/personal/personal/{user.id}/aterstall", data={
        "csrf_token": csrf_token(page.text), "password": "ny-lång-fras-för-hanna-77"})
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret is None
    assert db.session.scalar(select(func.count()).select_from(StaffSession).where(
        StaffSession.user_id == user.id)) == 0
    assert other.get("/personal/").status_code == 302  # logged out everywhere
    assert login(app.test_client(), user.email).status_code == 401  # old password refused
    fresh = app.test_client()
    assert login(fresh, user.email, "ny-lång-fras-för-hanna-77").status_code == 302
    assert fresh.get("/personal/").status_code == 200
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login_reset")) == 1


def test_admin_cannot_reset_their_own_login(app, make_user, admin_client):
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    assert admin_client.get(f"/personal/personal/{admin.id}/aterstall").status_code == 404
