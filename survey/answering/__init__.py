"""What a participant sees: the survey behind /s/<token>."""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("answering", __name__, url_prefix="/s")

# Participant forms carry a token bound to the link instead of the session's (see
# link_csrf.py): checked for every POST under /s/ in routes.load_survey.
csrf.exempt(bp)

from . import journey, routes  # noqa: E402,F401  (routes register themselves on bp)

bp.teardown_request(journey.close)
