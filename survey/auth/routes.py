"""Login with growing waits, logout, and the tablet lock screen."""

from __future__ import annotations

import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from markupsafe import Markup
from sqlalchemy import func, select

from .. import audit, i18n, invitations, ratelimit, validators
from ..extensions import db, login_manager
from ..models import Invitation, User, utcnow
from . import bp, passwords, sessions, throttle, totp
from .access import STAFF, requires
from .forms import CodeForm, LoginForm, PasswordChangeForm, UnlockForm

# Wrong passwords on the tablet's lock screen before the tablet session ends.
MAX_UNLOCK_FAILURES = 5
# Between a right password and the code: who, since when (the cookie holds no secret).
PENDING = "pending_login"
PENDING_SECONDS = 300


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
                if passwords.needs_rehash(user.password_hash):
                    user.password_hash = passwords.hash_password(form.password.data)
                if totp.needed(user):
                    # The password was right; the code (or its setup) comes next.
                    session[PENDING] = {"user_id": user.id, "at": int(time.time()),
                                        "nonce": secrets.token_urlsafe(12),
                                        "next": _safe_next(request.args.get("next"))}
                    db.session.commit()
                    return redirect(url_for(".second_factor"))
                return _logged_in(user, _safe_next(request.args.get("next")))
            throttle.failed(email, _address())
            audit.record("login_failed", f"{email} ({_address()})", user=None,
                         organisation_id=user.organisation_id if user is not None else None)
            db.session.commit()
            failed = True
    status = 429 if wait else (401 if failed else 200)
    return render_template("auth/login.html", form=form, failed=failed, wait=wait), status


def _logged_in(user: User, target: str, message: str | None = None) -> Any:
    user.last_login_at = utcnow()
    sessions.start(user)
    login_user(user)
    audit.record("login", user=user)
    db.session.commit()
    if message:
        flash(message)
    return redirect(target)


@bp.route("/logga-in/kod", methods=["GET", "POST"])
@ratelimit.limit("LOGIN_RATE_LIMIT")
def second_factor() -> Any:
    """The second step of a login: a code from the user's app, or setting one up."""
    pending = session.get(PENDING)
    user = None
    if isinstance(pending, dict) and time.time() - pending.get("at", 0) < PENDING_SECONDS:
        user = db.session.get(User, pending.get("user_id"))
    if user is None or not user.active:
        session.pop(PENDING, None)
        return redirect(url_for(".login"))
    setup = not user.totp_secret
    secret = user.totp_secret or totp.proposed_secret(user, pending["nonce"])
    form = CodeForm()
    failed = False
    wait = 0
    if form.validate_on_submit():
        # The account's own waits: a right password clears only the password's.
        wait = throttle.code_wait(user.email)
        if not wait and totp.accept(user, secret, form.code.data or ""):
            throttle.code_succeeded(user.email)
            if setup:
                user.totp_secret = secret
                audit.record("totp_enabled", user=user)
            session.pop(PENDING, None)
            return _logged_in(user, pending["next"])
        if not wait:
            throttle.code_failed(user.email)
            audit.record("login_failed", f"{user.email} ({_address()}): kod", user=None,
                         organisation_id=user.organisation_id)
            db.session.commit()
            failed = True
    status = 429 if wait else (401 if failed else 200)
    return render_template(
        "auth/second_factor.html", form=form, failed=failed, wait=wait, setup=setup,
        secret=secret if setup else None, qr=totp.qr_svg(user, secret) if setup else None,
    ), status


@bp.route("/tvastegsverifiering", methods=["GET", "POST"])
@requires(STAFF)
def enable_second_factor() -> Any:
    """A logged-in staff member turns on the second factor for their own account."""
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    if user.totp_secret:
        flash(_("Tvåstegsverifiering är redan på för ditt konto."))
        return redirect(url_for("staff.overview"))
    nonce = session.setdefault("totp_nonce", secrets.token_urlsafe(12))
    secret = totp.proposed_secret(user, nonce)
    form = CodeForm()
    failed = False
    if form.validate_on_submit():
        if totp.accept(user, secret, form.code.data or ""):
            user.totp_secret = secret
            session.pop("totp_nonce", None)
            sessions.end_all(user.id, keep_current=True)
            audit.record("totp_enabled")
            db.session.commit()
            flash(_("Tvåstegsverifiering är på. Nästa gång du loggar in behövs en kod."))
            return redirect(url_for("staff.overview"))
        failed = True
    return render_template("auth/second_factor.html", form=form, failed=failed, wait=0,
                           setup=True, voluntary=True, secret=secret,
                           qr=totp.qr_svg(user, secret)), (401 if failed else 200)


@bp.route("/losenord", methods=["GET", "POST"])
@requires(STAFF)
def change_password() -> Any:
    """A new password ends every session of the account, this one included (it is
    replaced by a fresh one), so a stolen session dies with the old password."""
    user: User = current_user._get_current_object()  # type: ignore[attr-defined]
    form = PasswordChangeForm()
    if form.validate_on_submit():
        problem = validators.password_problem(form.new.data, user.name, user.email)
        if not passwords.verify(user.password_hash, form.current.data or ""):
            form.current.errors.append(_("Lösenordet stämmer inte."))
        elif form.new.data != form.repeat.data:
            form.repeat.errors.append(_("De två nya lösenorden är olika."))
        elif problem is not None:
            form.new.errors.append(str(problem))
        else:
            user.password_hash = passwords.hash_password(form.new.data)
            sessions.end_all(user.id)
            audit.record("password_changed", user=user)
            return _logged_in(user, url_for("staff.overview"),
                              _("Lösenordet är bytt. Du är utloggad överallt utom här."))
    return render_template("auth/password.html", form=form), (400 if form.errors else 200)


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
    # The participant hands the tablet back reading their own language (the survey's).
    invitation = db.session.get(Invitation, (row.kiosk or {}).get("invitation_id"))
    language = invitations.language_of(invitation) if invitation else i18n.DEFAULT
    # Thanked only for answers given: a participant who answered nothing is not.
    answered = invitation is not None and any(
        each.response is not None and each.response.answers
        for each in invitations.chain(invitation))
    return render_template(
        "auth/locked.html", form=form, failed=failed, participant_language=language,
        for_participant=Markup(i18n.render_in(language, "answering/tablet_locked.html",  # noqa: S704 - our template, autoescaped
                                              answered=answered)),
    ), (401 if failed else 200)


@bp.post("/sprak")
def staff_language() -> Any:
    """Svenska or English for the staff pages of this browser."""
    i18n.set_staff_locale(request.form.get("sprak"))
    return redirect(_safe_next(request.form.get("next")))
