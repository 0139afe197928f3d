"""Anonymising participants a set number of months after their last exit.

Safe to run daily: a participant already anonymised, or with an enrolment still open or
inside the retention period, is left alone. Answers stay for the statistics; what could
point back to a person (the code, birth year, language, free-text comments) goes.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from collections.abc import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from analysis.due import FOLLOWUP_DUE_DAYS

from . import audit
from .extensions import db
from .models import Answer, Enrolment, Invitation, Organisation, Participant, Response, utcnow

# Days counted as months when the retention period must cover them: the shortest month,
# so that no calendar month falls short.
DAYS_PER_MONTH = 28


def months_needed(followup_months: Iterable[int], link_days: int) -> int:
    """The shortest retention period (months after exit) that keeps a participant's code
    until their last follow-up can no longer be answered: its point, the days it can be
    handed out in (FOLLOWUP_DUE_DAYS) and its link's life, those days rounded up to whole
    months. 0 without follow-ups."""
    points = list(followup_months)
    if not points:
        return 0
    return max(points) + math.ceil((FOLLOWUP_DUE_DAYS + link_days) / DAYS_PER_MONTH)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return dt.date(year, month + 1, min(day.day, 28))


def purge(now: dt.datetime | None = None) -> int:
    """Anonymise what is due; returns how many participants were anonymised."""
    now = now or utcnow()
    total = 0
    for organisation in db.session.scalars(select(Organisation)):
        cutoff = _months_before(now.date(), organisation.retention_months)
        people = db.session.scalars(
            select(Participant)
            .where(Participant.organisation_id == organisation.id,
                   Participant.anonymised_at.is_(None))
            .options(selectinload(Participant.enrolments))
        )
        due = [
            p for p in people
            if p.enrolments and all(e.end_date is not None and e.end_date < cutoff
                                    for e in p.enrolments)
        ]
        for person in due:
            person.pseudonym = f"anonym-{secrets.token_hex(6)}"
            person.birth_year = None
            person.language = None
            person.anonymised_at = now
            enrolment_ids = select(Enrolment.id).where(Enrolment.participant_id == person.id)
            response_ids = (
                select(Response.id).join(Invitation)
                .where(Invitation.enrolment_id.in_(enrolment_ids))
            )
            db.session.execute(
                update(Answer).where(Answer.response_id.in_(response_ids)).values(comment=None)
            )
        if due:
            audit.record("purge", f"{len(due)} deltagare anonymiserade", user=None,
                         organisation_id=organisation.id)
        total += len(due)
    db.session.flush()
    return total
