"""Human read-aloud recordings, kept in the database (issue 13, point 2).

A förbund's admin (or an interpreter at their computer) reads each participant screen
aloud in each language: the welcome text, every question with its answers, the review
and the thank-you. Recordings live in the database, not on one server's disk, so every
app server behind a load balancer plays the same ones; each carries its SHA-256 (the
cache key and a check that it arrived whole) and who recorded it.

The screens are named by a key: `welcome`, an item id (`nytta`, `aktivitet`...),
`review`, `thanks`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func, select

from questionnaires import Questionnaire

from . import audio_content, readaloud
from .extensions import db
from .i18n import PARTICIPANT_LANGUAGES, Language
from .models import Recording, User, utcnow
from .readaloud import REVIEW, THANKS, WELCOME, screens

__all__ = ["REVIEW", "THANKS", "WELCOME", "coverage", "save", "screens", "send", "stored"]

# What browsers record (MediaRecorder) and what people upload; stored as given.
MIMETYPES = {
    "audio/webm": ".webm", "audio/ogg": ".ogg", "audio/mp4": ".m4a", "audio/mpeg": ".mp3",
    "audio/aac": ".aac", "audio/wav": ".wav", "audio/x-wav": ".wav",
}
BY_EXTENSION = {extension: mimetype for mimetype, extension in MIMETYPES.items()}
MAX_BYTES = 2 * 1024 * 1024  # about two minutes of speech in any of these formats


class RecordingError(ValueError):
    pass


def mimetype_of(declared: str | None, filename: str | None) -> str:
    """The stored type: the declared one without codec parameters, else by file name."""
    base = (declared or "").split(";")[0].strip().lower()
    if base in MIMETYPES:
        return base
    extension = "." + (filename or "").rsplit(".", 1)[-1].lower() if filename else ""
    if extension in BY_EXTENSION:
        return BY_EXTENSION[extension]
    raise RecordingError("unsupported")


def _query(organisation_id: int, questionnaire: Questionnaire, screen: str, language: str):  # type: ignore[no-untyped-def]
    return select(Recording).where(
        Recording.organisation_id == organisation_id,
        Recording.questionnaire_key == questionnaire.key,
        Recording.questionnaire_version == questionnaire.version,
        Recording.screen == screen, Recording.language == language)


def save(organisation_id: int, questionnaire: Questionnaire, screen: str, language: Language,
         audio: bytes, mimetype: str, user: User | None) -> Recording:
    """Store (or replace) one recording. Helpers only flush; the view commits."""
    if screen not in {s.key for s in screens(questionnaire, language)}:
        raise RecordingError("screen")
    if not audio or len(audio) > MAX_BYTES:
        raise RecordingError("size")
    # Served to participants later: the bytes must be the audio they claim to be.
    try:
        seconds = audio_content.duration(audio, mimetype)
    except audio_content.NotAudio as error:
        raise RecordingError("not audio") from error
    if seconds > audio_content.MAX_SECONDS:
        raise RecordingError("length")
    found = db.session.scalar(_query(organisation_id, questionnaire, screen, language.code))
    if found is None:
        found = Recording(organisation_id=organisation_id, questionnaire_key=questionnaire.key,
                          questionnaire_version=questionnaire.version, screen=screen,
                          language=language.code)
        db.session.add(found)
    found.audio = audio
    found.mimetype = mimetype
    found.checksum = hashlib.sha256(audio).hexdigest()
    found.recorded_by = user
    found.recorded_at = utcnow()
    db.session.flush()
    return found


@dataclass(frozen=True)
class Stored:
    id: int
    checksum: str
    mimetype: str


def stored(organisation_id: int, questionnaire: Questionnaire,
           language: Language) -> dict[str, Stored]:
    """The recordings of one questionnaire version and language, by screen (no audio)."""
    rows = db.session.execute(
        select(Recording.screen, Recording.id, Recording.checksum, Recording.mimetype).where(
            Recording.organisation_id == organisation_id,
            Recording.questionnaire_key == questionnaire.key,
            Recording.questionnaire_version == questionnaire.version,
            Recording.language == language.code))
    return {screen: Stored(id_, checksum, mimetype) for screen, id_, checksum, mimetype in rows}


@dataclass(frozen=True)
class Coverage:
    questionnaire: Questionnaire
    language: Language
    recorded: int
    generated: int
    missing: int


def coverage(organisation_id: int, registry) -> list[Coverage]:  # type: ignore[no-untyped-def]
    """For the settings page: per questionnaire and language, how many screens have a
    human recording, only generated speech (espeak-ng, question screens), or nothing."""
    counts = dict(((key, version, language, screen), n) for key, version, language, screen, n
                  in db.session.execute(
                      select(Recording.questionnaire_key, Recording.questionnaire_version,
                             Recording.language, Recording.screen, func.count())
                      .where(Recording.organisation_id == organisation_id)
                      .group_by(Recording.questionnaire_key, Recording.questionnaire_version,
                                Recording.language, Recording.screen)))
    rows = []
    for questionnaire in registry.all():
        items = {item.id: item for item in questionnaire.items}
        for language in PARTICIPANT_LANGUAGES:
            recorded = generated = missing = 0
            for screen in screens(questionnaire, language):
                if counts.get((questionnaire.key, questionnaire.version, language.code,
                               screen.key)):
                    recorded += 1
                elif readaloud.generated_file(language, questionnaire, screen.key) or (
                        screen.key in items
                        and readaloud.recording(language, questionnaire, items[screen.key])):
                    generated += 1
                else:
                    missing += 1
            rows.append(Coverage(questionnaire, language, recorded, generated, missing))
    return rows


def send(audio: bytes, mimetype: str, checksum: str):  # type: ignore[no-untyped-def]
    """The audio, cached by its checksum: the URL carries it, so it never changes."""
    from flask import Response, request

    if request.if_none_match.contains(checksum):
        reply = Response(status=304)
    else:
        reply = Response(audio, mimetype=mimetype)
    reply.set_etag(checksum)
    reply.cache_control.private = True  # the URL holds a participant's token or is staff's
    reply.cache_control.max_age = 365 * 24 * 3600
    reply.cache_control.immutable = True
    return reply


def find(organisation_id: int, questionnaire: Questionnaire, screen: str,
         language: Language) -> Stored | None:
    return stored(organisation_id, questionnaire, language).get(screen)


def audio_of(recording_id: int) -> Recording | None:
    return db.session.get(Recording, recording_id)
