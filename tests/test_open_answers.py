"""Open answers: the participants' comments per insats and item, for förbund admins only,
without pseudonyms, in a fresh random order, hidden where fewer than 5 answered,
audited on every view."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from analysis.perturbation import KEY_RANGE, Cell, publish
from survey import invitations
from survey.auth.passwords import hash_password
from survey.extensions import db
from survey.models import (
    Answer,
    AuditEvent,
    Enrolment,
    Insats,
    Invitation,
    Organisation,
    Participant,
    Response,
    Role,
    Site,
    User,
)

from .conftest import PASSWORD, login
from .factories import participant_with_invitation

URL = "/personal/rapporter/oppna-svar"
SUBMITTED = dt.datetime(2026, 3, 2, 10, 0)
# Everyone's record key, unless a test says otherwise: 3, 4 or 5 people of these keys
# are published as they are (cell key positions 3/8, 4/8 and 5/8 of the range), so the
# tests below read like the exact rule; one test shows the noise moving the threshold.
NEUTRAL_KEY = KEY_RANGE // 8


def answered(insats: Insats, code: str, comments: dict[str, str | None],
             occasion: str = "start", submitted: dt.datetime = SUBMITTED,
             key: str = "sjalvskattning", value: int = 4,
             record_key: int = NEUTRAL_KEY) -> None:
    """One person answered the questionnaire at the occasion, commenting as given."""
    participant_with_invitation(insats, code, key, occasion)
    person = db.session.scalars(select(Participant).where(Participant.pseudonym == code)).one()
    person.record_key = record_key
    invitation = db.session.scalars(
        select(Invitation).join(Enrolment).join(Participant)
        .where(Participant.pseudonym == code)).one()
    response = Response(invitation=invitation, language="sv", submitted_at=submitted)
    response.answers = [Answer(item_id=item, value=value, comment=comment)
                        for item, comment in comments.items()]
    db.session.add(response)
    db.session.commit()


def _comments(html: str) -> list[str]:
    return re.findall(r'<li dir="auto">(.*?)</li>', html, flags=re.S)


@pytest.fixture
def thirty(insats):  # type: ignore[no-untyped-def]
    """30 people answered 'framtid', each with a comment of their own; 'balans' too, but
    only two commented on it."""
    for number in range(30):
        balans = f"Balans från nummer {number:02d}" if number < 2 else None
        answered(insats, f"OA-{number:02d}", {"framtid": f"Framtid enligt nummer {number:02d}",
                                              "balans": balans, "aktivitet": None})
    return insats


def test_comments_without_pseudonyms_in_a_fresh_order_each_view(admin_client, thirty):
    orders = []
    for _ in range(6):
        page = admin_client.get(f"{URL}?insats={thirty.id}")
        assert page.status_code == 200
        assert page.headers["Cache-Control"] == "no-store"
        assert "OA-" not in page.text  # no pseudonym anywhere on the page
        framtid = [c for c in _comments(page.text) if c.startswith("Framtid")]
        assert sorted(framtid) == [f"Framtid enligt nummer {n:02d}" for n in range(30)]
        orders.append(framtid)
    # Six views of 30 comments in one order would happen by chance with probability
    # (1/30!)^5: never. The order written in is one of the 30! orders, not a rule.
    assert len({tuple(order) for order in orders}) > 1
    assert any(order != sorted(order) for order in orders)


def test_an_item_answered_by_enough_shows_its_few_comments(admin_client, thirty):
    page = admin_client.get(f"{URL}?insats={thirty.id}").text
    # 30 answered 'balans', 2 commented: the threshold is on who answered.
    assert sorted(c for c in _comments(page) if c.startswith("Balans")) == [
        "Balans från nummer 00", "Balans från nummer 01"]
    # 'aktivitet' was answered, never commented on.
    assert "Ingen har skrivit någon kommentar till frågan." in page


def test_fewer_than_five_answered_hides_the_comments(admin_client, insats):
    for number in range(4):
        answered(insats, f"FA-{number}", {"framtid": f"Hemlig kommentar {number}"})
    page = admin_client.get(f"{URL}?insats={insats.id}")
    assert page.status_code == 200
    assert "Hemlig kommentar" not in page.text
    assert "Färre än 5 personer i urvalet har svarat på frågan" in page.text
    # The fifth person's answer (without a comment) opens the item.
    answered(insats, "FA-4", {"framtid": None})
    page = admin_client.get(f"{URL}?insats={insats.id}").text
    assert sorted(_comments(page)) == [f"Hemlig kommentar {n}" for n in range(4)]


def test_the_threshold_is_on_the_published_count(admin_client, insats):
    """The count of who answered is published as the report's counts are (the people's
    record keys, the perturbation table): four people whose keys add noise +1 count as
    five, and their comments show; the same four with keys of noise 0 do not."""
    noisy = [int(KEY_RANGE * 0.85 / 4)] * 4
    assert publish(Cell.of(noisy)) == 5 and publish(Cell.of([NEUTRAL_KEY] * 4)) == 4
    for number, record_key in enumerate(noisy):
        answered(insats, f"NK-{number}", {"framtid": f"Brusets kommentar {number}"},
                 record_key=record_key)
    page = admin_client.get(f"{URL}?insats={insats.id}").text
    assert sorted(_comments(page)) == [f"Brusets kommentar {n}" for n in range(4)]
    for person in db.session.scalars(select(Participant)):
        person.record_key = NEUTRAL_KEY
    db.session.commit()
    page = admin_client.get(f"{URL}?insats={insats.id}").text
    assert _comments(page) == [] and "Färre än 5 personer i urvalet" in page


def test_the_threshold_counts_the_selection_only(admin_client, insats):
    """Six answered, but only four in the chosen period or at the chosen site."""
    north = Site(insats=insats, name="Tidaholm")
    db.session.add(north)
    db.session.commit()
    for number in range(6):
        when = SUBMITTED if number < 4 else dt.datetime(2026, 6, 1, 9, 0)
        answered(insats, f"SEL-{number}", {"framtid": f"Urvalets kommentar {number}"},
                 submitted=when)
    whole = admin_client.get(f"{URL}?insats={insats.id}").text
    assert len(_comments(whole)) == 6
    spring = admin_client.get(f"{URL}?insats={insats.id}&fran=2026-01&till=2026-04")
    assert spring.status_code == 200 and _comments(spring.text) == []
    assert "Färre än 5 personer i urvalet" in spring.text
    # Two of them at another site: the first site alone has four.
    for enrolment in db.session.scalars(select(Enrolment).order_by(Enrolment.id).limit(2)):
        enrolment.site = north
    db.session.commit()
    skovde = admin_client.get(f"{URL}?insats={insats.id}&ort=Skövde").text
    assert _comments(skovde) == []


def test_people_count_once_and_occasions_apart(admin_client, insats):
    """Five people at start; the same five at avslut are another group of five."""
    for number in range(5):
        answered(insats, f"OC-{number}", {"framtid": f"Vid start {number}"})
    for enrolment in db.session.scalars(select(Enrolment)):
        registry = admin_client.application.extensions["stegvis.questionnaires"]
        invitations.create(enrolment, registry.latest("sjalvskattning"), "avslut")
    db.session.commit()
    for number, invitation in enumerate(db.session.scalars(
            select(Invitation).where(Invitation.occasion == "avslut"))):
        db.session.add(Response(invitation=invitation, language="sv", submitted_at=SUBMITTED,
                                answers=[Answer(item_id="framtid", value=5,
                                                comment=f"Vid avslut {number}")]))
    db.session.commit()
    page = admin_client.get(f"{URL}?insats={insats.id}").text
    assert page.index("Start") < page.index("Vid start")
    assert len([c for c in _comments(page) if c.startswith("Vid avslut")]) == 5


def test_every_view_is_audited_with_its_selection(admin_client, thirty):
    for _ in range(3):
        admin_client.get(f"{URL}?insats={thirty.id}&fran=2026-01")
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "open_answers")).all()
    assert len(events) == 3
    assert events[0].subject == "Testinsatsen; 2026-01-01–idag; alla orter"
    assert "Framtid" not in events[0].subject  # the log names the selection, not answers
    # The empty form shows nothing and logs nothing.
    admin_client.get(URL)
    assert db.session.query(AuditEvent).filter_by(action="open_answers").count() == 3


def test_comments_are_text_not_markup(admin_client, insats):
    for number in range(5):
        answered(insats, f"XS-{number}", {"framtid": f"<script>alert({number})</script>"})
    page = admin_client.get(f"{URL}?insats={insats.id}").text
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(0)&lt;/script&gt;" in page


def test_bad_selection_is_refused_and_shows_nothing(admin_client, thirty):
    backwards = admin_client.get(f"{URL}?insats={thirty.id}&fran=2026-05&till=2026-01")
    assert backwards.status_code == 400
    assert "Till och med kan inte vara en tidigare månad än från och med." in backwards.text
    nothing = admin_client.get(f"{URL}?fran=2026-01")
    assert nothing.status_code == 400 and "Välj minst en insats." in nothing.text
    unknown = admin_client.get(f"{URL}?insats=99999")
    assert unknown.status_code == 400
    for reply in (backwards, nothing, unknown):
        assert _comments(reply.text) == []
    assert db.session.query(AuditEvent).filter_by(action="open_answers").count() == 0


def test_handledare_cannot_open_them(handledare_client, thirty):
    reply = handledare_client.get(f"{URL}?insats={thirty.id}")
    assert reply.status_code == 404 and "Framtid" not in reply.text
    report = handledare_client.get(f"/personal/rapporter/?insats={thirty.id}")
    assert report.status_code == 200
    assert URL not in report.text and "/personal/rapporter/dataexport" not in report.text


def test_admin_report_links_the_same_selection(admin_client, thirty):
    report = admin_client.get(f"/personal/rapporter/?insats={thirty.id}&fran=2026-01")
    assert f'{URL}?insats={thirty.id}&amp;fran=2026-01' in report.text


def test_another_forbunds_admin_gets_nothing(app, thirty):
    other = Organisation(name="Ett annat förbund")
    db.session.add(other)
    db.session.flush()
    db.session.add(User(organisation_id=other.id, email="annan@test.se", name="Annan",
                        role=Role.admin, password_hash=hash_password(PASSWORD)))
    db.session.commit()
    client = app.test_client()
    assert login(client, "annan@test.se").status_code == 302
    reply = client.get(f"{URL}?insats={thirty.id}")
    assert reply.status_code == 400
    assert _comments(reply.text) == [] and "Testinsatsen" not in reply.text


def test_sections_follow_the_questionnaires_and_hide_small_groups(app):
    """Pure: insatser by name, newest version first, occasions in their order, items in
    screen order; items without a comment field are not listed; a small group keeps its
    comments (the fake shuffle reverses, to see that it is applied)."""
    from survey.reports.open_answers import sections

    registry = app.extensions["stegvis.questionnaires"]
    answered = {("B", "sjalvskattning", 2, "avslut", "framtid"): 5,
                ("B", "sjalvskattning", 2, "start", "framtid"): 7,
                ("B", "sjalvskattning", 2, "start", "aktivitet"): 4,
                ("B", "sjalvskattning", 1, "start", "framtid"): 6,
                ("A", "sjalvskattning", 2, "start", "balans"): 9,
                ("A", "finsam-indikatorer", 2, "avslut", "nytta"): 9}
    comments = {("B", "sjalvskattning", 2, "start", "framtid"): ["ett", "två", "tre"],
                ("B", "sjalvskattning", 2, "start", "aktivitet"): ["dold"]}
    with app.test_request_context():
        found = sections(answered, comments, registry, shuffle=list.reverse)
    assert [(s.insats, s.heading[-9:], s.occasion) for s in found] == [
        ("A", "version 2", "Start"), ("B", "version 2", "Start"),
        ("B", "version 2", "Avslut"), ("B", "version 1", "Start")]
    b_start = found[1].items
    assert [(i.shown, i.comments) for i in b_start] == [(False, []), (True, ["tre", "två", "ett"])]
    assert [i.comments for i in found[2].items] == [[]]  # five answered, nobody commented
