"""Reports are made by the report runner beside the web workers, with the database as the
queue (issue 23, point 2): a request answers at once, one job per parameters and data
version, per-user limits, a kind failure, and claiming that is safe between runners. On
SQLite and PostgreSQL, with the real runner (survey/reports/runner.py), in this process
and as `flask report-worker`."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from survey import data_version
from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    Enrolment,
    JobState,
    ReportJob,
    Response,
    utcnow,
)
from survey.reports import jobs, runner

from .test_answering_journey import answer, choose_language, submit
from .test_reports_web import answered  # noqa: F401  (the fixture: six answers)

REPORT = "/personal/rapporter/"
# The waiting page's link to look again (its script follows it once the report is made).
REFRESH = re.compile(r'data-next="([^"]+)"')
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def queued(app):  # type: ignore[no-untyped-def]
    """Reports go to the queue, as in production (the suite makes them inline)."""
    app.config["REPORT_RUNNER"] = "worker"
    return app


def run_runner(app) -> int:  # type: ignore[no-untyped-def]
    """The runner's own loop until the queue is empty: returns how many it made."""
    return runner.work(app, threading.Event(), idle_exit=True)


def count(*where) -> int:  # type: ignore[no-untyped-def]
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(ReportJob).where(*where))


def report_events() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.subject)
                                   .where(AuditEvent.action.like("report_%"))
                                   .order_by(AuditEvent.id)))


def test_the_page_answers_at_once_and_shows_the_report_when_made(queued, admin_client,
                                                                 answered):  # noqa: F811
    waiting = admin_client.get(f"{REPORT}?insats={answered.id}")
    assert waiting.status_code == 200
    assert "Rapporten görs …" in waiting.text and "report-wait.js" in waiting.text
    refresh = REFRESH.search(waiting.text).group(1).replace("&amp;", "&")
    assert refresh.startswith(f"{REPORT}?insats={answered.id}&jobb=")
    assert f'href="{REFRESH.search(waiting.text).group(1)}"' in waiting.text  # no script needed
    assert "http-equiv" not in waiting.text  # never refreshed under a screen reader's feet
    state = REPORT + f"jobb/{refresh.rsplit('=', 1)[1]}"
    assert admin_client.get(state).json == {"state": "queued"}
    assert "<table" not in waiting.text and report_events() == []  # not delivered yet
    # Looking again before it is made: still waiting, and still one job.
    assert "Rapporten görs" in admin_client.get(refresh).text
    assert count() == 1 and count(ReportJob.state == JobState.queued) == 1

    assert run_runner(queued) == 1
    made = admin_client.get(refresh)
    assert made.status_code == 200 and "<table" in made.text
    assert "data-report-state" not in made.text and "report-wait.js" not in made.text
    assert admin_client.get(state).json == {"state": "done"}
    # The download links carry the report's parameters, not the job's id.
    assert f"ladda-ner.pdf?insats={answered.id}\"" in made.text
    assert report_events() == ["Testinsatsen; period … – …; ort alla; format visning"]
    # The same report on the same data is served as made, without a new job.
    again = admin_client.get(f"{REPORT}?insats={answered.id}")
    assert "<table" in again.text and count() == 1
    assert len(report_events()) == 2  # each delivery is audited


def test_a_download_waits_with_202_then_serves_the_file(queued, admin_client,
                                                        answered):  # noqa: F811
    url = f"{REPORT}ladda-ner.csv?insats={answered.id}&ort=Skövde"
    waiting = admin_client.get(url)
    assert waiting.status_code == 202 and "Rapporten görs" in waiting.text
    refresh = REFRESH.search(waiting.text).group(1).replace("&amp;", "&")
    assert "/ladda-ner.csv?" in refresh and "jobb=" in refresh
    run_runner(queued)
    made = admin_client.get(refresh)
    assert made.status_code == 200 and made.mimetype == "text/csv"
    assert "attachment; filename=stegvis-rapport.csv" in made.headers["Content-Disposition"]
    assert made.data == admin_client.get(url).data  # kept, served again
    assert count() == 1
    assert report_events()[-1] == "Testinsatsen; period … – …; ort Skövde; format csv"


def test_one_job_per_parameters_and_data_version(queued, admin_client, handledare_client,
                                                 answered):  # noqa: F811
    url = f"{REPORT}ladda-ner.csv?insats={answered.id}"
    admin_client.get(url)
    handledare_client.get(url)  # another user asking the same joins the job
    assert count() == 1
    run_runner(queued)
    before = count()
    admin_client.get(f"{url}&till=2026-12")  # other parameters: another job
    assert count() == before + 1
    # The data change (a participant submits): the next request makes it anew.
    token_client = queued.test_client()
    from .factories import participant_with_invitation

    token = participant_with_invitation(answered, "R-NY")
    version = data_version.current(answered.organisation_id)
    choose_language(token_client, token, "sv")
    answer(token_client, token, 5, "4")
    db.session.rollback()
    assert data_version.current(answered.organisation_id) == version  # not submitted yet
    submit(token_client, token)
    db.session.rollback()
    assert data_version.current(answered.organisation_id) == version + 1
    waiting = admin_client.get(url)
    assert waiting.status_code == 202
    run_runner(queued)
    assert count(ReportJob.params_hash == db.session.scalar(
        select(ReportJob.params_hash).order_by(ReportJob.id).limit(1))) == 2
    # The runner clears results made for older data (after the grace for anyone waiting).
    assert count(ReportJob.result.is_not(None)) == 3
    with queued.app_context():
        jobs.tidy(utcnow() + jobs.STALE_GRACE + dt.timedelta(minutes=1))
    assert count(ReportJob.result.is_not(None)) == 1  # the one made for today's data
    assert admin_client.get(url).status_code == 200  # the current one is still there


def test_staff_writes_and_imports_move_the_data_version(app, insats, make_user):
    organisation = insats.organisation_id
    start = data_version.current(organisation)
    insats.sites[0].name = "Skara"
    db.session.commit()
    assert data_version.current(organisation) == start + 1
    db.session.rollback()
    from .factories import participant_with_invitation

    participant_with_invitation(insats, "V-1")
    moved = data_version.current(organisation)
    assert moved > start + 1
    enrolment = db.session.scalar(select(Enrolment))
    enrolment.end_date = dt.date(2026, 1, 31)
    db.session.commit()
    assert data_version.current(organisation) == moved + 1
    make_user("admin")  # not report data
    assert data_version.current(organisation) == moved + 1
    data_version.changed(db.session, organisation)  # what the import does after its inserts
    db.session.commit()
    assert data_version.current(organisation) == moved + 2
    db.session.rollback()
    data_version.changed(db.session, organisation)
    db.session.rollback()
    assert data_version.current(organisation) == moved + 2


def test_each_user_has_a_fair_limit(queued, admin_client, handledare_client,
                                    answered):  # noqa: F811
    queued.config["REPORT_JOBS_PER_USER"] = 2
    assert admin_client.get(f"{REPORT}?insats={answered.id}").status_code == 200
    assert admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}").status_code == 202
    refused = admin_client.get(f"{REPORT}ladda-ner.xlsx?insats={answered.id}")
    assert refused.status_code == 429
    assert "Du har redan 2 rapporter som görs." in refused.text
    assert count() == 2  # nothing queued for the refused one
    page = admin_client.get(f"{REPORT}?insats={answered.id}&ort=Skövde")
    assert page.status_code == 429 and "Du har redan 2 rapporter som görs." in page.text
    # Someone else's share is their own, and asking for a job in the making costs nothing.
    assert handledare_client.get(f"{REPORT}ladda-ner.xlsx?insats={answered.id}")\
        .status_code == 202
    assert admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}").status_code == 202
    run_runner(queued)
    assert admin_client.get(f"{REPORT}ladda-ner.xlsx?insats={answered.id}").status_code == 200
    # New reports an hour: made ones can still be fetched.
    queued.config["REPORT_JOBS_PER_HOUR"] = 3
    assert admin_client.get(f"{REPORT}?insats={answered.id}&till=2026-11").status_code == 200
    hourly = admin_client.get(f"{REPORT}?insats={answered.id}&till=2026-10")
    assert hourly.status_code == 429
    assert "Du har beställt 3 nya rapporter den senaste timmen" in hourly.text
    assert admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}").status_code == 200


def test_the_limit_is_in_english_for_english_staff(queued, admin_client,
                                                   answered):  # noqa: F811
    queued.config["REPORT_JOBS_PER_USER"] = 1
    page = admin_client.get(REPORT)
    from .conftest import csrf_token

    admin_client.post("/personal/sprak", data={"csrf_token": csrf_token(page.text),
                                               "sprak": "en", "next": REPORT})
    waiting = admin_client.get(f"{REPORT}?insats={answered.id}")
    assert "The report is being made" in waiting.text
    refused = admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}")
    assert refused.status_code == 429 and "You already have 1 report being made" in refused.text


def test_a_failed_report_is_said_kindly_and_can_be_asked_again(queued, admin_client,
                                                               answered):  # noqa: F811
    # An answer to an item its questionnaire does not have: the report cannot be made.
    response = db.session.scalar(select(Response).where(Response.submitted_at.is_not(None)))
    db.session.add(Answer(response_id=response.id, item_id="finns-inte", value=1))
    db.session.commit()
    url = f"{REPORT}?insats={answered.id}"
    refresh = REFRESH.search(admin_client.get(url).text).group(1).replace("&amp;", "&")
    run_runner(queued)
    failed = admin_client.get(refresh)
    assert failed.status_code == 500
    assert "Rapporten kunde inte göras. Felet är vårt, inte ditt urval." in failed.text
    assert "finns-inte" not in failed.text and "Traceback" not in failed.text
    assert "data-report-state" not in failed.text and ">Försök igen</a>" in failed.text
    job = db.session.scalar(select(ReportJob))
    assert job.state == JobState.failed and "finns-inte" in job.error
    assert report_events() == []
    # Asked again, the same job is queued again (no second row).
    assert "Rapporten görs" in admin_client.get(url).text
    assert count() == 1 and count(ReportJob.state == JobState.queued) == 1
    run_runner(queued)
    # The data put right: made on the new data.
    db.session.delete(db.session.scalar(select(Answer).where(Answer.item_id == "finns-inte")))
    db.session.commit()
    assert "Rapporten görs" in admin_client.get(url).text
    run_runner(queued)
    assert "<table" in admin_client.get(url).text and count() == 2


def test_claiming_is_safe_between_runners(queued, admin_client, answered):  # noqa: F811
    for month in range(1, 7):
        admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}&till=2026-{month:02d}")
    queued.config["REPORT_JOBS_PER_USER"] = 10
    ids = sorted(db.session.scalars(select(ReportJob.id)))
    assert len(ids) == 2  # the user's limit held the rest back
    for month in range(3, 7):
        admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}&till=2026-{month:02d}")
    ids = sorted(db.session.scalars(select(ReportJob.id)))
    assert len(ids) == 6
    claimed: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        while True:
            with queued.app_context():
                job_id = jobs.claim()
                db.session.remove()
            if job_id is None:
                return
            with lock:
                claimed.append(job_id)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(claimed) == ids  # each job once, by exactly one runner
    assert count(ReportJob.state == JobState.running) == 6


def test_a_claimed_row_is_passed_by(queued, admin_client, answered):  # noqa: F811
    """PostgreSQL: a runner holding a row (FOR UPDATE) makes another skip it; SQLite: the
    second claim of a row already running finds nothing to win."""
    admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}")
    job_id = db.session.scalar(select(ReportJob.id))
    db.session.rollback()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as holder:
            holder.execute(select(ReportJob.id).where(ReportJob.id == job_id).with_for_update())
            with queued.app_context():
                assert jobs.claim() is None
            holder.rollback()
    with queued.app_context():
        assert jobs.claim() == job_id
    with queued.app_context():
        assert jobs.claim(job_id) is None and jobs.claim() is None


def test_a_runner_that_died_leaves_a_failure_not_a_wait(queued, admin_client,
                                                        answered):  # noqa: F811
    url = f"{REPORT}ladda-ner.csv?insats={answered.id}"
    refresh = REFRESH.search(admin_client.get(url).text).group(1).replace("&amp;", "&")
    with queued.app_context():
        jobs.claim()
        jobs.tidy(utcnow() + jobs.STUCK_AFTER + dt.timedelta(minutes=1))
    assert admin_client.get(refresh).status_code == 500
    assert admin_client.get(url).status_code == 202  # asked again: queued anew
    run_runner(queued)
    assert admin_client.get(url).status_code == 200


def test_flask_report_worker_makes_the_queued_reports(queued, admin_client, database_url,
                                                      answered):  # noqa: F811
    """The runner as `make run` and production start it: a process of its own."""
    url = f"{REPORT}ladda-ner.csv?insats={answered.id}"
    assert admin_client.get(url).status_code == 202
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key"}
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "report-worker"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while count(ReportJob.state == JobState.done) == 0:
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.2)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    assert worker.returncode == 0, output  # SIGTERM: it stops cleanly
    assert admin_client.get(url).status_code == 200


def test_one_report_reads_one_snapshot_while_participants_submit(app, answered):  # noqa: F811
    """A survey submitted between the report's queries is in none of them (before, the
    answers query saw a response the responses query had not, and the report failed)."""
    from survey.reports.columns import enrolment_columns, one_snapshot, report_columns

    from .factories import participant_with_invitation

    token = participant_with_invitation(answered, "R-MITT")
    participant = app.test_client()
    choose_language(participant, token, "sv")
    answer(participant, token, 5, "4")
    registry = app.extensions["stegvis.questionnaires"]
    with one_snapshot():
        enrolments = enrolment_columns([answered.id])
        submit(participant, token)  # committed by another connection, mid-report
        responses, answers = report_columns([answered.id], registry, enrolments)
    assert len(enrolments.key) == 7 and len(responses.submitted_at) == 6
    assert answers.response.max() < 6
    enrolments = enrolment_columns([answered.id])  # a new report sees it
    assert len(report_columns([answered.id], registry, enrolments)[0].submitted_at) == 7


def test_a_job_state_is_for_its_own_forbund_only(queued, admin_client, answered):  # noqa: F811
    from survey.models import Organisation

    admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}")
    job_id = db.session.scalar(select(ReportJob.id))
    other = Organisation(name="Ett annat förbund")
    db.session.add(other)
    db.session.flush()
    mine = db.session.get(ReportJob, job_id)
    db.session.add(ReportJob(organisation_id=other.id, kind="csv", params=mine.params,
                             params_hash="x" * 64, data_version=0))
    db.session.commit()
    theirs = db.session.scalar(select(ReportJob.id).where(ReportJob.organisation_id == other.id))
    assert admin_client.get(f"{REPORT}jobb/{job_id}").json == {"state": "queued"}
    assert admin_client.get(f"{REPORT}jobb/{theirs}").status_code == 404
    assert admin_client.get(f"{REPORT}jobb/99999999999").status_code == 404
    assert queued.test_client().get(f"{REPORT}jobb/{job_id}").status_code in (302, 401)
