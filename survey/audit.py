"""The audit log: logins (and failed ones), exports, changes to insatser, enrolments and
links, views of a participant, deletions and purges. Helpers only add and flush."""

from __future__ import annotations

from flask_login import current_user

from .extensions import db
from .models import AuditEvent, Participant, User


def record(action: str, subject: str = "", *, user: User | None = None,
           organisation_id: int | None = None, participant: Participant | None = None,
           reason: str = "") -> None:
    actor = user if user is not None else (
        current_user if current_user and current_user.is_authenticated else None
    )
    if organisation_id is None:
        if actor is not None:
            organisation_id = actor.organisation_id
        elif participant is not None:
            organisation_id = participant.organisation_id
    event = AuditEvent(
        action=action,
        subject=subject[:300],
        reason=reason[:500],
        user_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        participant_id=participant.id if participant is not None else None,
    )
    db.session.add(event)
    db.session.flush()
