"""Nothing that opens a survey reaches gunicorn's access log (issue 23, point 1).

Real gunicorn, started from the repository with its gunicorn.conf.py and the access log
on as in production, serves one whole journey by link and one by short code typed on
/kod (a POST, as a phone without JavaScript sends it), plus what a careless hand or an
old browser may send: the code in /kod's address and a link in a Referer header. Then
the log is read: no token, no code, in any case or spacing.
"""

from __future__ import annotations

import dataclasses
import http.client
import re
import shutil
import urllib.parse

import pytest
from sqlalchemy import select

from bench import load

pytestmark = pytest.mark.skipif(
    shutil.which("gunicorn") is None and not load.ROOT.joinpath(".venv/bin/gunicorn").exists(),
    reason="gunicorn is not installed")


def _give_code(url: str, plan: load.Plan) -> str:
    from survey import create_app, invitations
    from survey.extensions import db
    from survey.models import Invitation
    from survey.tokens import hash_token

    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        invitation = db.session.scalar(select(Invitation).where(
            Invitation.token_hash == hash_token(plan.token)))
        code = invitations.give_short_code(invitation)
        db.session.commit()
        db.engine.dispose()
    return code


def _request(port: int, method: str, path: str, form: dict[str, str] | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        body = urllib.parse.urlencode(form) if form is not None else None
        sent = dict(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent)
        reply = connection.getresponse()
        return reply.status, reply.getheader("Location") or "", reply.read().decode()
    finally:
        connection.close()


def test_the_access_log_holds_no_token_and_no_code(database_url, tmp_path):
    by_link, by_code, wrong = load.prepare_database(database_url, 3)
    code = _give_code(database_url, by_code)
    server = load.Server(database_url, tmp_path, workers=1)
    try:
        timings: dict[str, list[float]] = load.defaultdict(list)
        assert load.journey(load.Browser(server.port, timings), by_link) == "acknowledged"

        form = _request(server.port, "GET", "/kod")[2]
        csrf = load._CSRF.search(form)[1]  # type: ignore[index]
        typed = code.lower().replace("-", " ")
        status, location, body = _request(server.port, "POST", "/kod",
                                          {"csrf_token": csrf, "kod": typed, "sprak": "sv"})
        assert (status, location, body) == (303, f"/s/{code}", "")
        # The journey goes on at the address the code opened, as the link's did.
        assert load.journey(load.Browser(server.port, timings),
                            dataclasses.replace(by_code, token=code)) == "acknowledged"
        wrong_status, wrong_location, wrong_body = _request(
            server.port, "POST", "/kod", {"csrf_token": csrf, "kod": "ABCD EFGH JKMN"})
        assert (wrong_status, wrong_body) == (303, "") and "fel" in wrong_location

        # Not what the pages send, but what someone may type or an old browser may add.
        _request(server.port, "GET", f"/kod?kod={urllib.parse.quote(typed)}")
        _request(server.port, "GET", "/", headers={
            "Referer": f"http://127.0.0.1:{server.port}/s/{wrong.token}/granska"})
    finally:
        server.stop()
    logged = server.access_log.read_text()
    assert logged.count("\n") >= 20, logged
    raw = re.sub(r"[\s\-+]|%20|%2D", "", logged, flags=re.IGNORECASE).upper()
    for secret in (by_link.token, by_code.token, wrong.token):
        assert secret not in logged
    assert code.replace("-", "") not in raw
    assert "ABCDEFGHJKMN" not in raw
    assert "/s/[token]" in logged and "kod=[kod]" in logged
    # The right and the wrong code leave the same line.
    posts = [re.sub(r"\[[^]]+\] ", "", line) for line in logged.splitlines()
             if '"POST /kod ' in line]
    assert len(posts) == 2 and posts[0] == posts[1], posts
