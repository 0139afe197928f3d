"""Builds the report as one JSON-able dict; the PDF, Excel and text outputs render it.

Suppression happens here, once, so every output shows the same hidden cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from questionnaires import Registry

from .change import CHANGE_KEY, change_tables
from .collect import Collector, Entry, EntryKey, Selection
from .indicators import indicator_tables
from .missing import missing_table
from .outcomes import outcome_table
from .rows import AnswerRow, EnrolmentRow
from .suppression import DEFAULT_MIN_GROUP
from .targets import DEFAULT_MIN_ANSWERS, Target, check_target, target_sentence

REPORT_FORMAT = 1
INDICATOR_KEY = "finsam-indikatorer"


@dataclass(frozen=True)
class ReportOptions:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    insatser: tuple[str, ...] = ()
    site: str | None = None
    targets: tuple[Target, ...] = ()
    min_group: int = DEFAULT_MIN_GROUP
    min_answers: int = DEFAULT_MIN_ANSWERS
    # Shown on the PDF title page, e.g. the förbund's name.
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def selection(self) -> Selection:
        return Selection(self.date_from, self.date_to, frozenset(self.insatser), self.site)


def build_report(
    rows: Iterable[AnswerRow],
    options: ReportOptions | None = None,
    *,
    registry: Registry | None = None,
    enrolments: Sequence[EnrolmentRow] | None = None,
) -> dict[str, Any]:
    """The whole report in one pass over `rows` (an iterator is fine).

    `enrolments` comes from the web app; without it the report says which figures
    (reasons for missing answers, exit outcomes) a CSV alone cannot give.
    """
    options = options or ReportOptions()
    registry = registry or Registry.load()
    collector = Collector(registry, options.selection)
    collector.add(rows)
    entries, layouts = collector.entries, collector.layouts
    min_group = options.min_group

    indicators = indicator_tables(entries, layouts, min_group)
    change = change_tables(entries, layouts, min_group)
    indicator_idents = [i for i in indicators if i.startswith(INDICATOR_KEY + "/")]
    change_idents = [i for i in change if i.startswith(CHANGE_KEY + "/")]
    people, enrolment_count, by_insats = _counts(entries)
    period = [e.submitted_at for e in entries.values() if e.in_period]

    return {
        "format": REPORT_FORMAT,
        "title": options.title,
        "selection": {
            "from": _iso(options.date_from),
            "to": _iso(options.date_to),
            "insatser": list(options.insatser),
            "site": options.site,
            "min_group": min_group,
            "min_answers": options.min_answers,
        },
        "answers_period": {
            "first": min(period).isoformat(timespec="minutes") if period else None,
            "last": max(period).isoformat(timespec="minutes") if period else None,
        },
        "people": people,
        "enrolments": enrolment_count,
        "by_insats": by_insats,
        "versions": sorted({layout.ident for layout in layouts.values()}),
        "indicators_version": indicator_idents[0] if len(indicator_idents) == 1 else None,
        "indicators": indicators[indicator_idents[0]] if len(indicator_idents) == 1 else None,
        "indicators_by_version": indicators,
        "targets": _targets(options, indicators),
        "change_version": change_idents[0] if len(change_idents) == 1 else None,
        "change": change[change_idents[0]] if len(change_idents) == 1 else None,
        "change_by_version": change,
        "missing": missing_table(entries, layouts, options.selection, enrolments),
        "exit_outcomes": outcome_table(enrolments, options.selection, min_group),
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _counts(entries: dict[EntryKey, Entry]) -> tuple[int, int, dict[str, dict[str, int]]]:
    """Distinct people and enrolments with an answer in the period, in total and per insats."""
    people: set[str] = set()
    enrolments: set[object] = set()
    per_insats: dict[str, tuple[set[str], set[object]]] = {}
    for (_, _, _, ekey), entry in entries.items():
        if not entry.in_period:
            continue
        row = entry.row
        people.add(row.participant)
        enrolments.add(ekey)
        found = per_insats.setdefault(row.insats, (set(), set()))
        found[0].add(row.participant)
        found[1].add(ekey)
    by_insats = {
        insats: {"people": len(p), "enrolments": len(e)}
        for insats, (p, e) in sorted(per_insats.items())
    }
    return len(people), len(enrolments), by_insats


def _targets(options: ReportOptions, indicators: dict[str, Any]) -> list[dict[str, Any]]:
    """One result per target and questionnaire version that has the item."""
    out = []
    for target in options.targets:
        found = False
        for ident, occasions in indicators.items():
            cell = occasions.get(target.occasion, {}).get(target.item)
            if cell is None:
                continue
            found = True
            result = check_target(target, cell["n"], cell["positive"], options.min_answers)
            out.append({"questionnaire": ident, **result})
        if not found:
            out.append({"questionnaire": None, **check_target(target, 0, 0, options.min_answers)})
    for result in out:
        result["summary"] = target_sentence(result)
    return out
