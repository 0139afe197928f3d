"""Server time per answer POST (participant journey issue).

A few hundred answers saved through the Flask test client on a SQLite file: median and
p95. Goal: median under 5 ms. The page weight per language is bench/page_weight.py.
It measures; it never fails.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from ._survey_data import CSRF, app_with_invitations

RESULTS = Path(__file__).parent / "results"
POSTS = 400
ITEMS = 5


def answer_times(app, tokens: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    durations = []
    for token in tokens:
        client = app.test_client()
        csrf = CSRF.search(client.get(f"/s/{token}/sprak").text)[1]
        client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
        for number in range(1, ITEMS + 1):
            started = time.perf_counter()
            reply = client.post(f"/s/{token}/{number}",
                                data={"csrf_token": csrf, "value": str(number), "comment": "ok"})
            durations.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 302
    return durations


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        codes = [f"B{number}" for number in range(POSTS // ITEMS)]
        app, tokens = app_with_invitations(Path(folder), codes)
        times = sorted(answer_times(app, list(tokens.values())))
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"Svar-POST på SQLite ({len(times)} st): median {median:.2f} ms, p95 {p95:.2f} ms "
          f"(mål: median under 5 ms)")
    figures = {"answer_post_ms": {"count": len(times), "median": round(median, 3),
                                  "p95": round(p95, 3)}}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "participant_page.json").write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
