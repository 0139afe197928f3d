"""One report for chosen insatser: shared by the web page, the downloads and `flask report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import current_app

from analysis.report import ReportOptions, report_from_columns
from analysis.targets import Target as AnalysisTarget

from ..models import Insats
from ..validators import age_bounds
from .rows import enrolment_columns, report_columns


def report_for(insatser: Sequence[Insats], date_from: dt.date | None, date_to: dt.date | None,
               site: str | None, title: str) -> tuple[dict[str, Any], ReportOptions]:
    """The report dict, with the targets the insatser report against."""
    targets = {(t.item_id, str(t.occasion)): t.threshold for i in insatser for t in i.targets}
    options = ReportOptions(
        date_from=date_from, date_to=date_to, insatser=tuple(i.name for i in insatser),
        site=site or None,
        targets=tuple(AnalysisTarget(item, occasion, threshold)
                      for (item, occasion), threshold in sorted(targets.items())),
        title=title,
        **_organisation_settings(insatser),
    )
    ids = [i.id for i in insatser]
    registry = current_app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(ids)
    return report_from_columns(*report_columns(ids, registry, enrolments), options, enrolments,
                               registry), options


def _organisation_settings(insatser: Sequence[Insats]) -> dict[str, Any]:
    """The förbund's report settings (all insatser of a report are one förbund's)."""
    if not insatser:
        return {}
    organisation = insatser[0].organisation
    bounds = age_bounds(organisation.age_bands)
    return {"pagaende_days": organisation.pagaende_due_days,
            **({"age_bands": bounds} if bounds else {})}
