"""GET /healthz for a load balancer: 200 when the app and its database answer, else 503.

No personal data, no session (nothing is read from or written to the cookie), no rate
limit, and no template or translation: one plain-text line.
"""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    try:
        with db.engine.connect() as connection:
            # A real table: proves the schema is there, not only the server.
            connection.execute(text("SELECT 1 FROM organisation LIMIT 1"))
    except SQLAlchemyError:
        return Response("databasen svarar inte\n", 503, mimetype="text/plain")
    return Response("ok\n", 200, mimetype="text/plain")
