"""flask invite and flask import respect the förbund and the web form's rules."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from survey.extensions import db
from survey.models import Answer, Enrolment, Insats, Invitation, Organisation, Participant, Site

from .test_transfer import HEADER, count

INVITE = ["invite", "--insats", "Steg 1", "--questionnaire", "sjalvskattning",
          "--occasion", "start"]


@pytest.fixture
def two_forbund(app):  # type: ignore[no-untyped-def]
    made = {}
    for name in ("Förbund Norr", "Förbund Söder"):
        organisation = Organisation(name=name)
        insats = Insats(organisation=organisation, name="Steg 1")
        db.session.add_all([organisation, insats, Site(insats=insats, name="Ort")])
        made[name] = insats
    db.session.commit()
    return made


def test_invite_needs_the_forbund_when_there_are_several(app, two_forbund):
    runner = app.test_cli_runner()
    ambiguous = runner.invoke(args=[*INVITE, "--participant", "P-1"])
    assert ambiguous.exit_code != 0 and "--organisation" in ambiguous.output
    assert count(Participant) == 0
    done = runner.invoke(args=[*INVITE, "--participant", "P-1", "--organisation",
                               "Förbund Söder"])
    assert done.exit_code == 0, done.output
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.insats_id == two_forbund["Förbund Söder"].id
    assert enrolment.participant.organisation_id == two_forbund["Förbund Söder"].organisation_id
    unknown = runner.invoke(args=[*INVITE, "--participant", "P-1", "--organisation", "Väster"])
    assert unknown.exit_code != 0 and "Okänt förbund" in unknown.output


@pytest.mark.parametrize("code", ["19800101-1234", "B 19800101 1234", "800101 - 1234",
                                  "<b>x</b>", "=HYPERLINK(\"x\")", "x" * 300, "A\x00B"])
def test_invite_refuses_what_the_web_form_refuses(app, insats, code):
    result = app.test_cli_runner().invoke(args=[
        "invite", "--insats", "Testinsatsen", "--participant", code,
        "--questionnaire", "sjalvskattning", "--occasion", "start"])
    assert result.exit_code != 0
    assert "Deltagarkoden" in result.output
    assert count(Participant) == 0 and count(Invitation) == 0


def _line(code: str, comment: str = "") -> str:
    return (f'{code},kvinna,1990,nej,Testinsatsen,Skövde,finsam-indikatorer,1,avslut,'
            f'2025-06-01T10:00:00,sv,0,sjalv,nytta,4,"{comment}"\n')


@pytest.mark.parametrize(("line", "message"), [
    (_line("B 19800101 1234"), "personnummer"),
    (_line("19800101-1234"), "personnummer"),
    (_line("P-1", "x" * 1001), "högst 1000 tecken"),
    (_line("K" * 41), "40 tecken"),
])
def test_import_refuses_what_the_web_form_refuses(app, insats, tmp_path, line, message):
    path = tmp_path / "import.csv"
    path.write_text(HEADER + _line("OK-1") + line, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0 and message in result.output, result.output
    assert "Inget importerades" in result.output
    assert count(Participant) == 0 and count(Answer) == 0


def test_import_joins_existing_participants_and_enrolments(app, insats, tmp_path):
    path = tmp_path / "first.csv"
    path.write_text(HEADER + _line("P-1"), encoding="utf-8")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(path)]).exit_code == 0
    later = tmp_path / "second.csv"
    later.write_text(HEADER + _line("P-1").replace("2025-06-01", "2025-05-01")
                     + _line("P-2"), encoding="utf-8")
    result = runner.invoke(args=["import", str(later)])
    assert result.exit_code == 0, result.output
    assert count(Participant) == 2 and count(Enrolment) == 2 and count(Answer) == 3
    first = db.session.scalar(select(Enrolment).join(Participant).where(
        Participant.pseudonym == "P-1"))
    assert str(first.start_date) == "2025-05-01"
    assert first.income_start == [] and first.left_early is False
    assert db.session.scalar(select(func.count()).select_from(Invitation).where(
        Invitation.enrolment_id == first.id)) == 2
