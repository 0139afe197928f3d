"""The report's scale guard: the report from the database for 20 000 people, in under
10 s and 600 MB, on SQLite and on PostgreSQL.

The whole country answers about 4 000 questionnaires a year; 20 000 people (about 20
answers each, 400 000 answer rows) is many years of a large förbund. The people come from
the synthetic förbund (analysis/synthetic.py); every third enrolment has ended (with
avbrott, exit outcome and försörjning at start and exit), so the board's figures count
something too. The database is filled with SQLAlchemy Core bulk inserts, not `flask
import` (its ORM unit of work is not what is measured).

Measured in a fresh process per database, as a worker meets its first report:
`report_for` (what the report page, the downloads and `flask report` call) for all time,
the first call including the report modules' imports, then again warm; a one-year period
(which builds the previous year's figures too); and the PDF (WeasyPrint, PDF/UA) without
and with the per-group appendix. The peak memory is the process's peak RSS after the
report, before the PDF, and after the PDF. The machine's load average is written with
each run: on a shared machine it moves every figure. It measures and says whether the
goal holds; it never fails a build.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from analysis.synthetic import write_csv

RESULTS = Path(__file__).parent / "results"
ROOT = Path(__file__).resolve().parent.parent
PEOPLE = 20_000
GOAL_SECONDS = 10
GOAL_MB = 600

# The child: one database, one fresh process. Prints its figures as JSON on stderr's
# last line.
_CHILD = """
import datetime as dt, json, resource, sys, time
from sqlalchemy import select
from survey import create_app
from survey.extensions import db
from survey.models import Insats
from survey.reports.build import report_for

def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

cpu = {}

def timed(call):
    # Wall time, and the process's CPU time (what a busy shared machine moves less).
    started, started_cpu = time.perf_counter(), time.process_time()
    result = call()
    cpu[len(cpu)] = round(time.process_time() - started_cpu, 3)
    return result, round(time.perf_counter() - started, 3)

app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench"})
figures = {"start_mb": peak_mb()}
with app.test_request_context():
    insatser = db.session.scalars(select(Insats)).all()
    (report, _options), figures["seconds"] = timed(
        lambda: report_for(insatser, None, None, None, "Bench"))
    _again, figures["warm_seconds"] = timed(
        lambda: report_for(insatser, None, None, None, "Bench"))
    (year, _options), figures["one_year_and_previous_seconds"] = timed(
        lambda: report_for(insatser, dt.date(2025, 1, 1), dt.date(2025, 12, 31), None, "Bench"))
    figures["peak_mb"] = peak_mb()
    figures["people"] = report["people"]
    figures["previous_present"] = bool(year.get("previous"))
    from survey.reports.document import render_pdf
    registry = app.extensions["stegvis.questionnaires"]
    for name, appendix in (("pdf", False), ("pdf_with_appendix", True)):
        data, figures[f"{name}_seconds"] = timed(
            lambda: render_pdf(report, registry, "Bench", appendix=appendix))
        figures[f"{name}_kb"] = round(len(data) / 1024)
    figures["peak_mb_with_pdf"] = peak_mb()
    figures["cpu_seconds"] = dict(zip(("report", "warm", "one_year_and_previous", "pdf",
                                       "pdf_with_appendix"), cpu.values()))
print(json.dumps(figures, default=str), file=sys.stderr)
"""


def load_database(csv_path: Path, url: str) -> float:
    """The synthetic CSV into a fresh database at `url` (SQLite or PostgreSQL) with Core
    bulk inserts. Same rows as `flask import` makes (one insats, site, participant,
    enrolment, invitation and response per group of the file; start date the first
    answer's day); every third enrolment has ended. Returns the seconds it took."""
    from sqlalchemy import insert

    from analysis.perturbation import new_record_key
    from survey import create_app
    from survey.extensions import db
    from survey.models import (
        Answer,
        Enrolment,
        Insats,
        Invitation,
        Organisation,
        Participant,
        Response,
        Site,
    )

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    insatser: dict[str, int] = {}
    sites: dict[tuple[str, str], int] = {}
    people: dict[str, dict[str, Any]] = {}
    enrolments: dict[tuple[str, str, str], dict[str, Any]] = {}
    responses: dict[tuple[str, ...], int] = {}
    invitations: list[dict[str, Any]] = []
    response_rows: list[dict[str, Any]] = []
    answers: list[dict[str, Any]] = []
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            person, insats, site = row["participant"], row["insats"], row["site"]
            iid = insatser.setdefault(insats, len(insatser) + 1)
            sid = sites.setdefault((insats, site), len(sites) + 1) if site else None
            if person not in people:
                people[person] = {
                    "id": len(people) + 1, "organisation_id": 1, "pseudonym": person,
                    "gender": row["gender"], "born_abroad": row["born_abroad"],
                    "birth_year": int(row["birth_year"]) if row["birth_year"] else None,
                    "record_key": int(row.get("record_key") or new_record_key())}
            moment = dt.datetime.fromisoformat(row["submitted_at"])
            enrolment = enrolments.setdefault((person, insats, site), {
                "id": len(enrolments) + 1, "participant_id": people[person]["id"],
                "insats_id": iid, "site_id": sid, "start_date": moment.date()})
            enrolment["start_date"] = min(enrolment["start_date"], moment.date())
            key = (person, insats, site, row["questionnaire"], row["version"], row["occasion"],
                   row["submitted_at"])
            rid = responses.get(key)
            if rid is None:
                rid = responses[key] = len(responses) + 1
                invitations.append({
                    "id": rid, "enrolment_id": enrolment["id"],
                    "questionnaire_key": row["questionnaire"],
                    "questionnaire_version": int(row["version"]), "occasion": row["occasion"],
                    "token_hash": f"{rid:064x}", "created_at": moment, "expires_at": moment})
                response_rows.append({
                    "id": rid, "invitation_id": rid, "language": row["language"],
                    "easy": row["easy"] == "1", "assisted": row["assisted"],
                    "started_at": moment, "updated_at": moment, "submitted_at": moment})
            answers.append({"response_id": rid, "item_id": row["item"],
                            "value": int(row["value"]) if row["value"] else None,
                            "comment": row["comment"] or None})
    for enrolment in enrolments.values():
        enrolment |= _ending(enrolment["id"], enrolment["start_date"])
    with app.app_context():
        db.drop_all()
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(insert(Organisation.__table__), [{"id": 1, "name": "Bench"}])
            connection.execute(insert(Insats.__table__), [
                {"id": i, "organisation_id": 1, "name": n} for n, i in insatser.items()])
            connection.execute(insert(Site.__table__), [
                {"id": i, "insats_id": insatser[n], "name": s} for (n, s), i in sites.items()])
            for table, rows in ((Participant.__table__, list(people.values())),
                                (Enrolment.__table__, list(enrolments.values())),
                                (Invitation.__table__, invitations),
                                (Response.__table__, response_rows),
                                (Answer.__table__, answers)):
                for at in range(0, len(rows), 50_000):
                    connection.execute(insert(table), rows[at:at + 50_000])
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:  # the ids were given: move the sequences
                for table in ("organisation", "insats", "site", "participant", "enrolment",
                              "invitation", "response", "answer"):
                    connection.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))")
                connection.exec_driver_sql("ANALYZE")
                connection.commit()
        db.engine.dispose()
    return time.perf_counter() - started


def _ending(number: int, start: dt.date) -> dict[str, Any]:
    """Every third enrolment ended 120 days after it started, half to work and half to
    studies, one in nine of them early; the others go on."""
    if number % 3:
        return {"end_date": None, "exit_outcome": None, "left_early": False,
                "income_start": [], "income_exit": None}
    return {"end_date": start + dt.timedelta(days=120),
            "exit_outcome": "arbete" if number % 2 == 0 else "studier",
            "left_early": number % 9 == 0,
            "income_start": ["forsorjningsstod"] if number % 4 == 0 else ["sjukpenning", "lon"],
            "income_exit": ["forsorjningsstod"] if number % 5 == 0 else ["lon"]}


def _in_child(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True, cwd=ROOT)


def _measure(csv_path: Path, url: str) -> dict[str, Any]:
    # The loading runs in a child of its own: a child's peak RSS starts at its parent's
    # (fork), so the loading's memory must not stay in the measuring process.
    loaded = _in_child("-c", "import sys; from pathlib import Path; "
                       "from bench.report import load_database; "
                       "print(load_database(Path(sys.argv[1]), sys.argv[2]), file=sys.stderr)",
                       str(csv_path), url)
    before = _load()
    started = time.perf_counter()
    done = _in_child("-c", _CHILD, url)
    figures = json.loads(done.stderr.strip().splitlines()[-1])
    return {"load_seconds": round(float(loaded.stderr.strip().splitlines()[-1]), 1),
            "load_average_before": before,
            "process_seconds": round(time.perf_counter() - started, 2), **figures,
            "load_average": _load(),
            "goal_met": figures["seconds"] < GOAL_SECONDS and figures["peak_mb"] < GOAL_MB}


def _load() -> str:
    """The machine's load average (1, 5, 15 min), as uptime prints it."""
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def _line(database: str, r: dict[str, Any]) -> str:
    verdict = "mål nått" if r["goal_met"] else "MÅLET NÅS INTE"
    return (f"{database:<10} {r['seconds']:>6.2f} s (varm {r['warm_seconds']:.2f} s, ett år med "
            f"föregående {r['one_year_and_previous_seconds']:.2f} s), topp {r['peak_mb']:.0f} MB;"
            f" PDF {r['pdf_seconds']:.2f} s, med bilaga {r['pdf_with_appendix_seconds']:.2f} s "
            f"(topp {r['peak_mb_with_pdf']:.0f} MB): {verdict}; last {r['load_average']}")


def main() -> dict[str, Any]:
    from tests.postgres_server import PostgresServer, find_bin

    print(f"Rapportens skalvakt: rapporten från databasen för {PEOPLE} personer, mål under "
          f"{GOAL_SECONDS} s och {GOAL_MB} MB. Last nu: {_load()}, {os.cpu_count()} kärnor.",
          flush=True)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "svar.csv"
        rows = write_csv(path, PEOPLE)
        results["sqlite"] = _measure(path, f"sqlite:///{folder}/bench.sqlite3")
        print(_line("SQLite", results["sqlite"]), flush=True)
        bindir = find_bin()
        if bindir is not None:
            server = PostgresServer(bindir, durable=True)
            try:
                results["postgresql"] = _measure(path, server.start())
            finally:
                server.stop()
            print(_line("PostgreSQL", results["postgresql"]), flush=True)
    figures = {"people": PEOPLE, "answer_rows": rows,
               "goal": {"seconds": GOAL_SECONDS, "peak_mb": GOAL_MB}, **results,
               "python": sys.version.split()[0], "cpus": os.cpu_count()}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "report.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
