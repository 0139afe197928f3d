"""The state of one participant's survey and the only ways it changes.

Every change is a single statement guarded by `submitted_at IS NULL`, so a double tap,
two tabs or a retried request can never change a submitted survey or store it twice.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from questionnaires import Item, Questionnaire, Registry

from ..extensions import db
from ..models import Answer, Invitation, Response, utcnow
from ..tokens import hash_token


class LinkState(enum.Enum):
    open = "open"
    unknown = "unknown"
    expired = "expired"
    submitted = "submitted"


@dataclass
class Survey:
    invitation: Invitation
    questionnaire: Questionnaire

    @property
    def response(self) -> Response | None:
        return self.invitation.response

    def answers(self) -> dict[str, Answer]:
        if self.response is None:
            return {}
        return {answer.item_id: answer for answer in self.response.answers}

    def item_at(self, number: int) -> Item | None:
        if 1 <= number <= len(self.questionnaire.items):
            return self.questionnaire.items[number - 1]
        return None

    def resume_at(self) -> int | None:
        """Screen after the last one answered; None when every screen is done (review)."""
        answered = self.answers()
        last = 0
        for number, item in enumerate(self.questionnaire.items, start=1):
            if item.id in answered:
                last = number
        return last + 1 if last < len(self.questionnaire.items) else None


def find(
    token: str, registry: Registry, now: dt.datetime | None = None
) -> tuple[LinkState, Survey | None]:
    # Tokens only ever contain URL-safe base64; anything else cannot match, but still
    # goes through the same query so unknown and used links answer alike.
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.token_hash == hash_token(token))
        .options(joinedload(Invitation.response))
    )
    if invitation is None:
        return LinkState.unknown, None
    questionnaire = registry.get(invitation.questionnaire_key, invitation.questionnaire_version)
    if questionnaire is None:
        return LinkState.unknown, None
    survey = Survey(invitation, questionnaire)
    if invitation.response is not None and invitation.response.submitted_at is not None:
        return LinkState.submitted, survey
    if (now or utcnow()) >= invitation.expires_at:
        return LinkState.expired, survey
    return LinkState.open, survey


def _insert(table):  # type: ignore[no-untyped-def]
    """INSERT with ON CONFLICT support on both databases Stegvis runs on."""
    if db.session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def choose_language(survey: Survey, locale: str, easy: bool, assisted: str = "sjalv") -> bool:
    """Create the response on first choice, or switch its language. False if submitted."""
    now = utcnow()
    if survey.response is None:
        statement = _insert(Response.__table__).values(
            invitation_id=survey.invitation.id,
            language=locale,
            easy=easy,
            assisted=assisted,
            started_at=now,
            updated_at=now,
        )
        db.session.execute(statement.on_conflict_do_nothing(index_elements=["invitation_id"]))
    changed = db.session.execute(
        update(Response)
        .where(Response.invitation_id == survey.invitation.id, Response.submitted_at.is_(None))
        .values(language=locale, easy=easy, updated_at=now)
    ).rowcount
    db.session.expire(survey.invitation)
    return changed == 1


def save_answer(survey: Survey, item: Item, value: int | None, comment: str | None) -> bool:
    """Store (or replace) the answer to one item. False if the survey was already submitted."""
    response = survey.response
    if response is None:
        return False
    # Touching the response first takes its row lock, so a submit running at the same
    # time either happens before (and this refuses) or waits for this answer.
    still_open = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.submitted_at.is_(None))
        .values(updated_at=utcnow())
    ).rowcount
    if still_open != 1:
        return False
    statement = _insert(Answer.__table__).values(
        response_id=response.id, item_id=item.id, value=value, comment=comment
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["response_id", "item_id"],
            set_={"value": value, "comment": comment},
        )
    )
    db.session.expire(response)
    return True


def submit(survey: Survey) -> bool:
    """Mark the response submitted. True only for the call that actually submitted it."""
    response = survey.response
    if response is None:
        return False
    now = utcnow()
    done = db.session.execute(
        update(Response)
        .where(Response.id == response.id, Response.submitted_at.is_(None))
        .values(submitted_at=now, updated_at=now)
    ).rowcount
    db.session.expire(response)
    return done == 1
