"""Förbund reports: choose insatser, period and site; see, download (PDF, Excel, CSV).

This blueprint only fetches rows and renders; every figure comes from `analysis`. The
per-person Dataexport (dataexport.py) is apart from the report, audited and admin-only.
"""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/personal/rapporter")

from . import dataexport, open_answers, routes  # noqa: E402,F401
