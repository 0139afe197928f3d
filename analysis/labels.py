"""Swedish names shown to förbund staff for items, groups and outcomes."""

from __future__ import annotations

from .rows import EXIT_OUTCOMES

ITEM_NAMES: dict[str, str] = {
    "delaktighet": "Delaktighet i stödet",
    "bemotande": "Bemött med respekt",
    "samordning": "Samordnat stöd",
    "behov": "Utgått från mina behov",
    "nytta": "Stöd till stor nytta",
    "redo": "Mer redo för arbete/studier",
    "planering": "Tillräcklig planering",
    "aktivitet": "Aktivitetsnivå",
    "fysisk_halsa": "Fysisk hälsa",
    "psykisk_halsa": "Psykisk hälsa",
    "balans": "Balans i tillvaron",
    "framtid": "Syn på framtiden",
    "arbete_studier": "Möjlighet till arbete/studier",
}

OCCASION_NAMES: dict[str, str] = {"start": "Start", "pagaende": "Pågående", "avslut": "Avslut"}

BREAKDOWN_NAMES: dict[str, str] = {
    "by_gender": "Kön",
    "by_site": "Ort",
    "by_born_abroad": "Född utomlands",
    "by_language": "Språk",
    "by_insats": "Insats",
}

GROUP_NAMES: dict[str, str] = {
    "kvinna": "Kvinnor",
    "man": "Män",
    "annat": "Annat kön",
    "okänt": "Okänt",
    "ja": "Utrikes född",
    "nej": "Inrikes född",
    "lattlast": "Lättläst svenska",
}

REASON_NAMES: dict[str, str] = {
    "still_enrolled": "Fortfarande inskriven",
    "left_early": "Avbröt i förtid",
    "no_invitation": "Ingen inbjudan skickad",
    "not_answered": "Inbjuden men svarade inte",
    "unknown": "Okänt (syns inte i CSV-filen)",
}

SUPPRESSED_MARK = "–"


def fewer(min_group: int) -> str:
    """What a hidden total says instead of its number: "färre än 5"."""
    return f"färre än {min_group}"


def item_name(item: str) -> str:
    return ITEM_NAMES.get(item, item)


def group_name(group: str) -> str:
    return GROUP_NAMES.get(group, group)


def outcome_name(outcome: str) -> str:
    return EXIT_OUTCOMES.get(outcome, outcome)


def percent(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100):.0f} %"


def decimal(number: float | None, digits: int = 2) -> str:
    return "–" if number is None else f"{number:.{digits}f}".replace(".", ",")
