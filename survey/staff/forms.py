"""Staff forms. Labels are lazy strings: these classes are defined at import time."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    FieldList,
    FormField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from analysis.income import SELF_SUPPORTING
from questionnaires.vocabulary import (
    FOLLOWUP_MONTHS_ALLOWED,
    Assisted,
    BornAbroad,
    ExitOutcome,
    Gender,
    IncomeSource,
    Occasion,
)

from .. import validators
from ..models import INDICATORS_DEFAULT, SELF_ASSESSMENT_DEFAULT, Role, TargetBase, TargetKind


def choices(pairs):  # type: ignore[no-untyped-def]
    """WTForms 3.3 wants SelectChoice objects rather than (value, label) tuples."""
    return [SelectChoice(value, label) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


GENDER_CHOICES = choices([
    (Gender.kvinna.value, _l("Kvinna")),
    (Gender.man.value, _l("Man")),
    (Gender.annat.value, _l("Annat")),
    (Gender.okant.value, _l("Vill inte svara")),
])
BORN_ABROAD_CHOICES = choices([
    (BornAbroad.nej.value, _l("Född i Sverige")),
    (BornAbroad.ja.value, _l("Född utomlands")),
    (BornAbroad.okant.value, _l("Okänt")),
])
INCOME_CHOICES = choices([
    (IncomeSource.forsorjningsstod.value, _l("Försörjningsstöd")),
    (IncomeSource.sjukpenning.value, _l("Sjukpenning")),
    (IncomeSource.aktivitetsersattning.value, _l("Aktivitetsersättning")),
    (IncomeSource.sjukersattning.value, _l("Sjukersättning")),
    (IncomeSource.arbetsformedlingen.value, _l("Ersättning från Arbetsförmedlingen")),
    (IncomeSource.lon.value, _l("Lön")),
    (IncomeSource.studiemedel.value, _l("Studiemedel")),
    (IncomeSource.ingen.value, _l("Ingen egen inkomst")),
    (IncomeSource.annat.value, _l("Annat")),
])
EXIT_CHOICES = choices([
    (ExitOutcome.arbete.value, _l("Arbete")),
    (ExitOutcome.studier.value, _l("Studier")),
    (ExitOutcome.arbetssokande.value, _l("Arbetssökande")),
    (ExitOutcome.arbetslivsinriktad_rehabilitering.value, _l("Arbetslivsinriktad rehabilitering")),
    (ExitOutcome.medicinsk_rehabilitering.value, _l("Medicinsk rehabilitering")),
    (ExitOutcome.sjukersattning.value, _l("Sjukersättning")),
    (ExitOutcome.annan_insats.value, _l("Annan insats")),
    (ExitOutcome.annat.value, _l("Annat")),
    (ExitOutcome.okand.value, _l("Okänd")),
])
ASSISTED_CHOICES = choices([
    (Assisted.sjalv.value, _l("Deltagaren svarar själv")),
    (Assisted.handledare.value, _l("Med stöd av handledaren")),
    (Assisted.tolk.value, _l("Med tolk")),
])
ROLE_CHOICES = choices([(Role.handledare.value, _l("Handledare")),
                        (Role.admin.value, _l("Förbundsadmin"))])

# The translated label of each word of the vocabulary, for pages that show a stored value
# (the `label` template filter).
LABELS = {
    vocabulary: {choice.value: choice.label for choice in choices_of}
    for vocabulary, choices_of in ((Gender, GENDER_CHOICES), (BornAbroad, BORN_ABROAD_CHOICES),
                                   (IncomeSource, INCOME_CHOICES), (ExitOutcome, EXIT_CHOICES),
                                   (Assisted, ASSISTED_CHOICES))
}


def label(value: object) -> object:
    """A stored vocabulary word as people read it (anything else as it is)."""
    return LABELS.get(type(value), {}).get(value, value)  # type: ignore[call-overload]


def _this_year() -> int:
    return dt.date.today().year


class EnrolForm(FlaskForm):
    pseudonym = StringField(
        _l("Deltagarkod (pseudonym)"),
        description=_l("Stegvis har gjort koden. Skriv upp vem den hör till i er egen "
                       "förteckning utanför Stegvis. Skriv aldrig namn eller personnummer här."),
        validators=[
            DataRequired(_l("Skriv en deltagarkod.")),
            validators.pseudonym,
        ],
    )
    gender = RadioField(_l("Kön"), choices=GENDER_CHOICES,
                        validators=[InputRequired(_l("Välj ett alternativ."))])
    birth_year = IntegerField(
        _l("Födelseår"),
        validators=[Optional(), NumberRange(min=1920, max=2015,
                                            message=_l("Skriv ett år mellan 1920 och 2015."))],
    )
    born_abroad = RadioField(_l("Född"), choices=BORN_ABROAD_CHOICES,
                             default=BornAbroad.okant.value,
                             validators=[InputRequired(_l("Välj ett alternativ."))])
    site = SelectField(_l("Ort"), coerce=int, validators=[InputRequired(_l("Välj en ort."))])
    start_date = DateField(_l("Startdatum"), default=dt.date.today,
                           validators=[InputRequired(_l("Skriv ett datum."))])
    income_start = MultiCheckboxField(_l("Försörjning vid start"), choices=INCOME_CHOICES)
    language = SelectField(_l("Språk deltagaren läser bäst"), validators=[Optional()])


class ExitForm(FlaskForm):
    end_date = DateField(_l("Slutdatum"), validators=[InputRequired(_l("Skriv ett datum."))])
    exit_outcome = RadioField(_l("Avslutsorsak"), choices=EXIT_CHOICES,
                              validators=[InputRequired(_l("Välj en avslutsorsak."))])
    income_exit = MultiCheckboxField(_l("Försörjning vid avslut"), choices=INCOME_CHOICES)
    left_early = BooleanField(_l("Avbrott: deltagaren slutade innan insatsen var klar"))


def _listed(field: SelectField) -> None:
    """A questionnaire among the field's choices (the loaded ones that fit)."""
    if field.data not in {choice.value for choice in field.choices}:  # type: ignore[union-attr]
        raise ValidationError(_l("Välj ett frågeformulär i listan."))


# Whom a target's share is of (models.TargetBase); a new target counts vet inte in.
ANSWER_BASE_CHOICES = choices([
    (TargetBase.all.value, _l("Alla som svarat, också vet inte")),
    (TargetBase.answered.value, _l("De som svarat, utom vet inte")),
])
OUTCOME_BASE_CHOICES = choices([
    (TargetBase.all.value, _l("Alla, också okänt utfall eller vet inte")),
    (TargetBase.answered.value, _l("De med känt utfall, utom vet inte")),
])
# An outcome set: the exit outcomes (okänd is no outcome to aim at) and self-supporting.
OUTCOME_SET_CHOICES = [choice for choice in EXIT_CHOICES
                       if choice.value != ExitOutcome.okand.value] + choices([
    (SELF_SUPPORTING, _l("Egen försörjning (lön eller studiemedel)"))])
OUTCOME_KIND_CHOICES = choices([
    (TargetKind.outcome.value, _l("Vid avslut")),
    (TargetKind.outcome_within.value, _l("Inom en tid från start")),
    (TargetKind.followup.value, _l("Vid en uppföljning efter avslut")),
])
PERCENT = [Optional(), NumberRange(min=1, max=100, message=_l("Skriv ett tal mellan 1 och 100."))]


class TargetForm(Form):
    # One of the insats's questionnaires and one of its items: staff/insatser.py checks
    # them together, with our own words.
    questionnaire = SelectField(_l("Frågeformulär"), default=INDICATORS_DEFAULT,
                                validate_choice=False)
    item_id = SelectField(_l("Fråga"), validators=[Optional()], validate_choice=False)
    occasion = SelectField(_l("Tillfälle"), choices=choices([
        (Occasion.avslut.value, _l("Avslut")), (Occasion.pagaende.value, _l("Pågående"))]))
    percent = IntegerField(_l("Mål i procent"), validators=[
        Optional(), NumberRange(min=1, max=100, message=_l("Skriv ett tal mellan 1 och 100."))])
    base = SelectField(_l("Andel av"), choices=ANSWER_BASE_CHOICES, default=TargetBase.all.value)


class ImprovedTargetForm(Form):
    """The share of those who answered at start and avslut who improved on a dimension."""

    item_id = SelectField(_l("Självskattning"), validators=[Optional()])
    percent = IntegerField(_l("Mål i procent"), validators=PERCENT)
    base = SelectField(_l("Andel av"), choices=ANSWER_BASE_CHOICES, default=TargetBase.all.value)


class OutcomeTargetForm(Form):
    """The share in a set of outcomes at exit, within months of start, or at a follow-up."""

    kind = SelectField(_l("När"), choices=OUTCOME_KIND_CHOICES,
                       default=TargetKind.outcome_within.value)
    months = IntegerField(_l("Antal månader"), description=_l(
        "Inom en tid: månader från start. Uppföljning: uppföljningen så många månader efter "
        "avslut."), validators=[Optional(), NumberRange(
            min=1, max=60, message=_l("Skriv ett antal månader mellan 1 och 60."))])
    outcomes = MultiCheckboxField(_l("Räknas"), choices=OUTCOME_SET_CHOICES, description=_l(
        "Inget ikryssat: förbundets lista för arbete eller studier."))
    percent = IntegerField(_l("Mål i procent"), validators=PERCENT)
    base = SelectField(_l("Andel av"), choices=OUTCOME_BASE_CHOICES,
                       default=TargetBase.all.value)

    def validate(self, extra_validators: Any = None) -> bool:
        """The months and outcomes a row needs for its kind (checked here: an empty
        field's Optional() ends its own validators)."""
        fine = super().validate(extra_validators)
        if not self.percent.data:
            return fine
        problem = None
        kind, months = self.kind.data, self.months.data
        if kind != TargetKind.outcome.value and not months and not self.months.errors:
            problem = self.months, _l("Skriv antal månader.")
        elif kind == TargetKind.followup.value and months and \
                months not in FOLLOWUP_MONTHS_ALLOWED:
            problem = self.months, _l("Uppföljningar görs efter %(months)s månader.",
                                      months=", ".join(map(str, FOLLOWUP_MONTHS_ALLOWED)))
        elif kind == TargetKind.outcome.value and not self.outcomes.data:
            problem = self.outcomes, _l("Kryssa i vad som räknas. Förbundets lista vid "
                                        "avslut är målet om arbete eller studier ovan.")
        if problem is None:
            return fine
        problem[0].errors = [*problem[0].errors, problem[1]]
        return False


class InsatsForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv ett namn.")),
                                               Length(max=200), validators.plain_text])
    start_date = DateField(_l("Startdatum"), validators=[Optional()])
    end_date = DateField(_l("Slutdatum"), validators=[Optional()])
    sites = TextAreaField(_l("Orter (en per rad)"), validators=[
        DataRequired(_l("Skriv minst en ort.")), Length(max=4000), validators.plain_text])
    staff = MultiCheckboxField(_l("Handledare"), coerce=int)
    # The questionnaires the insats hands out (choices: the loaded ones that fit the role).
    indicators_key = SelectField(
        _l("Indikatorfrågor"), default=INDICATORS_DEFAULT, validate_choice=False,
        description=_l("Frågeformuläret vid pågående och avslut. Ett frågeformulär som "
                       "förbundet läst in, till exempel det nationella, går att välja här."))
    self_assessment_key = SelectField(
        _l("Självskattning"), default=SELF_ASSESSMENT_DEFAULT, validate_choice=False,
        description=_l("Frågeformuläret vid start och avslut."))
    targets = FieldList(FormField(TargetForm), min_entries=0)
    improved_targets = FieldList(FormField(ImprovedTargetForm), min_entries=0)
    outcome_targets = FieldList(FormField(OutcomeTargetForm), min_entries=0)
    work_target = IntegerField(
        _l("Mål: andel avslutade som gått till arbete eller studier, i procent"),
        validators=[Optional(), NumberRange(min=1, max=100,
                                            message=_l("Skriv ett tal mellan 1 och 100."))])

    def validate_end_date(self, field: DateField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("Slutdatum kan inte vara före startdatum."))

    def validate_indicators_key(self, field: SelectField) -> None:
        _listed(field)

    def validate_self_assessment_key(self, field: SelectField) -> None:
        _listed(field)
        if field.data and field.data == self.indicators_key.data:
            raise ValidationError(_l("Välj olika frågeformulär för indikatorfrågor och "
                                     "självskattning."))

    def site_names(self) -> list[str]:
        names = [line.strip() for line in (self.sites.data or "").splitlines()]
        return list(dict.fromkeys(name for name in names if name))


class InvitationForm(FlaskForm):
    slot = StringField(validators=[DataRequired()])


class HandoverForm(FlaskForm):
    assisted = RadioField(_l("Hur svarar deltagaren?"), choices=ASSISTED_CHOICES,
                          default=Assisted.sjalv.value,
                          validators=[InputRequired(_l("Välj ett alternativ."))])


class EmailInvitationForm(FlaskForm):
    email = EmailField(_l("Deltagarens e-post"),
                       description=_l(
                           "Adressen används bara för det här utskicket och sparas inte."),
                       validators=[DataRequired(_l("Skriv en e-postadress.")),
                                   Email(_l("Skriv en giltig e-postadress.")), Length(max=254)])


class UserForm(FlaskForm):
    name = StringField(_l("Namn"), validators=[DataRequired(_l("Skriv ett namn.")),
                                               Length(max=200), validators.plain_text])
    email = EmailField(_l("E-post"), validators=[DataRequired(_l("Skriv en e-postadress.")),
                                                 Email(_l("Skriv en giltig e-postadress.")),
                                                 Length(max=254)])
    role = RadioField(_l("Roll"), choices=ROLE_CHOICES, default=Role.handledare.value,
                      validators=[InputRequired()])
    password = PasswordField(_l("Startlösenord (minst 10 tecken)"), validators=[
        DataRequired(_l("Skriv ett lösenord.")), Length(max=200)])

    def validate_password(self, field: PasswordField) -> None:
        problem = validators.password_problem(field.data or "", self.name.data or "",
                                              self.email.data or "")
        if problem is not None:
            raise ValidationError(problem)


class ResetLoginForm(FlaskForm):
    """An admin gives a colleague who lost their password or phone a new start password."""

    password = PasswordField(_l("Nytt startlösenord (minst 10 tecken)"), validators=[
        DataRequired(_l("Skriv ett lösenord.")), Length(max=200)])

    def __init__(self, user_name: str, user_email: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._user = (user_name, user_email)

    def validate_password(self, field: PasswordField) -> None:
        problem = validators.password_problem(field.data or "", *self._user)
        if problem is not None:
            raise ValidationError(problem)


class TranslationReviewForm(FlaskForm):
    """Sign off one language's translation of one questionnaire version."""

    language = StringField(validators=[DataRequired(), Length(max=16)])
    questionnaire = StringField(validators=[DataRequired(), Length(max=80)])
    reviewer = StringField(
        _l("Granskad av"),
        validators=[DataRequired(_l("Skriv namnet på den som har granskat översättningen.")),
                    Length(max=200), validators.plain_text])


class ConfirmDeleteForm(FlaskForm):
    confirm = StringField(_l("Skriv deltagarkoden för att bekräfta"),
                          validators=[DataRequired(_l("Skriv deltagarkoden."))])


class ParticipantForm(FlaskForm):
    pseudonym = EnrolForm.pseudonym
    gender = EnrolForm.gender
    birth_year = EnrolForm.birth_year
    born_abroad = EnrolForm.born_abroad
    language = SelectField(_l("Språk deltagaren läser bäst"), validators=[Optional()])


class EmptyForm(FlaskForm):
    """Only a CSRF token: for buttons that change something."""


class SettingsForm(FlaskForm):
    retention_months = IntegerField(
        _l("Anonymisera deltagare så här många månader efter avslut"),
        validators=[InputRequired(), NumberRange(min=1, max=120)])
    admins_need_totp = BooleanField(
        _l("Förbundsadmin måste logga in med tvåstegsverifiering (engångskod)"))
    privacy_contact = StringField(
        _l("Kontakt för frågor om personuppgifter"),
        description=_l("Visas för deltagarna i enkätens början och i brevet, t.ex. "
                       "e-postadress och telefonnummer till förbundet."),
        filters=[lambda text: text.strip() if text else ""],
        validators=[Length(max=300), validators.plain_text])
    pagaende_due_days = IntegerField(
        _l("Enkäterna pågående blir aktuella så här många dagar efter start"),
        description=_l("Styr att göra-listan, deltagartabellen och rapportens svarsfrekvens."),
        validators=[InputRequired(), NumberRange(min=1, max=730)])
    midway_self_assessment = BooleanField(
        _l("Självskattningen ställs också pågående, inte bara vid start och avslut"))
    participant_code_pattern = StringField(
        _l("Förbundets eget format för deltagarkoder"),
        description=_l("Lämna tomt så gör Stegvis koderna (t.ex. D-0427). Har förbundet "
                       "egna koder ur ett register: skriv formatet som ett reguljärt uttryck "
                       "som hela koden ska följa, t.ex. SK-[0-9]{3}. Namn och personnummer "
                       "godtas aldrig."),
        filters=[lambda text: text.strip() if text else ""],
        validators=[Length(max=validators.CODE_PATTERN_MAX), validators.code_pattern])
    resend_after_days = IntegerField(
        _l("Erbjud ”Skicka igen” när deltagaren inte har svarat på så här många dagar"),
        description=_l("Gäller en enkät som är skickad eller påbörjad. En länk som har gått "
                       "ut kan alltid skickas igen."),
        validators=[InputRequired(), NumberRange(min=1, max=60)])
    age_bands = StringField(
        _l("Åldersgrupper i rapporten"),
        description=_l("Den lägsta åldern i varje grupp, t.ex. 16, 30, 50 (ger 16–29, 30–49 "
                       "och 50+)."),
        filters=[lambda text: text.strip() if text else ""],
        validators=[InputRequired(), Length(max=40), validators.age_bands])
    followup_points = MultiCheckboxField(
        _l("Uppföljningar efter avslut"),
        description=_l("Hur många månader efter avslutet deltagarna får uppföljningsenkäten. "
                       "Välj ingen för inga uppföljningar."),
        choices=[SelectChoice(str(months), _l("%(months)d månader", months=months))
                 for months in FOLLOWUP_MONTHS_ALLOWED])
    followup_link_days = IntegerField(
        _l("En länk till uppföljningen fungerar så här många dagar"),
        description=_l("Den som har slutat svarar när det passar. Uppgifterna behålls minst "
                       "så länge att den sista uppföljningen och dess länk hinner bli klara."),
        validators=[InputRequired(_l("Skriv ett tal mellan 1 och 90.")),
                    NumberRange(min=1, max=90, message=_l("Skriv ett tal mellan 1 och 90."))])
    active = BooleanField()
    work_outcomes = MultiCheckboxField(
        _l("Avslutsorsaker som räknas som arbete eller studier"),
        description=_l("Används i rapporten och för insatsernas mål om arbete eller studier."),
        choices=[choice for choice in EXIT_CHOICES if choice.value != ExitOutcome.okand.value],
        validators=[DataRequired(_l("Välj minst en avslutsorsak."))])


class AuditFilterForm(FlaskForm):
    """The log page's filter (a GET form that changes nothing)."""

    class Meta:
        csrf = False

    # The choices are checked below, with our own words.
    handelse = SelectField(_l("Händelse"), validators=[Optional()], validate_choice=False)
    vem = SelectField(_l("Vem"), validators=[Optional()], validate_choice=False)
    sok = StringField(_l("Gäller (innehåller)"), validators=[
        Optional(), Length(max=100, message=_l("Högst 100 tecken.")), validators.plain_text],
        description=_l("Till exempel en insats, en ort, en månad (2026-03) eller pdf."))

    def validate_handelse(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:  # type: ignore[union-attr]
            raise ValidationError(_l("Välj en händelse i listan."))

    def validate_vem(self, field: SelectField) -> None:
        if field.data not in {value for value, _label in field.choices}:  # type: ignore[union-attr]
            raise ValidationError(_l("Välj en person i listan."))
