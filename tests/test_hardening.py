"""The smaller hardening points: no-store on downloads, private database files, the
staff error wording, audit events after purge, personnummer with spaces, easy passwords,
CSV separators and encodings, SQLite pragmas, and /healthz."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pytest
from sqlalchemy import select, text

from survey import create_app
from survey.extensions import db
from survey.models import AuditEvent, Participant
from survey.validators import password_problem, pseudonym_problem

from .conftest import csrf_token
from .test_reports_web import answered  # noqa: F401 - fixture
from .test_staff_handout import handout
from .test_transfer import HEADER, good_line


def test_every_personal_download_is_not_stored(admin_client, answered):  # noqa: F811
    query = f"?insats={answered.id}"
    for kind in ("pdf", "xlsx", "csv"):
        reply = admin_client.get(f"/personal/rapporter/ladda-ner.{kind}{query}")
        assert reply.status_code == 200
        assert reply.headers["Cache-Control"] == "no-store", kind
    person = db.session.scalar(select(Participant))
    export = admin_client.get(f"/personal/deltagare/{person.id}/export")
    assert export.headers["Cache-Control"] == "no-store"
    assert admin_client.get("/personal/logg").headers["Cache-Control"] == "no-store"
    # Static files, the same for everyone, may be cached.
    assert "no-store" not in admin_client.get("/static/stegvis.css").headers.get(
        "Cache-Control", "")


def test_letter_and_qr_are_not_stored(handledare_client, insats):
    handout(handledare_client, insats)
    from survey.models import Invitation

    invitation = db.session.scalar(select(Invitation))
    letter = handledare_client.get(f"/personal/inbjudningar/{invitation.id}/brev")
    assert letter.status_code == 200 and letter.headers["Cache-Control"] == "no-store"
    assert "link_letter" in db.session.scalars(select(AuditEvent.action)).all()


def _mode(path) -> int:  # type: ignore[no-untyped-def]
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_files_and_instance_folder_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        instance = tmp_path / "instance"
        database = instance / "stegvis.sqlite3"
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                          "SECRET_KEY": "x"})
        app.instance_path = str(instance)
        with app.app_context():
            db.create_all()
            db.session.execute(text("INSERT INTO organisation (name, retention_months, "
                                    "admins_need_totp) VALUES ('F', 24, false)"))
            db.session.commit()
            assert db.session.execute(text("PRAGMA secure_delete")).scalar() == 1
            # 2 = FULL: an acknowledged commit survives a power cut.
            assert db.session.execute(text("PRAGMA synchronous")).scalar() == 2
            for name in ("stegvis.sqlite3", "stegvis.sqlite3-wal", "stegvis.sqlite3-shm"):
                assert _mode(instance / name) == 0o600, name
            db.session.remove()
            db.engine.dispose()
        # create_app makes an instance folder that holds the database private.
        app2 = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                           "SECRET_KEY": "x"})
        assert app2 is not None
    finally:
        os.umask(old)


def test_instance_folder_is_created_private(tmp_path):
    from survey.config import private_folder, secret_key

    folder = tmp_path / "inst"
    secret_key(folder) if "SECRET_KEY" not in os.environ else private_folder(folder)
    assert _mode(folder) == 0o700


def test_staff_and_participants_get_different_error_wording(app):
    @app.get("/personal/krasch-test")
    def crash():  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    staff = app.test_client().get("/personal/krasch-test")
    assert staff.status_code == 500
    assert "Dina tidigare svar" not in staff.text and "kanske inte sparades" in staff.text


@pytest.mark.parametrize("code", ["B 19800101 1234", "19800101-1234", "800101-1234",
                                  "8001011234", "pn 800101 1234", "1980-01-01-1234"])
def test_personnummer_is_refused_whatever_the_separators(code):
    assert "personnummer" in str(pseudonym_problem(code))


@pytest.mark.parametrize("code", ["SK-014", "D-001", "AK.2", "ÅÄÖ-12345"])
def test_ordinary_codes_pass(code):
    assert pseudonym_problem(code) is None


def test_web_form_refuses_personnummer_with_spaces(handledare_client, insats):
    page = handledare_client.get(f"/personal/insatser/{insats.id}/deltagare/ny")
    reply = handledare_client.post(f"/personal/insatser/{insats.id}/deltagare/ny", data={
        "csrf_token": csrf_token(page.text), "pseudonym": "B 19800101 1234",
        "gender": "kvinna", "born_abroad": "nej", "site": insats.sites[0].id,
        "start_date": "2026-01-01"})
    assert reply.status_code == 400 and "personnummer" in reply.text
    assert db.session.scalar(select(Participant)) is None


@pytest.mark.parametrize("password", ["aaaaaaaaaa", "1111111111", "qwertyuiop", "lösenord123",
                                      "password123", "stegvis2026!"])
def test_easy_passwords_are_refused(password):
    assert password_problem(password) is not None


def test_a_good_password_passes():
    assert password_problem("tre-ord-som-ingen-gissar") is None


def test_existing_email_in_another_forbund_is_not_revealed(app, admin_client):
    from survey.auth.passwords import hash_password
    from survey.models import Organisation, Role, User

    other = Organisation(name="Annat förbund")
    db.session.add(other)
    db.session.flush()
    db.session.add(User(organisation_id=other.id, email="hemlig@annat.se", name="H",
                        role=Role.admin, password_hash=hash_password("x")))
    db.session.commit()
    page = admin_client.get("/personal/personal")
    reply = admin_client.post("/personal/personal", data={
        "csrf_token": csrf_token(page.text), "name": "Ny", "email": "hemlig@annat.se",
        "role": "handledare", "password": "tre-ord-som-ingen-gissar"})
    assert reply.status_code == 400
    assert "finns redan" not in reply.text and "kan inte användas" in reply.text


def test_semicolon_csv_is_named_as_the_problem(app, insats, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_text(HEADER.replace(",", ";") + good_line(1).replace(",", ";"),
                    encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "semikolon" in result.output


def test_encoding_error_names_the_bad_line(app, insats, tmp_path):
    lines = [good_line(n) for n in range(1, 40)]
    lines[29] = lines[29].replace("Skövde", "Sk\udcf6vde")
    path = tmp_path / "cp1252.csv"
    path.write_bytes(HEADER.encode() + "".join(lines).encode("utf-8", "surrogateescape"))
    result = app.test_cli_runner().invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert "Rad 31: Filen är inte sparad som UTF-8" in result.output, result.output


def test_purge_leaves_no_old_pseudonym_in_the_audit_log(app, admin_client, insats):
    from survey.models import Enrolment
    from survey.retention import purge

    page = admin_client.get(f"/personal/insatser/{insats.id}/deltagare/ny")
    admin_client.post(f"/personal/insatser/{insats.id}/deltagare/ny", data={
        "csrf_token": csrf_token(page.text), "pseudonym": "GML-7", "gender": "man",
        "born_abroad": "nej", "site": insats.sites[0].id, "start_date": "2020-01-01"})
    person = db.session.scalar(select(Participant))
    admin_client.get(f"/personal/deltagare/{person.id}")
    enrolment = db.session.scalar(select(Enrolment))
    enrolment.end_date = dt.date(2020, 6, 1)
    db.session.commit()
    assert "GML-7" in admin_client.get("/personal/logg").text
    assert purge() == 1
    db.session.commit()
    log = admin_client.get("/personal/logg").text
    assert "GML-7" not in log and "anonym-" in log
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"enrolled", "participant_viewed", "purge"} <= actions


def test_healthz(app, client):
    reply = client.get("/healthz")
    assert reply.status_code == 200 and reply.text == "ok\n"
    assert "Set-Cookie" not in reply.headers
    # Not rate limited like the participant pages.
    app.config["PARTICIPANT_RATE_LIMIT"] = "2 per minute"
    assert all(client.get("/healthz").status_code == 200 for _n in range(5))


def test_healthz_answers_503_without_a_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      "postgresql+psycopg://stegvis@127.0.0.1:1/none?connect_timeout=2",
                      "SECRET_KEY": "x"})
    reply = app.test_client().get("/healthz")
    assert reply.status_code == 503 and "Set-Cookie" not in reply.headers
