"""Read-aloud recordings in the database (issue 13, point 2): recorded or uploaded per
questionnaire version, screen and language; served under the link's rules and cached by
checksum; a coverage table on the settings page."""

from __future__ import annotations

import hashlib
import io
import shutil

import pytest
from sqlalchemy import select

from survey import audio_content, i18n, readaloud, recordings
from survey.extensions import db
from survey.models import Organisation, Recording

from . import audio_samples
from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit

AUDIO = audio_samples.ogg_opus(4)  # stored and served as given
OTHER_TAKE = audio_samples.ogg_opus(5)
PAGE = "/personal/inlasning?enkat=finsam-indikatorer-v2&sprak=ti"


def upload(client, screen: str, data: bytes = AUDIO, name: str = "take.ogg",  # type: ignore[no-untyped-def]
           mimetype: str = "audio/ogg"):
    page = client.get(PAGE)
    return client.post(PAGE, data={"csrf_token": csrf_token(page.text), "skarm": screen,
                                   "ljud": (io.BytesIO(data), name, mimetype)},
                       content_type="multipart/form-data")


def test_upload_is_stored_with_checksum_and_who(admin_client):
    page = admin_client.get(PAGE)
    assert page.status_code == 200
    assert 'data-screen="nytta"' in page.text and 'data-screen="welcome"' in page.text
    assert page.headers["Permissions-Policy"] == "camera=(), microphone=(self), geolocation=()"
    assert upload(admin_client, "nytta").status_code == 302
    recording = db.session.scalar(select(Recording))
    assert (recording.screen, recording.language, recording.mimetype) == ("nytta", "ti",
                                                                        "audio/ogg")
    assert recording.checksum == hashlib.sha256(AUDIO).hexdigest()
    assert recording.recorded_by.role == "admin" and bytes(recording.audio) == AUDIO
    # Re-recording replaces it.
    upload(admin_client, "nytta", data=OTHER_TAKE)
    assert db.session.scalar(select(Recording.checksum)) == hashlib.sha256(OTHER_TAKE).hexdigest()


def test_bad_uploads_change_nothing(admin_client, handledare_client, monkeypatch):
    # A smaller limit stands in for 2 MB (the test client leaves a spooled body unclosed).
    monkeypatch.setattr(recordings, "MAX_BYTES", len(AUDIO))
    assert upload(admin_client, "nytta", name="virus.exe", mimetype="application/x-msdos"
                  ).status_code == 302
    assert upload(admin_client, "no-such-screen").status_code == 302
    assert upload(admin_client, "nytta", data=AUDIO + b"x").status_code == 302
    assert db.session.scalar(select(Recording)) is None
    assert "Filen kunde inte sparas" in admin_client.get(PAGE).text
    assert handledare_client.get(PAGE).status_code in (403, 404)


def test_only_audio_of_the_claimed_type_and_length_is_stored(admin_client):
    html = b"<!doctype html><script>alert(1)</script>"
    for data, name, mimetype in (
            (html, "take.webm", "audio/webm"),  # the tester's upload
            (html + AUDIO, "take.ogg", "audio/ogg"),
            (AUDIO + html, "take.ogg", "audio/ogg"),
            (AUDIO, "take.webm", "audio/webm"),  # Ogg bytes under WebM's name
            (audio_samples.ogg_opus(audio_content.MAX_SECONDS + 1), "long.ogg", "audio/ogg")):
        assert upload(admin_client, "nytta", data=data, name=name,
                      mimetype=mimetype).status_code == 302
        assert db.session.scalar(select(Recording)) is None, name
    page = admin_client.get(PAGE).text
    assert "Filen kunde inte sparas" in page and "högst 2 MB och 3 minuter" in page
    assert upload(admin_client, "nytta", data=audio_samples.webm(3), name="take.webm",
                  mimetype="audio/webm;codecs=opus").status_code == 302
    assert db.session.scalar(select(Recording.mimetype)) == "audio/webm"


def test_folder_upload(admin_client):
    page = admin_client.get(PAGE)
    files = [(io.BytesIO(audio_samples.webm(3)), "inlasning/welcome.webm", "audio/webm"),
             (io.BytesIO(audio_samples.wav(2)), "inlasning/redo.wav", "audio/wav"),
             (io.BytesIO(AUDIO), "inlasning/nytta.mp3", "audio/mpeg"),  # Ogg named .mp3
             (io.BytesIO(AUDIO), "inlasning/notes.txt", "text/plain")]
    admin_client.post("/personal/inlasning/mapp?enkat=finsam-indikatorer-v2&sprak=ti",
                      data={"csrf_token": csrf_token(page.text), "ljud": files},
                      content_type="multipart/form-data")
    assert sorted(db.session.scalars(select(Recording.screen))) == ["redo", "welcome"]


def test_participant_hears_the_recording_under_the_link_rules(admin_client, make_invitation,
                                                              app):
    upload(admin_client, "delaktighet")
    upload(admin_client, "thanks")
    token = make_invitation()
    participant = app.test_client()
    choose_language(participant, token, "ti")
    page = participant.get(f"/s/{token}/1").text
    checksum = hashlib.sha256(AUDIO).hexdigest()
    url = f"/s/{token}/lyssna/delaktighet?sprak=ti&amp;v={checksum[:16]}"
    assert f'data-audio="{url}"' in page
    audio = participant.get(url.replace("&amp;", "&"))
    assert audio.status_code == 200 and audio.data == AUDIO
    assert audio.headers["ETag"] == f'"{checksum}"'
    assert "private" in audio.headers["Cache-Control"]
    again = participant.get(url.replace("&amp;", "&"), headers={"If-None-Match": f'"{checksum}"'})
    assert again.status_code == 304 and again.data == b""
    # Another language has no recording; an unknown link gets nothing.
    assert participant.get(f"/s/{token}/lyssna/bemotande").status_code == 404
    assert app.test_client().get("/s/no-such-link/lyssna/delaktighet").status_code == 404
    answer(participant, token, 1, "4")
    thanks = participant.get(submit(participant, token).headers["Location"]).text
    assert f"/s/{token}/lyssna/thanks?sprak=ti" in thanks


def test_another_forbunds_recording_is_not_played(admin_client, make_invitation, app):
    upload(admin_client, "delaktighet")
    recording = db.session.scalar(select(Recording))
    other = Organisation(name="Annat förbund")
    db.session.add(other)
    db.session.flush()
    recording.organisation_id = other.id
    db.session.commit()
    token = make_invitation()
    participant = app.test_client()
    choose_language(participant, token, "ti")
    assert "/lyssna/delaktighet" not in participant.get(f"/s/{token}/1").text
    assert participant.get(f"/s/{token}/lyssna/delaktighet").status_code == 404
    assert admin_client.get(f"/personal/inlasning/{recording.id}/ljud").status_code == 404


def test_coverage_table_on_the_settings_page(admin_client):
    upload(admin_client, "welcome")
    upload(admin_client, "nytta")
    settings = admin_client.get("/personal/installningar").text
    table = settings.split('class="coverage"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>")
               if "Stegvis indikatorfrågor (egen formulering), version 2" in r and 'lang="ti"' in r)
    # 7 questions + welcome, review, thanks = 10 screens; espeak-ng has no Tigrinya.
    assert "<td>2</td><td>0</td><td>8</td>" in row


def test_generated_speech_only_where_no_recording(admin_client, make_invitation, app,
                                                   tmp_path, monkeypatch):
    """espeak-ng's file for a screen is offered when the förbund has no recording of it,
    and counts as generated on the settings page; a recording wins."""
    monkeypatch.setattr(readaloud, "GENERATED", tmp_path)
    folder = tmp_path / "uk" / "finsam-indikatorer-v2"
    folder.mkdir(parents=True)
    (folder / "welcome.mp3").write_bytes(b"ID3 welcome")
    (folder / "thanks.mp3").write_bytes(b"ID3 thanks")
    token = make_invitation()
    participant = app.test_client()
    choose_language(participant, token, "uk")
    welcome = participant.get(f"/s/{token}/start").text
    assert f'data-audio="/s/{token}/lyssna/welcome?sprak=uk"' in welcome
    with participant.get(f"/s/{token}/lyssna/welcome?sprak=uk") as audio:
        assert audio.data == b"ID3 welcome" and audio.mimetype == "audio/mpeg"
    assert participant.get(f"/s/{token}/lyssna/not-a-screen").status_code == 404
    # The review has neither: the phone's own voice, if it has one.
    assert 'data-speak="uk"' in participant.get(f"/s/{token}/granska").text
    page = admin_client.get(PAGE.replace("sprak=ti", "sprak=uk"))
    admin_client.post(PAGE.replace("sprak=ti", "sprak=uk"), data={
        "csrf_token": csrf_token(page.text), "skarm": "welcome",
        "ljud": (io.BytesIO(AUDIO), "welcome.ogg", "audio/ogg")},
        content_type="multipart/form-data")
    assert "/lyssna/welcome?sprak=uk&amp;v=" in participant.get(f"/s/{token}/start").text
    settings = admin_client.get("/personal/installningar").text
    table = settings.split('class="coverage"')[1].split("</table>")[0]
    row = next(r for r in table.split("<tr>")
               if "Stegvis indikatorfrågor (egen formulering), version 2" in r and 'lang="uk"' in r)
    assert "<td>1</td><td>1</td><td>8</td>" in row  # welcome recorded, thanks generated


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("lame")),
                    reason="espeak-ng and lame are installed in CI (.ci/run)")
def test_espeak_speaks_every_screen_it_has_a_voice_for(app, tmp_path):
    registry = app.extensions["stegvis.questionnaires"]
    questionnaire = registry.latest("sjalvskattning")
    swedish, tigrinya = i18n.language("sv"), i18n.language("ti")
    for screen in readaloud.screens(questionnaire, swedish):
        path = readaloud.generate_screen(swedish, questionnaire, screen, tmp_path)
        assert path is not None and path.stat().st_size > 1000, screen.key
    assert readaloud.generate_screen(
        tigrinya, questionnaire, readaloud.screens(questionnaire, tigrinya)[0], tmp_path) is None
