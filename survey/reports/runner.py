"""The report runner: `flask --app wsgi report-worker`, a process beside gunicorn.

It makes the reports web requests queue (jobs.py), REPORT_RUNNERS at a time (threads of
this process; default 1 on 2 cores: one report at a time leaves both cores' worth of
gunicorn to participants), at a lower CPU priority than the web workers, so a burst of
reports waits in the queue instead of taking the participants' capacity. Several app
servers may each run one: they claim jobs safely between them (jobs.claim).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time

import click
from flask import Flask, current_app

from ..extensions import db
from . import jobs

log = logging.getLogger(__name__)

# How often an idle runner looks for work, and tidies (jobs.tidy).
POLL_SECONDS = 0.5
TIDY_SECONDS = 60.0
ERROR_PAUSE_SECONDS = 5.0
# Added to the runner's niceness: the kernel gives the web workers the CPU first.
NICENESS = 10


def work(app: Flask, stop: threading.Event, idle_exit: bool = False) -> int:
    """Claim and make jobs until `stop` is set (or, with idle_exit, until none is
    queued); returns how many were made."""
    made, tidied = 0, 0.0
    while not stop.is_set():
        try:
            if time.monotonic() - tidied > TIDY_SECONDS:
                with app.app_context():
                    jobs.tidy()
                tidied = time.monotonic()
            with app.app_context():
                job_id = jobs.claim()
            if job_id is None:
                if idle_exit:
                    break
                stop.wait(POLL_SECONDS)
                continue
            # Each job in a fresh app context: its own session and `g`, so nothing
            # cached for one report's language or data reaches the next.
            with app.app_context():
                jobs.make(job_id)
                db.session.remove()
            made += 1
        except Exception:  # the database away or busy for a moment: the runner goes on
            log.exception("report runner: trying again shortly")
            stop.wait(ERROR_PAUSE_SECONDS)
    return made


def serve(app: Flask, runners: int, stop: threading.Event | None = None) -> None:
    """Run `runners` threads until stopped (Ctrl-C, SIGTERM)."""
    stop = stop or threading.Event()
    try:
        os.nice(NICENESS)
    except OSError:  # not allowed here: run at the same priority
        log.warning("could not lower the report runner's priority")
    # systemd and `make run` stop the runner with SIGTERM: the report being made is
    # finished (or, past the wait below, failed by the next runner's tidy).
    signal.signal(signal.SIGTERM, lambda _signal, _frame: stop.set())
    threads = [threading.Thread(target=work, args=(app, stop), name=f"report-runner-{n}",
                                daemon=True) for n in range(max(1, runners))]
    for thread in threads:
        thread.start()
    try:
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(timeout=1.0)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)


@click.command("report-worker")
@click.option("--runners", type=int, default=None,
              help="Hur många rapporter som görs samtidigt (standard: STEGVIS_REPORT_RUNNERS, 1).")
def report_worker(runners: int | None) -> None:
    """Make the reports web requests ask for (a process beside gunicorn)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    count = runners or int(app.config["REPORT_RUNNERS"])
    click.echo(f"Rapporterna görs här, {count} åt gången (avsluta med Ctrl+C).")
    serve(app, count)
