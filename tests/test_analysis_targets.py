"""Target verdicts, how thresholds are written, and the sentence a board reads."""

from __future__ import annotations

import pytest

from analysis.figures.targets import check
from analysis.figures.targets import target_sentence as sentence_of
from analysis.numbers import Numbers
from analysis.shares import wilson
from analysis.targets import Target, outcome_target, parse_target, parse_threshold


def target_sentence(*args, **kwargs) -> str:  # type: ignore[no-untyped-def]
    """Babel writes a no-break space before "%" (CLDR); these sentences use plain ones."""
    return sentence_of(*args, **kwargs).replace("\u00a0", " ")


def check_target(target: Target, n: int, positive: int, min_answers: int = 5,
                 dont_know: int = 0) -> dict:  # fmt: skip
    """The target checked on published counts."""
    return check(target, {"n": n, "positive": positive, "dont_know": dont_know}, min_answers)


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


def test_a_target_may_name_its_base() -> None:
    """Issue 24: svarat (the default, as before) leaves vet inte out, alla counts it in."""
    assert parse_target("nytta:avslut:90").base == "answered"
    assert parse_target("Steget=nytta:avslut:90:alla") == Target(
        "nytta", "avslut", 0.9, "Steget", base="all")
    assert parse_target("nytta:avslut:90:svarat").base == "answered"
    with pytest.raises(ValueError, match="svarat eller alla"):
        parse_target("nytta:avslut:90:hälften")
    # 17 positive of 20 who answered and 3 vet inte: 85 % of those who answered, 74 % of all.
    answered = check(Target("nytta", "avslut", 0.8), {"n": 20, "positive": 17, "dont_know": 3}, 5)
    everyone = check(Target("nytta", "avslut", 0.8, base="all"),
                     {"n": 23, "positive": 17, "dont_know": 3}, 5)
    assert (answered["share"], everyone["share"]) == (0.85, 0.7391)
    assert (answered["verdict"], everyone["verdict"]) == ("met_uncertain", "not_met_uncertain")
    assert "(17 av 23; bas: alla som svarade, också vet inte)" in target_sentence(everyone)


def test_a_target_may_name_its_insats() -> None:
    assert parse_target("Steget=nytta:avslut:90") == Target("nytta", "avslut", 0.9, "Steget")
    assert parse_target("nytta:avslut:90").insats is None


def test_met_but_uncertain() -> None:
    # 27 of 29 = 93 % reaches 90 %, but the Wilson interval starts at 78 %.
    result = check_target(GREAT_USE, 29, 27, dont_know=2)
    assert wilson(27, 29)[0] == pytest.approx(0.7804, abs=1e-4)
    assert result["verdict"] == "met_uncertain"
    assert (result["insats"], result["kind"], result["dont_know"]) == (None, "item", 2)
    assert target_sentence(result) == (
        "Stöd till stor nytta: 93 % (27 av 29; bas: de som svarade, utom vet inte), målet 90 % "
        "är uppnått, men osäkert: "
        "osäkerhetsintervallet börjar vid 78 %. 2 svarade vet inte."
    )
    english = {
        "Stöd till stor nytta": "Support of great use",
        "%(name)s: %(share)s (%(positive)s av %(n)s; bas: %(base)s)":
            "%(name)s: %(share)s (%(positive)s of %(n)s; base: %(base)s)",
        "de som svarade, utom vet inte": "those who answered, except don't know",
        "målet %(goal)s är uppnått, men osäkert: osäkerhetsintervallet börjar vid %(low)s.":
            "the target %(goal)s is met, but uncertain: the interval starts at %(low)s.",
        "%(count)s svarade vet inte.": "%(count)s answered don't know.",
    }
    assert target_sentence(result, lambda s: english.get(s, s), Numbers("en")) == (
        "Support of great use: 93% (27 of 29; base: those who answered, except don't know), "
        "the target 90% is met, but uncertain: the interval starts at 78%. 2 answered don't "
        "know.")


def test_met_even_at_lower_bound() -> None:
    # 95 of 100: the interval starts at 88.8 %, above 70 %.
    result = check_target(Target("nytta", "avslut", 0.7), 100, 95, dont_know=0)
    assert result["verdict"] == "met"
    assert target_sentence(result) == (
        "Stöd till stor nytta: 95 % (95 av 100; bas: de som svarade, utom vet inte), målet "
        "70 % är uppnått, även vid "
        "osäkerhetsintervallets nedre gräns (89 %). 0 svarade vet inte."
    )


def test_lower_end_exactly_at_the_target_is_met() -> None:
    low = check_target(GREAT_USE, 100, 95)["ci95"][0]  # as published: 4 decimals
    assert check_target(Target("nytta", "avslut", low), 100, 95)["verdict"] == "met"
    assert check_target(Target("nytta", "avslut", low + 1e-6), 100, 95)["verdict"] == (
        "met_uncertain")


def test_not_met_but_uncertain() -> None:
    # 17 of 20 = 85 % is below 90 %, but the interval reaches 95 %.
    result = check_target(GREAT_USE, 20, 17, dont_know=3)
    assert result["verdict"] == "not_met_uncertain"
    assert target_sentence(result).endswith(
        "målet 90 % är inte uppnått, men osäkert: osäkerhetsintervallet slutar vid 95 %. "
        "3 svarade vet inte.")


def test_not_met() -> None:
    # 10 of 20: the interval ends at 70 %, below 90 %.
    result = check_target(GREAT_USE, 20, 10, dont_know=3)
    assert result["verdict"] == "not_met"
    assert target_sentence(result).endswith(
        "målet 90 % är inte uppnått, inte ens vid osäkerhetsintervallets övre gräns (70 %). "
        "3 svarade vet inte.")


def test_exactly_at_the_target_reaches_it() -> None:
    assert check_target(GREAT_USE, 10, 9)["verdict"] == "met_uncertain"
    assert check_target(GREAT_USE, 10, 8)["verdict"] == "not_met_uncertain"
    assert check_target(GREAT_USE, 10, 5)["verdict"] == "not_met"


def test_too_few_answers() -> None:
    result = check_target(GREAT_USE, 4, 4, dont_know=1)
    assert result["verdict"] == "too_few"
    assert result["n"] == 4 and result["share"] is None and result["few"] is True
    assert target_sentence(result) == (
        "Stöd till stor nytta: färre än 5 svar; målet 90 % kan inte bedömas. Bas: de som "
        "svarade, utom vet inte.")
    more = check_target(GREAT_USE, 6, 6, min_answers=8, dont_know=1)
    assert more["verdict"] == "too_few"
    assert target_sentence(more) == (
        "Stöd till stor nytta: för få svar (6, minst 8 behövs) för att bedöma målet 90 %. "
        "Bas: de som svarade, utom vet inte. 1 svarade vet inte."
    )


def test_published_positive_above_n_is_capped() -> None:
    result = check_target(GREAT_USE, 10, 11)
    assert (result["positive"], result["share"], result["verdict"]) == (10, 1.0, "met_uncertain")


def test_no_figure_gives_no_verdict() -> None:
    # An outcome target on a CSV, which has no exit outcomes.
    result = check(outcome_target(0.25, "Steget"), None, 5)
    assert (result["n"], result["verdict"], result["dont_know"]) == (0, "too_few", None)
    assert target_sentence(result) == (
        "Gått till arbete eller studier (Steget): färre än 5 avslutade; målet 25 % kan inte "
        "bedömas. Bas: alla avslutade, också okänt utfall.")


def test_outcome_target_sentence_names_its_insats_and_has_no_vet_inte() -> None:
    result = check(outcome_target(0.25, "Steget"), {"n": 20, "positive": 6}, 5)
    # 6 of 20 = 30 %, interval 14.5-51.9 %: reaches 25 %, not at the lower end.
    assert (result["kind"], result["verdict"], result["dont_know"]) == (
        "outcome", "met_uncertain", None)
    assert target_sentence(result) == (
        "Gått till arbete eller studier (Steget): 30 % (6 av 20; bas: alla avslutade, också "
        "okänt utfall), målet 25 % är uppnått, men osäkert: osäkerhetsintervallet börjar vid "
        "15 %."
    )


def test_sentence_is_in_the_callers_language() -> None:
    english = {
        "Stöd till stor nytta": "Support of great use",
        "%(name)s: %(share)s (%(positive)s av %(n)s; bas: %(base)s)":
            "%(name)s: %(share)s (%(positive)s of %(n)s; base: %(base)s)",
        "de som svarade, utom vet inte": "those who answered, except don't know",
        "målet %(goal)s är inte uppnått, inte ens vid osäkerhetsintervallets övre gräns "
        "(%(high)s).": "the target of %(goal)s is not met, not even at the interval's upper "
                       "end (%(high)s).",
        "%(count)s svarade vet inte.": "%(count)s answered don't know.",
    }
    result = check_target(GREAT_USE, 20, 10, dont_know=3)
    assert target_sentence(result, lambda text: english.get(text, text)) == (
        "Support of great use: 50 % (10 of 20; base: those who answered, except don't know), "
        "the target of 90 % is not met, not even at the interval's upper end (70 %). 3 "
        "answered don't know."
    )
