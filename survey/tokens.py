"""Invitation tokens: 132 random bits in the link, only their SHA-256 in the database.

A fast hash is enough here: the token is random and long, so there is nothing to guess
from the hash, and lookups stay a single indexed query.
"""

import hashlib
import re
import secrets

TOKEN_BYTES = 24  # 192 bits; 32 URL-safe characters


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# Short codes for letters: typed by hand on /kod, so only characters that cannot be
# mistaken for each other (no 0/O, 1/I/L, U/V), grouped XXXX-XXXX-XXXX. 12 characters
# from 29 carry 58.3 bits, from `secrets`; lookups are rate-limited like links.
SHORT_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
SHORT_CODE_LENGTH = 12
_SHORT_CODE = re.compile(rf"^[{SHORT_CODE_ALPHABET}]{{4}}(-[{SHORT_CODE_ALPHABET}]{{4}}){{2}}$")


def new_short_code() -> str:
    raw = "".join(secrets.choice(SHORT_CODE_ALPHABET) for _ in range(SHORT_CODE_LENGTH))
    return "-".join(raw[i:i + 4] for i in range(0, SHORT_CODE_LENGTH, 4))


def normalise_short_code(typed: str) -> str | None:
    """The code as printed (XXXX-XXXX-XXXX), whatever case, spaces or dashes were typed;
    None when it cannot be a code."""
    raw = re.sub(r"[\s\-]", "", typed or "").upper()
    if len(raw) != SHORT_CODE_LENGTH or any(ch not in SHORT_CODE_ALPHABET for ch in raw):
        return None
    return "-".join(raw[i:i + 4] for i in range(0, SHORT_CODE_LENGTH, 4))


def is_short_code(text: str) -> bool:
    return _SHORT_CODE.match(text) is not None


def hash_short_code(code: str) -> str:
    # A prefix keeps code hashes and token hashes apart.
    return hash_token("short-code:" + code)
