"""Whose questions a report shows: each questionnaire version's name, owner and licence,
so that a board never mistakes Stegvis' own wording for the national FINSAM instrument."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from questionnaires import Registry

from .i18n import Translate, untranslated


def about_versions(registry: Registry, versions: Iterable[tuple[str, int]]) -> dict[str, Any]:
    """ident -> name, name_en, owner, licence, version, for every version in the report."""
    out: dict[str, Any] = {}
    for key, version in sorted(set(versions)):
        questionnaire = registry.get(key, version)
        if questionnaire is None:
            continue
        about = questionnaire.about
        out[questionnaire.ident] = {
            "name": questionnaire.name,
            "name_en": about.name_en or None,
            "owner": about.owner or None,
            "licence": about.licence or None,
            "version": version,
        }
    return out


def heading(report: dict[str, Any], ident: str | None, _: Translate = untranslated) -> str:
    """ "Stegvis indikatorfrågor (egen formulering), version 2" for a report heading: the
    questionnaire's own name (a name, so not translated), never its key."""
    if ident is None:
        return ""
    about = report.get("questionnaires", {}).get(ident)
    if about is None:
        return ident
    return _("%(name)s, version %(version)s") % {"name": about["name"],
                                                 "version": about["version"]}


def key_name(report: dict[str, Any], key: str) -> str:
    """The name of a questionnaire key (its newest version in the report), e.g. for the
    missing-answers table, which counts per key."""
    named = [a for ident, a in report.get("questionnaires", {}).items()
             if ident.rpartition("/v")[0] == key]
    return max(named, key=lambda a: a["version"])["name"] if named else key


def notes(report: dict[str, Any], _: Translate = untranslated) -> list[str]:
    """One line per questionnaire version: name, owner and licence, for every output."""
    return [
        _("%(heading)s: ägare %(owner)s. %(licence)s") % {
            "heading": heading(report, ident, _),
            "owner": about["owner"] or _("inte angiven"),
            "licence": about["licence"] or _("Licens inte angiven.")}
        for ident, about in report.get("questionnaires", {}).items()
    ]
