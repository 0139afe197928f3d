"""Handledare overview with 500 enrolments and their survey status (staff issue).

Prints the median render time of /personal/ and how many SQL queries the page makes,
on SQLite and on PostgreSQL (a throwaway server, as in the tests). Goal: under 100 ms,
no query per row. It measures; it never fails.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from survey import invitations
from survey.auth.passwords import hash_password
from survey.extensions import db
from survey.models import (
    Answer,
    BornAbroad,
    Enrolment,
    Gender,
    Insats,
    Organisation,
    Participant,
    Response,
    Role,
    Site,
    User,
)

from ._staff import on_each_database, time_page

RESULTS = Path(__file__).parent / "results"
ENROLMENTS = 500
REQUESTS = 30
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway account in a throwaway database


def _fill(app) -> str:  # type: ignore[no-untyped-def]
    rng = random.Random(5)
    registry = app.extensions["stegvis.questionnaires"]
    organisation = Organisation(name="Bench")
    insats = Insats(organisation=organisation, name="Bench-insats")
    sites = [Site(insats=insats, name=name) for name in ("Skövde", "Tibro", "Mariestad")]
    user = User(organisation=organisation, email="h@bench.se", name="H", role=Role.handledare,
                password_hash=hash_password(PASSWORD), insatser=[insats])
    db.session.add_all([organisation, insats, *sites, user])
    db.session.flush()
    for number in range(ENROLMENTS):
        participant = Participant(organisation_id=organisation.id, pseudonym=f"B-{number:04d}",
                                  gender=Gender.kvinna, born_abroad=BornAbroad.nej)
        enrolment = Enrolment(participant=participant, insats=insats, site=rng.choice(sites),
                              start_date=dt.date.today() - dt.timedelta(days=rng.randint(0, 300)))
        db.session.add_all([participant, enrolment])
        for key, occasion in (("sjalvskattning", "start"), ("finsam-indikatorer", "pagaende")):
            if rng.random() < 0.7:
                invitations.create(enrolment, registry.latest(key), occasion)
                if rng.random() < 0.6:
                    invitation = enrolment.invitations[-1]
                    db.session.add(Response(invitation=invitation, language="sv",
                                            submitted_at=dt.datetime.now(),
                                            answers=[Answer(item_id="nytta", value=4)]))
    db.session.commit()
    return "/personal/"


def measure(url: str) -> dict[str, float]:
    return {**time_page(url, _fill, "h@bench.se", PASSWORD, REQUESTS), "rows": ENROLMENTS}


def main() -> dict[str, object]:
    figures = on_each_database(measure)
    print(f"Handledarens översikt med {ENROLMENTS} inskrivningar (mål: median under 100 ms):")
    for name, result in figures.items():
        print(f"  {name:<11} median {result['median_ms']:>6} ms, "  # type: ignore[index]
              f"{result['queries']} SQL-frågor per sidvisning")  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "staff_overview.json").write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
