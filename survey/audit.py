"""The audit log: logins (and failed ones), exports, changes to insatser, enrolments and
links, views of a participant, report views and downloads, deletions and purges. Helpers
only add and flush (report_made also commits: a report view writes nothing else)."""

from __future__ import annotations

from typing import Any

from flask_login import current_user

from .extensions import db
from .models import AuditEvent, Participant, User


def record(action: str, subject: str = "", *, user: User | None = None,
           organisation_id: int | None = None, participant: Participant | None = None,
           reason: str = "") -> None:
    actor = user if user is not None else (
        current_user if current_user and current_user.is_authenticated else None
    )
    if organisation_id is None:
        if actor is not None:
            organisation_id = actor.organisation_id
        elif participant is not None:
            organisation_id = participant.organisation_id
    event = AuditEvent(
        action=action,
        subject=subject[:300],
        reason=reason[:500],
        user_id=actor.id if actor is not None else None,
        organisation_id=organisation_id,
        participant_id=participant.id if participant is not None else None,
    )
    db.session.add(event)
    db.session.flush()


# The report's formats as the log names them: the page itself, and its three downloads.
REPORT_ACTIONS = {"visning": "report_view", "pdf": "report_pdf", "xlsx": "report_xlsx",
                  "csv": "report_csv"}


def report_subject(options: Any, kind: str) -> str:
    """What a report showed, in one searchable line: insatser; period; site; format.
    (`options` is the report's analysis.report.ReportOptions.)"""
    period = f"{options.date_from or '…'} – {options.date_to or '…'}"
    return "; ".join([", ".join(options.insatser), f"period {period}",
                      f"ort {options.site or 'alla'}", f"format {kind}"])


def report_made(kind: str, options: Any) -> None:
    """A report shown or downloaded: who and when are the event's own, the rest in the
    subject, so that a series of reports narrowed onto few people can be seen afterwards
    (the log page filters on it)."""
    record(REPORT_ACTIONS[kind], report_subject(options, kind))
    db.session.commit()
