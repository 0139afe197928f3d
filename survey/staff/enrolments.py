"""Enrolling a participant, the enrolment page, and recording the exit."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from .. import audit, i18n, participants
from ..auth.access import STAFF, requires
from ..extensions import db
from ..models import BornAbroad, ExitOutcome, Gender, Organisation, utcnow
from . import bp, scope, status
from .forms import EmptyForm, EnrolForm, ExitForm, HandoverForm, InvitationForm, choices
from .overview import shown_slots, with_status


def language_choices() -> list[tuple[str, str]]:
    return choices([("", _("– välj senare –"))] + [
        (language.code, language.native_name) for language in i18n.PARTICIPANT_LANGUAGES
    ])


def code_field(form: Any, organisation_id: int, suggest: bool) -> None:
    """The participant code field by the förbund's settings: its own format, or a code
    Stegvis makes (`suggest`: filled in on a new form)."""
    pattern = db.session.get(Organisation, organisation_id).participant_code_pattern
    form.code_pattern = pattern
    if pattern:
        form.pseudonym.description = _(
            "Koden ur förbundets register, i förbundets format (%(pattern)s). Skriv aldrig "
            "namn eller personnummer.", pattern=pattern)
    elif not suggest:
        form.pseudonym.description = _(
            "Ändra koden också i er egen förteckning utanför Stegvis. Skriv aldrig namn eller "
            "personnummer.")
    elif not form.is_submitted():
        form.pseudonym.data = participants.new_code(organisation_id)


@bp.route("/insatser/<int:insats_id>/deltagare/ny", methods=["GET", "POST"])
@requires(STAFF)
def enrol(insats_id: int) -> Any:
    insats = scope.insats_or_404(insats_id)
    form = EnrolForm()
    form.site.choices = choices((site.id, site.name) for site in insats.sites)
    form.language.choices = language_choices()
    code_field(form, insats.organisation_id, suggest=True)
    if form.validate_on_submit():
        code = form.pseudonym.data.strip()
        if participants.find_participant(insats.organisation_id, code) is not None:
            form.pseudonym.errors.append(
                _("Koden används redan i förbundet. Välj en annan kod."))
        else:
            person = participants.Person(
                gender=Gender(form.gender.data), birth_year=form.birth_year.data,
                born_abroad=BornAbroad(form.born_abroad.data), language=form.language.data or None)
            site = next((s for s in insats.sites if s.id == form.site.data), None)
            enrolment = participants.find_or_enrol(
                insats, code, person, site, form.start_date.data,
                form.income_start.data).enrolment
            db.session.flush()
            audit.record("enrolled", insats.name, participant=enrolment.participant)
            db.session.commit()
            flash(_("%(code)s är inskriven.", code=code))
            return redirect(url_for(".enrolment", enrolment_id=enrolment.id))
    return render_template("staff/enrol.html", form=form, insats=insats), \
        (400 if form.errors else 200)


@bp.get("/inskrivningar/<int:enrolment_id>")
@requires(STAFF)
def enrolment(enrolment_id: int) -> Any:
    enrolment = scope.enrolment_or_404(enrolment_id)
    audit.record("enrolment_viewed", enrolment.insats.name, participant=enrolment.participant)
    db.session.commit()
    ((_same, enrolment_status),) = with_status([enrolment])
    return render_template(
        "staff/enrolment.html", enrolment=enrolment, status=enrolment_status,
        slots=shown_slots(enrolment.insats), labels=status.translated_labels(),
        invite_form=InvitationForm(),
        handover_form=HandoverForm(), empty_form=EmptyForm(),
    )


@bp.route("/inskrivningar/<int:enrolment_id>/avslut", methods=["GET", "POST"])
@requires(STAFF)
def record_exit(enrolment_id: int) -> Any:
    enrolment = scope.enrolment_or_404(enrolment_id)
    form = ExitForm()
    if not form.is_submitted():
        form.end_date.data = enrolment.end_date or utcnow().date()
        form.exit_outcome.data = str(enrolment.exit_outcome) if enrolment.exit_outcome else None
        form.income_exit.data = enrolment.income_exit or []
        form.left_early.data = enrolment.left_early
    if form.validate_on_submit():
        if form.end_date.data < enrolment.start_date:
            form.end_date.errors.append(_("Slutdatum kan inte vara före startdatum."))
        else:
            enrolment.end_date = form.end_date.data
            enrolment.exit_outcome = ExitOutcome(form.exit_outcome.data)
            enrolment.income_exit = sorted(form.income_exit.data or [])
            enrolment.left_early = bool(form.left_early.data)
            audit.record("exit_recorded", f"{enrolment.insats.name}: {enrolment.exit_outcome}",
                         participant=enrolment.participant)
            db.session.commit()
            flash(_("Avslutet är sparat. Glöm inte avslutsenkäterna."))
            return redirect(url_for(".enrolment", enrolment_id=enrolment.id))
    return render_template("staff/exit.html", form=form, enrolment=enrolment), \
        (400 if form.errors else 200)
