"""`flask --app wsgi demo`: a demo förbund to try Stegvis with. Safe to run again."""

from __future__ import annotations

import datetime as dt
import secrets

import click
from argon2 import PasswordHasher
from flask import current_app
from sqlalchemy import select

from . import invitations
from .extensions import db
from .models import (
    BornAbroad,
    Enrolment,
    Gender,
    Insats,
    Organisation,
    Participant,
    Role,
    Site,
    User,
)

ORGANISATION = "Samordningsförbundet Demo"
INSATS = "Vägen framåt"
SITES = ("Skövde", "Tibro")
STAFF = (
    ("admin@demo.stegvis.local", "Anna Admin", Role.admin),
    ("handledare@demo.stegvis.local", "Hanna Handledare", Role.handledare),
)
PARTICIPANTS = (
    ("D-001", Gender.kvinna, 1991, BornAbroad.nej, "Skövde"),
    ("D-002", Gender.man, 1984, BornAbroad.ja, "Tibro"),
    ("D-003", Gender.kvinna, 1978, BornAbroad.ja, "Skövde"),
)
# Which surveys each demo participant is handed: (questionnaire key, occasion).
SURVEYS = (("sjalvskattning", "start"), ("finsam-indikatorer", "pagaende"))


def _get_or_add(model, **where):  # type: ignore[no-untyped-def]
    found = db.session.scalar(select(model).filter_by(**where))
    if found is None:
        found = model(**where)
        db.session.add(found)
        db.session.flush()
    return found


@click.command("demo")
def demo() -> None:
    """Create the demo förbund, insats, staff and participants; print logins and links."""
    registry = current_app.extensions["stegvis.questionnaires"]
    organisation = _get_or_add(Organisation, name=ORGANISATION)
    insats = _get_or_add(Insats, organisation_id=organisation.id, name=INSATS)
    insats.start_date = insats.start_date or dt.date.today().replace(month=1, day=1)
    sites = {name: _get_or_add(Site, insats_id=insats.id, name=name) for name in SITES}

    hasher = PasswordHasher()
    click.echo("Demo-inloggning för personal (lösenorden är nya varje gång demo körs):")
    for email, name, role in STAFF:
        password = secrets.token_urlsafe(9)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, organisation_id=organisation.id, name=name, role=role)
            db.session.add(user)
        user.password_hash = hasher.hash(password)
        if role is Role.handledare and insats not in user.insatser:
            user.insatser.append(insats)
        click.echo(f"  {role.value:<11} {email}  lösenord: {password}")

    click.echo("Demo-länkar för deltagare:")
    for code, gender, year, abroad, site_name in PARTICIPANTS:
        participant = db.session.scalar(
            select(Participant).where(
                Participant.organisation_id == organisation.id, Participant.pseudonym == code
            )
        )
        if participant is None:
            participant = Participant(
                organisation_id=organisation.id, pseudonym=code, gender=gender,
                birth_year=year, born_abroad=abroad,
            )
            enrolment = Enrolment(
                participant=participant, insats=insats, site=sites[site_name],
                start_date=dt.date.today() - dt.timedelta(days=60),
            )
            db.session.add_all([participant, enrolment])
            db.session.flush()
        enrolment = participant.enrolments[0]
        for key, occasion in SURVEYS:
            questionnaire = registry.latest(key)
            token = invitations.create(enrolment, questionnaire, occasion)
            link = invitations.public_link(token)
            click.echo(f"  {code}  {questionnaire.ident:<22} {occasion:<9} {link}")
    db.session.commit()
