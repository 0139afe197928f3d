"""The state of one participant's survey and the only ways it changes.

Every change is a single statement guarded by `submitted_at IS NULL`, so a double tap,
two tabs or a retried request can never change a submitted survey or store it twice.

A participant request works on one plain Core connection (`connection()`), committed by
the route and closed (rolled back if not committed) when the request ends: no ORM
session, identity map or unit of work is needed for a handful of statements, and their
bookkeeping cost more than the statements themselves.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from dataclasses import dataclass, field
from typing import NamedTuple

from flask import g
from sqlalchemy import Connection, Integer, String, Text, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from questionnaires import Item, Questionnaire, Registry

from .. import data_version
from ..extensions import db
from ..models import (
    Answer,
    EarlierLink,
    Enrolment,
    Insats,
    Invitation,
    Organisation,
    Participant,
    Recording,
    Response,
    utcnow,
)
from ..tokens import hash_short_code, hash_token, is_short_code


class LinkState(enum.Enum):
    open = "open"
    unknown = "unknown"
    expired = "expired"
    submitted = "submitted"


class Link(NamedTuple):
    """The invitation behind a link: only what a participant request needs."""

    id: int
    questionnaire_key: str
    questionnaire_version: int
    expires_at: dt.datetime
    occasion: str
    # The förbund has recorded some screen of this questionnaire version (any language):
    # only then does a screen look for its own recording (one query less per screen).
    has_recordings: bool


class Started(NamedTuple):
    """The participant's response, once a language has been chosen."""

    id: int
    language: str
    easy: bool
    submitted_at: dt.datetime | None


class Given(NamedTuple):
    """One stored answer."""

    item_id: str
    value: int | None
    comment: str | None


def connection() -> Connection:
    """This request's connection; its transaction begins with the first statement.

    On PostgreSQL every participant statement runs on its own (autocommit): each write is
    one atomic, guarded statement there (`_store_on_postgresql`), so a transaction would
    only add BEGIN and COMMIT or ROLLBACK round trips, most of a request's trips to the
    database. On SQLite, which has no such statement and no round trips, a POST's writes
    share a transaction (and switching its isolation level would cost PRAGMA statements).
    """
    found: Connection | None = g.get("_answer_connection")
    if found is None:
        found = db.engine.connect()
        if found.dialect.name == "postgresql":
            found.execution_options(isolation_level="AUTOCOMMIT")
        g._answer_connection = found
    return found


def commit() -> None:
    connection().commit()


def rollback() -> None:
    connection().rollback()


def close(_error: BaseException | None = None) -> None:
    """Teardown: give the connection back to the pool (an open transaction rolls back)."""
    found: Connection | None = g.pop("_answer_connection", None)
    if found is not None:
        found.close()


_INVITATION = Invitation.__table__
_RESPONSE = Response.__table__
_ANSWER = Answer.__table__
_ENROLMENT = Enrolment.__table__
_PARTICIPANT = Participant.__table__
_INSATS = Insats.__table__
_ORGANISATION = Organisation.__table__
_RECORDING = Recording.__table__
_EARLIER_LINK = EarlierLink.__table__

_HAS_RECORDINGS = (
    select(_RECORDING.c.id)
    .select_from(
        _ENROLMENT.join(_INSATS, _INSATS.c.id == _ENROLMENT.c.insats_id)
        .join(_RECORDING, _RECORDING.c.organisation_id == _INSATS.c.organisation_id)
    )
    .where(_ENROLMENT.c.id == _INVITATION.c.enrolment_id,
           _RECORDING.c.questionnaire_key == _INVITATION.c.questionnaire_key,
           _RECORDING.c.questionnaire_version == _INVITATION.c.questionnaire_version)
    .exists()
)

# Plain Core statements (no ORM objects are built per request). The same single
# statement runs for every token, known, unknown or used. It brings the stored answers
# too, one row each (one row without any): nearly every screen shows or counts them.
_LINK = (
    select(
        _INVITATION.c.id,
        _INVITATION.c.questionnaire_key,
        _INVITATION.c.questionnaire_version,
        _INVITATION.c.expires_at,
        _INVITATION.c.occasion,
        _RESPONSE.c.id,
        _RESPONSE.c.language,
        _RESPONSE.c.easy,
        _RESPONSE.c.submitted_at,
        _INVITATION.c.next_invitation_id,
        _HAS_RECORDINGS,
        _ANSWER.c.item_id,
        _ANSWER.c.value,
        _ANSWER.c.comment,
    )
    .select_from(
        _INVITATION.outerjoin(_RESPONSE, _RESPONSE.c.invitation_id == _INVITATION.c.id)
        .outerjoin(_ANSWER, _ANSWER.c.response_id == _RESPONSE.c.id)
    )
)


def _by_link(column: str, name: str):  # type: ignore[no-untyped-def]
    """The invitation a link (or the short code of its letter) belongs to: its newest
    link, or one handed out before a resend (models.EarlierLink), which works alike."""
    earlier = (select(_EARLIER_LINK.c.invitation_id)
               .where(_EARLIER_LINK.c[column] == bindparam(name)).scalar_subquery())
    return _LINK.where(or_(_INVITATION.c[column] == bindparam(name),
                           _INVITATION.c.id == earlier))


# A short code typed on /kod stands for the link on a letter (tokens never look like one).
_FIND = _by_link("token_hash", "token_hash")
_FIND_BY_CODE = _by_link("short_code_hash", "code_hash")
# One hand-out at exit: once a survey is submitted, the same link runs the next one.
_FIND_NEXT = _LINK.where(_INVITATION.c.id == bindparam("invitation_id"))
_CHAIN_LIMIT = 4  # surveys one link can run; a loop in the data cannot spin for ever
_NEXT_OF = select(_INVITATION.c.next_invitation_id).where(
    _INVITATION.c.id == bindparam("invitation_id"))


class About(NamedTuple):
    """Who sends the survey, how to reach them about the data, and the language the
    handledare noted at enrolment: read only on the screens that show it (the language
    screen, the first visit, the welcome), never on every request."""

    organisation: str
    language: str | None
    contact: str | None


_ABOUT = (
    select(_ORGANISATION.c.name, _PARTICIPANT.c.language, _ORGANISATION.c.privacy_contact)
    .select_from(
        _INVITATION.join(_ENROLMENT, _ENROLMENT.c.id == _INVITATION.c.enrolment_id)
        .join(_PARTICIPANT, _PARTICIPANT.c.id == _ENROLMENT.c.participant_id)
        .join(_INSATS, _INSATS.c.id == _ENROLMENT.c.insats_id)
        .join(_ORGANISATION, _ORGANISATION.c.id == _INSATS.c.organisation_id)
    )
    .where(_INVITATION.c.id == bindparam("invitation_id"))
)


# The förbund's recording of one screen of this survey in one language (no audio bytes).
_RECORDING_OF = (
    select(_RECORDING.c.id, _RECORDING.c.checksum, _RECORDING.c.mimetype)
    .select_from(
        _INVITATION.join(_ENROLMENT, _ENROLMENT.c.id == _INVITATION.c.enrolment_id)
        .join(_INSATS, _INSATS.c.id == _ENROLMENT.c.insats_id)
        .join(_RECORDING, _RECORDING.c.organisation_id == _INSATS.c.organisation_id)
    )
    .where(_INVITATION.c.id == bindparam("invitation_id"),
           _RECORDING.c.questionnaire_key == _INVITATION.c.questionnaire_key,
           _RECORDING.c.questionnaire_version == _INVITATION.c.questionnaire_version,
           _RECORDING.c.screen == bindparam("screen"),
           _RECORDING.c.language == bindparam("language"))
)
_RECORDED_AUDIO = select(_RECORDING.c.audio).where(_RECORDING.c.id == bindparam("recording_id"))


class Recorded(NamedTuple):
    id: int
    checksum: str
    mimetype: str


@dataclass
class Survey:
    invitation: Link
    questionnaire: Questionnaire
    response: Started | None = None
    # The survey before this one on the same link (one hand-out at exit), if any: its
    # language is where this one starts.
    previous: Started | None = None
    # The invitation the link itself belongs to (differs from `invitation` further on).
    first_invitation_id: int | None = None
    # The stored answers by item id, as the link's lookup read them (and as this
    # request's own saves changed them since).
    _answers: dict[str, Given] = field(default_factory=dict, repr=False)
    # Which survey of the link this is (one hand-out at exit runs several), from 1, and
    # the one the link runs after it, if any.
    part: int = 1
    next_invitation_id: int | None = None
    _about: About | None = field(default=None, repr=False)

    def answers(self) -> dict[str, Given]:
        return self._answers

    @functools.cached_property
    def parts(self) -> int:
        """How many surveys the link runs: "Del 1 av 2". Read only by the screens that
        show it, and only a link that runs another survey after this one asks the
        database (a single survey's link never does)."""
        count, following = self.part, self.next_invitation_id
        while following is not None and count < _CHAIN_LIMIT:
            count += 1
            following = connection().execute(_NEXT_OF, {"invitation_id": following}).scalar()
        return count

    @functools.cached_property
    def items(self) -> tuple[Item, ...]:
        """The items of this invitation's occasion (an instrument may ask different items
        at pågående and at avslut), in screen order."""
        return self.questionnaire.items_at(self.invitation.occasion)

    def about(self) -> About:
        """Read once per request (the first visit and the screen it shows both ask)."""
        if self._about is None:
            row = connection().execute(_ABOUT, {"invitation_id": self.invitation.id}).one()
            self._about = About(*row)
        return self._about

    def responsible(self) -> Responsible:
        about = self.about()
        return Responsible(about.organisation, about.contact or "")

    def recording(self, screen: str, language: str) -> Recorded | None:
        if not self.invitation.has_recordings:
            return None
        row = connection().execute(_RECORDING_OF, {
            "invitation_id": self.invitation.id, "screen": screen, "language": language,
        }).first()
        return Recorded(*row) if row is not None else None

    def recorded_audio(self, recorded: Recorded) -> bytes:
        return bytes(connection().execute(_RECORDED_AUDIO,
                                          {"recording_id": recorded.id}).scalar_one())

    def item_at(self, number: int) -> Item | None:
        items = self.items
        if 1 <= number <= len(items):
            return items[number - 1]
        return None

    def resume_at(self) -> int | None:
        """Screen after the last one answered; None when every screen is done (review)."""
        answered = self.answers()
        last = 0
        items = self.items
        for number, item in enumerate(items, start=1):
            if item.id in answered:
                last = number
        return last + 1 if last < len(items) else None


class Responsible(NamedTuple):
    """The förbund that is responsible for a participant's data, and how to reach it."""

    name: str
    contact: str


def find(
    token: str, registry: Registry, now: dt.datetime | None = None
) -> tuple[LinkState, Survey | None]:
    # Tokens only ever contain URL-safe base64; anything else cannot match, but still
    # goes through the same query so unknown and used links answer alike.
    if is_short_code(token):
        rows = connection().execute(_FIND_BY_CODE, {"code_hash": hash_short_code(token)}).all()
    else:
        rows = connection().execute(_FIND, {"token_hash": hash_token(token)}).all()
    if not rows:
        return LinkState.unknown, None
    row = rows[0]
    first_invitation_id, previous, part = row[0], None, 1
    for _step in range(_CHAIN_LIMIT):
        submitted, following = row[8] is not None, row[9]
        if not submitted or following is None:
            break
        after = connection().execute(_FIND_NEXT, {"invitation_id": following}).all()
        if not after:
            break
        previous, rows, row, part = Started(*row[5:9]), after, after[0], part + 1
    invitation = Link(*row[:5], has_recordings=bool(row[10]))
    questionnaire = registry.get(invitation.questionnaire_key, invitation.questionnaire_version)
    if questionnaire is None:
        return LinkState.unknown, None
    response = Started(*row[5:9]) if row[5] is not None else None
    survey = Survey(invitation, questionnaire, response, previous, first_invitation_id,
                    {each[11]: Given(*each[11:14]) for each in rows if each[11] is not None},
                    part=part, next_invitation_id=row[9])
    if response is not None and response.submitted_at is not None:
        return LinkState.submitted, survey
    if (now or utcnow()) >= invitation.expires_at:
        return LinkState.expired, survey
    return LinkState.open, survey


# The writes, built once with bind parameters: building a statement and its cache key on
# every call cost more than running it. Bind names may not be column names (p_ prefix).
# ON CONFLICT needs the dialect's own INSERT.
_TOUCH = (
    update(_RESPONSE)
    .where(_RESPONSE.c.id == bindparam("p_response_id"), _RESPONSE.c.submitted_at.is_(None))
    .values(updated_at=bindparam("p_now"))
)
_SUBMIT = (
    update(_RESPONSE)
    .where(_RESPONSE.c.id == bindparam("p_response_id"), _RESPONSE.c.submitted_at.is_(None))
    .values(submitted_at=bindparam("p_now"), updated_at=bindparam("p_now"))
)
_SWITCH_LANGUAGE = (
    update(_RESPONSE)
    .where(
        _RESPONSE.c.invitation_id == bindparam("p_invitation_id"),
        _RESPONSE.c.submitted_at.is_(None),
    )
    .values(
        language=bindparam("p_language"), easy=bindparam("p_easy"), updated_at=bindparam("p_now")
    )
)


@functools.cache
def _start_response(dialect: str):  # type: ignore[no-untyped-def]
    """INSERT ... ON CONFLICT DO NOTHING RETURNING id, in this dialect's own INSERT: a row
    comes back only when this statement created the response."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(_RESPONSE).values(
        invitation_id=bindparam("p_invitation_id"),
        language=bindparam("p_language"),
        easy=bindparam("p_easy"),
        assisted=bindparam("p_assisted"),
        started_at=bindparam("p_now"),
        updated_at=bindparam("p_now"),
    ).on_conflict_do_nothing(index_elements=["invitation_id"]).returning(_RESPONSE.c.id)


def _store_on_sqlite():  # type: ignore[no-untyped-def]
    """The answer upsert that follows _TOUCH in the same transaction."""
    store = sqlite.insert(_ANSWER).values(
        response_id=bindparam("p_response_id"),
        item_id=bindparam("p_item_id"),
        value=bindparam("p_value"),
        comment=bindparam("p_comment"),
    )
    return store.on_conflict_do_update(
        index_elements=["response_id", "item_id"],
        set_={"value": store.excluded.value, "comment": store.excluded.comment},
    )


_STORE_ON_SQLITE = _store_on_sqlite()


def choose_language(survey: Survey, locale: str, easy: bool, assisted: str = "sjalv") -> bool:
    """Create the response on first choice, or switch its language. False if submitted."""
    values = {"p_invitation_id": survey.invitation.id, "p_language": locale, "p_easy": easy,
              "p_now": utcnow()}
    if survey.response is None:
        start = _start_response(connection().dialect.name)
        if connection().execute(start, {**values, "p_assisted": assisted}).first() is not None:
            return True  # created just now in this language (else another tab was first)
    return connection().execute(_SWITCH_LANGUAGE, values).rowcount == 1


@functools.cache
def _store_on_postgresql():  # type: ignore[no-untyped-def]
    """Touch the open response and upsert the answer in one statement: the UPDATE takes
    the response's row lock, so a submit at the same time either commits first (the
    UPDATE then matches nothing and no answer is stored) or waits for this one."""
    touched = _TOUCH.returning(_RESPONSE.c.id).cte("touched")
    store = postgresql.insert(_ANSWER).from_select(
        ["response_id", "item_id", "value", "comment"],
        select(
            touched.c.id,
            bindparam("p_item_id", type_=String),
            bindparam("p_value", type_=Integer),
            bindparam("p_comment", type_=Text),
        ),
    )
    store = store.on_conflict_do_update(
        index_elements=["response_id", "item_id"],
        set_={"value": store.excluded.value, "comment": store.excluded.comment},
    )
    return store.returning(_ANSWER.c.response_id).add_cte(touched)


def save_answer(survey: Survey, item: Item, value: int | None, comment: str | None) -> bool:
    """Store (or replace) the answer to one item. False if the survey was already submitted."""
    response = survey.response
    if response is None:
        return False
    values = {"p_response_id": response.id, "p_now": utcnow(), "p_item_id": item.id,
              "p_value": value, "p_comment": comment}
    if connection().dialect.name == "postgresql":
        stored = connection().execute(_store_on_postgresql(), values).first() is not None
    # Touching the response first takes the write lock, so a submit running at the same
    # time either happens before (and this refuses) or waits for this answer.
    elif connection().execute(_TOUCH, values).rowcount != 1:
        stored = False
    else:
        connection().execute(_STORE_ON_SQLITE, values)
        stored = True
    if stored:  # the upsert replaced value and comment: what a screen shown next reads
        survey._answers[item.id] = Given(item.id, value, comment)
    return stored


def submit(survey: Survey) -> bool:
    """Mark the response submitted. True only for the call that actually submitted it."""
    response = survey.response
    if response is None:
        return False
    done = connection().execute(_SUBMIT, {"p_response_id": response.id, "p_now": utcnow()})
    if done.rowcount != 1:
        return False
    # A submitted survey is in the förbund's reports from now on: kept ones are out of date.
    data_version.bump_for_invitation(connection(), survey.invitation.id)
    return True
