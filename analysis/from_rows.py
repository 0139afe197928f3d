"""Answer rows (the strict CSV reader's, the database export's, a test's) as the core's
columns: rows grouped into responses, nothing selected or dropped here."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from questionnaires import Registry

from .codes import Codes
from .entries import ResponseColumns
from .layouts import DONT_KNOW, Layouts
from .responses import AnswerColumns
from .rows import AnswerRow

# The response's text columns, taken from its first row.
_TEXT_FIELDS = ("occasion", "participant", "gender", "born_abroad", "insats", "site", "language")


def columns_from_rows(
    rows: Iterable[AnswerRow], registry: Registry
) -> tuple[ResponseColumns, AnswerColumns]:
    """Rows of one (version, occasion, enrolment, moment) are one response; its first row
    stands for it (participant, language...). Unknown versions and items raise ValueError."""
    layouts = Layouts(registry)
    where: dict[tuple, int] = {}  # type: ignore[type-arg]
    heads: list[AnswerRow] = []
    qv = array("i")
    response, position, value = array("q"), array("i"), array("h")
    for row in rows:
        key = (row.questionnaire, row.version, row.occasion, row.enrolment_key, row.submitted_at)
        at = where.get(key)
        if at is None:
            at = where[key] = len(heads)
            heads.append(row)
            qv.append(layouts.code(row.questionnaire, row.version))
        layout = layouts.found[qv[at]]
        index = layout.index.get(row.item)
        if index is None:
            raise ValueError(f"unknown item {row.item!r} in {layout.ident}")
        response.append(at)
        position.append(index)
        value.append(DONT_KNOW if row.value is None else row.value)
    ids = [head.enrolment for head in heads]
    keys = [head.record_key for head in heads]
    if None in keys:
        # Without them the report could not protect anyone (analysis/perturbation.py).
        raise ValueError("every answer row needs its participant's record_key")
    return ResponseColumns(
        layouts=layouts.found,
        qv=np.frombuffer(qv, dtype=np.int32).copy(),
        enrolment=None if all(i is None for i in ids) else Codes.of(heads, "enrolment_key"),
        **{field: Codes.of(heads, field) for field in _TEXT_FIELDS},
        easy=np.array([bool(head.easy) for head in heads], dtype=bool),
        record_key=np.array(keys, dtype=np.int64),
        submitted_at=np.array([head.submitted_at for head in heads], dtype="datetime64[us]"),
    ), AnswerColumns(
        response=np.frombuffer(response, dtype=np.int64).copy(),
        position=np.frombuffer(position, dtype=np.int32).copy(),
        value=np.frombuffer(value, dtype=np.int16).copy(),
    )
