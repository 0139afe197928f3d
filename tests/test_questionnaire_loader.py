"""The loader accepts the shipped files and refuses bad ones, naming file, item, problem."""

from __future__ import annotations

import copy
import re
import tomllib
from pathlib import Path

import pytest

from questionnaires import QuestionnaireError, Registry, load_file, parse
from questionnaires.loader import DEFAULT_DIRECTORY
from questionnaires.vocabulary import ExitOutcome, IncomeSource, values
from survey import create_app

INDICATORS = DEFAULT_DIRECTORY / "finsam-indikatorer-v2.toml"


def good() -> dict:
    with INDICATORS.open("rb") as handle:
        return tomllib.load(handle)


def test_shipped_questionnaires():
    registry = Registry.load()
    indicators = registry.latest("finsam-indikatorer")
    assert [i.id for i in indicators.items] == [
        "delaktighet", "bemotande", "samordning", "behov", "nytta", "redo", "planering"
    ]
    assert indicators.occasions == ("pagaende", "avslut")
    assert indicators.scale.positive == {3, 4}
    assert indicators.scale.values == {1, 2, 3, 4}
    assert indicators.scale.dont_know is not None
    assessment = registry.latest("sjalvskattning")
    assert [i.id for i in assessment.items] == [
        "aktivitet", "fysisk_halsa", "psykisk_halsa", "balans", "framtid", "arbete_studier"
    ]
    # Version 1 stays loadable for answers already collected, with the same item ids.
    first = registry.get("sjalvskattning", 1)
    assert [i.id for i in first.items] == [i.id for i in assessment.items][:5]
    assert [i.id for i in registry.get("finsam-indikatorer", 1).items] == [
        i.id for i in indicators.items]
    assert assessment.scale.values == set(range(1, 7))
    assert assessment.scale.dont_know is None
    assert all(item.comment for item in assessment.items)
    assert assessment.occasions == ("start", "pagaende", "avslut")


def test_every_item_has_its_own_easy_text_in_short_sentences():
    for questionnaire in Registry.load().all():
        for item in questionnaire.items:
            assert item.text.easy != item.text.standard, item.id
            # Easy Swedish: short sentences.
            for sentence in re.split(r"[.?!]\s*", item.text.easy):
                assert len(sentence.split()) <= 12, (item.id, sentence)


def test_easy_statements_have_no_negation():
    indicators = Registry.load().latest("finsam-indikatorer")
    for item in indicators.items:
        words = item.text.easy.lower().replace(".", "").split()
        assert not {"inte", "ej", "aldrig", "ingen", "inget"} & set(words), item.id


def broken(change) -> dict:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(good())
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format=3), "unknown format number 3"),
        (lambda d: d.pop("format"), "unknown format number None"),
        (lambda d: d["items"].append(dict(d["items"][0])), "item 'delaktighet': duplicate item id"),
        (lambda d: d["scale"].update(positive=[]), "scale without positive values"),
        (lambda d: d["scale"].update(positive=[9]), "positive value 9 is not a step"),
        (lambda d: d["items"][4]["text"].update(lattlast=" "),
         "item 'nytta': missing easy-Swedish text"),
        (lambda d: d["title"].update(lattlast=""), "missing easy-Swedish text 'title.lattlast'"),
        (lambda d: d["items"][0].update(id="Bad Id"), "bad item id 'Bad Id'"),
        (lambda d: d.update(occasions=["sometimes"]), "unknown occasion 'sometimes'"),
        (lambda d: d.update(colour="red"), "unknown key(s) colour"),
        (lambda d: d["items"][2].update(weight=2), "item 'samordning': unknown key(s) weight"),
        (lambda d: d["scale"]["steps"][1].update(value=4), "two steps have the same value"),
        (lambda d: d.update(version="1"), "'version' must be a whole number"),
    ],
)
def test_refusals_name_file_item_and_problem(change, expected):
    with pytest.raises(QuestionnaireError) as error:
        parse(broken(change), "mine-v2.toml")
    assert str(error.value).startswith("mine-v2.toml: ")
    assert expected in str(error.value)


def test_not_toml(tmp_path: Path):
    path = tmp_path / "trasig.toml"
    path.write_text("format = = 1")
    with pytest.raises(QuestionnaireError, match=r"trasig\.toml: not valid TOML"):
        load_file(path)


def test_a_forbund_can_load_its_own_wording_as_a_new_version(tmp_path: Path):
    text = INDICATORS.read_text().replace("version = 2", "version = 3")
    text = text.replace("Stödet har varit till stor nytta för mig.", "Licensierad formulering.")
    (tmp_path / "finsam-indikatorer-v3.toml").write_text(text)
    registry = Registry.load([tmp_path])
    assert registry.latest("finsam-indikatorer").version == 3
    assert registry.get("finsam-indikatorer", 2).item("nytta").text.standard.startswith("Stödet")


def test_same_version_twice_is_refused(tmp_path: Path):
    (tmp_path / "copy.toml").write_text(INDICATORS.read_text())
    with pytest.raises(QuestionnaireError, match="already defined"):
        Registry.load([tmp_path])


def test_a_bad_file_stops_the_app_at_startup(tmp_path: Path):
    text = INDICATORS.read_text().replace("version = 2", "version = 3")
    text = text.replace("format = 2", "format = 7")
    (tmp_path / "bad.toml").write_text(text)
    with pytest.raises(QuestionnaireError, match=r"bad\.toml: unknown format number 7"):
        create_app({"QUESTIONNAIRE_DIRS": [tmp_path], "SECRET_KEY": "x",
                    "SQLALCHEMY_DATABASE_URI": "sqlite://"})


# Choice items (issue 24): answers with a meaning in the vocabulary, no order, no positive side.
FOLLOWUP = DEFAULT_DIRECTORY / "uppfoljning-v1.toml"


def followup() -> dict:
    with FOLLOWUP.open("rb") as handle:
        return tomllib.load(handle)


def test_the_followup_asks_the_exit_outcome_and_income_words():
    questionnaire = Registry.load().latest("uppfoljning")
    assert questionnaire.occasions == ("uppfoljning",)
    assert [i.id for i in questionnaire.items] == ["sysselsattning", "forsorjning", "stod_hjalper"]
    doing, income, helps = questionnaire.items
    # Every answer means a word staff record at exit, so the report can set them side by side.
    assert {c.means for c in doing.choices} <= set(values(ExitOutcome)) - {"okänd"}
    assert {c.means for c in income.choices} == set(values(IncomeSource))
    assert doing.meaning(2) == "studier" and income.meaning(1) == "lon"
    assert doing.meaning(None) is None and doing.meaning(99) is None
    for item in (doing, income):
        scale = questionnaire.scale_for(item)
        assert scale.is_choice and scale.positive == frozenset()
        assert [s.value for s in scale.steps] == [c.value for c in item.choices]
        assert scale.dont_know == questionnaire.scale.dont_know  # "vet inte" is offered
    assert not helps.is_choice and questionnaire.scale_for(helps) is questionnaire.scale
    assert not questionnaire.scale_for(helps).is_choice
    assert questionnaire.scale_items() == (helps,)


def _choices(item: dict) -> list:
    return item["choices"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["items"][0].update(choices=_choices(d["items"][0])[:1]),
         "item 'sysselsattning': 'choices' must list at least two [[items.choices]]"),
        (lambda d: d["items"][0].update(choices=[]),
         "'choices' must list at least two"),
        (lambda d: _choices(d["items"][0])[1].update(value=1),
         "item 'sysselsattning': two choices have the same value"),
        (lambda d: _choices(d["items"][1])[2].pop("means"),
         "item 'forsorjning' choice 3: 'means' must name what the answer means"),
        (lambda d: _choices(d["items"][1])[2].update(means=" "),
         "'means' must name what the answer means"),
        (lambda d: _choices(d["items"][0])[0].update(colour="red"),
         "item 'sysselsattning' choice 1: unknown key(s) colour"),
        (lambda d: _choices(d["items"][0])[0]["label"].update(lattlast=""),
         "missing easy-Swedish text"),
        (lambda d: d["items"][0].update(steps=d["scale"]["steps"]),
         "item 'sysselsattning': an item has either its own 'steps' or 'choices'"),
        # Choices are new in format 2: a format-1 file (no [about], no scale kind) has none.
        (lambda d: [d.update(format=1), d.pop("about"), d["scale"].pop("kind")],
         "item 'sysselsattning': unknown key(s) choices"),
    ],
)
def test_choice_item_refusals(change, expected):
    data = followup()
    change(data)
    with pytest.raises(QuestionnaireError) as error:
        parse(data, "uppfoljning-v1.toml")
    assert expected in str(error.value)
