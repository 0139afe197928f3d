"""Strict reader for the answers CSV (one row per answer; columns in rows.CSV_COLUMNS).

Every row is checked and every problem is collected with its line number, so förbund
staff can fix a file in one round instead of one error at a time. Rows are only handed
on while the file is still error-free: a file with any error imports nothing.

The reader validates as it streams, so a report over a large file is built in the same
single pass; `read_answers_csv` is the all-or-nothing wrapper for importing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TextIO

from questionnaires import Questionnaire, Registry
from questionnaires.plaintext import CONTROL_CHARACTERS

from .collect import DONT_KNOW
from .rows import ASSISTED, BORN_ABROAD, CSV_COLUMNS, GENDERS, OCCASIONS, AnswerRow

_EASY = {"0": False, "1": True}
_BAD = object()
_NO_ERRORS: list[str] = []  # shared: most responses have none, and one list each adds up


class ResponseSink(Protocol):
    def open_response(self, head: AnswerRow) -> list[int] | None:
        """Where to put one response's values (by item position), or None to skip it."""


_NOW_YEAR = dt.date.today().year


@dataclass(frozen=True, slots=True)
class CsvError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Rad {self.line}: {self.message}"


@dataclass(slots=True)
class CsvResult:
    rows: list[AnswerRow]
    errors: list[CsvError]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(slots=True)
class _Version:
    """What the reader needs to know about one questionnaire version, looked up once."""

    ident: str
    number: int
    occasions: tuple[str, ...]
    # item id -> (canonical string, bit to catch duplicates, position in the questionnaire)
    items: dict[str, tuple[str, int, int]]
    values: dict[str, int | None]  # as written -> value; "" -> None when "vet inte" exists
    dont_know: bool
    scale_text: str

    @classmethod
    def of(cls, q: Questionnaire) -> _Version:
        values = sorted(q.scale.values)
        scale_text = f"{values[0]}–{values[-1]}"
        if q.scale.dont_know is not None:
            scale_text += ", eller tomt för 'vet inte'"
        return cls(
            ident=q.ident,
            number=q.version,
            occasions=q.occasions,
            items={item.id: (item.id, 1 << i, i) for i, item in enumerate(q.items)},
            values={str(v): v for v in values} | ({"": None} if q.scale.dont_know else {}),
            dont_know=q.scale.dont_know is not None,
            scale_text=scale_text,
        )


@dataclass(slots=True)
class _Response:
    """One submitted response (rows sharing participant, insats, site, questionnaire,
    version, occasion and submitted_at): validated once, shared by its rows."""

    line: int
    prefix: tuple | None  # parsed leading fields of AnswerRow; None when invalid
    errors: list[str]
    version: _Version | None
    per_response: tuple[str, str, str]  # language, easy, assisted as written
    seen: int = 0  # bit mask of items answered, to catch an item answered twice
    # Where the report collector wants this response's values (see `feed`).
    entry: list[int] | None = None


class AnswerCsvReader:
    """Validates while it streams. Read `errors` after `rows()` is exhausted."""

    def __init__(self, source: Path | str | TextIO, registry: Registry | None = None) -> None:
        self.source = source
        self.registry = registry or Registry.load()
        self.errors: list[CsvError] = []
        self._versions: dict[tuple[str, str], _Version | str] = {}
        self._interned: dict[str, str] = {}
        self._people: dict[str, tuple[str, str, str, int]] = {}
        self._times: dict[str, dt.datetime | None] = {}
        self._keys = set(self.registry.keys())
        self._shared: dict[tuple[str, str, str], tuple[str, str, str]] = {}

    def rows(self) -> Iterator[AnswerRow]:
        yield from self._open(None)

    def feed(self, sink: ResponseSink) -> None:
        """Validate the whole file and hand each response's answers straight to `sink`.

        The same checks as `rows()`, without building an AnswerRow per answer: this is
        what makes a report over millions of rows fast. Check `errors` afterwards; with
        any error, whatever reached the sink must be thrown away.
        """
        for _ in self._open(sink):
            pass

    def _open(self, sink: ResponseSink | None) -> Iterator[AnswerRow]:
        if isinstance(self.source, str | Path):
            with open(self.source, encoding="utf-8-sig", newline="") as handle:
                yield from self._read(handle, sink)
        else:
            yield from self._read(self.source, sink)

    def _undecodable_line(self, guess: int) -> int:
        """The first line that is not UTF-8. Text is decoded in blocks, so the decoder
        fails at the start of a block rather than at the bad line; look again, by line."""
        if not isinstance(self.source, str | Path):
            return guess
        with open(self.source, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                try:
                    raw.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return guess

    def _error(self, line: int, message: str) -> None:
        self.errors.append(CsvError(line, message))

    def _read(self, handle: TextIO, sink: ResponseSink | None) -> Iterator[AnswerRow]:
        try:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
        except UnicodeDecodeError:
            self._error(self._undecodable_line(1), "Filen är inte sparad som UTF-8.")
            return
        except csv.Error as exc:
            self._error(1, f"Rubrikraden går inte att läsa som CSV ({exc}).")
            return
        if header is None:
            self._error(1, "Filen är tom; den ska börja med en rubrikrad.")
            return
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        if tuple(header) != CSV_COLUMNS:
            self._error(1, _header_problem(header))
            return

        responses: dict[tuple[str, ...], _Response] = {}
        width = len(CSV_COLUMNS)
        make = AnswerRow._make
        previous_end = reader.line_num
        last_key: tuple[str, ...] | None = None
        last_response: _Response | None = None
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                self._error(previous_end + 1, f"Raden går inte att läsa som CSV ({exc}).")
                break
            except UnicodeDecodeError:
                self._error(self._undecodable_line(previous_end + 1),
                            "Filen är inte sparad som UTF-8.")
                break
            line = previous_end + 1
            previous_end = reader.line_num
            if len(fields) != width:
                if fields:  # a blank line is harmless
                    self._error(line, f"Raden har {len(fields)} fält men ska ha {width}.")
                continue
            (participant, _, _, _, insats, site, questionnaire, version, occasion,
             submitted_at, language, easy, assisted, item, value, comment) = fields  # fmt: skip
            # The other columns are checked against fixed sets; these are free text.
            if CONTROL_CHARACTERS.search(participant + insats + site + language + comment):
                self._error(line, "Raden innehåller styrtecken (t.ex. NUL) som inte kan sparas.")
            key = (participant, insats, site, questionnaire, version, occasion, submitted_at)
            # A response's rows usually come together: skip the lookup in a large dict.
            if key == last_key:
                response = last_response
            else:
                response = responses.get(key)
                last_key = key
            if response is None:
                response = self._response(fields, line)
                # Stored under a key of shared strings: only submitted_at is new per response.
                intern = self._intern
                responses[
                    (intern(participant), intern(insats), intern(site), intern(questionnaire),
                     intern(version), intern(occasion), submitted_at)
                ] = response  # fmt: skip
                if sink is not None and response.prefix is not None:
                    head = make((*response.prefix, "", None, None, None))
                    response.entry = sink.open_response(head)
                    # The collector keeps the head row; holding the prefix too costs memory.
                    response.prefix = head
            elif response.per_response != (language, easy, assisted):
                self._error(
                    line,
                    "Språk, lättläst eller hjälp (language, easy, assisted) skiljer sig från "
                    f"samma svar på rad {response.line}.",
                )
            last_response = response
            version_info = response.version
            found = version_info.items.get(item) if version_info is not None else None
            if found is not None and response.prefix is not None:
                # The common case, kept short: a known item with a value on the scale.
                item_id, bit, index = found
                number = version_info.values.get(value, _BAD)  # type: ignore[union-attr]
                if number is not _BAD and not response.seen & bit:
                    response.seen |= bit
                    if sink is None:
                        if not self.errors:
                            yield make((*response.prefix, item_id, number, comment or None, None))
                    elif response.entry is not None:
                        response.entry[index] = DONT_KNOW if number is None else number
                    continue
            for message in response.errors:
                self._error(line, message)
            self._answer(response, item, value, line)

    def _answer(
        self, response: _Response, item: str, value: str, line: int
    ) -> tuple[str, int | None] | None:
        version = response.version
        if version is None:
            return None
        found = version.items.get(item)
        if found is None:
            self._error(line, f"Okänd fråga (item) '{item}' för {version.ident}.")
            return None
        item_id, bit, _ = found
        ok = True
        if response.seen & bit:
            self._error(
                line,
                f"Frågan '{item_id}' är besvarad två gånger i samma svar "
                f"(svaret börjar på rad {response.line}).",
            )
            ok = False
        else:
            response.seen |= bit
        if value == "":
            if not version.dont_know:
                self._error(
                    line, f"Värde saknas, och {version.ident} har inget svarsalternativ 'vet inte'."
                )
                return None
            number = None
        else:
            number = version.values.get(value)
            if number is None:
                self._error(
                    line,
                    f"Värdet '{value}' finns inte på skalan för {version.ident} "
                    f"(tillåtet: {version.scale_text}).",
                )
                return None
        return (item_id, number) if ok else None

    def _intern(self, text: str) -> str:
        return self._interned.setdefault(text, text)

    def _version(self, questionnaire: str, version: str) -> _Version | str:
        key = (questionnaire, version)
        found = self._versions.get(key)
        if found is not None:
            return found
        result: _Version | str
        if questionnaire not in self._keys:
            result = f"Okänt frågeformulär (questionnaire) '{questionnaire}'."
        else:
            number = _int(version.removeprefix("v"))
            definition = self.registry.get(questionnaire, number) if number else None
            if definition is None:
                result = f"Frågeformuläret '{questionnaire}' har ingen version '{version}'."
            else:
                result = _Version.of(definition)
        self._versions[key] = result
        return result

    def _time(self, text: str) -> dt.datetime | None:
        if text in self._times:
            return self._times[text]
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        # Many rows share one timestamp; cache only while the cache stays small.
        if len(self._times) < 100_000:
            self._times[text] = moment
        return moment

    def _response(self, fields: list[str], line: int) -> _Response:
        (participant, gender, birth_year, born_abroad, insats, site, questionnaire,
         version, occasion, submitted_at, language, easy, assisted) = fields[:13]  # fmt: skip
        errors: list[str] = []
        if not participant:
            errors.append("Deltagarkod (participant) saknas.")
        elif len(participant) > 40:
            errors.append("Deltagarkoden (participant) är längre än 40 tecken.")
        if gender not in GENDERS:
            errors.append(f"Okänt kön (gender) '{gender}'. Tillåtet: {', '.join(GENDERS)}.")
        year: int | None = None
        if birth_year:
            year = _int(birth_year)
            if year is None or not 1900 <= year <= _NOW_YEAR:
                errors.append(
                    f"Ogiltigt födelseår (birth_year) '{birth_year}': ange ett årtal som 1985 "
                    "eller lämna tomt."
                )
        if born_abroad not in BORN_ABROAD:
            errors.append(
                f"Okänt värde för född utomlands (born_abroad) '{born_abroad}'. "
                f"Tillåtet: {', '.join(BORN_ABROAD)}."
            )
        if not insats:
            errors.append("Insats saknas.")
        found = self._version(questionnaire, version)
        if isinstance(found, str):
            errors.append(found)
            found_version = None
        else:
            found_version = found
        if occasion not in OCCASIONS:
            errors.append(
                f"Okänt tillfälle (occasion) '{occasion}'. Tillåtet: {', '.join(OCCASIONS)}."
            )
        elif found_version is not None and occasion not in found_version.occasions:
            errors.append(
                f"Tillfället '{occasion}' används inte i {found_version.ident} "
                f"(bara {', '.join(found_version.occasions)})."
            )
        moment = self._time(submitted_at)
        if moment is None:
            errors.append(
                f"Ogiltig tidpunkt (submitted_at) '{submitted_at}': använd ISO 8601, "
                "till exempel 2025-03-14T10:30:00."
            )
        if not language:
            errors.append("Språk (language) saknas.")
        elif len(language) > 16:
            errors.append(f"Ogiltigt språk (language) '{language}'.")
        if easy not in _EASY:
            errors.append(f"Lättläst (easy) ska vara 0 eller 1, inte '{easy}'.")
        if assisted not in ASSISTED:
            errors.append(
                f"Okänt värde för hjälp (assisted) '{assisted}'. Tillåtet: {', '.join(ASSISTED)}."
            )
        if participant:
            person = (gender, birth_year, born_abroad, line)
            first = self._people.setdefault(participant, person)
            for index, (name, label) in enumerate(
                (("gender", "kön"), ("birth_year", "födelseår"), ("born_abroad", "född utomlands"))
            ):
                if first[index] != person[index]:
                    errors.append(
                        f"Deltagaren '{participant}' har {label} ({name}) '{person[index]}' här "
                        f"men '{first[index]}' på rad {first[3]}."
                    )
        prefix = None
        if not errors and found_version is not None and moment is not None:
            intern = self._intern
            prefix = (
                intern(participant), intern(gender), year, intern(born_abroad),
                intern(insats), intern(site) if site else None, intern(questionnaire),
                found_version.number, intern(occasion), moment, intern(language), _EASY[easy],
                intern(assisted),
            )  # fmt: skip
        per_response = (language, easy, assisted)
        return _Response(
            line,
            prefix,
            errors or _NO_ERRORS,
            found_version,
            self._shared.setdefault(per_response, per_response),
        )


def read_answers_csv(source: Path | str | TextIO, registry: Registry | None = None) -> CsvResult:
    """All rows, or no rows and every error: what an import needs."""
    reader = AnswerCsvReader(source, registry)
    rows = list(reader.rows())
    if reader.errors:
        return CsvResult([], reader.errors)
    return CsvResult(rows, [])


def read_answers_text(text: str, registry: Registry | None = None) -> CsvResult:
    return read_answers_csv(io.StringIO(text, newline=""), registry)


def _int(text: str) -> int | None:
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


def _header_problem(header: list[str]) -> str:
    if len(header) == 1 and header[0].split(";") == list(CSV_COLUMNS):
        # Swedish Excel's "CSV" uses semicolons; say so rather than list every column.
        return ("Filen har semikolon (;) mellan fälten. Spara den som CSV med kommatecken "
                "(i Excel: \"CSV UTF-8 (kommaavgränsad)\") och försök igen.")
    missing = [c for c in CSV_COLUMNS if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    columns = ", ".join(CSV_COLUMNS)
    parts = [f"Fel rubrikrad. Kolumnerna ska vara exakt, i denna ordning: {columns}."]
    if missing:
        parts.append(f"Saknas: {', '.join(missing)}.")
    if unknown:
        parts.append(f"Okända: {', '.join(unknown)}.")
    if not missing and not unknown:
        parts.append("Kolumnerna står i fel ordning eller finns flera gånger.")
    return " ".join(parts)
