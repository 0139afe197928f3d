"""flask questionnaire check FILE: validate a questionnaire file and show what was read."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from questionnaires import Questionnaire, QuestionnaireError, load_file
from questionnaires.describe import describe

from . import catalogs
from .i18n import PARTICIPANT_LANGUAGES

questionnaire_cli = AppGroup("questionnaire", help="Frågeformulär (TOML-filer).")


def coverage(questionnaire: Questionnaire) -> list[tuple[str, str, int]]:
    """Per participant language: how many texts it has, from the file or our catalogs."""
    out = []
    texts = questionnaire.texts()
    for code, po in catalogs.participant_catalogs():
        language = next(lang for lang in PARTICIPANT_LANGUAGES if lang.code == code)
        if language.easy:
            count = sum(text.has_easy for text in texts)
        else:
            catalog = catalogs.read(po) if po.exists() else None
            count = sum(
                1 for text in texts
                if text.translated(code) or (catalog and _translated(catalog, text.standard))
            )
        out.append((code, language.native_name, count))
    return out


def _translated(catalog, msgid: str) -> bool:  # type: ignore[no-untyped-def]
    message = catalog.get(msgid)
    return bool(message is not None and message.string and not message.fuzzy)


@questionnaire_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(path: Path) -> None:
    """Read FILE as Stegvis would; print its items, scale and languages, or the problem."""
    try:
        questionnaire = load_file(path)
    except QuestionnaireError as error:
        raise click.ClickException(str(error)) from error
    click.echo(describe(questionnaire, coverage))
    loaded = current_app.extensions["stegvis.questionnaires"].get(
        questionnaire.key, questionnaire.version)
    if loaded is not None and loaded.source != path.name:
        raise click.ClickException(
            f"{questionnaire.ident} finns redan ({loaded.source}): ge filen en ny version "
            "eller en egen nyckel.")
