"""Finding or enrolling a participant: the one way, used by the staff form, `flask
invite`, `flask import` and the demo. Helpers only add and flush."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from .extensions import db
from .models import BornAbroad, Enrolment, Gender, Insats, Participant, Site


class EnrolmentError(ValueError):
    pass


@dataclass(frozen=True)
class Person:
    """What is recorded about a new participant (never a name or personnummer)."""

    gender: Gender = Gender.okant
    birth_year: int | None = None
    born_abroad: BornAbroad = BornAbroad.okant
    language: str | None = None


@dataclass
class Enrolled:
    enrolment: Enrolment
    new_participant: bool
    new_enrolment: bool


# The codes Stegvis makes: D- and digits, e.g. D-0427 (D for deltagare). Nothing like the
# letter's short code (tokens.py), and no letters to spell a name with.
CODE_PREFIX = "D-"
CODE_DIGITS = 4
_CODE_TRIES = 8


def new_code(organisation_id: int) -> str:
    """A participant code not yet used in the förbund, drawn at random so that it says
    nothing about who was enrolled when. Four digits while they last (a draw that keeps
    hitting used codes means most are), then five, and so on."""
    digits = CODE_DIGITS
    while True:
        for _try in range(_CODE_TRIES):
            code = f"{CODE_PREFIX}{secrets.randbelow(10 ** digits):0{digits}d}"
            if find_participant(organisation_id, code) is None:
                return code
        digits += 1


def find_participant(organisation_id: int, code: str) -> Participant | None:
    return db.session.scalar(select(Participant).where(
        Participant.organisation_id == organisation_id, Participant.pseudonym == code))


def find_or_enrol(insats: Insats, code: str, person: Person, site: Site | None,
                  start_date: dt.date | None = None, income_start: list[str] | None = None,
                  participant: Participant | None = None) -> Enrolled:
    """The participant `code` of the insats's förbund, created if new, and their open
    enrolment in `insats` at `site`, created if there is none.

    `participant` may be passed when the caller has already looked it up (the import
    looks up a whole file's participants in one query).
    """
    if site is not None and site.insats_id not in (None, insats.id):
        raise EnrolmentError(f"{site.name} hör inte till {insats.name}")
    new_participant = participant is None and (
        participant := find_participant(insats.organisation_id, code)) is None
    if participant is None:
        participant = Participant(
            organisation_id=insats.organisation_id, pseudonym=code, gender=person.gender,
            birth_year=person.birth_year, born_abroad=person.born_abroad,
            language=person.language)
        db.session.add(participant)
    for enrolment in participant.enrolments:
        if (enrolment.insats_id == insats.id and enrolment.end_date is None
                and (site is None or enrolment.site_id == site.id)):
            return Enrolled(enrolment, new_participant, False)
    enrolment = Enrolment(participant=participant, insats=insats, site=site,
                          start_date=start_date or dt.date.today(),
                          income_start=sorted(income_start or []))
    db.session.add(enrolment)
    return Enrolled(enrolment, new_participant, True)
