"""Flask commands: flask --app wsgi init-db | demo | invite."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app
from sqlalchemy import select

from . import database, invitations
from .extensions import db
from .models import BornAbroad, Enrolment, Gender, Insats, Organisation, Participant, Role, User


def _registry():  # type: ignore[no-untyped-def]
    return current_app.extensions["stegvis.questionnaires"]


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic upgrade head)."""
    database.upgrade()
    click.echo("Databasen är klar.")


@click.command("invite")
@click.option("--insats", "insats_name", required=True, help="Insatsens namn.")
@click.option("--participant", "code", required=True, help="Deltagarens kod (pseudonym).")
@click.option("--questionnaire", "key", required=True, help="t.ex. finsam-indikatorer")
@click.option("--occasion", required=True, type=click.Choice(["start", "pagaende", "avslut"]))
@click.option("--version", type=int, default=None, help="Enkätversion (senaste om utelämnad).")
@click.option("--gender", type=click.Choice([g.value for g in Gender]), default="okänt")
@click.option("--site", "site_name", default=None, help="Ort, om deltagaren är ny.")
def invite(insats_name, code, key, occasion, version, gender, site_name) -> None:  # type: ignore[no-untyped-def]
    """Create an invitation (and the enrolment if needed); print the participant link last."""
    registry = _registry()
    questionnaire = registry.get(key, version) if version else None
    if questionnaire is None:
        try:
            questionnaire = registry.latest(key) if version is None else None
        except ValueError:
            questionnaire = None
    if questionnaire is None:
        raise click.UsageError(f"Okänd enkät: {key}")
    insats = db.session.scalar(select(Insats).where(Insats.name == insats_name))
    if insats is None:
        raise click.UsageError(f"Okänd insats: {insats_name}")
    enrolment = _find_or_enrol(insats, code, Gender(gender), site_name)
    try:
        token = invitations.create(enrolment, questionnaire, occasion)
    except invitations.InvitationError as error:
        raise click.UsageError(str(error)) from error
    db.session.commit()
    click.echo(f"Inbjudan: {questionnaire.ident}, {occasion}, deltagare {code}")
    click.echo(invitations.public_link(token))


def _find_or_enrol(insats: Insats, code: str, gender: Gender, site_name: str | None) -> Enrolment:
    participant = db.session.scalar(
        select(Participant).where(
            Participant.organisation_id == insats.organisation_id, Participant.pseudonym == code
        )
    )
    if participant is None:
        participant = Participant(
            organisation_id=insats.organisation_id,
            pseudonym=code,
            gender=gender,
            born_abroad=BornAbroad.okant,
        )
        db.session.add(participant)
    for enrolment in participant.enrolments:
        if enrolment.insats_id == insats.id and enrolment.end_date is None:
            return enrolment
    site = next((s for s in insats.sites if s.name == site_name), None)
    if site_name and site is None:
        raise click.UsageError(f"Insatsen {insats.name} har ingen ort {site_name}")
    enrolment = Enrolment(
        participant=participant, insats=insats, site=site, start_date=dt.date.today()
    )
    db.session.add(enrolment)
    db.session.flush()
    return enrolment


@click.command("purge")
def purge() -> None:
    """Anonymise participants past the retention period (safe to run daily from cron)."""
    from .retention import purge as run_purge

    count = run_purge()
    db.session.commit()
    click.echo(f"{count} deltagare anonymiserade.")


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.admin.value)
@click.option("--organisation", "organisation_name", required=True,
              help="Förbundets namn; skapas om det inte finns.")
@click.password_option(envvar="STEGVIS_NEW_PASSWORD", help="Lösenord (frågas om det saknas).")
def create_user(email, name, role, organisation_name, password) -> None:  # type: ignore[no-untyped-def]
    """Create a staff account, e.g. the förbund's first admin."""
    from .auth.passwords import MIN_LENGTH, hash_password

    if len(password) < MIN_LENGTH:
        raise click.UsageError(f"Lösenordet måste ha minst {MIN_LENGTH} tecken.")
    email = email.strip().lower()
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise click.UsageError(f"Det finns redan ett konto för {email}.")
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == organisation_name))
    if organisation is None:
        organisation = Organisation(name=organisation_name)
        db.session.add(organisation)
        db.session.flush()
    db.session.add(User(organisation_id=organisation.id, email=email, name=name, role=Role(role),
                        password_hash=hash_password(password)))
    db.session.commit()
    click.echo(f"Kontot {email} ({role}) är skapat i {organisation.name}.")


def init_app(app: Flask) -> None:
    from . import demo, transfer
    from .questionnaire_cli import questionnaire_cli

    for command in (init_db, invite, demo.demo, purge, create_user, transfer.export,
                    transfer.import_csv, transfer.report, questionnaire_cli):
        app.cli.add_command(command)
