"""One report for chosen insatser: shared by the web page, the downloads and `flask report`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from flask import current_app

from analysis.outcomes import WORK_OR_STUDIES
from analysis.report import ReportOptions, report_from_entries
from analysis.targets import Target as AnalysisTarget

from ..models import Insats, Target, TargetKind
from .rows import enrolment_columns, report_entries


def report_for(insatser: Sequence[Insats], date_from: dt.date | None, date_to: dt.date | None,
               site: str | None, title: str) -> tuple[dict[str, Any], ReportOptions]:
    """The report dict, with each insats's own targets (checked on its own participants)
    and the förbund's list of exit outcomes that count as work or studies."""
    options = ReportOptions(
        date_from=date_from, date_to=date_to, insatser=tuple(i.name for i in insatser),
        site=site or None,
        targets=tuple(_target(i, t) for i in sorted(insatser, key=lambda i: i.name)
                      for t in i.targets),
        title=title,
        work_outcomes=(insatser[0].organisation.counted_outcomes if insatser
                       else WORK_OR_STUDIES),
    )
    ids = [i.id for i in insatser]
    registry = current_app.extensions["stegvis.questionnaires"]
    enrolments = enrolment_columns(ids)
    entries = report_entries(ids, registry, options.selection, enrolments)
    return report_from_entries(entries, options, enrolments, registry), options


def _target(insats: Insats, target: Target) -> AnalysisTarget:
    return AnalysisTarget(target.item_id, str(target.occasion), target.threshold, insats.name,
                          str(TargetKind(target.kind)))
