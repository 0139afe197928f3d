"""The one rule for free text anyone stores: no control characters.

Control characters other than tab and line breaks are never typed by a person, and
PostgreSQL refuses NUL in text. Lone surrogates cannot be encoded as UTF-8. The web
forms, the CSV readers, `flask invite` and `flask import` all use this rule. It lives in
`questionnaires` because both `survey` and `analysis` (the CSV readers) may import this
package, and importing it costs nothing (the `analysis` package loads NumPy and SciPy).
"""

from __future__ import annotations

import re

# The character class, written as escapes, so RE2 (pyarrow) reads it the same way.
CONTROL_CLASS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# For pyarrow's regular expressions: its strings are valid UTF-8, so no surrogates.
CONTROL_RE2 = f"[{CONTROL_CLASS}]"
CONTROL_CHARACTERS = re.compile(rf"[{CONTROL_CLASS}\ud800-\udfff]")


def is_plain(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is None
