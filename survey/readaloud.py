"""Read-aloud ("Lyssna"): audio of each question and its answer choices, per language.

Where the sound comes from, first match wins:

1. a human recording a förbund dropped in:
   questionnaires/audio/<language>/<questionnaire-key>-v<version>/<item>.<mp3|m4a|aac>
   (<language> is the participant code: sv, lattlast, en, ar, fa, prs, so, ti, uk);
2. a file generated at build time (`make audio`, `python -m survey.readaloud build`) with
   espeak-ng and encoded to MP3 with lame (iOS Safari and every other phone plays it), for
   the languages espeak-ng has a voice for (`Language.espeak_voice`), into build/audio/
   (or STEGVIS_AUDIO_DIR);
3. the browser's own speech synthesis, if the phone has a voice for the language
   (static/listen.js shows the button only then);
4. otherwise no button.

Audio is fetched only when the participant taps Lyssna, so it costs nothing otherwise.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from questionnaires import Item, Questionnaire

from .catalogs import ROOT
from .i18n import PARTICIPANT_LANGUAGES, Language, translated_text, translations_for

RECORDINGS = ROOT / "questionnaires" / "audio"
GENERATED = Path(os.environ.get("STEGVIS_AUDIO_DIR") or ROOT / "build" / "audio")
MIMETYPES = {".mp3": "audio/mpeg", ".m4a": "audio/mp4", ".aac": "audio/aac"}


@dataclass(frozen=True)
class Listen:
    """What the question screen offers: a file URL, or a language tag for speech synthesis."""

    url: str | None = None
    speak: str | None = None


def folder(questionnaire: Questionnaire) -> str:
    return f"{questionnaire.key}-v{questionnaire.version}"


def _in(base: Path, language: Language, questionnaire: Questionnaire, name: str) -> Path | None:
    for extension in MIMETYPES:
        path = base / language.code / folder(questionnaire) / f"{name}{extension}"
        if path.is_file():
            return path
    return None


def recording(language: Language, questionnaire: Questionnaire, item: Item) -> Path | None:
    return _in(RECORDINGS, language, questionnaire, item.id)


def generated_file(language: Language, questionnaire: Questionnaire, screen: str,
                   generated: Path | None = None) -> Path | None:
    """The espeak-ng file of any screen (welcome, an item id, review, thanks), if made."""
    return _in(generated or GENERATED, language, questionnaire, screen)


def audio_file(
    language: Language, questionnaire: Questionnaire, item: Item, generated: Path | None = None
) -> Path | None:
    """A human recording if there is one, else a generated file, else None."""
    return recording(language, questionnaire, item) or generated_file(
        language, questionnaire, item.id, generated)


# The screens a participant can hear besides the questions (named by their item ids).
WELCOME, REVIEW, THANKS = "welcome", "review", "thanks"


@dataclass(frozen=True)
class Screen:
    key: str
    text: str  # what is read aloud, in the screen's language


def screens(questionnaire: Questionnaire, language: Language) -> list[Screen]:
    """Every screen a participant can hear, with its text in that language: what a
    recording reader reads and what espeak-ng speaks."""
    ui = translations_for(language)

    def text(t) -> str:  # type: ignore[no-untyped-def]
        return str(t.easy) if language.easy else str(ui.ugettext(t.standard))

    found = [Screen(WELCOME, f"{text(questionnaire.title)}\n{text(questionnaire.intro)}")]
    found += [Screen(item.id, spoken_text(language, questionnaire, item))
              for item in questionnaire.items]
    found.append(Screen(REVIEW, "\n".join(ui.ugettext(s) for s in (
        "Dina svar", "Titta på dina svar. Du kan ändra dem innan du skickar.",
        "Skicka in svaren"))))
    found.append(Screen(THANKS, "\n".join(ui.ugettext(s) for s in (
        "Tack för dina svar!", "Dina svar är sparade."))))
    return found


def source(language: Language, questionnaire: Questionnaire, item: Item,
           generated: Path | None = None) -> str:
    """'recording', 'generated' or 'browser' (speech synthesis, if the phone has a voice)."""
    generated = generated or GENERATED
    if recording(language, questionnaire, item):
        return "recording"
    if generated_file(language, questionnaire, item.id, generated):
        return "generated"
    return "browser"


def spoken_text(language: Language, questionnaire: Questionnaire, item: Item) -> str:
    """The item and its answer choices, as read aloud (outside a request: used at build)."""
    catalog = translations_for(language)

    def text(t) -> str:  # type: ignore[no-untyped-def]
        return translated_text(t, language, catalog.gettext)

    scale = questionnaire.scale_for(item)
    choices = [text(step.label) for step in scale.steps]
    if scale.dont_know is not None:
        choices.append(text(scale.dont_know))
    helps = [text(item.help)] if item.help is not None else []
    sentences = [text(item.text), *helps, *choices]
    # A pause between the question and each choice.
    return "\n".join(s if s.rstrip().endswith((".", "?", "!", "።", "؟")) else s + "."
                     for s in sentences)


def offer(language: Language, questionnaire: Questionnaire, item: Item, url: str) -> Listen:
    """The Lyssna button for a question screen: a file when there is one, else the
    browser's speech synthesis (listen.js shows that button only if a voice exists)."""
    if audio_file(language, questionnaire, item) is not None:
        return Listen(url=url)
    return Listen(speak=language.tag)


def _tools() -> tuple[str, str] | None:
    espeak, lame = shutil.which("espeak-ng"), shutil.which("lame")
    return (espeak, lame) if espeak and lame else None


def generate(language: Language, questionnaire: Questionnaire, item: Item,
             generated: Path | None = None) -> Path | None:
    """Write <generated>/<lang>/<key>-v<version>/<item>.mp3 unless it is up to date."""
    return generate_screen(language, questionnaire,
                           Screen(item.id, spoken_text(language, questionnaire, item)), generated)


def generate_screen(language: Language, questionnaire: Questionnaire, screen: Screen,
                    generated: Path | None = None) -> Path | None:
    """Write <generated>/<lang>/<key>-v<version>/<screen>.mp3 unless it is up to date."""
    tools = _tools()
    if tools is None or not language.espeak_voice:
        return None
    espeak, lame = tools
    generated = generated or GENERATED
    text = screen.text
    target = generated / language.code / folder(questionnaire) / f"{screen.key}.mp3"
    stamp = target.with_suffix(".sha256")
    digest = hashlib.sha256(f"{language.espeak_voice}\n{text}".encode()).hexdigest()
    if target.exists() and stamp.exists() and stamp.read_text() == digest:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "speech.wav"
        # Slightly slower than the default 175 words a minute, for people who read little.
        subprocess.run(  # noqa: S603 - fixed executables, text passed on stdin
            [espeak, "-v", language.espeak_voice, "-s", "150", "-w", str(wav), "--stdin"],
            input=text.encode("utf-8"), check=True, capture_output=True,
        )
        partial = Path(tmp) / "speech.mp3"
        subprocess.run(  # noqa: S603
            [lame, "--quiet", "-m", "m", "--resample", "16", "-b", "24", str(wav),
             str(partial)],
            check=True, capture_output=True,
        )
        shutil.move(partial, target)
    stamp.write_text(digest)
    return target


def build(generated: Path | None = None) -> int:
    from questionnaires import Registry

    if _tools() is None:
        print("espeak-ng or lame is not installed: no read-aloud audio generated "
              "(apt-get install espeak-ng lame); phones use their own speech if they can.")
        return 0
    generated = generated or GENERATED
    extra = os.environ.get("STEGVIS_QUESTIONNAIRE_DIRS", "")
    registry = Registry.load([Path(p) for p in extra.split(os.pathsep) if p])
    made = kept = 0
    for questionnaire in registry.all():
        for language in PARTICIPANT_LANGUAGES:
            items = {item.id: item for item in questionnaire.items}
            for screen in screens(questionnaire, language):
                if screen.key in items and recording(language, questionnaire, items[screen.key]):
                    kept += 1
                elif generate_screen(language, questionnaire, screen, generated):
                    made += 1
    print(f"read-aloud: {made} generated file(s) up to date in {generated}, "
          f"{kept} human recording(s) used")
    return 0


def summary(registry, generated: Path | None = None) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(language code, audio source) for the docs and the bench: the source of the first
    item, or 'mixed' when items differ."""
    rows = []
    for language in PARTICIPANT_LANGUAGES:
        sources = {source(language, q, item, generated)
                   for q in registry.all() for item in q.items}
        rows.append((language.code, sources.pop() if len(sources) == 1 else "mixed"))
    return rows


def main(argv: list[str]) -> int:
    if argv == ["build"]:
        return build()
    print("usage: python -m survey.readaloud build", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
