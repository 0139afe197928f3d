"""The participant's token is their only credential: it never reaches a log, guessing
it is rate-limited, an unknown and a used link cost the same, and a response stores
nothing that identifies the phone (no IP address, no user agent)."""

from __future__ import annotations

import logging
import statistics
import threading
import time
import urllib.request

import pytest
from sqlalchemy import event, inspect
from werkzeug.serving import make_server

from survey import create_app, security
from survey.extensions import db

from .test_answering_journey import answer, choose_language, submit

# ---- logs -------------------------------------------------------------------------------


def test_mask_tokens():
    line = '127.0.0.1 - - "GET /s/AbC-d_9x/3?granska=1 HTTP/1.1" 200 -'
    assert security.mask_tokens(line) == '127.0.0.1 - - "GET /s/[token]/3?granska=1 HTTP/1.1" 200 -'
    assert security.mask_tokens("GET /s/tok") == "GET /s/[token]"
    assert security.mask_tokens("/personal/") == "/personal/"
    # Short codes wherever they stand, however typed.
    assert security.mask_tokens('"GET /kod?kod=jrd4%20pj93%208q5q HTTP/1.1" 302') == \
        '"GET /kod?kod=[kod] HTTP/1.1" 302'
    assert security.mask_tokens("/?x=1&KOD=anything") == "/?x=1&KOD=[kod]"
    for typed in ("JRD4-PJ93-8Q5Q", "jrd4 pj93 8q5q", "jrd4+pj93+8q5q", "JRD4%2D PJ93-8Q5Q"):
        assert security.mask_tokens(f"ref {typed} end") == "ref [kod] end"
    assert security.mask_tokens("/s/JRD4PJ938Q5Q/1") == "/s/[token]/1"
    assert security.mask_tokens("/kod?kod=JRD4PJ938Q5Q") == "/kod?kod=[kod]"
    # A static file's version hash is left alone.
    assert security.mask_tokens("GET /static/idle.js?v=3fa9c2d4e8b7") == \
        "GET /static/idle.js?v=3fa9c2d4e8b7"
    assert security.mask_tokens('"GET /static/app.css HTTP/1.1" 200 1234') == \
        '"GET /static/app.css HTTP/1.1" 200 1234'


def test_werkzeug_request_log_never_holds_a_token(app, make_invitation, caplog):
    """A real HTTP request through werkzeug's server: its access log line is masked."""
    token = make_invitation()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO):
            for path in (f"/s/{token}", f"/s/{token}/sprak", f"/s/{token}/1?x=1"):
                url = f"http://127.0.0.1:{server.server_port}{path}"
                try:
                    with urllib.request.urlopen(url, timeout=10) as reply:
                        reply.read()
                except urllib.error.HTTPError as error:
                    error.close()
    finally:
        server.shutdown()
        thread.join(timeout=10)
    logged = [r for r in caplog.records if r.name == "werkzeug"]
    assert len(logged) >= 3
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in text
    assert "/s/[token]" in text


def test_gunicorn_access_and_error_logs_are_masked(app, caplog):
    token = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFi"
    with caplog.at_level(logging.INFO):
        logging.getLogger("gunicorn.access").info(
            '%s - - "%s" %s', "127.0.0.1", f"GET /s/{token}/granska HTTP/1.1", 302)
        logging.getLogger("gunicorn.error").error("Error handling request /s/%s", token)
    assert len(caplog.records) == 2
    assert token not in caplog.text
    assert caplog.text.count("/s/[token]") == 2


def test_exception_log_never_holds_a_token(tmp_path, caplog, monkeypatch):
    """An unexpected error on a participant page logs the path masked (and shows a kind page)."""
    app = create_app({"SECRET_KEY": "t", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    from survey.answering import journey

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(journey, "find", broken)
    token = "c2VjcmV0LXRva2VuLXRoYXQtbXVzdC1ub3Q"
    with caplog.at_level(logging.ERROR):
        reply = app.test_client().get(f"/s/{token}/sprak")
    assert reply.status_code == 500
    # Nothing was answered (the link was not even found): no word of earlier answers.
    assert "Försök igen om en liten stund." in reply.text
    assert "Dina tidigare svar" not in reply.text
    assert caplog.records, "the error is logged"
    assert token not in caplog.text
    assert "/s/[token]" in caplog.text


# ---- unknown and used links answer alike ------------------------------------------------


def _statements(app, client, path):  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        reply = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return reply, seen


def _used_token(app, make_invitation) -> str:  # type: ignore[no-untyped-def]
    token = make_invitation("sjalvskattning", "start")
    client = app.test_client()
    choose_language(client, token, "sv")
    answer(client, token, 1, "3")
    assert submit(client, token).status_code == 302
    return token


def test_unknown_and_used_links_do_the_same_database_work(app, make_invitation):
    used = _used_token(app, make_invitation)
    client = app.test_client()
    known_reply, known = _statements(app, client, f"/s/{used}")
    assert "redan" in known_reply.text  # the kind "already answered" page
    # An unknown token of the right shape, and one of any other shape.
    for unknown in ("A" * len(used), "x", "%00", "ü" * 40):
        reply, statements = _statements(app, client, f"/s/{unknown}")
        assert reply.status_code == 404
        assert statements == known, unknown


def test_unknown_and_used_links_take_the_same_time(app, make_invitation):
    """Interleaved medians; the tolerance is wide because the guarantee is the one above
    (same statements); this only catches a gross difference such as a slow hash."""
    used = _used_token(app, make_invitation)
    client = app.test_client()
    times: dict[str, list[float]] = {"used": [], "unknown": []}
    for _ in range(40):
        for label, token in (("used", used), ("unknown", "B" * len(used))):
            started = time.perf_counter()
            client.get(f"/s/{token}")
            times[label].append(time.perf_counter() - started)
    difference = abs(statistics.median(times["used"]) - statistics.median(times["unknown"]))
    assert difference < 0.025, times  # a slow hash would show; queries: the test above


# ---- rate limits ------------------------------------------------------------------------


def test_token_lookup_is_rate_limited_per_address(app, make_invitation):
    assert security.PARTICIPANT_RATE_LIMIT == "300 per minute"
    assert app.config["PARTICIPANT_RATE_LIMIT"] == "300 per minute"
    app.config["PARTICIPANT_RATE_LIMIT"] = "5 per minute"
    client = app.test_client()
    statuses = [client.get(f"/s/guess{n}").status_code for n in range(5)]
    assert statuses == [404] * 5
    blocked = client.get("/s/guess-again")
    assert blocked.status_code == 429
    assert "<html" in blocked.text  # the kind error page
    # Another address (another unit, another phone network) is not affected.
    other = client.get("/s/guess", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 404
    # Staff pages and static files are not counted against participants.
    with client.get("/static/stegvis.css") as asset:
        assert asset.status_code == 200


def test_login_is_rate_limited(app):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    client = app.test_client()
    from .conftest import login

    statuses = [login(client, "nobody@test.se", "wrong").status_code for _ in range(4)]
    assert statuses[-1] == 429


# ---- nothing identifies the phone --------------------------------------------------------


@pytest.mark.parametrize("table", ["response", "answer", "invitation"])
def test_responses_store_no_ip_address_or_user_agent(app, table):
    columns = {column["name"].lower() for column in inspect(db.engine).get_columns(table)}
    suspicious = {name for name in columns
                  if any(part in name for part in ("ip", "addr", "agent", "browser", "device",
                                                   "host", "remote"))}
    assert suspicious == set(), suspicious
