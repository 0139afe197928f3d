"""Flask commands: flask --app wsgi init-db | demo | invite."""

from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import select

from questionnaires.vocabulary import Gender, Occasion, values

from . import audit, database, invitations, participants, validators
from .extensions import db
from .models import Insats, Organisation, Participant, Role, User


def _registry():  # type: ignore[no-untyped-def]
    return current_app.extensions["stegvis.questionnaires"]


@click.command("init-db")
def init_db() -> None:
    """Create or upgrade the database schema (Alembic upgrade head)."""
    database.upgrade()
    click.echo("Databasen är klar.")


@click.command("invite")
@click.option("--insats", "insats_name", required=True, help="Insatsens namn.")
@click.option("--organisation", "organisation_name", default=None,
              help="Förbundets namn (krävs när det finns flera förbund).")
@click.option("--participant", "code", default=None,
              help="Deltagarens kod (pseudonym); utan den gör Stegvis en ny, t.ex. D-0427.")
@click.option("--questionnaire", "key", required=True, help="t.ex. finsam-indikatorer")
@click.option("--occasion", required=True, type=click.Choice(values(Occasion)))
@click.option("--version", type=int, default=None,
              help="Enkätversion (om utelämnad: den inskrivningen besvarar).")
@click.option("--gender", type=click.Choice(values(Gender)), default=Gender.okant.value)
@click.option("--site", "site_name", default=None, help="Ort, om deltagaren är ny.")
def invite(insats_name, organisation_name, code, key, occasion, version, gender, site_name) -> None:  # type: ignore[no-untyped-def]
    """Create an invitation (and the enrolment if needed); print the participant link last."""
    registry = _registry()
    known = registry.keys()
    if key not in known or (version and registry.get(key, version) is None):
        raise click.UsageError(f"Okänd enkät: {key}")
    organisation = organisation_named(organisation_name)
    code = _participant_code(organisation, code)
    insats = db.session.scalar(select(Insats).where(
        Insats.organisation_id == organisation.id, Insats.name == insats_name))
    if insats is None:
        raise click.UsageError(f"Okänd insats i {organisation.name}: {insats_name}")
    site = next((s for s in insats.sites if s.name == site_name), None)
    if site_name and site is None:
        raise click.UsageError(f"Insatsen {insats.name} har ingen ort {site_name}")
    enrolled = participants.find_or_enrol(insats, code, participants.Person(Gender(gender)), site)
    db.session.flush()
    questionnaire = (registry.get(key, version) if version
                     else invitations.questionnaire_for(enrolled.enrolment, key))
    try:
        token = invitations.create(enrolled.enrolment, questionnaire, occasion)
    except invitations.InvitationError as error:
        raise click.UsageError(str(error)) from error
    audit.record("link_created", f"{questionnaire.ident} {occasion} (flask invite)",
                 participant=enrolled.enrolment.participant)
    db.session.commit()
    click.echo(f"Inbjudan: {questionnaire.ident}, {occasion}, deltagare {code}")
    click.echo(invitations.public_link(token))


def _participant_code(organisation: Organisation, code: str | None) -> str:
    """The code given, if the förbund's rule for codes allows it, or a new one Stegvis
    makes when none is given and the förbund has no format of its own."""
    if code is None:
        if organisation.participant_code_pattern:
            raise click.UsageError("Ange --participant: förbundet har ett eget format för "
                                   f"deltagarkoder ({organisation.participant_code_pattern}).")
        return participants.new_code(organisation.id)
    code = code.strip()
    problem = validators.pseudonym_problem(code, organisation.participant_code_pattern)
    if problem is not None:
        raise click.UsageError(f"Deltagarkoden {code!r}: {problem}")
    return code


@click.command("check-codes")
@click.option("--organisation", "organisation_name", default=None,
              help="Förbundets namn (krävs när det finns flera förbund).")
def check_codes(organisation_name: str | None) -> None:
    """List the participant codes that break the rule for codes (a name, a personnummer,
    not the förbund's format), so an admin can correct them; exit status 1 if any."""
    organisation = organisation_named(organisation_name)
    pattern = organisation.participant_code_pattern
    found = 0
    for participant_id, code in db.session.execute(
            select(Participant.id, Participant.pseudonym)
            .where(Participant.organisation_id == organisation.id)
            .order_by(Participant.pseudonym)):
        problem = validators.pseudonym_problem(code, pattern)
        if problem is not None:
            found += 1
            click.echo(f"{code}\t{problem}\t/personal/deltagare/{participant_id}")
    if found:
        click.echo(f"{found} deltagarkoder i {organisation.name} följer inte reglerna. Rätta "
                   "dem under Deltagare (sökvägen ovan) och byt koden i er egen förteckning.")
        raise SystemExit(1)
    click.echo(f"Alla deltagarkoder i {organisation.name} följer reglerna.")


def organisation_named(name: str | None) -> Organisation:
    """The förbund a command works in: by name, or the only one there is."""
    organisations = list(db.session.scalars(select(Organisation)))
    if name:
        found = [o for o in organisations if o.name == name]
        if not found:
            raise click.UsageError(f"Okänt förbund: {name}")
        return found[0]
    if len(organisations) != 1:
        raise click.UsageError("Ange förbundet med --organisation (det finns flera eller inget).")
    return organisations[0]


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
    from .auth.passwords import hash_password

    email = email.strip().lower()
    problem = validators.password_problem(password, name, email)
    if problem is not None:
        raise click.UsageError(str(problem))
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
    from .reports.runner import report_worker

    for command in (init_db, invite, check_codes, demo.demo, purge, create_user, transfer.export,
                    transfer.import_csv, transfer.report, questionnaire_cli, report_worker):
        app.cli.add_command(command)
