"""The recording page: an admin (or an interpreter beside them) reads each participant
screen aloud per questionnaire version and language, in the browser (MediaRecorder,
static/recorder.js), by uploading a file (without JavaScript), or a whole folder of
files named after the screens (`welcome.webm`, `nytta.mp3`, `review.m4a`...)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import audio_content, audit, i18n, recordings
from ..auth.access import ADMIN, requires
from ..extensions import db
from ..models import Recording
from . import bp
from .forms import EmptyForm

UPLOAD_LIMIT = 40 * 1024 * 1024  # a folder of recordings; one file is at most 2 MB
_UPLOADS = {"staff.record", "staff.record_folder"}


@bp.url_value_preprocessor
def _allow_audio_uploads(endpoint: str | None, values: dict[str, Any] | None) -> None:
    # Runs before the CSRF check reads the form: only these two views take large bodies.
    if endpoint in _UPLOADS:
        request.max_content_length = UPLOAD_LIMIT


def _chosen():  # type: ignore[no-untyped-def]
    """The questionnaire version and language picked (?enkat=key-vN&sprak=code)."""
    registry = current_app.extensions["stegvis.questionnaires"]
    wanted = request.values.get("enkat", "")
    questionnaire = next((q for q in registry.all() if f"{q.key}-v{q.version}" == wanted),
                         registry.all()[0])
    code = request.values.get("sprak", "")
    language = i18n.language(code) if i18n.is_known(code) else i18n.DEFAULT
    return registry, questionnaire, language


def _back(questionnaire, language) -> Any:  # type: ignore[no-untyped-def]
    return redirect(url_for(".recordings", enkat=f"{questionnaire.key}-v{questionnaire.version}",
                            sprak=language.code))


@bp.get("/inlasning", endpoint="recordings")
@requires(ADMIN)
def recording_page() -> Any:
    registry, questionnaire, language = _chosen()
    return render_template(
        "staff/recordings.html", registry=registry, questionnaire=questionnaire,
        language=language, screens=recordings.screens(questionnaire, language),
        stored=recordings.stored(current_user.organisation_id, questionnaire, language),
        form=EmptyForm(), max_bytes=recordings.MAX_BYTES,
    )


def _store(questionnaire, language, screen: str, upload) -> bool:  # type: ignore[no-untyped-def]
    with upload.stream:  # a large file is spooled to disk: close it now
        audio = upload.read(recordings.MAX_BYTES + 1)
    try:
        mimetype = recordings.mimetype_of(upload.mimetype, upload.filename)
        recordings.save(current_user.organisation_id, questionnaire, screen, language, audio,
                        mimetype, current_user)
    except recordings.RecordingError:
        return False
    audit.record("recording_saved", f"{questionnaire.key}-v{questionnaire.version} "
                                    f"{language.code} {screen}")
    return True


@bp.post("/inlasning")
@requires(ADMIN)
def record() -> Any:
    """One screen's recording, from the recorder (fetch) or the file field."""
    _registry, questionnaire, language = _chosen()
    if not EmptyForm().validate_on_submit():
        abort(400)
    upload = request.files.get("ljud")
    ok = upload is not None and _store(questionnaire, language,
                                       request.form.get("skarm", ""), upload)
    if ok:
        db.session.commit()
    else:
        db.session.rollback()
    if request.accept_mimetypes.best == "application/json":
        return ({"ok": ok}, 200 if ok else 400)
    flash(_("Inläsningen är sparad.") if ok else
          _("Filen kunde inte sparas. Använd en ljudfil (webm, ogg, mp3, m4a, aac eller wav) "
            "på högst 2 MB och %(minutes)s minuter.",
            minutes=audio_content.MAX_SECONDS // 60))
    return _back(questionnaire, language)


@bp.post("/inlasning/mapp")
@requires(ADMIN)
def record_folder() -> Any:
    """A folder of files named after the screens; files with other names are skipped."""
    _registry, questionnaire, language = _chosen()
    if not EmptyForm().validate_on_submit():
        abort(400)
    known = {screen.key for screen in recordings.screens(questionnaire, language)}
    saved = skipped = 0
    for upload in request.files.getlist("ljud"):
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
        screen = name.rsplit(".", 1)[0]
        if screen in known and _store(questionnaire, language, screen, upload):
            saved += 1
        else:
            skipped += 1
    db.session.commit()
    flash(_("%(saved)d inläsningar sparade, %(skipped)d filer hoppades över.",
            saved=saved, skipped=skipped))
    return _back(questionnaire, language)


@bp.get("/inlasning/<int:recording_id>/ljud")
@requires(ADMIN)
def recording_audio(recording_id: int) -> Any:
    """Listen back (only the admin's own förbund)."""
    found = db.session.scalar(select(Recording).where(
        Recording.id == recording_id,
        Recording.organisation_id == current_user.organisation_id))
    if found is None:
        abort(404)
    return recordings.send(found.audio, found.mimetype, found.checksum)
