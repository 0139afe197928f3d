"""Uploads are what they claim (issue 23, point 6): a recording is accepted only when its
bytes are a whole audio file of the declared type, of bounded size and length."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from survey import audio_content
from survey.audio_content import MAX_SECONDS, NotAudio, duration

from . import audio_samples

HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"

BUILT = {
    "audio/ogg": audio_samples.ogg_opus, "audio/wav": audio_samples.wav,
    "audio/webm": audio_samples.webm, "audio/mp4": audio_samples.mp4,
    "audio/aac": audio_samples.adts,
}


@pytest.mark.parametrize("mimetype", sorted(BUILT))
def test_each_container_is_read_with_its_length(mimetype):
    data = BUILT[mimetype](12)
    assert duration(data, mimetype) == pytest.approx(12, abs=0.1)
    assert duration(data, mimetype) <= MAX_SECONDS
    assert duration(BUILT[mimetype](MAX_SECONDS + 30), mimetype) > MAX_SECONDS


@pytest.mark.parametrize("mimetype", [*sorted(BUILT), "audio/mpeg", "audio/x-wav"])
def test_what_is_not_that_audio_is_refused(mimetype):
    good = BUILT.get(mimetype, audio_samples.wav)(2)
    for bad in (HTML, b"", b"\0" * 1000, good + HTML, HTML + good, good[:len(good) // 2]):
        with pytest.raises(NotAudio):
            duration(bad, mimetype)
    with pytest.raises(NotAudio):
        duration(good, "text/html")


def test_another_containers_bytes_do_not_pass_as_this_one():
    for claimed in BUILT:
        for other, build in BUILT.items():
            if other != claimed:
                with pytest.raises(NotAudio):
                    duration(build(2), claimed)


def test_video_is_not_audio():
    with pytest.raises(NotAudio):
        duration(audio_samples.webm(2, track_type=1), "audio/webm")
    with pytest.raises(NotAudio):
        duration(audio_samples.mp4(2, handler=b"vide"), "audio/mp4")


@pytest.mark.skipif(not (shutil.which("espeak-ng") and shutil.which("lame")),
                    reason="espeak-ng and lame make the real files")
def test_real_wav_and_mp3_from_encoders(tmp_path):
    subprocess.run(["espeak-ng", "-w", str(tmp_path / "s.wav"), "Hej och välkommen"],
                   check=True)
    subprocess.run(["lame", "--quiet", str(tmp_path / "s.wav"), str(tmp_path / "s.mp3")],
                   check=True)
    seconds = duration((tmp_path / "s.wav").read_bytes(), "audio/wav")
    assert 0.5 < seconds < 5
    assert duration((tmp_path / "s.mp3").read_bytes(), "audio/mpeg") == pytest.approx(
        seconds, abs=0.2)
    with pytest.raises(NotAudio):
        duration((tmp_path / "s.mp3").read_bytes() + HTML, "audio/mpeg")


def test_the_module_names_every_allowed_type():
    from survey.recordings import MIMETYPES

    assert set(MIMETYPES) == set(audio_content._CHECKS)
