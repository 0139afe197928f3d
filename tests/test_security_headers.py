"""Headers that every response carries, and what participants' pages never load."""

from __future__ import annotations

import re

import pytest


@pytest.mark.parametrize("path", ["/s/unknown", "/static/stegvis.css", "/nope"])
def test_security_headers_everywhere(client, path):
    with client.get(path) as reply:  # closes the static file it streams
        headers = reply.headers
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_participant_pages_load_nothing_from_elsewhere(client, make_invitation):
    token = make_invitation()
    html = client.get(f"/s/{token}/sprak").text
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert url.startswith(("/", "#")), url
    assert "<script" not in html
    assert "style=" not in html


def test_pages_with_answers_are_not_cached(client, make_invitation):
    token = make_invitation()
    assert client.get(f"/s/{token}/sprak").headers["Cache-Control"] == "no-store"
