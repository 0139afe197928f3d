"""/kod: the short code printed on a letter (XXXX-XXXX-XXXX), typed by hand, opens the
survey. A plain GET form: looking a code up changes nothing, so there is no cookie and
no CSRF token to carry; every lookup counts against the same per-address limit as links.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from .. import i18n, ratelimit
from ..tokens import normalise_short_code
from . import journey

bp = Blueprint("code", __name__)
bp.teardown_request(journey.close)


@bp.get("/kod")
def enter() -> Any:
    i18n.use(i18n.from_browser())
    typed = request.args.get("kod")
    if typed is None:
        return render_template("answering/short_code.html", typed="")
    ratelimit.hit("answering", "PARTICIPANT_RATE_LIMIT")
    code = normalise_short_code(typed)
    if code is not None:
        state, _survey = journey.find(code, current_app.extensions["stegvis.questionnaires"])
        if state is not journey.LinkState.unknown:
            return redirect(url_for("answering.entry", token=code))
    return render_template("answering/short_code.html", typed=typed[:40], error=True), 404
