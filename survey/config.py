"""Configuration defaults; anything secret or site-specific comes from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def private_folder(path: Path) -> None:
    """The instance folder holds the database and the secret key: owner only (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else a random key kept in instance/ (mode 0600).

    Keeping it in the instance folder lets `make run` work without setup while never
    shipping a fixed key in the code.
    """
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    path = instance_path / "secret_key"
    if not path.exists():
        private_folder(instance_path)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def defaults(instance_path: Path) -> dict[str, object]:
    database = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'stegvis.sqlite3'}"
    extra_dirs = os.environ.get("STEGVIS_QUESTIONNAIRE_DIRS", "")
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database,
        # Public address used in printed and mailed links, e.g. https://stegvis.example.se
        # (docs/deploy.md). Unset, this machine on the port `flask run` serves: the one in
        # FLASK_RUN_PORT (`make run` sets it from PORT), which flask run itself obeys.
        "PUBLIC_URL": os.environ.get("STEGVIS_PUBLIC_URL")
        or f"http://127.0.0.1:{os.environ.get('FLASK_RUN_PORT') or 5000}",
        # Extra folders of questionnaire TOML files (a förbund's licensed wording).
        "QUESTIONNAIRE_DIRS": [Path(p) for p in extra_dirs.split(os.pathsep) if p],
        "INVITATION_DAYS": int(os.environ.get("STEGVIS_INVITATION_DAYS", "90")),
        # A participant may leave a question open for hours; the CSRF token lives as long
        # as the session instead of the default one hour.
        "WTF_CSRF_TIME_LIMIT": None,
        # Every validator message is our own, translated through Babel; WTForms' built-in
        # catalogs would only cost a catalog lookup per form.
        "WTF_I18N_ENABLED": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("STEGVIS_HTTPS", "0") == "1",
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent.parent / "translations"),
        "MAX_CONTENT_LENGTH": 64 * 1024,
        # Email for survey links; leave MAIL_SERVER empty to hide the email option.
        "MAIL_SERVER": os.environ.get("STEGVIS_MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("STEGVIS_MAIL_PORT", "587")),
        "MAIL_STARTTLS": os.environ.get("STEGVIS_MAIL_STARTTLS", "1") == "1",
        "MAIL_USERNAME": os.environ.get("STEGVIS_MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("STEGVIS_MAIL_PASSWORD", ""),
        "MAIL_FROM": os.environ.get("STEGVIS_MAIL_FROM", "stegvis@localhost"),
        # Rate limits (survey/ratelimit.py on `limits`); counted per process unless a shared
        # storage (redis://...) is set.
        "RATELIMIT_STORAGE_URI": os.environ.get("STEGVIS_RATELIMIT_STORAGE", "memory://"),
        "LOGIN_RATE_LIMIT": "10 per minute",
        # Staff sessions end after this many minutes without a request (a warning shows
        # STAFF_IDLE_WARNING_MINUTES before), and after STAFF_SESSION_HOURS in any case.
        "STAFF_IDLE_MINUTES": int(os.environ.get("STEGVIS_IDLE_MINUTES", "30")),
        "STAFF_IDLE_WARNING_MINUTES": 5,
        "STAFF_SESSION_HOURS": int(os.environ.get("STEGVIS_SESSION_HOURS", "12")),
        # How many reverse proxies stand in front (0: none; see docs/deploy.md).
        "PROXY_COUNT": int(os.environ.get("STEGVIS_PROXY_COUNT", "0")),
        # The most answer rows one `flask import` takes: a förbund's paper surveys of several
        # years fit; the import stays under 250 MB and participants are served meanwhile
        # (bench/import_load.py). A larger file is refused with how to split it.
        "IMPORT_MAX_ROWS": int(os.environ.get("STEGVIS_IMPORT_MAX_ROWS", "50000")),
        # Reports are made by the report runner beside the web workers (`flask
        # report-worker`, survey/reports/jobs.py); "inline" makes them in the asking
        # request instead (tests; never under load). REPORT_RUNNERS: how many the runner
        # makes at once (1 on 2 cores). Each staff user may have REPORT_JOBS_PER_USER in
        # the making and ask for REPORT_JOBS_PER_HOUR new ones an hour.
        "REPORT_RUNNER": os.environ.get("STEGVIS_REPORT_RUNNER", "worker"),
        "REPORT_RUNNERS": int(os.environ.get("STEGVIS_REPORT_RUNNERS", "1")),
        "REPORT_JOBS_PER_USER": int(os.environ.get("STEGVIS_REPORT_JOBS_PER_USER", "2")),
        "REPORT_JOBS_PER_HOUR": int(os.environ.get("STEGVIS_REPORT_JOBS_PER_HOUR", "30")),
        # Anonymise participants this many months after exit unless the förbund sets another.
        "RETENTION_MONTHS_DEFAULT": 24,
    }
