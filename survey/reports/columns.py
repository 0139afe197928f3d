"""The database as the report reads it, as columns (Arrow, fetched in bulk):

- `enrolment_columns`: the enrolments with the invitations each was sent (the board's
  counts, missing answers, exit outcomes and försörjning are counted from them);
- `report_columns`: the responses and their answers as columns, handed to the core
  (`analysis.responses.to_entries`), which selects and keeps the latest
  (`report_entries` does that for one selection).

Imported when a report is made, not at start-up: PyArrow is about 30 MB that a worker
serving participants never needs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Integer, Select, String, cast, func, select

from analysis.codes import Codes
from analysis.enrolments import NO_BIRTH_YEAR, EnrolmentColumns
from analysis.entries import Entries
from analysis.income import income_sources
from analysis.layouts import DONT_KNOW, Layouts
from analysis.responses import AnswerColumns, ResponseColumns, to_entries
from analysis.selection import Selection
from questionnaires import Registry

from ..extensions import db
from ..models import Answer, Enrolment, Insats, Invitation, Participant, Response, Site
from .rows import BATCH, occasion_text, stored_text, submitted_of


def enrolment_columns(insats_ids: Iterable[int]) -> EnrolmentColumns:
    """The insatser's enrolments as columns, ordered by id, with the invitations each was
    sent."""
    ids = list(insats_ids)
    table = _table(
        select(Enrolment.id, Participant.pseudonym, stored_text(Participant.gender).label("gender"),
               stored_text(Participant.born_abroad).label("born_abroad"),
               Insats.name.label("insats"), Site.name.label("site"), Enrolment.start_date,
               Enrolment.end_date, stored_text(Enrolment.exit_outcome).label("exit_outcome"),
               cast(Enrolment.left_early, Integer).label("left_early"),
               Participant.birth_year, Participant.record_key,
               cast(Enrolment.income_start, String).label("income_start"),
               cast(Enrolment.income_exit, String).label("income_exit"))
        .join(Participant, Enrolment.participant_id == Participant.id)
        .join(Insats, Enrolment.insats_id == Insats.id)
        .outerjoin(Site, Enrolment.site_id == Site.id)
        .where(Enrolment.insats_id.in_(ids))
        .order_by(Enrolment.id),
        {"id": pa.int64(), "pseudonym": _TEXT, "gender": _TEXT, "born_abroad": _TEXT,
         "insats": _TEXT, "site": _TEXT, "start_date": _DAY, "end_date": _DAY,
         "exit_outcome": _TEXT, "left_early": pa.int64(), "birth_year": pa.int64(),
         "record_key": pa.int64(), "income_start": _TEXT, "income_exit": _TEXT},
    )
    enrolment = table.column("id").to_numpy()
    return EnrolmentColumns(
        key=[str(number) for number in enrolment.tolist()],
        participant=_codes(table.column("pseudonym")), gender=_codes(table.column("gender")),
        born_abroad=_codes(table.column("born_abroad")), insats=_codes(table.column("insats")),
        site=_codes(table.column("site")), start_date=_days(table.column("start_date")),
        end_date=_days(table.column("end_date")),
        exit_outcome=_codes(table.column("exit_outcome")),
        left_early=table.column("left_early").to_numpy().astype(bool),
        invited=_invited(ids, enrolment),
        birth_year=pc.fill_null(table.column("birth_year"), NO_BIRTH_YEAR).to_numpy()
        .astype(np.int32),
        income_start=_income(table.column("income_start")),
        income_exit=_income(table.column("income_exit")),
        record_key=table.column("record_key").to_numpy().astype(np.int64),
    )  # fmt: skip


def _income(column: pa.ChunkedArray) -> Codes:
    """A JSON list column (as text; few distinct lists) as Codes of `income_sources`."""
    codes = _codes(column)
    names = [income_sources(None if text is None else json.loads(text)) for text in codes.names]
    return Codes(codes.codes, names)


def _invited(insats_ids: list[int], enrolment: np.ndarray) -> dict[tuple[str, str], np.ndarray]:
    """(questionnaire key, occasion) -> whether each enrolment (ids sorted) was invited."""
    # Every invitation, not DISTINCT: a mask does not mind repeats, and the database's
    # de-duplication cost more than the query.
    sent = _table(
        select(Invitation.enrolment_id, Invitation.questionnaire_key, occasion_text())
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .where(Enrolment.insats_id.in_(insats_ids)),
        {"enrolment_id": pa.int64(), "questionnaire_key": _TEXT, "occasion": _TEXT},
    )
    at = np.searchsorted(enrolment, sent.column("enrolment_id").to_numpy())
    key, occasion = _codes(sent.column("questionnaire_key")), _codes(sent.column("occasion"))
    width = max(len(occasion.names), 1)
    pair = key.codes.astype(np.int64) * width + occasion.codes
    invited = {}
    for code in np.unique(pair).tolist():
        mask = np.zeros(enrolment.size, dtype=bool)
        mask[at[pair == code]] = True
        invited[(key.names[code // width], occasion.names[code % width])] = mask
    return invited


def report_entries(insats_ids: Iterable[int], registry: Registry, selection: Selection,
                   enrolments: EnrolmentColumns) -> Entries:
    """The report's entries: the core's selection of `report_columns`."""
    return to_entries(*report_columns(insats_ids, registry, enrolments), selection)


def report_columns(insats_ids: Iterable[int], registry: Registry,
                   enrolments: EnrolmentColumns) -> tuple[ResponseColumns, AnswerColumns]:
    """Every submitted response of the insatser with its answers, as columns for the
    core, which selects them and keeps the latest (`analysis.report.report_from_columns`,
    for the period and the one before it). `enrolments` (enrolment_columns of the same
    insatser) gives each response its person, insats and site, so the responses' query
    needs no joins for them."""
    ids = list(insats_ids)
    table = _table(
        select(Response.id, Response.submitted_at, Response.language,
               cast(Response.easy, Integer).label("easy"),
               Invitation.questionnaire_key, Invitation.questionnaire_version,
               occasion_text(), Invitation.enrolment_id)
        .select_from(Response)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .where(*submitted_of(ids)),
        {"id": pa.int64(), "submitted_at": _MOMENT, "language": _TEXT, "easy": pa.int64(),
         "questionnaire_key": _TEXT, "questionnaire_version": pa.int64(), "occasion": _TEXT,
         "enrolment_id": pa.int64()},
    )
    # In id order (the order responses were made, which breaks ties), sorted here rather
    # than by the database.
    table = _sorted_by(table, "id")
    layouts = Layouts(registry)
    questionnaire = _codes(table.column("questionnaire_key"))
    version = table.column("questionnaire_version").to_numpy()
    pairs, pair_of = np.unique(np.stack([questionnaire.codes.astype(np.int64), version], axis=1),
                               axis=0, return_inverse=True)  # fmt: skip
    codes = [layouts.code(questionnaire.names[q], v) for q, v in pairs.tolist()]
    qv = np.asarray(codes, dtype=np.int32)[pair_of.reshape(-1)] if codes else pair_of
    # Each response's enrolment, as a row of `enrolments` (ordered by id).
    row = np.searchsorted(np.asarray([int(key) for key in enrolments.key], dtype=np.int64),
                          table.column("enrolment_id").to_numpy())  # fmt: skip
    responses = ResponseColumns(
        layouts=layouts.found, qv=qv, occasion=_codes(table.column("occasion")),
        enrolment=Codes(row.astype(np.int32), enrolments.key),
        participant=_take(enrolments.participant, row),
        gender=_take(enrolments.gender, row), born_abroad=_take(enrolments.born_abroad, row),
        insats=_take(enrolments.insats, row), site=_take(enrolments.site, row),
        language=_codes(table.column("language")),
        easy=table.column("easy").to_numpy() == 1,
        submitted_at=_moments(table.column("submitted_at")),
        record_key=enrolments.record_key[row],
    )  # fmt: skip
    return responses, _answers(ids, table.column("id").to_numpy(), responses)


def _take(column: Codes, row: np.ndarray) -> Codes:
    return Codes(column.codes[row], column.names)


def _answers(insats_ids: list[int], response_ids: np.ndarray,
             responses: ResponseColumns) -> AnswerColumns:
    """Every answer of the responses (ids sorted), with its item's position."""
    table = _table(
        select(Answer.response_id, Answer.item_id,
               func.coalesce(Answer.value, DONT_KNOW).label("value"))
        .select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .where(*submitted_of(insats_ids)),
        {"response_id": pa.int64(), "item_id": _TEXT, "value": pa.int64()},
    )
    response = np.searchsorted(response_ids, table.column("response_id").to_numpy())
    item = _codes(table.column("item_id"))
    position = np.full((len(responses.layouts), max(len(item.names), 1)), -1, dtype=np.int32)
    for li, layout in enumerate(responses.layouts):
        for ii, name in enumerate(item.names):
            position[li, ii] = layout.index.get(name, -1)
    at = position[responses.qv[response], item.codes] if response.size else response
    if (at < 0).any():
        bad = int(np.flatnonzero(at < 0)[0])
        layout = responses.layouts[responses.qv[response[bad]]]
        raise ValueError(f"unknown item {item.name(bad)!r} in {layout.ident}")
    return AnswerColumns(response=response, position=at,
                         value=table.column("value").to_numpy().astype(np.int16))


def _codes(column: pa.ChunkedArray) -> Codes:
    """A dictionary-encoded column as Codes (a NULL, e.g. no site, is a name of its own)."""
    column = column.unify_dictionaries()
    names = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    indices = column.combine_chunks().indices if column.num_chunks else pa.array([], pa.int32())
    if indices.null_count:
        indices = pc.fill_null(indices, len(names))
        names.append(None)
    return Codes(indices.to_numpy(zero_copy_only=False).astype(np.int32), names)


# Text columns arrive dictionary-encoded; moments and days: SQLite stores them as text,
# PostgreSQL's driver gives datetime/date.
_TEXT = pa.dictionary(pa.int32(), pa.string())
_MOMENT = pa.timestamp("us")
_DAY = pa.date32()


def _moments(column: pa.ChunkedArray) -> np.ndarray:
    """Naive UTC moments as numpy datetime64[us]."""
    return column.to_numpy().astype("datetime64[us]").reshape(len(column))


def _days(column: pa.ChunkedArray) -> np.ndarray:
    """Dates as numpy datetime64[D], NaT where NULL."""
    return column.to_numpy().astype("datetime64[D]").reshape(len(column))


def _sorted_by(table: pa.Table, name: str) -> pa.Table:
    first = table.column(name).to_numpy()
    if first.size < 2 or (first[1:] > first[:-1]).all():
        return table
    return table.take(pa.array(np.argsort(first, kind="stable")))


_SNAPSHOT: ContextVar[Connection | None] = ContextVar("stegvis_report_snapshot", default=None)


@contextmanager
def one_snapshot() -> Iterator[None]:
    """Every query of one report reads the same committed data.

    The enrolments, responses and answers are separate queries; each on its own snapshot
    (SQLite outside a transaction, PostgreSQL's READ COMMITTED), a survey submitted
    between two of them gave answers of a response the earlier query had not seen, and
    the report failed (found by bench/report_load.py, participants answering meanwhile).
    So they share one read-only transaction on a connection of their own: REPEATABLE READ
    on PostgreSQL, an explicit (deferred) BEGIN on SQLite, whose WAL snapshot is taken at
    the first read.
    """
    if _SNAPSHOT.get() is not None:
        yield
        return
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN")
        else:
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        token = _SNAPSHOT.set(connection)
        try:
            yield
        finally:
            _SNAPSHOT.reset(token)
            connection.rollback()  # it only read


def _table(query: Select, types: dict[str, pa.DataType]) -> pa.Table:  # type: ignore[type-arg]
    """A query's rows as a pyarrow table with the query's labels as column names, fetched
    with the driver's own cursor.

    SQLAlchemy would make a Row object per row and convert values one by one; here each
    batch of plain tuples becomes columns in one C call. The statement must only bind
    plain values (ints, strings), which need no conversion by SQLAlchemy. On PostgreSQL
    the cursor is a server-side one, so rows stream instead of all arriving at once.
    """
    connection = _SNAPSHOT.get() or db.session.connection()
    names = list(query.selected_columns.keys())
    assert names == list(types), (names, list(types))  # noqa: S101 - a programming error
    compiled = query.compile(dialect=connection.dialect,
                             compile_kwargs={"render_postcompile": True})
    params = compiled.construct_params()
    if compiled.positional:
        params = tuple(params[name] for name in compiled.positiontup)
    raw = connection.connection.dbapi_connection
    sqlite = connection.dialect.name == "sqlite"
    fields = [(name, _fetched(t, sqlite)) for name, t in types.items()]
    cursor = raw.cursor() if sqlite else raw.cursor(name="stegvis_report")
    parts = []
    try:
        cursor.execute(str(compiled), params)
        while rows := cursor.fetchmany(BATCH):
            columns = pa.array(rows, type=pa.struct(fields)).flatten()
            parts.append(pa.RecordBatch.from_arrays(
                [_as(column, t) for column, t in zip(columns, types.values(), strict=True)],
                names=names))  # fmt: skip
    finally:
        cursor.close()
    if not parts:
        return pa.Table.from_arrays([pa.array([], type=t) for t in types.values()], names=names)
    return pa.Table.from_batches(parts)


def _fetched(wanted: pa.DataType, sqlite: bool) -> pa.DataType:
    """The type a driver's values convert to in one call."""
    if wanted == _TEXT or (sqlite and wanted in (_MOMENT, _DAY)):
        return pa.string()
    return wanted


def _as(column: pa.Array, wanted: pa.DataType) -> pa.Array:
    if wanted == _TEXT:
        return column.dictionary_encode()
    return column if column.type == wanted else column.cast(wanted)  # "2024-01-08 09:00:00"
