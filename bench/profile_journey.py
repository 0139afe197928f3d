"""What one participant journey costs the app, measured without noise from other work.

`python -m bench load` measures gunicorn under load, and its CPU figures move with
whatever else runs on the machine. This runs the same journey (bench/load.py's
`journey`, with or without JavaScript as STEGVIS_BENCH_NO_JS says) in one process
through Flask's test client, against the app as wsgi.py builds it, and counts:

- SQL statements per request, by request kind (deterministic);
- server CPU per request and per journey (thread CPU time inside the WSGI app only, not
  the test client's; still somewhat noisy on a busy machine);
- with --callgrind: machine instructions per journey inside the WSGI app, counted by
  valgrind's callgrind (deterministic to a fraction of a percent, whatever shares the
  machine; about 100 times slower). Collection is switched on only inside
  `sys.call_tracing`, through which each measured request is made (valgrind
  --toggle-collect), so start-up and the test client are not counted.
- with --cprofile: the Python functions that cost most, over the measured journeys.

Examples:
    python -m bench.profile_journey                       # SQLite, with JavaScript
    STEGVIS_BENCH_NO_JS=1 python -m bench.profile_journey --db postgresql
    python -m bench.profile_journey --callgrind --journeys 10
    python -m bench.profile_journey --cprofile --journeys 200

The first journeys fill the process's caches (templates, compiled SQL) and are not
measured, as in a long-running worker. Without arguments (`python -m bench
profile_journey`) it counts 10 SQLite journeys with JavaScript under callgrind (when
valgrind is installed) and writes bench/results/profile_journey.json.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench import load

RESULTS = Path(__file__).parent / "results"
WARM_UP = 5
CALLGRIND_TOGGLE = "sys_call_tracing"  # the C function behind sys.call_tracing


class Meter:
    """Wraps the WSGI app: CPU time, statements and (under callgrind) instructions per
    request kind, counted only while the app itself runs."""

    def __init__(self, app: Any, engine: Any, in_callgrind: bool) -> None:
        from sqlalchemy import event

        self.inner = app.wsgi_app
        self.in_callgrind = in_callgrind
        self.on = False
        self.kind = ""
        self.requests: Counter[str] = Counter()
        self.statements: Counter[str] = Counter()
        self.cpu_ns: Counter[str] = Counter()
        event.listen(engine, "before_cursor_execute", self._statement)
        app.wsgi_app = self

    def _statement(self, *_args: Any) -> None:
        if self.on:
            self.statements[self.kind] += 1

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        if not self.on:
            return self.inner(environ, start_response)
        self.requests[self.kind] += 1
        started = time.thread_time_ns()
        if self.in_callgrind:
            reply = sys.call_tracing(self._whole, (environ, start_response))
        else:
            reply = self._whole(environ, start_response)
        self.cpu_ns[self.kind] += time.thread_time_ns() - started
        return reply

    def _whole(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        # The body is produced inside the measured call (Flask has rendered it already).
        reply = self.inner(environ, start_response)
        try:
            return list(reply)
        finally:
            if hasattr(reply, "close"):
                reply.close()


class ClientBrowser:
    """bench/load.py's Browser, in process: the same request/shown/close."""

    def __init__(self, client: Any, meter: Meter) -> None:
        self.client = client
        self.meter = meter
        self.shown = ""

    def request(self, kind: str, method: str, path: str,
                form: dict[str, str] | None = None) -> tuple[int, str, str]:
        self.meter.kind = kind
        reply = self.client.open(path, method=method, data=form)
        self.shown = reply.headers.get("Content-Location", "")
        return reply.status_code, reply.headers.get("Location", ""), reply.get_data(as_text=True)

    def close(self) -> None:
        pass


def _app(url: str):  # type: ignore[no-untyped-def]
    """The app as gunicorn loads it (wsgi.py: create_app() from the environment)."""
    os.environ.update(DATABASE_URL=url, SECRET_KEY="bench-secret",  # noqa: S106
                      STEGVIS_PARTICIPANT_RATE_LIMIT="1000000 per minute")
    from survey import create_app

    return create_app()


def measure(url: str, journeys: int, in_callgrind: bool = False,
            profile: cProfile.Profile | None = None) -> dict[str, Any]:
    from survey.extensions import db

    plans = load.prepare_database(url, WARM_UP + journeys)
    app = _app(url)
    with app.app_context():
        engine = db.engine
    meter = Meter(app, engine, in_callgrind)
    client = app.test_client()

    def run(plan: load.Plan) -> None:
        if load.journey(ClientBrowser(client, meter), plan) != "acknowledged":
            raise load.Broken(f"journey {plan.index} not acknowledged")

    for plan in plans[:WARM_UP]:
        run(plan)
    meter.on = True
    if profile is not None:
        profile.enable()
    for plan in plans[WARM_UP:]:
        run(plan)
    if profile is not None:
        profile.disable()
    meter.on = False
    engine.dispose()
    requests = sum(meter.requests.values())
    return {
        "database": engine.dialect.name,
        "javascript": not load.NO_JS,
        "journeys": journeys,
        "requests_per_journey": round(requests / journeys, 2),
        "statements_per_journey": round(sum(meter.statements.values()) / journeys, 2),
        "server_cpu_ms_per_journey": round(sum(meter.cpu_ns.values()) / 1e6 / journeys, 2),
        "by_request": {
            kind: {"requests": count,
                   "statements_per_request": round(meter.statements[kind] / count, 2),
                   "cpu_ms_per_request": round(meter.cpu_ns[kind] / 1e6 / count, 3)}
            for kind, count in sorted(meter.requests.items())
        },
    }


def _print(figures: dict[str, Any]) -> None:
    print(f"{figures['database']}, {'with' if figures['javascript'] else 'without'} "
          f"JavaScript, {figures['journeys']} journeys measured after {WARM_UP} to warm up")
    print(f"  {'request':<14}{'count':>7}{'SQL/request':>13}{'CPU ms/request':>16}")
    for kind, row in figures["by_request"].items():
        print(f"  {kind:<14}{row['requests']:>7}{row['statements_per_request']:>13}"
              f"{row.get('cpu_ms_per_request', '-'):>16}")
    print(f"  per journey: {figures['requests_per_journey']} requests, "
          f"{figures['statements_per_journey']} SQL statements"
          + (f", {figures['server_cpu_ms_per_journey']} ms server CPU"
             if "server_cpu_ms_per_journey" in figures else ""))
    if "instructions_per_journey" in figures:
        print(f"  per journey: {figures['instructions_per_journey'] / 1e6:.2f} M instructions "
              f"in the app (callgrind)")


def _database_url(kind: str, databases: load.Databases) -> str:
    url = databases.url(kind, "profile")
    if url is None:
        raise SystemExit(f"{kind} is not installed")
    return url


def _callgrind(args: argparse.Namespace) -> dict[str, Any]:
    """Run this module again under callgrind and read its totals."""
    with tempfile.TemporaryDirectory(prefix="stegvis-callgrind-") as name:
        out = Path(name) / "callgrind.out"
        figures_file = Path(name) / "figures.json"
        command = [
            "valgrind", "--tool=callgrind", f"--toggle-collect={CALLGRIND_TOGGLE}",
            f"--callgrind-out-file={out}", sys.executable, "-m", "bench.profile_journey",
            "--db", args.db, "--journeys", str(args.journeys),
            "--inside-callgrind", str(figures_file),
        ]
        env = dict(os.environ, PYTHONHASHSEED="0")
        subprocess.run(command, check=True, env=env, cwd=load.ROOT,
                       stderr=subprocess.DEVNULL)
        figures = json.loads(figures_file.read_text())
        # CPU times under valgrind are its own (some 50 times slower): left out.
        del figures["server_cpu_ms_per_journey"]
        for row in figures["by_request"].values():
            del row["cpu_ms_per_request"]
        totals = re.search(r"^(?:totals|summary): (\d+)", out.read_text(), re.MULTILINE)
        if totals is None:
            raise SystemExit("callgrind wrote no totals")
        figures["instructions_per_journey"] = int(totals[1]) // figures["journeys"]
        if args.keep:
            Path(args.keep).write_bytes(out.read_bytes())
            print(f"callgrind output kept in {args.keep} (callgrind_annotate shows it)")
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.callgrind:
        return _callgrind(args)
    with tempfile.TemporaryDirectory(prefix="stegvis-profile-") as name:
        databases = load.Databases(Path(name))
        try:
            url = _database_url(args.db, databases)
            profile = cProfile.Profile() if args.cprofile else None
            figures = measure(url, args.journeys, bool(args.inside_callgrind), profile)
        finally:
            databases.close()
    if args.inside_callgrind:
        Path(args.inside_callgrind).write_text(json.dumps(figures))
    if profile is not None:
        stats = pstats.Stats(profile).strip_dirs()
        stats.sort_stats("tottime").print_stats(35)
        stats.sort_stats("cumulative").print_stats(45)
    return figures


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_journey",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--journeys", type=int, default=100)
    parser.add_argument("--callgrind", action="store_true",
                        help="count instructions with valgrind (slow: use ~10 journeys)")
    parser.add_argument("--keep", metavar="FILE", help="with --callgrind: keep its output")
    parser.add_argument("--cprofile", action="store_true", help="print the costliest functions")
    parser.add_argument("--inside-callgrind", metavar="FILE", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = arguments(argv if argv is not None else [])
    if not argv and shutil.which("valgrind"):  # the default figures: deterministic ones
        args.callgrind, args.journeys = True, 10
    figures = run(args)
    if not args.inside_callgrind:
        _print(figures)
    if argv is None or not argv:  # `python -m bench profile_journey`: the default figures
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "profile_journey.json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main(sys.argv[1:])
