"""`flask import`: checked answers into the database without stalling participants.

Three steps, and only the last one writes:

0. size: a file with more answer rows than IMPORT_MAX_ROWS is refused before it is
   read, with how to split it (counting streams the file: a huge one costs no memory);
1. check: the file whole (analysis' strict reader), then every participant code, name
   and comment against the web forms' rules (validators.py);
2. prepare: read what the förbund already has (insatser, sites, the file's participants,
   their enrolments and submitted responses), find conflicts and duplicates, and lay out
   every new row as a plain tuple; this happens before the write transaction, so
   participants answering meanwhile are not kept waiting;
3. write: one short transaction that reserves ids and inserts the prepared rows in bulk
   (executemany in batches). All or nothing: a problem in step 1 or 2 writes nothing,
   and a failure in step 3 rolls everything back.

Imported answers are not tied to a usable link: their invitations get a random token
hash nobody knows and are already submitted.
"""

from __future__ import annotations

import csv
import datetime as dt
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import JSON, Connection, select, text

from analysis.cells import restore
from analysis.perturbation import new_record_key
from analysis.rows import AnswerRow
from questionnaires.vocabulary import Occasion, followup_months, occasion_text

from . import data_version, validators
from .extensions import db
from .models import (
    Enrolment,
    Insats,
    Invitation,
    Organisation,
    Participant,
    Response,
    Site,
)
from .tokens import hash_token

# The tables written, with their columns, in the order the rows must go in.
COLUMNS = {
    "participant": ("id", "organisation_id", "pseudonym", "gender", "birth_year",
                    "born_abroad", "created_at", "record_key"),
    "enrolment": ("id", "participant_id", "insats_id", "site_id", "start_date",
                  "left_early", "income_start"),
    "invitation": ("id", "enrolment_id", "questionnaire_key", "questionnaire_version",
                   "occasion", "followup_months", "token_hash", "created_at", "expires_at"),
    "response": ("id", "invitation_id", "language", "easy", "assisted", "started_at",
                 "updated_at", "submitted_at"),
    "answer": ("response_id", "item_id", "value", "comment"),
}


class _New:
    """A row to be inserted whose id is only known in the write step."""

    __slots__ = ("id",)

    def __init__(self) -> None:
        self.id: int | None = None


@dataclass
class Plan:
    """Everything the write step inserts; ids of new rows are filled in there."""

    organisation_id: int
    insatser: dict[str, Insats] = field(default_factory=dict)
    sites: dict[tuple[str, str], Site] = field(default_factory=dict)
    participants: list[tuple[_New, tuple]] = field(default_factory=list)
    enrolments: list[tuple[_New, Any, Any, Any, dt.date]] = field(default_factory=list)
    responses: list[tuple[Any, Sequence[AnswerRow]]] = field(default_factory=list)
    start_dates: dict[int, dt.date] = field(default_factory=dict)  # existing enrolments
    # Per table, each new row's values after its id and references (see _finish).
    ready: dict[str, list[tuple]] = field(default_factory=dict)

    @property
    def answer_count(self) -> int:
        return sum(len(answers) for _enrolment, answers in self.responses)


def size_problem(path: Path, limit: int) -> str | None:
    """A message when the file holds more than `limit` answer rows (CSV records after
    the header, comments with line breaks counted once); stops counting past the limit."""
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        records = csv.reader(handle)
        next(records, None)
        for count, _record in enumerate(records, 1):
            if count > limit:
                return _("%(name)s har fler än %(limit)s svarsrader, mer än en import tar. "
                         "Dela filen i delar om högst %(limit)s rader, med rubrikraden "
                         "överst i varje del och alla rader för en deltagare i samma del, "
                         "och importera delarna en i taget.", name=path.name,
                         limit=f"{limit:,}".replace(",", " "))
    return None


def check(rows: list[AnswerRow], code_pattern: str = "") -> list[str]:
    """The web forms' rules on what the CSV reader lets through (it checks the format);
    `code_pattern` is the förbund's own format for participant codes."""
    problems: list[str] = []
    seen: set[str] = set()
    for row in rows:
        if row.participant not in seen:
            seen.add(row.participant)
            problem = validators.pseudonym_problem(row.participant, code_pattern)
            if problem is not None:
                problems.append(f"Deltagarkoden {row.participant!r}: {problem}")
            for name in (row.insats, row.site or ""):
                if name not in seen:
                    seen.add(name)
                    if len(name) > validators.NAME_MAX:
                        problems.append(f"Namnet {name[:40]!r}…: högst 200 tecken.")
        if row.comment:
            problem = validators.comment_problem(row.comment)
            if problem is not None:
                problems.append(f"Deltagaren {row.participant}, fråga {row.item}: {problem}")
    return problems


def _responses(rows: list[AnswerRow]) -> dict[tuple, list[AnswerRow]]:
    grouped: dict[tuple, list[AnswerRow]] = {}
    for row in rows:
        key = (row.participant, row.insats, row.site, row.questionnaire, row.version,
               row.occasion, row.submitted_at)
        grouped.setdefault(key, []).append(row)
    return grouped


@dataclass
class _Known:
    """What the database already holds about the file's förbund and participants."""

    sites: dict[tuple, Any]
    people: dict[str, Any]
    genders: dict[str, str]
    enrolments: dict[tuple, Any]
    starts: dict[int, dt.date]
    submitted: set[tuple]


def _known(organisation: Organisation, plan: Plan, codes: set[str]) -> _Known:
    session = db.session
    plan.insatser = {i.name: i for i in session.scalars(
        select(Insats).where(Insats.organisation_id == organisation.id))}
    sites = {(s.insats_id, s.name): s.id for s in session.scalars(
        select(Site).join(Insats).where(Insats.organisation_id == organisation.id))}
    people: dict[str, Any] = {}
    genders: dict[str, str] = {}
    for person_id, code, gender in session.execute(
            select(Participant.id, Participant.pseudonym, Participant.gender).where(
                Participant.organisation_id == organisation.id)):
        if code in codes:
            people[code] = person_id
            genders[code] = str(gender)
    # Existing enrolments of the file's participants, and their submitted responses.
    enrolments: dict[tuple, Any] = {}
    starts: dict[int, dt.date] = {}
    if people:
        for enrolment_id, person_id, insats_id, site_id, start in session.execute(
                select(Enrolment.id, Enrolment.participant_id, Enrolment.insats_id,
                       Enrolment.site_id, Enrolment.start_date)
                .where(Enrolment.participant_id.in_(list(people.values())))):
            enrolments.setdefault((person_id, insats_id, site_id), enrolment_id)
            starts[enrolment_id] = start
    submitted: set[tuple] = set()
    if enrolments:
        found = session.execute(
            select(Invitation.enrolment_id, Invitation.questionnaire_key,
                   Invitation.questionnaire_version, Invitation.occasion,
                   Invitation.followup_months, Response.submitted_at)
            .join(Response).where(Invitation.enrolment_id.in_(list(enrolments.values())),
                                  Response.submitted_at.is_not(None)))
        submitted = {(e, k, v, occasion_text(o, m), at)
                     for e, k, v, o, m, at in found}
    return _Known(sites, people, genders, enrolments, starts, submitted)


def _insats_and_site(plan: Plan, known: _Known, head: AnswerRow) -> tuple[Insats, Any]:
    insats = plan.insatser.get(head.insats)
    if insats is None:
        insats = plan.insatser[head.insats] = Insats(organisation_id=plan.organisation_id,
                                                     name=head.insats)
    site: Any = None
    if head.site:
        site = known.sites.get((insats.id, head.site)) if insats.id else None
        if site is None:
            site = plan.sites.setdefault((head.insats, head.site), Site(name=head.site))
            if site not in insats.sites:
                insats.sites.append(site)
    return insats, site


def _person(plan: Plan, known: _Known, head: AnswerRow) -> tuple[Any, str | None]:
    """The participant of a response (new or known); a problem if the file's gender
    differs from the stored one."""
    person = known.people.get(head.participant)
    if person is None:
        person = known.people[head.participant] = _New()
        known.genders[head.participant] = head.gender
        # A record key from the file (a Dataexport) is kept, so the person's figures get
        # the same noise as before; otherwise a new one, as the model would give.
        key = new_record_key() if head.record_key is None else head.record_key
        plan.participants.append((person, (head.participant, head.gender, head.birth_year,
                                           head.born_abroad, key)))
    elif known.genders[head.participant] != head.gender:
        return None, (f"Deltagaren {head.participant}: kön {head.gender} i filen men "
                      f"{known.genders[head.participant]} i Stegvis.")
    return person, None


def _enrolment(plan: Plan, known: _Known, head: AnswerRow, person: Any, insats: Insats,
               site: Any) -> tuple[Any, str | None]:
    """The enrolment a response belongs to (new or known, its start moved to the
    earliest answer); a problem if the same response is already stored."""
    day = head.submitted_at.date()
    where = (person, insats.id or insats, site)
    enrolment = known.enrolments.get(where)
    if enrolment is None:
        enrolment = known.enrolments[where] = _New()
        plan.enrolments.append((enrolment, person, insats, site, day))
    elif isinstance(enrolment, _New):
        index = next(i for i, e in enumerate(plan.enrolments) if e[0] is enrolment)
        old = plan.enrolments[index]
        if day < old[4]:
            plan.enrolments[index] = (*old[:4], day)
    else:
        start = plan.start_dates.get(enrolment, known.starts[enrolment])
        if day < start:
            plan.start_dates[enrolment] = day
        if (enrolment, head.questionnaire, head.version, head.occasion,
                head.submitted_at) in known.submitted:
            return None, (f"Deltagaren {head.participant}: svaret från "
                          f"{head.submitted_at:%Y-%m-%d %H:%M} finns redan (dubbel import?).")
    return enrolment, None


def prepare(organisation: Organisation, rows: list[AnswerRow]) -> tuple[Plan, list[str]]:
    """Read what exists, decide every row to add; returns the plan and any problems."""
    plan = Plan(organisation.id)
    problems: list[str] = []
    grouped = _responses(rows)
    known = _known(organisation, plan, {key[0] for key in grouped})
    reported: set[str] = set()
    for answers in grouped.values():
        head = answers[0]
        insats, site = _insats_and_site(plan, known, head)
        person, problem = _person(plan, known, head)
        if problem is not None:
            if head.participant not in reported:  # once per participant
                reported.add(head.participant)
                problems.append(problem)
            continue
        enrolment, problem = _enrolment(plan, known, head, person, insats, site)
        if problem is not None:
            problems.append(problem)
            continue
        plan.responses.append((enrolment, answers))
    if not problems:
        _finish(plan)
    return plan, problems


def _reserve_ids(connection: Connection, table: str, count: int) -> list[int]:
    """`count` fresh primary keys for `table`, inside the write transaction."""
    if not count:
        return []
    if connection.dialect.name == "postgresql":
        return list(connection.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "  # noqa: S608 - fixed names
            "FROM generate_series(1, :n)"), {"n": count}).scalars())
    # SQLite: the write lock is held from the first insert, so nobody else takes ids now.
    start = connection.execute(text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar()  # noqa: S608
    return list(range(int(start) + 1, int(start) + 1 + count))


def _insert(connection: Connection, table: str, rows: Iterator[tuple]) -> None:
    """Bulk insert of rows whose values are ready (see `_ready`): COPY on PostgreSQL,
    executemany on SQLite. Going around SQLAlchemy's per-row statement handling is what
    keeps the write transaction (and on SQLite its lock) short."""
    columns = COLUMNS[table]
    dbapi = connection.connection.dbapi_connection
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{name}"' for name in columns)
        with dbapi.cursor() as cursor, cursor.copy(  # type: ignore[union-attr]
                f'COPY "{table}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
        return
    statement = (f'INSERT INTO "{table}" ({", ".join(columns)}) '  # noqa: S608 - fixed names
                 f'VALUES ({", ".join("?" * len(columns))})')
    cursor = dbapi.cursor()  # type: ignore[union-attr]
    try:
        cursor.executemany(statement, rows)
    finally:
        cursor.close()


def _ready(table: str, values: list[tuple]) -> list[tuple]:
    """The trailing columns of `table`'s rows, converted as the ORM would store them.

    Done while preparing, so the write transaction only adds ids. COPY on PostgreSQL
    takes the Python values as they are; JSON is given as JSON text for both.
    """
    if not values or db.engine.dialect.name == "postgresql":
        return values
    dialect = db.engine.dialect
    target = db.metadata.tables[table]
    names = COLUMNS[table][-len(values[0]):]
    needed = [(index, processor) for index, name in enumerate(names)
              if not isinstance(target.c[name].type, JSON)
              and (processor := target.c[name].type.dialect_impl(dialect)
                   .bind_processor(dialect)) is not None]
    if not needed:
        return values
    ready = []
    for row in values:
        converted = list(row)
        for index, processor in needed:
            if converted[index] is not None:
                converted[index] = processor(converted[index])
        ready.append(tuple(converted))
    return ready


def _stored_occasion(occasion: str) -> tuple[str, int | None]:
    """(occasion, followup_months) as the database stores the file's occasion: a
    follow-up "uppfoljning-6" as uppfoljning and 6."""
    months = followup_months(occasion)
    return (occasion, None) if months is None else (Occasion.uppfoljning.value, months)


def _id(value: Any) -> Any:
    if isinstance(value, _New | Insats | Site):
        return value.id
    return value


def _finish(plan: Plan) -> None:
    """Everything but the ids, converted and ready, before the write transaction."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    plan.ready["participant"] = _ready("participant", [
        (plan.organisation_id, code, gender, year, abroad, now, key)
        for _new, (code, gender, year, abroad, key) in plan.participants])
    plan.ready["enrolment"] = _ready("enrolment", [
        (start, False, "[]") for *_refs, start in plan.enrolments])
    plan.ready["invitation"] = _ready("invitation", [
        (head.questionnaire, head.version, *_stored_occasion(head.occasion),
         hash_token(secrets.token_urlsafe(24)), head.submitted_at, head.submitted_at)
        for _enrolment, (head, *_more) in plan.responses])
    plan.ready["response"] = _ready("response", [
        (head.language, head.easy, head.assisted, head.submitted_at, head.submitted_at,
         head.submitted_at) for _enrolment, (head, *_more) in plan.responses])


def write(plan: Plan) -> None:
    """Insert the plan in one transaction; the caller commits (or rolls back)."""
    session = db.session
    # The few new insatser and sites go through the ORM (their ids are needed at once).
    for insats in plan.insatser.values():
        if insats.id is None:
            session.add(insats)
    session.flush()
    connection = session.connection()
    ids = _reserve_ids(connection, "participant", len(plan.participants))
    for (new, _values), new_id in zip(plan.participants, ids, strict=True):
        new.id = new_id
    _insert(connection, "participant", (
        (new_id, *values) for new_id, values in zip(ids, plan.ready["participant"], strict=True)))
    ids = _reserve_ids(connection, "enrolment", len(plan.enrolments))
    for (new, *_rest), new_id in zip(plan.enrolments, ids, strict=True):
        new.id = new_id
    _insert(connection, "enrolment", (
        (new.id, _id(person), _id(insats), _id(site), *values)
        for (new, person, insats, site, _start), values
        in zip(plan.enrolments, plan.ready["enrolment"], strict=True)))
    for enrolment_id, start in plan.start_dates.items():
        connection.execute(Enrolment.__table__.update().where(
            Enrolment.__table__.c.id == enrolment_id).values(start_date=start))
    ids = _reserve_ids(connection, "invitation", len(plan.responses))
    _insert(connection, "invitation", (
        (new_id, _id(enrolment), *values) for new_id, (enrolment, _answers), values
        in zip(ids, plan.responses, plan.ready["invitation"], strict=True)))
    response_ids = _reserve_ids(connection, "response", len(plan.responses))
    _insert(connection, "response", (
        (response_id, invitation_id, *values) for response_id, invitation_id, values
        in zip(response_ids, ids, plan.ready["response"], strict=True)))
    _insert(connection, "answer", (
        # A comment a spreadsheet would run was exported with a leading ' (cells.py).
        (response_id, row.item, row.value, restore(row.comment))
        for response_id, (_enrolment, answers) in zip(response_ids, plan.responses, strict=True)
        for row in answers))
    # Written around the ORM: the session hook cannot see it.
    data_version.changed(session, plan.organisation_id)
    session.expire_all()
