"""The flask commands a newcomer and an operator use."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, inspect, select

from survey.extensions import db
from survey.models import Enrolment, Invitation, Organisation, Participant, User


def test_init_db_creates_the_schema_with_alembic(app, database_url):
    db.drop_all()
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    tables = set(inspect(db.engine).get_table_names())
    assert {"alembic_version", "response", "answer", "invitation"} <= tables


def test_demo_prints_logins_and_links_and_can_run_twice(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "handledare@demo.stegvis.local" in first.output
    links = [line.split()[-1] for line in first.output.splitlines() if "/s/" in line]
    assert len(links) == 6
    # D-3096 enrols today and is asked the newest självskattning; the others keep the one
    # in use when they started (issue 24).
    assert "D-0427  sjalvskattning/v2" in first.output
    assert "D-3096  sjalvskattning/v3" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    # Three participants with fresh links, plus the finished history and those with
    # follow-ups after exit, made only once.
    from survey.demo import FOLLOWED, HISTORY, PARTICIPANTS, PRIVACY_CONTACT

    assert db.session.scalar(select(func.count()).select_from(Participant)) == \
        len(PARTICIPANTS) + HISTORY + FOLLOWED
    assert "Uppföljningar efter avslut:" in first.output
    assert "Uppföljningar efter avslut:" not in second.output
    assert db.session.scalar(select(func.count()).select_from(User)) == 2
    # Participants are told whom to ask about their data: the demo förbund says it.
    assert db.session.scalar(select(Organisation.privacy_contact)) == PRIVACY_CONTACT
    # Each run hands out working links.
    token = links[0].rsplit("/", 1)[-1]
    opened = app.test_client().get(f"/s/{token}")  # the link's language screen
    assert opened.status_code == 200 and 'name="language"' in opened.text


def test_invite_creates_enrolment_and_prints_url_last(app, insats):
    runner = app.test_cli_runner()
    args = ["invite", "--insats", "Testinsatsen", "--participant", "P-7",
            "--questionnaire", "sjalvskattning", "--occasion", "start"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("http://stegvis.test/s/")
    token = last.rsplit("/", 1)[-1]
    opened = app.test_client().get(f"/s/{token}")  # the link's language screen
    assert opened.status_code == 200 and 'name="language"' in opened.text
    # A second invitation for the same person reuses the enrolment.
    args[-1] = "avslut"
    assert runner.invoke(args=args).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Enrolment)) == 1
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 2


def test_invite_refuses_bad_input(app, insats):
    runner = app.test_cli_runner()
    base = ["invite", "--insats", "Testinsatsen", "--participant", "P-1"]
    wrong_occasion = runner.invoke(args=[*base, "--questionnaire", "finsam-indikatorer",
                                         "--occasion", "start"])
    assert wrong_occasion.exit_code != 0
    assert "not asked at occasion 'start'" in wrong_occasion.output
    unknown = runner.invoke(args=[*base, "--questionnaire", "nope", "--occasion", "start"])
    assert unknown.exit_code != 0 and "Okänd enkät" in unknown.output
    no_insats = runner.invoke(args=["invite", "--insats", "Finns inte", "--participant", "P",
                                    "--questionnaire", "sjalvskattning", "--occasion", "start"])
    assert no_insats.exit_code != 0 and "Okänd insats" in no_insats.output
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_links_follow_the_port_the_server_is_started_on(tmp_path, monkeypatch):
    """Issue 22: `PORT=5301 make run` sets FLASK_RUN_PORT (which `flask run` obeys), and
    every link is made for that port unless STEGVIS_PUBLIC_URL names the public address."""
    from survey.config import defaults

    monkeypatch.delenv("STEGVIS_PUBLIC_URL", raising=False)
    monkeypatch.delenv("FLASK_RUN_PORT", raising=False)
    assert defaults(tmp_path)["PUBLIC_URL"] == "http://127.0.0.1:5000"
    monkeypatch.setenv("FLASK_RUN_PORT", "5301")
    assert defaults(tmp_path)["PUBLIC_URL"] == "http://127.0.0.1:5301"
    monkeypatch.setenv("STEGVIS_PUBLIC_URL", "https://enkat.forbundet.se")
    assert defaults(tmp_path)["PUBLIC_URL"] == "https://enkat.forbundet.se"
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    assert "PORT ?= 5000" in makefile and "FLASK_RUN_PORT=$(PORT) $(FLASK) run" in makefile
    assert "FLASK_RUN_PORT=$(PORT) $(FLASK) demo" in makefile
