"""The vocabulary is defined once: the models, forms, CSV checks and report use it."""

from __future__ import annotations

from analysis import rows
from questionnaires import OCCASIONS
from questionnaires import vocabulary as v
from survey import models
from survey.staff import forms


def test_models_store_the_vocabulary():
    assert models.Gender is v.Gender and models.ExitOutcome is v.ExitOutcome
    assert models.Participant.__table__.c.gender.type.enums == list(v.values(v.Gender))
    assert models.Enrolment.__table__.c.exit_outcome.type.enums == list(v.values(v.ExitOutcome))


def test_analysis_and_questionnaires_check_against_it():
    assert rows.GENDERS == ("kvinna", "man", "annat", "okänt")
    assert rows.OCCASIONS == OCCASIONS == ("start", "pagaende", "avslut", "uppfoljning")
    # Rows and the CSV name a follow-up with its point; bare "uppfoljning" is the
    # database's half only.
    assert v.is_occasion("uppfoljning-6") and not v.is_occasion("uppfoljning")
    assert v.followup_months(v.followup_occasion(12)) == 12
    assert list(rows.EXIT_OUTCOMES) == list(v.values(v.ExitOutcome))
    assert rows.EXIT_OUTCOMES["sjukersättning"] == "Sjukersättning"


def test_every_word_has_a_label_for_people(app):
    for vocabulary in (v.Gender, v.BornAbroad, v.ExitOutcome, v.IncomeSource, v.Assisted):
        assert set(forms.LABELS[vocabulary]) == set(v.values(vocabulary))
    with app.test_request_context():
        assert str(forms.label(v.ExitOutcome.sjukersattning)) == "Sjukersättning"
        assert str(forms.label(v.Gender.okant)) == "Vill inte svara"
        assert forms.label("something else") == "something else"
