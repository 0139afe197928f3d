"""A throwaway app on a SQLite file with participants and invitations, for benchmarks."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Flask

from survey import create_app, invitations
from survey.extensions import db
from survey.models import BornAbroad, Enrolment, Gender, Insats, Organisation, Participant

CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def app_with_invitations(folder: Path, codes: list[str], questionnaire: str = "sjalvskattning",
                         occasion: str = "start") -> tuple[Flask, dict[str, str]]:
    """The app, and a token per participant code."""
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db",
        # One client sends every request here: keep the limiter's cost, not its refusals.
        "PARTICIPANT_RATE_LIMIT": "1000000 per minute",
    })
    tokens = {}
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="Bench")
        insats = Insats(organisation=organisation, name="Bench")
        db.session.add_all([organisation, insats])
        db.session.flush()
        registry = app.extensions["stegvis.questionnaires"]
        for code in codes:
            participant = Participant(organisation_id=organisation.id, pseudonym=code,
                                      gender=Gender.kvinna, born_abroad=BornAbroad.nej)
            enrolment = Enrolment(participant=participant, insats=insats,
                                  start_date=dt.date(2026, 1, 1))
            db.session.add_all([participant, enrolment])
            db.session.flush()
            tokens[code] = invitations.create(enrolment, registry.latest(questionnaire), occasion)
        db.session.commit()
    return app, tokens
