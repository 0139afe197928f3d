"""Handledare and förbund staff pages under /personal."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from .. import i18n

# The error page's text on staff pages (errors.py): what was being saved may not have
# been; participants are told their earlier answers are kept instead.
SERVER_ERROR = _l("Det du gjorde kanske inte sparades. Kontrollera och försök igen om en "
                  "liten stund.")

bp = Blueprint("staff", __name__, url_prefix="/personal")


@bp.record_once
def _template_globals(state) -> None:  # type: ignore[no-untyped-def]
    state.app.jinja_env.globals["staff_languages"] = i18n.STAFF_LANGUAGES
    state.app.jinja_env.filters["label"] = forms.label
    state.app.jinja_env.filters["last_answered"] = status.last_answered


from . import (  # noqa: E402,F401
    enrolments,
    forms,
    handout,
    insatser,
    overview,
    privacy,
    recordings_page,
    status,
    users,
)
