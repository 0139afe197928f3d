"""Rate limits per client address, on the `limits` library (the engine under Flask-Limiter).

Two limits exist: participant token lookups (every /s/<token> request, checked before the
token is looked up) and staff password checks (login and the tablet's lock screen). They
are applied exactly where they belong instead of through an extension that evaluates its
rules on every request of the site: that bookkeeping cost more than a whole participant
page's database work.

The storage comes from RATELIMIT_STORAGE_URI: `memory://` counts per gunicorn worker;
`redis://...` (see docs/deploy.md) counts across workers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from flask import Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "stegvis.ratelimit"


class SweptMemoryStorage(Storage):
    """Fixed-window counters in this process, on limits' public storage interface.

    limits' own MemoryStorage starts a threading.Timer 10 ms after a hit whenever none is
    running: under load that is a thread start (and a wait for it) on almost every
    request. Here an expired window reads as empty, and the rest are swept at most once
    a second by the request that comes by. Only the fixed window (FixedWindowRateLimiter)
    is supported, which is the one `init_app` uses.
    """

    SWEEP_SECONDS = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}
        self.expirations: dict[str, float] = {}
        self._lock = threading.Lock()  # gthread workers serve requests in threads
        self._swept = time.monotonic()

    @property
    def base_exceptions(self) -> type[Exception]:
        return RuntimeError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        with self._lock:
            self._sweep(now)
            if self.expirations.get(key, 0.0) <= now:
                self.counts[key] = 0
                self.expirations[key] = now + expiry
            self.counts[key] += amount
            return self.counts[key]

    def get(self, key: str) -> int:
        if self.expirations.get(key, 0.0) <= time.time():
            return 0
        return self.counts.get(key, 0)

    def get_expiry(self, key: str) -> float:
        return self.expirations.get(key, time.time())

    def check(self) -> bool:
        return True

    def reset(self) -> int | None:
        with self._lock:
            count = len(self.counts)
            self.counts.clear()
            self.expirations.clear()
        return count

    def clear(self, key: str) -> None:
        with self._lock:
            self.counts.pop(key, None)
            self.expirations.pop(key, None)

    def _sweep(self, now: float) -> None:
        moment = time.monotonic()
        if moment - self._swept < self.SWEEP_SECONDS:
            return
        self._swept = moment
        for key in [key for key, end in self.expirations.items() if end <= now]:
            del self.counts[key], self.expirations[key]


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_ENABLED", True)
    uri = app.config["RATELIMIT_STORAGE_URI"]
    storage: Storage = SweptMemoryStorage() if uri == "memory://" else storage_from_string(uri)
    app.extensions[EXTENSION] = FixedWindowRateLimiter(storage)


@cache
def _item(limit: str) -> RateLimitItem:
    return parse(limit)


def hit(scope: str, config_key: str) -> None:
    """Count one request from this address against the configured limit; 429 when over."""
    app = current_app
    if not app.config["RATELIMIT_ENABLED"]:
        return
    limiter: FixedWindowRateLimiter = app.extensions[EXTENSION]
    if not limiter.hit(_item(app.config[config_key]), scope, request.remote_addr or "-"):
        abort(429)


def limit(config_key: str, methods: tuple[str, ...] = ("POST",)) -> Callable[..., Any]:
    """A view decorator: `hit` for requests with one of `methods`."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.method in methods:
                hit(view.__name__, config_key)
            return view(*args, **kwargs)

        return wrapper

    return decorate
