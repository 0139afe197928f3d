"""Participants keep answering while a large CSV is imported (issue 14).

For each database (a SQLite file with the app's pragmas; a throwaway PostgreSQL with
fsync on, as in production):

- **during**: participants answer through gunicorn on loopback (complete journeys, as
  bench/load.py drives them) while `flask import` loads a 100,000-row file. Printed: the
  participants' request latency p50/p95/p99 and errors while the import ran (goal: p99
  under 1 s, no errors), the import's total time and its write transaction's time (on
  SQLite, how long the write lock is held; goal under 2 s).
- **memory**: `flask import` of a 300,000-row file alone. Printed: time and the peak
  resident memory of the import process (goal under 500 MB).

It measures and prints; it never fails a build on a time. Figures go to
bench/results/import.json. STEGVIS_BENCH_QUICK=1 uses 20,000 and 60,000 rows.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench.load import (
    ROOT,
    Broken,
    Server,
    each_database,
    journey,
    percentiles,
    prepare_database,
)

RESULTS = Path(__file__).parent / "results"
QUICK = os.environ.get("STEGVIS_BENCH_QUICK") == "1"
DURING_ROWS = 20_000 if QUICK else 100_000
MEMORY_ROWS = 60_000 if QUICK else 300_000
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
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    process = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "import", str(path),
         "--organisation", "Bench"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    ended = time.monotonic()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    written = re.search(r"skrivningen tog ([\d.]+) s", process.stdout)
    return {
        "exit_code": process.returncode,
        "output": (process.stdout + process.stderr).strip().splitlines()[-3:],
        "seconds": round(ended - started, 2),
        "write_transaction_seconds": float(written[1]) if written else None,
        # ru_maxrss of the largest child waited for so far: valid when this import is
        # the largest process run yet (the memory run comes after the smaller one).
        "peak_rss_mb": round(max(peak, before) / 1024, 1),
        "started": started, "ended": ended,
    }


def during(url: str, folder: Path) -> dict[str, object]:
    plans = prepare_database(url, 4000)
    csv_path = folder / "during.csv"
    rows = write_csv(csv_path, DURING_ROWS, "IMP")
    server = Server(url, folder)
    stop = threading.Event()
    queue = iter(plans)
    lock = threading.Lock()
    timings: dict[str, Timed] = defaultdict(Timed)
    errors: list[tuple[float, str]] = []

    def participant() -> None:
        mine: dict[str, Timed] = defaultdict(Timed)
        while not stop.is_set():
            with lock:
                plan = next(queue, None)
            if plan is None:
                break
            try:
                journey(server.port, plan, mine)  # type: ignore[arg-type]
            except Broken as error:
                errors.append((time.monotonic(), str(error)))
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    threads = [threading.Thread(target=participant) for _ in range(PARTICIPANTS)]
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


def _print(kind: str, result: dict) -> None:  # type: ignore[type-arg]
    d, m = result["during"], result["memory"]
    imp = d["import"]
    print(f"\n== {kind} ==")
    print(f"During: {d['participants']} participants answering while {d['rows']} rows were "
          f"imported (exit {imp['exit_code']}) in {imp['seconds']} s; write transaction "
          f"{imp['write_transaction_seconds']} s (goal < 2 s)")
    inside = d["requests_during_import_ms"] or {}
    outside = d["requests_outside_import_ms"] or {}
    print(f"  participants' requests during the import: {inside.get('count')} requests, "
          f"p50 {inside.get('p50')} ms, p95 {inside.get('p95')} ms, p99 {inside.get('p99')} ms "
          f"(goal < 1000), slowest {d['slowest_request_during_import_ms']} ms; errors "
          f"{d['errors_during_import']} (goal 0)")
    print(f"  outside the import: p50 {outside.get('p50')} ms, p99 {outside.get('p99')} ms")
    mi = m["import"]
    print(f"Memory: {m['rows']} rows imported (exit {mi['exit_code']}) in {mi['seconds']} s, "
          f"write transaction {mi['write_transaction_seconds']} s, peak RSS "
          f"{mi['peak_rss_mb']} MB (goal < 500)")


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
            results[kind] = result
            _print(kind, result)
    results["machine"]["loadavg_after"] = os.getloadavg()  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    name = "import-quick.json" if QUICK else "import.json"
    (RESULTS / name).write_text(json.dumps(results, indent=2, default=str) + "\n")
    return results


if __name__ == "__main__":
    main()
