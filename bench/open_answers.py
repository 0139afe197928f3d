"""Open answers page (issue 11) at 10 000 participants: 10 000 självskattning responses
at start, five items each, a fifth of the answers with a comment (10 000 comments).

Prints the median time of /personal/rapporter/oppna-svar for the whole insats, its
size and how many SQL queries it makes, on SQLite and on PostgreSQL (a throwaway server,
as in the tests). It measures; it never fails.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import secrets
from pathlib import Path

from sqlalchemy import insert

from survey.auth.passwords import hash_password
from survey.extensions import db
from survey.models import (
    Answer,
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

from ._staff import on_each_database, time_page

RESULTS = Path(__file__).parent / "results"
PEOPLE = 10_000
REQUESTS = 7
COMMENTED = 0.2  # the share of answers with a comment
ITEMS = ("aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid")
PASSWORD = "bench-password-1"  # noqa: S105 - a throwaway account in a throwaway database


def _fill(app) -> str:  # type: ignore[no-untyped-def]
    """The page's path, after writing the people and answers with bulk inserts."""
    del app
    rng = random.Random(11)
    organisation = Organisation(name="Bench")
    insats = Insats(organisation=organisation, name="Bench-insats")
    db.session.add_all([organisation, insats, Site(insats=insats, name="Skövde"),
                        User(organisation=organisation, email="a@bench.se", name="A",
                             role=Role.admin, password_hash=hash_password(PASSWORD))])
    db.session.commit()
    ids = range(1, PEOPLE + 1)
    moment = dt.datetime(2026, 3, 2, 10)
    db.session.execute(insert(Participant), [
        {"id": i, "organisation_id": organisation.id, "pseudonym": f"B-{i:05d}",
         "gender": "kvinna", "born_abroad": "nej"} for i in ids])
    db.session.execute(insert(Enrolment), [
        {"id": i, "participant_id": i, "insats_id": insats.id,
         "start_date": dt.date(2026, 1, 1), "income_start": []} for i in ids])
    db.session.execute(insert(Invitation), [
        {"id": i, "enrolment_id": i, "questionnaire_key": "sjalvskattning",
         "questionnaire_version": 2, "occasion": "start", "token_hash": secrets.token_hex(32),
         "expires_at": moment + dt.timedelta(days=30)} for i in ids])
    db.session.execute(insert(Response), [
        {"id": i, "invitation_id": i, "language": "sv", "submitted_at": moment} for i in ids])
    words = ["bra", "svårt", "stödet", "handledaren", "framtiden", "sover", "orkar", "jobb"]
    db.session.execute(insert(Answer), [
        {"response_id": i, "item_id": item, "value": rng.randint(1, 6),
         "comment": " ".join(rng.choices(words, k=rng.randint(3, 25)))
         if rng.random() < COMMENTED else None}
        for i in ids for item in ITEMS])
    db.session.commit()
    return f"/personal/rapporter/oppna-svar?insats={insats.id}"


def measure(url: str) -> dict[str, float]:
    figures = time_page(url, _fill, "a@bench.se", PASSWORD, REQUESTS)
    return {**figures, "people": PEOPLE, "comments": round(PEOPLE * len(ITEMS) * COMMENTED)}


def main() -> dict[str, object]:
    figures = on_each_database(measure)
    print(f"Öppna svar för en insats med {PEOPLE} deltagare:")
    for name, result in figures.items():
        print(f"  {name:<11} median {result['median_ms']:>7} ms, "  # type: ignore[index]
              f"~{result['comments']} kommentarer, {result['page_kb']} kB, "  # type: ignore[index]
              f"{result['queries']} SQL-frågor per sidvisning")  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "open_answers.json").write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
