"""Numbers in the reader's language (analysis/numbers.py) and the charts' legends and
colours (analysis/charts.py)."""

from __future__ import annotations

import re

from analysis import build_report
from analysis.charts import change_alt, change_chart, indicator_alt, indicator_chart, shades
from analysis.numbers import SWEDISH, Numbers
from analysis.synthetic import self_assessment
from questionnaires import Registry

NBSP = "\u00a0"


def test_swedish_and_english_numbers() -> None:
    english = Numbers("en")
    assert SWEDISH.percent(0.9) == f"90{NBSP}%" and english.percent(0.9) == "90%"
    assert SWEDISH.decimal(0.9) == "0,9" and english.decimal(0.9) == "0.9"
    assert SWEDISH.decimal(1, 2) == "1,00"
    assert SWEDISH.integer(12345) == f"12{NBSP}345" and english.integer(12345) == "12,345"
    assert SWEDISH.p_value(0.0004) == "< 0,001" and english.p_value(0.0004) == "< 0.001"
    assert SWEDISH.p_value(0.0231) == "0,023"


def test_six_steps_get_six_colours() -> None:
    colours = shades("Oranges", 3) + shades("Blues", 3)
    assert len(set(colours)) == 6
    assert len(set(shades("Blues", 5))) == 5 and shades("Blues", 0) == []


def _six_step_report() -> dict:
    rows = []
    # Five people per step: a published count of 5 is never 0, so every step is drawn.
    for i in range(30):
        rows += self_assessment(f"P{i}", [1 + i % 6] * 5, [1 + (i + 2) % 6] * 5)
    return build_report(rows)


def test_six_step_chart_has_every_label_and_colour() -> None:
    report = _six_step_report()
    ident = next(i for i in report["indicators"] if i.startswith("sjalvskattning/"))
    items = report["indicators"][ident]["avslut"]
    svg = indicator_chart(items, Registry.load(), ident)
    registry = Registry.load()
    key, _sep, version = ident.partition("/v")
    labels = [step.label.standard for step in registry.get(key, int(version)).scale.steps]
    # Matplotlib writes each text as a comment before its glyphs: every label is whole.
    comments = re.findall(r"<!-- (.*?) -->", svg)
    assert all(label in comments for label in labels), (labels, comments)
    fills = set(re.findall(r"fill: (#[0-9a-f]{6})", svg))
    assert len(fills & set(shades("Oranges", 3) + shades("Blues", 3))) == 6
    alt = indicator_alt(items)
    assert alt.startswith("Andel positiva svar per fråga: Aktivitetsnivå ")


def test_change_chart_in_english() -> None:
    report = _six_step_report()
    ident = next(i for i in report["change"])
    dims = report["change"][ident]
    words = {"förbättrade": "improved", "oförändrade": "unchanged", "försämrade": "worse",
             "Aktivitetsnivå": "Activity level",
             "Andel förbättrade per område: %(parts)s.": "Share improved per area: %(parts)s."}
    svg = change_chart(dims, lambda s: words.get(s, s), Numbers("en"))
    comments = re.findall(r"<!-- (.*?) -->", svg)
    assert {"improved", "unchanged", "worse", "Activity level"} <= set(comments)
    assert "100%" in comments or "50%" in comments
    assert change_alt(dims, lambda s: words.get(s, s), Numbers("en")).startswith(
        "Share improved per area: Activity level ")
