"""Report building from a CSV of answers at 1 k, 10 k and 100 k participants.

About 20 answers per participant (100 k participants ≈ 2 M rows). Each report runs in a
fresh subprocess through the CLI, as förbund staff would run it, so the time includes
interpreter start and imports and the memory is that process's peak RSS. Goals (issue 3):
JSON under 2 s and 500 MB at 100 k, PDF under 10 s. It measures; it never fails.

The same JSON report from the database (what the web app builds) is measured at every size
on a SQLite file the setup fills with SQLAlchemy Core bulk inserts (executemany), not with
`flask import`, whose ORM unit of work takes ~41 s at 10 k participants. At 10 k the report
page itself is timed too (GET as an admin with the test client), and so is its PDF (the
same template printed by WeasyPrint as PDF/UA: the download a förbund attaches to its
annual report); the PDF comes from the web app only, so it is measured there. The
machine's load average is written with each size: on a shared machine it moves every
figure.
"""

from __future__ import annotations

import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from analysis.synthetic import write_csv

RESULTS = Path(__file__).parent / "results"
SIZES = (1_000, 10_000, 100_000)
ROOT = Path(__file__).resolve().parent.parent

# Runs the CLI in a child and reports that child's own peak RSS on stderr's last line.
_CHILD = """
import resource, sys
from analysis.__main__ import main
status = main(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MAXRSS_KB {peak}", file=sys.stderr)
sys.exit(status)
"""


# The web app's path: the same report from the database (survey/reports/build.py report_for,
# which the report page, the downloads and `flask report` call).
_DB_CHILD = """
import resource, sys
from sqlalchemy import select
from survey import create_app
from survey.extensions import db
from survey.models import Insats
from survey.reports.build import report_for
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench"})
with app.app_context():
    insatser = db.session.scalars(select(Insats)).all()
    report, _options = report_for(insatser, None, None, None, "Bench")
    assert report["people"] > 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MAXRSS_KB {peak}", file=sys.stderr)
"""

# The report page itself (GET /personal/rapporter/?insats=...), logged in as an admin with
# the test client: the database report plus tables, charts and the template. Timed twice,
# the first request including the report modules' imports, the second warm.
_WEB_CHILD = """
import re, resource, sys, time
from sqlalchemy import select
from survey import create_app
from survey.auth.passwords import hash_password
from survey.extensions import db
from survey.models import Insats, Role, User
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench",
                  "RATELIMIT_ENABLED": False})
with app.app_context():
    ids = list(db.session.scalars(select(Insats.id)))
    db.session.add(User(organisation_id=1, email="bench@test.se", name="Bench",
                        role=Role.admin, password_hash=hash_password("bench-lösenord-123")))
    db.session.commit()
client = app.test_client()
page = client.get("/personal/logga-in")
token = re.search(r'name="csrf_token"[^>]*?value="([^"]+)"', page.text).group(1)
reply = client.post("/personal/logga-in", data={"csrf_token": token, "email": "bench@test.se",
                                                "password": "bench-lösenord-123"})
assert reply.status_code == 302, reply.status_code
url = "/personal/rapporter/?" + "&".join(f"insats={i}" for i in ids)
times = []
for _ in range(2):
    started = time.perf_counter()
    reply = client.get(url)
    times.append(time.perf_counter() - started)
    assert reply.status_code == 200 and "Sammanfattning" in reply.text, reply.status_code
pdf = url.replace("/rapporter/?", "/rapporter/ladda-ner.pdf?")
for _ in range(2):
    started = time.perf_counter()
    reply = client.get(pdf)
    times.append(time.perf_counter() - started)
    assert reply.status_code == 200 and reply.data.startswith(b"%PDF"), reply.status_code
print(f"PDF_BYTES {len(reply.data)}", file=sys.stderr)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"WEB {' '.join(f'{t:.3f}' for t in times)}", file=sys.stderr)
print(f"MAXRSS_KB {peak}", file=sys.stderr)
"""
# The page is timed at this size (the figures are for the JSON report).
WEB_SIZE = 10_000


def _load_database(csv_path: Path, database: Path) -> tuple[str, float]:
    """The synthetic CSV into a fresh SQLite file with Core bulk inserts (executemany).

    Same rows as `flask import` makes (one insats, site, participant, enrolment,
    invitation and response per group of the file; start date the first answer's day),
    without the ORM's unit of work, which takes ~41 s at 10 k participants.
    """
    import csv
    import datetime as dt
    import secrets

    from sqlalchemy import insert

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

    uri = f"sqlite:///{database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    insatser: dict[str, int] = {}
    sites: dict[tuple[str, str], int] = {}
    people: dict[str, dict[str, Any]] = {}
    enrolments: dict[tuple[str, str, str], dict[str, Any]] = {}
    responses: dict[tuple[str, ...], int] = {}
    invitation_rows: list[dict[str, Any]] = []
    response_rows: list[dict[str, Any]] = []
    answer_rows: list[dict[str, Any]] = []
    with open(csv_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        for (person, gender, birth, abroad, insats, site, questionnaire, version, occasion,
             submitted, language, easy, assisted, item, value, comment) in reader:
            iid = insatser.setdefault(insats, len(insatser) + 1)
            sid = sites.setdefault((insats, site), len(sites) + 1) if site else None
            if person not in people:
                people[person] = {"id": len(people) + 1, "organisation_id": 1,
                                  "pseudonym": person, "gender": gender,
                                  "birth_year": int(birth) if birth else None,
                                  "born_abroad": abroad}
            moment = dt.datetime.fromisoformat(submitted)
            ekey = (person, insats, site)
            enrolment = enrolments.get(ekey)
            if enrolment is None:
                enrolment = enrolments[ekey] = {
                    "id": len(enrolments) + 1, "participant_id": people[person]["id"],
                    "insats_id": iid, "site_id": sid, "start_date": moment.date(),
                    "end_date": None, "exit_outcome": None, "left_early": False,
                    "income_start": [], "income_exit": None}
            enrolment["start_date"] = min(enrolment["start_date"], moment.date())
            rkey = (person, insats, site, questionnaire, version, occasion, submitted)
            rid = responses.get(rkey)
            if rid is None:
                rid = responses[rkey] = len(responses) + 1
                invitation_rows.append({
                    "id": rid, "enrolment_id": enrolment["id"], "questionnaire_key": questionnaire,
                    "questionnaire_version": int(version), "occasion": occasion,
                    "token_hash": secrets.token_hex(32), "created_at": moment,
                    "expires_at": moment})
                response_rows.append({
                    "id": rid, "invitation_id": rid, "language": language, "easy": easy == "1",
                    "assisted": assisted, "started_at": moment, "updated_at": moment,
                    "submitted_at": moment})
            answer_rows.append({"response_id": rid, "item_id": item,
                                "value": int(value) if value else None,
                                "comment": comment or None})
    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA synchronous = OFF")
            connection.execute(insert(Organisation.__table__), [{"id": 1, "name": "Bench"}])
            connection.execute(insert(Insats.__table__), [
                {"id": i, "organisation_id": 1, "name": n} for n, i in insatser.items()])
            connection.execute(insert(Site.__table__), [
                {"id": i, "insats_id": insatser[n], "name": s} for (n, s), i in sites.items()])
            for table, rows in ((Participant.__table__, list(people.values())),
                                (Enrolment.__table__, list(enrolments.values()))):
                connection.execute(insert(table), rows)
            # The three big tables as plain tuples in SQLite's own formats (what the
            # SQLAlchemy types would write), so no per-value Python conversion.
            for table, rows in ((Invitation.__table__, invitation_rows),
                                (Response.__table__, response_rows),
                                (Answer.__table__, answer_rows)):
                names = list(rows[0]) if rows else []
                sql = (f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608 - our names
                       f"VALUES ({', '.join('?' * len(names))})")
                for at in range(0, len(rows), 100_000):
                    connection.exec_driver_sql(sql, [tuple(map(_sqlite, r.values()))
                                                     for r in rows[at:at + 100_000]])
        db.engine.dispose()
    return uri, time.perf_counter() - started


def load_in_child(csv_path: Path, database: Path) -> None:
    """`_load_database` in a child: a child's peak RSS starts at its parent's (fork), so
    the loading's memory must not stay in the measuring process."""
    subprocess.run(
        [sys.executable, "-c", "import sys; from pathlib import Path; "
         "from bench.report import _load_database; "
         "_load_database(Path(sys.argv[1]), Path(sys.argv[2]))", str(csv_path),
         str(database)],
        check=True, cwd=ROOT,
    )  # fmt: skip


def _sqlite(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite types store it (DateTime as text with microseconds)."""
    if hasattr(value, "hour"):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def _measure(args: list[str], child: str = _CHILD) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", child, *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    lines = done.stderr.strip().splitlines()
    peak_kb = int(lines[-1].split()[1])
    result = {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1)}
    for line in lines:
        if line.startswith("WEB "):
            first, second, pdf_first, pdf_second = map(float, line.split()[1:])
            result |= {"first_request_seconds": first, "warm_request_seconds": second,
                       "pdf_first_seconds": pdf_first, "pdf_warm_seconds": pdf_second}
        if line.startswith("PDF_BYTES "):
            result["pdf_bytes"] = int(line.split()[1])
    return result


def _load() -> str:
    """The machine's load average (1, 5, 15 min), as uptime prints it."""
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def _growth(results: list[dict[str, Any]], key: str) -> list[str]:
    lines = []
    for small, large in itertools.pairwise(results):
        a, b = small[key]["seconds"], large[key]["seconds"]
        exponent = math.log(b / a) / math.log(large["participants"] / small["participants"])
        lines.append(
            f"  {key}: {small['participants']:>7} → {large['participants']:>7} deltagare: "
            f"tiden ×{b / a:.1f} (≈ n^{exponent:.2f})"
        )
    return lines


def main() -> dict[str, Any]:
    print(
        "Rapportbänk: JSON från CSV (CLI, ny process), JSON från databasen (SQLite-fil"
        " fylld med SQLAlchemy Core executemany i förberedelsen, inte flask import), "
        f"rapportsidan och dess PDF vid {WEB_SIZE} deltagare. Last nu: {_load()}, "
        f"{os.cpu_count()} kärnor.",
        flush=True,
    )
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"svar_{size}.csv"
            started = time.perf_counter()
            rows = write_csv(path, size)
            generated = time.perf_counter() - started
            entry: dict[str, Any] = {
                "load_average_before": _load(),
                "participants": size,
                "rows": rows,
                "csv_mb": round(path.stat().st_size / 2**20, 1),
                "generate_seconds": round(generated, 1),
                "json": _measure(["report", str(path), "--json"]),
                "db": None,
            }
            database = Path(folder) / f"db_{size}.sqlite3"
            started = time.perf_counter()
            load_in_child(path, database)
            uri = f"sqlite:///{database}"
            entry["db_load_seconds"] = round(time.perf_counter() - started, 1)
            entry["db"] = _measure([uri], _DB_CHILD)
            if size == WEB_SIZE:
                entry["web"] = _measure([uri], _WEB_CHILD)
            database.unlink()
            entry["load_average"] = _load()
            results.append(entry)
            db = entry["db"]
            db_text = f"{db['seconds']:>6.2f} s {db['peak_mb']:>6.0f} MB"
            print(
                f"{size:>7} deltagare {rows:>9} rader ({entry['csv_mb']} MB): "
                f"JSON {entry['json']['seconds']:>6.2f} s {entry['json']['peak_mb']:>6.0f} MB · "
                f"DB-JSON {db_text} · last {entry['load_average']}",
                flush=True,
            )
    lines = [
        "Rapport från CSV (python -m analysis report), ny process per körning",
        "(DB: samma JSON-rapport från databasen som webbappen bygger den, ny process; "
        "SQLite-filen laddad med SQLAlchemy Core executemany, inte flask import)",
        f"{'deltagare':>9} {'rader':>9} {'JSON s':>7} {'JSON MB':>8}"
        f" {'DB s':>7} {'DB MB':>7}  last (1/5/15 min)",
    ]
    for r in results:
        json_, db = r["json"], r["db"]
        db_cols = f" {db['seconds']:>7.2f} {db['peak_mb']:>7.0f}"
        lines.append(
            f"{r['participants']:>9} {r['rows']:>9} {json_['seconds']:>7.2f} "
            f"{json_['peak_mb']:>8.0f}{db_cols}  {r['load_average']}"
        )
    for r in results:
        if r.get("web"):
            web = r["web"]
            lines.append(
                f"Rapportsidan i webbappen vid {r['participants']} deltagare (GET "
                f"/personal/rapporter/, admin, testklient): första anropet "
                f"{web['first_request_seconds']:.2f} s, andra {web['warm_request_seconds']:.2f} s;"
                f" PDF (ladda-ner.pdf, PDF/UA) första {web['pdf_first_seconds']:.2f} s, andra "
                f"{web['pdf_warm_seconds']:.2f} s, {web['pdf_bytes'] / 1024:.0f} kB;"
                f" processens topp {web['peak_mb']:.0f} MB"
            )
    lines.append("Tillväxt:")
    lines += _growth(results, "json")
    lines += _growth(results, "db")
    lines.append("Mål vid 100 k: JSON under 2 s och 500 MB; PDF under 10 s (mäts vid "
                 f"{WEB_SIZE} deltagare i webbappen).")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    figures = {"report": results, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    (RESULTS / "report.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS / "report.txt").write_text(text + "\n")
    return figures


if __name__ == "__main__":
    main()
