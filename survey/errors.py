"""Kind error pages: a participant must never see a stack trace or a bare status code."""

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from . import i18n
from .extensions import db

STAFF_PREFIX = "/personal"


def _page(heading: str, message: str, status: int,  # type: ignore[no-untyped-def]
          offer_languages: bool = False):
    return render_template("error.html", heading=heading, message=message,
                           offer_languages=offer_languages), status


def _not_found():  # type: ignore[no-untyped-def]
    # A mistyped participant address: in the browser's language (or the survey's, when
    # the link was found), with the other languages offered. Staff pages keep theirs.
    participant = not request.path.startswith(STAFF_PREFIX)
    if participant and "language" not in g:
        i18n.use(i18n.from_browser())
    return _page(_("Sidan finns inte"), _("Kontrollera adressen."), 404,
                 offer_languages=participant)


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return _page(
            _("Något gick fel"),
            _("Sidan hade varit öppen för länge. Inget har ändrats. Gå tillbaka och försök igen."),
            400,
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):  # type: ignore[no-untyped-def]
        db.session.rollback()
        if error.code == 404:
            return _not_found()
        if error.code == 413:
            return _page(_("För mycket text"), _("Skriv lite kortare och försök igen."), 413)
        return _page(_("Något gick fel"), _("Försök igen om en liten stund."), error.code or 500)

    @app.errorhandler(500)
    def server_error(error: Exception):  # type: ignore[no-untyped-def]
        db.session.rollback()
        return _page(_("Något gick fel"), _try_again_message(), 500)

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError):  # type: ignore[no-untyped-def]
        if not cannot_write(error):
            raise error  # logged, and answered by server_error like any other fault
        db.session.rollback()
        app.logger.warning("The database cannot write now (%s): answered 503",
                           type(error.orig).__name__)
        page, status = _page(_("Något gick fel"), _try_again_message(), 503)
        return page, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}


# What a client is told to wait when the database cannot write: long enough for a
# restarted database or a freed disk, short enough for a participant who tries again.
RETRY_AFTER_SECONDS = 30

# PostgreSQL's SQLSTATEs for "not now" rather than "wrong": read-only transaction,
# insufficient resources (disk full, out of memory, too many connections), connection
# failures, and a server starting or shutting down.
_PG_UNAVAILABLE = ("25006", "53", "08", "57P")
# SQLite's: a read-only file, a full disk, an I/O error, a file that cannot be opened,
# and a lock held past busy_timeout (a long write such as an import).
_SQLITE_UNAVAILABLE = ("SQLITE_READONLY", "SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN",
                       "SQLITE_BUSY")


def cannot_write(error: DBAPIError) -> bool:
    """Whether the database refused for a passing reason (the request itself was fine)."""
    original = error.orig
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(_PG_UNAVAILABLE)
    name = getattr(original, "sqlite_errorname", None)
    if name:
        return name.startswith(_SQLITE_UNAVAILABLE)
    # psycopg gives no SQLSTATE when it could not reach the server at all.
    return isinstance(error, OperationalError) and type(original).__module__.startswith("psycopg")


def _try_again_message() -> str:
    """What the error page may truthfully say: a participant's earlier answers are
    saved only when they gave some (the language screen comes before any)."""
    if request.blueprint == "answering":
        survey = g.get("survey")
        if survey is not None and survey.answers():
            return _("Dina tidigare svar är sparade. Försök igen om en liten stund.")
        return _("Försök igen om en liten stund.")
    if request.blueprint == "code":
        return _("Försök igen om en liten stund.")
    from .staff import SERVER_ERROR

    return str(SERVER_ERROR)
