"""Staff login, logout and the tablet lock screen."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/personal")

from . import routes  # noqa: E402,F401
