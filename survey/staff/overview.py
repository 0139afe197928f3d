"""The start page: the handledare's insatser, enrolments with survey status, and to-do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, render_template
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from analysis.due import DueRule
from questionnaires.vocabulary import occasion_text

from ..auth.access import STAFF, requires
from ..extensions import db
from ..models import Enrolment, Insats, Invitation, Participant, Response, utcnow
from . import bp, scope, status


def due_rule() -> DueRule:
    """The staff member's förbund's settings for when surveys are due."""
    return current_user.organisation.due_rule


def insats_slots(insats: Insats) -> tuple[status.Slot, ...]:
    """The surveys the insats asks, by its questionnaires and the förbund's settings."""
    return status.insats_slots(insats, current_app.extensions["stegvis.questionnaires"],
                               due_rule())


def shown_slots(insats: Insats) -> tuple[status.Slot, ...]:
    """The columns of an insats's participant table and its to-do names: its surveys, then
    the förbund's follow-ups after exit."""
    return (*insats_slots(insats), *status.followup_slots(due_rule()))


def enrolment_statuses(insats_ids: list[int]):  # type: ignore[no-untyped-def]
    """Enrolments of the insatser with their survey status: a few queries, whatever the count."""
    enrolments = list(db.session.scalars(
        select(Enrolment)
        .where(Enrolment.insats_id.in_(insats_ids))
        .join(Participant)
        .options(selectinload(Enrolment.participant), selectinload(Enrolment.site),
                 selectinload(Enrolment.insats))
        .order_by(Participant.pseudonym)
    ))
    return with_status(enrolments)


def with_status(enrolments: list[Enrolment]):  # type: ignore[no-untyped-def]
    """Pair each enrolment with its survey status, in one query for all invitations."""
    by_enrolment: dict[int, list[status.InvitationFacts]] = {}
    ids = [e.id for e in enrolments]
    if ids:
        rows = db.session.execute(
            select(Invitation.enrolment_id, Invitation.questionnaire_key, Invitation.occasion,
                   Invitation.expires_at, Response.id, Response.submitted_at,
                   func.coalesce(Invitation.resent_at, Invitation.created_at),
                   Response.updated_at, Invitation.followup_months)
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .where(Invitation.enrolment_id.in_(ids))
        )
        for row in rows:
            # A follow-up by its point, "uppfoljning-6", as its slot names it.
            occasion = occasion_text(row[2], row[8])
            fact = status.InvitationFacts(row[0], row[1], occasion, row[3],
                                          row[4] is not None, row[5] is not None,
                                          sent_at=row[6], touched_at=row[7])
            by_enrolment.setdefault(fact.enrolment_id, []).append(fact)
    now, rule = utcnow(), due_rule()
    asked = {insats.id: insats_slots(insats) for insats in {e.insats for e in enrolments}}
    return [
        (e, status.compute(e.id, e.start_date, e.end_date, e.exit_outcome is not None,
                           by_enrolment.get(e.id, ()), now, rule,
                           dt.timedelta(days=current_user.organisation.resend_after_days),
                           asked[e.insats_id]))
        for e in enrolments
    ]


@bp.get("/")
@requires(STAFF)
def overview() -> Any:
    insatser = scope.visible_insatser()
    rows = enrolment_statuses([i.id for i in insatser])
    # The longest-waiting first.
    todo = sorted(((enrolment, st) for enrolment, st in rows if st.needs_action),
                  key=lambda row: row[1].oldest_due)
    # Exited enrolments stay on the page only while something is left to do.
    rows = [(e, st) for e, st in rows if e.exit_outcome is None or st.needs_action]
    # Each insats's own surveys: its table's columns and its to-do items' names.
    slots = {insats.id: shown_slots(insats) for insats in insatser}
    return render_template(
        "staff/overview.html", insatser=insatser, rows=rows, todo=todo,
        slots=slots, labels=status.translated_labels(),
        todo_labels={insats_id: status.todo_labels(asked) for insats_id, asked in slots.items()},
    )
