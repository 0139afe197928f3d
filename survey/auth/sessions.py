"""Server-side staff sessions: the cookie carries a random id, the database the login.

Flask's signed cookie still carries what is harmless to show (the CSRF token, the staff
language, flash messages, the lock-screen mark the participant pages read). What grants
access lives in a `staff_session` row keyed by the SHA-256 of the id: logout, a password
change, deactivation, the idle timeout and five wrong unlocks on the tablet delete the
row, and a copy of the old cookie is worth nothing on every worker and machine at once.

Why not Flask-Session: it stores the whole session dict server-side under the id, which
would create a row for every anonymous visit to the login page (the CSRF token), rewrites
the row on every request, and cannot end all sessions of one user (password change,
deactivation) without reading every stored blob.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from flask import current_app, g, session
from sqlalchemy import delete

from .. import i18n
from ..extensions import db
from ..models import StaffSession, User, utcnow

SESSION_ID = "sid"
# last_seen_at is written at most this often: a staff page costs no write per request.
TOUCH_EVERY = dt.timedelta(seconds=60)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def _expired(row: StaffSession, now: dt.datetime) -> bool:
    longest = dt.timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])
    return now - row.last_seen_at > idle_limit() or now - row.created_at > longest


def start(user: User) -> None:
    """A new session at login: the old cookie's content and id are dropped (no fixation)."""
    locale = i18n.staff_locale()
    end()
    i18n.set_staff_locale(locale)
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    # Sessions that timed out are swept here, so the table holds only live ones.
    db.session.execute(delete(StaffSession).where(StaffSession.last_seen_at < now - idle_limit()))
    row = StaffSession(id_hash=_hash(raw), user_id=user.id, created_at=now, last_seen_at=now)
    db.session.add(row)
    session[SESSION_ID] = raw
    g.staff_session = row


def current() -> StaffSession | None:
    """This request's live session, or None (never logged in, ended, or timed out)."""
    if "staff_session" in g:
        return g.staff_session  # type: ignore[no-any-return]
    raw = session.get(SESSION_ID)
    row = db.session.get(StaffSession, _hash(raw)) if isinstance(raw, str) else None
    if row is not None:
        now = utcnow()
        if _expired(row, now):
            db.session.delete(row)
            db.session.commit()
            session.clear()
            row = None
        elif now - row.last_seen_at >= TOUCH_EVERY:
            row.last_seen_at = now
            db.session.commit()
    g.staff_session = row
    return row


def end() -> None:
    """End this browser's session: the row goes, and the cookie is emptied."""
    row = current()
    if row is not None:
        db.session.delete(row)
    g.staff_session = None
    session.clear()


def end_all(user_id: int, keep_current: bool = False) -> None:
    """End every session of one user (password change, deactivation)."""
    statement = delete(StaffSession).where(StaffSession.user_id == user_id)
    row = current()
    if keep_current and row is not None:
        statement = statement.where(StaffSession.id_hash != row.id_hash)
    db.session.execute(statement, execution_options={"synchronize_session": False})
    if not keep_current and row is not None and row.user_id == user_id:
        # This browser's row went with the others; forget it here too.
        db.session.expunge(row)
        g.staff_session = None
        session.clear()


def kiosk() -> dict[str, Any] | None:
    """The tablet hand-over this session is in, if any."""
    row = current()
    return row.kiosk if row is not None else None


def remember_link(invitation_id: int, token: str, code: str | None = None) -> None:
    row = current()
    if row is not None:
        row.handout_invitation_id = invitation_id
        row.handout_token = token
        row.handout_code = code


def remembered_link(invitation_id: int) -> str | None:
    row = current()
    if row is not None and row.handout_invitation_id == invitation_id:
        return row.handout_token
    return None


def remembered_code(invitation_id: int) -> str | None:
    """The short code made with the link (for its letter), as remembered_link."""
    row = current()
    if row is not None and row.handout_invitation_id == invitation_id:
        return row.handout_code
    return None


def forget_link() -> None:
    row = current()
    if row is not None:
        row.handout_invitation_id = None
        row.handout_token = None
        row.handout_code = None
