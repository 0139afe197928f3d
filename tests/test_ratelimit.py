"""The in-process rate-limit storage: counts like limits' own, without a thread per hit."""

from __future__ import annotations

import threading
import time

from limits import parse
from limits.strategies import FixedWindowRateLimiter

from survey.ratelimit import SweptMemoryStorage


def test_counts_and_refuses_without_starting_threads():
    storage = SweptMemoryStorage()
    limiter = FixedWindowRateLimiter(storage)
    limit = parse("5 per minute")
    before = threading.active_count()
    results = [limiter.hit(limit, "answering", "10.0.0.1") for _ in range(7)]
    assert results == [True] * 5 + [False, False]
    assert limiter.hit(limit, "answering", "10.0.0.2")  # another address has its own count
    assert threading.active_count() == before


def test_expired_windows_are_forgotten_and_swept():
    storage = SweptMemoryStorage()
    storage.SWEEP_SECONDS = 0.05
    storage.incr("old", 0.01)
    assert storage.get("old") == 1
    time.sleep(0.06)
    assert storage.get("old") == 0  # an expired window reads as empty
    storage.incr("stale", 0.01)
    time.sleep(0.06)
    storage.incr("new", 60)  # the next hit sweeps what expired meanwhile
    assert "stale" not in storage.counts
    assert set(storage.expirations) == {"new"}
