"""Answer rows (the strict CSV reader's, the database export's, a test's) as the core's
columns: rows grouped into responses, nothing selected or dropped here."""

from __future__ import annotations

from array import array
from collections.abc import Iterable

import numpy as np

from questionnaires import Registry

from .codes import Codes
from .layouts import DONT_KNOW, Layouts
from .responses import AnswerColumns, ResponseColumns
from .rows import AnswerRow


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
    return ResponseColumns(
        layouts=layouts.found,
        qv=np.frombuffer(qv, dtype=np.int32).copy(),
        occasion=Codes.factorize([head.occasion for head in heads]),
        enrolment=None if all(i is None for i in ids) else Codes.factorize(
            [head.enrolment_key for head in heads]),
        participant=Codes.factorize([head.participant for head in heads]),
        gender=Codes.factorize([head.gender for head in heads]),
        born_abroad=Codes.factorize([head.born_abroad for head in heads]),
        insats=Codes.factorize([head.insats for head in heads]),
        site=Codes.factorize([head.site for head in heads]),
        language=Codes.factorize([head.language for head in heads]),
        easy=np.array([bool(head.easy) for head in heads], dtype=bool),
        submitted_at=np.array([head.submitted_at for head in heads], dtype="datetime64[us]"),
    ), AnswerColumns(
        response=np.frombuffer(response, dtype=np.int64).copy(),
        position=np.frombuffer(position, dtype=np.int32).copy(),
        value=np.frombuffer(value, dtype=np.int16).copy(),
    )
