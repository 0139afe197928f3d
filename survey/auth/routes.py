"""Login with growing waits, logout, and the tablet lock screen."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, select

from .. import audit, i18n, ratelimit
from ..extensions import db, login_manager
from ..models import User, utcnow
from . import bp, passwords, sessions, throttle
from .forms import LoginForm, UnlockForm

# Wrong passwords on the tablet's lock screen before the tablet session ends.
MAX_UNLOCK_FAILURES = 5


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    # The cookie's user id counts only while its server-side session lives.
    row = sessions.current()
    if row is None or str(row.user_id) != user_id:
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect, and nothing a header cannot carry.
    if (target and target.startswith("/") and not target.startswith("//")
            and target.isprintable() and "\\" not in target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.overview")


def _address() -> str:
    return request.remote_addr or "-"


@bp.route("/logga-in", methods=["GET", "POST"])
@ratelimit.limit("LOGIN_RATE_LIMIT")
def login() -> Any:
    if sessions.kiosk():
        return redirect(url_for(".locked"))
    if current_user.is_authenticated:
        return redirect(url_for("staff.overview"))
    form = LoginForm()
    failed = False
    wait = 0
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        wait = throttle.seconds_to_wait(email, _address())
        if not wait:
            user = db.session.scalar(select(User).where(func.lower(User.email) == email))
            ok = passwords.verify(user.password_hash if user else None, form.password.data or "")
            if user is not None and user.active and ok:
                throttle.succeeded(email, _address())
                user.last_login_at = utcnow()
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(form.password.data)
                sessions.start(user)
                login_user(user)
                audit.record("login", user=user)
                db.session.commit()
                return redirect(_safe_next(request.args.get("next")))
            throttle.failed(email, _address())
            audit.record("login_failed", f"{email} ({_address()})", user=None,
                         organisation_id=user.organisation_id if user is not None else None)
            db.session.commit()
            failed = True
    status = 429 if wait else (401 if failed else 200)
    return render_template("auth/login.html", form=form, failed=failed, wait=wait), status


@bp.post("/logga-ut")
def logout() -> Any:
    if sessions.kiosk():
        return redirect(url_for(".locked"))
    sessions.end()
    logout_user()
    session.clear()
    db.session.commit()
    flash(_("Du är utloggad."))
    return redirect(url_for(".login"))


@bp.route("/last", methods=["GET", "POST"])
@ratelimit.limit("LOGIN_RATE_LIMIT")
def locked() -> Any:
    """The tablet's lock screen after a hand-over; the handledare's password opens it.

    Wrong passwords are counted per tablet session and audited; after the fifth the
    session ends (the participant's answers are already stored) and the handledare logs
    in again.
    """
    row = sessions.current()
    if row is None or not row.kiosk:
        session.pop("kiosk", None)
        return redirect(url_for("staff.overview"))
    form = UnlockForm()
    failed = False
    if form.validate_on_submit():
        user = db.session.get(User, row.user_id)
        if user is not None and user.active and passwords.verify(user.password_hash,
                                                                 form.password.data or ""):
            enrolment_id = row.kiosk["enrolment_id"]
            row.kiosk = None
            row.unlock_failures = 0
            session.pop("kiosk", None)
            db.session.commit()
            return redirect(url_for("staff.enrolment", enrolment_id=enrolment_id))
        row.unlock_failures += 1
        audit.record("tablet_unlock_failed", f"{row.unlock_failures} av {MAX_UNLOCK_FAILURES}",
                     user=user)
        if row.unlock_failures >= MAX_UNLOCK_FAILURES:
            audit.record("tablet_session_ended", user=user)
            sessions.end()
            db.session.commit()
            flash(_("Surfplattan låstes upp fel för många gånger. Logga in igen."))
            return redirect(url_for(".login"))
        db.session.commit()
        failed = True
    return render_template("auth/locked.html", form=form, failed=failed), (401 if failed else 200)


@bp.post("/sprak")
def staff_language() -> Any:
    """Svenska or English for the staff pages of this browser."""
    i18n.set_staff_locale(request.form.get("sprak"))
    return redirect(_safe_next(request.form.get("next")))
