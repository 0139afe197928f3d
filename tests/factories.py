"""Test data made the same way everywhere: a participant with one invitation."""

from __future__ import annotations

import datetime as dt

from flask import current_app

from questionnaires.vocabulary import followup_months
from survey import invitations
from survey.extensions import db
from survey.models import BornAbroad, Enrolment, ExitOutcome, Gender, Insats, Participant


def participant_with_invitation(insats: Insats, code: str, key: str = "finsam-indikatorer",
                                occasion: str = "avslut", expired: bool = False,
                                version: int | None = None) -> str:
    """Enrol a new participant at the insats's first site and invite them; the token."""
    registry = current_app.extensions["stegvis.questionnaires"]
    participant = Participant(organisation_id=insats.organisation_id, pseudonym=code,
                              gender=Gender.kvinna, birth_year=1990, born_abroad=BornAbroad.nej)
    enrolment = Enrolment(participant=participant, insats=insats, site=insats.sites[0],
                          start_date=dt.date(2026, 1, 1))
    if followup_months(occasion) is not None:
        # A follow-up is asked of someone whose exit is recorded.
        enrolment.end_date, enrolment.exit_outcome = dt.date(2026, 3, 31), ExitOutcome.arbete
    db.session.add_all([participant, enrolment])
    questionnaire = (registry.get(key, version) if version
                     else invitations.questionnaire_for(enrolment, key))
    token = invitations.create(enrolment, questionnaire, occasion)
    if expired:
        enrolment.invitations[-1].expires_at = dt.datetime(2020, 1, 1)
    db.session.commit()
    return token
