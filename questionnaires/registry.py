"""All loaded questionnaire versions, looked up by key and version."""

from __future__ import annotations

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

    def keys(self) -> list[str]:
        return sorted({key for key, _ in self._by_ident})

    def all(self) -> list[Questionnaire]:
        return [self._by_ident[ident] for ident in sorted(self._by_ident)]
