"""Nothing lost when a gunicorn worker dies mid-request (small version of bench/load.py).

A few concurrent participant journeys run against gunicorn on loopback with a SQLite
file in WAL mode; once a few are acknowledged one worker is killed with SIGKILL (an
event, not a time, so the test does not depend on the machine's speed). Then: every
acknowledged submission is stored exactly once with all its answers, every other one is
completed again from the same link, and no token reached the access log.
"""

from __future__ import annotations

import shutil

import pytest

from bench import load


@pytest.mark.skipif(shutil.which("gunicorn") is None and not load.ROOT.joinpath(
    ".venv/bin/gunicorn").exists(), reason="gunicorn is not installed")
def test_a_killed_worker_loses_nothing_and_stores_nothing_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    figures = load.kill_check(url, tmp_path, count=16, seconds=90, concurrency=4,
                              kill_after=4, workers=2)
    assert len(figures["killed_worker_pids"]) == 1, figures
    assert figures["journeys_attempted"] == 16, figures
    assert figures["lost"] == 0, figures
    assert figures["duplicated"] == 0, figures
    assert figures["stored"] == 16, figures
    assert figures["failed_on_second_try"] == 0, figures
    assert figures["acknowledged"] + figures["completed_again_from_link"] \
        + figures["stored_without_acknowledgement"] == 16, figures
    assert figures["tokens_in_access_log"] == 0, figures
