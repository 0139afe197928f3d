"""The förbund admin creates insatser with sites, targets and handledare, and accounts."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import Insats, Target, User

from .conftest import PASSWORD, csrf_token, login


def insats_form(client, url, **fields):  # type: ignore[no-untyped-def]
    page = client.get(url)
    data = {"csrf_token": csrf_token(page.text), "name": "Hantverksstegen",
            "start_date": "2026-01-01", "end_date": "2026-12-31", "sites": "Skövde\nFalköping\n",
            "targets-0-item_id": "nytta", "targets-0-occasion": "avslut", "targets-0-percent": "90",
            "targets-1-item_id": "planering", "targets-1-occasion": "avslut",
            "targets-1-percent": "90"}
    data.update(fields)
    return client.post(url, data=data)


def test_admin_creates_an_insats_with_targets(admin_client, make_user):
    handledare = make_user("handledare", "hh@test.se", [])
    reply = insats_form(admin_client, "/personal/insatser/ny", staff=[str(handledare.id)])
    assert reply.status_code == 302
    insats = db.session.scalar(select(Insats).where(Insats.name == "Hantverksstegen"))
    assert [s.name for s in insats.sites] == ["Falköping", "Skövde"]
    targets = {(t.item_id, t.occasion, t.threshold) for t in insats.targets}
    assert targets == {("nytta", "avslut", 0.9), ("planering", "avslut", 0.9)}
    assert [u.email for u in insats.staff] == ["hh@test.se"]


def test_editing_targets_and_refusing_bad_input(admin_client):
    insats_form(admin_client, "/personal/insatser/ny")
    insats = db.session.scalar(select(Insats).where(Insats.name == "Hantverksstegen"))
    url = f"/personal/insatser/{insats.id}/andra"
    bad_dates = insats_form(admin_client, url, start_date="2026-05-01", end_date="2026-01-01")
    assert bad_dates.status_code == 400 and "före startdatum" in bad_dates.text
    bad_target = insats_form(admin_client, url, **{"targets-0-percent": "150"})
    assert bad_target.status_code == 400
    taken = insats_form(admin_client, "/personal/insatser/ny")
    assert taken.status_code == 400 and "finns redan" in taken.text
    changed = insats_form(admin_client, url, **{"targets-0-percent": "95",
                                                "targets-1-item_id": ""})
    assert changed.status_code == 302
    db.session.expire_all()
    assert [(t.item_id, t.threshold) for t in db.session.scalars(select(Target))] == \
        [("nytta", 0.95)]


@pytest.mark.parametrize("role", ["handledare", "admin"])
def test_admin_creates_accounts(app, admin_client, role):
    page = admin_client.get("/personal/personal")
    reply = admin_client.post("/personal/personal", data={
        "csrf_token": csrf_token(page.text), "name": "Ny Person", "email": "ny@test.se",
        "role": role, "password": PASSWORD})
    assert reply.status_code == 302
    assert db.session.scalar(select(User.role).where(User.email == "ny@test.se")) == role
    assert login(app.test_client(), "ny@test.se").status_code == 302
    short = admin_client.post("/personal/personal", data={
        "csrf_token": csrf_token(page.text), "name": "X", "email": "x@test.se",
        "role": role, "password": "kort"})
    assert short.status_code == 400


def test_handledare_sees_only_their_insatser(app, insats, make_user, handledare_client):
    other = Insats(organisation_id=insats.organisation_id, name="Hemlig insats")
    db.session.add(other)
    db.session.commit()
    overview = handledare_client.get("/personal/").text
    assert insats.name in overview and "Hemlig insats" not in overview
    assert handledare_client.get(f"/personal/insatser/{other.id}").status_code == 404


def test_admin_sees_each_languages_translation_status(admin_client):
    page = admin_client.get("/personal/installningar")
    assert page.status_code == 200
    assert page.text.count("needs review by a certified translator") == 7
    assert "ትግርኛ" in page.text and "Lättläst svenska" in page.text


def test_work_or_studies_target_on_the_insats_form(admin_client):
    reply = insats_form(admin_client, "/personal/insatser/ny", work_target="25")
    assert reply.status_code == 302
    insats = db.session.scalar(select(Insats).where(Insats.name == "Hantverksstegen"))
    targets = {(str(t.kind), t.item_id, str(t.occasion), t.threshold) for t in insats.targets}
    assert targets == {("item", "nytta", "avslut", 0.9), ("item", "planering", "avslut", 0.9),
                       ("outcome", "work_or_studies", "avslut", 0.25)}
    url = f"/personal/insatser/{insats.id}/andra"
    form = admin_client.get(url).text
    assert 'name="work_target"' in form and 'value="25"' in form
    # The form says which outcomes count (the förbund's setting: arbete and studier).
    assert "Räknas som arbete eller studier: Arbete, Studier" in form
    for bad in ("0", "150", "tjugo"):
        refused = insats_form(admin_client, url, work_target=bad)
        assert refused.status_code == 400
        if bad != "tjugo":
            assert "Skriv ett tal mellan 1 och 100." in refused.text
    db.session.expire_all()
    assert {t.threshold for t in insats.targets if str(t.kind) == "outcome"} == {0.25}
    # Emptying the field removes the outcome target and keeps the item targets.
    assert insats_form(admin_client, url, work_target="").status_code == 302
    db.session.expire_all()
    assert sorted(str(t.kind) for t in insats.targets) == ["item", "item"]
    page = admin_client.get(f"/personal/insatser/{insats.id}").text
    assert "till arbete eller studier" not in page


def test_admin_chooses_which_outcomes_count_as_work_or_studies(admin_client, insats):
    page = admin_client.get("/personal/installningar")
    boxes = re.findall(r'<input[^>]*name="work_outcomes"[^>]*>', page.text)
    checked = {re.search(r'value="([^"]+)"', box)[1] for box in boxes if "checked" in box}
    assert len(boxes) == 8  # every outcome but okänd
    assert checked == {"arbete", "studier"}
    data = {"csrf_token": csrf_token(page.text), "retention_months": "24",
            "work_outcomes": ["arbete", "studier", "arbetslivsinriktad rehabilitering"],
            "pagaende_due_days": "90", "age_bands": "16, 30, 50", "resend_after_days": "3",
            "followup_link_days": "30"}
    assert admin_client.post("/personal/installningar", data=data).status_code == 302
    db.session.expire_all()
    assert insats.organisation.counted_outcomes == (
        "arbete", "studier", "arbetslivsinriktad rehabilitering")
    none = admin_client.post("/personal/installningar", data={**data, "work_outcomes": []})
    assert none.status_code == 400 and "Välj minst en avslutsorsak." in none.text
    unknown = admin_client.post("/personal/installningar",
                                data={**data, "work_outcomes": ["arbete", "lottovinst"]})
    assert unknown.status_code == 400
    admin_client.post("/personal/sprak", data={"csrf_token": csrf_token(page.text),
                                               "sprak": "en"})
    english = admin_client.post("/personal/installningar", data={**data, "work_outcomes": []})
    assert english.status_code == 400 and "Choose at least one exit reason." in english.text
    db.session.expire_all()
    assert insats.organisation.work_outcomes == "arbete,studier,arbetslivsinriktad rehabilitering"


def test_improved_and_outcome_targets_on_the_insats_form(admin_client):
    """Issue 24: the insats's own outcome set at exit, 12 months from start, the
    12-month follow-up and improved activity, each with its base (new rows: everyone,
    vet inte included); bad rows are refused with a message and store nothing."""
    from survey.models import TargetBase

    goals = {
        "improved_targets-0-item_id": "aktivitet", "improved_targets-0-percent": "50",
        "outcome_targets-0-kind": "outcome", "outcome_targets-0-percent": "40",
        "outcome_targets-0-outcomes": ["arbete", "arbetslivsinriktad rehabilitering"],
        "outcome_targets-0-base": "answered",
        "outcome_targets-1-kind": "outcome_within", "outcome_targets-1-months": "12",
        "outcome_targets-1-outcomes": ["egen_forsorjning"], "outcome_targets-1-percent": "50",
        "outcome_targets-2-kind": "followup", "outcome_targets-2-months": "12",
        "outcome_targets-2-percent": "60",
    }
    page = admin_client.get("/personal/insatser/ny").text
    assert 'name="outcome_targets-0-outcomes"' in page and 'value="egen_forsorjning"' in page
    assert 'name="improved_targets-0-item_id"' in page
    reply = insats_form(admin_client, "/personal/insatser/ny", **goals)
    assert reply.status_code == 302, reply.text
    insats = db.session.scalar(select(Insats).where(Insats.name == "Hantverksstegen"))
    stored = {(str(t.kind), t.item_id, str(t.occasion), t.outcomes, t.months, t.threshold,
               str(t.base)) for t in insats.targets}  # fmt: skip
    assert stored == {
        ("item", "nytta", "avslut", "", 0, 0.9, "all"),
        ("item", "planering", "avslut", "", 0, 0.9, "all"),
        ("improved", "aktivitet", "avslut", "", 0, 0.5, "all"),
        ("outcome", "work_or_studies", "avslut", "arbete,arbetslivsinriktad rehabilitering",
         0, 0.4, "answered"),
        ("outcome_within", "work_or_studies", "avslut", "egen_forsorjning", 12, 0.5, "all"),
        ("followup", "work_or_studies", "uppfoljning", "", 12, 0.6, "all"),
    }
    assert next(t for t in insats.targets if t.kind == "improved").questionnaire_key == \
        "sjalvskattning"
    url = f"/personal/insatser/{insats.id}/andra"
    # The edit page shows them; saved again unchanged they stay, with their bases.
    form = admin_client.get(url).text
    ticked = re.findall(r'<input checked[^>]*name="outcome_targets-0-outcomes"[^>]*'
                        r'value="([^"]+)"', form)
    assert ticked == ["arbete", "arbetslivsinriktad rehabilitering"]
    refilled = dict(re.findall(r'name="(outcome_targets-\d-(?:kind|months|percent))"[^>]*'
                               r'value="([^"]*)"', form))
    assert refilled["outcome_targets-1-months"] == "12"
    page = admin_client.get(f"/personal/insatser/{insats.id}").text
    assert "Inom 12 månader från start: egen försörjning minst 50 %" in page
    assert "(alla vars 12 första månader gick ut under perioden, också okänt utfall)" in page
    # Changing a base and a threshold keeps the target (the same row in the database).
    before = {t.id for t in insats.targets}
    assert insats_form(admin_client, url, **{**goals, "outcome_targets-0-base": "all",
                                             "outcome_targets-2-percent": "70"}
                       ).status_code == 302
    db.session.expire_all()
    assert {t.id for t in insats.targets} == before
    assert {(str(t.kind), t.threshold, str(t.base)) for t in insats.targets
            if t.kind in ("outcome", "followup")} == {("outcome", 0.4, "all"),
                                                      ("followup", 0.7, "all")}
    assert next(t for t in insats.targets if t.kind == "outcome").base == TargetBase.all
    for bad, message in (
            ({"outcome_targets-1-months": ""}, "Skriv antal månader."),
            ({"outcome_targets-2-months": "7"}, "Uppföljningar görs efter 3, 6, 9, 12"),
            ({"outcome_targets-0-outcomes": []}, "Kryssa i vad som räknas."),
            ({"outcome_targets-1-months": "61"}, "mellan 1 och 60"),
            ({"outcome_targets-0-outcomes": ["lottovinst"]}, None),
            ({"outcome_targets-0-base": "hälften"}, None),
            ({"outcome_targets-0-kind": "item"}, None)):
        refused = insats_form(admin_client, url, **{**goals, **bad})
        assert refused.status_code == 400, bad
        if message:
            assert message in refused.text, bad
    db.session.expire_all()
    assert {t.id for t in insats.targets} == before
    # Emptied rows remove their targets and leave the others.
    emptied = {key: "" for key in goals if key.endswith("percent")}
    assert insats_form(admin_client, url, **{**goals, **emptied}).status_code == 302
    db.session.expire_all()
    assert sorted(str(t.kind) for t in insats.targets) == ["item", "item"]
