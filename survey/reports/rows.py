"""The database as the plain rows `analysis` works on, and the CSV interface.

One streaming query for the answers, one for the enrolments; nothing per row.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.rows import CSV_COLUMNS, AnswerRow, EnrolmentRow

from ..extensions import db
from ..models import Answer, Enrolment, Insats, Invitation, Participant, Response, Site


def answer_rows(insats_ids: Iterable[int], date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> Iterator[AnswerRow]:
    """Every submitted answer of the insatser; the period filters on submitted_at."""
    query = (
        select(Participant.pseudonym, Participant.gender, Participant.birth_year,
               Participant.born_abroad, Insats.name, Site.name, Invitation.questionnaire_key,
               Invitation.questionnaire_version, Invitation.occasion, Response.submitted_at,
               Response.language, Response.easy, Response.assisted, Answer.item_id,
               Answer.value, Answer.comment, Enrolment.id)
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .join(Participant, Enrolment.participant_id == Participant.id)
        .join(Insats, Enrolment.insats_id == Insats.id)
        .outerjoin(Site, Enrolment.site_id == Site.id)
        .where(Response.submitted_at.is_not(None), Insats.id.in_(list(insats_ids)))
        .order_by(Response.id, Answer.item_id)
    )
    if date_from is not None:
        query = query.where(Response.submitted_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        query = query.where(Response.submitted_at < end)
    # On the session's connection (Core, not the ORM): the same rows, about half the time.
    # (Options on the statement: set on the connection they would stay for later statements.)
    for row in db.session.connection().execute(query.execution_options(yield_per=5000)):
        yield AnswerRow(row[0], str(row[1]), row[2], str(row[3]), row[4], row[5], row[6],
                        row[7], str(row[8]), row[9], row[10], bool(row[11]), str(row[12]),
                        row[13], row[14], row[15], str(row[16]))


def enrolment_rows(insats_ids: Iterable[int]) -> list[EnrolmentRow]:
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.insats_id.in_(list(insats_ids)))
        .options(selectinload(Enrolment.participant), selectinload(Enrolment.insats),
                 selectinload(Enrolment.site), selectinload(Enrolment.invitations))
    )
    return [
        EnrolmentRow(
            id=str(e.id), participant=e.participant.pseudonym, gender=str(e.participant.gender),
            born_abroad=str(e.participant.born_abroad), insats=e.insats.name,
            site=e.site.name if e.site else None, start_date=e.start_date, end_date=e.end_date,
            exit_outcome=str(e.exit_outcome) if e.exit_outcome else None,
            left_early=e.left_early,
            invited=frozenset((i.questionnaire_key, str(i.occasion)) for i in e.invitations),
        )
        for e in enrolments
    ]


def write_csv(rows: Iterable[AnswerRow], out: TextIO) -> int:
    """The documented CSV (docs/data-format.md): one row per answer. Returns the count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow([
            row.participant, row.gender, "" if row.birth_year is None else row.birth_year,
            row.born_abroad, row.insats, row.site or "", row.questionnaire, row.version,
            row.occasion, row.submitted_at.isoformat(timespec="seconds"), row.language,
            int(row.easy), row.assisted, row.item, "" if row.value is None else row.value,
            row.comment or "",
        ])
        count += 1
    return count
