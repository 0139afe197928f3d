"""/kod: the short code printed on a letter (XXXX-XXXX-XXXX), typed by hand, opens the
survey.

The code opens the survey, so it is sent by POST and never stands in a URL that a proxy
or gunicorn would log. A valid and an invalid code are answered alike, 303 with an
empty body, so the access log's line ("POST /kod" 303 0) does not tell which codes
exist: the valid one to the survey (/s/ is masked in every log), the invalid one back to
the form, which then says the code was not found. Like the survey's own forms there is
no cookie: the form's CSRF token follows the link's rules (link_csrf.py), bound to /kod
instead of to a link. Every lookup counts against the same per-address limit as links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for

from .. import i18n, ratelimit
from ..extensions import csrf
from ..tokens import normalise_short_code
from . import journey, link_csrf

bp = Blueprint("code", __name__)
bp.teardown_request(journey.close)
# The form carries link_csrf's token for /kod, checked below (no session cookie).
csrf.exempt(bp)

# What the form's CSRF token is bound to: never a survey token (those have no "/").
FORM = "/kod"
NOT_FOUND = "fel"


@bp.get("/kod")
def enter() -> Any:
    i18n.use(i18n.from_browser())
    return render_template("answering/short_code.html", error=NOT_FOUND in request.args,
                           form_token=link_csrf.hidden_field(FORM))


def _see_other(location: str) -> Response:
    # No body: both answers have the same length in the access log.
    return Response(b"", status=303, headers={"Location": location})


@bp.post("/kod")
def look_up() -> Any:
    ratelimit.hit("answering", "PARTICIPANT_RATE_LIMIT")
    link_csrf.check(FORM)
    code = normalise_short_code(request.form.get("kod", ""))
    if code is not None:
        state, _survey = journey.find(code, current_app.extensions["stegvis.questionnaires"])
        if state is not journey.LinkState.unknown:
            return _see_other(url_for("answering.entry", token=code))
    language = request.form.get("sprak")
    return _see_other(url_for(".enter", **{NOT_FOUND: 1},
                              **({"sprak": language} if i18n.is_known(language) else {})))
