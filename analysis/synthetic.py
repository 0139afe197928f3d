"""Synthetic answer CSVs for benchmarks, demos and tests (deterministic per seed)."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import random
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .perturbation import KEY_RANGE
from .rows import CSV_COLUMNS, AnswerRow

INSATSER = {
    "Hantverksstegen": ("Skövde", "Falköping"),
    "Vägen framåt": ("Skövde",),
    "Elings ark": ("Lidköping", "Götene"),
}
INDICATOR_ITEMS = ("delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering")
SELF_ITEMS = ("aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid")


def write_csv(path: Path, participants: int, seed: int = 1) -> int:
    """Write about 20 answers per participant; returns the number of answer rows."""
    rnd = random.Random(seed)  # noqa: S311 - test data, not secrets
    names = list(INSATSER)
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(CSV_COLUMNS)
        for number in range(participants):
            person = f"D{number:06d}"
            gender = rnd.choices(("kvinna", "man", "annat", "okänt"), (48, 48, 2, 2))[0]
            year = str(rnd.randint(1960, 2005))
            abroad = rnd.choices(("ja", "nej", "okänt"), (30, 65, 5))[0]
            language = "sv"
            if abroad == "ja" and rnd.random() < 0.5:
                language = rnd.choice(("ar", "so", "ti"))
            stays = [rnd.choice(names)]
            if rnd.random() < 0.1:
                stays.append(rnd.choice([n for n in names if n != stays[0]]))
            for insats in stays:
                site = rnd.choice(INSATSER[insats])
                common = (person, gender, year, abroad, insats, site)
                count += _stay(out, rnd, common, language, str(synthetic_key(person)))
    return count


_BASE = dt.datetime(2024, 1, 8, 9, 0)


def synthetic_key(participant: str) -> int:
    """A stand-in record key made from the code, for test and benchmark data only: a real
    one is random (analysis/perturbation.py), so nobody who knows a code knows its key."""
    return zlib.crc32(participant.encode()) % KEY_RANGE


def _stay(out: Any, rnd: random.Random, common: tuple[str, ...], language: str,
          key: str) -> int:
    """One enrolment's answers: start, sometimes pågående, mostly avslut. Returns the rows."""
    start = _BASE + dt.timedelta(days=rnd.randint(0, 600), minutes=rnd.randint(0, 480))
    level = [rnd.randint(1, 5) for _ in SELF_ITEMS]
    start_values = {item: str(v) for item, v in zip(SELF_ITEMS, level, strict=True)}
    answer = functools.partial(_answer, out, rnd, common, language, key=key)
    count = answer(("sjalvskattning", "start", start), start_values)
    if rnd.random() < 0.6:
        when = start + dt.timedelta(days=60)
        count += answer(("finsam-indikatorer", "pagaende", when), _indicator_values(rnd))
    if rnd.random() < 0.75:
        end = start + dt.timedelta(days=rnd.randint(90, 300))
        moved = {
            item: str(min(6, max(1, v + rnd.choice((-1, 0, 1, 1, 2)))))
            for item, v in zip(SELF_ITEMS, level, strict=True)
        }
        count += answer(("sjalvskattning", "avslut", end), moved)
        count += answer(("finsam-indikatorer", "avslut", end), _indicator_values(rnd))
    return count


def _answer(out: Any, rnd: random.Random, common: tuple[str, ...], language: str,
            survey: tuple[str, str, dt.datetime], items: dict[str, str], key: str) -> int:
    """One response's rows; returns how many."""
    questionnaire, occasion, when = survey
    easy = "1" if rnd.random() < 0.3 else "0"
    assisted = rnd.choice(("sjalv", "sjalv", "handledare", "tolk"))
    for item, value in items.items():
        out.writerow((*common, questionnaire, "1", occasion, when.isoformat(timespec="seconds"),
                      language, easy, assisted, item, value, "", key))  # fmt: skip
    return len(items)


def _indicator_values(rnd: random.Random) -> dict[str, str]:
    return {
        item: "" if rnd.random() < 0.05 else str(rnd.choices((4, 3, 2, 1), (50, 35, 10, 5))[0])
        for item in INDICATOR_ITEMS
    }


_DEFAULTS: dict[str, object] = {
    "participant": "P1",
    "gender": "kvinna",
    "birth_year": 1990,
    "born_abroad": "nej",
    "insats": "Hantverksstegen",
    "site": "Skövde",
    "questionnaire": "finsam-indikatorer",
    "version": 1,
    "occasion": "avslut",
    "submitted_at": dt.datetime(2025, 3, 14, 10, 30),
    "language": "sv",
    "easy": False,
    "assisted": "sjalv",
    "item": "nytta",
    "value": 4,
    "comment": None,
    "enrolment": None,
    "record_key": None,
}


def make_row(**fields: object) -> AnswerRow:
    """An AnswerRow with plausible defaults, for tests and examples; the record key is
    the participant's `synthetic_key` unless given."""
    unknown = set(fields) - set(_DEFAULTS)
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    row = {**_DEFAULTS, **fields}
    if row["record_key"] is None:
        row["record_key"] = synthetic_key(str(row["participant"]))
    return AnswerRow(**row)  # type: ignore[arg-type]


def self_assessment(
    participant: str, start: Sequence[int], end: Sequence[int], **fields: object
) -> list[AnswerRow]:
    """Start and avslut rows of självskattning for one enrolment."""
    rows = []
    for occasion, values, day in (("start", start, 1), ("avslut", end, 20)):
        for item, value in zip(SELF_ITEMS, values, strict=True):
            rows.append(
                make_row(
                    **{
                        "participant": participant,
                        "questionnaire": "sjalvskattning",
                        "occasion": occasion,
                        "submitted_at": dt.datetime(2025, 3, day, 10, 0),
                        "item": item,
                        "value": value,
                        **fields,
                    }
                )
            )
    return rows


def to_csv_text(rows: Iterable[AnswerRow]) -> str:
    """Rows written in the CSV interface format (the inverse of the reader)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    out.writerow(CSV_COLUMNS)
    for row in rows:
        out.writerow(
            (
                row.participant, row.gender, "" if row.birth_year is None else row.birth_year,
                row.born_abroad, row.insats, row.site or "", row.questionnaire, row.version,
                row.occasion, row.submitted_at.isoformat(timespec="seconds"), row.language,
                int(row.easy), row.assisted, row.item, "" if row.value is None else row.value,
                row.comment or "", "" if row.record_key is None else row.record_key,
            )
        )  # fmt: skip
    return buffer.getvalue()
