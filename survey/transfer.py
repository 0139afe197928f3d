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

from analysis.csv_rows import read_answers_csv

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


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organisation", "organisation_name", default=None)
def import_csv(path: Path, organisation_name: str | None) -> None:
    """Load answers from a CSV file (paper surveys, earlier data); all or nothing."""
    organisation = organisation_named(organisation_name)
    result = read_answers_csv(path, current_app.extensions["stegvis.questionnaires"])
    problems = [str(error) for error in result.errors]
    if not problems:
        problems = importing.check(result.rows)
    if not problems:
        plan, problems = importing.prepare(organisation, result.rows)
        db.session.rollback()  # end the reading transaction before writing
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"Inget importerades: {len(problems)} fel i {path.name}.", err=True)
        raise SystemExit(1)
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
    # The write transaction's length is how long participants could be kept waiting.
    click.echo(f"{len(result.rows)} svar importerade från {path.name} "
               f"(skrivningen tog {time.perf_counter() - started:.2f} s).")


@click.command("report")
@click.option("--insats", "insats_names", required=True, multiple=True, help="Insatsens namn.")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--site", default=None, help="Bara en ort.")
@click.option("--organisation", "organisation_name", default=None)
@click.option("--json", "as_json", is_flag=True, help="Skriv rapporten som JSON.")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--lang", type=click.Choice(["sv", "en"]), default="sv",
              help="Rapportens språk (sv eller en).")
@click.option("--appendix", is_flag=True,
              help="Ta med bilagan med siffror per grupp i PDF-filen (--pdf).")
def report(insats_names, date_from, date_to, site, organisation_name, as_json, pdf_path,  # type: ignore[no-untyped-def]
           xlsx_path, lang, appendix) -> None:
    """The indicator report from the database, e.g. for a board meeting or a cron job."""
    from flask_babel import force_locale

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
    built, _options = report_for(insatser, date_from and date_from.date(),
                                 date_to and date_to.date(), site, title)
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

