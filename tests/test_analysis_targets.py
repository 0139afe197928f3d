"""Target verdicts and how thresholds are written."""

from __future__ import annotations

import pytest

from analysis.numbers import Numbers
from analysis.targets import Target, check_target, parse_target, parse_threshold, target_sentence

GREAT_USE = Target("nytta", "avslut", 0.9)


@pytest.mark.parametrize("text", ["0.9", "90", "90%", "0,9", " 90 % "])
def test_threshold_as_fraction_or_percent(text: str) -> None:
    assert parse_threshold(text) == pytest.approx(0.9)


def test_bad_targets_are_refused() -> None:
    with pytest.raises(ValueError, match="FRÅGA:TILLFÄLLE:MÅL"):
        parse_target("nytta:90")
    with pytest.raises(ValueError, match="tillfälle"):
        parse_target("nytta:slut:90")
    with pytest.raises(ValueError):
        parse_threshold("150")


def test_met() -> None:
    result = check_target(GREAT_USE, 29, 27)
    assert result["verdict"] == "met"
    assert result["met_at_lower_bound"] is False
    # Babel writes a no-break space between number and per cent sign (CLDR, sv).
    assert target_sentence(result) == (
        "Stöd till stor nytta: 93\u00a0% (27 av 29), målet 90\u00a0% är uppnått"
    )
    english = {"Stöd till stor nytta": "Support of great use",
               "%(name)s: %(share)s (%(positive)s av %(n)s)": "%(name)s: %(share)s (%(positive)s "
                                                               "of %(n)s)",
               "målet %(goal)s är uppnått": "the target %(goal)s is met"}
    assert target_sentence(result, 5, lambda s: english.get(s, s), Numbers("en")) == (
        "Support of great use: 93% (27 of 29), the target 90% is met")


def test_met_even_at_lower_bound() -> None:
    result = check_target(Target("nytta", "avslut", 0.7), 100, 95)
    assert result["verdict"] == "met"
    assert result["met_at_lower_bound"] is True
    assert "nedre gräns" in target_sentence(result)


def test_not_met() -> None:
    result = check_target(GREAT_USE, 20, 17)
    assert result["verdict"] == "not_met"
    assert "inte uppnått" in target_sentence(result)


def test_exactly_at_the_target_is_met() -> None:
    assert check_target(GREAT_USE, 10, 9)["verdict"] == "met"


def test_too_few_answers() -> None:
    result = check_target(GREAT_USE, 4, 4)
    assert result["verdict"] == "too_few"
    assert result["met_at_lower_bound"] is None
    assert result["n"] == 4 and result["share"] == 1.0
    assert check_target(GREAT_USE, 6, 6, min_answers=8)["verdict"] == "too_few"
    assert "för få svar" in target_sentence(result)
