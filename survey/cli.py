"""Flask commands: flask --app wsgi init-db | demo | invite."""

from __future__ import annotations

import datetime as dt

import click
from flask import Flask, current_app
from sqlalchemy import select

from . import database, invitations
from .extensions import db
from .models import BornAbroad, Enrolment, Gender, Insats, Participant


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


def init_app(app: Flask) -> None:
    from . import demo

    for command in (init_db, invite, demo.demo):
        app.cli.add_command(command)
