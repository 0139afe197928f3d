"""The audit log: logins, exports, deletions and purges. Helpers only add and flush."""

from __future__ import annotations

from flask_login import current_user

from .extensions import db
from .models import AuditEvent, User


def record(action: str, subject: str = "", *, user: User | None = None,
           organisation_id: int | None = None, reason: str = "") -> None:
    actor = user if user is not None else (
        current_user if current_user and current_user.is_authenticated else None
    )
    event = AuditEvent(
        action=action,
        subject=subject[:300],
        reason=reason[:500],
        user_id=actor.id if actor is not None else None,
        organisation_id=organisation_id if organisation_id is not None else (
            actor.organisation_id if actor is not None else None
        ),
    )
    db.session.add(event)
    db.session.flush()
