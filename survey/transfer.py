"""`flask export` and `flask import`: the CSV interface of docs/data-format.md.

Import is all or nothing; how it checks, prepares and writes is in importing.py.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from analysis.csv_rows import is_unknown_insats, read_answers_csv
from analysis.selection import Month, MonthError, period

from . import audit, importing
from .cli import organisation_named
from .extensions import db
from .models import Insats, Organisation
from .reports.rows import answer_rows, write_csv


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
    organisation = organisation_named(organisation_name)
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


def _places(organisation: Organisation) -> dict[str, set[str]]:
    """The förbund's insatser, each with its site names: what an import may name."""
    places: dict[str, set[str]] = {}
    for insats in db.session.scalars(select(Insats).where(
            Insats.organisation_id == organisation.id)):
        places[insats.name] = {site.name for site in insats.sites}
    return places


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_name", default=None)
@click.option("--create-insats", "create_insats", is_flag=True,
              help="Skapa insatser i filen som inte finns ännu, med deras orter.")
def import_csv(path: Path, organisation_name: str | None, create_insats: bool) -> None:
    """Load answers from a CSV file (paper surveys, earlier data); all or nothing.

    Every insats and site must exist already (a typo would otherwise become a new
    insats), unless --create-insats says that new ones are meant."""
    organisation = organisation_named(organisation_name)
    too_large = importing.size_problem(path, current_app.config["IMPORT_MAX_ROWS"])
    if too_large is not None:
        click.echo(too_large, err=True)
        click.echo(f"Inget importerades: 1 fel i {path.name}.", err=True)
        raise SystemExit(1)
    places = _places(organisation)
    result = read_answers_csv(path, current_app.extensions["stegvis.questionnaires"],
                              places, new_insatser=create_insats)
    problems = [str(error) for error in result.errors]
    if not problems:
        problems = importing.check(result.rows, organisation.participant_code_pattern)
    if not problems:
        plan, problems = importing.prepare(organisation, result.rows)
        db.session.rollback()  # end the reading transaction before writing
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        if not create_insats and any(map(is_unknown_insats, result.errors)):
            click.echo("Är det en ny insats? Kör igen med --create-insats.", err=True)
        click.echo(f"Inget importerades: {len(problems)} fel i {path.name}.", err=True)
        raise SystemExit(1)
    created = _new_places(places, result.rows)
    started = time.perf_counter()
    try:
        importing.write(plan)
        audit.record("import_csv", path.name, organisation_id=organisation.id)
        db.session.commit()
    except Exception:
        db.session.rollback()
        click.echo(f"Inget importerades: {path.name} kunde inte skrivas (ändrades något "
                   "samtidigt? Försök igen).", err=True)
        raise
    for name, sites in created.items():
        click.echo(f"Ny insats: {name}" + (f" (orter: {', '.join(sorted(sites))})"
                                            if sites else ""))
    # The write transaction's length is how long participants could be kept waiting.
    click.echo(f"{len(result.rows)} svar importerade från {path.name} "
               f"(skrivningen tog {time.perf_counter() - started:.2f} s).")


def _new_places(places: dict[str, set[str]], rows) -> dict[str, set[str]]:  # type: ignore[no-untyped-def]
    """The insatser (with their sites) an import creates, to say so."""
    created: dict[str, set[str]] = {}
    for row in rows:
        if row.insats not in places:
            sites = created.setdefault(row.insats, set())
            if row.site:
                sites.add(row.site)
    return created


class MonthType(click.ParamType):
    """A whole month, YYYY-MM (`Month.parse`, as the report form reads it)."""

    name = "ÅÅÅÅ-MM"

    def convert(self, value, param, ctx) -> Month:  # type: ignore[no-untyped-def]
        if isinstance(value, Month):
            return value
        try:
            return Month.parse(str(value))
        except MonthError as error:
            self.fail(str(error), param, ctx)


@click.command("report")
@click.option("--insats", "insats_names", required=True, multiple=True, help="Insatsens namn.")
@click.option("--from", "first", type=MonthType(), default=None,
              help="Första månaden, ÅÅÅÅ-MM (rapporter gäller hela månader).")
@click.option("--to", "last", type=MonthType(), default=None,
              help="Sista månaden, ÅÅÅÅ-MM; den här månaden räknas till och med i dag.")
@click.option("--site", default=None, help="Bara en ort.")
@click.option("--organisation", "organisation_name", default=None)
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv",
              help="Rapportens språk (sv eller en).")
@click.option("--appendix", is_flag=True,
              help="Ta med bilagan med siffror per grupp i PDF-filen (--pdf).")
def report(insats_names, first, last, site, organisation_name, as_json, pdf_path,  # type: ignore[no-untyped-def]
           xlsx_path, lang, appendix) -> None:
    """The indicator report from the database, e.g. for a board meeting or a cron job."""
    from flask_babel import force_locale

    try:
        date_from, date_to = period(first, last)
    except MonthError as error:
        raise click.UsageError(str(error)) from None
    with force_locale(lang):
        _report(insats_names, date_from, date_to, site, organisation_name, as_json, pdf_path,
                xlsx_path, appendix)


def _report(insats_names, date_from, date_to, site, organisation_name, as_json, pdf_path,  # type: ignore[no-untyped-def]
            xlsx_path, appendix=False) -> None:
    import json

    from flask_babel import gettext

    from analysis import text, xlsx

    from .reports.build import report_for
    from .reports.document import write_pdf
    from .reports.view import named_for_reader, staff_numbers

    organisation = organisation_named(organisation_name)
    insatser = _insatser(organisation, insats_names)
    title = f"{organisation.name}: " + ", ".join(sorted(insats_names))
    built, _options = report_for(insatser, date_from, date_to, site, title)
    registry = current_app.extensions["stegvis.questionnaires"]
    if pdf_path:
        write_pdf(built, pdf_path, registry, title, appendix=appendix)
    numbers = staff_numbers()
    if xlsx_path:
        xlsx.write_xlsx(named_for_reader(built, numbers.locale), xlsx_path, gettext)
    audit.record("report_cli", ", ".join(sorted(insats_names)), organisation_id=organisation.id)
    db.session.commit()
    if as_json:
        click.echo(json.dumps(built, ensure_ascii=False, indent=2, default=str))
    elif not (pdf_path or xlsx_path):
        click.echo(text.summary(named_for_reader(built, numbers.locale), gettext, numbers))

