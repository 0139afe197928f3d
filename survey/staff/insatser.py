"""Insatser: the admin creates and edits them (sites, period, targets, handledare)."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from wtforms.fields.choices import SelectChoice

from analysis.figures.targets import base_name, target_name
from analysis.pairs import CHANGE_KEY
from analysis.targets import OUTCOME_ITEM
from questionnaires import Registry

from .. import audit
from ..auth.access import ADMIN, STAFF, requires
from ..extensions import db
from ..models import (
    INDICATORS_DEFAULT,
    SELF_ASSESSMENT_DEFAULT,
    Enrolment,
    ExitOutcome,
    Insats,
    Occasion,
    Role,
    Site,
    Target,
    TargetBase,
    TargetKind,
    User,
)
from ..reports.build import analysis_target as _analysis_target
from . import bp, scope, status
from .forms import InsatsForm, choices, label
from .overview import enrolment_statuses, shown_slots

BLANK_TARGET_ROWS = 2
# The improved and outcome target rows: one blank each (most insatser set one or none).
BLANK_GOAL_ROWS = 1


@bp.get("/insatser/<int:insats_id>")
@requires(STAFF)
def insats(insats_id: int) -> Any:
    insats = scope.insats_or_404(insats_id)
    rows = enrolment_statuses([insats.id])
    registry = _registry()
    used = [status.staff_name(registry.latest(key))
            for key in (insats.indicators_key, insats.self_assessment_key) if key in registry]
    return render_template("staff/insats.html", insats=insats, rows=rows, used=used,
                           slots=shown_slots(insats),
                           labels=status.translated_labels(),
                           target_names=[target_label(t) for t in insats.targets])


def target_label(target: Target) -> str:
    """A stored target as the report names it, with its base: "Inom 12 månader från
    start: egen försörjning ≥ 50 % (alla vars ...)"."""
    analysed = _analysis_target(target)
    outcomes = list(analysed.outcomes or target.insats.organisation.counted_outcomes)
    result = {"kind": analysed.kind, "item": analysed.item, "insats": None,
              "months": analysed.months, "base": analysed.base, "outcomes": outcomes,
              "own_outcomes": bool(analysed.outcomes)}
    return _("%(name)s minst %(goal)s %% (%(base)s)", name=target_name(result, gettext),
             goal=round(target.threshold * 100), base=base_name(result, gettext))


def _registry() -> Registry:
    return current_app.extensions["stegvis.questionnaires"]


def _role_choices(ours: str) -> list[SelectChoice]:
    """The loaded questionnaires that can take the role of our `ours`, or none."""
    registry = _registry()
    loaded = [registry.latest(key) for key in registry.keys()]  # noqa: SIM118 - not a dict
    return choices([("", _("– används inte –"))] + [
        (questionnaire.key, status.staff_name(questionnaire)) for questionnaire in loaded
        if status.fits(questionnaire, ours)])


def _target_keys(form: InsatsForm, insats: Insats | None) -> list[str]:
    """The questionnaires a target can be on: the insats's, as chosen in the form and as
    stored, and any that already has a target (so that the form shows it)."""
    keys = [form.indicators_key.data, form.self_assessment_key.data]
    if insats is not None:
        keys += [insats.indicators_key, insats.self_assessment_key,
                 *(t.questionnaire_key for t in insats.targets if t.kind == TargetKind.item)]
    registry = _registry()
    return [key for key in dict.fromkeys(keys) if key in registry]


def _target_choices(keys: list[str]) -> tuple[list[SelectChoice], list[SelectChoice]]:
    """The questionnaire and item choices of a target row: each questionnaire's items
    under its name (the row's questionnaire says which one the item is of)."""
    registry = _registry()
    named = [(key, status.staff_name(registry.latest(key))) for key in keys]
    items = [SelectChoice("", _("– inget mål –"))] + [
        SelectChoice(item.id, f"{item.id}: {gettext(item.text.standard)}", optgroup=name)
        for key, name in named for item in registry.latest(key).items]
    return choices(named), items


def _prepare(form: InsatsForm, insats: Insats | None) -> None:
    """The form's choices and help, and on a new page the insats's stored values."""
    handledare = db.session.scalars(
        select(User).where(User.organisation_id == current_user.organisation_id,
                           User.role == Role.handledare, User.active.is_(True))
        .order_by(User.name)
    )
    form.staff.choices = choices((u.id, f"{u.name} ({u.email})") for u in handledare)
    form.indicators_key.choices = _role_choices(INDICATORS_DEFAULT)
    form.self_assessment_key.choices = _role_choices(SELF_ASSESSMENT_DEFAULT)
    if not form.is_submitted():
        if insats is not None:
            _fill(form, insats)
        for _blank in range(BLANK_TARGET_ROWS):
            form.targets.append_entry({"questionnaire": form.indicators_key.data})
    questionnaires, items = _target_choices(_target_keys(form, insats))
    for entry in form.targets:
        entry.form.questionnaire.choices = questionnaires
        entry.form.item_id.choices = items
    _prepare_goals(form, insats)
    counted = current_user.organisation.counted_outcomes
    form.work_target.description = _(
        "Räknas som arbete eller studier: %(outcomes)s (ändras under Inställningar).",
        outcomes=", ".join(str(label(ExitOutcome(value))) for value in counted))


def _fill(form: InsatsForm, insats: Insats) -> None:
    form.name.data = insats.name
    form.start_date.data = insats.start_date
    form.end_date.data = insats.end_date
    form.sites.data = "\n".join(site.name for site in insats.sites)
    form.staff.data = [u.id for u in insats.staff]
    form.indicators_key.data = insats.indicators_key
    form.self_assessment_key.data = insats.self_assessment_key
    for target in insats.targets:
        if _goal(target):
            continue
        if target.kind == TargetKind.outcome:
            form.work_target.data = round(target.threshold * 100)
            continue
        form.targets.append_entry({"questionnaire": target.questionnaire_key,
                                   "item_id": target.item_id, "occasion": str(target.occasion),
                                   "percent": round(target.threshold * 100),
                                   "base": str(target.base)})


def _save(form: InsatsForm, insats: Insats) -> str | None:
    """Apply the form; returns an error message when a site in use would be removed."""
    insats.name = form.name.data.strip()
    insats.start_date = form.start_date.data
    insats.end_date = form.end_date.data
    insats.indicators_key = form.indicators_key.data or ""
    insats.self_assessment_key = form.self_assessment_key.data or ""
    problem = _save_sites(insats, form.site_names())
    if problem is not None:
        return problem
    _save_staff(insats, set(form.staff.data or []))
    _save_targets(insats, {**_wanted_targets(form), **_wanted_goals(form)})
    return None


def _save_sites(insats: Insats, wanted: list[str]) -> str | None:
    """Add the new sites and remove those left out, unless someone is enrolled there."""
    for site in list(insats.sites):
        if site.name not in wanted:
            used = db.session.scalar(select(func.count()).select_from(Enrolment)
                                     .where(Enrolment.site_id == site.id))
            if used:
                return _("Orten %(site)s har deltagare och kan inte tas bort.", site=site.name)
            insats.sites.remove(site)
            db.session.delete(site)
    existing = {site.name for site in insats.sites}
    insats.sites.extend(Site(name=name) for name in wanted if name not in existing)
    return None


def _save_staff(insats: Insats, chosen: set[int]) -> None:
    """The handledare of the insats (only the förbund's own), each change in the log."""
    before = {u.id: u for u in insats.staff}
    insats.staff = list(db.session.scalars(
        select(User).where(User.id.in_(chosen), User.organisation_id == insats.organisation_id)))
    after = {u.id: u for u in insats.staff}
    for user_id in sorted(after.keys() - before.keys()):
        audit.record("insats_staff_added", f"{insats.name}: {after[user_id].email}")
    for user_id in sorted(before.keys() - after.keys()):
        audit.record("insats_staff_removed", f"{insats.name}: {before[user_id].email}")


# (kind, questionnaire key, item id, occasion, outcomes, months)
TargetKey = tuple[str, str, str, str, str, int]
# What a wanted target is set to: its threshold (a fraction) and its base (None: the
# stored one, or a new target's default).
TargetGoal = tuple[float, str | None]


def _wanted_targets(form: InsatsForm) -> dict[TargetKey, TargetGoal]:
    """The item and work-or-studies targets the form asks for; rows without an item or a
    percent set no target."""
    targets: dict[TargetKey, TargetGoal] = {
        (TargetKind.item, entry.form.questionnaire.data, entry.form.item_id.data,
         entry.form.occasion.data, "", 0): (entry.form.percent.data / 100, entry.form.base.data)
        for entry in form.targets if entry.form.item_id.data and entry.form.percent.data}
    if form.work_target.data:
        # The förbund's list; its base stays what it was (a new one: everyone ended).
        targets[(TargetKind.outcome, "", OUTCOME_ITEM, Occasion.avslut.value, "", 0)] = \
            (form.work_target.data / 100, None)
    return targets


def _key(target: Target) -> TargetKey:
    return (target.kind, target.questionnaire_key, target.item_id, str(target.occasion),
            target.outcomes, target.months)


def _targets_asked(form: InsatsForm) -> bool:
    """Each target's item is one of its questionnaire's, asked at its occasion (a target
    nobody is asked could never be checked); the errors go on the rows."""
    registry, fine = _registry(), True
    offered = {choice.value for choice in form.targets[0].form.questionnaire.choices} \
        if form.targets else set()
    for entry in form.targets:
        row = entry.form
        if not (row.item_id.data and row.percent.data):
            continue
        questionnaire = registry.latest(row.questionnaire.data) \
            if row.questionnaire.data in offered else None
        item = questionnaire.item(row.item_id.data) if questionnaire else None
        if item is None:
            row.item_id.errors.append(_("Frågan finns inte i det valda frågeformuläret."))
        elif not (status.asks(questionnaire, row.occasion.data)
                  and item.asked_at(row.occasion.data)):
            row.occasion.errors.append(_("Frågan ställs inte vid det tillfället."))
        else:
            continue
        fine = False
    return fine


def _save_targets(insats: Insats, wanted: dict[TargetKey, TargetGoal]) -> None:
    """Keep the targets still wanted (with the new threshold and base), drop the rest,
    add new."""
    wanted = dict(wanted)
    for target in list(insats.targets):
        if _key(target) in wanted:
            target.threshold, base = wanted.pop(_key(target))
            target.base = TargetBase(base or target.base)
        else:
            insats.targets.remove(target)
    for (kind, questionnaire_key, item_id, occasion, outcomes, months), (threshold, base) \
            in wanted.items():
        insats.targets.append(Target(
            questionnaire_key=questionnaire_key, item_id=item_id,
            occasion=Occasion(occasion), threshold=threshold, kind=kind, outcomes=outcomes,
            months=months, **({"base": TargetBase(base)} if base else {})))


# --- improved and outcome targets (issue 24): rows of their own ------------------------


def _goal(target: Target) -> bool:
    """A target of the improved and outcome rows (not an item row or the förbund's list
    at exit, the work-or-studies field)."""
    return target.kind not in (TargetKind.item, TargetKind.outcome) or bool(target.outcomes)


def _prepare_goals(form: InsatsForm, insats: Insats | None) -> None:
    """The improved and outcome rows: the stored targets and a blank row each, and the
    self-assessment's dimensions to choose from."""
    if not form.is_submitted():
        if insats is not None:
            _fill_goals(form, insats)
        for _blank in range(BLANK_GOAL_ROWS):
            form.improved_targets.append_entry()
            form.outcome_targets.append_entry()
    registry = current_app.extensions["stegvis.questionnaires"]
    dimensions = choices([("", _("– inget mål –"))] + [
        (i.id, f"{i.id}: {gettext(i.text.standard)}")
        for i in registry.latest(CHANGE_KEY).scale_items()])
    for entry in form.improved_targets:
        entry.form.item_id.choices = dimensions


def _fill_goals(form: InsatsForm, insats: Insats) -> None:
    for target in insats.targets:
        if not _goal(target):
            continue
        row = {"percent": round(target.threshold * 100), "base": str(target.base)}
        if target.kind == TargetKind.improved:
            form.improved_targets.append_entry({**row, "item_id": target.item_id})
        else:
            form.outcome_targets.append_entry({
                **row, "kind": str(target.kind), "outcomes": list(target.outcome_list),
                "months": target.months or None})


def _wanted_goals(form: InsatsForm) -> dict[TargetKey, TargetGoal]:
    """The improved and outcome targets the form asks for (rows without a percent set
    none; OutcomeTargetForm has checked the months and outcomes)."""
    wanted: dict[TargetKey, TargetGoal] = {
        (TargetKind.improved, CHANGE_KEY, row.form.item_id.data, Occasion.avslut.value, "", 0):
            (row.form.percent.data / 100, row.form.base.data)
        for row in form.improved_targets if row.form.item_id.data and row.form.percent.data}
    for row in form.outcome_targets:
        goal = row.form
        if not goal.percent.data:
            continue
        kind = TargetKind(goal.kind.data)
        occasion = Occasion.uppfoljning if kind == TargetKind.followup else Occasion.avslut
        months = 0 if kind == TargetKind.outcome else goal.months.data
        # In the choices' order, so the same set is the same target.
        outcomes = ",".join(c.value for c in goal.outcomes.choices
                            if c.value in (goal.outcomes.data or []))  # fmt: skip
        wanted[(kind, "", OUTCOME_ITEM, occasion.value, outcomes, months)] = (
            goal.percent.data / 100, goal.base.data)
    return wanted


def _name_taken(name: str, insats_id: int | None) -> bool:
    query = select(Insats.id).where(Insats.organisation_id == current_user.organisation_id,
                                    Insats.name == name.strip())
    found = db.session.scalar(query)
    return found is not None and found != insats_id


@bp.route("/insatser/ny", methods=["GET", "POST"])
@requires(ADMIN)
def new_insats() -> Any:
    form = InsatsForm()
    _prepare(form, None)
    if form.validate_on_submit() and _targets_asked(form):
        if _name_taken(form.name.data, None):
            form.name.errors.append(_("Det finns redan en insats med det namnet."))
        else:
            insats = Insats(organisation_id=current_user.organisation_id, name="")
            db.session.add(insats)
            _save(form, insats)
            audit.record("insats_created", insats.name)
            db.session.commit()
            flash(_("Insatsen är skapad."))
            return redirect(url_for(".insats", insats_id=insats.id))
    # Here after a post only when something was refused (a target row's too).
    return render_template("staff/insats_form.html", form=form, insats=None), \
        (400 if form.is_submitted() else 200)


@bp.route("/insatser/<int:insats_id>/andra", methods=["GET", "POST"])
@requires(ADMIN)
def edit_insats(insats_id: int) -> Any:
    insats = scope.insats_or_404(insats_id)
    form = InsatsForm()
    _prepare(form, insats)
    if form.validate_on_submit() and _targets_asked(form):
        if _name_taken(form.name.data, insats.id):
            form.name.errors.append(_("Det finns redan en insats med det namnet."))
        else:
            problem = _save(form, insats)
            if problem is None:
                audit.record("insats_changed", insats.name)
                db.session.commit()
                flash(_("Ändringarna är sparade."))
                return redirect(url_for(".insats", insats_id=insats.id))
            db.session.rollback()
            form.sites.errors.append(problem)
    return render_template("staff/insats_form.html", form=form, insats=insats), \
        (400 if form.is_submitted() else 200)
