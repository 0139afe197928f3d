"""A handledare sees the report of the insatser they work in, and nothing of any other:
aggregates under the same disclosure rule; the Dataexport and the open answers stay
with förbund admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey.extensions import db
from survey.models import AuditEvent, Insats, Site

from .test_open_answers import answered as answered_by
from .test_reports_web import answered, published_target, sentence  # noqa: F401 - a fixture

REPORT = "/personal/rapporter/"


@pytest.fixture
def other(answered):  # type: ignore[no-untyped-def]  # noqa: F811
    """Another insats of the same förbund, at another site, where six people answered."""
    insats = Insats(organisation_id=answered.organisation_id, name="Grannens insats")
    db.session.add_all([insats, Site(insats=insats, name="Tibro")])
    db.session.commit()
    for number in range(6):
        answered_by(insats, f"AN-{number}", {"nytta": None}, occasion="avslut",
                    key="finsam-indikatorer", value=1)
    return insats


def test_handledare_sees_their_own_insats_report(handledare_client, answered, other):  # noqa: F811
    page = handledare_client.get(f"{REPORT}?insats={answered.id}")
    assert page.status_code == 200
    assert sentence(published_target(answered)) in " ".join(page.text.split())
    # The form offers only their own insats; the other one is not even named.
    assert "Grannens insats" not in page.text and "Tibro" not in page.text
    # The menu leads to the report; per-person pages are not offered.
    assert f'href="{REPORT}"' in page.text
    assert "/personal/rapporter/dataexport" not in page.text
    assert "/personal/rapporter/oppna-svar" not in page.text


@pytest.mark.parametrize("path", ["", "ladda-ner.pdf", "ladda-ner.xlsx", "ladda-ner.csv"])
def test_another_insats_in_the_query_gives_nothing(handledare_client, answered, other, path):  # noqa: F811
    for query in (f"insats={other.id}", f"insats={answered.id}&insats={other.id}",
                  f"insats={other.id}&ort=Tibro"):
        reply = handledare_client.get(f"{REPORT}{path}?{query}")
        assert reply.status_code == 400, query
        assert reply.mimetype == "text/html"  # the form again, no file
        # (The query itself comes back in the language switch's return address.)
        assert "Grannens insats" not in reply.text and 'value="Tibro"' not in reply.text
        assert "personer i" not in reply.text  # no figures at all
    assert db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("report_%"))).all() == []


def test_handledare_downloads_their_own_aggregates(handledare_client, answered, other):  # noqa: F811
    query = f"?insats={answered.id}"
    pdf = handledare_client.get(f"{REPORT}ladda-ner.pdf{query}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    csv = handledare_client.get(f"{REPORT}ladda-ner.csv{query}")
    assert csv.status_code == 200 and csv.text.splitlines()[0] == "Urval"
    assert "R-0" not in csv.text and "Grannens insats" not in csv.text  # no pseudonym
    sheet = handledare_client.get(f"{REPORT}ladda-ner.xlsx{query}")
    assert sheet.status_code == 200 and sheet.data.startswith(b"PK")
    logged = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("report_%")))
    assert sorted(e.action for e in logged) == ["report_csv", "report_pdf", "report_xlsx"]


def test_three_answers_give_counts_and_no_share(handledare_client, insats):
    for number in range(3):
        answered_by(insats, f"FEW-{number}", {"nytta": 4}, occasion="avslut",
                    key="finsam-indikatorer", value=4)
    page = handledare_client.get(f"{REPORT}?insats={insats.id}")
    assert page.status_code == 200
    # A published count of 3 has no share: "färre än 5 svar", never "100 %".
    assert "färre än 5 svar" in page.text
    assert "Alla antal i rapporten har fått ett litet slumpmässigt brus" in page.text


def test_per_person_pages_stay_with_admins(handledare_client, answered):  # noqa: F811
    for path in ("dataexport", f"oppna-svar?insats={answered.id}"):
        reply = handledare_client.get(f"{REPORT}{path}")
        assert reply.status_code == 404 and "Sidan finns inte" in reply.text
