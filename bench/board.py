"""The board's figures (issue 11) in the web app's report at 10 k and 100 k participants.

The database is the one bench/report.py loads from the synthetic CSV; a third of the
enrolments are then ended (with avbrott, exit outcome and försörjning at start and exit),
so counts, response rates and the försörjning table have something to count. Timed in a
fresh child, after imports, as `report_for` (what the report page, the downloads and
`flask report` call): the whole report without a period, and with a period of one year,
which also builds the previous year's figures (a second selection of the same columns).
Each is run twice and the faster kept; the machine's load average is written with it. It
measures; it never fails.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from analysis.synthetic import write_csv

from .report import ROOT, _load, load_in_child

RESULTS = Path(__file__).parent / "results"
SIZES = (10_000, 100_000)

_CHILD = """
import datetime as dt, json, resource, sys, time
from sqlalchemy import select, text
from survey import create_app
from survey.extensions import db
from survey.models import Insats
from survey.reports.build import report_for
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench"})
with app.app_context():
    db.session.execute(text(
        "UPDATE enrolment SET end_date = date(start_date, '+120 days'), exit_outcome = "
        "CASE WHEN id % 2 = 0 THEN 'arbete' ELSE 'studier' END, left_early = (id % 9 = 0), "
        "income_start = CASE WHEN id % 4 = 0 THEN '[\\"forsorjningsstod\\"]' "
        "ELSE '[\\"sjukpenning\\", \\"lon\\"]' END, "
        "income_exit = CASE WHEN id % 5 = 0 THEN '[\\"forsorjningsstod\\"]' "
        "ELSE '[\\"lon\\"]' END WHERE id % 3 = 0"))
    db.session.commit()
    insatser = db.session.scalars(select(Insats)).all()
    times = {}
    for name, period in (("no_period", (None, None)),
                         ("one_year_and_previous", (dt.date(2025, 1, 1), dt.date(2025, 12, 31)))):
        best = None
        for _ in range(2):
            started = time.perf_counter()
            report, _options = report_for(insatser, *period, None, "Bench")
            took = time.perf_counter() - started
            best = took if best is None else min(best, took)
        assert report["counts"]["enrolled"]["n"] > 0
        times[name] = round(best, 3)
        if name == "one_year_and_previous":
            assert report["previous"]["counts"]["enrolled"]["n"] > 0
print("TIMES " + json.dumps(times), file=sys.stderr)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MAXRSS_KB {peak}", file=sys.stderr)
"""


def _measure(uri: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", _CHILD, uri], stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True, check=True, cwd=ROOT)  # fmt: skip
    lines = done.stderr.strip().splitlines()
    times = json.loads(next(line for line in lines if line.startswith("TIMES "))[6:])
    return {"seconds": times, "peak_mb": round(int(lines[-1].split()[1]) / 1024, 1)}


def main() -> dict[str, Any]:
    print(f"Styrelsens siffror i rapporten från databasen (report_for). Last nu: {_load()}, "
          f"{os.cpu_count()} kärnor.", flush=True)  # fmt: skip
    results = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"svar_{size}.csv"
            write_csv(path, size)
            database = Path(folder) / f"db_{size}.sqlite3"
            load_in_child(path, database)
            started = time.perf_counter()
            entry = {"participants": size, "load_average_before": _load(),
                     **_measure(f"sqlite:///{database}")}
            entry |= {"child_seconds": round(time.perf_counter() - started, 1),
                      "load_average": _load()}  # fmt: skip
            database.unlink()
            results.append(entry)
            seconds = entry["seconds"]
            print(f"{size:>7} deltagare: utan period {seconds['no_period']:.2f} s, ett år med "
                  f"föregående år {seconds['one_year_and_previous']:.2f} s, topp "
                  f"{entry['peak_mb']:.0f} MB, last {entry['load_average']}", flush=True)
    RESULTS.mkdir(exist_ok=True)
    figures = {"board": results, "python": sys.version.split()[0], "cpus": os.cpu_count()}
    (RESULTS / "board.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
