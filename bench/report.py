"""Report building from a CSV of answers at 1 k, 10 k and 100 k participants.

About 20 answers per participant (100 k participants ≈ 2 M rows). Each report runs in a
fresh subprocess through the CLI, as förbund staff would run it, so the time includes
interpreter start and imports and the memory is that process's peak RSS. Goals (issue 3):
JSON under 2 s and 500 MB at 100 k, PDF under 10 s. It measures; it never fails.
"""

from __future__ import annotations

import itertools
import json
import math
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


# The web app's path: the same report from the database (survey/reports/routes.py _report).
_DB_CHILD = """
import resource, sys
from sqlalchemy import select
from analysis.report import ReportOptions, build_report
from survey import create_app
from survey.extensions import db
from survey.models import Insats
from survey.reports.rows import answer_rows, enrolment_rows
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "bench"})
with app.app_context():
    insatser = db.session.scalars(select(Insats)).all()
    ids = [i.id for i in insatser]
    options = ReportOptions(insatser=tuple(i.name for i in insatser))
    report = build_report(answer_rows(ids), options, enrolments=enrolment_rows(ids),
                          registry=app.extensions["stegvis.questionnaires"])
    assert report["people"] > 0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"MAXRSS_KB {peak}", file=sys.stderr)
"""

# Importing through the ORM (flask import) is fine up to 10 k participants; beyond that
# it would take most of the bench's time budget, so larger files are not loaded.
DB_IMPORT_LIMIT = 10_000


def _load_database(csv_path: Path, database: Path) -> tuple[str, float]:
    """The synthetic CSV into a fresh SQLite file with the app's own `flask import`."""
    from survey import create_app
    from survey.extensions import db
    from survey.models import Organisation

    uri = f"sqlite:///{database}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    with app.app_context():
        db.create_all()
        db.session.add(Organisation(name="Bench"))
        db.session.commit()
        result = app.test_cli_runner().invoke(args=["import", str(csv_path)])
        if result.exit_code != 0:
            raise RuntimeError(result.output)
        db.session.remove()
        db.engine.dispose()
    return uri, time.perf_counter() - started


def _measure(args: list[str], child: str = _CHILD) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", child, *args],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak_kb = int(done.stderr.strip().splitlines()[-1].split()[1])
    return {"seconds": round(seconds, 2), "peak_mb": round(peak_kb / 1024, 1)}


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
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"svar_{size}.csv"
            started = time.perf_counter()
            rows = write_csv(path, size)
            generated = time.perf_counter() - started
            entry: dict[str, Any] = {
                "participants": size,
                "rows": rows,
                "csv_mb": round(path.stat().st_size / 2**20, 1),
                "generate_seconds": round(generated, 1),
                "json": _measure(["report", str(path), "--json"]),
                "pdf": _measure(["report", str(path), "--pdf", str(Path(folder) / "r.pdf")]),
                "db": None,
            }
            if size <= DB_IMPORT_LIMIT:
                # In a child too: a child's peak RSS starts at its parent's (fork), so
                # the import's memory must not stay in this process.
                database = Path(folder) / f"db_{size}.sqlite3"
                started = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-c", "import sys; from pathlib import Path; "
                     "from bench.report import _load_database; "
                     "_load_database(Path(sys.argv[1]), Path(sys.argv[2]))", str(path),
                     str(database)],
                    check=True, cwd=ROOT,
                )  # fmt: skip
                uri, seconds = f"sqlite:///{database}", time.perf_counter() - started
                entry["db_import_seconds"] = round(seconds, 1)
                entry["db"] = _measure([uri], _DB_CHILD)
            results.append(entry)
            db = entry["db"]
            db_text = f"{db['seconds']:>6.2f} s {db['peak_mb']:>6.0f} MB" if db else "ej mätt"
            print(
                f"{size:>7} deltagare {rows:>9} rader ({entry['csv_mb']} MB): "
                f"JSON {entry['json']['seconds']:>6.2f} s {entry['json']['peak_mb']:>6.0f} MB · "
                f"PDF {entry['pdf']['seconds']:>6.2f} s {entry['pdf']['peak_mb']:>6.0f} MB · "
                f"DB-JSON {db_text}",
                flush=True,
            )
    lines = [
        "Rapport från CSV (python -m analysis report), ny process per körning",
        "(DB: samma JSON-rapport från databasen som webbappen bygger den, SQLite-fil laddad"
        f" med flask import; över {DB_IMPORT_LIMIT} deltagare ej mätt)",
        f"{'deltagare':>9} {'rader':>9} {'JSON s':>7} {'JSON MB':>8} {'PDF s':>7} {'PDF MB':>7}"
        f" {'DB s':>7} {'DB MB':>7}",
    ]
    for r in results:
        json_, pdf, db = r["json"], r["pdf"], r["db"]
        db_cols = f" {db['seconds']:>7.2f} {db['peak_mb']:>7.0f}" if db else f" {'–':>7} {'–':>7}"
        lines.append(
            f"{r['participants']:>9} {r['rows']:>9} {json_['seconds']:>7.2f} "
            f"{json_['peak_mb']:>8.0f} {pdf['seconds']:>7.2f} {pdf['peak_mb']:>7.0f}{db_cols}"
        )
    lines.append("Tillväxt:")
    lines += _growth(results, "json") + _growth(results, "pdf")
    lines += _growth([r for r in results if r["db"]], "db")
    lines.append("Mål vid 100 k: JSON under 2 s och 500 MB, PDF under 10 s.")
    text = "\n".join(lines)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    figures = {"report": results, "python": sys.version.split()[0]}
    (RESULTS / "report.json").write_text(json.dumps(figures, indent=2) + "\n")
    (RESULTS / "report.txt").write_text(text + "\n")
    return figures


if __name__ == "__main__":
    main()
