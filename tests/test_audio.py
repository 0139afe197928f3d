"""Read-aloud: human recordings win, generated espeak-ng audio next, else the browser."""

from __future__ import annotations

import re
import shutil

import pytest
from sqlalchemy import select

from questionnaires import Registry
from survey import i18n, readaloud
from survey.extensions import db
from survey.models import Response

from .test_answering_journey import choose_language

REGISTRY = Registry.load([])
INDICATORS = REGISTRY.latest("finsam-indikatorer")
FIRST = INDICATORS.items[0]


def test_spoken_text_is_the_item_and_every_choice():
    text = readaloud.spoken_text(i18n.language("en"), INDICATORS, FIRST)
    assert text.splitlines() == [
        "I have taken part in deciding what support I get.",
        "Completely true.", "Mostly true.", "Mostly not true.", "Not true at all.", "Don't know.",
    ]
    easy = readaloud.spoken_text(i18n.language("lattlast"), INDICATORS, FIRST)
    assert easy.startswith("Jag har fått vara med och bestämma vilket stöd jag får.")


def test_spoken_text_reads_the_help_after_the_question():
    samordning = INDICATORS.item("samordning")
    lines = readaloud.spoken_text(i18n.language("en"), INDICATORS, samordning).splitlines()
    assert lines[0].startswith("The people who support me, for example Arbetsförmedlingen")
    assert lines[1] == "Think only of those you are in contact with."
    assert lines[2] == "Completely true."


def test_recording_takes_precedence(tmp_path, monkeypatch):
    monkeypatch.setattr(readaloud, "RECORDINGS", tmp_path / "recordings")
    generated = tmp_path / "generated"
    lang = i18n.language("ar")
    folder = f"ar/{INDICATORS.key}-v{INDICATORS.version}"
    assert readaloud.source(lang, INDICATORS, FIRST, generated) == "browser"
    (generated / folder).mkdir(parents=True)
    (generated / folder / f"{FIRST.id}.mp3").write_bytes(b"ID3 generated")
    assert readaloud.source(lang, INDICATORS, FIRST, generated) == "generated"
    (tmp_path / "recordings" / folder).mkdir(parents=True)
    (tmp_path / "recordings" / folder / f"{FIRST.id}.m4a").write_bytes(b"recorded")
    assert readaloud.source(lang, INDICATORS, FIRST, generated) == "recording"
    assert readaloud.audio_file(lang, INDICATORS, FIRST, generated).suffix == ".m4a"


def test_languages_without_a_voice_fall_back_to_the_browser():
    voices = {lang.code: lang.espeak_voice for lang in i18n.PARTICIPANT_LANGUAGES}
    assert voices["so"] is None and voices["ti"] is None
    assert voices["prs"] == "fa"  # espeak-ng has no Dari; Iranian Persian reads it


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("lame")),
                    reason="espeak-ng and lame are installed in CI (.ci/run)")
def test_generated_audio_is_an_mp3(tmp_path):
    path = readaloud.generate(i18n.language("sv"), INDICATORS, FIRST, tmp_path)
    data = path.read_bytes()
    assert path.suffix == ".mp3" and len(data) > 2000
    assert data[:3] == b"ID3" or data[0] == 0xFF  # an MP3 frame every phone plays
    mtime = path.stat().st_mtime_ns
    assert readaloud.generate(i18n.language("sv"), INDICATORS, FIRST, tmp_path) == path
    assert path.stat().st_mtime_ns == mtime  # up to date: not made again
    assert readaloud.generate(i18n.language("ti"), INDICATORS, FIRST, tmp_path) is None


def test_question_screen_offers_listen(client, make_invitation, tmp_path, monkeypatch):
    monkeypatch.setattr(readaloud, "GENERATED", tmp_path)
    monkeypatch.setattr(readaloud, "RECORDINGS", tmp_path / "none")
    token = make_invitation("finsam-indikatorer")
    choose_language(client, token, "uk")
    page = client.get(f"/s/{token}/1").text
    # No file: the browser's voice, if it has one (listen.js unhides the button).
    assert 'data-speak="uk"' in page and " hidden " in page
    assert re.search(r'src="/static/listen\.js\?v=\w+" defer', page)
    assert client.get(f"/s/{token}/1/lyssna").status_code == 404

    folder = tmp_path / "uk" / f"{INDICATORS.key}-v{INDICATORS.version}"
    folder.mkdir(parents=True)
    (folder / f"{FIRST.id}.mp3").write_bytes(b"ID3 fake mp3")
    page = client.get(f"/s/{token}/1").text
    assert f'href="/s/{token}/1/lyssna?sprak=uk"' in page  # works without JavaScript too
    with client.get(f"/s/{token}/1/lyssna?sprak=uk") as audio:
        assert audio.status_code == 200 and audio.mimetype == "audio/mpeg"
        assert audio.data == b"ID3 fake mp3"
        assert "private" in audio.headers["Cache-Control"]
    assert db.session.scalar(select(Response.language)) == "uk"
