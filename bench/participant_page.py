"""Participant page weight and answer-save time (issue: participant journey).

Prints the gzip-compressed bytes of a question page with everything it loads, and the
server time per answer POST over a few hundred requests with the Flask test client on a
SQLite file. Goals: at most 14 KB; median under 5 ms. It measures; it never fails.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

from survey import create_app, invitations
from survey.extensions import db
from survey.models import BornAbroad, Enrolment, Gender, Insats, Organisation, Participant

RESULTS = Path(__file__).parent / "results"
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
_ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')
POSTS = 400


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _setup(folder: Path):  # type: ignore[no-untyped-def]
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/b.db"})
    with app.app_context():
        db.create_all()
        organisation = Organisation(name="Bench")
        insats = Insats(organisation=organisation, name="Bench")
        db.session.add_all([organisation, insats])
        db.session.flush()
        registry = app.extensions["stegvis.questionnaires"]
        tokens = []
        for number in range(POSTS // 5 + 1):
            participant = Participant(organisation_id=organisation.id, pseudonym=f"B{number}",
                                      gender=Gender.man, born_abroad=BornAbroad.nej)
            enrolment = Enrolment(participant=participant, insats=insats,
                                  start_date=dt.date(2026, 1, 1))
            db.session.add_all([participant, enrolment])
            db.session.flush()
            tokens.append(invitations.create(enrolment, registry.latest("sjalvskattning"), "start"))
        db.session.commit()
    return app, tokens


def page_weight(app, token: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get(f"/s/{token}/sprak")
    client.post(f"/s/{token}/sprak", data={"csrf_token": _CSRF.search(page.text)[1],
                                            "language": "sv"})
    weights = {}
    for label, path in (("fråga (självskattning)", f"/s/{token}/1"),
                        ("språkval", f"/s/{token}/sprak"),
                        ("granska", f"/s/{token}/granska")):
        html = client.get(path).data
        total = _gz(html)
        for asset in sorted(set(_ASSETS.findall(html.decode()))):
            with client.get(asset) as reply:
                total += _gz(reply.data)
        weights[label] = total
    return weights


def answer_times(app, tokens: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    durations = []
    for token in tokens:
        client = app.test_client()
        page = client.get(f"/s/{token}/sprak")
        csrf = _CSRF.search(page.text)[1]
        client.post(f"/s/{token}/sprak", data={"csrf_token": csrf, "language": "sv"})
        for number in range(1, 6):
            started = time.perf_counter()
            reply = client.post(f"/s/{token}/{number}",
                                data={"csrf_token": csrf, "value": str(number), "comment": "ok"})
            durations.append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 302
            if len(durations) >= POSTS:
                return durations
    return durations


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        app, tokens = _setup(Path(folder))
        weights = page_weight(app, tokens[0])
        times = sorted(answer_times(app, tokens[1:]))
    median = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print("Deltagarsidor, gzip med allt de laddar (mål: högst 14 KB = 14336 byte):")
    for label, size in weights.items():
        print(f"  {label:<24} {size:>6} byte  {'OK' if size <= 14336 else 'ÖVER MÅLET'}")
    print(f"Svar-POST på SQLite ({len(times)} st): median {median:.2f} ms, p95 {p95:.2f} ms "
          f"(mål: median under 5 ms)")
    figures = {"page_weight_gzip_bytes": weights, "answer_post_ms": {
        "count": len(times), "median": round(median, 3), "p95": round(p95, 3)}}
    RESULTS.mkdir(exist_ok=True)
    text = json.dumps(figures, indent=2, ensure_ascii=False)
    (RESULTS / "participant_page.json").write_text(text)
    return figures


if __name__ == "__main__":
    main()
