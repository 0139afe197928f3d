"""The single pass over answer rows.

Rows are folded into one entry per (questionnaire, version, occasion, enrolment),
keeping the latest submitted response when one was answered twice. Everything after
this pass works on these entries (a few per participant), never on rows again, which
is what lets a report over millions of answers fit in time and memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from questionnaires import Registry

from .rows import AnswerRow, EnrolmentKey

# Answers are kept as small ints so later steps can use numpy; scale values are >= 0.
ABSENT = -1  # the response has no row for this item
DONT_KNOW = -2  # "vet inte" (None in AnswerRow)


@dataclass(frozen=True, slots=True)
class Selection:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: frozenset[str] = frozenset()
    site: str | None = None


@dataclass(slots=True)
class Layout:
    """Item order of one questionnaire version, so answers fit in a list, not a dict."""

    ident: str
    key: str
    version: int
    items: tuple[str, ...]
    index: dict[str, int]
    positive: frozenset[int]
    values: tuple[int, ...]
    occasions: tuple[str, ...]


class Entry:
    """The latest response of one enrolment to one questionnaire version at one occasion."""

    __slots__ = ("in_period", "row", "submitted_at", "values")

    def __init__(self, row: AnswerRow, size: int, in_period: bool) -> None:
        self.submitted_at = row.submitted_at
        # The first row stands for the whole response: participant, gender, site...
        self.row = row
        self.values: list[int] = [ABSENT] * size
        self.in_period = in_period


EntryKey = tuple[str, int, str, EnrolmentKey]


class Collector:
    def __init__(self, registry: Registry, selection: Selection) -> None:
        self.registry = registry
        self.selection = selection
        self.layouts: dict[tuple[str, int], Layout] = {}
        self.entries: dict[EntryKey, Entry] = {}
        self._enrolments: dict[EnrolmentKey, EnrolmentKey] = {}
        self.rows_read = 0

    def layout(self, key: str, version: int) -> Layout:
        found = self.layouts.get((key, version))
        if found is None:
            q = self.registry.get(key, version)
            if q is None:
                raise ValueError(f"unknown questionnaire version {key}/v{version}")
            items = tuple(item.id for item in q.items)
            found = Layout(
                ident=q.ident,
                key=key,
                version=version,
                items=items,
                index={item: i for i, item in enumerate(items)},
                positive=q.scale.positive,
                values=tuple(sorted(q.scale.values, reverse=True)),
                occasions=q.occasions,
            )
            self.layouts[(key, version)] = found
        return found

    def open_response(self, head: AnswerRow) -> list[int] | None:
        """The values list for one whole response (the fast path from the CSV reader)."""
        selection = self.selection
        if selection.insatser and head.insats not in selection.insatser:
            return None
        if selection.site is not None and head.site != selection.site:
            return None
        submitted_at = head.submitted_at
        day = submitted_at.date()
        if selection.date_to is not None and day > selection.date_to:
            return None
        in_period = selection.date_from is None or day >= selection.date_from
        if not in_period and head.occasion != "start":
            return None
        ekey = head.enrolment_key
        ekey = self._enrolments.setdefault(ekey, ekey)  # one shared key per enrolment
        key = (head.questionnaire, head.version, head.occasion, ekey)
        entry = self.entries.get(key)
        if entry is not None and entry.submitted_at > submitted_at:
            return None
        if entry is None or entry.submitted_at < submitted_at:
            layout = self.layout(head.questionnaire, head.version)
            entry = Entry(head, len(layout.items), in_period)
            self.entries[key] = entry
        return entry.values

    def add(self, rows: Iterable[AnswerRow]) -> None:
        selection = self.selection
        insatser = selection.insatser or None
        site = selection.site
        start = (
            dt.datetime.combine(selection.date_from, dt.time.min) if selection.date_from else None
        )
        end = (
            dt.datetime.combine(selection.date_to + dt.timedelta(days=1), dt.time.min)
            if selection.date_to
            else None
        )
        entries = self.entries
        layouts = self.layouts
        count = 0
        for row in rows:
            count += 1
            (participant, _gender, _birth_year, _born_abroad, insats, row_site, questionnaire,
             version, occasion, submitted_at, _language, _easy, _assisted, item, value,
             _comment, enrolment) = row  # fmt: skip
            if insatser is not None and insats not in insatser:
                continue
            if site is not None and row_site != site:
                continue
            if end is not None and submitted_at >= end:
                continue
            in_period = start is None or submitted_at >= start
            # Start answers from before the period still pair with avslut answers in it.
            if not in_period and occasion != "start":
                continue
            ekey = enrolment if enrolment is not None else (participant, insats, row_site)
            key = (questionnaire, version, occasion, ekey)
            entry = entries.get(key)
            if entry is None or entry.submitted_at < submitted_at:
                layout = layouts.get((questionnaire, version)) or self.layout(
                    questionnaire, version
                )
                entry = Entry(row, len(layout.items), in_period)
                entries[key] = entry
            elif entry.submitted_at > submitted_at:
                continue  # an older response of the same enrolment: the latest one counts
            else:
                layout = layouts[(questionnaire, version)]
            index = layout.index.get(item)
            if index is None:
                raise ValueError(f"unknown item {item!r} in {layout.ident}")
            entry.values[index] = DONT_KNOW if value is None else value
        self.rows_read += count
