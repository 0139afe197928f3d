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
    return (f"PAPPER-{number},kvinna,1990,nej,Testinsatsen,Skövde,finsam-indikatorer,1,avslut,"
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
    rows = [row._replace(record_key=123_456_789) if row.participant == "PAPPER-1" else row
            for row in rows]
    plan, problems = importing.prepare(insats.organisation, rows)
    assert problems == []
    db.session.rollback()
    importing.write(plan)
    db.session.commit()
    keys = dict(db.session.execute(select(Participant.pseudonym, Participant.record_key)).all())
    assert keys["PAPPER-1"] == 123_456_789
    assert all(0 <= keys[code] < KEY_RANGE for code in ("PAPPER-2", "PAPPER-3"))
    assert len(set(keys.values())) == 3


def test_gender_conflict_with_the_database_imports_nothing(app, make_invitation, tmp_path):
    make_invitation(code="PAPPER-1")  # kvinna in the database
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
    assert report["indicators"]["avslut"]["nytta"]["n"] == 12
    assert report["people"] == 12
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
    assert "People: 12, enrolments: 12" in summary.output
    unknown = runner.invoke(args=["report", "--insats", "Finns inte"])
    assert unknown.exit_code != 0 and "Okänd insats" in unknown.output
