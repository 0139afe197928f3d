"""Which translated questionnaire texts await a human reviewer, and signing one off.

Every translation of a Stegvis questionnaire version was written by the Stegvis team
first. Each (language, questionnaire version) stays marked "awaiting review" on the
admins' settings page until someone records who reviewed it. The sign-off is for the
whole installation (the catalogs are shared), recorded with the admin who entered it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_login import current_user
from sqlalchemy import select

from questionnaires import Questionnaire
from questionnaires.loader import DEFAULT_DIRECTORY

from . import audit
from .extensions import db
from .i18n import PARTICIPANT_LANGUAGES
from .models import TranslationReview

# Swedish is the source text; every other participant language is a translation.
REVIEWED_LANGUAGES = tuple(lang for lang in PARTICIPANT_LANGUAGES if lang.code != "sv")


@dataclass(frozen=True)
class ReviewRow:
    language: str
    native_name: str
    questionnaire: str  # ident, e.g. "finsam-indikatorer/v2"
    name: str
    reviewer: str | None
    signed_at: dt.datetime | None

    @property
    def pending(self) -> bool:
        return self.reviewer is None


def reviewed_questionnaires() -> list[Questionnaire]:
    """The versions of each questionnaire Stegvis ships that new invitations can use
    (a new version, and the one before it that older enrolments keep): the texts in our
    catalogs (a förbund's own files carry their own translations)."""
    registry = current_app.extensions["stegvis.questionnaires"]
    shipped = {q.key for q in registry.all() if (DEFAULT_DIRECTORY / q.source).is_file()}
    return [q for key in sorted(shipped) for q in reversed(registry.in_use(key))]


def rows() -> list[ReviewRow]:
    signed = {
        (r.language, f"{r.questionnaire_key}/v{r.questionnaire_version}"): r
        for r in db.session.scalars(select(TranslationReview))
    }
    out = []
    for questionnaire in reviewed_questionnaires():
        for language in REVIEWED_LANGUAGES:
            found = signed.get((language.code, questionnaire.ident))
            out.append(ReviewRow(
                language.code, language.native_name, questionnaire.ident, questionnaire.name,
                found.reviewer if found else None, found.signed_at if found else None,
            ))
    return out


def sign_off(language: str, ident: str, reviewer: str) -> bool:
    """Record that `reviewer` checked this translation; False when there is nothing to
    sign (unknown language or questionnaire, or already signed)."""
    row = next((r for r in rows() if (r.language, r.questionnaire) == (language, ident)), None)
    if row is None or not row.pending:
        return False
    key, _, version = ident.rpartition("/v")
    db.session.add(TranslationReview(
        language=language, questionnaire_key=key, questionnaire_version=int(version),
        reviewer=reviewer, organisation_id=current_user.organisation_id,
        user_id=current_user.id,
    ))
    audit.record("translation_reviewed", f"{language} {ident}: {reviewer}")
    return True
