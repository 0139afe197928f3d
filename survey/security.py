"""What keeps a participant's link and answers safe on the wire and in the logs.

- Headers every response carries. No third-party origin is ever allowed.
- The session cookie is `Secure` when Stegvis is served over HTTPS: always when
  STEGVIS_HTTPS=1, and also per request when the request itself arrived over HTTPS
  (directly, or through a trusted proxy's X-Forwarded-Proto once STEGVIS_PROXY_COUNT is
  set, see ProxyFix in create_app).
- Survey tokens are masked in every log line (werkzeug, gunicorn access and error logs,
  the app's own exception log): a token is the participant's only credential.
- The participant routes are rate-limited per client address (see answering/__init__.py).
"""

from __future__ import annotations

import logging
import os
import re

from flask import Flask, Response, abort, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from .tokens import SHORT_CODE_ALPHABET

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# Generous enough for a unit's shared tablet or a whole workplace behind one NAT address
# (a journey is about 20 requests), low enough that guessing tokens goes nowhere.
PARTICIPANT_RATE_LIMIT = "300 per minute"

# Whatever can open a survey, wherever it stands in a line (request line, Referer, an
# error message): /s/<token> up to the next slash, query or space (a link, or a short
# code used as one); the value of a `kod` parameter (the short code form sends it by
# POST, but anyone can type it into a URL); and anything shaped like a short code, in any
# case, with dashes, spaces or their URL encodings between the groups (without them, 12
# such characters are as often a static file's version hash).
_TOKEN_IN_PATH = re.compile(r"(/s/)[^/?#\s\"']+")
_CODE_PARAMETER = re.compile(r"([?&;]kod=)[^&;#\s\"']*", re.IGNORECASE)
_GAP = r"(?:-|\s|\+|%20|%2d)+"
_GROUP = rf"[{SHORT_CODE_ALPHABET}]{{4}}"
_SHORT_CODE = re.compile(rf"(?<![0-9A-Z]){_GROUP}{_GAP}{_GROUP}{_GAP}{_GROUP}(?![0-9A-Z])",
                         re.IGNORECASE)
MASK = r"\1[token]"
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def mask_tokens(text: str) -> str:
    text = _TOKEN_IN_PATH.sub(MASK, text)
    text = _CODE_PARAMETER.sub(r"\1[kod]", text)
    return _SHORT_CODE.sub("[kod]", text)


class TokenMaskingFilter(logging.Filter):
    """Rewrites a record so that no survey token reaches any handler."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg = masked
            record.args = None
        return True


_FILTER = TokenMaskingFilter()


def install_log_filter(*loggers: logging.Logger | str) -> None:
    for logger in loggers:
        target = logging.getLogger(logger) if isinstance(logger, str) else logger
        if _FILTER not in target.filters:
            target.addFilter(_FILTER)


class SessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS.

    The signing serializer is built once per set of keys instead of twice per request
    (Flask builds a new one to open and another to save every session).
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        try:
            return self._serializers[keys]
        except KeyError:
            serializer = super().get_signing_serializer(app)
            if len(self._serializers) > 8:  # keys changed at run time (tests)
                self._serializers.clear()
            self._serializers[keys] = serializer
            return serializer

    def get_cookie_secure(self, app: Flask) -> bool:  # type: ignore[override]
        configured = bool(app.config["SESSION_COOKIE_SECURE"])
        return configured or (has_request_context() and request.is_secure)


def refuse_nul_bytes() -> None:
    """No person types a NUL byte, and PostgreSQL cannot compare or store one: refuse it
    with the kind 400 page before any query sees it. The participant forms check their
    own fields and answer with a message in the form instead (answering/forms.py)."""
    if request.blueprint == "answering":
        return
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if "\x00" in key or "\x00" in value:
                abort(400)


# The recording page only: the microphone for this origin, and the just-recorded take
# played back from a blob: URL before it is saved.
RECORDING_PAGE_CSP = CSP.replace("media-src 'self'", "media-src 'self' blob:")
RECORDING_PAGE_PERMISSIONS = "camera=(), microphone=(self), geolocation=()"


def add_headers(response: Response) -> Response:
    if request.endpoint == "staff.recordings":
        response.headers["Content-Security-Policy"] = RECORDING_PAGE_CSP
        response.headers["Permissions-Policy"] = RECORDING_PAGE_PERMISSIONS
    else:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    # Survey tokens are in URLs: never leak them through a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        response.headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.endpoint != "static" and not response.cache_control.private:
        # Pages, reports, exports and letters are personal: no cache may keep them.
        # Static files (the same for everyone) may be cached, and so may what a view
        # marks private on purpose (a question's read-aloud audio: no answers in it).
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.config.setdefault(
        "PARTICIPANT_RATE_LIMIT",
        os.environ.get("STEGVIS_PARTICIPANT_RATE_LIMIT", PARTICIPANT_RATE_LIMIT),
    )
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.session_interface = SessionInterface()
    install_log_filter(app.logger, *LOGGERS)
    app.before_request(refuse_nul_bytes)
    app.after_request(add_headers)
