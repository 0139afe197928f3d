"""Issue 12: whose questions these are, the national instrument loadable, versions and
easy Swedish reported apart."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

from analysis import ReportOptions, build_report, build_report_from_csv
from analysis.synthetic import make_row, to_csv_text
from analysis.text import summary
from questionnaires import QuestionnaireError, Registry, load_file, parse
from questionnaires.loader import DEFAULT_DIRECTORY
from survey.catalogs import ROOT, TRANSLATIONS

from .factories import participant_with_invitation
from .test_answering_journey import answer, choose_language, submit

SKELETON = ROOT / "questionnaires" / "skeleton" / "nationellt-instrument.toml"
FILES = [*sorted(DEFAULT_DIRECTORY.glob("*.toml")), SKELETON]
OURS = "Stegvis indikatorfrågor (egen formulering)"
# What a board would read as "these are the national indicators": the old headings.
NATIONAL_CLAIM = re.compile(
    r"(?i)finsam[- ]indikator(frågor|erna)\b|finsam indicator questions|"
    r"(sju|seven) finsam|finsam-indikatorer/v\d"
)


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
def test_every_questionnaire_file_has_title_owner_and_licence(path: Path) -> None:
    questionnaire = load_file(path)
    about = questionnaire.about
    assert questionnaire.title.standard and about.name and about.name_en
    assert about.owner and about.licence


def test_our_wording_is_named_as_ours() -> None:
    for questionnaire in Registry.load().all():
        assert "(egen formulering)" in questionnaire.name
        assert "(own wording)" in questionnaire.about.name_en
        assert questionnaire.about.owner == "Stegvis"
        # Only the indicator questions resemble a national instrument (the FINSAM
        # indicators); the self-assessment and the follow-up have no national counterpart.
        assert "går inte att jämföra med nationella siffror" in questionnaire.about.licence \
            or questionnaire.key in ("sjalvskattning", "uppfoljning")
    assert Registry.load().latest("finsam-indikatorer").name == OURS


def _texts_people_read() -> dict[str, str]:
    """README, every template and every catalog string (what screens and exports show)."""
    found = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")}
    for path in sorted((ROOT / "survey" / "templates").rglob("*.*")):
        found[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    for path in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        with path.open("rb") as handle:
            catalog = read_po(handle)
        found[str(path.relative_to(ROOT))] = "\n".join(
            f"{m.id}\n{m.string}" for m in catalog if m.id)
    return found


def test_no_screen_readme_or_catalog_calls_our_wording_the_national_indicators() -> None:
    for name, text in _texts_people_read().items():
        assert not NATIONAL_CLAIM.search(text), (name, NATIONAL_CLAIM.search(text))
    assert OURS in _texts_people_read()["README.md"]


def _two_versions() -> list:
    rows = [make_row(participant=f"A{i}", value=4) for i in range(6)]
    rows += [make_row(participant=f"B{i}", version=2, value=1) for i in range(6)]
    return rows


def test_reports_name_owner_and_licence_and_never_the_national_indicators(tmp_path,  # type: ignore[no-untyped-def]
                                                                         print_report) -> None:
    report = build_report(_two_versions(), ReportOptions(title="Förbundet"))
    assert set(report["questionnaires"]) == {"finsam-indikatorer/v1", "finsam-indikatorer/v2"}
    assert report["questionnaires"]["finsam-indikatorer/v2"]["owner"] == "Stegvis"
    text = summary(report)
    assert f"{OURS}, version 1, avslut" in text and f"{OURS}, version 2, avslut" in text
    assert "ägare Stegvis" in text and "NNS" in text
    assert not NATIONAL_CLAIM.search(text)
    from analysis.xlsx import write_xlsx

    book_path = tmp_path / "rapport.xlsx"
    write_xlsx(report, book_path)
    book = load_workbook(book_path, read_only=True)
    cells = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(
        values_only=True) for v in row if v is not None)
    assert OURS in cells and not NATIONAL_CLAIM.search(cells)
    if shutil.which("pdftotext"):
        pdf = tmp_path / "rapport.pdf"
        pdf.write_bytes(print_report(report))
        printed = subprocess.run(["pdftotext", "-layout", str(pdf), "-"],
                                 capture_output=True, text=True, check=True).stdout
        assert "Stegvis indikatorfrågor" in printed and "ägare Stegvis" in printed
        assert not NATIONAL_CLAIM.search(printed)


def test_v1_and_v2_in_the_same_period_are_reported_apart_on_every_path(tmp_path) -> None:
    rows = _two_versions()
    path = tmp_path / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    from_rows = build_report(rows)
    from_csv, errors = build_report_from_csv(path)
    assert errors == [] and from_csv is not None
    assert from_rows == from_csv
    by_version = from_csv["indicators"]
    # Nothing pooled: each version's own table (6 positive, 6 negative).
    assert by_version["finsam-indikatorer/v1"]["avslut"]["nytta"]["share"] == 1.0
    assert by_version["finsam-indikatorer/v2"]["avslut"]["nytta"]["share"] == 0.0


def test_easy_swedish_answers_are_their_own_language_group(tmp_path) -> None:
    rows = [make_row(participant=f"S{i}", value=4) for i in range(6)]
    rows += [make_row(participant=f"L{i}", value=1, easy=True) for i in range(6)]
    path = tmp_path / "svar.csv"
    path.write_text(to_csv_text(rows), encoding="utf-8")
    from_csv, _ = build_report_from_csv(path)
    for report in (build_report(rows), from_csv):
        by_language = report["indicators"]["finsam-indikatorer/v1"]["avslut"]["nytta"][
            "by_language"]
        assert (by_language["sv"]["share"], by_language["lattlast"]["share"]) == (1.0, 0.0)


def test_web_report_keeps_versions_and_easy_swedish_apart(app, insats, admin_client) -> None:
    """The database path: v1 and v2 answered in the same period, some in lättläst."""
    for number in range(10):
        version = 1 if number < 5 else 2
        token = participant_with_invitation(insats, f"W-{number}", version=version)
        client = app.test_client()
        choose_language(client, token, "lattlast" if number % 5 < 2 else "sv")
        answer(client, token, 5, "4" if version == 1 else "1")
        submit(client, token)
    reply = admin_client.get(f"/personal/rapporter/?insats={insats.id}")
    assert reply.status_code == 200
    assert f"{OURS}, version 1" in reply.text and f"{OURS}, version 2" in reply.text
    assert not NATIONAL_CLAIM.search(reply.text)
    export = admin_client.get(f"/personal/rapporter/ladda-ner.xlsx?insats={insats.id}")
    assert export.status_code == 200
    book = load_workbook(io.BytesIO(export.data), read_only=True)
    summary_sheets = [s for s in book.worksheets if not s.title.startswith("Svar ")]
    cells = " ".join(str(v) for sheet in summary_sheets for row in sheet.iter_rows(
        values_only=True) for v in row if v is not None)
    assert OURS in cells and not NATIONAL_CLAIM.search(cells)
    from survey.reports.build import report_for

    report, _options = report_for([insats], None, None, None, "")
    by_version = report["indicators"]
    # Five answers each (published 3 to 7, the keys are random): all positive in v1, none
    # in v2, shown when the published base is 5 or more.
    v1 = by_version["finsam-indikatorer/v1"]["avslut"]["nytta"]
    v2 = by_version["finsam-indikatorer/v2"]["avslut"]["nytta"]
    assert v1["positive"] == (v1["n"] if v1["n"] >= 5 else None)
    assert v2["positive"] == (0 if v2["n"] >= 5 else None)
    # Two of each version's five answered in lättläst: a group of its own, among every
    # language offered.
    for ident in by_version:
        languages = by_version[ident]["avslut"]["nytta"]["by_language"]
        assert {"sv", "lattlast", "ar", "uk"} <= set(languages)


# The national instrument: what its file needs, checked without any NNS text.

def _national(**changes) -> dict:  # type: ignore[no-untyped-def]
    import tomllib

    data = tomllib.loads(SKELETON.read_text(encoding="utf-8"))
    data.update(changes)
    return data


def test_skeleton_has_structure_only() -> None:
    questionnaire = load_file(SKELETON)
    for text in questionnaire.texts():
        assert re.fullmatch(r"\[[^\]]+\]", text.standard), text.standard
    assert questionnaire.scale.kind == "frequency" and len(questionnaire.scale.steps) == 6
    assert [i.id for i in questionnaire.items_at("pagaende")] == ["p1", "p2"]
    assert [i.id for i in questionnaire.items_at("avslut")] == ["a1", "a2"]
    assert questionnaire.items[0].help is not None
    assert questionnaire.items[0].text.translated("en") == "[The same question in English]"


def test_skeleton_passes_questionnaire_check(app) -> None:
    result = app.test_cli_runner().invoke(args=["questionnaire", "check", str(SKELETON)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "godkänd (nationella-indikatorer/v1)" in out
    assert "Ägare: Nationella nätverket för samordningsförbund (NNS)" in out
    assert "Skala: frekvens, 6 steg, positiva: 5, 6" in out
    assert "1. p1 [pagaende]" in out and "3. a1 [avslut]" in out
    assert "vid pagaende: 2 frågor" in out and "vid avslut: 2 frågor" in out
    assert re.search(r"en\s+English\s+1 av 14", out)


def test_questionnaire_check_prints_the_shipped_v2_and_refuses_a_bad_file(app, tmp_path) -> None:
    runner = app.test_cli_runner()
    good = runner.invoke(args=["questionnaire", "check",
                               str(DEFAULT_DIRECTORY / "finsam-indikatorer-v2.toml")])
    assert good.exit_code == 0, good.output
    assert "6. redo [pagaende, avslut]" in good.output
    assert re.search(r"so\s+Soomaali\s+15 av 15 \(komplett\)", good.output)
    bad = tmp_path / "mitt.toml"
    bad.write_text(SKELETON.read_text(encoding="utf-8").replace('kind = "frequency"',
                                                                 'kind = "often"'))
    refused = runner.invoke(args=["questionnaire", "check", str(bad)])
    assert refused.exit_code != 0
    assert "mitt.toml: scale: 'kind' must be one of" in refused.output
    clash = tmp_path / "kopia.toml"
    clash.write_text((DEFAULT_DIRECTORY / "finsam-indikatorer-v2.toml").read_text("utf-8"))
    assert runner.invoke(args=["questionnaire", "check", str(clash)]).exit_code != 0


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("about"), "missing [about] table"),
        (lambda d: d["about"].pop("licence"), "about: missing 'licence'"),
        (lambda d: d["scale"].pop("kind"), "'kind' must be one of"),
        (lambda d: d["scale"]["steps"].extend(d["scale"]["steps"][:2]), "at most 7 steps"),
        (lambda d: d["items"][0].update(occasions=["start"]), "unknown occasion 'start'"),
        (lambda d: [i.update(occasions=["pagaende"]) for i in d["items"]],
         "no item is asked at occasion 'avslut'"),
        (lambda d: d["items"][0]["text"].update(SO="x"), "'text.SO' is not a language code"),
        (lambda d: d["items"][0]["text"].update(so=" "), "empty translation 'text.so'"),
    ],
)
def test_format_2_refusals(change, expected) -> None:  # type: ignore[no-untyped-def]
    data = _national()
    change(data)
    with pytest.raises(QuestionnaireError, match=re.escape(expected)):
        parse(data, "nns.toml")


def test_seven_step_agreement_scale_without_dont_know_loads() -> None:
    data = _national()
    data["scale"] = {"kind": "agreement", "positive": [5, 6, 7], "steps": [
        {"value": v, "label": {"sv": f"[Steg {v}]"}} for v in range(7, 0, -1)]}
    questionnaire = parse(data, "nns.toml")
    assert questionnaire.scale.dont_know is None and len(questionnaire.scale.steps) == 7
    assert questionnaire.scale.positive == {5, 6, 7}


def test_format_1_files_still_load() -> None:
    text = (DEFAULT_DIRECTORY / "finsam-indikatorer-v1.toml").read_text(encoding="utf-8")
    text = re.sub(r"\[about\][^\[]*", "", text).replace("format = 2", "format = 1")
    text = text.replace('kind = "agreement"\n', "")
    import tomllib

    old = parse(tomllib.loads(text), "gammal.toml")
    assert old.about.owner == "" and old.name == old.title.standard


def test_national_instrument_asks_its_own_items_per_occasion(app, insats, tmp_path) -> None:
    """Loaded from the förbund's folder: pågående shows its 2 items with help text, in the
    translation written in the file; answers are stored under the file's key."""
    from survey.extensions import db
    from survey.models import Answer

    folder = tmp_path / "forbund"
    folder.mkdir()
    shutil.copy(SKELETON, folder / "nationellt.toml")
    app.extensions["stegvis.questionnaires"] = Registry.load([folder])
    token = participant_with_invitation(insats, "N-1", "nationella-indikatorer", "pagaende")
    client = app.test_client()
    choose_language(client, token, "en")
    page = client.get(f"/s/{token}/1").text
    assert "[The same question in English]" in page
    assert "[Hjälptext till frågan, om användarmanualen har en]" in page
    assert 'aria-describedby="item-help"' in page
    assert "[Svarsalternativ 6]" in page and "Fråga 1 av 2" not in page  # English UI
    assert client.get(f"/s/{token}/3").status_code == 404  # avslut items are not asked
    answer(client, token, 1, "6")
    answer(client, token, 2, "vet-inte")
    submit(client, token)
    stored = {a.item_id: a.value for a in db.session.query(Answer)}
    assert stored == {"p1": 6, "p2": None}


def test_back_translation_table_shows_the_catalogs_translations() -> None:
    """docs/translations.md: every v2 scale word, item and help text, självskattning
    v3's new texts and the follow-up's texts of every translated language, as the catalog
    has it (a changed translation needs a new back-translation)."""
    docs = (ROOT / "docs" / "translations.md").read_text(encoding="utf-8")
    registry = Registry.load()
    texts = [*registry.get("finsam-indikatorer", 2).texts()[2:],
             *registry.get("sjalvskattning", 2).texts()[8:]]
    assert len(texts) == 19  # 4 steps, vet inte, 7 items, 1 help text; 6 items
    # självskattning v3's own texts (aktivitet, its help text and answer words).
    known = {t.standard for t in registry.get("sjalvskattning", 2).texts()}
    new = [t for t in registry.get("sjalvskattning", 3).texts() if t.standard not in known]
    assert len(new) == 8
    texts += new
    # The follow-up's own texts (its scale words and "vet inte" are v2's, above).
    seen = {t.standard for t in texts}
    texts += {t.standard: t for t in registry.get("uppfoljning", 1).texts()
              if t.standard not in seen}.values()
    assert len(texts) == 19 + 8 + 23
    for locale in ("en", "ar", "fa", "fa_AF", "so", "ti", "uk"):
        with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
            catalog = read_po(handle)
        for text in texts:
            translated = catalog.get(text.standard).string
            assert f"| {translated} |" in docs, (locale, translated)


@pytest.mark.parametrize("slot", ["avslut-indikatorer", "start-sjalvskattning"])
def test_new_invitations_use_version_2_and_name_it(handledare_client, insats, slot) -> None:
    from sqlalchemy import select

    from survey.extensions import db
    from survey.models import Invitation

    from .test_staff_handout import handout

    page = handout(handledare_client, insats, slot=slot)
    assert db.session.scalar(select(Invitation.questionnaire_version)) == 2
    name = OURS if slot == "avslut-indikatorer" else "Stegvis självskattning (egen formulering)"
    assert f"{name}, version 2" in page.text
