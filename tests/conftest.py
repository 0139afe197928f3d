"""Test fixtures: the app from the factory on a fresh database for every test.

Set STEGVIS_TEST_DATABASE_URL to run the whole suite on PostgreSQL; the default is a
SQLite file in the test's temporary folder.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from survey import create_app
from survey.extensions import db
from survey.models import Insats, Organisation, Site

from .factories import participant_with_invitation
from .postgres_server import PostgresServer, find_bin

_CSRF = re.compile(r'name="csrf_token"[^>]*?value="([^"]+)"')


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """One PostgreSQL server for the whole run, started on first use."""
    url = os.environ.get("STEGVIS_TEST_DATABASE_URL")
    if url:
        yield url
        return
    bindir = find_bin()
    if bindir is None:
        if os.environ.get("STEGVIS_REQUIRE_POSTGRES") == "1":
            pytest.fail("PostgreSQL is required (STEGVIS_REQUIRE_POSTGRES=1) but not installed")
        pytest.skip("PostgreSQL is not installed (apt-get install postgresql)")
    server = PostgresServer(bindir)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Every test that touches the database runs on both databases Stegvis supports."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, `g` and database session, as in production.

    The test itself holds an app context for its own queries; without this, requests
    would share that context and its `g` (hiding bugs such as state leaking between
    requests) and the test's open transaction could read a stale snapshot.
    """

    def open(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        db.session.rollback()  # end the test's read transaction: see what requests commit
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "PUBLIC_URL": "http://stegvis.test",
            # Reports made in the asking request (tests/test_report_jobs.py runs the
            # real runner).
            "REPORT_RUNNER": "inline",
        }
    )
    app.instance_path = str(tmp_path / "instance")
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_token(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def insats(app: Flask) -> Insats:
    organisation = Organisation(name="Samordningsförbundet Test")
    insats = Insats(organisation=organisation, name="Testinsatsen")
    db.session.add_all([organisation, insats, Site(insats=insats, name="Skövde")])
    db.session.commit()
    return insats


@pytest.fixture
def make_invitation(app: Flask, insats: Insats):  # type: ignore[no-untyped-def]
    """Create a participant, enrolment and invitation; returns the token."""
    counter = iter(range(1, 10_000))

    def make(key: str = "finsam-indikatorer", occasion: str = "avslut", code: str | None = None,
             expired: bool = False, version: int | None = None) -> str:
        return participant_with_invitation(insats, code or f"T-{next(counter):03d}", key,
                                           occasion, expired, version)

    return make


PASSWORD = "rätt-lösenord-123"


@pytest.fixture
def make_user(app: Flask, insats: Insats):  # type: ignore[no-untyped-def]
    from survey.auth.passwords import hash_password
    from survey.models import Role, User

    hashed = hash_password(PASSWORD)

    def make(role: str = "handledare", email: str | None = None, insatser=None) -> User:  # type: ignore[no-untyped-def]
        user = User(organisation_id=insats.organisation_id, email=email or f"{role}@test.se",
                    name=role.title(), role=Role(role), password_hash=hashed)
        user.insatser = list(insatser if insatser is not None else
                             ([insats] if role == "handledare" else []))
        db.session.add(user)
        db.session.commit()
        return user

    return make


def login(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    page = client.get("/personal/logga-in")
    return client.post("/personal/logga-in", data={
        "csrf_token": csrf_token(page.text), "email": email, "password": password})


def _logged_in(app: Flask, make_user, role: str) -> FlaskClient:  # type: ignore[no-untyped-def]
    user = make_user(role)
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


@pytest.fixture
def admin_client(app: Flask, make_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    return _logged_in(app, make_user, "admin")


@pytest.fixture
def handledare_client(app: Flask, make_user) -> FlaskClient:  # type: ignore[no-untyped-def]
    return _logged_in(app, make_user, "handledare")


@pytest.fixture(scope="session")
def print_report(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Prints a report dict as the web app prints it (survey/reports/document.py) in a
    locale, for tests of the CSV path that have no database: returns the PDF bytes."""
    from flask_babel import force_locale

    from survey.reports.document import render_pdf

    folder = tmp_path_factory.mktemp("print")
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'unused.sqlite3'}"})
    app.instance_path = str(folder / "instance")

    def print_(report: dict, title: str = "Rapport", lang: str = "sv",
               appendix: bool = False) -> bytes:
        with app.test_request_context(), force_locale(lang):
            return render_pdf(report, app.extensions["stegvis.questionnaires"], title,
                              appendix=appendix)

    return print_
