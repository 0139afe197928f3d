"""A second factor for staff: time-based one-time codes (RFC 6238) with pyotp.

Any staff member may turn it on; when the förbund requires it, an admin without one sets
it up at the next login before getting in. A code is accepted once (the time step is
remembered), from the step before to the step after now (clock drift of a phone).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

import pyotp
import segno
from flask import current_app
from markupsafe import Markup

from ..models import User

ISSUER = "Stegvis"


def proposed_secret(user: User, nonce: str) -> str:
    """The secret offered while a user sets up the second factor.

    Derived from the app's key, the user and a random nonce kept in the cookie, so the
    secret itself is never in the cookie and nothing is stored until a code proves the
    phone has it.
    """
    key = current_app.secret_key
    digest = hmac.new(str(key).encode(), f"totp-setup:{user.id}:{nonce}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode()


def needed(user: User) -> bool:
    """Must this login give a code (or set one up)?"""
    return bool(user.totp_secret) or (
        user.role == "admin" and user.organisation.admins_need_totp)


def accept(user: User, secret: str, code: str) -> bool:
    """Check a code and remember its time step, so the same code cannot be used again."""
    code = "".join(code.split())
    totp = pyotp.TOTP(secret)
    now = time.time()
    for offset in (-1, 0, 1):
        at = now + offset * totp.interval
        step = totp.timecode(at)
        if step > (user.totp_last_step or 0) and totp.verify(code, for_time=int(at)):
            user.totp_last_step = step
            return True
    return False


def qr_svg(user: User, secret: str) -> Markup:
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, svgclass="qr",
                                                lineclass=None, omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own SVG output, no user text inside
