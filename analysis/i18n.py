"""Words in reports are translated by the caller: `analysis` has no Flask.

A function that writes words for people takes the caller's gettext as a parameter named
`_` (the web app passes Flask-Babel's, so a report is in the staff user's language; the
command line passes `untranslated`, which gives the Swedish source). Names kept in
tables are marked with `N_` so Babel extracts them, and are translated where they are
shown: `_(ITEM_NAMES[key])`.
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def N_(message: str) -> str:
    return message


def untranslated(message: str) -> str:
    return message


def named(_: Translate, message: str) -> str:
    """A message marked with `N_` where it is defined, translated where it is shown.

    Written `named(_, NAMES[key])`, not `_(NAMES[key])`: Babel would extract the string
    `key` inside the brackets as a message of its own."""
    return _(message)
