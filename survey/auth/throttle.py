"""Growing waits after wrong passwords (per account and client address) and after wrong
second-factor codes (per account).

Instead of a lock on the account (which anyone who knows an e-mail address can keep
closed), each address gets a few free tries at an account, then must wait 2, 4, 8 ...
seconds, at most 15 minutes, before its next try is even checked. Another address, such
as the owner's, is not slowed by an attacker's failures. The per-address rate limit on
the login form (ratelimit.py) still bounds guessing across many accounts.

Wrong codes are counted for the account alone, from any address, and only a right code
clears them: only someone who has the password reaches the code, so nobody else can keep
the owner out this way, and whoever has the password cannot win fresh tries by typing it
again (password, wrong codes, password, ...) or by changing address.
"""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..models import LoginThrottle, utcnow

FREE_FAILURES = 3
LONGEST_WAIT = dt.timedelta(minutes=15)
FORGET_AFTER = dt.timedelta(days=1)


def wait_after(failures: int) -> dt.timedelta:
    if failures <= FREE_FAILURES:
        return dt.timedelta(0)
    return min(dt.timedelta(seconds=2 ** (failures - FREE_FAILURES)), LONGEST_WAIT)


# The address column of the account's second-factor row: never a client address.
SECOND_FACTOR = "second factor"


def _key(account: str, address: str) -> tuple[str, str]:
    return account.strip().lower()[:254], address[:64]


def seconds_to_wait(account: str, address: str) -> int:
    """How long this address must wait before its password for this account is checked."""
    row = db.session.get(LoginThrottle, _key(account, address))
    if row is None:
        return 0
    remaining = row.updated_at + wait_after(row.failures) - utcnow()
    return max(0, math.ceil(remaining.total_seconds()))


def failed(account: str, address: str) -> None:
    """Count one wrong password (one statement, so two workers cannot lose a count)."""
    account, address = _key(account, address)
    now = utcnow()
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    statement = insert(LoginThrottle).values(
        account=account, address=address, failures=1, updated_at=now)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["account", "address"],
        set_={"failures": LoginThrottle.failures + 1, "updated_at": now}))
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.updated_at < now - FORGET_AFTER))


def succeeded(account: str, address: str) -> None:
    account, address = _key(account, address)
    db.session.execute(delete(LoginThrottle).where(
        LoginThrottle.account == account, LoginThrottle.address == address))


# The second factor's waits: the same growing waits, kept for the account whatever the address.


def code_wait(account: str) -> int:
    return seconds_to_wait(account, SECOND_FACTOR)


def code_failed(account: str) -> None:
    failed(account, SECOND_FACTOR)


def code_succeeded(account: str) -> None:
    succeeded(account, SECOND_FACTOR)
