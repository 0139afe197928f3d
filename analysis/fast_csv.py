"""The answers CSV read with pyarrow and checked as columns: the fast path for good files.

`read_csv_columns` returns the file's responses and answers as the core's columns
(`responses.ResponseColumns`, `AnswerColumns`) only when it can tell, without looking at
a single row in Python, that the strict reader (`csv_rows.AnswerCsvReader`) would find
no error in the file and would group exactly the same responses. It selects nothing
and chooses no latest response: the core does that for every source. Every check here is
at least as strict as the reader's; anything unusual (a bad value, a line the two CSV
parsers might read differently, an item answered twice, a participant whose gender
changes between rows...) returns None, and the caller runs the strict reader, which
finds every error with its line number. So good files are fast and bad files still get
the exact messages.

The rows of one response normally come one after the other, and they share the first
13 columns (participant ... assisted). So rows are folded, batch by batch, into *runs*
of neighbours that agree on those columns: the checks and the grouping into responses
then work on one run per response, ten times fewer
than rows, and only item and value stay per row. A response split over several runs
(rows in another order) is still one response: runs are grouped by the response key.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import mmap
import os
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np

from questionnaires import Registry
from questionnaires.plaintext import CONTROL_CHARACTERS, CONTROL_RE2

from .codes import Codes
from .layouts import DONT_KNOW, Layouts
from .responses import AnswerColumns, ResponseColumns
from .rows import ASSISTED, BORN_ABROAD, CSV_COLUMNS, GENDERS, OCCASIONS

# Small blocks keep pyarrow's buffers (and so the peak memory) small; the time is the same.
_BLOCK = 2 << 20
# Beyond this many quote characters the quoting check below costs more than it saves.
_MAX_QUOTES = 400_000
_COMMA, _CR, _LF, _QUOTE = 44, 13, 10, 34
_NOW_YEAR = dt.date.today().year
# The columns every row of a response shares: participant ... assisted.
_SHARED = CSV_COLUMNS.index("item")


def read_csv_columns(
    source: Path | str | TextIO, registry: Registry
) -> tuple[ResponseColumns, AnswerColumns] | None:
    """The file's responses and answers, or None: then the strict reader must read it."""
    runs = _read_runs(source)
    return None if runs is None else _columns(runs, registry)


def _read_runs(source: Path | str | TextIO) -> _Columns | None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a dependency; the reader still works
        return None
    if isinstance(source, str | Path):
        with open(source, "rb") as handle:
            if os.fstat(handle.fileno()).st_size == 0:
                return None  # the reader says what an empty file lacks
            # Mapped for the quote check (no copy), then unmapped: mapped pages count in
            # the process's memory, so pyarrow reads the file itself.
            with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
                agrees = _quoting_agrees(data)
            columns = _read(handle) if agrees else None
    else:
        try:
            data = source.read().encode("utf-8")
        except UnicodeEncodeError:
            return None
        columns = _read(io.BytesIO(data)) if _quoting_agrees(data) else None
    return columns


def _read(handle: BinaryIO) -> _Columns | None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    _use_a_returning_pool(pa)
    try:
        reader = pacsv.open_csv(
            handle,
            read_options=pacsv.ReadOptions(block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            # Bytes, not text: UTF-8 is checked once per run and per distinct value,
            # not on every cell.
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(CSV_COLUMNS, pa.binary()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
        if tuple(reader.schema.names) != CSV_COLUMNS:
            return None
        runs = _Runs()
        for batch in reader:
            runs.add(batch)
        return runs.columns()
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None


def _use_a_returning_pool(pa) -> None:  # type: ignore[no-untyped-def]
    """jemalloc for pyarrow's buffers where the build has it, else the system allocator.

    The runs kept from every block sit between the blocks' short-lived buffers: in the
    heap numpy also uses, or with mimalloc (pyarrow's default), the freed blocks stay
    with the process; jemalloc gives them back (about 100 MB less at 2 M rows).
    """
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # pragma: no cover - built without jemalloc
        pa.set_memory_pool(pa.system_memory_pool())


def _quoting_agrees(data: bytes | mmap.mmap) -> bool:
    """Whether Python's csv module (strict) and pyarrow read the quotes the same way.

    They differ on a quoted field followed by anything but a comma or a line end
    (`"a"b`: pyarrow reads `ab`, the strict reader reports the line), and on an
    unterminated quote; both are sent to the strict reader.
    """
    start = 3 if data[:3] == b"\xef\xbb\xbf" else 0
    size = len(data)
    inside = False
    quotes = 0
    pos = start
    while (at := data.find(b'"', pos)) >= 0:
        quotes += 1
        if quotes > _MAX_QUOTES:
            return False
        pos = at + 1
        if inside:
            if pos == size:
                return True  # the last field is closed at the end of the file
            after = data[pos]
            if after == _QUOTE:
                pos += 1  # "" inside a quoted field
            elif after in (_COMMA, _CR, _LF):
                inside = False
            else:
                return False
        else:
            inside = (data[at - 1] if at > start else _LF) in (_COMMA, _CR, _LF)
    return not inside


class _RowCodes:
    """One per-row column, batch by batch, as codes into its distinct values."""

    def __init__(self) -> None:
        self.names: dict[bytes, int] = {}
        self.parts: list[np.ndarray] = []

    def add(self, column) -> None:  # type: ignore[no-untyped-def]
        encoded = column.dictionary_encode()
        names = self.names
        lookup = np.fromiter(
            (names.setdefault(v, len(names)) for v in encoded.dictionary.to_pylist()),
            dtype=np.int32,
        )
        self.parts.append(lookup[encoded.indices.to_numpy(zero_copy_only=False)])

    def result(self) -> Codes:
        """A name that is not UTF-8 raises UnicodeDecodeError."""
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        return Codes(codes, [name.decode("utf-8") for name in self.names])


class _Runs:
    """The rows folded into runs of neighbours that agree on the shared columns."""

    def __init__(self) -> None:
        self.heads: list = []  # type: ignore[type-arg] # shared columns of each run's first row
        self.run: list[np.ndarray] = []  # per row: its run
        self.item = _RowCodes()
        self.value = _RowCodes()
        self.count = 0
        self.limit = csv.field_size_limit()
        self.refused = False  # a comment that only the strict reader can judge

    def add(self, batch) -> None:  # type: ignore[no-untyped-def]
        import pyarrow as pa
        import pyarrow.compute as pc

        size = batch.num_rows
        if size == 0:
            return
        columns = batch.columns
        starts = np.ones(size, dtype=bool)
        if size > 1:
            changed = None
            for column in columns[:_SHARED]:
                differs = pc.not_equal(column.slice(1), column.slice(0, size - 1))
                changed = differs if changed is None else pc.or_(changed, differs)
            starts[1:] = changed.to_numpy(zero_copy_only=False)
        first = np.flatnonzero(starts)
        shared = pa.RecordBatch.from_arrays(columns[:_SHARED], names=CSV_COLUMNS[:_SHARED])
        self.heads.append(shared.take(pa.array(first)))
        run = np.cumsum(starts, dtype=np.int32)
        run += self.count - 1
        self.run.append(run)
        self.count += first.size
        self.item.add(columns[_SHARED])
        self.value.add(columns[_SHARED + 1])
        self.refused |= not _comments_pass(columns[_SHARED + 2], self.limit)

    def columns(self) -> _Columns | None:
        """Codes and names of every column; None when something needs the strict reader."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.refused or not self.heads:
            return None
        table = pa.Table.from_batches(self.heads)
        self.heads = []
        shared = {}
        for name in CSV_COLUMNS[:_SHARED]:
            # Casting to text checks UTF-8 (ArrowInvalid otherwise).
            column = table.column(name).combine_chunks().cast(pa.string())
            encoded = column.dictionary_encode()
            names = encoded.dictionary
            too_long = pc.max(pc.utf8_length(names)).as_py() > self.limit
            if too_long or pc.any(pc.match_substring_regex(names, CONTROL_RE2)).as_py():
                return None
            shared[name] = Codes(encoded.indices.to_numpy(zero_copy_only=False),
                                 names.to_pylist())
        item = self.item.result()
        value = self.value.result()
        if any(len(v) > self.limit or CONTROL_CHARACTERS.search(v)
               for v in (*item.names, *value.names)):  # fmt: skip
            return None
        run = np.concatenate(self.run)
        self.run = []
        return _Columns(shared, run, item, value)


def _comments_pass(column, limit: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether every comment is text the strict reader takes (mostly: none is written)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    lengths = pc.binary_length(column)
    longest = pc.max(lengths).as_py()
    if not longest:
        return True
    if longest > limit:  # bytes, at least as many as characters: let the reader count
        return False
    written = column.filter(pc.greater(lengths, 0)).cast(pa.string())
    return not pc.any(pc.match_substring_regex(written, CONTROL_RE2)).as_py()


class _Columns:
    """The shared columns per run, item and value per row (with the row's run)."""

    def __init__(self, shared: dict[str, Codes], run: np.ndarray, item: Codes,
                 value: Codes) -> None:  # fmt: skip
        self.shared = shared
        self.run = run
        self.item = item
        self.value = value

    def column(self, name: str) -> Codes:
        return self.shared.pop(name)


def _int(text: str) -> int | None:
    if not text.isdigit() or not text.isascii():
        return None
    return int(text)


def _moment(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _all(ok: list[bool], codes: np.ndarray) -> bool:
    """Every row's value passes (checked on the distinct values first)."""
    if all(ok):
        return True
    return bool(np.asarray(ok, dtype=bool)[codes].all())


def _same_within(groups: np.ndarray, values: np.ndarray, size: int) -> bool:
    """Whether `values` is constant within each group (codes 0..size-1)."""
    first = np.full(size, -1, dtype=np.int64)
    first[groups[::-1]] = values[::-1]  # the last write wins: each group's first value
    return bool((first[groups] == values).all())


# The steps below each check what the strict reader would check, on the distinct values
# of a column, and return None when a file needs the strict reader after all.


def _people(columns: _Columns) -> tuple[Codes, Codes, Codes] | None:
    """Participant, gender and born abroad per run: valid, and one of each per person."""
    participant = columns.column("participant")
    gender = columns.column("gender")
    birth = columns.column("birth_year")
    abroad = columns.column("born_abroad")
    birth_ok = [not text or (1900 <= (_int(text) or 0) <= _NOW_YEAR) for text in birth.names]
    if not (
        _all([bool(p) and len(p) <= 40 for p in participant.names], participant.codes)
        and _all([g in GENDERS for g in gender.names], gender.codes)
        and _all(birth_ok, birth.codes)
        and _all([b in BORN_ABROAD for b in abroad.names], abroad.codes)
    ):
        return None
    size = len(participant.names)
    if not all(_same_within(participant.codes, codes, size)
               for codes in (gender.codes, birth.codes, abroad.codes)):  # fmt: skip
        return None
    return participant, gender, abroad


def _styles(columns: _Columns) -> tuple[Codes, Codes, np.ndarray, np.ndarray] | None:
    """Insats, language and easy Swedish (bool) per run, and one code per run for
    (language, easy, assisted)."""
    insats = columns.column("insats")
    language = columns.column("language")
    easy = columns.column("easy")
    assisted = columns.column("assisted")
    if not (
        _all([bool(i) for i in insats.names], insats.codes)
        and _all([bool(x) and len(x) <= 16 for x in language.names], language.codes)
        and _all([x in ("0", "1") for x in easy.names], easy.codes)
        and _all([x in ASSISTED for x in assisted.names], assisted.codes)
    ):
        return None
    style = (language.codes.astype(np.int64) * len(easy.names) + easy.codes) * len(assisted.names)
    is_easy = np.asarray([name == "1" for name in easy.names], dtype=bool)[easy.codes]
    return insats, language, is_easy, style + assisted.codes


def _versions(columns: _Columns, registry: Registry) -> tuple[Layouts, np.ndarray] | None:
    """The layout code of each run's questionnaire version (each spelled one way)."""
    questionnaire, questionnaires = _unpack(columns.column("questionnaire"))
    version, versions = _unpack(columns.column("version"))
    known = set(registry.keys())
    layouts = Layouts(registry)
    pair_code = np.full((len(questionnaires), len(versions)), -1, dtype=np.int32)
    spelled: dict[tuple[str, int], str] = {}
    for qi, key in enumerate(questionnaires):
        for vi, written in enumerate(versions):
            number = _int(written.removeprefix("v")) if key in known else None
            if not number or registry.get(key, number) is None:
                continue
            # Two spellings of one version ("1", "v1") would be two responses to the
            # reader; keep such files on its path.
            if spelled.setdefault((key, number), written) != written:
                return None
            pair_code[qi, vi] = layouts.code(key, number)
    qv = pair_code[questionnaire, version]
    return None if (qv < 0).any() else (layouts, qv)


def _occasions(columns: _Columns, layouts: Layouts, qv: np.ndarray) -> Codes | None:
    """The occasion per run, one its questionnaire version is used at."""
    occasion, occasions = _unpack(columns.column("occasion"))
    allowed = np.zeros((len(layouts.found), max(len(occasions), 1)), dtype=bool)
    for li, layout in enumerate(layouts.found):
        for oi, name in enumerate(occasions):
            allowed[li, oi] = name in OCCASIONS and name in layout.occasions
    return Codes(occasion, occasions) if allowed[qv, occasion].all() else None


def _moments(columns: _Columns) -> tuple[np.ndarray, np.ndarray] | None:
    """(code per run, moments): the codes in time order, each moment written one way."""
    import pyarrow as pa

    codes, texts = _unpack(columns.column("submitted_at"))
    moments = [_moment(text) for text in texts]
    if any(moment is None for moment in moments):
        return None
    # pyarrow converts datetimes about 20 times faster than numpy does.
    stamps = pa.array(moments, type=pa.timestamp("us")).to_numpy(zero_copy_only=False)
    by_time = np.argsort(stamps, kind="stable")
    rank = np.empty(len(texts), dtype=np.int64)
    rank[by_time] = np.arange(len(texts))
    stamps = stamps[by_time]
    # Two spellings of one moment would be two responses to the reader.
    if (stamps[1:] == stamps[:-1]).any():
        return None
    return rank[codes], stamps


def _answers(
    columns: _Columns, layouts: Layouts, qv: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """(item position, value) per row, through the questionnaire version of the row's run."""
    item, items = _unpack(columns.item)
    value, values = _unpack(columns.value)
    found = layouts.found
    position = np.full((len(found), max(len(items), 1)), -1, dtype=np.int32)
    number = np.full((len(found), max(len(values), 1)), -9, dtype=np.int16)
    for li, layout in enumerate(found):
        for ii, name in enumerate(items):
            position[li, ii] = layout.index.get(name, -1)
        scale = layouts.registry.get(layout.key, layout.version).scale  # type: ignore[union-attr]
        written = {str(v): v for v in scale.values}
        for vi, text in enumerate(values):
            if text in written:
                number[li, vi] = written[text]
            elif text == "" and scale.dont_know is not None:
                number[li, vi] = DONT_KNOW
    row_qv = qv[columns.run]
    pos = position[row_qv, item]
    num = number[row_qv, value]
    if (pos < 0).any() or (num == -9).any():
        return None
    return pos, num


def _responses(
    keys: list[tuple[np.ndarray, int]], run: np.ndarray, pos: np.ndarray, width: int,
    style: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """(response per run, first run per response), responses in the order the file
    first shows them; None for an item answered twice or a style that changes."""
    total = width
    for _, size in keys:
        total *= max(size, 1)
    if total >= 2**62:
        return None
    key = np.zeros(len(keys[0][0]), dtype=np.int64)
    for codes, size in keys:
        key *= max(size, 1)
        key += codes
    _, first_run, response = np.unique(key, return_index=True, return_inverse=True)
    del key
    # In the order of each response's first run.
    order = np.argsort(first_run, kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    response = rank[response.reshape(-1)]
    count = order.size
    # An item answered twice in one response: two rows in one (response, item) slot.
    slot = response[run] * width + pos
    if np.bincount(slot, minlength=count * width).max(initial=0) > 1:
        return None
    # Language, easy and assisted are the same on every row of a response.
    if not _same_within(response, style, count):
        return None
    return response, first_run[order]


def _columns(columns: _Columns, registry: Registry) -> tuple[ResponseColumns, AnswerColumns] | None:
    """The file's responses and answers as the core takes them, or None."""
    people = _people(columns)
    styles = _styles(columns)
    versions = _versions(columns, registry)
    if people is None or styles is None or versions is None:
        return None
    (participant, gender, abroad), (insats, language, easy, style) = people, styles
    layouts, qv = versions
    occasion = _occasions(columns, layouts, qv)
    moments = _moments(columns)
    answers = _answers(columns, layouts, qv)
    if occasion is None or moments is None or answers is None:
        return None
    when, stamps = moments
    site = columns.column("site")
    width = max(len(layout.items) for layout in layouts.found)
    # Rows of one response share version, occasion, enrolment and moment.
    keys = [(qv, len(layouts.found)), (occasion.codes, len(occasion.names)),
            (participant.codes, len(participant.names)), (insats.codes, len(insats.names)),
            (site.codes, len(site.names)), (when, len(stamps))]  # fmt: skip
    grouped = _responses(keys, columns.run, answers[0], width, style)
    if grouped is None:
        return None
    response, head = grouped
    return ResponseColumns(
        layouts=layouts.found,
        qv=qv[head],
        occasion=Codes(occasion.codes[head], occasion.names),
        enrolment=None,
        participant=Codes(participant.codes[head], participant.names),
        gender=Codes(gender.codes[head], gender.names),
        born_abroad=Codes(abroad.codes[head], abroad.names),
        insats=Codes(insats.codes[head], insats.names),
        site=Codes(site.codes[head], [name or None for name in site.names]),
        language=Codes(language.codes[head], language.names),
        easy=easy[head],
        submitted_at=stamps[when[head]],
    ), AnswerColumns(response=response[columns.run], position=answers[0], value=answers[1])


def _unpack(column: Codes) -> tuple[np.ndarray, list[str]]:
    return column.codes, list(column.names)
