"""The participant forms' CSRF token, bound to the survey link instead of to a cookie.

Participants get no cookie at all: nothing is left on a shared tablet or a borrowed
phone, and no session has to be opened, verified and re-signed on every tap. Every form
still carries a token and every POST under /s/ is refused without the right one
(Flask-WTF's CSRFError, so the same kind page as anywhere else):

    token = HMAC-SHA256(SECRET_KEY, "stegvis-answer-form:" + SHA-256(survey token))

Only the server can make it, and it differs per link. A forged cross-site POST would
have to name the link's URL, which already holds the participant's only credential;
the token keeps the "CSRF on every form" rule without a cookie. SECRET_KEY_FALLBACKS
keep pages opened before a key rotation working.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app, request
from flask_wtf.csrf import CSRFError
from markupsafe import Markup

from ..tokens import hash_token

FIELD = "csrf_token"
_PURPOSE = b"stegvis-answer-form:"


def _sign(key: str | bytes, survey_token: str) -> str:
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, _PURPOSE + hash_token(survey_token).encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def token_for(survey_token: str) -> str:
    return _sign(current_app.secret_key, survey_token)  # type: ignore[arg-type]


def hidden_field(survey_token: str) -> Markup:
    # The value is URL-safe base64: nothing in it needs escaping.
    return Markup(f'<input type="hidden" name="{FIELD}" value="{token_for(survey_token)}">')  # noqa: S704


def check(survey_token: str) -> None:
    """Raise CSRFError unless the posted form carries this link's token."""
    sent = request.form.get(FIELD, "")
    keys = (current_app.secret_key, *(current_app.config.get("SECRET_KEY_FALLBACKS") or ()))
    if not sent or not any(hmac.compare_digest(sent, _sign(key, survey_token)) for key in keys):
        raise CSRFError("The CSRF token is missing or does not belong to this link.")
