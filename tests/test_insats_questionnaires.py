"""Issue 22 point 4: any loaded questionnaire in every screen. An insats chooses the
questionnaires it hands out; a förbund's own instrument of another shape (tests/data:
a 5-step frequency scale, items only at avslut, no lättläst) is then handed out, on the
to-do list, targeted and reported as ours are."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from questionnaires import Registry
from survey.extensions import db
from survey.models import Enrolment, Invitation, Occasion, Target
from survey.staff import status

from .conftest import csrf_token
from .factories import participant_with_invitation
from .test_answering_journey import answer, choose_language, submit
from .test_staff_enrolment import enrol
from .test_staff_insatser import insats_form

FOLDER = Path(__file__).parent / "data" / "questionnaires"
KEY = "test-annat-instrument"
NAME = "Testförbundets eget instrument"


def with_test_instrument(app) -> Registry:  # type: ignore[no-untyped-def]
    """The förbund's folder loaded beside ours, the way STEGVIS_QUESTIONNAIRE_DIRS does."""
    registry = Registry.load([FOLDER])
    app.extensions["stegvis.questionnaires"] = registry
    return registry


@pytest.fixture
def instrument(app, insats):  # type: ignore[no-untyped-def]
    """The insats uses the test instrument for its indicator questions."""
    with_test_instrument(app)
    insats.indicators_key = KEY
    db.session.commit()
    return insats


def enrolled(client, insats) -> Enrolment:  # type: ignore[no-untyped-def]
    assert enrol(client, insats).status_code == 302
    return db.session.scalar(select(Enrolment))


def edit(client, insats, **fields):  # type: ignore[no-untyped-def]
    """The insats form as it stands, with `fields` changed."""
    values = {"name": insats.name, "sites": "\n".join(s.name for s in insats.sites),
              "staff": [str(user.id) for user in insats.staff],
              "indicators_key": insats.indicators_key,
              "self_assessment_key": insats.self_assessment_key,
              "targets-0-item_id": "", "targets-1-item_id": "", **fields}
    return insats_form(client, f"/personal/insatser/{insats.id}/andra", **values)


def test_the_form_offers_loaded_questionnaires_that_fit_each_role(app, admin_client, insats):
    with_test_instrument(app)
    page = admin_client.get(f"/personal/insatser/{insats.id}/andra").text
    indicators = page.split('id="indicators_key"')[1].split("</select>")[0]
    self_assessment = page.split('id="self_assessment_key"')[1].split("</select>")[0]
    assert f'value="{KEY}">{NAME}</option>' in indicators
    # Items only at avslut: it cannot be the start-to-avslut self-assessment.
    assert KEY not in self_assessment
    assert re.search(r'selected value="finsam-indikatorer"', indicators)
    assert re.search(r'selected value="sjalvskattning"', self_assessment)

    reply = edit(admin_client, insats, indicators_key=KEY)
    assert reply.status_code == 302
    db.session.expire_all()
    assert (insats.indicators_key, insats.self_assessment_key) == (KEY, "sjalvskattning")
    assert NAME in admin_client.get(f"/personal/insatser/{insats.id}").text


@pytest.mark.parametrize("fields, error", [
    ({"indicators_key": "finns-inte"}, "Välj ett frågeformulär i listan."),
    ({"indicators_key": "sjalvskattning", "self_assessment_key": "sjalvskattning"},
     "Välj olika frågeformulär för indikatorfrågor och självskattning."),
    ({"self_assessment_key": KEY}, "Välj ett frågeformulär i listan."),
])
def test_a_role_refuses_what_does_not_fit_and_stores_nothing(app, admin_client, insats, fields,
                                                             error):
    with_test_instrument(app)
    reply = edit(admin_client, insats, **fields)
    assert reply.status_code == 400 and error in reply.text
    db.session.expire_all()
    assert (insats.indicators_key, insats.self_assessment_key) == \
        ("finsam-indikatorer", "sjalvskattning")


def test_an_insats_without_a_self_assessment(app, admin_client, handledare_client, insats):
    edit(admin_client, insats, self_assessment_key="")
    db.session.expire_all()
    assert insats.self_assessment_key == ""
    enrolment = enrolled(handledare_client, insats)
    page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}").text
    assert "Självskattning" not in page and "Indikatorer avslut" in page
    assert "En länk för båda enkäterna vid avslut" not in page


def test_slots_follow_the_insats_questionnaires(app, instrument):
    registry = app.extensions["stegvis.questionnaires"]
    with app.test_request_context():
        asked = status.insats_slots(instrument, registry, instrument.organisation.due_rule)
    assert [(key, questionnaire, occasion) for key, questionnaire, occasion, _ in asked] == [
        ("start-sjalvskattning", "sjalvskattning", "start"),
        ("avslut-indikatorer", KEY, "avslut"),
        ("avslut-sjalvskattning", "sjalvskattning", "avslut"),
    ]
    assert asked[1][3] == f"{NAME}, avslut"


def test_handledare_hands_out_the_instrument_at_exit(app, instrument, handledare_client):
    enrolment = enrolled(handledare_client, instrument)
    page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}").text
    assert f"{NAME}, avslut" in page
    assert "Indikatorer pågående" not in page and "Indikatorer avslut" not in page
    # Both avslut surveys on one link: the instrument first, then the self-assessment.
    reply = handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan", data={
        "csrf_token": csrf_token(page), "slot": "avslut"})
    assert reply.status_code == 302
    handout = handledare_client.get(reply.headers["Location"]).text
    assert f"{NAME}, avslut, sedan Självskattning avslut" in handout
    made = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
    assert [(i.questionnaire_key, i.questionnaire_version, str(i.occasion)) for i in made] == \
        [(KEY, 1, "avslut"), ("sjalvskattning", 2, "avslut")]
    # A slot the insats does not ask is refused.
    refused = handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan", data={
        "csrf_token": csrf_token(page), "slot": "pagaende-indikatorer"})
    assert refused.status_code == 400


def test_the_instrument_is_on_the_to_do_list_once_exit_is_near(app, instrument,
                                                               handledare_client):
    enrolment = enrolled(handledare_client, instrument)
    page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}").text
    handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan", data={
        "csrf_token": csrf_token(page), "slot": "start-sjalvskattning"})
    overview = handledare_client.get("/personal/").text
    assert f"{NAME}, avslut" in overview  # the table's column
    todo = overview.split('id="todo-heading"')[1].split("</section>")[0]
    assert NAME not in todo  # not due before exit
    exit_page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}/avslut").text
    handledare_client.post(f"/personal/inskrivningar/{enrolment.id}/avslut", data={
        "csrf_token": csrf_token(exit_page), "end_date": enrolment.start_date.isoformat(),
        "exit_outcome": "arbete"})
    todo = handledare_client.get("/personal/").text.split('id="todo-heading"')[1]
    assert "Enkäterna vid avslut" in todo.split("</section>")[0]


def target_fields(questionnaire: str, item: str, occasion: str = "avslut",
                  percent: str = "80") -> dict[str, str]:
    return {"targets-0-questionnaire": questionnaire, "targets-0-item_id": item,
            "targets-0-occasion": occasion, "targets-0-percent": percent}


def test_admin_sets_a_target_on_the_instruments_item(app, admin_client, instrument):
    page = admin_client.get(f"/personal/insatser/{instrument.id}/andra").text
    row = page.split('id="targets-0-item_id"')[1].split("</select>")[0]
    assert f'<optgroup label="{NAME}">' in row and 'value="lyssnade"' in row
    assert re.search(rf'selected value="{KEY}"', page.split('id="targets-0-questionnaire"')[1])

    reply = edit(admin_client, instrument, **target_fields(KEY, "lyssnade"))
    assert reply.status_code == 302
    target = db.session.scalar(select(Target))
    assert (target.questionnaire_key, target.item_id, str(target.occasion), target.threshold) \
        == (KEY, "lyssnade", "avslut", 0.8)
    # Saved again unchanged: the same target, not a second one.
    edit(admin_client, instrument, **target_fields(KEY, "lyssnade", percent="85"))
    db.session.expire_all()
    assert [(t.questionnaire_key, t.threshold) for t in db.session.scalars(select(Target))] == \
        [(KEY, 0.85)]


@pytest.mark.parametrize("fields, error", [
    (target_fields(KEY, "lyssnade", occasion="pagaende"), "Frågan ställs inte vid det tillfället."),
    (target_fields(KEY, "nytta"), "Frågan finns inte i det valda frågeformuläret."),
    (target_fields("finsam-indikatorer", "nytta"),
     "Frågan finns inte i det valda frågeformuläret."),
])
def test_a_target_nobody_is_asked_is_refused(app, admin_client, instrument, fields, error):
    reply = edit(admin_client, instrument, **fields)
    assert reply.status_code == 400 and error in reply.text
    assert db.session.scalar(select(Target)) is None


def test_the_report_shows_the_instrument_and_checks_its_target(app, admin_client, instrument):
    """Six people answered the instrument at avslut; the target is on its own item and
    its own scale (4 and 5 positive). A target names its questionnaire: one on "nytta"
    of the instrument, which has no such item, is not checked on ours."""
    from survey.reports.build import report_for

    from .test_reports_web import published_target, sentence, words

    instrument.targets = [
        Target(questionnaire_key=KEY, item_id="lyssnade", occasion=Occasion.avslut,
               threshold=0.5),
        Target(questionnaire_key=KEY, item_id="nytta", occasion=Occasion.avslut,
               threshold=0.5)]
    db.session.commit()
    for number, value in enumerate(["5", "4", "4", "3", "5", "1"]):
        token = participant_with_invitation(instrument, f"T-{number}", KEY, "avslut")
        client = app.test_client()
        choose_language(client, token, "lattlast")  # no lättläst: the standard text
        page = client.get(f"/s/{token}/1").text
        assert "Hur ofta fick du stöd när du behövde det?" in page and "Sällan" in page
        answer(client, token, 1, value)
        answer(client, token, 2, value)
        assert submit(client, token).status_code == 302
    for number in range(6):  # ours, answered by others in the same insats
        token = participant_with_invitation(instrument, f"O-{number}", "finsam-indikatorer",
                                            "avslut")
        client = app.test_client()
        choose_language(client, token, "sv")
        answer(client, token, 5, "4")
        submit(client, token)

    report, _options = report_for([instrument], None, None, None, "")
    assert report["questionnaires"][f"{KEY}/v1"]["name"] == NAME
    assert set(report["indicators"][f"{KEY}/v1"]["avslut"]) == {"stod_i_tid", "lyssnade"}
    assert report["missing"]["by_questionnaire"][KEY]["with_start"] is None  # not asked
    checked = {target["item"]: target["questionnaire"] for target in report["targets"]}
    assert checked == {"lyssnade": f"{KEY}/v1", "nytta": None}
    target = published_target(instrument)
    assert target["item"] == "lyssnade" and target["n"] >= 5
    page = words(admin_client.get(f"/personal/rapporter/?insats={instrument.id}").text)
    assert NAME in page and sentence(target) in page


def test_an_instrument_the_insats_does_not_use_is_not_reported_unanswered(app, insats):
    """Loaded beside ours, the förbund's instrument is no row of an insats that hands out
    ours: not "0 answered" in the Bortfall, nor due in the svarsfrekvens."""
    from survey.reports.build import report_for

    with_test_instrument(app)
    token = participant_with_invitation(insats, "O-1", "finsam-indikatorer", "avslut")
    client = app.test_client()
    choose_language(client, token, "sv")
    answer(client, token, 5, "4")
    submit(client, token)
    report, _options = report_for([insats], None, None, None, "")
    # The svarsfrekvens also has the förbund's follow-ups after exit.
    for figure, more in ((report["missing"], set()), (report["response_rates"], {"uppfoljning"})):
        assert set(figure["by_questionnaire"]) == {"finsam-indikatorer", "sjalvskattning", *more}
    insats.self_assessment_key = ""
    db.session.commit()
    report, _options = report_for([insats], None, None, None, "")
    assert set(report["missing"]["by_questionnaire"]) == {"finsam-indikatorer"}


def test_an_english_page_names_the_instrument_in_english(app, instrument, handledare_client):
    enrolment = enrolled(handledare_client, instrument)
    page = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}").text
    handledare_client.post("/personal/sprak", data={"csrf_token": csrf_token(page),
                                                   "sprak": "en", "next": "/personal/"})
    english = handledare_client.get(f"/personal/inskrivningar/{enrolment.id}").text
    assert "The test förbund&#39;s own instrument, exit" in english
    assert "Self-assessment (självskattning), start" in english
