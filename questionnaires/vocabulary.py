"""The words the whole project stores and reports with, defined once.

The web app's models and forms, `analysis` (CSV checks, report tables) and the CLI all
import these. They live here, at the bottom of the dependency chain (survey ->
analysis -> questionnaires), so every layer can use them; there is no Flask here. The
values are what the database stores and the CSV holds; labels for people are given
where people read them (the staff forms translate them; the report writes Swedish).
"""

from __future__ import annotations

import enum


class Gender(enum.StrEnum):
    kvinna = "kvinna"
    man = "man"
    annat = "annat"
    okant = "okänt"


class BornAbroad(enum.StrEnum):
    ja = "ja"
    nej = "nej"
    okant = "okänt"


class Occasion(enum.StrEnum):
    """When a questionnaire is answered: at start, during (pågående) or at exit (avslut)."""

    start = "start"
    pagaende = "pagaende"
    avslut = "avslut"


class Assisted(enum.StrEnum):
    """Who helped the participant answer."""

    sjalv = "sjalv"
    handledare = "handledare"
    tolk = "tolk"


class ExitOutcome(enum.StrEnum):
    """Avslutsorsak, stored as the Swedish words reports and exports use."""

    arbete = "arbete"
    studier = "studier"
    arbetssokande = "arbetssökande"
    arbetslivsinriktad_rehabilitering = "arbetslivsinriktad rehabilitering"
    medicinsk_rehabilitering = "medicinsk rehabilitering"
    sjukersattning = "sjukersättning"
    annan_insats = "annan insats"
    annat = "annat"
    okand = "okänd"


class IncomeSource(enum.StrEnum):
    """Sources of income (försörjning) at start and at exit; several may apply."""

    forsorjningsstod = "forsorjningsstod"
    sjukpenning = "sjukpenning"
    aktivitetsersattning = "aktivitetsersattning"
    sjukersattning = "sjukersattning"
    arbetsformedlingen = "arbetsformedlingen"
    lon = "lon"
    studiemedel = "studiemedel"
    ingen = "ingen"
    annat = "annat"


def values(vocabulary: type[enum.StrEnum]) -> tuple[str, ...]:
    """The stored words, in the order they are listed (and shown)."""
    return tuple(member.value for member in vocabulary)
