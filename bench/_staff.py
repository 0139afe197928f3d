"""What the staff-page benchmarks share: a login, a query count, and running a
measurement on SQLite and on a throwaway PostgreSQL server (as the tests do)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event

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
