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
    """When a questionnaire is answered: at start, during (pågående), at exit (avslut), or
    at a follow-up point some months after exit (uppföljning).

    The database stores a follow-up as `uppfoljning` with its point in months beside it
    (`Invitation.followup_months`); everywhere else (answer rows, the CSV, the report) one
    follow-up point is one occasion string, `uppfoljning-6` (`followup_occasion`), so the
    latest answer per occasion and enrolment keeps the 6- and 12-month answers apart.
    """

    start = "start"
    pagaende = "pagaende"
    avslut = "avslut"
    uppfoljning = "uppfoljning"


FOLLOWUP_PREFIX = f"{Occasion.uppfoljning.value}-"
# The follow-up points a förbund may choose, in months after exit.
FOLLOWUP_MONTHS_ALLOWED = (3, 6, 9, 12, 18, 24, 36)
FOLLOWUP_MONTHS_DEFAULT = (6, 12)


def followup_occasion(months: int) -> str:
    """The occasion string of the follow-up `months` after exit: "uppfoljning-6"."""
    return f"{FOLLOWUP_PREFIX}{int(months)}"


def occasion_text(occasion: str, months: int | None) -> str:
    """The occasion string of a stored (occasion, followup_months) pair: "uppfoljning-6"
    for a follow-up, else the occasion itself. (The database's SQL twin for reports is
    survey.reports.rows.occasion_text.)"""
    return str(occasion) if months is None else followup_occasion(months)


def followup_months(occasion: str) -> int | None:
    """6 for "uppfoljning-6"; None for any other occasion (or a malformed one)."""
    if not occasion.startswith(FOLLOWUP_PREFIX):
        return None
    tail = occasion[len(FOLLOWUP_PREFIX):]
    if not tail.isdigit() or int(tail) not in FOLLOWUP_MONTHS_ALLOWED:
        return None
    return int(tail)


def is_occasion(occasion: str) -> bool:
    """An occasion string as answer rows and the CSV hold it: start, pagaende, avslut or a
    follow-up point ("uppfoljning-6"); bare "uppfoljning" is only the database's half."""
    return occasion in (Occasion.start, Occasion.pagaende, Occasion.avslut) or \
        followup_months(occasion) is not None


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
