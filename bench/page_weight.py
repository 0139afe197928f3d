"""Participant page weight per language (issue 4): gzip bytes of the question screen with
everything it loads (CSS, the web-font CSS and WOFF2 subsets it points at, listen.js).

Audio is fetched only when the participant taps Lyssna, so it is not counted. Limits:
14 KB for Swedish, 60 KB for a language that needs a web font. It measures and prints;
it never fails a build. Results: bench/results/page_weight.json.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
import tempfile
from pathlib import Path

from survey import i18n
from survey.extensions import db

from ._survey_data import CSRF as _CSRF
from ._survey_data import app_with_invitations

RESULTS = Path(__file__).parent / "results"
_ASSETS = re.compile(r'(?:href|src)="(/static/[^"]+)"')
_CSS_URL = re.compile(r"url\(([^)]+)\)")
SWEDISH_LIMIT = 14 * 1024
FONT_LIMIT = 60 * 1024


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def _weight(client, path: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    html = client.get(path).data
    total = _gz(html)
    loaded = []
    pending = sorted(set(_ASSETS.findall(html.decode())))
    seen: set[str] = set()
    while pending:
        asset = pending.pop()
        if asset in seen:
            continue
        seen.add(asset)
        with client.get(asset) as reply:
            data = reply.data
        total += _gz(data)
        loaded.append(asset)
        if asset.endswith(".css"):
            base = asset.rsplit("/", 1)[0]
            pending.extend(f"{base}/{url.strip(chr(34) + chr(39))}"
                           for url in _CSS_URL.findall(data.decode()))
    return total, sorted(loaded)


def measure() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory() as folder:
        codes = [lang.code for lang in i18n.PARTICIPANT_LANGUAGES]
        app, tokens = app_with_invitations(Path(folder), codes)
        rows = []
        for lang in i18n.PARTICIPANT_LANGUAGES:
            client = app.test_client()
            token = tokens[lang.code]
            if lang is i18n.DEFAULT:
                screen, assets = _weight(client, f"/s/{token}/sprak")
                rows.append({"language": "språkval (sv)", "font": None, "bytes_gzip": screen,
                             "limit": SWEDISH_LIMIT, "assets": assets})
            page = client.get(f"/s/{token}/sprak")
            client.post(f"/s/{token}/sprak", data={"csrf_token": _CSRF.search(page.text)[1],
                                                    "language": lang.code})
            total, assets = _weight(client, f"/s/{token}/1")
            limit = FONT_LIMIT if lang.font else SWEDISH_LIMIT
            rows.append({"language": lang.code, "font": lang.font, "bytes_gzip": total,
                         "limit": limit, "assets": assets})
        with app.app_context():
            db.engine.dispose()
    return rows


def main() -> None:
    rows = measure()
    print("Participant question screen (självskattning 1/5), gzip, with everything it loads")
    print(f"{'language':16} {'font':9} {'KB':>6} {'limit':>6}  ok")
    for row in rows:
        kb = int(row["bytes_gzip"]) / 1024
        limit = int(row["limit"]) / 1024
        ok = "yes" if int(row["bytes_gzip"]) <= int(row["limit"]) else "NO"
        print(f"{row['language']:16} {row['font'] or '-':9} {kb:6.1f} {limit:6.0f}  {ok}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "page_weight.json").write_text(
        json.dumps({"measured": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "rows": rows}, indent=2, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
