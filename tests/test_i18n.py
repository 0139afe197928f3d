"""The translation checks CI runs: a fresh template, complete participant catalogs,
placeholders that survive, catalogs that compile, and the review status table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from flask import Flask, session

from survey import catalogs, i18n

SHIPPED = catalogs.participant_catalogs()


def _catalog_id(po: Path) -> str:
    return f"{po.parent.parent.name}/{po.stem}"

ROOT = catalogs.ROOT


def _ids(path: Path) -> set[str]:
    with path.open("rb") as handle:
        return {str(m.id) for m in read_po(handle) if m.id}


def test_template_is_not_stale(tmp_path):
    fresh = tmp_path / "messages.pot"
    catalogs.extract(fresh)
    added = _ids(fresh) - _ids(catalogs.TEMPLATE)
    removed = _ids(catalogs.TEMPLATE) - _ids(fresh)
    assert not added and not removed, (
        f"translations/messages.pot is stale (new: {sorted(added)}, gone: {sorted(removed)}); "
        "run `make translations`"
    )


def test_every_participant_language_has_a_catalog():
    codes = {code for code, _po in SHIPPED}
    assert codes == {lang.code for lang in i18n.PARTICIPANT_LANGUAGES} - {"sv"}
    for _code, po in SHIPPED:
        assert po.exists(), f"{po} is missing; run `make translations`"


@pytest.mark.parametrize(("code", "po"), SHIPPED, ids=[code for code, _ in SHIPPED])
def test_participant_strings_are_all_translated(code, po):
    """Every participant-facing string, questionnaire texts included, 100 %."""
    assert catalogs.missing(code, po) == []


@pytest.mark.parametrize(("code", "po"), SHIPPED, ids=[code for code, _ in SHIPPED])
def test_catalog_has_every_participant_msgid(code, po):
    template = catalogs.read(catalogs.TEMPLATE)
    sources = catalogs.PARTICIPANT_UI_SOURCES if code == "lattlast" else None
    wanted = {
        str(m.id) for m in template
        if m.id and catalogs.is_participant_facing(m, sources or catalogs.PARTICIPANT_SOURCES)
    }
    assert wanted - _ids(po) == set(), "catalog not updated; run `make translations`"


@pytest.mark.parametrize("po", catalogs.catalogs(), ids=_catalog_id)
def test_placeholders_survive_translation(po):
    assert catalogs.placeholder_problems(catalogs.read(po)) == []


def test_placeholder_check_catches_a_broken_translation(tmp_path):
    from babel.messages.catalog import Catalog

    catalog = Catalog(locale="en")
    catalog.add("Fråga %(number)d av %(total)d", "Question %(number)d of %(totl)d")
    catalog.add("Skriv högst %(max)d tecken.", "Write at most max characters.")
    catalog.add("Nu: %(language)s", "Now: %(language)s")
    assert len(catalogs.placeholder_problems(catalog)) == 2


def test_participant_facing_is_defined_by_source():
    template = catalogs.read(catalogs.TEMPLATE)
    by_id = {m.id: m for m in template if m.id}
    assert catalogs.is_participant_facing(by_id["Byt språk"])
    assert catalogs.is_participant_facing(by_id["Stämmer helt"])  # questionnaire TOML
    ui_only = catalogs.PARTICIPANT_UI_SOURCES
    assert not catalogs.is_participant_facing(by_id["Stämmer helt"], ui_only)
    for message in template:
        paths = [name for name, _line in message.locations]
        if message.id and all(p.startswith(("survey/staff/", "survey/auth/")) for p in paths):
            assert not catalogs.is_participant_facing(message)


def test_broken_catalog_stops_the_build_and_writes_nothing(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "translations" / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Fråga %(number)d av %(total)d"\nmsgstr "Question %(numbr)d of %(total)d"\n',
        encoding="utf-8",
    )
    good = tmp_path / "translations" / "yy" / "LC_MESSAGES"
    good.mkdir(parents=True)
    (good / "messages.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "Nästa"\nmsgstr "Next"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogs, "TRANSLATIONS", tmp_path / "translations")
    monkeypatch.setattr(catalogs, "ROOT", tmp_path)
    assert catalogs.main(["compile"]) == 1
    assert not (folder / "messages.mo").exists()
    assert not (good / "messages.mo").exists()
    assert "numbr" in capsys.readouterr().err
    (folder / "messages.po").write_text(
        (folder / "messages.po").read_text(encoding="utf-8").replace("numbr", "number"),
        encoding="utf-8",
    )
    assert catalogs.main(["compile"]) == 0
    assert (folder / "messages.mo").exists() and (good / "messages.mo").exists()


def test_languages_are_shown_in_their_own_name_and_script():
    names = {lang.code: lang.native_name for lang in i18n.PARTICIPANT_LANGUAGES}
    assert names == {
        "sv": "Svenska", "lattlast": "Lättläst svenska", "en": "English", "ar": "العربية",
        "fa": "فارسی", "prs": "دری", "so": "Soomaali", "ti": "ትግርኛ", "uk": "Українська",
    }
    for lang in i18n.PARTICIPANT_LANGUAGES:
        locale = Locale.parse(lang.locale)  # every catalog locale is one Babel knows
        assert lang.direction == locale.text_direction


def test_unknown_codes_fall_back_to_svenska():
    for code in (None, "", "xx", "SV", "../sv", "prs\x00", "fa_AF"):
        assert i18n.language(code) is i18n.DEFAULT


def test_translation_status_matches_the_docs():
    status = i18n.translation_status()
    assert [row["code"] for row in status] == [lang.code for lang in i18n.PARTICIPANT_LANGUAGES]
    assert all(set(row) == {"code", "native_name", "status"} for row in status)
    docs = (ROOT / "docs" / "translations.md").read_text(encoding="utf-8")
    for row in status:
        line = re.search(rf"^\| `{re.escape(row['code'])}` \|.*$", docs, re.MULTILINE)
        assert line, f"docs/translations.md has no row for {row['code']}"
        assert row["status"] in line.group(0), f"status of {row['code']} differs from the docs"


def test_staff_locale_comes_from_the_session():
    app = Flask(__name__)
    app.secret_key = "test"
    assert [code for code, _name in i18n.STAFF_LANGUAGES] == ["sv", "en"]
    with app.test_request_context("/personal/"):
        assert i18n.select_locale() == "sv"
        assert i18n.set_staff_locale("en") == "en"
        assert session["staff_locale"] == "en"
        assert i18n.select_locale() == "en"
        assert i18n.html_lang() == "en" and i18n.text_direction() == "ltr"
        assert i18n.set_staff_locale("ar") == "sv"  # staff pages are sv or en only
        assert i18n.select_locale() == "sv"
        session["staff_locale"] = "klingon"
        assert i18n.select_locale() == "sv"


@pytest.mark.parametrize("po", catalogs.catalogs(), ids=_catalog_id)
def test_translations_carry_no_markup(po):
    """Templates treat translations as trusted markup: a translator cannot add HTML."""
    for message in catalogs.read(po):
        if message.id and message.string and not isinstance(message.id, tuple):
            for mark in "<>&":
                assert (mark in str(message.string)) <= (mark in message.id), message.id


def test_rendered_in_returns_to_the_staff_locale(app):
    from flask_babel import gettext

    with app.test_request_context("/personal/"):
        i18n.set_staff_locale("en")
        assert i18n.select_locale() == "en"
        with i18n.rendered_in(i18n.language("ar")):
            assert i18n.select_locale() == "ar" and i18n.text_direction() == "rtl"
            assert gettext("Nästa") == "التالي"
        assert i18n.select_locale() == "en" and i18n.text_direction() == "ltr"
        with i18n.rendered_in(i18n.language("lattlast")):
            assert gettext("Skicka in svaren") == "Skicka svaren"
        assert gettext("Skicka in svaren") == "Send the answers"
