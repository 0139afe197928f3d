"""Handledare and förbund staff pages under /personal."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/personal")

from . import enrolments, handout, insatser, overview, privacy, users  # noqa: E402,F401
