"""Argon2 password hashing (argon2-cffi with its recommended parameters)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


@functools.cache
def _dummy() -> str:
    """Verified against when no account matches, so a missing account costs the same time.

    Made on the first login, not at import: an Argon2 hash holds 64 MiB for a moment,
    which a worker that only serves participants should never need. Every first login
    makes it, whether the account exists or not, so its cost tells nothing."""
    return _hasher.hash("stegvis-no-such-account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(password_hash: str | None, password: str) -> bool:
    dummy = _dummy()
    try:
        return _hasher.verify(password_hash or dummy, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
