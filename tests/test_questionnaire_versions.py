"""Which version of a questionnaire an enrolment is asked (issue 24, point 5): the one its
start answer has, else the one in use when it started, so that start and end pair; and
självskattning v3, whose aktivitet asks how much the person does, in its own words."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest
from sqlalchemy import select

from questionnaires import QuestionnaireError, Registry, parse
from questionnaires.loader import DEFAULT_DIRECTORY
from survey import i18n, invitations, readaloud
from survey.extensions import db
from survey.models import Enrolment, ExitOutcome, Invitation, Participant

from .conftest import csrf_token
from .test_answering_journey import answer, choose_language, submit
from .test_staff_enrolment import enrol
from .test_staff_handout import LINK

V3_FROM = dt.date(2026, 12, 6)  # enrolments_from in sjalvskattning-v3.toml


def v3_data() -> dict:
    with (DEFAULT_DIRECTORY / "sjalvskattning-v3.toml").open("rb") as handle:
        return tomllib.load(handle)


def test_version_in_use_on_a_day() -> None:
    registry = Registry.load()
    assert registry.get("sjalvskattning", 3).enrolments_from == V3_FROM
    day_before = V3_FROM - dt.timedelta(days=1)
    assert registry.current_on("sjalvskattning", day_before).version == 2
    assert registry.current_on("sjalvskattning", V3_FROM).version == 3
    assert registry.latest("sjalvskattning").version == 3
    # A version without a date is in use since always.
    assert registry.current_on("finsam-indikatorer", dt.date(2000, 1, 1)).version == 2


def test_versions_still_in_use() -> None:
    """v2 stays in use beside v3 (older enrolments keep it); v1 is only read."""
    registry = Registry.load()
    assert [q.version for q in registry.in_use("sjalvskattning")] == [2, 3]
    assert [q.version for q in registry.in_use("finsam-indikatorer")] == [2]


def test_v3_keeps_the_items_and_gives_aktivitet_its_own_words() -> None:
    registry = Registry.load()
    v2, v3 = registry.get("sjalvskattning", 2), registry.get("sjalvskattning", 3)
    assert [i.id for i in v3.items] == [i.id for i in v2.items]
    assert v3.scale == v2.scale  # same values, positive steps and default words
    aktivitet = v3.item("aktivitet")
    assert aktivitet.text.standard == "Hur mycket gör du under en vanlig vecka?"
    words = v3.scale_for(aktivitet)
    assert [s.label.standard for s in words.steps][::5] == ["6 Något varje dag",
                                                            "1 Nästan ingenting"]
    assert words.values == v3.scale.values and words.positive == v3.scale.positive
    chance = v3.scale_for(v3.item("arbete_studier"))
    assert [s.label.easy for s in chance.steps][::5] == ["6 Mycket stor chans",
                                                         "1 Mycket liten chans"]
    # Its standard words stay the scale's; items without words of their own use the scale.
    assert [s.label.standard for s in chance.steps] == [s.label.standard
                                                        for s in v3.scale.steps]
    assert v3.scale_for(v3.item("framtid")) is v3.scale
    # Every new text reaches the catalogs and the coverage count.
    assert aktivitet.help.standard in {t.standard for t in v3.texts()}
    assert len(v3.texts()) == len(v2.texts()) + 13  # 1 help text, 2 × 6 answer words


def test_item_steps_must_keep_the_scales_values() -> None:
    data = copy.deepcopy(v3_data())
    data["items"][0]["steps"] = data["items"][0]["steps"][:5]
    with pytest.raises(QuestionnaireError, match=r"item 'aktivitet': its own steps must have "
                                                 r"the scale's values in the scale's order"):
        parse(data, "sjalvskattning-v9.toml")
    data = copy.deepcopy(v3_data())
    steps = data["items"][0]["steps"]
    steps[0], steps[1] = steps[1], steps[0]
    with pytest.raises(QuestionnaireError, match="scale's order"):
        parse(data, "sjalvskattning-v9.toml")
    data = copy.deepcopy(v3_data())
    del data["items"][0]["steps"][2]["label"]["sv"]
    with pytest.raises(QuestionnaireError,
                       match=r"item 'aktivitet' step 3: missing standard Swedish text"):
        parse(data, "sjalvskattning-v9.toml")


def test_enrolments_from_must_be_a_date() -> None:
    data = v3_data() | {"enrolments_from": "2026-12-06"}
    with pytest.raises(QuestionnaireError, match="'enrolments_from' must be a date"):
        parse(data, "sjalvskattning-v9.toml")


def test_format_1_has_no_item_steps() -> None:
    data = copy.deepcopy(v3_data())
    data["format"] = 1
    for key in ("about", "enrolments_from"):
        del data[key]
    del data["scale"]["kind"]
    data["items"][0].pop("help")
    with pytest.raises(QuestionnaireError, match=r"item 'aktivitet': unknown key\(s\) steps"):
        parse(data, "gammal.toml")


def test_read_aloud_says_the_items_own_words() -> None:
    v3 = Registry.load().get("sjalvskattning", 3)
    spoken = readaloud.spoken_text(i18n.language("lattlast"), v3, v3.item("aktivitet"))
    assert "1 Jag gör nästan ingenting." in spoken and "Mycket dåligt" not in spoken
    spoken = readaloud.spoken_text(i18n.language("en"), v3, v3.item("aktivitet"))
    assert spoken.startswith("How much do you do in an ordinary week?")
    assert "6 Something every day." in spoken


# --- Which version an enrolment is asked: through the staff pages, on both databases ---

def _enrol(client, insats, code: str, start: dt.date) -> Enrolment:  # type: ignore[no-untyped-def]
    assert enrol(client, insats, pseudonym=code, start_date=start.isoformat()).status_code == 302
    return db.session.scalar(select(Enrolment).join(Participant)
                             .where(Participant.pseudonym == code))


def _hand_out(client, enrolment: Enrolment, slot: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/personal/inskrivningar/{enrolment.id}")
    reply = client.post(f"/personal/inskrivningar/{enrolment.id}/inbjudan",
                        data={"csrf_token": csrf_token(page.text), "slot": slot})
    assert reply.status_code == 302
    handout = client.get(reply.headers["Location"]).text
    return LINK.search(handout).group(1).rsplit("/", 1)[-1]


def _asked(enrolment: Enrolment, occasion: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(Invitation.questionnaire_version).where(
        Invitation.enrolment_id == enrolment.id, Invitation.questionnaire_key == "sjalvskattning",
        Invitation.occasion == occasion))


def _leave(client, enrolment: Enrolment) -> None:  # type: ignore[no-untyped-def]
    enrolment.exit_outcome = ExitOutcome.arbete
    db.session.commit()
    _hand_out(client, enrolment, "avslut")


def test_an_enrolment_keeps_the_version_of_its_start_answer(handledare_client, insats, app):
    """Started after v3's day, but its start survey was handed out on v2 (before this
    Stegvis was upgraded) and answered: the exit survey is v2 too, so they pair."""
    enrolment = _enrol(handledare_client, insats, "V-1", V3_FROM + dt.timedelta(days=3))
    invitations.create(enrolment, app.extensions["stegvis.questionnaires"].get(
        "sjalvskattning", 2), "start")
    db.session.commit()
    token = _hand_out(handledare_client, enrolment, "start-sjalvskattning")  # a new link
    participant = app.test_client()
    choose_language(participant, token, "sv")
    assert "Hur orkar du med det du gör under dagarna?" in participant.get(f"/s/{token}/1").text
    for number in range(1, 7):
        answer(participant, token, number, "3")
    assert submit(participant, token).status_code == 302
    _leave(handledare_client, enrolment)
    assert (_asked(enrolment, "start"), _asked(enrolment, "avslut")) == (2, 2)


def test_an_enrolment_without_a_start_answer_gets_the_version_of_its_start_day(
        handledare_client, insats):
    before = _enrol(handledare_client, insats, "V-2", V3_FROM - dt.timedelta(days=30))
    _leave(handledare_client, before)
    assert _asked(before, "avslut") == 2  # v3 is current, but not when it started


def test_a_new_enrolment_gets_v3_at_start_and_at_exit(handledare_client, insats, app):
    enrolment = _enrol(handledare_client, insats, "V-3", V3_FROM)
    token = _hand_out(handledare_client, enrolment, "start-sjalvskattning")
    participant = app.test_client()
    choose_language(participant, token, "lattlast")
    page = participant.get(f"/s/{token}/1").text
    assert "Hur mycket gör du en vanlig vecka?" in page
    assert "6 Jag gör något varje dag" in page and "Mycket bra" not in page
    assert "Det kan vara jobb, skola, praktik" in page  # the help text
    assert "6 Mycket stor chans" in participant.get(f"/s/{token}/6").text
    answer(participant, token, 1, "2")
    answer(participant, token, 6, "5")
    review = participant.get(f"/s/{token}/granska").text
    assert "2 Jag gör något ibland, men inte varje vecka" in review
    assert "5 Stor chans" in review
    assert submit(participant, token).status_code == 302
    _leave(handledare_client, enrolment)
    assert (_asked(enrolment, "start"), _asked(enrolment, "avslut")) == (3, 3)


def test_the_cli_asks_the_enrolments_version(app, insats):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["invite", "--insats", insats.name, "--participant", "V-4",
                                 "--questionnaire", "sjalvskattning", "--occasion", "start"])
    assert result.exit_code == 0, result.output
    assert "sjalvskattning/v3, start" in result.output  # enrolled today, after v3's day
    result = runner.invoke(args=["invite", "--insats", insats.name, "--participant", "V-4",
                                 "--questionnaire", "sjalvskattning", "--occasion", "avslut",
                                 "--version", "2"])
    assert "sjalvskattning/v2, avslut" in result.output  # asked for explicitly
    result = runner.invoke(args=["invite", "--insats", insats.name, "--participant", "V-4",
                                 "--questionnaire", "okand", "--occasion", "start"])
    assert result.exit_code != 0 and "Okänd enkät: okand" in result.output


def test_a_chart_of_v3_does_not_misname_aktivitets_steps() -> None:
    """v3's rows share one legend: with aktivitet in it, the scale's words ("Mycket bra")
    would name "Något varje dag" wrongly, so the legend gives the values only."""
    import re

    from analysis.charts import indicator_chart

    cell = {"n": 6, "share": 0.5, "distribution": {str(v): 1 for v in range(1, 7)}}
    registry = Registry.load()
    legend = re.findall(r"<!-- (.*?) -->", indicator_chart(
        {"aktivitet": cell, "framtid": cell}, registry, "sjalvskattning/v3"))
    assert "6 Mycket bra" not in legend and "6" in legend
    legend = re.findall(r"<!-- (.*?) -->", indicator_chart(
        {"fysisk_halsa": cell, "framtid": cell}, registry, "sjalvskattning/v3"))
    assert "6 Mycket bra" in legend  # rows in the scale's own words keep them


def test_the_report_keeps_v2_and_v3_apart(app, insats, admin_client) -> None:
    """Five enrolments that started before v3's day and five after, each answering at
    start and at exit: every pair stays within its version, and the report shows both."""
    from survey.models import Answer, Response
    from survey.reports.build import report_for

    for number in range(10):
        start = V3_FROM + dt.timedelta(days=-90 if number < 5 else 1)
        participant = Participant(organisation_id=insats.organisation_id,
                                  pseudonym=f"R-{number}", gender="kvinna", birth_year=1990,
                                  born_abroad="nej")
        enrolment = Enrolment(participant=participant, insats=insats, site=insats.sites[0],
                              start_date=start, end_date=start + dt.timedelta(days=60),
                              exit_outcome=ExitOutcome.arbete)
        db.session.add_all([participant, enrolment])
        for occasion, day, value in (("start", start, 2), ("avslut", enrolment.end_date, 4)):
            questionnaire = invitations.questionnaire_for(enrolment, "sjalvskattning")
            invitations.create(enrolment, questionnaire, occasion)
            at = dt.datetime.combine(day, dt.time(10))
            db.session.add(Response(
                invitation=enrolment.invitations[-1], language="sv", started_at=at,
                updated_at=at, submitted_at=at,
                answers=[Answer(item_id=item.id, value=value) for item in questionnaire.items]))
        db.session.commit()
        assert {i.questionnaire_version for i in enrolment.invitations} == {
            2 if number < 5 else 3}
    report, _options = report_for([insats], None, None, None, "")
    assert set(report["change"]) == {"sjalvskattning/v2", "sjalvskattning/v3"}
    assert "aktivitet" in report["change"]["sjalvskattning/v3"]
    page = admin_client.get(f"/personal/rapporter/?insats={insats.id}").text
    assert "Stegvis självskattning (egen formulering), version 2" in page
    assert "Stegvis självskattning (egen formulering), version 3" in page
