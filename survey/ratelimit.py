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

import time
from collections.abc import Callable
from functools import cache, wraps
from typing import Any

from flask import Flask, abort, current_app, request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "stegvis.ratelimit"


class SweptMemoryStorage(MemoryStorage):
    """limits' memory storage without its expiry thread.

    MemoryStorage starts a threading.Timer 10 ms after a hit whenever none is running:
    under load that is a thread start (and a wait for it) on almost every request. An
    expired window is already dropped when it is read; the rest are swept here, at most
    once a second, by the request that comes by.
    """

    SWEEP_SECONDS = 1.0

    def __init__(self) -> None:
        super().__init__()
        self.timer.cancel()
        self._swept = time.monotonic()

    # Replaces MemoryStorage's private scheduler (name-mangled), called on every hit.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now - self._swept >= self.SWEEP_SECONDS:
            self._swept = now
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


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
