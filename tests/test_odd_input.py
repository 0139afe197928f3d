"""Odd input is a 4xx, never a 500 (issue 23, point 5).

Every route in the URL map is walked with ids beyond what the database can hold, in the
path and in every query parameter the pages read, and (outside the report, whose dates
are its own) with dates at the ends of the calendar. And a database that cannot write
(a read-only file, a full disk, PostgreSQL's default_transaction_read_only) answers 503
with Retry-After and a kind page whose words stay true.
"""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from survey.extensions import db

from .conftest import PASSWORD, csrf_token, login
from .test_answering_journey import answer
from .test_staff_access import world  # noqa: F401  (the fixture: two insatser, three users)

# Past PostgreSQL's integer, past SQLite's (and int64's), far past both, and below.
HUGE = ("2147483648", "9223372036854775808", "99999999999999999999", "-9223372036854775809")
DATES = ("0001-01-01", "9999-12-31", "0001-12-31")
# Every query parameter a page reads (grep request.args and the GET forms), and a few more.
PARAMETERS = ("insats", "fran", "till", "ort", "fraga", "granska", "sprak", "v", "next",
              "sida", "handelse", "insats_id", "user_id", "id", "fel", "typ", "period")


def _rules(app):  # type: ignore[no-untyped-def]
    return [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]


def _build(app, rule, values):  # type: ignore[no-untyped-def]
    with app.test_request_context():
        return app.url_map.bind("localhost").build(
            rule.endpoint, {name: values.get(name, "x") for name in rule.arguments})


def _client(app, world):  # noqa: F811  # type: ignore[no-untyped-def]
    app.config["MAIL_SERVER"] = "127.0.0.1"  # so the e-mail route exists; nothing is sent
    app.config["RATELIMIT_ENABLED"] = False
    client = app.test_client()
    assert login(client, world["users"]["admin"].email, PASSWORD).status_code == 302
    return client


def test_ids_beyond_the_database_in_any_path_are_not_found(app, world):  # noqa: F811
    client = _client(app, world)
    token = csrf_token(client.get("/personal/").text)
    walked = 0
    for rule in _rules(app):
        numbered = [name for name in rule.arguments
                    if type(rule._converters[name]).__name__ == "DatabaseInteger"]
        for name in numbered:
            for huge in HUGE[:3]:
                # Put the huge number where a marker stands (build() would refuse it).
                own = _build(app, rule, {**world["own"], "token": "x", name: 7777777})
                path = own.replace("7777777", huge)
                for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                    reply = client.open(path, method=method, data={"csrf_token": token})
                    assert reply.status_code == 404, (method, path, reply.status_code)
                    walked += 1
    assert walked >= 60, walked


@pytest.mark.parametrize("value", HUGE[:3] + DATES[:2])
def test_odd_query_values_on_every_get_route_are_never_a_server_error(app, world,  # noqa: F811
                                                                     make_invitation, value):
    client = _client(app, world)
    values = {**world["own"], "token": make_invitation("sjalvskattning", "start"), "number": 1}
    walked = 0
    for rule in _rules(app):
        if "GET" not in rule.methods:
            continue
        if value in DATES and rule.endpoint.startswith("reports."):
            continue  # the report's period is checked by the report form itself
        path = _build(app, rule, values)
        together = client.get(path, query_string={name: value for name in PARAMETERS})
        assert together.status_code < 500, (path, value, together.status_code)
        for name in PARAMETERS:
            alone = client.get(path, query_string={name: value})
            assert alone.status_code < 500, (path, name, value, alone.status_code)
        walked += 1
    assert walked >= 30, walked


# ---- a database that cannot write ------------------------------------------------------


@contextmanager
def _refusing_writes(engine):  # type: ignore[no-untyped-def]
    """From the next connection on, the database refuses every write."""

    def connected(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "postgresql":
            cursor.execute("SET default_transaction_read_only = on")
            dbapi_connection.commit()  # a session setting: it outlives this transaction
        else:
            cursor.execute("PRAGMA query_only = ON")  # "attempt to write a readonly database"
        cursor.close()

    engine.dispose()
    event.listen(engine, "connect", connected)
    try:
        yield
    finally:
        db.session.remove()
        event.remove(engine, "connect", connected)
        engine.dispose()


def test_a_database_that_cannot_write_answers_503_with_retry_after(app, make_invitation,
                                                                   make_user):
    app.config["RATELIMIT_ENABLED"] = False
    started = make_invitation("sjalvskattning", "start")
    fresh = make_invitation("sjalvskattning", "start")
    participant = app.test_client()
    participant.get(f"/s/{started}")
    page = participant.get(f"/s/{started}/sprak")
    participant.post(f"/s/{started}/sprak", data={"csrf_token": csrf_token(page.text),
                                                  "language": "sv"})
    answer(participant, started, 1, "5")
    admin = make_user("admin", "a@test.se")
    staff = app.test_client()
    assert login(staff, admin.email).status_code == 302
    form = staff.get("/personal/").text
    db.session.commit()
    with _refusing_writes(db.engine):
        # A participant who has answered: their earlier answers are indeed kept.
        reply = answer(participant, started, 2, "4")
        assert reply.status_code == 503, reply.status_code
        assert int(reply.headers["Retry-After"]) > 0
        assert "Dina tidigare svar är sparade" in reply.text
        # One who has answered nothing (the language screen): nothing said of earlier answers.
        newcomer = app.test_client()
        language = newcomer.get(f"/s/{fresh}/sprak")
        reply = newcomer.post(f"/s/{fresh}/sprak", data={"csrf_token": csrf_token(language.text),
                                                         "language": "sv"})
        assert reply.status_code == 503 and "Retry-After" in reply.headers
        assert "Dina tidigare svar" not in reply.text
        assert "Försök igen om en liten stund." in reply.text
        # Staff: a logout writes (it ends the session row).
        reply = staff.post("/personal/logga-ut", data={"csrf_token": csrf_token(form)})
        assert reply.status_code == 503 and "Retry-After" in reply.headers
        assert "Det du gjorde kanske inte sparades" in reply.text


def test_a_full_disk_is_told_apart_from_a_fault(tmp_path):
    """SQLite's own "database or disk is full" (a page limit stands in for the disk) is a
    503; a broken constraint is the program's fault, a 500."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    from survey.errors import cannot_write

    engine = create_engine(f"sqlite:///{tmp_path / 'full.sqlite3'}")
    seen = []
    with engine.connect() as connection:
        connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, data BLOB)"))
        connection.execute(text("INSERT INTO t VALUES (1, x'00')"))
        connection.commit()
        connection.execute(text("PRAGMA max_page_count = 3"))
        for statement in ("INSERT INTO t VALUES (2, zeroblob(100000))",
                          "INSERT INTO t VALUES (1, x'00')"):
            with pytest.raises(DBAPIError) as caught:
                connection.execute(text(statement))
            connection.rollback()
            seen.append(cannot_write(caught.value))
    engine.dispose()
    assert seen == [True, False]
