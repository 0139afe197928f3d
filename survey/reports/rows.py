"""The database as the exports read it: `answer_rows`, every submitted answer as an
`AnswerRow` (flask export, the Dataexport), streamed from one joined query, and the CSV
writing both share. The report reads columns instead (`columns.py`).

Columns are selected with labels and read by name; no ORM objects anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TextIO

from sqlalchemy import Select, String, case, cast, literal, select, type_coerce

from analysis.cells import neutralise_row
from analysis.rows import CSV_COLUMNS, AnswerRow
from questionnaires.vocabulary import FOLLOWUP_PREFIX, Occasion

from ..extensions import db
from ..models import Answer, Enrolment, Insats, Invitation, Participant, Response, Site

# Rows per round trip when streaming: large batches, few Python calls per row.
BATCH = 50_000


def stored_text(column):  # type: ignore[no-untyped-def]
    """An enum column as its stored string (no enum object per row)."""
    return type_coerce(column, String)


def occasion_text(label: str = "occasion"):  # type: ignore[no-untyped-def]
    """An invitation's occasion as answer rows, the CSV and the report hold it: the
    stored word, and for a follow-up its point ("uppfoljning-6", from `followup_months`;
    questionnaires.vocabulary.followup_occasion says the same in Python)."""
    stored = stored_text(Invitation.occasion)
    return case((stored == Occasion.uppfoljning.value,
                 literal(FOLLOWUP_PREFIX, String) + cast(Invitation.followup_months, String)),
                else_=stored).label(label)


def submitted_of(insats_ids: list[int]) -> tuple:  # type: ignore[type-arg]
    """Where-clauses: the submitted responses of these insatser."""
    return (Response.submitted_at.is_not(None), Enrolment.insats_id.in_(insats_ids))


def submitted_in(query: Select, date_from: dt.date | None,  # type: ignore[type-arg]
                 date_to: dt.date | None) -> Select:  # type: ignore[type-arg]
    """The query's responses submitted in the period, whole days from and to (none chosen:
    all time): the answers given in the period, as the Dataexport and the open answers
    select them."""
    if date_from is not None:
        query = query.where(Response.submitted_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        query = query.where(Response.submitted_at < end)
    return query


def answer_rows(insats_ids: Iterable[int], date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> Iterator[AnswerRow]:
    """Every submitted answer of the insatser for an export, ordered by (response, item);
    the period filters on submitted_at (no start answers from before it: an export is
    the answers given in the period)."""
    query = (
        select(Participant.pseudonym, stored_text(Participant.gender).label("gender"),
               Participant.birth_year, stored_text(Participant.born_abroad).label("born_abroad"),
               Insats.name.label("insats"),
               Site.name.label("site"), Invitation.questionnaire_key,
               Invitation.questionnaire_version, occasion_text(),
               Response.submitted_at, Response.language, Response.easy,
               stored_text(Response.assisted).label("assisted"), Answer.item_id, Answer.value,
               Answer.comment, Enrolment.id.label("enrolment"), Participant.record_key)
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .join(Participant, Enrolment.participant_id == Participant.id)
        .join(Insats, Enrolment.insats_id == Insats.id)
        .outerjoin(Site, Enrolment.site_id == Site.id)
        .where(*submitted_of(list(insats_ids)))
        .order_by(Response.id, Answer.item_id)
    )
    query = submitted_in(query, date_from, date_to)
    # On the session's connection (Core, not the ORM); options on the statement: set
    # on the connection they would stay for later statements.
    result = db.session.connection().execute(query.execution_options(yield_per=BATCH))
    for part in result.partitions():
        for row in part:
            yield AnswerRow(
                participant=row.pseudonym, gender=row.gender, birth_year=row.birth_year,
                born_abroad=row.born_abroad, insats=row.insats, site=row.site,
                questionnaire=row.questionnaire_key, version=row.questionnaire_version,
                occasion=row.occasion, submitted_at=row.submitted_at, language=row.language,
                easy=bool(row.easy), assisted=row.assisted, item=row.item_id,
                value=row.value, comment=row.comment, enrolment=str(row.enrolment),
                record_key=row.record_key,
            )


def csv_record(row: AnswerRow) -> list:
    """One answer as the documented CSV's values, formula-safe (analysis/cells.py)."""
    return neutralise_row([
        row.participant, row.gender, "" if row.birth_year is None else row.birth_year,
        row.born_abroad, row.insats, row.site or "", row.questionnaire, row.version,
        row.occasion, row.submitted_at.isoformat(timespec="seconds"), row.language,
        int(row.easy), row.assisted, row.item, "" if row.value is None else row.value,
        row.comment or "", "" if row.record_key is None else row.record_key,
    ])


def write_csv(rows: Iterable[AnswerRow], out: TextIO) -> int:
    """The documented CSV (docs/data-format.md): one row per answer. Returns the count."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for row in rows:
        writer.writerow(csv_record(row))
        count += 1
    return count
