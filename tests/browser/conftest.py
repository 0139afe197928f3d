"""Real-browser tests: Debian's Chromium driven by Playwright, against a live server.

The app runs in a thread (werkzeug on 127.0.0.1, a free port) on a temporary SQLite
file: the browser suite runs on SQLite only (the database behaviour itself is covered on
both databases by the rest of the suite). Nothing is downloaded by Playwright: it is
pointed at /usr/bin/chromium. axe-core comes from npm (`npm ci` in tests/browser, run
here when missing, and in .ci/run).
"""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from survey import create_app
from survey.auth.passwords import hash_password
from survey.extensions import db
from survey.models import (
    Insats,
    Organisation,
    Role,
    Site,
    User,
)

from ..factories import participant_with_invitation

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("STEGVIS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 # A fake microphone (a beeping tone) that needs no permission prompt: the
                 # recording page's MediaRecorder is tested with it.
                 "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "ett-lösenord-för-test"
PHONE = {"width": 390, "height": 844}
TABLET = {"width": 820, "height": 1180}
NARROW = {"width": 320, "height": 640}


def _unavailable(reason: str) -> None:
    if os.environ.get("STEGVIS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (STEGVIS_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@dataclass
class Live:
    app: Flask
    url: str
    counter: itertools.count  # type: ignore[type-arg]

    def invite(self, key: str = "finsam-indikatorer", occasion: str = "avslut",
               expired: bool = False) -> str:
        """A fresh participant with one invitation; returns the token."""
        with self.app.app_context():
            insats = db.session.scalar(db.select(Insats).filter_by(name="Stegen"))
            return participant_with_invitation(insats, f"B-{next(self.counter):03d}", key,
                                               occasion, expired)

    def query(self, statement):  # type: ignore[no-untyped-def]
        with self.app.app_context():
            return db.session.execute(statement).all()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("browser")
    app = create_app({
        "SECRET_KEY": "browser-tests",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'browser.sqlite3'}",
        "PARTICIPANT_RATE_LIMIT": "100000 per minute",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "REPORT_RUNNER": "inline",
    })
    app.instance_path = str(folder / "instance")
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="Samordningsförbundet Test")
        insats = Insats(organisation=organisation, name="Stegen")
        db.session.add_all([organisation, insats, Site(insats=insats, name="Skövde")])
        db.session.flush()
        hashed = hash_password(PASSWORD)
        db.session.add_all([
            User(organisation_id=organisation.id, email="handledare@test.se",
                 name="Hanna Handledare", role=Role.handledare, password_hash=hashed,
                 insatser=[insats]),
            User(organisation_id=organisation.id, email="admin@test.se", name="Ada Admin",
                 role=Role.admin, password_hash=hashed),
        ])
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Live(app, app.config["PUBLIC_URL"], itertools.count(1))
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> Path:
    if not AXE.exists():
        npm = shutil.which("npm")
        if npm:
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--prefix", str(HERE)],
                           check=False, capture_output=True, timeout=300)
    if not AXE.exists():
        _unavailable("axe-core is not installed (npm ci --prefix tests/browser)")
    return AXE


@pytest.fixture
def new_page(browser, live):  # type: ignore[no-untyped-def]
    """new_page(viewport=PHONE, javascript=True, **context options) -> a page."""
    contexts = []

    def make(viewport=PHONE, javascript=True, **options):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript,
                                      base_url=live.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    """Saved when STEGVIS_SCREENSHOTS names a folder: to look at what the tests see."""
    folder = os.environ.get("STEGVIS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
