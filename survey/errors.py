"""Kind error pages: a participant must never see a stack trace or a bare status code."""

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
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
        if request.blueprint == "answering":
            message = _("Dina tidigare svar är sparade. Försök igen om en liten stund.")
        else:
            from .staff import SERVER_ERROR

            message = str(SERVER_ERROR)
        return _page(_("Något gick fel"), message, 500)
