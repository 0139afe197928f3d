"""All loaded questionnaire versions, looked up by key and version."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

from .loader import DEFAULT_DIRECTORY, QuestionnaireError, load_directories
from .model import Questionnaire


class Registry:
    def __init__(self, questionnaires: dict[tuple[str, int], Questionnaire]) -> None:
        self._by_ident = questionnaires

    @classmethod
    def load(cls, extra_directories: Iterable[Path] = ()) -> Registry:
        return cls(load_directories([DEFAULT_DIRECTORY, *extra_directories]))

    def get(self, key: str, version: int) -> Questionnaire | None:
        return self._by_ident.get((key, version))

    def latest(self, key: str) -> Questionnaire:
        versions = [q for (k, _), q in self._by_ident.items() if k == key]
        if not versions:
            raise QuestionnaireError(f"no questionnaire with key {key!r}")
        return max(versions, key=lambda q: q.version)

    def current_on(self, key: str, day: dt.date) -> Questionnaire:
        """The version an enrolment that started on `day` is asked: the newest one in use
        for enrolments from that day (the oldest version if none was yet)."""
        versions = sorted((q for (k, _), q in self._by_ident.items() if k == key),
                          key=lambda q: q.version)
        if not versions:
            raise QuestionnaireError(f"no questionnaire with key {key!r}")
        started = [q for q in versions if q.enrolments_from is None or q.enrolments_from <= day]
        return (started or versions)[-1]

    def in_use(self, key: str) -> list[Questionnaire]:
        """The versions new invitations can still be made with, oldest first: the newest
        one in use since always, and every later one brought in from a day (older
        enrolments keep the one before it)."""
        versions = sorted((q for (k, _), q in self._by_ident.items() if k == key),
                          key=lambda q: q.version)
        undated = [n for n, q in enumerate(versions) if q.enrolments_from is None]
        return versions[undated[-1]:] if undated else versions

    def __contains__(self, key: object) -> bool:
        """Whether some version of the questionnaire `key` is loaded."""
        return any(k == key for k, _ in self._by_ident)

    def keys(self) -> list[str]:
        return sorted({key for key, _ in self._by_ident})

    def all(self) -> list[Questionnaire]:
        return [self._by_ident[ident] for ident in sorted(self._by_ident)]
