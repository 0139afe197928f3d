"""What a participant sees: the survey behind /s/<token>."""

from flask import Blueprint, current_app

from ..extensions import limiter

bp = Blueprint("answering", __name__, url_prefix="/s")

# Token lookup is rate-limited per client address (see survey/security.py for the figure).
limiter.limit(lambda: current_app.config["PARTICIPANT_RATE_LIMIT"])(bp)

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
