"""Handledare and förbund staff pages under /personal."""

from flask import Blueprint

from .. import i18n

bp = Blueprint("staff", __name__, url_prefix="/personal")


@bp.record_once
def _template_globals(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["staff_languages"] = i18n.STAFF_LANGUAGES


from . import (  # noqa: E402,F401
    enrolments,
    handout,
    insatser,
    overview,
    privacy,
    recordings_page,
    users,
)
