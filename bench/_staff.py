"""What the staff-page benchmarks share: a login, a query count, timing one page on a
freshly filled database, and running that on SQLite and on a throwaway PostgreSQL server
(as the tests do)."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy import event

from survey import create_app
from survey.extensions import db

from ._survey_data import CSRF

T = TypeVar("T")


def log_in(client: Any, email: str, password: str) -> None:
    page = client.get("/personal/logga-in")
    reply = client.post("/personal/logga-in", data={
        "csrf_token": CSRF.search(page.text)[1], "email": email, "password": password})
    assert reply.status_code == 302, reply.status_code


def queries_of(call: Callable[[], object]) -> int:
    """How many SQL statements the call sends (inside an app context)."""
    queries = 0

    def count(*_args: object) -> None:
        nonlocal queries
        queries += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return queries


def on_each_database(measure: Callable[[str], T]) -> dict[str, T]:
    """measure(database URL) on a SQLite file, then on PostgreSQL where it is installed."""
    from tests.postgres_server import PostgresServer, find_bin

    figures: dict[str, T] = {}
    with tempfile.TemporaryDirectory() as folder:
        figures["sqlite"] = measure(f"sqlite:///{folder}/bench.sqlite3")
    bindir = find_bin()
    if bindir is not None:
        server = PostgresServer(bindir)
        try:
            figures["postgresql"] = measure(server.start())
        finally:
            server.stop()
    return figures


def time_page(url: str, fill: Callable[[Flask], str], email: str, password: str,
              requests: int) -> dict[str, float]:
    """Fill a new database at `url` (fill returns the page's path), log in as `email` and
    GET the page `requests` times after one warm-up: median time, SQL statements per view,
    size."""
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        path = fill(app)
        client = app.test_client()
        log_in(client, email, password)
        client.get(path)  # warm up
        times, size = [], 0
        for _ in range(requests):
            started = time.perf_counter()
            reply = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200, reply.status_code
            size = len(reply.data)
        queries = queries_of(lambda: client.get(path))
        db.session.remove()  # end the page's read transaction before dropping its tables
        db.drop_all()
        db.engine.dispose()
    return {"median_ms": round(statistics.median(times), 1), "queries": queries,
            "page_kb": round(size / 1024)}
