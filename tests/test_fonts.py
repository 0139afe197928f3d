"""Every character of every shipped catalog is covered by the web font of its language."""

from __future__ import annotations

import re

import pytest
from fontTools.ttLib import TTFont

from survey import fonts, i18n

STATIC = fonts.OUTPUT
FONT_LANGUAGES = [lang for lang in i18n.PARTICIPANT_LANGUAGES if lang.font]


def cmap(path) -> set[int]:  # type: ignore[no-untyped-def]
    return set(TTFont(path).getBestCmap())


def test_font_languages():
    assert {lang.code: lang.font for lang in FONT_LANGUAGES} == {
        "ar": "arabic", "fa": "arabic", "prs": "arabic", "ti": "ethiopic",
    }


@pytest.mark.parametrize("lang", FONT_LANGUAGES, ids=lambda lang: lang.code)
def test_every_character_of_the_catalog_is_in_the_font(lang):
    web = next(f for f in fonts.FONT_SOURCES if f.name == lang.font)
    text = fonts.catalog_text(lang.locale) + lang.native_name
    wanted = {ord(ch) for ch in text if fonts.needs_web_font(ch)}
    assert wanted, "catalog has no text in the script"
    for weight in web.files:
        covered = cmap(STATIC / f"{lang.font}-{weight}.woff2")
        missing = sorted(wanted - covered)
        assert not missing, (
            f"{lang.font}-{weight}.woff2 lacks {[f'U+{p:04X}' for p in missing]}; run `make fonts`"
        )


@pytest.mark.parametrize("web", fonts.FONT_SOURCES, ids=lambda web: web.name)
def test_native_names_are_in_the_language_screen_font(web):
    names = {ord(ch) for ch in fonts.name_characters(web.name)}
    assert names and names <= cmap(STATIC / f"names-{web.name}.woff2")


@pytest.mark.parametrize("web", fonts.FONT_SOURCES, ids=lambda web: web.name)
def test_font_css_points_at_shipped_files_and_stays_small(web):
    css = (STATIC / f"{web.name}.css").read_text(encoding="utf-8")
    for file_name in re.findall(r"url\(([^)]+)\)", css):
        assert (STATIC / file_name).exists()
    total = sum((STATIC / f"{web.name}-{w}.woff2").stat().st_size for w in web.files)
    assert total < 45_000, "a font subset grew; check what is in the catalogs"
    assert web.family in css
    assert (STATIC / "LICENSE-Noto.txt").exists()
