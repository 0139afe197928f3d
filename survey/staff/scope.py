"""What the logged-in staff member may see: their organisation, and for a handledare
only the insatser they are assigned to. Anything outside answers 404, never 403, so a
page reveals nothing about what exists elsewhere."""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import Select, select

from ..extensions import db
from ..models import Enrolment, Insats, Invitation, Participant, Role, User


def insatser_query() -> Select[tuple[Insats]]:
    query = select(Insats).where(Insats.organisation_id == current_user.organisation_id)
    if current_user.role is not Role.admin:
        query = query.where(Insats.staff.any(User.id == current_user.id))
    return query.order_by(Insats.name)


def visible_insatser() -> list[Insats]:
    return list(db.session.scalars(insatser_query()))


def insats_or_404(insats_id: int) -> Insats:
    insats = db.session.scalar(insatser_query().where(Insats.id == insats_id))
    if insats is None:
        abort(404)
    return insats


def enrolment_or_404(enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        abort(404)
    insats_or_404(enrolment.insats_id)
    return enrolment


def invitation_or_404(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        abort(404)
    enrolment_or_404(invitation.enrolment_id)
    return invitation


def participant_or_404(participant_id: int) -> Participant:
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.organisation_id != current_user.organisation_id:
        abort(404)
    return participant


def organisation_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return user
