"""The answers CSV read with pyarrow and checked as columns: the fast path for good files.

`collect_csv` returns the collected `Entries` only when it can tell, without looking at
a single row in Python, that the strict reader (`csv_rows.AnswerCsvReader`) would find
no error in the file and would collect exactly the same responses. Every check here is
at least as strict as the reader's; anything unusual (a bad value, a line the two CSV
parsers might read differently, an item answered twice, a participant whose gender
changes between rows...) returns None, and the caller runs the strict reader, which
finds every error with its line number. So good files are fast and bad files still get
the exact messages.

Each text column is read as a dictionary: its distinct values are checked once in
Python with the reader's own rules, and rows are checked by looking their codes up.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import TextIO

import numpy as np

from questionnaires import Registry

from .collect import ABSENT, DONT_KNOW, Collector, Layout, Selection
from .csv_rows import CONTROL_CHARACTERS
from .entries import Codes, Entries
from .rows import ASSISTED, BORN_ABROAD, CSV_COLUMNS, GENDERS, OCCASIONS

# Small blocks keep pyarrow's buffers (and so the peak memory) small; the time is the same.
_BLOCK = 1 << 20
# Beyond this many quote characters the quoting check below costs more than it saves.
_MAX_QUOTES = 400_000
_COMMA, _CR, _LF, _QUOTE = 44, 13, 10, 34
_NOW_YEAR = dt.date.today().year


def collect_csv(
    source: Path | str | TextIO, registry: Registry, selection: Selection
) -> Entries | None:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency; the reader still works
        return None
    if isinstance(source, str | Path):
        opened = open(source, "rb")  # noqa: SIM115 - closed below
    else:
        try:
            opened = io.BytesIO(source.read().encode("utf-8"))
        except UnicodeEncodeError:
            return None
    # Buffers go back to the system as soon as a block is done (mimalloc keeps them).
    pa.set_memory_pool(pa.system_memory_pool())
    with opened as handle:
        if not _quoting_agrees(handle):
            return None
        handle.seek(0)
        text = pa.dictionary(pa.int32(), pa.string())
        try:
            reader = pacsv.open_csv(
                handle,
                read_options=pacsv.ReadOptions(block_size=_BLOCK),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(CSV_COLUMNS, text),
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
            if tuple(reader.schema.names) != CSV_COLUMNS:
                return None
            columns = _Columns()
            for batch in reader:
                columns.add(batch)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
            return None
    return columns.collect(registry, selection)


def _quoting_agrees(handle: io.BufferedIOBase) -> bool:
    """Whether Python's csv module (strict) and pyarrow read the quotes the same way.

    They differ on a quoted field followed by anything but a comma or a line end
    (`"a"b`: pyarrow reads `ab`, the strict reader reports the line), and on an
    unterminated quote; both are sent to the strict reader.
    """
    inside = False
    pending = False  # the block ended on a quote inside a quoted field
    previous = _LF
    quotes = 0
    first = True
    while True:
        block = handle.read(16 << 20)
        if not block:
            break
        pos = 0
        if first:
            first = False
            if block.startswith(b"\xef\xbb\xbf"):
                pos = 3
        start = pos
        if pending:
            pending = False
            if block[0] == _QUOTE:
                pos = 1  # "" across the boundary: still inside
            else:
                inside = False
                if block[0] not in (_COMMA, _CR, _LF):
                    return False
        size = len(block)
        while True:
            at = block.find(b'"', pos)
            if at < 0:
                break
            quotes += 1
            if quotes > _MAX_QUOTES:
                return False
            if inside:
                if at + 1 == size:
                    pending = True
                    break
                after = block[at + 1]
                if after == _QUOTE:
                    pos = at + 2
                    continue
                if after not in (_COMMA, _CR, _LF):
                    return False
                inside = False
                pos = at + 1
            else:
                before = block[at - 1] if at > start else previous
                inside = before in (_COMMA, _CR, _LF)
                pos = at + 1
        previous = block[-1]
    return not inside or pending


class _Columns:
    """Codes of every column, batch by batch, against one dictionary per column."""

    def __init__(self) -> None:
        self.names: list[dict[str, int]] = [{} for _ in CSV_COLUMNS]
        self.parts: list[list[np.ndarray]] = [[] for _ in CSV_COLUMNS]
        # Comments are free text: only their length is checked (as csv's field limit).
        self.skip = CSV_COLUMNS.index("comment")
        self.limit = csv.field_size_limit()
        self.too_long = False

    def add(self, batch) -> None:  # type: ignore[no-untyped-def]
        for i, column in enumerate(batch.columns):
            names = self.names[i]
            if i == self.skip:
                texts = column.dictionary.to_pylist()
                self.too_long |= any(len(v) > self.limit for v in texts)
                continue
            lookup = np.fromiter(
                (names.setdefault(v, len(names)) for v in column.dictionary.to_pylist()),
                dtype=np.int32,
            )
            indices = column.indices.to_numpy(zero_copy_only=False)
            codes = lookup[indices] if lookup.size else indices.astype(np.int32)
            self.parts[i].append(codes)

    def column(self, name: str) -> tuple[np.ndarray, list[str]]:
        i = CSV_COLUMNS.index(name)
        parts = self.parts[i]
        codes = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        self.parts[i] = []
        return codes, list(self.names[i])

    def collect(self, registry: Registry, selection: Selection) -> Entries | None:
        return _collect(self, registry, selection)


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


def _collect(columns: _Columns, registry: Registry, selection: Selection) -> Entries | None:
    limit = columns.limit
    if columns.too_long or any(len(v) > limit or CONTROL_CHARACTERS.search(v)
                               for names in columns.names for v in names):
        return None  # the strict reader reports it, with line numbers

    participant, participants = columns.column("participant")
    if not _all([bool(p) and len(p) <= 40 for p in participants], participant):
        return None
    rows = participant.size
    if rows == 0:
        return None  # let the reader say what an empty file holds
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
    moments = [_moment(text) for text in moment_texts]
    if any(m is None for m in moments) and not _all(
        [m is not None for m in moments], moment_codes
    ):
        return None
    used = [m for m in moments if m is not None]
    # Two spellings of one moment would be two responses to the reader.
    if len(set(used)) != len(used):
        return None
    stamps = np.array(
        [m if m is not None else dt.datetime(1, 1, 1) for m in moments], dtype="datetime64[us]"
    )
    # Codes renumbered in time order, so sorting by code sorts by time.
    by_time = np.argsort(stamps, kind="stable")
    rank = np.empty(len(moments), dtype=np.int64)
    rank[by_time] = np.arange(len(moments))
    when = rank[moment_codes]
    stamps = stamps[by_time]
    del moment_codes

    site, sites = columns.column("site")
    item, items = columns.column("item")
    value, values = columns.column("value")
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
    pos = position[qv, item]
    num = number[qv, value]
    if (pos < 0).any() or (num == -9).any():
        return None
    del item, value

    # One key per response as the reader groups them, with the item last: sorted, an
    # item answered twice is two equal neighbours.
    sizes = [len(layouts), len(occasions), len(participants), len(insatser), len(sites),
             len(moments), width]  # fmt: skip
    total = 1
    for s in sizes:
        total *= max(s, 1)
    if total >= 2**62:
        return None
    key = qv.astype(np.int64)
    for codes, s in zip((occasion, participant, insats, site, when, pos), sizes[1:], strict=True):
        key *= max(s, 1)
        key += codes
    order = np.argsort(key)
    key = key[order]
    if (key[1:] == key[:-1]).any():
        return None
    response = key // width
    enrolment_key = response // max(len(moments), 1)  # (version, occasion, enrolment)
    del key
    # Language, easy and assisted are the same on every row of a response.
    style = (language.astype(np.int64) * len(easies) + easy) * len(assisteds) + assisted
    style = style[order]
    same_response = response[1:] == response[:-1]
    if (same_response & (style[1:] != style[:-1])).any():
        return None
    del style, easy, assisted

    # The selection, per row (every row of a response shares insats, site and time).
    keep = np.ones(rows, dtype=bool)
    if selection.insatser:
        keep &= np.asarray([i in selection.insatser for i in insatser], dtype=bool)[insats]
    if selection.site is not None:
        keep &= np.asarray([s == selection.site for s in sites], dtype=bool)[site]
    days = stamps.astype("datetime64[D]")
    if selection.date_to is not None:
        keep &= (days <= np.datetime64(selection.date_to))[when]
    in_period_at = (
        np.ones(len(stamps), dtype=bool)
        if selection.date_from is None
        else days >= np.datetime64(selection.date_from)
    )
    start = occasions.index("start") if "start" in occasions else -1
    keep &= in_period_at[when] | (occasion == start)
    chosen = order[keep[order]]
    response = response[keep[order]]
    enrolment_key = enrolment_key[keep[order]]
    del order, keep, same_response

    # The latest response of each (version, occasion, enrolment): the last in key order.
    if chosen.size == 0:
        group_start = np.zeros(0, dtype=np.int64)
    else:
        group_start = np.flatnonzero(np.r_[True, enrolment_key[1:] != enrolment_key[:-1]])
    group_end = np.r_[group_start[1:], chosen.size] - 1
    group = np.cumsum(np.r_[False, enrolment_key[1:] != enrolment_key[:-1]]) if chosen.size else (
        np.zeros(0, dtype=np.int64)
    )
    latest = response[group_end][group] == response if chosen.size else np.zeros(0, bool)
    # Entries in the order their key first appeared in the file, as the reader makes them.
    first_row = np.minimum.reduceat(chosen, group_start) if chosen.size else chosen
    entry_order = np.argsort(first_row, kind="stable")
    entry_of_group = np.empty(entry_order.size, dtype=np.int64)
    entry_of_group[entry_order] = np.arange(entry_order.size)
    count = entry_order.size
    head = chosen[group_end][entry_order]  # a row of each entry's latest response

    matrix = np.full((count, width), ABSENT, dtype=np.int16)
    rows_latest = chosen[latest]
    matrix[entry_of_group[group[latest]], pos[rows_latest]] = num[rows_latest]

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
) -> tuple[np.ndarray, list[tuple[str, str, str | None]]]:
    """In a CSV an enrolment is (participant, insats, site)."""
    joined = (participant.astype(np.int64) * len(insatser) + insats) * max(len(sites), 1) + site
    unique, codes = np.unique(joined, return_inverse=True)
    names = []
    for number in unique.tolist():
        rest, s = divmod(number, max(len(sites), 1))
        p, i = divmod(rest, len(insatser))
        names.append((participants[p], insatser[i], sites[s] or None))
    return codes.astype(np.int32), names
