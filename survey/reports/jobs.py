"""Reports made beside the web workers, with the database as the queue (`report_job`).

A report (the page's figures, PDF, Excel, CSV) takes seconds of CPU; made inside a web
request it held a gunicorn worker that participants needed (12 PDFs at once froze the
service). Here a request only asks (`ask`): it finds the job for the same parameters on
the same data (`survey/data_version.py`), joins it, or queues a new one within the
user's limits, and answers at once. The report runner (`flask report-worker`, a process of
its own at lower priority beside gunicorn; runner.py) claims queued jobs, a fixed number
at a time, makes them and keeps the bytes in the row, where every app server finds them.
A result is served until its förbund's data change; the runner then clears it.

No job library is used: none that is kept up covers both SQLite and PostgreSQL as its
queue (Celery's SQLAlchemy transport is experimental and may run a message twice; huey's
SQL storage brings the peewee ORM and tables outside Alembic; pgqueuer, procrastinate
and pq are PostgreSQL only), and what is needed is small: a claim safe between several
runners and servers (`claim`), one job per parameters and data version (a unique key),
and per-user limits.

Tests and `STEGVIS_REPORT_RUNNER=inline` make the job at once in the asking request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from analysis.selection import Month, period

from .. import data_version
from ..extensions import db
from ..models import DataVersion, Insats, JobState, Organisation, ReportJob, utcnow

log = logging.getLogger(__name__)

KINDS = ("visning", "pdf", "xlsx", "csv")
NAME = "stegvis-rapport"
# A job running this long has lost its runner (killed, machine restarted): it fails, and
# asking again queues it anew.
STUCK_AFTER = dt.timedelta(minutes=15)
# A result made for older data stays this long for whoever was waiting for it (their
# page asks by job id), then its bytes go; rows go after a day (the hourly limit counts
# them until then).
STALE_GRACE = dt.timedelta(minutes=10)
FORGET_AFTER = dt.timedelta(days=1)
ACTIVE = (JobState.queued, JobState.running)


@dataclass(frozen=True)
class Params:
    """Everything a report depends on besides the data. `day`: an open period ends today."""

    kind: str
    insatser: tuple[int, ...]
    fran: str
    till: str
    ort: str
    bilaga: bool
    lang: str
    day: str

    def canonical(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)

    def digest(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()

    @classmethod
    def read(cls, text: str) -> Params:
        values = json.loads(text)
        return cls(**{**values, "insatser": tuple(values["insatser"])})


class Refused(Exception):
    """Over the user's limit: nothing was queued. The message is in the user's language."""


def ask(params: Params, organisation_id: int, user_id: int,
        job_id: int | None = None) -> ReportJob:
    """The job that makes (or made) this report: the one a waiting page asks about
    (`job_id`), the one for the same parameters on today's data, or a new one."""
    digest = params.digest()
    if job_id is not None:
        waited = db.session.get(ReportJob, job_id)
        if (waited is not None and waited.params_hash == digest
                and waited.organisation_id == organisation_id
                and not (waited.state == JobState.done and waited.result is None)):
            return waited
    version = data_version.current(organisation_id)
    job = _find(digest, version)
    if job is not None and job.state != JobState.failed:
        return job
    _within_limits(user_id)
    now = utcnow()
    if job is None:
        job = ReportJob(organisation_id=organisation_id, user_id=user_id, kind=params.kind,
                        params=params.canonical(), params_hash=digest, data_version=version,
                        created_at=now)
        db.session.add(job)
    else:  # it failed: asked again, it is made again
        job.user_id, job.created_at, job.error = user_id, now, ""
        job.started_at = job.finished_at = None
    job.state = JobState.queued
    try:
        db.session.commit()
    except IntegrityError:  # another request queued the same report just now: join it
        db.session.rollback()
        job = _find(digest, version)
        assert job is not None  # noqa: S101 - the unique key said it exists
        return job
    if current_app.config["REPORT_RUNNER"] == "inline":
        if claim(job.id):
            make(job.id)
        db.session.refresh(job)
    return job


def _find(digest: str, version: int) -> ReportJob | None:
    return db.session.scalar(select(ReportJob).where(ReportJob.params_hash == digest,
                                                     ReportJob.data_version == version))


def _within_limits(user_id: int) -> None:
    """A fair share for each staff user: a few reports in the making at once, and a
    bounded number of new ones an hour (asking for one already made costs nothing)."""
    config = current_app.config
    mine = select(func.count()).select_from(ReportJob).where(ReportJob.user_id == user_id)
    busy = db.session.scalar(mine.where(ReportJob.state.in_(ACTIVE))) or 0
    most = int(config["REPORT_JOBS_PER_USER"])
    if busy >= most:
        raise Refused(ngettext(
            "Du har redan %(num)d rapport som görs. Vänta tills den är klar och försök "
            "sedan igen.",
            "Du har redan %(num)d rapporter som görs. Vänta tills någon av dem är klar och "
            "försök sedan igen.", most))
    hourly = int(config["REPORT_JOBS_PER_HOUR"])
    recent = db.session.scalar(mine.where(ReportJob.created_at >= utcnow()
                                          - dt.timedelta(hours=1))) or 0
    if recent >= hourly:
        raise Refused(gettext(
            "Du har beställt %(num)d nya rapporter den senaste timmen, så många som går. "
            "Rapporter som redan är gjorda kan du fortfarande hämta. Försök igen om en "
            "stund.", num=hourly))


def claim(job_id: int | None = None) -> int | None:
    """Take the oldest queued job (or the one given) for this runner; None when there is
    none. Safe between runners on several servers: on PostgreSQL the row is read FOR
    UPDATE SKIP LOCKED (another runner passes it by), and on both databases the state
    changes only WHERE it is still queued, so exactly one runner's UPDATE counts."""
    while True:
        query = select(ReportJob.id).where(ReportJob.state == JobState.queued)
        if job_id is not None:
            query = query.where(ReportJob.id == job_id)
        found = db.session.scalar(query.order_by(ReportJob.id).limit(1)
                                  .with_for_update(skip_locked=True))
        if found is None:
            db.session.commit()
            return None
        won = db.session.execute(
            update(ReportJob).where(ReportJob.id == found, ReportJob.state == JobState.queued)
            .values(state=JobState.running, started_at=utcnow()),
            execution_options={"synchronize_session": False}).rowcount == 1
        db.session.commit()
        if won:
            return found
        if job_id is not None:
            return None


def make(job_id: int) -> None:
    """Make a claimed job's report and keep it (or the failure) in its row."""
    job = db.session.get(ReportJob, job_id)
    assert job is not None  # noqa: S101 - claimed just now
    params = Params.read(job.params)
    try:
        with current_app.test_request_context(), force_locale(params.lang):
            result, content_type, filename = _produce(params, job.organisation_id)
    except Exception as error:  # kept for the operator; the user reads a kind sentence
        log.exception("report job %s failed", job_id)
        db.session.rollback()
        job = db.session.get(ReportJob, job_id)
        assert job is not None  # noqa: S101
        job.state, job.error = JobState.failed, f"{type(error).__name__}: {error}"[:2000]
    else:
        job.result, job.content_type, job.filename = result, content_type, filename
        job.state = JobState.done
    job.finished_at = utcnow()
    db.session.commit()


def _produce(params: Params, organisation_id: int) -> tuple[bytes, str, str]:
    from .build import report_for
    from .view import build_view, named_for_reader, staff_numbers

    found = {i.id: i for i in db.session.scalars(select(Insats).where(
        Insats.id.in_(params.insatser), Insats.organisation_id == organisation_id))}
    if len(found) != len(params.insatser):
        raise LookupError("an insats of the report no longer exists")
    chosen = [found[i] for i in params.insatser]
    organisation = db.session.get(Organisation, organisation_id)
    assert organisation is not None  # noqa: S101 - the job's own förbund
    title = f"{organisation.name}: " + ", ".join(i.name for i in chosen)
    months = (Month.parse(text) if text else None for text in (params.fran, params.till))
    built, _options = report_for(chosen, *period(*months), params.ort or None, title)
    registry = current_app.extensions["stegvis.questionnaires"]
    if params.kind == "visning":
        html = render_template("reports/_made.html", view=build_view(built, registry, gettext))
        return html.encode("utf-8"), "text/html; charset=utf-8", ""
    if params.kind == "pdf":
        from .document import render_pdf

        return (render_pdf(built, registry, title, appendix=params.bilaga), "application/pdf",
                f"{NAME}.pdf")
    built = named_for_reader(built, staff_numbers().locale)
    if params.kind == "csv":  # the report's tables: aggregates only, like the Excel file
        from analysis.report_csv import write_report_csv

        buffer = io.StringIO()
        write_report_csv(built, buffer, gettext)
        return buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"{NAME}.csv"
    from analysis import xlsx  # openpyxl only when a file is asked for

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{NAME}.xlsx"
        xlsx.write_xlsx(built, path, gettext)
        return path.read_bytes(), xlsx.MIMETYPE, f"{NAME}.xlsx"


def tidy(now: dt.datetime | None = None) -> None:
    """The runner's housekeeping: fail jobs whose runner died, clear results made for
    data that have changed since (after a grace for whoever waited for them), and forget
    old rows."""
    now = now or utcnow()
    options = {"synchronize_session": False}
    db.session.execute(
        update(ReportJob).where(ReportJob.state == JobState.running,
                                ReportJob.started_at < now - STUCK_AFTER)
        .values(state=JobState.failed, error="the runner stopped", finished_at=now),
        execution_options=options)
    current = (select(DataVersion.version)
               .where(DataVersion.organisation_id == ReportJob.organisation_id)
               .scalar_subquery())
    db.session.execute(
        update(ReportJob).where(ReportJob.result.is_not(None),
                                ReportJob.finished_at < now - STALE_GRACE,
                                ReportJob.data_version < current)
        .values(result=None), execution_options=options)
    db.session.execute(
        delete(ReportJob).where(ReportJob.state.not_in(ACTIVE),
                                ReportJob.created_at < now - FORGET_AFTER),
        execution_options=options)
    db.session.commit()
