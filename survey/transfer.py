"""`flask export` and `flask import`: the CSV interface of docs/data-format.md.

Import is all or nothing: the file is checked whole (analysis' strict reader), then
checked against the database, and only a file without a single problem is written, in one
transaction. Imported answers are not tied to a usable link: their invitations get a
random token hash nobody knows and are already submitted.
"""

from __future__ import annotations

import secrets
import sys
from collections import defaultdict
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from analysis.cells import restore
from analysis.csv_rows import read_answers_csv
from analysis.rows import AnswerRow

from . import audit
from .extensions import db
from .models import (
    Answer,
    Assisted,
    BornAbroad,
    Enrolment,
    Gender,
    Insats,
    Invitation,
    Occasion,
    Organisation,
    Participant,
    Response,
    Site,
)
from .reports.rows import answer_rows, write_csv
from .tokens import hash_token


def _organisation(name: str | None) -> Organisation:
    organisations = list(db.session.scalars(select(Organisation)))
    if name:
        found = [o for o in organisations if o.name == name]
        if not found:
            raise click.UsageError(f"Okänt förbund: {name}")
        return found[0]
    if len(organisations) != 1:
        raise click.UsageError("Ange förbundet med --organisation (det finns flera eller inget).")
    return organisations[0]


def _insatser(organisation: Organisation, names: tuple[str, ...]) -> list[Insats]:
    insatser = list(db.session.scalars(select(Insats).where(
        Insats.organisation_id == organisation.id, Insats.name.in_(names))))
    missing = set(names) - {i.name for i in insatser}
    if missing:
        raise click.UsageError(f"Okänd insats: {', '.join(sorted(missing))}")
    return insatser


@click.command("export")
@click.option("--insats", "insats_names", required=True, multiple=True, help="Insatsens namn.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--organisation", "organisation_name", default=None)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Fil att skriva till (annars standard ut).")
def export(insats_names, date_from, date_to, organisation_name, output) -> None:  # type: ignore[no-untyped-def]
    """Write the answers of one or more insatser as CSV, one row per answer."""
    organisation = _organisation(organisation_name)
    insatser = _insatser(organisation, insats_names)
    rows = answer_rows([i.id for i in insatser], date_from and date_from.date(),
                       date_to and date_to.date())
    if output is None:
        count = write_csv(rows, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as handle:
            count = write_csv(rows, handle)
    audit.record("export_csv", ", ".join(sorted(insats_names)), organisation_id=organisation.id)
    db.session.commit()
    click.echo(f"{count} svar exporterade.", err=True)


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_name", default=None)
def import_csv(path: Path, organisation_name: str | None) -> None:
    """Load answers from a CSV file (paper surveys, earlier data); all or nothing."""
    organisation = _organisation(organisation_name)
    result = read_answers_csv(path, current_app.extensions["stegvis.questionnaires"])
    problems = [str(error) for error in result.errors]
    if not problems:
        problems = _load(organisation, result.rows)
    if problems:
        db.session.rollback()
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"Inget importerades: {len(problems)} fel i {path.name}.", err=True)
        raise SystemExit(1)
    audit.record("import_csv", path.name, organisation_id=organisation.id)
    db.session.commit()
    click.echo(f"{len(result.rows)} svar importerade från {path.name}.")


def _load(organisation: Organisation, rows: list[AnswerRow]) -> list[str]:
    """Add the rows to the session; returns problems found against the database."""
    problems: list[str] = []
    responses: dict[tuple, list[AnswerRow]] = defaultdict(list)
    for row in rows:
        responses[(row.participant, row.insats, row.site, row.questionnaire, row.version,
                   row.occasion, row.submitted_at)].append(row)
    insatser = {i.name: i for i in db.session.scalars(
        select(Insats).where(Insats.organisation_id == organisation.id))}
    people = {p.pseudonym: p for p in db.session.scalars(
        select(Participant).where(Participant.organisation_id == organisation.id))}
    for answers in responses.values():
        head = answers[0]
        insats = insatser.get(head.insats)
        if insats is None:
            insats = Insats(organisation_id=organisation.id, name=head.insats)
            db.session.add(insats)
            insatser[head.insats] = insats
        site = None
        if head.site:
            site = next((s for s in insats.sites if s.name == head.site), None)
            if site is None:
                site = Site(name=head.site)
                insats.sites.append(site)
        person = people.get(head.participant)
        if person is None:
            person = Participant(organisation_id=organisation.id, pseudonym=head.participant,
                                 gender=Gender(head.gender), birth_year=head.birth_year,
                                 born_abroad=BornAbroad(head.born_abroad))
            db.session.add(person)
            people[head.participant] = person
        elif str(person.gender) != head.gender:
            problems.append(f"Deltagaren {head.participant}: kön {head.gender} i filen men "
                            f"{person.gender} i Stegvis.")
            continue
        enrolment = next((e for e in person.enrolments if e.insats is insats
                          and (e.site is site)), None)
        day = head.submitted_at.date()
        if enrolment is None:
            enrolment = Enrolment(participant=person, insats=insats, site=site, start_date=day)
            db.session.add(enrolment)
        enrolment.start_date = min(enrolment.start_date, day)
        duplicate = any(
            inv.questionnaire_key == head.questionnaire
            and inv.questionnaire_version == head.version
            and str(inv.occasion) == head.occasion and inv.response is not None
            and inv.response.submitted_at == head.submitted_at
            for inv in enrolment.invitations
        )
        if duplicate:
            problems.append(f"Deltagaren {head.participant}: svaret från "
                            f"{head.submitted_at:%Y-%m-%d %H:%M} finns redan (dubbel import?).")
            continue
        invitation = Invitation(
            enrolment=enrolment, questionnaire_key=head.questionnaire,
            questionnaire_version=head.version, occasion=Occasion(head.occasion),
            token_hash=hash_token(secrets.token_urlsafe(24)), created_at=head.submitted_at,
            expires_at=head.submitted_at,
        )
        invitation.response = Response(
            language=head.language, easy=head.easy, assisted=Assisted(head.assisted),
            started_at=head.submitted_at, updated_at=head.submitted_at,
            submitted_at=head.submitted_at,
            answers=[Answer(item_id=a.item, value=a.value, comment=restore(a.comment))
                     for a in answers],
        )
        db.session.add(invitation)
    if not problems:
        db.session.flush()
    return problems


@click.command("report")
@click.option("--insats", "insats_names", required=True, multiple=True, help="Insatsens namn.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--site", default=None, help="Bara en ort.")
@click.option("--organisation", "organisation_name", default=None)
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
def report(insats_names, date_from, date_to, site, organisation_name, as_json, pdf_path,  # type: ignore[no-untyped-def]
           xlsx_path) -> None:
    """The indicator report from the database, e.g. for a board meeting or a cron job."""
    import json

    from analysis import pdf, text, xlsx

    from .reports.build import report_for

    organisation = _organisation(organisation_name)
    insatser = _insatser(organisation, insats_names)
    built, _options = report_for(insatser, date_from and date_from.date(),
                                 date_to and date_to.date(), site,
                                 f"{organisation.name}: " + ", ".join(sorted(insats_names)))
    registry = current_app.extensions["stegvis.questionnaires"]
    if pdf_path:
        pdf.write_pdf(built, pdf_path, registry=registry)
    if xlsx_path:
        xlsx.write_xlsx(built, xlsx_path)
    audit.record("report_cli", ", ".join(sorted(insats_names)), organisation_id=organisation.id)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(built, ensure_ascii=False, indent=2, default=str))
    elif not (pdf_path or xlsx_path):
        click.echo(text.summary(built))

