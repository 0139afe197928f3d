"""Who may open a staff page. Every staff view declares its access with `requires`, and a
test walks every registered route to check that none is left without it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, redirect, request, url_for
from flask_login import current_user

from ..models import Role
from . import sessions

STAFF = "staff"  # any logged-in staff member (a handledare sees only their insatser)
ADMIN = "admin"  # förbund admins only


def requires(access: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    if access not in (STAFF, ADMIN):
        raise ValueError(access)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if sessions.kiosk():
                # A participant holds the tablet: no staff page until the password is given.
                return redirect(url_for("auth.locked"))
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if access == ADMIN and current_user.role is not Role.admin:
                abort(404)  # a handledare learns nothing about admin pages
            return view(*args, **kwargs)

        wrapper.stegvis_access = access  # type: ignore[attr-defined]
        return wrapper

    return decorate

