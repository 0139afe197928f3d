"""Staff accounts: the förbund admin creates them, deactivates them and resets a lost login."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from .. import audit
from ..auth import passwords, sessions
from ..auth.access import ADMIN, requires
from ..extensions import db
from ..models import Role, User
from . import bp, scope
from .forms import EmptyForm, ResetLoginForm, UserForm


@bp.route("/personal", methods=["GET", "POST"])
@requires(ADMIN)
def users() -> Any:
    form = UserForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(select(User.id).where(func.lower(User.email) == email)):
            # Neutral: the address may belong to staff of another förbund.
            form.email.errors.append(_("Den e-postadressen kan inte användas för ett nytt "
                                       "konto. Välj en annan adress."))
        else:
            user = User(organisation_id=current_user.organisation_id, name=form.name.data.strip(),
                        email=email, role=Role(form.role.data),
                        password_hash=passwords.hash_password(form.password.data))
            db.session.add(user)
            db.session.flush()
            audit.record("user_created", email)
            db.session.commit()
            flash(_("Kontot för %(name)s är skapat.", name=user.name))
            return redirect(url_for(".users"))
    staff = db.session.scalars(select(User).where(
        User.organisation_id == current_user.organisation_id).order_by(User.name))
    return render_template("staff/users.html", form=form, staff=list(staff),
                           empty_form=EmptyForm()), (400 if form.errors else 200)


@bp.post("/personal/<int:user_id>/aktiv")
@requires(ADMIN)
def toggle_user(user_id: int) -> Any:
    user = scope.organisation_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if user.id == current_user.id:
        flash(_("Du kan inte stänga av ditt eget konto."))
    else:
        user.active = not user.active
        if not user.active:
            sessions.end_all(user.id)
        audit.record("user_activated" if user.active else "user_deactivated", user.email)
        db.session.commit()
    return redirect(url_for(".users"))


@bp.route("/personal/<int:user_id>/aterstall", methods=["GET", "POST"])
@requires(ADMIN)
def reset_login(user_id: int) -> Any:
    """A new start password, the second factor removed and every session ended: for a
    colleague who forgot the password or lost the phone with the codes. An admin cannot
    do this to their own account (that would skip its second factor)."""
    user = scope.organisation_user_or_404(user_id)
    if user.id == current_user.id:
        abort(404)
    form = ResetLoginForm(user.name, user.email)
    if form.validate_on_submit():
        user.password_hash = passwords.hash_password(form.password.data)
        had_code = bool(user.totp_secret)
        user.totp_secret = None
        sessions.end_all(user.id)
        audit.record("login_reset", f"{user.email}" + (" (tvåstegsverifiering borttagen)"
                                                        if had_code else ""))
        db.session.commit()
        flash(_("Inloggningen för %(name)s är återställd. Ge det nya lösenordet personligen "
                "eller per telefon, inte i samma e-post som adressen.", name=user.name))
        return redirect(url_for(".users"))
    return render_template("staff/reset_login.html", form=form, user=user), (
        400 if form.errors else 200)
