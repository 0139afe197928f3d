"""Strict reader for the answers CSV (one row per answer; columns in rows.CSV_COLUMNS).

Every row is checked and every problem is collected with its line number, so förbund
staff can fix a file in one round instead of one error at a time. Rows are only handed
on while the file is still error-free: a file with any error imports nothing.

The reader only validates and yields rows; `read_answers_csv` is the all-or-nothing
wrapper for importing, and the report groups the rows with `from_rows.columns_from_rows`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from questionnaires import Questionnaire, Registry
from questionnaires.plaintext import CONTROL_CHARACTERS
from questionnaires.vocabulary import Occasion, followup_months, is_occasion

from .perturbation import KEY_RANGE
from .rows import ASSISTED, BORN_ABROAD, CSV_COLUMNS, GENDERS, AnswerRow

# A file written before record keys existed: every column but the last. It is read (an
# import gives its new participants new keys); a report refuses it.
WITHOUT_RECORD_KEY = CSV_COLUMNS[:-1]

_EASY = {"0": False, "1": True}
OCCASIONS_TEXT = "start, pagaende, avslut, uppfoljning-MÅNADER (till exempel uppfoljning-6)"
_BAD = object()
_NO_ERRORS: list[str] = []  # shared: most responses have none, and one list each adds up


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
    # A choice item's own values (its choices'), and their text for an error.
    choice_values: dict[str, dict[str, int | None]]
    choice_text: dict[str, str]

    @classmethod
    def of(cls, q: Questionnaire) -> _Version:
        written, scale_text = _written(sorted(q.scale.values), q.scale.dont_know is not None)
        choices = {item.id: _written(sorted(c.value for c in item.choices),
                                     q.scale.dont_know is not None)
                   for item in q.items if item.is_choice}  # fmt: skip
        return cls(
            ident=q.ident,
            number=q.version,
            occasions=q.occasions,
            items={item.id: (item.id, 1 << i, i) for i, item in enumerate(q.items)},
            values=written,
            dont_know=q.scale.dont_know is not None,
            scale_text=scale_text,
            choice_values={item: found[0] for item, found in choices.items()},
            choice_text={item: found[1] for item, found in choices.items()},
        )

    def values_of(self, item: str) -> dict[str, int | None]:
        return self.choice_values.get(item) or self.values


def _written(values: list[int], dont_know: bool) -> tuple[dict[str, int | None], str]:
    """(value as written -> value, the allowed values as text) of a scale or choice item."""
    text = f"{values[0]}–{values[-1]}" + (", eller tomt för 'vet inte'" if dont_know else "")
    return {str(v): v for v in values} | ({"": None} if dont_know else {}), text


@dataclass(slots=True)
class _Response:
    """One submitted response (rows sharing participant, insats, site, questionnaire,
    version, occasion and submitted_at): validated once, shared by its rows."""

    line: int
    prefix: tuple | None  # parsed leading fields of AnswerRow; None when invalid
    errors: list[str]
    version: _Version | None
    per_response: tuple[str, str, str]  # language, easy, assisted as written
    record_key: int | None = None
    seen: int = 0  # bit mask of items answered, to catch an item answered twice


# The messages for a place the reader was told does not exist (`places` below).
UNKNOWN_INSATS = "Okänd insats (insats) '{insats}': den finns inte i förbundet."
UNKNOWN_SITE = "Insatsen '{insats}' har ingen ort (site) '{site}'. Orter: {sites}."


def is_unknown_insats(error: CsvError) -> bool:
    """The error says an insats does not exist (so the importer can suggest making it)."""
    return error.message.startswith(UNKNOWN_INSATS.partition("'")[0])


class AnswerCsvReader:
    """Validates while it streams. Read `errors` after `rows()` is exhausted.

    `places`, when given, are the insatser the answers may belong to, each with its site
    names (an import into a database): a row naming another is an error on its line, so
    a typo creates nothing. With `new_insatser`, an insats not among them is accepted as
    a new one (its sites with it); a new site of a known insats is still an error.
    """

    def __init__(self, source: Path | str | TextIO, registry: Registry | None = None,
                 places: Mapping[str, Collection[str]] | None = None,
                 new_insatser: bool = False) -> None:
        self.source = source
        self.registry = registry or Registry.load()
        self.places = places
        self.new_insatser = new_insatser
        self.errors: list[CsvError] = []
        # Whether the file has the record_key column (known once the header is read).
        self.has_record_key = False
        self._versions: dict[tuple[str, str], _Version | str] = {}
        self._interned: dict[str, str] = {}
        self._people: dict[str, tuple[str, str, str, str, int]] = {}
        self._times: dict[str, dt.datetime | None] = {}
        self._keys = set(self.registry.keys())
        self._shared: dict[tuple[str, str, str], tuple[str, str, str]] = {}
        self._responses: dict[tuple[str, ...], _Response] = {}
        # A response's rows usually come together: the last one found skips a lookup.
        self._last: tuple[tuple[str, ...] | None, _Response | None] = (None, None)

    def rows(self) -> Iterator[AnswerRow]:
        """Every row while the file has no error; none after the first error."""
        if isinstance(self.source, str | Path):
            with open(self.source, encoding="utf-8-sig", newline="") as handle:
                yield from self._read(handle)
        else:
            yield from self._read(self.source)

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

    def _read(self, handle: TextIO) -> Iterator[AnswerRow]:
        reader = self._open(handle)
        if reader is None:
            return
        for line, fields in self._records(reader):
            row = self._row(line, fields)
            if row is not None and not self.errors:
                yield row

    def _open(self, handle: TextIO):  # type: ignore[no-untyped-def]
        """A csv reader past a correct header row, or None (with the error noted)."""
        try:
            reader = csv.reader(handle, strict=True)
            header = next(reader, None)
        except UnicodeDecodeError:
            self._error(self._undecodable_line(1), "Filen är inte sparad som UTF-8.")
            return None
        except csv.Error as exc:
            self._error(1, f"Rubrikraden går inte att läsa som CSV ({exc}).")
            return None
        if header is None:
            self._error(1, "Filen är tom; den ska börja med en rubrikrad.")
            return None
        if header and header[0].startswith("\ufeff"):
            header[0] = header[0][1:]
        if tuple(header) not in (CSV_COLUMNS, WITHOUT_RECORD_KEY):
            self._error(1, _header_problem(header))
            return None
        self.has_record_key = len(header) == len(CSV_COLUMNS)
        return reader

    def _records(self, reader) -> Iterator[tuple[int, list[str]]]:  # type: ignore[no-untyped-def]
        """(line number, fields) of each record with the right number of fields."""
        width = len(CSV_COLUMNS) if self.has_record_key else len(WITHOUT_RECORD_KEY)
        previous_end = reader.line_num
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                self._error(previous_end + 1, f"Raden går inte att läsa som CSV ({exc}).")
                return
            except UnicodeDecodeError:
                self._error(self._undecodable_line(previous_end + 1),
                            "Filen är inte sparad som UTF-8.")
                return
            line = previous_end + 1
            previous_end = reader.line_num
            if len(fields) == width:
                yield line, fields
            elif fields:  # a blank line is harmless
                self._error(line, f"Raden har {len(fields)} fält men ska ha {width}.")

    def _row(self, line: int, fields: list[str]) -> AnswerRow | None:
        """The row checked; None when it (or its response) has an error."""
        (participant, _, _, _, insats, site, questionnaire, version, occasion,
         submitted_at, language, _, _, item, value, comment) = fields[:16]  # fmt: skip
        # The other columns are checked against fixed sets; these are free text.
        if CONTROL_CHARACTERS.search(participant + insats + site + language + comment):
            self._error(line, "Raden innehåller styrtecken (t.ex. NUL) som inte kan sparas.")
        response = self._response_of(
            (participant, insats, site, questionnaire, version, occasion, submitted_at),
            fields, line,
        )  # fmt: skip
        version_info = response.version
        found = version_info.items.get(item) if version_info is not None else None
        if found is not None and response.prefix is not None:
            # The common case, kept short: a known item with a value on the scale.
            item_id, bit, _ = found
            number = version_info.values_of(item_id).get(value, _BAD)  # type: ignore[union-attr]
            if number is not _BAD and not response.seen & bit:
                response.seen |= bit
                return AnswerRow(*response.prefix, item_id, number, comment or None,  # type: ignore[arg-type]
                                 None, response.record_key)
        for message in response.errors:
            self._error(line, message)
        self._answer(response, item, value, line)
        return None

    def _response_of(self, key: tuple[str, ...], fields: list[str], line: int) -> _Response:
        """The response this row belongs to, made (and checked) at its first row."""
        last_key, response = self._last
        if key != last_key:
            response = self._responses.get(key)
        if response is None:
            response = self._response(fields, line)
            # Stored under a key of shared strings: only submitted_at is new per response.
            intern = self._intern
            self._responses[(*map(intern, key[:-1]), key[-1])] = response
        elif response.per_response != (fields[10], fields[11], fields[12]):
            self._error(
                line,
                "Språk, lättläst eller hjälp (language, easy, assisted) skiljer sig från "
                f"samma svar på rad {response.line}.",
            )
        self._last = (key, response)
        return response

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
            number = version.values_of(item_id).get(value)
            if number is None:
                allowed = version.choice_text.get(item_id, version.scale_text)
                self._error(
                    line,
                    f"Värdet '{value}' finns inte på skalan för {version.ident} "
                    f"(tillåtet: {allowed}).",
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
        """A response's shared columns checked once, at its first row (errors in the order
        of the columns)."""
        (participant, gender, birth_year, born_abroad, insats, site, questionnaire,
         version, occasion, submitted_at, language, easy, assisted) = fields[:13]  # fmt: skip
        errors, year = _person_errors(participant, gender, birth_year, born_abroad)
        written_key = fields[16] if self.has_record_key else ""
        record_key = _record_key(written_key, errors) if self.has_record_key else None
        if not insats:
            errors.append("Insats saknas.")
        elif self.places is not None:
            errors += self._place_errors(insats, site)
        found_version, moment = self._survey_errors(errors, questionnaire, version, occasion,
                                                    submitted_at)  # fmt: skip
        errors += _style_errors(language, easy, assisted)
        if participant:
            errors += self._person_changes(participant,
                                           (gender, birth_year, born_abroad, written_key, line))
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
            record_key,
        )

    def _survey_errors(
        self, errors: list[str], questionnaire: str, version: str, occasion: str,
        submitted_at: str,
    ) -> tuple[_Version | None, dt.datetime | None]:
        """(the version, the moment) of a response; what is wrong with them into `errors`."""
        found = self._version(questionnaire, version)
        found_version = None if isinstance(found, str) else found
        if isinstance(found, str):
            errors.append(found)
        # A follow-up is written with its point ("uppfoljning-6"), the definition says
        # "uppfoljning".
        asked = Occasion.uppfoljning.value if followup_months(occasion) else occasion
        if not is_occasion(occasion):
            errors.append(
                f"Okänt tillfälle (occasion) '{occasion}'. Tillåtet: {OCCASIONS_TEXT}."
            )
        elif found_version is not None and asked not in found_version.occasions:
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
        return found_version, moment

    def _place_errors(self, insats: str, site: str) -> list[str]:
        sites = self.places.get(insats) if self.places is not None else None
        if sites is None:
            return [] if self.new_insatser else [UNKNOWN_INSATS.format(insats=insats)]
        if site and site not in sites:
            return [UNKNOWN_SITE.format(insats=insats, site=site,
                                        sites=", ".join(sorted(sites)) or "inga")]
        return []

    def _person_changes(self, participant: str,
                        person: tuple[str, str, str, str, int]) -> list[str]:
        """One gender, birth year, born abroad and record key per participant: what
        differs from the participant's first row."""
        first = self._people.setdefault(participant, person)
        return [
            f"Deltagaren '{participant}' har {label} ({name}) '{person[index]}' här "
            f"men '{first[index]}' på rad {first[-1]}."
            for index, (name, label) in enumerate(
                (("gender", "kön"), ("birth_year", "födelseår"), ("born_abroad", "född utomlands"),
                 ("record_key", "radnyckel"))
            )
            if first[index] != person[index]
        ]


def _person_errors(
    participant: str, gender: str, birth_year: str, born_abroad: str
) -> tuple[list[str], int | None]:
    """(errors, birth year) of a row's person columns."""
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
    return errors, year


def _record_key(text: str, errors: list[str]) -> int | None:
    """The record key as written (a whole number below KEY_RANGE), or None with the error
    noted. Stegvis writes it; a person never types it."""
    key = _int(text)
    if key is None or key >= KEY_RANGE:
        errors.append(f"Ogiltig radnyckel (record_key) '{text}': den ska vara ett heltal från "
                      f"0 till {KEY_RANGE - 1}, som Stegvis skriver i exporten.")
        return None
    return key


def _style_errors(language: str, easy: str, assisted: str) -> list[str]:
    """What is wrong with how a response was answered (language, easy, assisted)."""
    errors = []
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
    return errors


def read_answers_csv(source: Path | str | TextIO, registry: Registry | None = None,
                     places: Mapping[str, Collection[str]] | None = None,
                     new_insatser: bool = False) -> CsvResult:
    """All rows, or no rows and every error: what an import needs (`places` and
    `new_insatser` as for AnswerCsvReader)."""
    reader = AnswerCsvReader(source, registry, places, new_insatser)
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
    # record_key, the last column, may be missing (a file from before it, a paper survey).
    if len(header) == 1 and header[0].split(";") in (list(CSV_COLUMNS), list(CSV_COLUMNS[:-1])):
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
