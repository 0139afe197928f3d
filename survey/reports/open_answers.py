"""Open answers: the participants' own comments per insats and item, for förbund admins.

A comment is personal data in the participant's own words, so the page keeps everything
else about the person away from it:

- no pseudonym, date, language, site or any other per-person field is fetched, only the
  text and the group it belongs to (insats, questionnaire version, occasion, item);
- the comments of a group come in a fresh random order on every view (the operating
  system's randomness), so their order cannot be lined up with ids, times or the
  Dataexport;
- a group's comments are shown only when the published count of the people of the
  selection who answered that item there is at least `MIN_BASE` (the comment itself may
  be from fewer: the threshold is on who could have written it). The count is published
  as every count of the report is (`analysis.perturbation.publish`, from the people's
  record keys), so comparing the page over months or sites shows no more than the
  report does;
- every view that shows comments is written to the audit log with its selection.

The selection is the report's form (insatser, whole months, ort); the period selects the
answers given in it, as the Dataexport does.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, render_template, request
from flask_babel import gettext
from sqlalchemy import Select, select

from analysis.instruments import about_versions, heading
from analysis.labels import occasion_name
from analysis.perturbation import Cell, publish
from analysis.shares import MIN_BASE
from questionnaires import Registry
from questionnaires.model import OCCASIONS

from .. import audit
from ..auth.access import ADMIN, requires
from ..extensions import db
from ..i18n import staff_locale
from ..models import Answer, Enrolment, Insats, Invitation, Participant, Response, Site
from . import bp
from .dataexport import period_text
from .routes import _form as report_form  # the report's own selection, scoped to the user
from .rows import occasion_text, submitted_in

# (insats name, questionnaire key, version, occasion, item id)
Key = tuple[str, str, int, str, str]

# Seeded by the operating system on every call, not by a reproducible seed: nobody can
# replay or predict the order a view showed.
_RANDOM = random.SystemRandom()


@dataclass
class ItemComments:
    """One item's comments in one insats, questionnaire version and occasion."""

    question: str
    shown: bool  # False: published fewer than MIN_BASE answered; nothing said of comments
    comments: list[str] = field(default_factory=list)


@dataclass
class Section:
    """The items of one questionnaire version at one occasion in one insats."""

    insats: str
    heading: str
    occasion: str
    items: list[ItemComments] = field(default_factory=list)


def _selected(query: Select, insats_ids: list[int], site: str | None,  # type: ignore[type-arg]
              date_from: dt.date | None, date_to: dt.date | None) -> Select:  # type: ignore[type-arg]
    """The answers of submitted responses in the selection."""
    query = (
        query.select_from(Answer)
        .join(Response, Answer.response_id == Response.id)
        .join(Invitation, Response.invitation_id == Invitation.id)
        .join(Enrolment, Invitation.enrolment_id == Enrolment.id)
        .join(Insats, Enrolment.insats_id == Insats.id)
        .where(Response.submitted_at.is_not(None), Enrolment.insats_id.in_(insats_ids))
    )
    if site:
        query = query.join(Site, Enrolment.site_id == Site.id).where(Site.name == site)
    return submitted_in(query, date_from, date_to)


_GROUP = (Insats.name, Invitation.questionnaire_key, Invitation.questionnaire_version,
          occasion_text(), Answer.item_id)


def _comment_items(registry: Registry) -> set[str]:
    return {item.id for q in registry.all() for item in q.items if item.comment}


def answered_counts(insats_ids: list[int], site: str | None, date_from: dt.date | None,
                    date_to: dt.date | None, registry: Registry) -> dict[Key, Cell]:
    """The people who answered each item that takes a comment, per group: a Cell of
    their record keys, each person once, for the caller to publish."""
    query = _selected(
        select(*_GROUP, Enrolment.participant_id, Participant.record_key).distinct()
        .where(Answer.item_id.in_(sorted(_comment_items(registry)))),
        insats_ids, site, date_from, date_to,
    ).join(Participant, Enrolment.participant_id == Participant.id)
    keys: dict[Key, list[int]] = {}
    for insats, key, version, occasion, item, _person, record_key in db.session.execute(query):
        keys.setdefault((insats, key, int(version), str(occasion), item), []).append(record_key)
    return {group: Cell.of(people) for group, people in keys.items()}


def comment_texts(insats_ids: list[int], site: str | None, date_from: dt.date | None,
                  date_to: dt.date | None) -> dict[Key, list[str]]:
    """The comments of each group: the text only, nothing about who wrote it."""
    query = _selected(
        select(*_GROUP, Answer.comment).where(Answer.comment.is_not(None), Answer.comment != ""),
        insats_ids, site, date_from, date_to,
    )
    out: dict[Key, list[str]] = {}
    for insats, key, version, occasion, item, text in db.session.execute(query):
        out.setdefault((insats, key, int(version), str(occasion), item), []).append(text)
    return out


def sections(answered: Mapping[Key, int], comments: Mapping[Key, list[str]],
             registry: Registry, min_group: int = MIN_BASE,
             shuffle: Callable[[list[str]], None] = _RANDOM.shuffle) -> list[Section]:
    """The page's sections in questionnaire order, each group's comments shuffled; a group
    whose published count of people who answered is under `min_group` keeps its comments
    to itself."""
    versions = {(key, version) for _, key, version, _, _ in answered}
    named = about_versions(registry, versions)
    if staff_locale() != "sv":  # the English name where the file gives one
        named = {ident: {**about, "name": about["name_en"] or about["name"]}
                 for ident, about in named.items()}
    about = {"questionnaires": named}
    grouped: dict[tuple[str, str, int, str], dict[str, int]] = {}
    for (insats, key, version, occasion, item), count in answered.items():
        grouped.setdefault((insats, key, version, occasion), {})[item] = count
    out = []
    for insats, key, version, occasion in sorted(grouped, key=_section_order):
        questionnaire = registry.get(key, version)
        if questionnaire is None:
            continue
        section = Section(insats, heading(about, questionnaire.ident),
                          occasion_name(occasion, gettext))
        counts = grouped[(insats, key, version, occasion)]
        for item in questionnaire.items:
            if not item.comment or item.id not in counts:
                continue
            shown = counts[item.id] >= min_group
            texts = list(comments.get((insats, key, version, occasion, item.id), ())) \
                if shown else []
            shuffle(texts)
            section.items.append(ItemComments(_question(item.text), shown, texts))
        if section.items:
            out.append(section)
    return out


def _section_order(group: tuple[str, str, int, str]) -> tuple[str, str, int, int]:
    insats, key, version, occasion = group
    return (insats, key, -version,
            OCCASIONS.index(occasion) if occasion in OCCASIONS else len(OCCASIONS))


def _question(text) -> str:  # type: ignore[no-untyped-def]
    """The question as staff read it: the staff language's catalog, where the standard
    Swedish text is the msgid (a translation in the file itself wins)."""
    return text.translated(staff_locale()) or gettext(text.standard)


@bp.get("/oppna-svar")
@requires(ADMIN)
def open_answers() -> Any:
    form, insatser = report_form()
    result = None
    valid = bool(request.args) and form.validate()
    if valid and not form.insats.data:
        form.insats.errors = [gettext("Välj minst en insats.")]
    elif valid:
        chosen = [insatser[i] for i in form.insats.data if i in insatser]
        ids = [i.id for i in chosen]
        site = form.ort.data or None
        registry = current_app.extensions["stegvis.questionnaires"]
        # Logged before anything is read: a view that fails is still a view to know of.
        date_from, date_to = form.period()
        audit.record("open_answers", "; ".join([
            ", ".join(sorted(i.name for i in chosen)),
            period_text(date_from, date_to), site or "alla orter"]))
        db.session.commit()
        result = sections(
            publish(answered_counts(ids, site, date_from, date_to, registry)),
            comment_texts(ids, site, date_from, date_to), registry)
    status = 400 if request.args and form.errors else 200
    return render_template("reports/open_answers.html", form=form, result=result,
                           min_group=MIN_BASE,
                           query=request.query_string.decode()), status
