"""One report for chosen insatser: shared by the web page, the downloads and `flask report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import current_app

from analysis.report import ReportOptions, report_from_columns
from analysis.targets import Target as AnalysisTarget
from questionnaires.vocabulary import followup_occasion

from ..models import Insats, Target, TargetBase, TargetKind
from ..staff.status import ROLES, fits, uses
from ..validators import age_bounds


def report_for(insatser: Sequence[Insats], date_from: dt.date | None, date_to: dt.date | None,
               site: str | None, title: str) -> tuple[dict[str, Any], ReportOptions]:
    """The report dict, with each insats's own targets (checked on its own participants)
    and the förbund's list of exit outcomes that count as work or studies."""
    options = report_options(insatser, date_from, date_to, site, title)
    # PyArrow only when a report is made: see columns.py.
    from .columns import enrolment_columns, one_snapshot, report_columns

    ids = [i.id for i in insatser]
    registry = current_app.extensions["stegvis.questionnaires"]
    with one_snapshot():
        enrolments = enrolment_columns(ids)
        columns = report_columns(ids, registry, enrolments)
    return report_from_columns(*columns, options, enrolments, registry), options


def report_options(insatser: Sequence[Insats], date_from: dt.date | None,
                   date_to: dt.date | None, site: str | None, title: str) -> ReportOptions:
    """What a report of these insatser shows (also what its audit line names)."""
    return ReportOptions(
        date_from=date_from, date_to=date_to, insatser=tuple(i.name for i in insatser),
        site=site or None,
        # The site breakdown's groups: every site of the insatser, answered or not.
        sites=tuple(sorted({s.name for i in insatser for s in i.sites})),
        targets=tuple(_target(i, t) for i in sorted(insatser, key=lambda i: i.name)
                      for t in i.targets),
        not_handed_out=_not_handed_out(insatser),
        title=title,
        **_organisation_settings(insatser),
    )


def _not_handed_out(insatser: Sequence[Insats]) -> tuple[str, ...]:
    """The loaded questionnaires that could be an insats's indicators or self-assessment
    but are neither for any of these insatser (a follow-up questionnaire is no role's)."""
    registry = current_app.extensions["stegvis.questionnaires"]
    used = {key for insats in insatser for key in uses(insats).values()}
    return tuple(sorted({questionnaire.key for questionnaire in registry.all()
                         if questionnaire.key not in used and any(
                             fits(questionnaire, ours) for ours in ROLES)}))


def _target(insats: Insats, target: Target) -> AnalysisTarget:
    return analysis_target(target, insats.name)


def analysis_target(target: Target, insats: str | None = None) -> AnalysisTarget:
    """A stored target as the report checks it (on `insats`'s participants)."""
    kind = TargetKind(target.kind)
    # A follow-up target's occasion is its point's ("uppfoljning-12"), as in the answers.
    occasion = followup_occasion(target.months) if kind == TargetKind.followup \
        else str(target.occasion)
    # An item target is checked on the questionnaire it was set on (issue 22).
    questionnaire = (target.questionnaire_key or None) if kind == TargetKind.item else None
    return AnalysisTarget(target.item_id, occasion, target.threshold, insats, str(kind),
                          questionnaire=questionnaire, outcomes=target.outcome_list,
                          months=target.months or None, base=str(TargetBase(target.base)))


def _organisation_settings(insatser: Sequence[Insats]) -> dict[str, Any]:
    """The förbund's report settings (all insatser of a report are one förbund's)."""
    if not insatser:
        return {}
    organisation = insatser[0].organisation
    bounds = age_bounds(organisation.age_bands)
    return {"pagaende_days": organisation.pagaende_due_days,
            "work_outcomes": organisation.counted_outcomes,
            "followup_months": organisation.followup_months,
            **({"age_bands": bounds} if bounds else {})}
