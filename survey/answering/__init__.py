"""What a participant sees: the survey behind /s/<token>."""

from flask import Blueprint

bp = Blueprint("answering", __name__, url_prefix="/s")

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
