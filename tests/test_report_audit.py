"""Every report view and download is audited with who, when, insats, period, site and
format, and the log page filters on it (issue 23, point 4)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from analysis.report import ReportOptions
from survey import audit
from survey.extensions import db
from survey.models import AuditEvent, Site, User

from .test_reports_web import answered  # noqa: F401  (the fixture: six answers)

REPORT = "/personal/rapporter/"


def test_the_subject_names_insatser_period_site_and_format():
    options = ReportOptions(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 3, 31),
                            insatser=("Steg 1", "Steg 2"), site="Skövde")
    assert audit.report_subject(options, "pdf") == \
        "Steg 1, Steg 2; period 2026-01-01 – 2026-03-31; ort Skövde; format pdf"
    assert audit.report_subject(ReportOptions(insatser=("Steg 1",)), "visning") == \
        "Steg 1; period … – …; ort alla; format visning"


def test_each_view_and_download_leaves_who_when_and_what(admin_client, answered):  # noqa: F811
    db.session.add(Site(insats=answered, name="Tibro"))
    db.session.commit()
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(seconds=1)
    assert admin_client.get(f"{REPORT}?insats={answered.id}").status_code == 200
    assert admin_client.get(f"{REPORT}?insats={answered.id}&ort=Skövde").status_code == 200
    for kind in ("pdf", "xlsx", "csv"):
        reply = admin_client.get(f"{REPORT}ladda-ner.{kind}?insats={answered.id}&ort=Skövde")
        assert reply.status_code == 200
    # The empty form (nothing asked yet) and a refused query leave nothing.
    admin_client.get(REPORT)
    admin_client.get(f"{REPORT}?insats=999999")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("report_%"))
                                .order_by(AuditEvent.id)).all()
    admin = db.session.scalar(select(User).where(User.role == "admin"))
    assert [(e.action, e.subject) for e in events] == [
        ("report_view", "Testinsatsen; period … – …; ort alla; format visning"),
        ("report_view", "Testinsatsen; period … – …; ort Skövde; format visning"),
        ("report_pdf", "Testinsatsen; period … – …; ort Skövde; format pdf"),
        ("report_xlsx", "Testinsatsen; period … – …; ort Skövde; format xlsx"),
        ("report_csv", "Testinsatsen; period … – …; ort Skövde; format csv"),
    ]
    assert all(e.user_id == admin.id and e.at >= before
               and e.organisation_id == answered.organisation_id for e in events)


def test_the_log_page_filters_reports_by_what_they_showed(admin_client, handledare_client,
                                                          answered):  # noqa: F811
    handledare_client.get(f"{REPORT}?insats={answered.id}&ort=Skövde")
    admin_client.get(f"{REPORT}ladda-ner.csv?insats={answered.id}")
    log = "/personal/logg"

    def rows(**query: str) -> str:
        reply = admin_client.get(log, query_string=query)
        assert reply.status_code == 200, query
        return reply.text.split("<tbody>")[1]

    page = admin_client.get(log)
    assert page.status_code == 200 and 'name="handelse"' in page.text
    assert "report_view" in rows() and ">login<" in rows()
    reports = rows(handelse="rapporter")
    assert "report_view" in reports and "report_csv" in reports and ">login<" not in reports
    skovde = rows(handelse="rapporter", sok="Skövde")
    assert "ort Skövde; format visning" in skovde and "format csv" not in skovde
    handledare = db.session.scalar(select(User).where(User.role == "handledare"))
    theirs = rows(vem=str(handledare.id))
    assert "format visning" in theirs and "format csv" not in theirs
    only_csv = rows(handelse="report_csv", sok="CSV")  # any case
    assert "format csv" in only_csv and "format visning" not in only_csv
    # A filter that names nothing of this förbund is refused, in words.
    for query, words in (({"handelse": "no_such_action"}, "Välj en händelse i listan."),
                         ({"vem": "99999"}, "Välj en person i listan."),
                         ({"sok": "x" * 101}, "Högst 100 tecken.")):
        refused = admin_client.get(log, query_string=query)
        assert refused.status_code == 400, query
        assert "report_" not in refused.text.split("<tbody>")[1]
        assert words in refused.text and "Inga händelser passar urvalet." in refused.text
    assert handledare_client.get(log).status_code in (403, 404)
