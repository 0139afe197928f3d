"""Nothing lost, under load: complete participant journeys against gunicorn on loopback.

Two runs per database (SQLite in WAL mode with synchronous=FULL, and a throwaway
PostgreSQL with fsync on, as in production, when Debian's `postgresql` is installed):

- **kill**: many concurrent journeys while one gunicorn worker is killed with SIGKILL
  partway. Then the database is checked: every submission that got a success response
  is stored exactly once with all its answers, and every other journey is completed
  again from the same link (as a participant would, by opening it again).
  Printed: journeys attempted, acknowledged, stored, duplicated, lost.
- **load**: 32 concurrent participants for 30 s without the kill. Printed: completed
  journeys per second, p50/p95/p99 per request type, errors, peak RSS per worker.

Goals (issue 5): 0 lost, 0 duplicated; at least 100 journeys/s, 0 errors, p95 under
100 ms, under 150 MB per worker. It measures and prints; it never fails a build on a
time. Each run is bounded (at most about 60 s). STEGVIS_BENCH_QUICK=1 makes every run
a few seconds. Figures go to bench/results/load.json.

The participant rate limit (300 per minute per address) is raised for the bench: every
simulated participant comes from 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).parent / "results"
_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')
QUICK = os.environ.get("STEGVIS_BENCH_QUICK") == "1"

# As gunicorn.conf.py on this 2-core machine; more workers than cores measured worse.
WORKERS = int(os.environ.get("STEGVIS_BENCH_WORKERS", "2"))
THREADS = int(os.environ.get("STEGVIS_BENCH_THREADS", "2"))
WORKER_CLASS = os.environ.get("STEGVIS_BENCH_WORKER_CLASS", "gthread")
# The access log is on, as in production (and the kill test checks it holds no token).
ACCESS_LOG = os.environ.get("STEGVIS_BENCH_ACCESS_LOG", "1") == "1"
CONCURRENCY = 32
LOAD_SECONDS = 5.0 if QUICK else 30.0
KILL_SECONDS = 4.0 if QUICK else 15.0
# Participants without JavaScript: POST, redirect, GET for every tap (for comparison).
NO_JS = os.environ.get("STEGVIS_BENCH_NO_JS") == "1"


# ---- the plan: who answers what ----------------------------------------------------------


@dataclass
class Plan:
    """One participant: their link and the answers they will give (fixed per index)."""

    index: int
    token: str
    questionnaire: str
    items: list[str]
    values: list[int]
    comment_items: set[str]

    def comment(self, item: str) -> str | None:
        return f"kommentar {self.index} <b>" if item in self.comment_items else None


def _answers(index: int, questionnaire) -> list[int]:  # type: ignore[no-untyped-def]
    values = sorted(step.value for step in questionnaire.scale.steps)
    return [values[(index + number) % len(values)] for number in range(len(questionnaire.items))]


def prepare_database(url: str, count: int) -> list[Plan]:
    """Schema, one insats, and `count` enrolments with one invitation each (bulk inserts)."""
    from sqlalchemy import insert

    from survey import create_app
    from survey.extensions import db
    from survey.models import Enrolment, Insats, Invitation, Organisation, Participant
    from survey.tokens import hash_token, new_token

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    plans: list[Plan] = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        registry = app.extensions["stegvis.questionnaires"]
        organisation = Organisation(name="Bench")
        insats = Insats(organisation=organisation, name="Bench")
        db.session.add_all([organisation, insats])
        db.session.flush()
        today = dt.date(2026, 1, 1)
        db.session.execute(insert(Participant), [
            {"id": n + 1, "organisation_id": organisation.id, "pseudonym": f"B{n}",
             "gender": "man", "born_abroad": "nej"} for n in range(count)])
        db.session.execute(insert(Enrolment), [
            {"id": n + 1, "participant_id": n + 1, "insats_id": insats.id, "start_date": today,
             "income_start": []} for n in range(count)])
        rows = []
        expires = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=30)
        for n in range(count):
            key, occasion = (("sjalvskattning", "start") if n % 2 else
                             ("finsam-indikatorer", "avslut"))
            questionnaire = registry.latest(key)
            token = new_token()
            rows.append({"enrolment_id": n + 1, "questionnaire_key": key,
                         "questionnaire_version": questionnaire.version,
                         "occasion": occasion, "token_hash": hash_token(token),
                         "expires_at": expires})
            items = [item.id for item in questionnaire.items]
            plans.append(Plan(n, token, key, items, _answers(n, questionnaire),
                              {i.id for i in questionnaire.items[:1] if i.comment}))
        db.session.execute(insert(Invitation), rows)
        if db.engine.dialect.name == "postgresql":
            for table in ("participant", "enrolment"):
                db.session.execute(db.text(
                    f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))  # noqa: S608
        db.session.commit()
        db.engine.dispose()
    return plans


# ---- gunicorn ------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    def __init__(self, url: str, folder: Path, workers: int = WORKERS,
                 threads: int = THREADS) -> None:
        self.port = _free_port()
        self.access_log = folder / "access.log"
        self.error_log = folder / "error.log"
        env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",  # noqa: S106
                   STEGVIS_PARTICIPANT_RATE_LIMIT="1000000 per minute",
                   PYTHONPATH=str(ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers),
             "--worker-class", WORKER_CLASS, "--threads", str(threads),
             "--bind", f"127.0.0.1:{self.port}", "--keep-alive", "5",
             *(["--access-logfile", str(self.access_log)] if ACCESS_LOG else []),
             "--error-logfile", str(self.error_log),
             "--graceful-timeout", "5", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.peak_rss: dict[int, int] = {}
        deadline = time.monotonic() + 30
        while len(self.workers()) < workers or not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start: {self.error_log.read_text()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/s/x")
            connection.getresponse().read()
            return True
        except (OSError, http.client.HTTPException):
            return False
        finally:
            connection.close()

    def workers(self) -> list[int]:
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                found.append(int(entry.name))
        return sorted(found)

    def sample_rss(self) -> None:
        """Peak resident memory (VmHWM) of every worker seen so far, in bytes."""
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"VmHWM:\s+(\d+) kB", status)
            if match:
                self.peak_rss[pid] = max(self.peak_rss.get(pid, 0), int(match[1]) * 1024)

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and the live workers."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in [self.process.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def kill_one_worker(self) -> int:
        self.sample_rss()
        pid = self.workers()[0]
        os.kill(pid, signal.SIGKILL)
        return pid

    def stop(self) -> None:
        self.sample_rss()
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# ---- one participant -----------------------------------------------------------------------


class Broken(Exception):
    """The connection failed or the server answered something a journey cannot go on from."""


class Browser:
    """A phone: one keep-alive connection and the session cookie."""

    def __init__(self, port: int, timings: dict[str, list[float]]) -> None:
        self.port = port
        self.cookie = ""
        self.timings = timings
        self.connection: http.client.HTTPConnection | None = None
        self.shown = ""  # the address of the screen a POST was answered with

    def request(self, kind: str, method: str, path: str,
                form: dict[str, str] | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.connection is None:
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            reply = self.connection.getresponse()
            text = reply.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.close()
            raise Broken(f"{kind}: {type(error).__name__}") from error
        self.timings[kind].append((time.perf_counter() - started) * 1000)
        for header, value in reply.getheaders():
            if header.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        self.shown = reply.getheader("Content-Location") or ""
        if reply.getheader("Connection", "").lower() == "close":
            self.close()
        return reply.status, reply.getheader("Location") or "", text

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def journey(browser: Browser, plan: Plan) -> str:
    """Answer the whole survey from the link. Returns "acknowledged" or "already".

    As a phone with JavaScript (the usual case): every form carries screen.js's field, so
    each POST is answered with the next screen itself. With STEGVIS_BENCH_NO_JS=1, as a
    phone without: every POST is answered with a redirect that the phone then follows.
    Raises Broken when anything goes wrong (dropped connection, unexpected status).
    `browser` is a Browser, or anything with its request/shown/close (the profiler's
    in-process client, bench/profile_journey.py).
    """
    base = f"/s/{plan.token}"
    mark = {} if NO_JS else {"next_screen": "1"}
    moved = 302 if NO_JS else 200  # what a POST that worked answers

    def post(kind: str, path: str, form: dict[str, str], leads_to: str) -> None:
        status, location, _ = browser.request(kind, "POST", path, {**form, **mark})
        if NO_JS:
            if status != 302 or not location.endswith(leads_to):
                raise Broken(f"{kind} {status} {location}")
            browser.request("GET page", "GET", leads_to)
        elif status != moved or browser.shown != leads_to:
            raise Broken(f"{kind} {status} {browser.shown}")

    try:
        status, _, page = browser.request("GET entry", "GET", base)
        if status == 200 and "redan" in page:
            return "already"  # the kind "already answered" page
        if status == 302:  # started before (e.g. cut off by the kill): back to the start
            status, _, page = browser.request("GET page", "GET", f"{base}/sprak")
        if status != 200:
            raise Broken(f"language page {status}")
        csrf = _CSRF.search(page)[1]  # type: ignore[index]
        post("POST language", f"{base}/sprak", {"csrf_token": csrf, "language": "sv"},
             f"{base}/start")
        browser.request("GET page", "GET", f"{base}/1")
        for number, (item, value) in enumerate(zip(plan.items, plan.values, strict=True), 1):
            form = {"csrf_token": csrf, "value": str(value)}
            comment = plan.comment(item)
            if comment:
                form["comment"] = comment
            following = f"{base}/{number + 1}" if number < len(plan.items) else f"{base}/granska"
            post("POST answer", f"{base}/{number}", form, following)
        # Acknowledged: the participant was shown the thank-you page (or sent to it).
        status, location, _ = browser.request("POST submit", "POST", f"{base}/granska",
                                              {"csrf_token": csrf, **mark})
        shown = location if NO_JS else browser.shown
        if status != moved or not shown.endswith("/tack"):
            raise Broken(f"submit {status} {shown}")
        if NO_JS:  # with JavaScript the POST's answer is the thank-you screen itself
            browser.request("GET page", "GET", f"{base}/tack")
        return "acknowledged"
    finally:
        browser.close()


# ---- a run ---------------------------------------------------------------------------------


@dataclass
class Outcome:
    attempted: int = 0
    acknowledged: set[int] = field(default_factory=set)
    broken: dict[int, str] = field(default_factory=dict)
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    seconds: float = 0.0
    killed: list[int] = field(default_factory=list)


def drive(server: Server, plans: list[Plan], seconds: float, concurrency: int,
          kill_after: int | None = None) -> Outcome:
    """Run journeys from `concurrency` threads until `seconds` pass or plans run out.

    With kill_after, one worker is killed with SIGKILL once that many journeys have been
    acknowledged (an event, not a time, so the small test is not timing-dependent).
    """
    outcome = Outcome()
    lock = threading.Lock()
    queue = iter(plans)
    stop_at = time.monotonic() + seconds
    started = time.monotonic()

    def worker() -> None:
        timings: dict[str, list[float]] = defaultdict(list)
        while time.monotonic() < stop_at:
            with lock:
                plan = next(queue, None)
                if plan is None:
                    break
                outcome.attempted += 1
            try:
                result = journey(Browser(server.port, timings), plan)
            except Broken as error:
                with lock:
                    outcome.broken[plan.index] = str(error)
                continue
            with lock:
                if result == "acknowledged":
                    outcome.acknowledged.add(plan.index)
                if (kill_after is not None and not outcome.killed
                        and len(outcome.acknowledged) >= kill_after):
                    outcome.killed.append(server.kill_one_worker())
        with lock:
            for kind, values in timings.items():
                outcome.timings[kind].extend(values)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        server.sample_rss()
        time.sleep(0.5)
    for thread in threads:
        thread.join()
    outcome.seconds = time.monotonic() - started
    return outcome


def stored_state(url: str) -> tuple[dict[str, dict], int]:  # type: ignore[type-arg]
    """By token hash: submitted or not, and the answers; plus duplicated rows found."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    state: dict[str, dict] = {}  # type: ignore[type-arg]
    duplicated = 0
    with engine.connect() as connection:
        for token_hash, submitted in connection.execute(text(
                "SELECT i.token_hash, r.submitted_at FROM invitation i "
                "JOIN response r ON r.invitation_id = i.id")):
            state[token_hash] = {"submitted": submitted is not None, "answers": {}}
        for token_hash, item, value, comment in connection.execute(text(
                "SELECT i.token_hash, a.item_id, a.value, a.comment FROM answer a "
                "JOIN response r ON r.id = a.response_id "
                "JOIN invitation i ON i.id = r.invitation_id")):
            if item in state[token_hash]["answers"]:
                duplicated += 1
            state[token_hash]["answers"][item] = (value, comment)
        duplicated += connection.execute(text(
            "SELECT count(*) FROM (SELECT invitation_id FROM response GROUP BY invitation_id "
            "HAVING count(*) > 1) AS twice")).scalar_one()
    engine.dispose()
    return state, duplicated


def complete(plan: Plan, state: dict[str, dict]) -> bool:  # type: ignore[type-arg]
    from survey.tokens import hash_token

    stored = state.get(hash_token(plan.token))
    if not stored or not stored["submitted"]:
        return False
    expected = {item: (value, plan.comment(item))
                for item, value in zip(plan.items, plan.values, strict=True)}
    return stored["answers"] == expected


def check_nothing_lost(server: Server, url: str, plans: list[Plan],
                       outcome: Outcome) -> dict[str, object]:
    """Acknowledged: stored exactly once, complete. Others: completed again from the link."""
    attempted = plans[:outcome.attempted]
    state, duplicated = stored_state(url)
    lost = [p.index for p in attempted if p.index in outcome.acknowledged
            and not complete(p, state)]
    recovered = already = failed_again = 0
    for plan in attempted:
        if plan.index in outcome.acknowledged:
            continue
        try:
            result = journey(Browser(server.port, defaultdict(list)), plan)
        except Broken:
            failed_again += 1
            continue
        if result == "already":
            already += 1
        else:
            recovered += 1
    state, duplicated_after = stored_state(url)
    not_completable = [p.index for p in attempted if not complete(p, state)]
    stored = sum(1 for p in attempted if complete(p, state))
    return {
        "journeys_attempted": len(attempted),
        "acknowledged": len(outcome.acknowledged),
        "stored": stored,
        "duplicated": max(duplicated, duplicated_after),
        "lost": len(lost) + len(not_completable),
        "interrupted": len(outcome.broken),
        "interrupted_reasons": sorted(set(outcome.broken.values()))[:10],
        "completed_again_from_link": recovered,
        "stored_without_acknowledgement": already,
        "failed_on_second_try": failed_again,
        "killed_worker_pids": outcome.killed,
    }


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(share: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(share * len(ordered)))], 2)

    return {"count": len(ordered), "p50": at(0.50), "p95": at(0.95), "p99": at(0.99),
            "mean": round(statistics.fmean(ordered), 2)}


# ---- databases -----------------------------------------------------------------------------


class Databases:
    """A SQLite file (WAL), and a throwaway PostgreSQL when Debian's package is installed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.postgres = None

    def url(self, kind: str, name: str) -> str | None:
        if kind == "sqlite":
            return f"sqlite:///{self.folder / name}.sqlite3"
        sys.path.insert(0, str(ROOT))
        from tests.postgres_server import PostgresServer, find_bin

        if self.postgres is None:
            bindir = find_bin()
            if bindir is None:
                return None
            # fsync on, as in production: an acknowledged submit is on disk.
            self.postgres = PostgresServer(bindir, durable=True)
            self.base_url = self.postgres.start()
        return self.base_url

    def close(self) -> None:
        if self.postgres is not None:
            self.postgres.stop()


@contextmanager
def each_database(prefix: str) -> Iterator[Iterator[tuple[str, Path, Databases]]]:
    """(kind, folder, databases) for SQLite, then PostgreSQL when it is installed;
    everything is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=prefix) as name:
        folder = Path(name)
        databases = Databases(folder)

        def kinds() -> Iterator[tuple[str, Path, Databases]]:
            for kind in ("sqlite", "postgresql"):
                if databases.url(kind, "probe") is None:
                    print(f"{kind}: not installed, skipped")
                    continue
                yield kind, folder, databases

        try:
            yield kinds()
        finally:
            databases.close()


def kill_check(url: str, folder: Path, count: int, seconds: float, concurrency: int,
               kill_after: int, workers: int = WORKERS) -> dict[str, object]:
    plans = prepare_database(url, count)
    server = Server(url, folder, workers=workers)
    try:
        outcome = drive(server, plans, seconds, concurrency, kill_after=kill_after)
        figures = check_nothing_lost(server, url, plans, outcome)
    finally:
        server.stop()
    logged = server.access_log.read_text() if server.access_log.exists() else ""
    figures["tokens_in_access_log"] = sum(
        1 for plan in plans[:outcome.attempted] if plan.token in logged)
    return figures


def load_run(url: str, folder: Path) -> dict[str, object]:
    plans = prepare_database(url, 6000 if not QUICK else 1500)
    server = Server(url, folder)
    try:
        server_cpu = server.cpu_seconds()
        client_cpu = sum(os.times()[:2])
        outcome = drive(server, plans, LOAD_SECONDS, CONCURRENCY)
        server_cpu = server.cpu_seconds() - server_cpu
        client_cpu = sum(os.times()[:2]) - client_cpu
    finally:
        server.stop()
    requests = sum(len(v) for v in outcome.timings.values())
    journeys = max(1, len(outcome.acknowledged))
    return {
        "concurrency": CONCURRENCY,
        "seconds": round(outcome.seconds, 1),
        "journeys_completed": len(outcome.acknowledged),
        "journeys_per_second": round(len(outcome.acknowledged) / outcome.seconds, 1),
        "javascript": not NO_JS,
        "requests_per_journey": round(requests / journeys, 1),
        "requests_per_second": round(requests / outcome.seconds, 1),
        "errors": len(outcome.broken),
        "error_reasons": sorted(set(outcome.broken.values()))[:10],
        "latency_ms": {kind: percentiles(values)
                       for kind, values in sorted(outcome.timings.items())},
        "peak_rss_mb_per_worker": sorted(round(v / 2**20, 1)
                                         for v in server.peak_rss.values()),
        "gunicorn": f"{WORKERS} workers x {THREADS} threads ({WORKER_CLASS})",
        # What a journey costs the server in CPU, whatever else shares the machine: the
        # ceiling on N dedicated cores is N / this many journeys per second.
        "server_cpu_ms_per_journey": round(1000 * server_cpu / journeys, 1),
        "server_cpu_ms_per_request": round(1000 * server_cpu / max(1, requests), 2),
        "client_cpu_share": round(client_cpu / max(0.001, client_cpu + server_cpu), 2),
        "loadavg_at_end": os.getloadavg(),
    }


def _print(kind: str, kill: dict, load: dict) -> None:  # type: ignore[type-arg]
    print(f"\n== {kind} ==")
    print("Kill test (one worker SIGKILLed partway): "
          + ", ".join(f"{k} {kill[k]}" for k in ("journeys_attempted", "acknowledged",
                                                  "stored", "duplicated", "lost")))
    print(f"  interrupted {kill['interrupted']}, completed again from the link "
          f"{kill['completed_again_from_link']}, stored without acknowledgement "
          f"{kill['stored_without_acknowledgement']}  (goal: 0 lost, 0 duplicated)")
    print(f"Load: {load['concurrency']} participants for {load['seconds']} s, "
          f"{load['gunicorn']}")
    print(f"  {load['journeys_per_second']} complete journeys/s (goal >= 100), "
          f"{load['requests_per_second']} requests/s, errors {load['errors']} (goal 0)")
    print(f"  {'request':<16}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for request, figures in load["latency_ms"].items():
        print(f"  {request:<16}{figures['count']:>8}{figures['p50']:>9}{figures['p95']:>9}"
              f"{figures['p99']:>9}")
    print(f"  peak RSS per worker (MB, goal < 150): {load['peak_rss_mb_per_worker']}")
    print(f"  {load['requests_per_journey']} requests per journey "
          f"({'with' if load['javascript'] else 'without'} JavaScript)")
    print(f"  server CPU per journey {load['server_cpu_ms_per_journey']} ms "
          f"({load['server_cpu_ms_per_request']} ms per request); the load client used "
          f"{int(100 * load['client_cpu_share'])} % of the CPU the run used")


def main() -> dict[str, object]:
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "loadavg_before": os.getloadavg()},
        "quick": QUICK,
    }
    with each_database("stegvis-load-") as kinds:
        for kind, folder, databases in kinds:
            url = databases.url(kind, "kill")
            assert url is not None
            kill = kill_check(url, folder, count=3000 if not QUICK else 400,
                              seconds=KILL_SECONDS, concurrency=CONCURRENCY,
                              kill_after=40 if not QUICK else 10)
            url = databases.url(kind, "load")
            assert url is not None
            load = load_run(url, folder)
            results[kind] = {"kill": kill, "load": load}
            _print(kind, kill, load)
    results["machine"]["loadavg_after"] = os.getloadavg()  # type: ignore[index]
    print(f"\nMachine: {os.cpu_count()} CPUs, load average before "
          f"{results['machine']['loadavg_before']}, after "  # type: ignore[index]
          f"{results['machine']['loadavg_after']} (other work shares these cores)")  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    name = ("load-quick" if QUICK else "load") + ("-nojs" if NO_JS else "") + ".json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


if __name__ == "__main__":
    main()
