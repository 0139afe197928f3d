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


def _measure(args: list[str]) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args],
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
            }
            results.append(entry)
            print(
                f"{size:>7} deltagare {rows:>9} rader ({entry['csv_mb']} MB): "
                f"JSON {entry['json']['seconds']:>6.2f} s {entry['json']['peak_mb']:>6.0f} MB · "
                f"PDF {entry['pdf']['seconds']:>6.2f} s {entry['pdf']['peak_mb']:>6.0f} MB",
                flush=True,
            )
    lines = [
        "Rapport från CSV (python -m analysis report), ny process per körning",
        f"{'deltagare':>9} {'rader':>9} {'JSON s':>7} {'JSON MB':>8} {'PDF s':>7} {'PDF MB':>7}",
    ]
    for r in results:
        json_, pdf = r["json"], r["pdf"]
        lines.append(
            f"{r['participants']:>9} {r['rows']:>9} {json_['seconds']:>7.2f} "
            f"{json_['peak_mb']:>8.0f} {pdf['seconds']:>7.2f} {pdf['peak_mb']:>7.0f}"
        )
    lines.append("Tillväxt:")
    lines += _growth(results, "json") + _growth(results, "pdf")
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
