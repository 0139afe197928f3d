"""Creating invitations: shared by the CLI and the staff pages. Helpers only flush."""

from __future__ import annotations

import datetime as dt
import itertools

from flask import current_app
from sqlalchemy import update

from questionnaires import Questionnaire
from questionnaires.vocabulary import followup_months, followup_occasion, occasion_text

from . import i18n
from .extensions import db
from .models import EarlierLink, Enrolment, Invitation, Occasion, utcnow
from .tokens import hash_short_code, hash_token, new_short_code, new_token


class InvitationError(ValueError):
    pass


def questionnaire_for(enrolment: Enrolment, key: str) -> Questionnaire:
    """The version of `key` an enrolment is asked, at every occasion: the one of its start
    survey (answered first, else handed out), so that start and end pair; without one, the
    version in use when the enrolment started. A newer version thus applies only to
    enrolments that start after it exists."""
    registry = current_app.extensions["stegvis.questionnaires"]
    if registry.latest(key).occasions == (Occasion.uppfoljning,):
        # A follow-up pairs with nothing the enrolment answered before: the version in
        # use on the day it is handed out.
        return registry.current_on(key, utcnow().date())
    started = sorted(
        (i for i in enrolment.invitations
         if i.questionnaire_key == key and i.occasion == Occasion.start
         and registry.get(key, i.questionnaire_version) is not None),
        key=lambda i: (i.response is None or i.response.submitted_at is None, i.id or 0))
    if started:
        return registry.get(key, started[0].questionnaire_version)
    return registry.current_on(key, enrolment.start_date)


def create(enrolment: Enrolment, questionnaire: Questionnaire, occasion: str) -> str:
    """Add an invitation and return its token: the only time the token is known.

    `occasion` is an occasion string: "start", ..., or a follow-up point such as
    "uppfoljning-6", stored as occasion uppfoljning with `followup_months` 6.
    """
    months = followup_months(occasion)
    stored = Occasion.uppfoljning.value if months is not None else occasion
    if stored not in questionnaire.occasions or (stored == Occasion.uppfoljning and months is None):
        raise InvitationError(
            f"{questionnaire.ident} is not asked at occasion {occasion!r} "
            f"(only {', '.join(questionnaire.occasions)}; a follow-up names its point, "
            f"e.g. {followup_occasion(6)})"
        )
    if months is not None and enrolment.exit_outcome is None:
        raise InvitationError("a follow-up is asked only after the exit is recorded")
    token = new_token()
    invitation = Invitation(
        enrolment=enrolment,
        questionnaire_key=questionnaire.key,
        questionnaire_version=questionnaire.version,
        occasion=Occasion(stored),
        followup_months=months,
        token_hash=hash_token(token),
        expires_at=utcnow() + link_life(enrolment, months),
    )
    db.session.add(invitation)
    db.session.flush()
    return token


def link_life(enrolment: Enrolment, followup_months: int | None) -> dt.timedelta:
    """How long a new link works: a follow-up's as long as its förbund's setting (people
    who have left answer when they can), any other the installation's INVITATION_DAYS."""
    if followup_months is not None:
        return dt.timedelta(days=enrolment.insats.organisation.followup_link_days)
    return dt.timedelta(days=int(current_app.config["INVITATION_DAYS"]))


def occasion_of(invitation: Invitation) -> str:
    """The invitation's occasion string, a follow-up with its point ("uppfoljning-6")."""
    return occasion_text(invitation.occasion, invitation.followup_months)


def public_link(token: str) -> str:
    """The participant's link on the configured public address."""
    return _public("answering.entry", token=token)


def _public(endpoint: str, **values: str) -> str:
    # Built without a request: the CLI prints links too.
    path = current_app.url_map.bind("stegvis").build(endpoint, values)
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def rotate(invitation: Invitation, *, end_earlier: bool = False) -> str:
    """Give an unanswered invitation one more link and return its token.

    The links handed out before keep working (the participant may be answering on one
    right now) and all continue the same answers, until the survey is submitted. With
    end_earlier (the link went to the wrong person) every earlier link, and any letter
    printed for one, stops working at once.
    """
    token = new_token()
    now = utcnow()
    if end_earlier:
        invitation.earlier_links.clear()
        # An exit link that ran this survey after another stops leading here as well.
        db.session.execute(update(Invitation)
                           .where(Invitation.next_invitation_id == invitation.id)
                           .values(next_invitation_id=None))
    else:
        invitation.earlier_links.append(EarlierLink(
            token_hash=invitation.token_hash, short_code_hash=invitation.short_code_hash,
            created_at=invitation.resent_at or invitation.created_at))
    invitation.token_hash = hash_token(token)
    invitation.short_code_hash = None  # the new link's letter gets a code of its own
    invitation.resent_at = now
    invitation.expires_at = now + link_life(invitation.enrolment, invitation.followup_months)
    db.session.flush()
    return token


def chain(invitation: Invitation, limit: int = 4) -> list[Invitation]:
    """The surveys a link runs, in order: its own, then any run after it on the same
    link (one hand-out at exit); `limit` keeps a loop in the data from spinning."""
    found: list[Invitation] = []
    current: Invitation | None = invitation
    while current is not None and len(found) < limit:
        found.append(current)
        current = current.next_invitation
    return found


def give_short_code(invitation: Invitation) -> str:
    """A short code for the letter, typed on /kod; like the token, only its hash is kept."""
    code = new_short_code()
    invitation.short_code_hash = hash_short_code(code)
    db.session.flush()
    return code


def short_code_address() -> str:
    """Where a short code is typed: the public address of /kod."""
    return _public("code.enter")


def language_of(invitation: Invitation) -> i18n.Language:
    """The language to address the participant in: the one they chose on this survey,
    else the one the handledare noted at enrolment, else Svenska."""
    response = invitation.response
    if response is not None:
        return i18n.language("lattlast" if response.easy else response.language)
    return i18n.language(invitation.enrolment.participant.language)


def hand_out_together(enrolment: Enrolment, questionnaires: list[Questionnaire],
                      occasion: str) -> tuple[Invitation, str] | None:
    """One link for several surveys of one occasion (the avslut surveys at exit): each
    unanswered one gets a new link (an earlier separate link keeps working), chained
    in the order given; the participant's link is the first one's. None if all answered.
    """
    chained: list[tuple[Invitation, str]] = []
    for questionnaire in questionnaires:
        existing = next((i for i in enrolment.invitations
                         if i.questionnaire_key == questionnaire.key
                         and occasion_of(i) == occasion), None)
        if existing is not None and existing.response is not None \
                and existing.response.submitted_at is not None:
            continue
        if existing is None:
            token = create(enrolment, questionnaire, occasion)
            existing = enrolment.invitations[-1]
        else:
            token = rotate(existing)
        chained.append((existing, token))
    if not chained:
        return None
    for (invitation, _token), (following, _next_token) in itertools.pairwise(chained):
        invitation.next_invitation_id = following.id
    chained[-1][0].next_invitation_id = None
    db.session.flush()
    return chained[0]
