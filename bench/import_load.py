"""Participants keep answering while a CSV is imported (issues 14 and 23).

An import takes at most IMPORT_MAX_ROWS answer rows (default 50,000; a larger file is
refused with how to split it). For each database (a SQLite file with the app's pragmas;
a throwaway PostgreSQL with fsync on, as in production):

- **during**: participants answer through gunicorn on loopback (complete journeys, as
  bench/load.py drives them) while `flask import` loads a file at the cap. Printed: the
  participants' request latency p50/p95/p99 and errors while the import ran (goal: p95
  under 1 s, no errors), the import's total time and its write transaction's time (on
  SQLite, how long the write lock is held).
- **memory**: `flask import` of a file at the cap alone. Printed: time and the peak
  resident memory of the import process (goal under 250 MB).
- **refused**: a file six times the cap (300,000 rows, as the tester's): refused before
  it is read, so its time and peak memory are small.

It measures and prints; it never fails a build on a time. Figures go to
bench/results/import.json. STEGVIS_BENCH_QUICK=1 uses 10,000 rows.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.load import (
    ROOT,
    Broken,
    Browser,
    Server,
    each_database,
    journey,
    percentiles,
    prepare_database,
)

RESULTS = Path(__file__).parent / "results"
QUICK = os.environ.get("STEGVIS_BENCH_QUICK") == "1"
CAP = 50_000  # survey/config.py IMPORT_MAX_ROWS, the default
DURING_ROWS = MEMORY_ROWS = 10_000 if QUICK else CAP
REFUSED_ROWS = 6 * CAP
PARTICIPANTS = 8  # concurrent participants answering during the import
HEADER = ("participant,gender,birth_year,born_abroad,insats,site,questionnaire,version,"
          "occasion,submitted_at,language,easy,assisted,item,value,comment\n")


def write_csv(path: Path, rows: int, prefix: str) -> int:
    """`rows` answers (7 per response, one response per person) for the bench's insats."""
    sys.path.insert(0, str(ROOT))
    from questionnaires import Registry

    questionnaire = Registry.load().latest("finsam-indikatorer")
    items = [item.id for item in questionnaire.items]
    written = 0
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        person = 0
        while written < rows:
            person += 1
            gender = ("kvinna", "man")[person % 2]
            moment = f"2025-{1 + person % 12:02d}-{1 + person % 28:02d}T10:{person % 60:02d}:00"
            head = (f"{prefix}-{person},{gender},{1960 + person % 40},nej,Bench,,"
                    f"finsam-indikatorer,{questionnaire.version},avslut,{moment},sv,0,sjalv")
            for number, item in enumerate(items):
                if written == rows:
                    break
                comment = "Bra stöd tack" if (person + number) % 50 == 0 else ""
                handle.write(f"{head},{item},{1 + (person + number) % 4},{comment}\n")
                written += 1
    return written


class Timed(list):  # type: ignore[type-arg]
    """A latency list that also keeps when each request ended."""

    def append(self, value: float) -> None:  # type: ignore[override]
        super().append((time.monotonic(), value))


def run_import(url: str, path: Path) -> dict[str, object]:
    env = dict(os.environ, DATABASE_URL=url, SECRET_KEY="bench-secret",  # noqa: S106
               PYTHONPATH=str(ROOT))
    started = time.monotonic()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "import", str(path),
             "--organisation", "Bench"], cwd=ROOT, env=env, stdout=out, stderr=err)
        # Reaped here, to read this child's own peak resident memory (kB on Linux).
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        ended = time.monotonic()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    written = re.search(r"skrivningen tog ([\d.]+) s", stdout)
    return {
        "exit_code": process.returncode,
        "output": (stdout + stderr).strip().splitlines()[-3:],
        "seconds": round(ended - started, 2),
        "write_transaction_seconds": float(written[1]) if written else None,
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "started": started, "ended": ended,
    }


def answering(port: int, plans: list, count: int, stop: threading.Event,  # type: ignore[type-arg]
              timings: dict[str, Timed],
              errors: list[tuple[float, str]]) -> list[threading.Thread]:
    """`count` participants (not started) answering complete journeys from `plans` until
    `stop`: each request's end and latency into `timings`, failures into `errors`."""
    queue = iter(plans)
    lock = threading.Lock()

    def participant() -> None:
        mine: dict[str, Timed] = defaultdict(Timed)
        while not stop.is_set():
            with lock:
                plan = next(queue, None)
            if plan is None:
                break
            try:
                journey(Browser(port, mine), plan)  # type: ignore[arg-type]
            except Broken as error:
                errors.append((time.monotonic(), str(error)))
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    return [threading.Thread(target=participant) for _ in range(count)]


def during(url: str, folder: Path) -> dict[str, object]:
    plans = prepare_database(url, 4000)
    csv_path = folder / "during.csv"
    rows = write_csv(csv_path, DURING_ROWS, "IMP")
    server = Server(url, folder)
    stop = threading.Event()
    timings: dict[str, Timed] = defaultdict(Timed)
    errors: list[tuple[float, str]] = []
    threads = answering(server.port, plans, PARTICIPANTS, stop, timings, errors)
    try:
        for thread in threads:
            thread.start()
        time.sleep(3)  # participants are answering before the import starts
        outcome = run_import(url, csv_path)
        time.sleep(1)
        stop.set()
        for thread in threads:
            thread.join()
    finally:
        stop.set()
        server.stop()
    start, end = outcome.pop("started"), outcome.pop("ended")
    inside = [latency for values in timings.values() for at, latency in values
              if start <= at <= end + 0.1]
    outside = [latency for values in timings.values() for at, latency in values
               if not start <= at <= end + 0.1]
    return {
        "rows": rows,
        "import": outcome,
        "participants": PARTICIPANTS,
        "requests_during_import_ms": percentiles(inside) if inside else None,
        "requests_outside_import_ms": percentiles(outside) if outside else None,
        "slowest_request_during_import_ms": round(max(inside), 1) if inside else None,
        "errors_during_import": sum(1 for at, _ in errors if start <= at <= end + 0.1),
        "errors": len(errors),
        "error_reasons": sorted({reason for _, reason in errors})[:5],
    }


def memory(url: str, folder: Path) -> dict[str, object]:
    prepare_database(url, 10)
    csv_path = folder / "memory.csv"
    rows = write_csv(csv_path, MEMORY_ROWS, "MEM")
    outcome = run_import(url, csv_path)
    outcome.pop("started")
    outcome.pop("ended")
    return {"rows": rows, "import": outcome}


def refused(url: str, folder: Path) -> dict[str, object]:
    prepare_database(url, 10)
    csv_path = folder / "refused.csv"
    rows = write_csv(csv_path, REFUSED_ROWS, "BIG")
    outcome = run_import(url, csv_path)
    outcome.pop("started")
    outcome.pop("ended")
    return {"rows": rows, "megabytes": round(csv_path.stat().st_size / 1e6, 1),
            "import": outcome}


def _print(kind: str, result: dict) -> None:  # type: ignore[type-arg]
    d, m, r = result["during"], result["memory"], result["refused"]
    imp = d["import"]
    print(f"\n== {kind} ==")
    print(f"During: {d['participants']} participants answering while {d['rows']} rows were "
          f"imported (exit {imp['exit_code']}) in {imp['seconds']} s; write transaction "
          f"{imp['write_transaction_seconds']} s (goal < 2 s)")
    inside = d["requests_during_import_ms"] or {}
    outside = d["requests_outside_import_ms"] or {}
    print(f"  participants' requests during the import: {inside.get('count')} requests, "
          f"p50 {inside.get('p50')} ms, p95 {inside.get('p95')} ms (goal < 1000), "
          f"p99 {inside.get('p99')} ms, slowest {d['slowest_request_during_import_ms']} ms; errors "
          f"{d['errors_during_import']} (goal 0)")
    print(f"  outside the import: p50 {outside.get('p50')} ms, p99 {outside.get('p99')} ms")
    mi = m["import"]
    print(f"Memory: {m['rows']} rows imported (exit {mi['exit_code']}) in {mi['seconds']} s, "
          f"write transaction {mi['write_transaction_seconds']} s, peak RSS "
          f"{mi['peak_rss_mb']} MB (goal < 250)")
    ri = r["import"]
    print(f"Refused: {r['rows']} rows ({r['megabytes']} MB) refused (exit {ri['exit_code']}) in "
          f"{ri['seconds']} s, peak RSS {ri['peak_rss_mb']} MB: {ri['output'][:1]}")


def main() -> dict[str, object]:
    results: dict[str, object] = {"machine": {"cpus": os.cpu_count(),
                                              "loadavg_before": os.getloadavg()},
                                  "quick": QUICK}
    with each_database("stegvis-import-") as kinds:
        for kind, folder, databases in kinds:
            url = databases.url(kind, "during")
            assert url is not None
            result = {"during": during(url, folder)}
            url = databases.url(kind, "memory")
            assert url is not None
            result["memory"] = memory(url, folder)
            url = databases.url(kind, "refused")
            assert url is not None
            result["refused"] = refused(url, folder)
            results[kind] = result
            _print(kind, result)
    results["machine"]["loadavg_after"] = os.getloadavg()  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    name = "import-quick.json" if QUICK else "import.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


if __name__ == "__main__":
    main()
