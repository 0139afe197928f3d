"""Tap to next screen on a slow phone network: a real Chromium under emulated latency.

A participant answers the indicator questions in Debian's Chromium (Playwright) while the
DevTools protocol adds a fixed latency to every request (150 ms round trip, as on a weak
mobile connection outside the towns). For every tap on "Nästa" the time from the tap to
the next screen's load event is read from the new page's own navigation timing (it starts
at the tap and counts any redirect). With JavaScript each answer's POST is answered with
the next screen (one round trip); without, POST, redirect and GET (two).

Goal (issue 16): with JavaScript, at most one round trip + 30 ms per tap. It measures and
prints; it never fails a build. Figures go to bench/results/round_trip.json.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

from ._survey_data import app_with_invitations

RESULTS = Path(__file__).parent / "results"
CHROMIUM = os.environ.get("STEGVIS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium calls out to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROUND_TRIP_MS = int(os.environ.get("STEGVIS_BENCH_RTT_MS", "150"))
JOURNEYS = 3
ITEMS = 7

_TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  return {load: n.loadEventEnd, redirects: n.redirectCount, method: n.type};
}"""


class Counted:
    """The app, counting the requests that reach it (a browser's cache hits do not)."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.seen: list[str] = []

    def __call__(self, environ, start_response):  # type: ignore[no-untyped-def]
        self.seen.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        return self.app(environ, start_response)


def _taps(browser, base: str, token: str, javascript: bool, latency: int,  # type: ignore[no-untyped-def]
          server: Counted) -> list[dict]:  # type: ignore[type-arg]
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=javascript, base_url=base)
    page = context.new_page()
    requests = server.seen
    devtools = context.new_cdp_session(page)
    devtools.send("Network.enable")
    devtools.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": latency,
        "downloadThroughput": -1, "uploadThroughput": -1,
    })
    page.goto(f"/s/{token}")
    page.locator('button[name=language][value="sv"]').click()
    page.wait_for_url(f"**/s/{token}/start")
    page.locator("main a.button.primary").click()
    page.wait_for_url(f"**/s/{token}/1")
    page.wait_for_load_state("load")
    taps = []
    for number in range(1, ITEMS + 1):
        following = f"/s/{token}/{number + 1}" if number < ITEMS else f"/s/{token}/granska"
        before = len(requests)
        page.locator('label.option:has(input[value="3"])').click()
        page.locator("main form button.primary").click()
        page.wait_for_url(f"**{following}")
        page.wait_for_load_state("load")
        timing = page.evaluate(_TIMING)
        taps.append({"tap_to_load_ms": round(timing["load"], 1),
                     "redirects": timing["redirects"],
                     "requests": requests[before:]})
    context.close()
    return taps


def measure() -> dict[str, object]:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    with tempfile.TemporaryDirectory() as folder:
        app, tokens = app_with_invitations(Path(folder), [f"R{n}" for n in range(4 * JOURNEYS)],
                                           "finsam-indikatorer", "avslut")
        counted = Counted(app)
        server = make_server("127.0.0.1", 0, counted, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        links = iter(tokens.values())
        figures: dict[str, object] = {"round_trip_ms": ROUND_TRIP_MS,
                                      "goal_ms": ROUND_TRIP_MS + 30}
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                                     args=CHROMIUM_ARGS)
                for javascript in (True, False):
                    median = {}
                    for latency in (0, ROUND_TRIP_MS):
                        taps = [tap for _ in range(JOURNEYS) for tap in
                                _taps(browser, base, next(links), javascript, latency, counted)]
                        times = sorted(tap["tap_to_load_ms"] for tap in taps)
                        median[latency] = statistics.median(times)
                    figures["javascript" if javascript else "no_javascript"] = {
                        "taps": len(taps),
                        "median_ms": round(median[ROUND_TRIP_MS], 1),
                        "max_ms": times[-1],
                        "median_ms_without_latency": round(median[0], 1),
                        # What the network adds, in round trips: whatever the machine's
                        # own speed, this counts the trips a tap waits for.
                        "round_trips_per_tap": round(
                            (median[ROUND_TRIP_MS] - median[0]) / ROUND_TRIP_MS, 2),
                        "requests_per_tap": sorted({" + ".join(
                            request.split(" /s/")[0] for request in tap["requests"])
                            for tap in taps}),
                        "redirects_per_tap": sorted({tap["redirects"] for tap in taps}),
                    }
                browser.close()
        finally:
            server.shutdown()
            thread.join(timeout=10)
    return figures


def main() -> dict[str, object]:
    figures = measure()
    print(f"Tap on 'Nästa' to the next screen's load event, {ROUND_TRIP_MS} ms emulated "
          f"round trip (goal with JavaScript: at most {figures['goal_ms']} ms)")
    for kind in ("javascript", "no_javascript"):
        row = figures[kind]
        print(f"  {kind:<14} median {row['median_ms']} ms, max {row['max_ms']} ms "  # type: ignore[index]
              f"({row['median_ms_without_latency']} ms with no latency: "  # type: ignore[index]
              f"{row['round_trips_per_tap']} round trips), requests per tap "  # type: ignore[index]
              f"{row['requests_per_tap']}, redirects {row['redirects_per_tap']}")  # type: ignore[index]
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "round_trip.json").write_text(json.dumps(figures, indent=2) + "\n")
    return figures


if __name__ == "__main__":
    main()
