"""A förbund's data version: the number a kept report is valid for (reports/jobs.py).

Every committed write of something a report reads adds one to its förbund's row in
`data_version`. Three ways write that data, and each moves the number:

- the ORM (staff pages, the CLI, purge, demo): a session hook notes the förbund of every
  new, changed or deleted object of `READ_BY_REPORTS` and moves the number just before
  the session commits (so a PostgreSQL row lock is held only for the commit, never for
  a long transaction such as an import);
- a participant's submit (answering/journey.py, plain Core): `bump_for_invitation` in
  the same statement batch as the submit. Answers of a survey not yet submitted are not
  in any report, so saving them moves nothing;
- the import's bulk insert (importing.py): `changed(session, organisation_id)`.

A counter rather than the newest change time: it needs no clock shared by several app
servers, and a deletion or an import of old answers moves it as surely as a new answer.
"""

from __future__ import annotations

import functools
from itertools import chain
from typing import Any

from sqlalchemy import Connection, bindparam, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from .extensions import db
from .models import (
    Answer,
    DataVersion,
    Enrolment,
    Insats,
    Invitation,
    Organisation,
    Participant,
    Response,
    Site,
    Target,
    utcnow,
)

_TABLE = DataVersion.__table__
_PENDING = "stegvis.data_changed"

# What `report_for` reads (columns.py, build.py): a change to any of these can change a
# report of its förbund.
READ_BY_REPORTS = (Organisation, Insats, Site, Target, Participant, Enrolment, Invitation,
                   Response, Answer)


def current(organisation_id: int) -> int:
    """The förbund's data version now (0 before its first counted write)."""
    found = db.session.scalar(select(DataVersion.version)
                              .where(DataVersion.organisation_id == organisation_id))
    return found or 0


@functools.cache
def _insert(dialect: str):  # type: ignore[no-untyped-def]
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


@functools.cache
def _bump(dialect: str):  # type: ignore[no-untyped-def]
    statement = _insert(dialect)(_TABLE).values(
        organisation_id=bindparam("p_organisation_id"), version=1,
        changed_at=bindparam("p_now"))
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.organisation_id],
        set_={"version": _TABLE.c.version + 1, "changed_at": statement.excluded.changed_at})


@functools.cache
def _bump_for_invitation(dialect: str):  # type: ignore[no-untyped-def]
    """The same upsert with the förbund found from an invitation, in one statement."""
    enrolment, insats = Enrolment.__table__, Insats.__table__
    invitation = Invitation.__table__
    source = (select(insats.c.organisation_id, bindparam("p_one"), bindparam("p_now"))
              .select_from(invitation.join(enrolment, enrolment.c.id == invitation.c.enrolment_id)
                           .join(insats, insats.c.id == enrolment.c.insats_id))
              .where(invitation.c.id == bindparam("p_invitation_id")))
    statement = _insert(dialect)(_TABLE).from_select(
        ["organisation_id", "version", "changed_at"], source)
    return statement.on_conflict_do_update(
        index_elements=[_TABLE.c.organisation_id],
        set_={"version": _TABLE.c.version + 1, "changed_at": statement.excluded.changed_at})


def bump(connection: Connection, organisation_ids: set[int]) -> None:
    statement = _bump(connection.dialect.name)
    now = utcnow()
    # In id order: two transactions that move the same förbunds never wait on each other
    # crosswise.
    for organisation_id in sorted(organisation_ids):
        connection.execute(statement, {"p_organisation_id": organisation_id, "p_now": now})


def bump_for_invitation(connection: Connection, invitation_id: int) -> None:
    connection.execute(_bump_for_invitation(connection.dialect.name),
                       {"p_invitation_id": invitation_id, "p_one": 1, "p_now": utcnow()})


def changed(session: Session, organisation_id: int) -> None:
    """Note a write the session hook cannot see (Core statements): moved at commit."""
    session.info.setdefault(_PENDING, set()).add(organisation_id)


def _organisation_of(thing: Any) -> int | None:
    """The förbund an object belongs to, through its parents (ids when they are set, the
    related objects when they are new)."""
    if isinstance(thing, Organisation):
        return thing.id
    if isinstance(thing, Insats | Participant):
        if thing.organisation_id is not None:
            return thing.organisation_id
        return getattr(thing, "organisation", None) and thing.organisation.id
    parent = {Site: "insats", Target: "insats", Enrolment: "insats", Invitation: "enrolment",
              Response: "invitation", Answer: "response"}[type(thing)]
    related = getattr(thing, parent)
    return _organisation_of(related) if related is not None else None


def _note(session: Session, things: Any) -> None:
    pending = session.info.setdefault(_PENDING, set())
    for thing in things:
        if isinstance(thing, READ_BY_REPORTS):
            found = _organisation_of(thing)
            if found is not None:
                pending.add(found)


@event.listens_for(db.session, "before_flush")
def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Changed and deleted objects while their parents are still in the database.
    _note(session, chain((thing for thing in session.dirty
                          if session.is_modified(thing, include_collections=False)),
                         session.deleted))


@event.listens_for(db.session, "after_flush")
def _after_flush(session: Session, _context: Any) -> None:
    # New objects once they (and new parents) have their ids.
    _note(session, session.new)


@event.listens_for(db.session, "before_commit")
def _before_commit(session: Session) -> None:
    session.flush()  # commit flushes after this event: note what is still pending now
    pending = session.info.pop(_PENDING, None)
    if pending:
        bump(session.connection(), pending)
