"""Participant codes that cannot be names (issue 22): Stegvis makes them by default, a
förbund may set its own format, and anything that looks like a name or a personnummer is
refused in the web form, `flask invite` and `flask import`; `flask check-codes` lists the
stored codes that break the rule."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from survey import participants
from survey.extensions import db
from survey.models import Organisation, Participant
from survey.validators import code_pattern_problem, pseudonym_problem

from .conftest import csrf_token


def enrol_participant(insats, code):  # type: ignore[no-untyped-def]
    """Stored as if it came from before the rule (no check on the way in)."""
    enrolment = participants.find_or_enrol(insats, code, participants.Person(),
                                           insats.sites[0]).enrolment
    db.session.commit()
    return enrolment

NAMES = ["Karl Svensson", "anna andersson", "Åsa Öberg", "محمد علی", "KARL SVENSSON",
         "KarlSvensson", "Karl Svensson 2", "Anna-Karin Berg", "Karl", "Åsa", "Svensson-12",
         "anna.k", "Иван Петров", "Mohammed", "Bo"]
CODES = ["D-0427", "H-005", "SKV-12", "anonym-3f2a", "SK-014", "ÅÄÖ-12345", "D0427", "P-1b"]


@pytest.mark.parametrize("name", NAMES)
def test_names_are_refused(name):
    assert "ser ut som ett namn" in str(pseudonym_problem(name))


@pytest.mark.parametrize("code", CODES)
def test_codes_pass(code):
    assert pseudonym_problem(code) is None


def test_anonymised_codes_stay_valid_whatever_the_format():
    assert pseudonym_problem("anonym-3f2a9c01d2e4", r"SK-[0-9]{3}") is None


def test_a_forbunds_own_format():
    pattern = r"SK-[0-9]{3}"
    assert pseudonym_problem("SK-014", pattern) is None
    assert "förbundets format" in str(pseudonym_problem("D-0427", pattern))
    # Its format may allow a word of letters; a name is still a name, a personnummer still
    # a personnummer.
    assert pseudonym_problem("PAPPER", r"[A-Z]{6}") is None
    assert "namn" in str(pseudonym_problem("Karl Svensson", r"[A-Za-z ]{1,20}"))
    assert "personnummer" in str(pseudonym_problem("19900101-1234", r"[0-9-]{13}"))


@pytest.mark.parametrize("pattern", [r"SK-[0-9]{3}", r"[A-Z]{2,3}-\d{1,5}", r"(?i)h\d{4}",
                                     r"(SK|TB)-\d{3}"])
def test_a_good_format_is_accepted(pattern):
    assert code_pattern_problem(pattern) is None


@pytest.mark.parametrize(("pattern", "why"), [
    ("SK-[0-9", "inte ett giltigt"),
    ("x" * 101, "Högst 100"),
    (r"(a+)+b", "för komplicerat"),  # exponential backtracking
    (r"(a|aa)+b", "för komplicerat"),
    (r"\d*\d*\d*\d*\d*b", "för komplicerat"),
    (r"(\d)\1", "för komplicerat"),
    (r"[A-Za-zÅÄÖåäö]+", "släpper igenom namn"),
    (r".*", "släpper igenom namn"),
])
def test_a_bad_format_is_refused(pattern, why):
    assert why in str(code_pattern_problem(pattern))


def test_matching_stays_fast_with_the_worst_format_allowed():
    worst = r"\d*\d*\d*\d*-?"
    assert code_pattern_problem(worst) is None
    started = time.perf_counter()
    pseudonym_problem("1" * 39 + "x", worst)
    assert time.perf_counter() - started < 0.5


def test_stegvis_makes_unique_codes(insats):
    made = {participants.new_code(insats.organisation_id) for _ in range(50)}
    assert all(re.fullmatch(r"D-\d{4}", code) for code in made)
    assert all(pseudonym_problem(code) is None for code in made)
    # Codes in use are never handed out again: with all but one four-digit code taken, the
    # next is that one or a five-digit one.
    taken = [{"organisation_id": insats.organisation_id, "pseudonym": f"D-{n:04d}",
              "gender": "okänt", "born_abroad": "okänt"} for n in range(10_000) if n != 4711]
    db.session.execute(Participant.__table__.insert(), taken)
    db.session.commit()
    code = participants.new_code(insats.organisation_id)
    assert code == "D-4711" or re.fullmatch(r"D-\d{5}", code)


def _enrol(client, insats, code):  # type: ignore[no-untyped-def]
    page = client.get(f"/personal/insatser/{insats.id}/deltagare/ny")
    return page, client.post(f"/personal/insatser/{insats.id}/deltagare/ny", data={
        "csrf_token": csrf_token(page.text), "pseudonym": code, "gender": "kvinna",
        "born_abroad": "nej", "site": insats.sites[0].id, "start_date": "2026-01-01"})


def test_the_form_offers_a_code_and_refuses_a_name(handledare_client, insats):
    page, reply = _enrol(handledare_client, insats, "Karl Svensson")
    offered = re.search(r'id="pseudonym"[^>]*value="(D-\d{4})"', page.text)
    assert offered, "the form offers a code Stegvis made"
    assert "egen förteckning utanför Stegvis" in page.text
    assert reply.status_code == 400 and "Det ser ut som ett namn" in reply.text
    assert 'aria-invalid="true"' in reply.text
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0
    _page, kept = _enrol(handledare_client, insats, offered.group(1))
    assert kept.status_code == 302
    assert db.session.scalar(select(Participant.pseudonym)) == offered.group(1)


def test_the_form_follows_the_forbunds_format(handledare_client, insats):
    insats.organisation.participant_code_pattern = r"SK-[0-9]{3}"
    db.session.commit()
    page, refused = _enrol(handledare_client, insats, "D-0427")
    assert not re.search(r'id="pseudonym"[^>]*value="D-', page.text)
    assert "SK-[0-9]{3}" in page.text
    assert refused.status_code == 400 and "förbundets format" in refused.text
    _page, ok = _enrol(handledare_client, insats, "SK-014")
    assert ok.status_code == 302


def test_the_correction_form_refuses_a_name(admin_client, insats):
    enrolment = enrol_participant(insats, "P-1")
    url = f"/personal/deltagare/{enrolment.participant_id}"
    page = admin_client.get(url)
    reply = admin_client.post(url, data={
        "csrf_token": csrf_token(page.text), "pseudonym": "Anna Andersson", "gender": "man",
        "born_abroad": "nej", "language": ""})
    assert reply.status_code == 400 and "Det ser ut som ett namn" in reply.text
    db.session.expire_all()
    assert db.session.scalar(select(Participant.pseudonym)) == "P-1"


def test_settings_save_a_format_and_refuse_a_bad_one(admin_client, insats):
    page = admin_client.get("/personal/installningar")

    def post(pattern: str):  # type: ignore[no-untyped-def]
        return admin_client.post("/personal/installningar", data={
            "csrf_token": csrf_token(page.text), "retention_months": "24",
            "privacy_contact": "", "work_outcomes": ["arbete", "studier"],
            "pagaende_due_days": "60", "age_bands": "16, 30, 50",
            "resend_after_days": "3", "midway_self_assessment": "y",
            "participant_code_pattern": pattern, "followup_link_days": "30"})

    for bad in ("(a+)+b", "[A-Za-z]+", "SK-[0-9"):
        reply = post(bad)
        assert reply.status_code == 400, bad
    organisation = db.session.get(Organisation, insats.organisation_id)
    db.session.refresh(organisation)
    assert organisation.participant_code_pattern == ""
    assert post(" SK-[0-9]{3} ").status_code == 302
    db.session.refresh(organisation)
    assert organisation.participant_code_pattern == "SK-[0-9]{3}"
    assert organisation.midway_self_assessment and organisation.pagaende_due_days == 60


def test_invite_refuses_a_name_and_makes_a_code_when_none_is_given(app, insats):
    runner = app.test_cli_runner()
    args = ["invite", "--insats", "Testinsatsen", "--questionnaire", "sjalvskattning",
            "--occasion", "start"]
    refused = runner.invoke(args=[*args, "--participant", "Karl Svensson"])
    assert refused.exit_code != 0 and "ser ut som ett namn" in refused.output
    made = runner.invoke(args=args)
    assert made.exit_code == 0, made.output
    code = db.session.scalar(select(Participant.pseudonym))
    assert re.fullmatch(r"D-\d{4}", code) and code in made.output
    insats.organisation.participant_code_pattern = r"SK-[0-9]{3}"
    db.session.commit()
    needs_one = runner.invoke(args=args)
    assert needs_one.exit_code != 0 and "--participant" in needs_one.output
    assert runner.invoke(args=[*args, "--participant", "SK-001"]).exit_code == 0


def test_import_refuses_a_name_and_stores_nothing(app, insats, tmp_path):
    from .test_transfer import HEADER, good_line

    path = tmp_path / "papper.csv"
    path.write_text(HEADER + good_line(1) + good_line(2).replace("PAP-2", "Anna Andersson"))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "'Anna Andersson'" in result.output and "ser ut som ett namn" in result.output
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_check_codes_lists_the_codes_to_fix(app, insats):
    runner = app.test_cli_runner()
    enrol_participant(insats, "D-0427")
    clean = runner.invoke(args=["check-codes"])
    assert clean.exit_code == 0 and "följer reglerna" in clean.output
    for code in ("Karl Svensson", "anonym-3f2a", "19900101-1234"):
        enrol_participant(insats, code)
    found = runner.invoke(args=["check-codes"])
    assert found.exit_code == 1
    listed = [line.split("\t")[0] for line in found.output.splitlines() if "\t" in line]
    assert listed == ["19900101-1234", "Karl Svensson"]
    assert "/personal/deltagare/" in found.output and "2 deltagarkoder" in found.output


def test_the_participant_list_flags_the_codes_to_fix(admin_client, insats):
    enrol_participant(insats, "D-0427")
    enrol_participant(insats, "Karl Svensson")
    page = admin_client.get("/personal/deltagare").text
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: row
            for row in page.split("<li>")[1:]}
    assert "Rätta koden" in rows["Karl Svensson"] and "ser ut som ett namn" in rows["Karl Svensson"]
    assert "Rätta koden" not in rows["D-0427"]
