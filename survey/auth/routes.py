"""Login with lockout that never reveals whether an account exists."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import func, select

from .. import audit, i18n, invitations, ratelimit
from ..extensions import db, login_manager
from ..models import Invitation, User, utcnow
from . import bp, passwords
from .forms import LoginForm, UnlockForm

MAX_FAILURES = 5
LOCK_MINUTES = 15


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.overview")


@bp.route("/logga-in", methods=["GET", "POST"])
@ratelimit.limit("LOGIN_RATE_LIMIT")
def login() -> Any:
    if session.get("kiosk"):
        return redirect(url_for(".locked"))
    if current_user.is_authenticated:
        return redirect(url_for("staff.overview"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email = (form.email.data or "").strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        now = utcnow()
        locked = user is not None and user.locked_until is not None and user.locked_until > now
        ok = passwords.verify(user.password_hash if user else None, form.password.data or "")
        if user is not None and user.active and ok and not locked:
            user.failed_logins = 0
            user.locked_until = None
            user.last_login_at = now
            if passwords.needs_rehash(user.password_hash):
                user.password_hash = passwords.hash_password(form.password.data)
            staff_locale = i18n.staff_locale()
            session.clear()  # a fresh session on login: no fixation
            i18n.set_staff_locale(staff_locale)
            login_user(user)
            audit.record("login", user=user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        if user is not None and not locked:
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
                audit.record("login_locked", user.email, organisation_id=user.organisation_id)
        db.session.commit()
        failed = True
    return render_template("auth/login.html", form=form, failed=failed), (401 if failed else 200)


@bp.post("/logga-ut")
def logout() -> Any:
    if session.get("kiosk"):
        return redirect(url_for(".locked"))
    logout_user()
    session.clear()
    flash(_("Du är utloggad."))
    return redirect(url_for(".login"))


@bp.route("/last", methods=["GET", "POST"])
@ratelimit.limit("LOGIN_RATE_LIMIT")
def locked() -> Any:
    """The tablet's lock screen after a hand-over; the handledare's password opens it."""
    kiosk = session.get("kiosk")
    if not kiosk:
        return redirect(url_for("staff.overview"))
    form = UnlockForm()
    failed = False
    if form.validate_on_submit():
        user = db.session.get(User, kiosk.get("user_id"))
        if user is not None and passwords.verify(user.password_hash, form.password.data or ""):
            session.pop("kiosk")
            return redirect(url_for("staff.enrolment", enrolment_id=kiosk["enrolment_id"]))
        failed = True
    # The participant hands the tablet back reading their own language (the survey's).
    invitation = db.session.get(Invitation, kiosk.get("invitation_id"))
    language = invitations.language_of(invitation) if invitation else i18n.DEFAULT
    return render_template(
        "auth/locked.html", form=form, failed=failed, participant_language=language,
        for_participant=Markup(i18n.render_in(language, "answering/tablet_locked.html")),  # noqa: S704 - our template, autoescaped
    ), (401 if failed else 200)


@bp.post("/sprak")
def staff_language() -> Any:
    """Svenska or English for the staff pages of this browser."""
    i18n.set_staff_locale(request.form.get("sprak"))
    return redirect(_safe_next(request.form.get("next")))
