"""Invitation tokens: 132 random bits in the link, only their SHA-256 in the database.

A fast hash is enough here: the token is random and long, so there is nothing to guess
from the hash, and lookups stay a single indexed query.
"""

import hashlib
import secrets

TOKEN_BYTES = 24  # 192 bits; 32 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
