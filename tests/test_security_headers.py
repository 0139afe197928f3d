"""Headers that every response carries, secure cookies over HTTPS, and what participants'
pages never load."""

from __future__ import annotations

import re

import pytest
from flask import url_for
from sqlalchemy import select

from survey.extensions import db
from survey.models import Enrolment, Invitation, Participant

from .conftest import login
from .test_csrf_every_post_route import route_values


def assert_security_headers(headers, where: str) -> None:  # type: ignore[no-untyped-def]
    csp = headers.get("Content-Security-Policy", "")
    assert "unsafe-inline" not in csp, where
    assert "unsafe-eval" not in csp, where
    assert "default-src 'self'" in csp, where
    assert "script-src 'self'" in csp, where
    assert "frame-ancestors 'none'" in csp, where
    assert headers["Referrer-Policy"] == "no-referrer", where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["X-Frame-Options"] == "DENY", where


@pytest.mark.parametrize("path", ["/s/unknown", "/static/stegvis.css", "/nope"])
def test_security_headers_everywhere(client, path):
    with client.get(path) as reply:  # closes the static file it streams
        assert_security_headers(reply.headers, path)


def test_security_headers_on_every_route_for_every_role(app, make_invitation, make_user):
    """Walks app.url_map: every GET route, as anonymous, handledare and admin."""
    token = make_invitation("sjalvskattning", "start")
    make_user("admin", "a@test.se")
    make_user("handledare", "h@test.se")
    values = {
        "token": token, "number": 1, "filename": "stegvis.css",
        "insats_id": 1,
        "enrolment_id": db.session.scalar(select(Enrolment.id)),
        "invitation_id": db.session.scalar(select(Invitation.id)),
        "participant_id": db.session.scalar(select(Participant.id)),
        "user_id": 1,
    }
    for who in ("anonymous", "h@test.se", "a@test.se"):
        client = app.test_client()
        if who != "anonymous":
            assert login(client, who).status_code == 302
        seen = 0
        for rule in app.url_map.iter_rules():
            if "GET" not in (rule.methods or ()):
                continue
            with app.test_request_context():
                path = url_for(rule.endpoint, **route_values(rule, values))
            with client.get(path) as reply:
                assert reply.status_code < 500, (path, reply.status_code)
                assert_security_headers(reply.headers, f"{who} {path}")
                if reply.mimetype == "text/html":
                    assert reply.headers["Cache-Control"] == "no-store", path
            seen += 1
        assert seen >= 20


def test_headers_on_error_pages_too(app, client):
    # 400 (CSRF), 404, 405 and 413 (too large) all carry the same headers.
    for reply in (
        client.post("/s/unknown/granska", data={}),
        client.get("/personal/finns-inte"),
        client.put("/s/unknown"),
        client.post("/personal/logga-in", data={"x": "y" * 70_000}),
    ):
        assert reply.status_code in {400, 404, 405, 413}
        assert_security_headers(reply.headers, str(reply.status_code))


def session_cookie(reply) -> str:  # type: ignore[no-untyped-def]
    cookies = [c for c in reply.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, reply.headers.getlist("Set-Cookie")
    return cookies[0]


# The staff login page sets the session cookie (its form's CSRF token); participant pages
# set no cookie at all (tests/test_csrf_every_post_route.py).
LOGIN = "/personal/logga-in"


def test_session_cookie_flags_over_plain_http(client):
    reply = client.get(LOGIN)
    cookie = session_cookie(reply)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # `make run` on http://127.0.0.1 must still work
    assert "Strict-Transport-Security" not in reply.headers


def test_session_cookie_is_secure_when_the_request_came_over_https(client):
    reply = client.get(LOGIN, base_url="https://stegvis.test")
    cookie = session_cookie(reply)
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert reply.headers["Strict-Transport-Security"].startswith("max-age=")


def test_session_cookie_is_secure_behind_a_tls_proxy(app):
    """With STEGVIS_PROXY_COUNT=1 the proxy's X-Forwarded-Proto decides (ProxyFix)."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
    client = app.test_client()
    reply = client.get(LOGIN, headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in session_cookie(reply)
    plain = app.test_client().get(LOGIN)
    assert "Secure" not in session_cookie(plain)


def test_session_cookie_is_secure_when_configured(app):
    app.config["SESSION_COOKIE_SECURE"] = True
    reply = app.test_client().get(LOGIN)
    assert "Secure" in session_cookie(reply)


def test_participant_pages_load_nothing_from_elsewhere(client, make_invitation):
    token = make_invitation()
    html = client.get(f"/s/{token}/sprak").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "#")), url
    # Scripts only from our own files (CSP script-src 'self'), never inline.
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.search(r'src="/static/[\w.-]+\.js(\?v=\w+)?"', tag), tag
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "style=" not in html


def test_static_files_are_kept_by_the_browser_under_their_content_address(client, app):
    """A screen needs no request for its style sheet or scripts once they are kept: the
    address names the content (so a changed file gets a new one), kept for a year."""
    from flask import url_for

    with app.test_request_context():
        css = url_for("static", filename="stegvis.css")
    assert re.fullmatch(r"/static/stegvis\.css\?v=[0-9a-f]{12}", css)
    reply = client.get(css)
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "public, max-age=31536000"
    # Without the content address (fonts named inside style sheets): an hour.
    plain = client.get("/static/stegvis.css")
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    reply.close()
    plain.close()


def test_favicon_is_our_own_icon(client, make_invitation):
    """Issue 22: /favicon.ico, which browsers ask for by themselves, is a small icon from
    static (no 404 beside every participant page, nothing fetched from elsewhere), and
    pages name its content address."""
    reply = client.get("/favicon.ico")
    assert reply.status_code == 200
    assert reply.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert reply.data[:4] == b"\x00\x00\x01\x00" and len(reply.data) < 2000
    assert "Set-Cookie" not in reply.headers
    reply.close()
    page = client.get(f"/s/{make_invitation()}/sprak").text
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico\?v=[0-9a-f]{12}"', page)


def test_pages_with_answers_are_not_cached(client, make_invitation):
    token = make_invitation()
    assert client.get(f"/s/{token}/sprak").headers["Cache-Control"] == "no-store"
