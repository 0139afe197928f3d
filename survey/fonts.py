"""Subset web fonts for scripts a phone may not have: `python -m survey.fonts` (`make fonts`).

Arabic script (Arabic, Persian, Dari) and Ethiopic (Tigrinya) must render on every phone,
so Stegvis ships Noto fonts from Debian's `fonts-noto-core`, cut down with fontTools to
exactly the characters in the shipped catalogs of the languages that use them, as WOFF2.
A page links `static/fonts/<font>.css` only when its language needs that font (see
`Language.font` in survey/i18n.py), so other languages pay nothing. The language screen
links `names.css`: two tiny subsets holding only the glyphs of the native language names.

The generated files are committed (about 70 KB together) so a deployment needs neither
the Noto package nor fontTools; `make fonts` regenerates them after the translations
change, and tests/test_fonts.py fails when a catalog has a character a font lacks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from .catalogs import ROOT, TRANSLATIONS, read

OUTPUT = ROOT / "survey" / "static" / "fonts"
NOTO_DIRS = (
    Path("/usr/share/fonts/truetype/noto"),
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/noto"),
)
FALLBACK = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif'


@dataclass(frozen=True)
class WebFont:
    name: str  # matches Language.font
    family: str  # CSS font-family
    files: dict[int, str]  # weight -> Noto file name
    line_height: str = "1.5"


FONT_SOURCES: tuple[WebFont, ...] = (
    WebFont("arabic", "Stegvis Arabic",
            {400: "NotoSansArabic-Regular.ttf", 700: "NotoSansArabic-Bold.ttf"}, "1.75"),
    WebFont("ethiopic", "Stegvis Ethiopic",
            {400: "NotoSansEthiopic-Regular.ttf", 700: "NotoSansEthiopic-Bold.ttf"}, "1.6"),
)
NAMES_FAMILY = "Stegvis Names"


def languages_using(font: str):  # type: ignore[no-untyped-def]
    from .i18n import PARTICIPANT_LANGUAGES

    return [lang for lang in PARTICIPANT_LANGUAGES if lang.font == font]


def catalog_text(locale: str) -> str:
    """Every translated string in a language's catalog (UI and questionnaire texts)."""
    po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
    parts = []
    for message in read(po):
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        parts.extend(s for s in strings if s)
    return "".join(parts)


def needs_web_font(ch: str) -> bool:
    """Latin text (digits, punctuation, placeholders, Swedish names such as
    Arbetsförmedlingen inside a translation) is left to the system font every phone has."""
    return ord(ch) > 0x24F


def needed(font: str) -> set[str]:
    """Characters a font must cover: the non-Latin text of its languages and their names."""
    text = "".join(catalog_text(lang.locale) + lang.native_name for lang in languages_using(font))
    return {ch for ch in text if needs_web_font(ch)}


def _translated(locale: str, message: str) -> str:
    found = read(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").get(message)
    return str(found.string) if found is not None and found.string else ""


def name_characters(font: str) -> set[str]:
    """The language screen's own text: each native name and, in the same language, the
    line asking to choose a language (the page's only text before a language is known)."""
    from .i18n import CHOOSE_LANGUAGE

    text = "".join(lang.native_name + _translated(lang.locale, CHOOSE_LANGUAGE)
                   for lang in languages_using(font))
    return {ch for ch in text if needs_web_font(ch)}


def _source(file_name: str) -> Path:
    for folder in NOTO_DIRS:
        if (folder / file_name).exists():
            return folder / file_name
    raise SystemExit(f"{file_name} not found in {', '.join(map(str, NOTO_DIRS))}; "
                     "apt-get install fonts-noto-core")


def _subset(source: Path, characters: set[str], target: Path) -> set[int]:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)  # same input, same bytes
    cmap = font.getBestCmap()
    missing = sorted(ch for ch in characters if ord(ch) not in cmap)
    if missing:
        raise SystemExit(f"{source.name} lacks {', '.join(f'U+{ord(c):04X}' for c in missing)}")
    options = subset.Options()
    options.flavor = "woff2"
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]  # keep the copyright and licence names
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(ch) for ch in characters})
    subsetter.subset(font)
    font.flavor = "woff2"
    font.save(target)
    return set(font.getBestCmap())


def _ranges(codepoints: set[int]) -> str:
    ranges: list[tuple[int, int]] = []
    for point in sorted(codepoints):
        if ranges and point == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], point)
        else:
            ranges.append((point, point))
    return ",".join(f"U+{a:X}" if a == b else f"U+{a:X}-{b:X}" for a, b in ranges)


def _face(family: str, weight: int, file_name: str, codepoints: set[int]) -> str:
    return (f'@font-face{{font-family:"{family}";font-style:normal;font-weight:{weight};'
            f'font-display:swap;src:url({file_name}) format("woff2");'
            f"unicode-range:{_ranges(codepoints)}}}\n")


def build() -> int:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    header = "/* Generated by `make fonts` (survey/fonts.py) from Debian fonts-noto-core. */\n"
    names_css = header
    for web in FONT_SOURCES:
        characters = needed(web.name)
        css = header
        for weight, file_name in sorted(web.files.items()):
            target = f"{web.name}-{weight}.woff2"
            covered = _subset(_source(file_name), characters, OUTPUT / target)
            css += _face(web.family, weight, target, covered)
        css += (f'body,button,input,textarea{{font-family:"{web.family}",{FALLBACK};'
                f"line-height:{web.line_height}}}\n")
        (OUTPUT / f"{web.name}.css").write_text(css, encoding="utf-8")
        names = name_characters(web.name)
        target = f"names-{web.name}.woff2"
        covered = _subset(_source(web.files[400]), names, OUTPUT / target)
        names_css += _face(NAMES_FAMILY, 400, target, covered)
        print(f"{web.name}: {len(characters)} characters, "
              + ", ".join(f"{p.name} {p.stat().st_size} B"
                          for p in sorted(OUTPUT.glob(f"*{web.name}*.woff2"))))
    names_css += (f'.choice,.in-each,.other-languages{{font-family:"{NAMES_FAMILY}",'
                  f"{FALLBACK}}}\n")
    (OUTPUT / "names.css").write_text(names_css, encoding="utf-8")
    # The SIL Open Font License travels with the (modified) fonts.
    licence = Path("/usr/share/doc/fonts-noto-core/copyright")
    if licence.exists():
        (OUTPUT / "LICENSE-Noto.txt").write_bytes(licence.read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(build())
