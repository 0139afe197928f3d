"""Staff accounts: the förbund admin creates them and can deactivate them."""

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
from .forms import EmptyForm, UserForm


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
