"""The answers CSV read with pyarrow and checked as columns: the fast path for good files.

`collect_csv` returns the collected `Entries` only when it can tell, without looking at
a single row in Python, that the strict reader (`csv_rows.AnswerCsvReader`) would find
no error in the file and would collect exactly the same responses. Every check here is
at least as strict as the reader's; anything unusual (a bad value, a line the two CSV
parsers might read differently, an item answered twice, a participant whose gender
changes between rows...) returns None, and the caller runs the strict reader, which
finds every error with its line number. So good files are fast and bad files still get
the exact messages.

The rows of one response normally come one after the other, and they share the first
13 columns (participant ... assisted). So rows are folded, batch by batch, into *runs*
of neighbours that agree on those columns: the checks, the grouping into responses and
the choice of the latest response then work on one run per response, ten times fewer
than rows, and only item and value stay per row. A response split over several runs
(rows in another order) is still one response: runs are grouped by the response key.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import mmap
import os
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO, TextIO, overload

import numpy as np

from questionnaires import Registry
from questionnaires.plaintext import CONTROL_CHARACTERS, CONTROL_RE2

from .collect import ABSENT, DONT_KNOW, Collector, Layout, Selection
from .entries import Codes, Entries
from .rows import ASSISTED, BORN_ABROAD, CSV_COLUMNS, GENDERS, OCCASIONS

# Small blocks keep pyarrow's buffers (and so the peak memory) small; the time is the same.
_BLOCK = 2 << 20
# Beyond this many quote characters the quoting check below costs more than it saves.
_MAX_QUOTES = 400_000
_COMMA, _CR, _LF, _QUOTE = 44, 13, 10, 34
_NOW_YEAR = dt.date.today().year
# The columns every row of a response shares: participant ... assisted.
_SHARED = CSV_COLUMNS.index("item")


def collect_csv(
    source: Path | str | TextIO, registry: Registry, selection: Selection
) -> Entries | None:
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
    if columns is None:
        return None
    return _collect(columns, registry, selection)


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


class _Coded:
    """One per-row column as codes into its distinct values (first appearance order)."""

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

    def result(self) -> tuple[np.ndarray, list[str]]:
        """(codes, names); a name that is not UTF-8 raises UnicodeDecodeError."""
        codes = np.concatenate(self.parts) if self.parts else np.zeros(0, dtype=np.int32)
        return codes, [name.decode("utf-8") for name in self.names]


class _Runs:
    """The rows folded into runs of neighbours that agree on the shared columns."""

    def __init__(self) -> None:
        self.heads: list = []  # type: ignore[type-arg] # shared columns of each run's first row
        self.run: list[np.ndarray] = []  # per row: its run
        self.item = _Coded()
        self.value = _Coded()
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
            shared[name] = (encoded.indices.to_numpy(zero_copy_only=False), names.to_pylist())
        item = self.item.result()
        value = self.value.result()
        if any(len(v) > self.limit or CONTROL_CHARACTERS.search(v)
               for v in (*item[1], *value[1])):  # fmt: skip
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

    def __init__(
        self,
        shared: dict[str, tuple[np.ndarray, list[str]]],
        run: np.ndarray,
        item: tuple[np.ndarray, list[str]],
        value: tuple[np.ndarray, list[str]],
    ) -> None:
        self.shared = shared
        self.run = run
        self.item = item
        self.value = value

    def column(self, name: str) -> tuple[np.ndarray, list[str]]:
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


def _stamps(texts: list[str]) -> np.ndarray | None:
    """The moments as datetime64[us] (naive UTC); None if any text is not a moment."""
    import pyarrow as pa

    moments = [_moment(text) for text in texts]
    if any(moment is None for moment in moments):
        return None
    # pyarrow converts datetimes about 20 times faster than numpy does.
    return pa.array(moments, type=pa.timestamp("us")).to_numpy(zero_copy_only=False)


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


def _collect(columns: _Columns, registry: Registry, selection: Selection) -> Entries | None:
    participant, participants = columns.column("participant")
    if not _all([bool(p) and len(p) <= 40 for p in participants], participant):
        return None
    gender, genders = columns.column("gender")
    birth, births = columns.column("birth_year")
    abroad, abroads = columns.column("born_abroad")
    birth_ok = []
    for text in births:
        year = _int(text) if text else 0
        birth_ok.append(not text or (year is not None and 1900 <= year <= _NOW_YEAR))
    if not (
        _all([g in GENDERS for g in genders], gender)
        and _all(birth_ok, birth)
        and _all([b in BORN_ABROAD for b in abroads], abroad)
    ):
        return None
    # One gender, birth year and born abroad per participant on every row.
    size = len(participants)
    for codes in (gender, birth, abroad):
        if not _same_within(participant, codes, size):
            return None
    del birth

    insats, insatser = columns.column("insats")
    if not _all([bool(i) for i in insatser], insats):
        return None
    language, languages = columns.column("language")
    easy, easies = columns.column("easy")
    assisted, assisteds = columns.column("assisted")
    if not (
        _all([bool(x) and len(x) <= 16 for x in languages], language)
        and _all([x in ("0", "1") for x in easies], easy)
        and _all([x in ASSISTED for x in assisteds], assisted)
    ):
        return None

    # Questionnaire and version as written -> one code per known version.
    questionnaire, questionnaires = columns.column("questionnaire")
    version, versions = columns.column("version")
    known = set(registry.keys())
    layouts: list[Layout] = []
    where: dict[tuple[str, int], int] = {}
    pair_code = np.full((len(questionnaires), len(versions)), -1, dtype=np.int32)
    spelled: dict[tuple[str, int], str] = {}
    maker = Collector(registry, selection)
    for qi, key in enumerate(questionnaires):
        if key not in known:
            continue
        for vi, written in enumerate(versions):
            number = _int(written.removeprefix("v"))
            if not number or registry.get(key, number) is None:
                continue
            # Two spellings of one version ("1", "v1") would be two responses to the
            # reader; keep such files on its path.
            if spelled.setdefault((key, number), written) != written:
                return None
            if (key, number) not in where:
                where[(key, number)] = len(layouts)
                layouts.append(maker.layout(key, number))
            pair_code[qi, vi] = where[(key, number)]
    qv = pair_code[questionnaire, version]
    del questionnaire, version
    if (qv < 0).any():
        return None

    occasion, occasions = columns.column("occasion")
    allowed = np.zeros((len(layouts), max(len(occasions), 1)), dtype=bool)
    for li, layout in enumerate(layouts):
        for oi, name in enumerate(occasions):
            allowed[li, oi] = name in OCCASIONS and name in layout.occasions
    if not allowed[qv, occasion].all():
        return None

    moment_codes, moment_texts = columns.column("submitted_at")
    stamps = _stamps(moment_texts)
    if stamps is None:
        return None
    # Codes renumbered in time order, so sorting by code sorts by time.
    by_time = np.argsort(stamps, kind="stable")
    rank = np.empty(len(moment_texts), dtype=np.int64)
    rank[by_time] = np.arange(len(moment_texts))
    when = rank[moment_codes]
    stamps = stamps[by_time]
    # Two spellings of one moment would be two responses to the reader.
    if (stamps[1:] == stamps[:-1]).any():
        return None
    del moment_codes

    # Item and value per row, through the version of the row's run.
    site, sites = columns.column("site")
    item, items = columns.item
    value, values = columns.value
    run = columns.run
    width = max(len(layout.items) for layout in layouts)
    position = np.full((len(layouts), max(len(items), 1)), -1, dtype=np.int32)
    number = np.full((len(layouts), max(len(values), 1)), -9, dtype=np.int16)
    for li, layout in enumerate(layouts):
        for ii, name in enumerate(items):
            position[li, ii] = layout.index.get(name, -1)
        q = registry.get(layout.key, layout.version)
        if q is None:
            return None
        scale = {str(v): v for v in q.scale.values}
        for vi, text in enumerate(values):
            if text in scale:
                number[li, vi] = scale[text]
            elif text == "" and q.scale.dont_know is not None:
                number[li, vi] = DONT_KNOW
    row_qv = qv[run]
    pos = position[row_qv, item]
    num = number[row_qv, value]
    del row_qv, item, value
    if (pos < 0).any() or (num == -9).any():
        return None

    # One key per response as the reader groups them (version, occasion, enrolment, time):
    # responses come out sorted by it, so each enrolment's are together, latest last.
    sizes = [len(layouts), len(occasions), len(participants), len(insatser), len(sites),
             len(stamps)]  # fmt: skip
    total = 1
    for s in sizes:
        total *= max(s, 1)
    if total * width >= 2**62:
        return None
    key = qv.astype(np.int64)
    for codes, s in zip((occasion, participant, insats, site, when), sizes[1:], strict=True):
        key *= max(s, 1)
        key += codes
    keys, first_run, response = np.unique(key, return_index=True, return_inverse=True)
    response = response.reshape(-1)
    count = keys.size
    del key
    # An item answered twice in one response: two rows in one (response, item) slot.
    slot = response[run].astype(np.int64) * width + pos
    if np.bincount(slot, minlength=count * width).max(initial=0) > 1:
        return None
    del slot
    # Language, easy and assisted are the same on every row of a response.
    style = (language.astype(np.int64) * len(easies) + easy) * len(assisteds) + assisted
    if not _same_within(response, style, count):
        return None
    del style, easy, assisted

    # The selection, per response (every row of a response shares insats, site and time).
    head = first_run  # the response's first run stands for it
    keep = np.ones(count, dtype=bool)
    if selection.insatser:
        keep &= np.asarray([i in selection.insatser for i in insatser], dtype=bool)[insats[head]]
    if selection.site is not None:
        keep &= np.asarray([s == selection.site for s in sites], dtype=bool)[site[head]]
    days = stamps.astype("datetime64[D]")
    if selection.date_to is not None:
        keep &= (days <= np.datetime64(selection.date_to))[when[head]]
    in_period_at = (
        np.ones(len(stamps), dtype=bool)
        if selection.date_from is None
        else days >= np.datetime64(selection.date_from)
    )
    start = occasions.index("start") if "start" in occasions else -1
    keep &= in_period_at[when[head]] | (occasion[head] == start)
    chosen = np.flatnonzero(keep)

    # The latest response of each (version, occasion, enrolment): the last in key order.
    enrolment_key = keys[chosen] // max(len(stamps), 1)
    group_start = np.flatnonzero(np.r_[True, enrolment_key[1:] != enrolment_key[:-1]])
    group_end = np.r_[group_start[1:], chosen.size] - 1
    latest = chosen[group_end]
    # Entries in the order their key first appeared in the file, as the reader makes them.
    first = (np.minimum.reduceat(first_run[chosen], group_start) if chosen.size
             else np.zeros(0, dtype=np.int64))  # fmt: skip
    latest = latest[np.argsort(first, kind="stable")]
    entries = latest.size
    entry_of = np.full(count, -1, dtype=np.int64)
    entry_of[latest] = np.arange(entries)
    entry = entry_of[response][run]
    mine = entry >= 0
    matrix = np.full((entries, width), ABSENT, dtype=np.int16)
    matrix[entry[mine], pos[mine]] = num[mine]
    del entry, mine, pos, num, run

    head = first_run[latest]  # a run of each entry's latest response
    enrolment_codes, enrolment_names = _enrolments(participant[head], insats[head], site[head],
                                                   participants, insatser, sites)  # fmt: skip
    return Entries(
        layouts=layouts,
        qv=qv[head],
        occasion=Codes(occasion[head], occasions),
        enrolment=Codes(enrolment_codes, enrolment_names),
        participant=Codes(participant[head], participants),
        gender=Codes(gender[head], genders),
        born_abroad=Codes(abroad[head], abroads),
        insats=Codes(insats[head], insatser),
        site=Codes(site[head], [s or None for s in sites]),
        language=Codes(language[head], languages),
        submitted_at=stamps[when[head]],
        in_period=in_period_at[when[head]],
        values=matrix,
    )


def _enrolments(
    participant: np.ndarray,
    insats: np.ndarray,
    site: np.ndarray,
    participants: list[str],
    insatser: list[str],
    sites: list[str],
) -> tuple[np.ndarray, _EnrolmentNames]:
    """In a CSV an enrolment is (participant, insats, site)."""
    site_count = max(len(sites), 1)
    joined = (participant.astype(np.int64) * len(insatser) + insats) * site_count + site
    unique, codes = np.unique(joined, return_inverse=True)
    rest, s = np.divmod(unique, site_count)
    p, i = np.divmod(rest, len(insatser))
    return codes.reshape(-1).astype(np.int32), _EnrolmentNames(p, i, s, participants, insatser,
                                                               [name or None for name in sites])


class _EnrolmentNames(Sequence[tuple[str, str, str | None]]):
    """(participant, insats, site) per enrolment code, made when asked for: a report from
    a CSV alone only counts enrolments, and 100 000s of tuples take a while to make."""

    def __init__(self, participant: np.ndarray, insats: np.ndarray, site: np.ndarray,
                 participants: list[str], insatser: list[str],
                 sites: list[str | None]) -> None:  # fmt: skip
        self._codes = (participant, insats, site)
        self._names = (participants, insatser, sites)

    def __len__(self) -> int:
        return len(self._codes[0])

    @overload
    def __getitem__(self, index: int) -> tuple[str, str, str | None]: ...
    @overload
    def __getitem__(self, index: slice) -> list[tuple[str, str, str | None]]: ...
    def __getitem__(self, index):  # type: ignore[no-untyped-def]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        (p, i, s), (participants, insatser, sites) = self._codes, self._names
        return (participants[p[index]], insatser[i[index]], sites[s[index]])
