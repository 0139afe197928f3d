"""12 PDFs asked for at once while participants answer (issue 23, point 2).

The tester's finding: one PDF took 6.4 s; 12 PDFs at once took 102 s, and meanwhile
`/healthz` took 51 s at the median, because each PDF was made inside a gunicorn worker.
Reports are now made by the report runner (`flask report-worker`, survey/reports/jobs.py)
beside the web workers, one at a time and at a lower CPU priority.

On a SQLite file (the default database), with gunicorn started with the repo's own
config (gunicorn.conf.py: 2 workers x 2 threads on 2 cores) and the runner beside it:

- **with reports**: PARTICIPANTS participants answer complete journeys (bench/load.py)
  and /healthz is asked every 0.2 s; 6 staff users each ask for 2 PDFs of different
  months (12 different PDFs, 2 each being the per-user limit), all at the same moment,
  and look again every 2 s (as the waiting page's script does) until their file arrives;
- **without reports**: the same for as long, without the staff users.

Printed for both: participants' requests p50/p95 and /healthz p50/p95 while the PDFs
were being made, and the ratio (goal: within 2x), and when the last PDF arrived. It
measures and prints; it never fails a build on a time. Figures: bench/results/report_load.json,
with the machine's load average (the machine may be shared).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

from bench.import_load import Timed, answering, run_import, write_csv
from bench.load import ROOT, percentiles, prepare_database

RESULTS = Path(__file__).parent / "results"
QUICK = os.environ.get("STEGVIS_BENCH_QUICK") == "1"
PARTICIPANTS = 8
PEOPLE = 4000  # invitations for the participants' journeys
REPORT_ROWS = 7_000 if QUICK else 21_000  # imported answers the PDFs are made of (3,000 people)
STAFF = 6
PDFS_EACH = 2
PASSWORD = "bench-lösenord-123"  # noqa: S105
_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
_NEXT = re.compile(r'data-next="([^"]+)"')  # the waiting page's "look again"


def _env(url: str) -> dict[str, str]:
    return dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",  # noqa: S106
                STEGVIS_PARTICIPANT_RATE_LIMIT="1000000 per minute", PYTHONPATH=str(ROOT))


class Stack:
    """gunicorn as deployed (the repo's gunicorn.conf.py, nothing overridden) and the
    report runner beside it."""

    def __init__(self, url: str, folder: Path) -> None:
        sock = __import__("socket").socket()
        sock.bind(("127.0.0.1", 0))
        self.port = int(sock.getsockname()[1])
        sock.close()
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--error-logfile", str(folder / "error.log"), "wsgi:app"],
            cwd=ROOT, env=_env(url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.runner = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "report-worker"],
            cwd=ROOT, env=_env(url), stdout=(folder / "runner.log").open("w"),
            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while not self._answers():
            if self.web.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((folder / "error.log").read_text())
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            status, _headers, _body = get(self.port, "/healthz")
            return status == 200
        except OSError:
            return False

    def stop(self) -> None:
        for process in (self.runner, self.web):
            process.terminate()
        for process in (self.runner, self.web):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def get(port: int, path: str, cookie: str = "", method: str = "GET",
        form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    body = None
    if form is not None:
        body = urllib.parse.urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        reply = connection.getresponse()
        return reply.status, {k.lower(): v for k, v in reply.getheaders()}, reply.read()
    finally:
        connection.close()


def staff_users(url: str) -> tuple[list[str], int]:
    """STAFF admins of the bench's förbund (emails), and its insats id."""
    from sqlalchemy import select

    from survey import create_app
    from survey.auth.passwords import hash_password
    from survey.extensions import db
    from survey.models import Insats, Role, User

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        insats = db.session.scalar(select(Insats).where(Insats.name == "Bench"))
        hashed = hash_password(PASSWORD)
        emails = [f"chef{n}@bench.se" for n in range(STAFF)]
        db.session.add_all(User(organisation_id=insats.organisation_id, email=email,
                                name=f"Chef {n}", role=Role.admin, password_hash=hashed)
                           for n, email in enumerate(emails))
        db.session.commit()
        insats_id = insats.id
        db.engine.dispose()
    return emails, insats_id


def log_in(port: int, email: str) -> str:
    status, headers, body = get(port, "/personal/logga-in")
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    token = _CSRF.search(body.decode())[1]
    status, headers, _ = get(port, "/personal/logga-in", cookie, "POST",
                             {"csrf_token": token, "email": email, "password": PASSWORD})
    assert status == 302, status
    return headers.get("set-cookie", cookie).split(";", 1)[0]


def fetch_pdf(port: int, cookie: str, path: str, record: dict[str, object]) -> None:
    """Ask for a PDF, then follow the waiting page's link every 2 s until the file comes
    (heavier than the page's script, which asks the light job state first)."""
    asked = time.monotonic()
    polls = 0
    while True:
        status, headers, body = get(port, path, cookie)
        if status == 200 and headers.get("content-type") == "application/pdf":
            record.update(seconds=round(time.monotonic() - asked, 2), bytes=len(body),
                          polls=polls, ended=time.monotonic())
            return
        found = _NEXT.search(body.decode(errors="replace"))
        if status != 202 or found is None:
            said = re.search(r'role="alert">([^<]+)<', body.decode(errors="replace"))
            record.update(error=f"{status} {said[1] if said else ''}".strip(),
                          ended=time.monotonic())
            return
        path = found[1].replace("&amp;", "&")
        polls += 1
        time.sleep(2)  # as the page's script (report-wait.js) asks every 2 s


def run(url: str, folder: Path, plans: list, reports: bool,  # type: ignore[type-arg]
        emails: list[str], insats_id: int, seconds: float | None) -> dict[str, object]:
    stack = Stack(url, folder)
    stop = threading.Event()
    timings: dict[str, Timed] = defaultdict(Timed)
    health = Timed()
    errors: list[tuple[float, str]] = []

    def healthz() -> None:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status, _h, _b = get(stack.port, "/healthz")
            except OSError:
                status = 0
            health.append((time.perf_counter() - started) * 1000)
            if status != 200:
                errors.append((time.monotonic(), f"healthz {status}"))
            stop.wait(0.2)

    pdfs: list[dict[str, object]] = []
    try:
        cookies = [log_in(stack.port, email) for email in emails] if reports else []
        threads = answering(stack.port, plans, PARTICIPANTS, stop, timings, errors)
        threads.append(threading.Thread(target=healthz))
        for thread in threads:
            thread.start()
        time.sleep(5)  # participants are answering before the PDFs are asked for
        start = time.monotonic()
        if reports:
            askers = []
            for n, cookie in enumerate(cookies):
                for k in range(PDFS_EACH):
                    month = 1 + n * PDFS_EACH + k  # 12 different reports: until 2025-01 ... -12
                    record: dict[str, object] = {"user": n, "till": f"2025-{month:02d}"}
                    pdfs.append(record)
                    path = (f"/personal/rapporter/ladda-ner.pdf?insats={insats_id}"
                            f"&till=2025-{month:02d}")
                    askers.append(threading.Thread(target=fetch_pdf,
                                                   args=(stack.port, cookie, path, record)))
            for asker in askers:
                asker.start()
            for asker in askers:
                asker.join()
            end = max(float(record["ended"]) for record in pdfs)  # type: ignore[arg-type]
        else:
            time.sleep(seconds or 60)
            end = time.monotonic()
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        stack.stop()
    failed = _failed_jobs(url)
    logs = {name: (folder / name).read_text(errors="replace").splitlines()[-15:]
            for name in ("error.log", "runner.log") if (folder / name).exists()}

    def within(values: Timed) -> list[float]:
        return [latency for at, latency in values if start <= at <= end]

    inside = [latency for values in timings.values() for latency in within(values)]
    return {
        "seconds": round(end - start, 1),
        "participant_requests_ms": percentiles(inside) if inside else None,
        "healthz_ms": percentiles(within(health)) if within(health) else None,
        "errors": len(errors), "error_reasons": sorted({reason for _, reason in errors})[:5],
        "pdfs": [{k: v for k, v in record.items() if k != "ended"} for record in pdfs],
        **({"failed_jobs": failed, "logs": logs} if failed or any(
            "error" in record for record in pdfs) else {}),
    }


def _failed_jobs(url: str) -> list[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT id, error FROM report_job WHERE state = 'failed'")).all()
    engine.dispose()
    return [f"{job_id}: {error}" for job_id, error in rows]


def main() -> dict[str, object]:
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(),
                                              "loadavg_before": os.getloadavg()},
                                  "quick": QUICK, "participants": PARTICIPANTS,
                                  "pdfs": STAFF * PDFS_EACH, "database": "sqlite"}
    with tempfile.TemporaryDirectory(prefix="stegvis-report-load-") as name:
        folder = Path(name)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        plans = prepare_database(url, PEOPLE)
        data = folder / "answers.csv"
        write_csv(data, REPORT_ROWS, "REP")
        imported = run_import(url, data)
        results["report_data"] = {"answer_rows": REPORT_ROWS, "import_exit": imported["exit_code"]}
        emails, insats_id = staff_users(url)
        half = len(plans) // 2
        with_reports = run(url, folder, plans[:half], True, emails, insats_id, None)
        without = run(url, folder, plans[half:], False, [], insats_id,
                      float(with_reports["seconds"]))  # type: ignore[arg-type]
    results["with_reports"], results["without_reports"] = with_reports, without
    results["machine"]["loadavg_after"] = os.getloadavg()  # type: ignore[index]
    ratio = {}
    for key in ("participant_requests_ms", "healthz_ms"):
        a, b = with_reports[key], without[key]
        ratio[key] = {p: round(a[p] / b[p], 2) for p in ("p50", "p95")} if a and b else None
    results["ratio_with_to_without"] = ratio
    _print(results)
    RESULTS.mkdir(exist_ok=True)
    name = "report_load-quick.json" if QUICK else "report_load.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


def _print(results: dict) -> None:  # type: ignore[type-arg]
    w, wo, r = results["with_reports"], results["without_reports"], results["ratio_with_to_without"]
    done = [p for p in w["pdfs"] if "seconds" in p]
    print(f"{results['pdfs']} PDFs asked for at once by {STAFF} staff users while "
          f"{PARTICIPANTS} participants answered (SQLite, gunicorn with gunicorn.conf.py, "
          f"report runner beside it): {len(done)} arrived, the last after {w['seconds']} s "
          f"(first after {min((p['seconds'] for p in done), default=None)} s)")
    for label, run_ in (("with the 12 PDFs", w), ("without reports", wo)):
        pr, hz = run_["participant_requests_ms"] or {}, run_["healthz_ms"] or {}
        print(f"  {label:17}: participants p50 {pr.get('p50')} ms, p95 {pr.get('p95')} ms "
              f"({pr.get('count')} requests); /healthz p50 {hz.get('p50')} ms, p95 "
              f"{hz.get('p95')} ms; errors {run_['errors']}")
    print(f"  ratio with/without (goal <= 2): participants {r['participant_requests_ms']}, "
          f"/healthz {r['healthz_ms']}")
    print(f"  load average before {results['machine']['loadavg_before']}, after "
          f"{results['machine']['loadavg_after']}")


if __name__ == "__main__":
    main()
