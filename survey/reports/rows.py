"""The database as the plain rows `analysis` works on, and the CSV interface.

Reports read columns (one query per response, a narrow one per answer); exports stream
rows. Enrolments come from two Core queries. No ORM objects anywhere.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator
from typing import TextIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Integer, String, cast, func, select, type_coerce

from analysis.cells import neutralise_row
from analysis.collect import DONT_KNOW, Selection
from analysis.columns import AnswerColumns, ResponseColumns, entries_from_columns
from analysis.enrolments import EnrolmentColumns
from analysis.entries import Entries
from analysis.rows import CSV_COLUMNS, AnswerRow, EnrolmentRow
from questionnaires import Registry

from ..extensions import db
from ..models import Answer, Enrolment, Insats, Invitation, Participant, Response, Site


def _selected(query, insats_ids: list[int], date_from: dt.date | None,  # type: ignore[no-untyped-def]
              date_to: dt.date | None):
    query = query.where(Response.submitted_at.is_not(None), Enrolment.insats_id.in_(insats_ids))
    if date_from is not None:
        query = query.where(Response.submitted_at >= dt.datetime.combine(date_from, dt.time()))
    if date_to is not None:
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
        query = query.where(Response.submitted_at < end)
    return query


def _text(column):  # type: ignore[no-untyped-def]
    """An enum column as its stored string (no enum object per row)."""
    return type_coerce(column, String)


# Rows per round trip when streaming: large batches, few Python calls per row.
_BATCH = 50_000


class AnswerRows:
    """Every submitted answer of the insatser; the period filters on submitted_at.

    Iterating gives one `AnswerRow` per answer (CSV export, Excel raw sheet), from one
    joined query ordered by (response, item). `build_report` instead asks `entries()`
    for the columns it needs: one query per response and a narrow one per answer,
    assembled with numpy, never a Python object per answer.
    """

    def __init__(self, insats_ids: Iterable[int], date_from: dt.date | None = None,
                 date_to: dt.date | None = None) -> None:
        self.insats_ids = list(insats_ids)
        self.date_from = date_from
        self.date_to = date_to
        self._enrolments: pa.Table | None = None

    def _where(self, query):  # type: ignore[no-untyped-def]
        return _selected(query, self.insats_ids, self.date_from, self.date_to)

    def _enrolment_table(self) -> pa.Table:
        """Enrolments with their people, insats and site, ordered by id; read once for both
        `enrolments()` and `entries()`."""
        if self._enrolments is None:
            self._enrolments = _sorted_by_first(_table(db.session.connection(), (
                select(Enrolment.id, Participant.pseudonym, _text(Participant.gender),
                       _text(Participant.born_abroad), Insats.name, Site.name,
                       Enrolment.start_date, Enrolment.end_date, _text(Enrolment.exit_outcome),
                       cast(Enrolment.left_early, Integer))
                .join(Participant, Enrolment.participant_id == Participant.id)
                .join(Insats, Enrolment.insats_id == Insats.id)
                .outerjoin(Site, Enrolment.site_id == Site.id)
                .where(Enrolment.insats_id.in_(self.insats_ids))
            ), _ENROLMENT_TYPES, encode=(1, 2, 3, 4, 5, 8)))
        return self._enrolments

    def enrolments(self) -> EnrolmentColumns:
        """The insatser's enrolments as columns, with the invitations each was sent."""
        table = self._enrolment_table()
        ids = table.column(0).to_numpy()
        # Every invitation, not DISTINCT: a mask does not mind repeats, and the database's
        # de-duplication cost more than the query.
        sent = _table(db.session.connection(), (
            select(Invitation.enrolment_id, Invitation.questionnaire_key,
                   _text(Invitation.occasion))
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .where(Enrolment.insats_id.in_(self.insats_ids))
        ), (pa.int64(), pa.string(), pa.string()), encode=(1, 2))
        at = np.searchsorted(ids, sent.column(0).to_numpy())
        keys, key_names = _codes(sent.column(1))
        occasions, occasion_names = _codes(sent.column(2))
        pair = keys.astype(np.int64) * max(len(occasion_names), 1) + occasions
        invited = {}
        for code in np.unique(pair).tolist():
            mask = np.zeros(ids.size, dtype=bool)
            mask[at[pair == code]] = True
            key, occasion = divmod(code, max(len(occasion_names), 1))
            invited[(key_names[key], occasion_names[occasion])] = mask
        left_early = table.column(9).to_numpy().astype(bool)
        return EnrolmentColumns(
            key=[str(number) for number in ids.tolist()],
            participant=_codes(table.column(1)), gender=_codes(table.column(2)),
            born_abroad=_codes(table.column(3)), insats=_codes(table.column(4)),
            site=_codes(table.column(5)), start_date=_days(table.column(6)),
            end_date=_days(table.column(7)), exit_outcome=_codes(table.column(8)),
            left_early=left_early, invited=invited,
        )

    def __iter__(self) -> Iterator[AnswerRow]:
        query = self._where(
            select(Participant.pseudonym, _text(Participant.gender), Participant.birth_year,
                   _text(Participant.born_abroad), Insats.name, Site.name,
                   Invitation.questionnaire_key, Invitation.questionnaire_version,
                   _text(Invitation.occasion), Response.submitted_at, Response.language,
                   Response.easy, _text(Response.assisted), Answer.item_id, Answer.value,
                   Answer.comment, Enrolment.id)
            .select_from(Answer)
            .join(Response, Answer.response_id == Response.id)
            .join(Invitation, Response.invitation_id == Invitation.id)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .join(Participant, Enrolment.participant_id == Participant.id)
            .join(Insats, Enrolment.insats_id == Insats.id)
            .outerjoin(Site, Enrolment.site_id == Site.id)
            .order_by(Response.id, Answer.item_id)
        )
        # On the session's connection (Core, not the ORM); options on the statement: set
        # on the connection they would stay for later statements.
        result = db.session.connection().execute(query.execution_options(yield_per=_BATCH))
        for part in result.partitions():
            for row in part:
                yield AnswerRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6],
                                row[7], row[8], row[9], row[10], bool(row[11]), row[12],
                                row[13], row[14], row[15], str(row[16]))

    def entries(self, registry: Registry, selection: Selection) -> Entries | None:
        """The report's columns straight from the database (None: use the rows).

        Three narrow queries: enrolments (with their people, insats and site), responses,
        answers (response id, item, value), so that the driver makes as few Python objects
        as it can, and each batch becomes columns in one pyarrow call.
        """
        connection = db.session.connection()
        where = (Response.submitted_at.is_not(None), Enrolment.insats_id.in_(self.insats_ids))
        people = self._enrolment_table()
        responses = _table(connection, (
            select(Response.id, Response.submitted_at, Response.language,
                   Invitation.questionnaire_key, Invitation.questionnaire_version,
                   _text(Invitation.occasion), Invitation.enrolment_id)
            .select_from(Response)
            .join(Invitation, Response.invitation_id == Invitation.id)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .where(*where)
        ), _RESPONSE_TYPES, encode=(2, 3, 5))
        # Ordered here rather than by the database (a sort of every response there).
        responses = _sorted_by_first(responses)
        moments = _moments(responses.column(1))
        # This object's own period (exports), on top of the report's selection.
        keep = np.ones(len(moments), dtype=bool)
        if self.date_from is not None:
            keep &= moments >= np.datetime64(self.date_from, "D")
        if self.date_to is not None:
            keep &= moments < np.datetime64(self.date_to, "D") + np.timedelta64(1, "D")
        if not keep.all():
            responses = responses.filter(pa.array(keep))
            moments = moments[keep]
        enrolment_ids = people.column(0).to_numpy()
        enrolment = responses.column(6).to_numpy()
        person = np.searchsorted(enrolment_ids, enrolment)
        if person.size and (enrolment_ids[np.minimum(person, len(enrolment_ids) - 1)]
                            != enrolment).any():
            return None
        response_columns = ResponseColumns(
            id=responses.column(0).to_numpy(), submitted_at=moments,
            language=_codes(responses.column(2)), questionnaire=_codes(responses.column(3)),
            version=responses.column(4).to_numpy(), occasion=_codes(responses.column(5)),
            enrolment=enrolment, participant=_codes(people.column(1), person),
            gender=_codes(people.column(2), person), born_abroad=_codes(people.column(3), person),
            insats=_codes(people.column(4), person), site=_codes(people.column(5), person),
        )
        del responses, people
        answers = _table(connection, (
            select(Answer.response_id, Answer.item_id, func.coalesce(Answer.value, DONT_KNOW))
            .select_from(Answer)
            .join(Response, Answer.response_id == Response.id)
            .join(Invitation, Response.invitation_id == Invitation.id)
            .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
            .where(*where)
        ), (pa.int64(), pa.string(), pa.int64()), encode=(1,))
        item, item_names = _codes(answers.column(1))
        answer_columns = AnswerColumns(
            response=answers.column(0).to_numpy(), item=item, item_names=item_names,
            value=answers.column(2).to_numpy(),
        )
        del answers
        return entries_from_columns(response_columns, answer_columns, registry, selection)


def _codes(column: pa.ChunkedArray, take: np.ndarray | None = None) -> tuple[np.ndarray, list]:
    """A dictionary-encoded column as (codes, names), optionally for rows `take`."""
    column = column.unify_dictionaries()
    names = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    indices = column.combine_chunks().indices if column.num_chunks else pa.array([], pa.int32())
    if indices.null_count:  # a NULL (no site) as a name of its own
        indices = pc.fill_null(indices, len(names))
        names.append(None)
    codes = indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return (codes if take is None else codes[take]), names


# Moments and days: SQLite stores them as text, PostgreSQL's driver gives datetime/date.
_MOMENT = pa.timestamp("us")
_DAY = pa.date32()
_RESPONSE_TYPES = (pa.int64(), _MOMENT, pa.string(), pa.string(), pa.int64(), pa.string(),
                   pa.int64())
_ENROLMENT_TYPES = (pa.int64(), pa.string(), pa.string(), pa.string(), pa.string(), pa.string(),
                    _DAY, _DAY, pa.string(), pa.int64())


def _moments(column: pa.ChunkedArray) -> np.ndarray:
    """Naive UTC moments as numpy datetime64[us]."""
    return column.to_numpy().astype("datetime64[us]").reshape(len(column))


def _days(column: pa.ChunkedArray) -> np.ndarray:
    """Dates as numpy datetime64[D], NaT where NULL."""
    return column.to_numpy().astype("datetime64[D]").reshape(len(column))


def _table(connection, query, types, encode: tuple[int, ...] = ()) -> pa.Table:  # type: ignore[no-untyped-def]
    """A query's rows as a pyarrow table, fetched with the driver's own cursor.

    SQLAlchemy would make a Row object per row and convert values one by one; here each
    batch of plain tuples becomes columns in one C call. The statement must only bind
    plain values (ints, strings), which need no conversion by SQLAlchemy. On PostgreSQL
    the cursor is a server-side one, so rows stream instead of all arriving at once.
    """
    compiled = query.compile(dialect=connection.dialect,
                             compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    raw = connection.connection.dbapi_connection
    text_dates = connection.dialect.name == "sqlite"
    fields = [(f"c{i}", pa.string() if text_dates and t in (_MOMENT, _DAY) else t)
              for i, t in enumerate(types)]
    if connection.dialect.name == "postgresql":
        cursor = raw.cursor(name="stegvis_report")
    else:
        cursor = raw.cursor()
    parts = []
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(_BATCH):
            columns = pa.array(rows, type=pa.struct(fields)).flatten()
            for i, t in enumerate(types):
                if columns[i].type != t:
                    columns[i] = columns[i].cast(t)  # "2024-01-08 09:00:00.000000"
            for i in encode:
                columns[i] = columns[i].dictionary_encode()
            parts.append(pa.RecordBatch.from_arrays(columns, names=[n for n, _ in fields]))
    finally:
        cursor.close()
    if not parts:
        empty = [pa.array([], type=t) for t in types]
        for i in encode:
            empty[i] = empty[i].dictionary_encode()
        return pa.Table.from_arrays(empty, names=[n for n, _ in fields])
    return pa.Table.from_batches(parts)


def answer_rows(insats_ids: Iterable[int], date_from: dt.date | None = None,
                date_to: dt.date | None = None) -> AnswerRows:
    """Every submitted answer of the insatser; the period filters on submitted_at."""
    return AnswerRows(insats_ids, date_from, date_to)


def enrolment_columns(insats_ids: Iterable[int]) -> EnrolmentColumns:
    """The insatser's enrolments as columns (what a report counts missing answers from)."""
    return AnswerRows(insats_ids).enrolments()


def enrolment_rows(insats_ids: Iterable[int]) -> list[EnrolmentRow]:
    """The same enrolments as one EnrolmentRow each, ordered by id."""
    return enrolment_columns(insats_ids).rows()


def _sorted_by_first(table: pa.Table) -> pa.Table:
    """The rows in order of the first column (an id)."""
    first = table.column(0).to_numpy()
    if first.size < 2 or (first[1:] > first[:-1]).all():
        return table
    return table.take(pa.array(np.argsort(first, kind="stable")))


def csv_record(row: AnswerRow) -> list:
    """One answer as the documented CSV's values, formula-safe (analysis/cells.py)."""
    return neutralise_row([
        row.participant, row.gender, "" if row.birth_year is None else row.birth_year,
        row.born_abroad, row.insats, row.site or "", row.questionnaire, row.version,
        row.occasion, row.submitted_at.isoformat(timespec="seconds"), row.language,
        int(row.easy), row.assisted, row.item, "" if row.value is None else row.value,
        row.comment or "",
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
