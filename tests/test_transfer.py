"""flask export / flask import: the CSV interface, and the all-or-nothing import."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from analysis.csv_rows import read_answers_csv
from analysis.perturbation import KEY_RANGE
from survey import importing
from survey.extensions import db
from survey.models import Answer, Participant, Response

from .test_answering_journey import answer, choose_language, submit

HEADER = ("participant,gender,birth_year,born_abroad,insats,site,questionnaire,version,"
          "occasion,submitted_at,language,easy,assisted,item,value,comment\n")


def count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def good_line(number: int) -> str:
    return (f"PAP-{number},kvinna,1990,nej,Testinsatsen,Skövde,finsam-indikatorer,1,avslut,"
            f"2025-06-0{1 + number % 9}T10:00:00,sv,0,sjalv,nytta,4,\n")


def test_export_then_import_round_trip(app, make_invitation, tmp_path):
    token = make_invitation("sjalvskattning", "start", code="E-1")
    client = app.test_client()
    choose_language(client, token, "sv")
    answer(client, token, 1, "5", comment="Kommentar, med komma")
    submit(client, token)
    out = tmp_path / "export.csv"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["export", "--insats", "Testinsatsen", "--output", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert text.startswith(HEADER.strip())
    assert '"Kommentar, med komma"' in text
    # The audited per-person file carries each participant's record key, last.
    key = db.session.scalar(select(Participant.record_key))
    assert all(line.endswith(f",{key}") for line in text.splitlines()[1:])
    # Into an empty organisation copy: the same answers arrive.
    db.session.execute(Answer.__table__.delete())
    db.session.execute(Response.__table__.delete())
    db.session.commit()
    imported = runner.invoke(args=["import", str(out)])
    assert imported.exit_code == 0, imported.output
    assert db.session.scalar(select(Answer.comment)) == "Kommentar, med komma"


def test_one_bad_line_among_a_thousand_imports_nothing(app, insats, tmp_path):
    lines = [good_line(n) for n in range(1000)]
    lines[500] = lines[500].replace(",nytta,4,", ",nytta,7,")
    lines[700] = lines[700].replace(",avslut,", ",ibland,")
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + "".join(lines))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "Rad 502" in result.output and "Rad 702" in result.output
    assert "Inget importerades" in result.output
    assert count(Participant) == 0 and count(Answer) == 0


def test_a_good_file_imports_everything_once(app, insats, tmp_path):
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + "".join(good_line(n) for n in range(50)))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert count(Answer) == 50
    again = runner.invoke(args=["import", str(path)])
    assert again.exit_code != 0 and "finns redan" in again.output
    assert count(Answer) == 50


def test_an_import_keeps_a_record_key_from_the_file_and_gives_the_others_new_ones(
        app, insats, tmp_path):
    """A Dataexport carries each person's record key: imported again, the person keeps
    it (and so the same noise in every report); a paper survey's person gets a new one."""
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + good_line(1) + good_line(2) + good_line(3))
    rows = read_answers_csv(path, current_app.extensions["stegvis.questionnaires"]).rows
    rows = [row._replace(record_key=123_456_789) if row.participant == "PAP-1" else row
            for row in rows]
    plan, problems = importing.prepare(insats.organisation, rows)
    assert problems == []
    db.session.rollback()
    importing.write(plan)
    db.session.commit()
    keys = dict(db.session.execute(select(Participant.pseudonym, Participant.record_key)).all())
    assert keys["PAP-1"] == 123_456_789
    assert all(0 <= keys[code] < KEY_RANGE for code in ("PAP-2", "PAP-3"))
    assert len(set(keys.values())) == 3


def test_gender_conflict_with_the_database_imports_nothing(app, make_invitation, tmp_path):
    make_invitation(code="PAP-1")  # kvinna in the database
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + good_line(2) + good_line(1).replace(",kvinna,", ",man,"))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "kön man i filen" in result.output
    assert count(Answer) == 0 and count(Participant) == 1


def test_report_command_from_the_database(app, insats, tmp_path):
    path = tmp_path / "papper.csv"
    path.write_text(HEADER + "".join(good_line(n) for n in range(12)))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    result = runner.invoke(args=["report", "--insats", "Testinsatsen", "--json"])
    assert result.exit_code == 0, result.output
    import json

    report = json.loads(result.output)
    # 12 answers, published with a little noise.
    assert abs(report["indicators"]["finsam-indikatorer/v1"]["avslut"]["nytta"]["n"] - 12) <= 2
    assert abs(report["people"] - 12) <= 2
    pdf = tmp_path / "rapport.pdf"
    assert runner.invoke(args=["report", "--insats", "Testinsatsen", "--pdf", str(pdf)]) \
        .exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    # In English: the same template, the staff strings' English and English numbers.
    english = runner.invoke(args=["report", "--insats", "Testinsatsen", "--pdf", str(pdf),
                                  "--lang", "en"])
    assert english.exit_code == 0, english.output
    import pikepdf

    assert str(pikepdf.open(pdf).Root.Lang) == "en"
    summary = runner.invoke(args=["report", "--insats", "Testinsatsen", "--lang", "en"])
    # The same people publish the same count in every output.
    assert (f"People: {report['people']}, enrolments: {report['enrolments']}"
            in summary.output)
    unknown = runner.invoke(args=["report", "--insats", "Finns inte"])
    assert unknown.exit_code != 0 and "Okänd insats" in unknown.output


def test_an_unknown_insats_site_or_version_imports_nothing(app, insats, tmp_path):
    """Issue 22, point 5: a typo in the insats, the site or the questionnaire version is
    an error naming its line; nothing is stored and no insats is made."""
    from survey.models import Insats, Site

    path = tmp_path / "papper.csv"
    lines = [good_line(n) for n in range(6)]
    lines[1] = lines[1].replace(",Testinsatsen,", ",Finns inte,")
    lines[3] = lines[3].replace(",Skövde,", ",Skövd,")
    lines[4] = lines[4].replace(",finsam-indikatorer,1,", ",finsam-indikatorer,9,")
    path.write_text(HEADER + "".join(lines))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code == 1
    assert "Rad 3: Okänd insats (insats) 'Finns inte': den finns inte i förbundet." \
        in result.output
    assert "Rad 5: Insatsen 'Testinsatsen' har ingen ort (site) 'Skövd'. Orter: Skövde." \
        in result.output
    assert "Rad 6: Frågeformuläret 'finsam-indikatorer' har ingen version '9'." in result.output
    assert "Kör igen med --create-insats" in result.output
    assert "Inget importerades: 3 fel" in result.output
    assert count(Answer) == 0 and count(Participant) == 0
    assert count(Insats) == 1 and count(Site) == 1


def test_create_insats_makes_the_new_insats_and_its_sites(app, insats, tmp_path):
    from survey.models import Insats, Site

    path = tmp_path / "papper.csv"
    path.write_text(HEADER + good_line(1) + good_line(2).replace(
        ",Testinsatsen,Skövde,", ",Vägen framåt,Tibro,"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(path)]).exit_code == 1
    assert count(Insats) == 1
    result = runner.invoke(args=["import", str(path), "--create-insats"])
    assert result.exit_code == 0, result.output
    assert "Ny insats: Vägen framåt (orter: Tibro)" in result.output
    assert count(Answer) == 2
    made = db.session.scalar(select(Insats).where(Insats.name == "Vägen framåt"))
    assert [site.name for site in made.sites] == ["Tibro"]
    # A new site of an insats that exists is still a typo, flag or not.
    later = tmp_path / "senare.csv"
    later.write_text(HEADER + good_line(3).replace(",Skövde,", ",Mariestad,"))
    refused = runner.invoke(args=["import", str(later), "--create-insats"])
    assert refused.exit_code == 1 and "har ingen ort (site) 'Mariestad'" in refused.output
    assert count(Site) == 2 and count(Answer) == 2


def test_a_file_above_the_cap_is_refused_with_how_to_split_it(app, insats, tmp_path):
    """The cap is a setting (STEGVIS_IMPORT_MAX_ROWS, default 50,000): one row more and
    nothing is imported; a comment with a line break is one row, not two."""
    assert app.config["IMPORT_MAX_ROWS"] == 50_000
    app.config["IMPORT_MAX_ROWS"] = 20
    path = tmp_path / "papper.csv"
    lines = [good_line(n) for n in range(21)]
    lines[3] = lines[3].replace(",nytta,4,\n", ',nytta,4,"två\nrader"\n')
    path.write_text(HEADER + "".join(lines))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "papper.csv har fler än 20 svarsrader" in result.output
    assert "Dela filen i delar om högst 20 rader" in result.output
    assert "Inget importerades" in result.output
    assert count(Participant) == 0 and count(Answer) == 0
    # At the cap it goes in whole.
    path.write_text(HEADER + "".join(lines[:20]))
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    assert count(Answer) == 20
