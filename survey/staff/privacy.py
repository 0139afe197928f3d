"""The förbund's privacy duties: access, correction, deletion, and the audit log."""

from __future__ import annotations

import json
from typing import Any

from flask import Response as FlaskResponse
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import (
    audit,
    i18n,
    invitations,
    recordings,
    retention,
    translation_review,
    validators,
)
from ..auth.access import ADMIN, requires
from ..extensions import db
from ..models import AuditEvent, BornAbroad, Gender, Organisation, Participant, User
from ..validators import age_bounds
from . import bp, scope
from .enrolments import code_field, language_choices
from .forms import (
    AuditFilterForm,
    ConfirmDeleteForm,
    EmptyForm,
    ParticipantForm,
    SettingsForm,
    TranslationReviewForm,
)


@bp.get("/deltagare")
@requires(ADMIN)
def participants() -> Any:
    people = list(db.session.scalars(select(Participant).where(
        Participant.organisation_id == current_user.organisation_id
    ).order_by(Participant.pseudonym)))
    # Codes stored before the rule for codes, or against it: flagged so they get fixed.
    pattern = current_user.organisation.participant_code_pattern
    code_problems = {person.id: problem for person in people
                     if (problem := validators.pseudonym_problem(person.pseudonym, pattern))
                     is not None}
    return render_template("staff/participants.html", people=people,
                           code_problems=code_problems)


@bp.route("/deltagare/<int:participant_id>", methods=["GET", "POST"])
@requires(ADMIN)
def participant(participant_id: int) -> Any:
    person = scope.participant_or_404(participant_id)
    form = ParticipantForm(obj=None)
    form.language.choices = language_choices()
    code_field(form, person.organisation_id, suggest=False)
    if not form.is_submitted():
        form.pseudonym.data = person.pseudonym
        form.gender.data = str(person.gender)
        form.birth_year.data = person.birth_year
        form.born_abroad.data = str(person.born_abroad)
        form.language.data = person.language or ""
    if request.method == "GET":
        audit.record("participant_viewed", participant=person)
        db.session.commit()
    if form.validate_on_submit():
        code = form.pseudonym.data.strip()
        clash = db.session.scalar(select(Participant.id).where(
            Participant.organisation_id == person.organisation_id, Participant.pseudonym == code,
            Participant.id != person.id))
        if clash:
            form.pseudonym.errors.append(_("Koden används redan i förbundet. Välj en annan kod."))
        else:
            person.pseudonym = code
            person.gender = Gender(form.gender.data)
            person.birth_year = form.birth_year.data
            person.born_abroad = BornAbroad(form.born_abroad.data)
            person.language = form.language.data or None
            audit.record("participant_corrected", participant=person)
            db.session.commit()
            flash(_("Uppgifterna är rättade."))
            return redirect(url_for(".participant", participant_id=person.id))
    return render_template("staff/participant.html", person=person, form=form,
                           delete_form=ConfirmDeleteForm(), registry=_registry()), \
        (400 if form.errors else 200)


def _registry():  # type: ignore[no-untyped-def]
    return current_app.extensions["stegvis.questionnaires"]


def everything_about(person: Participant) -> dict[str, Any]:
    """All that is stored about one participant (GDPR art. 15), as plain data."""
    return {
        "deltagarkod": person.pseudonym,
        "kön": str(person.gender),
        "födelseår": person.birth_year,
        "född_utomlands": str(person.born_abroad),
        "språk": person.language,
        "registrerad": person.created_at.isoformat(timespec="seconds"),
        "inskrivningar": [
            {
                "insats": e.insats.name,
                "ort": e.site.name if e.site else None,
                "startdatum": e.start_date.isoformat(),
                "slutdatum": e.end_date.isoformat() if e.end_date else None,
                "avslutsorsak": str(e.exit_outcome) if e.exit_outcome else None,
                "försörjning_start": e.income_start,
                "försörjning_avslut": e.income_exit,
                "enkäter": [
                    {
                        "enkät": f"{i.questionnaire_key}/v{i.questionnaire_version}",
                        "tillfälle": invitations.occasion_of(i),
                        "skapad": i.created_at.isoformat(timespec="seconds"),
                        "svar": None if i.response is None else {
                            "språk": i.response.language,
                            "lättläst": i.response.easy,
                            "stöd": str(i.response.assisted),
                            "påbörjad": i.response.started_at.isoformat(timespec="seconds"),
                            "inskickad": i.response.submitted_at.isoformat(timespec="seconds")
                            if i.response.submitted_at else None,
                            "svar": [
                                {"fråga": a.item_id, "värde": a.value, "kommentar": a.comment}
                                for a in sorted(i.response.answers, key=lambda a: a.item_id)
                            ],
                        },
                    }
                    for i in e.invitations
                ],
            }
            for e in person.enrolments
        ],
    }


@bp.get("/deltagare/<int:participant_id>/export")
@requires(ADMIN)
def export_participant(participant_id: int) -> Any:
    person = scope.participant_or_404(participant_id)
    body = json.dumps(everything_about(person), ensure_ascii=False, indent=2)
    audit.record("participant_exported", participant=person)
    db.session.commit()
    return FlaskResponse(body, mimetype="application/json", headers={
        "Content-Disposition": f"attachment; filename=deltagare-{person.id}.json",
        "Cache-Control": "no-store"})


@bp.post("/deltagare/<int:participant_id>/radera")
@requires(ADMIN)
def delete_participant(participant_id: int) -> Any:
    person = scope.participant_or_404(participant_id)
    form = ConfirmDeleteForm()
    if form.validate_on_submit() and form.confirm.data.strip() == person.pseudonym:
        code = person.pseudonym
        db.session.delete(person)
        audit.record("participant_deleted", code)
        db.session.commit()
        flash(_("%(code)s och alla svar är raderade.", code=code))
        return redirect(url_for(".participants"))
    flash(_("Inget raderades: skriv deltagarkoden exakt för att bekräfta."))
    return redirect(url_for(".participant", participant_id=person.id))


# The filter's choice for every report shown or downloaded (audit.REPORT_ACTIONS).
REPORTS = "rapporter"


@bp.get("/logg")
@requires(ADMIN)
def audit_log() -> Any:
    own = AuditEvent.organisation_id == current_user.organisation_id
    form = AuditFilterForm(request.args)
    actions = db.session.scalars(select(AuditEvent.action).where(own).distinct()
                                 .order_by(AuditEvent.action)).all()
    form.handelse.choices = [("", _("Alla händelser")),
                             (REPORTS, _("Rapporter (visade och nedladdade)")),
                             *[(action, action) for action in actions]]
    users = db.session.execute(select(User.id, User.name).where(
        User.organisation_id == current_user.organisation_id).order_by(User.name)).all()
    form.vem.choices = [("", _("Alla")), *[(str(user_id), name) for user_id, name in users]]
    query = select(AuditEvent).where(own)
    valid = form.validate()
    if valid:
        if form.handelse.data == REPORTS:
            query = query.where(AuditEvent.action.in_(audit.REPORT_ACTIONS.values()))
        elif form.handelse.data:
            query = query.where(AuditEvent.action == form.handelse.data)
        if form.vem.data:
            query = query.where(AuditEvent.user_id == int(form.vem.data))
        if form.sok.data:
            query = query.where(AuditEvent.subject.icontains(form.sok.data.strip(),
                                                             autoescape=True))
    events = db.session.scalars(
        query.options(selectinload(AuditEvent.user), selectinload(AuditEvent.participant))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(500))
    return render_template("staff/audit.html", events=list(events) if valid else [],
                           form=form), (200 if valid else 400)


@bp.route("/installningar", methods=["GET", "POST"])
@requires(ADMIN)
def settings() -> Any:
    organisation = _own_organisation()
    form = SettingsForm()
    if form.validate_on_submit() and _covers_followups(form, organisation):
        organisation.followup_points = ",".join(sorted(form.followup_points.data or (), key=int))
        organisation.followup_link_days = form.followup_link_days.data
        organisation.retention_months = form.retention_months.data
        organisation.admins_need_totp = bool(form.admins_need_totp.data)
        organisation.privacy_contact = form.privacy_contact.data
        organisation.work_outcomes = ",".join(form.work_outcomes.data)
        organisation.pagaende_due_days = form.pagaende_due_days.data
        organisation.midway_self_assessment = bool(form.midway_self_assessment.data)
        organisation.participant_code_pattern = form.participant_code_pattern.data
        organisation.resend_after_days = form.resend_after_days.data
        organisation.age_bands = ",".join(map(str, age_bounds(form.age_bands.data) or ()))
        audit.record("settings_changed", f"retention_months={organisation.retention_months}, "
                                         f"admins_need_totp={organisation.admins_need_totp}, "
                                         f"privacy_contact={organisation.privacy_contact}, "
                                         f"work_outcomes={organisation.work_outcomes}, "
                                         f"pagaende_due_days={organisation.pagaende_due_days}, "
                                         "midway_self_assessment="
                                         f"{organisation.midway_self_assessment}, "
                                         "participant_code_pattern="
                                         f"{organisation.participant_code_pattern}, "
                                         f"resend_after_days={organisation.resend_after_days}, "
                                         f"age_bands={organisation.age_bands}, "
                                         f"followup_points={organisation.followup_points}, "
                                         "followup_link_days="
                                         f"{organisation.followup_link_days}")
        db.session.commit()
        flash(_("Inställningarna är sparade."))
        return redirect(url_for(".settings"))
    return _settings_page(organisation, form if form.is_submitted() else None), (
        400 if form.errors else 200)


def _covers_followups(form: SettingsForm, organisation: Organisation) -> bool:
    """The retention period must cover the last follow-up and its link's life
    (retention.months_needed); the error goes on the field that changed: a shorter period,
    or follow-ups that need a longer one than the förbund keeps."""
    needed = retention.months_needed(map(int, form.followup_points.data or ()),
                                     form.followup_link_days.data)
    if form.retention_months.data >= needed:
        return True
    if form.retention_months.data != organisation.retention_months:
        form.retention_months.errors.append(_(
            "Behåll uppgifterna minst %(needed)d månader efter avslut, så att den sista "
            "uppföljningen och dess länk hinner bli klara. Eller ändra uppföljningarna först.",
            needed=needed))
    else:
        form.followup_points.errors.append(_(
            "De här uppföljningarna kräver att uppgifterna behålls minst %(needed)d månader "
            "efter avslut, men förbundet behåller dem %(months)d månader. Ändra den tiden "
            "också.", needed=needed, months=form.retention_months.data))
    return False


@bp.post("/installningar/granskning")
@requires(ADMIN)
def sign_off_translation() -> Any:
    """Record who reviewed one translated questionnaire version (issue 12)."""
    organisation = _own_organisation()
    form = TranslationReviewForm()
    if form.validate_on_submit() and translation_review.sign_off(
            form.language.data, form.questionnaire.data, form.reviewer.data.strip()):
        db.session.commit()
        flash(_("Granskningen är registrerad."))
        return redirect(url_for(".settings"))
    db.session.rollback()
    error = " ".join(str(e) for e in form.reviewer.errors) or _(
        "Den översättningen finns inte eller är redan granskad.")
    return _settings_page(organisation, review_error=error), 400


def _own_organisation() -> Organisation:
    organisation = db.session.get(Organisation, current_user.organisation_id)
    if organisation is None:
        abort(404)
    return organisation


def _settings_page(organisation: Organisation, form: SettingsForm | None = None,
                   review_error: str | None = None) -> str:
    """The settings page; `form` is the submitted settings form, or None for the stored
    values."""
    if form is None:
        form = SettingsForm(formdata=None)
        form.retention_months.data = organisation.retention_months
        form.admins_need_totp.data = organisation.admins_need_totp
        form.privacy_contact.data = organisation.privacy_contact
        form.work_outcomes.data = list(organisation.counted_outcomes)
        form.pagaende_due_days.data = organisation.pagaende_due_days
        form.midway_self_assessment.data = organisation.midway_self_assessment
        form.participant_code_pattern.data = organisation.participant_code_pattern
        form.resend_after_days.data = organisation.resend_after_days
        form.age_bands.data = organisation.age_bands.replace(",", ", ")
        form.followup_points.data = [str(months) for months in organisation.followup_months]
        form.followup_link_days.data = organisation.followup_link_days
    return render_template("staff/settings.html", form=form, organisation=organisation,
                           translations=i18n.translation_status(),
                           reviews=translation_review.rows(), review_error=review_error,
                           coverage=recordings.coverage(
                               organisation.id, current_app.extensions["stegvis.questionnaires"]),
                           empty_form=EmptyForm())
