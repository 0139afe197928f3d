"""Handing a survey to a participant: link, QR code, SMS, email, letter, or the tablet.

The token exists only in the link. Right after it is made it is kept in the staff
member's server-side session (never the cookie) so the hand-out page can show it; after
that only a new link can be made.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import segno
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from analysis.due import FOLLOWUP_DUE_DAYS, due_since
from questionnaires.vocabulary import followup_months

from .. import audit, i18n, invitations, mail
from ..answering import journey
from ..auth import sessions
from ..auth.access import STAFF, requires
from ..extensions import db
from ..models import Assisted, Enrolment, Invitation, Response, utcnow
from . import bp, scope
from .forms import EmailInvitationForm, EmptyForm, HandoverForm, InvitationForm
from .status import (
    EXIT,
    EXIT_SLOTS,
    FOLLOWUP_QUESTIONNAIRE,
    followup_label,
    insats_slots,
    label_of,
)


def _remember(invitation: Invitation, token: str) -> None:
    """Keep the new link, and a short code for its letter, for this hand-out page: in the
    server-side staff session, never in the cookie."""
    code = invitations.give_short_code(invitation)
    sessions.remember_link(invitation.id, token, code)


def _remembered_token(invitation: Invitation) -> str | None:
    return sessions.remembered_link(invitation.id)


def _remembered_code(invitation: Invitation) -> str | None:
    return sessions.remembered_code(invitation.id)


def _audit(action: str, invitation: Invitation) -> None:
    audit.record(action, f"{invitation.questionnaire_key} {invitations.occasion_of(invitation)}",
                 participant=invitation.enrolment.participant)


def _open_invitation(enrolment: Enrolment, key: str, occasion: str) -> Invitation | None:
    """The enrolment's invitation to this survey: one per survey (a follow-up: one per
    point), which a second hand-out sends again."""
    for invitation in enrolment.invitations:
        if invitation.questionnaire_key == key and invitations.occasion_of(invitation) == occasion:
            return invitation
    return None


def _closed(enrolment: Enrolment, occasion: str) -> bool:
    """A follow-up is handed out only while it is due (analysis.due): then its link ends
    within the retention period the settings make cover it."""
    if followup_months(occasion) is None:
        return False
    return due_since(occasion, enrolment.start_date, enrolment.end_date,
                     enrolment.exit_outcome is not None, utcnow().date(),
                     enrolment.insats.organisation.due_rule) is None


def _refuse_closed() -> None:
    flash(_("Uppföljningen kan bara skickas medan den är aktuell: från sin tidpunkt efter "
            "avslutet och %(days)d dagar framåt.", days=FOLLOWUP_DUE_DAYS))


def _answered(invitation: Invitation) -> bool:
    return invitation.response is not None and invitation.response.submitted_at is not None


@bp.post("/inskrivningar/<int:enrolment_id>/inbjudan")
@requires(STAFF)
def invite(enrolment_id: int) -> Any:
    enrolment = scope.enrolment_or_404(enrolment_id)
    form = InvitationForm()
    # The insats's own surveys: the questionnaire each slot hands out is the insats's;
    # then the förbund's follow-ups after exit.
    asked = {slot[0]: (slot[1], slot[2]) for slot in insats_slots(
        enrolment.insats, current_app.extensions["stegvis.questionnaires"])}
    followups = enrolment.insats.organisation.followup_months
    if not form.validate_on_submit() or (form.slot.data not in (*asked, EXIT) and
                                         followup_months(form.slot.data) not in followups):
        abort(400)
    if form.slot.data == EXIT:
        return _invite_at_exit(enrolment, [asked[key][0] for key in EXIT_SLOTS if key in asked])
    key, occasion = asked.get(form.slot.data, (FOLLOWUP_QUESTIONNAIRE, form.slot.data))
    existing = _open_invitation(enrolment, key, occasion)
    if existing is not None and _answered(existing):
        flash(_("Den enkäten är redan besvarad."))
        return redirect(url_for(".enrolment", enrolment_id=enrolment.id))
    if _closed(enrolment, occasion):
        _refuse_closed()
        return redirect(url_for(".enrolment", enrolment_id=enrolment.id))
    if existing is not None:
        token = invitations.rotate(existing)
        invitation = existing
    else:
        token = invitations.create(enrolment, invitations.questionnaire_for(enrolment, key),
                                   occasion)
        invitation = enrolment.invitations[-1]
    _remember(invitation, token)
    _audit("link_created" if existing is None else "link_resent", invitation)
    db.session.commit()
    return redirect(url_for(".handout", invitation_id=invitation.id))


def _invite_at_exit(enrolment: Enrolment, keys: list[str]) -> Any:
    """Both avslut surveys on one link: indicators first, then självskattning."""
    if not keys:
        abort(400)
    questionnaires = [invitations.questionnaire_for(enrolment, key) for key in keys]
    together = invitations.hand_out_together(enrolment, questionnaires, "avslut")
    if together is None:
        flash(_("Den enkäten är redan besvarad."))
        return redirect(url_for(".enrolment", enrolment_id=enrolment.id))
    invitation, token = together
    _remember(invitation, token)
    db.session.commit()
    return redirect(url_for(".handout", invitation_id=invitation.id))


def _questionnaires(invitation: Invitation) -> list[Any]:
    """The questionnaires a link runs, for the letter and email to name."""
    registry = current_app.extensions["stegvis.questionnaires"]
    found = [registry.get(each.questionnaire_key, each.questionnaire_version)
             for each in invitations.chain(invitation)]
    return [questionnaire for questionnaire in found if questionnaire is not None]


def _label(invitation: Invitation) -> str:
    """The survey's name; an exit link names every survey it runs, in order."""
    registry = current_app.extensions["stegvis.questionnaires"]
    names = [followup_label(each.followup_months) if each.followup_months is not None
             else label_of(each.questionnaire_key, str(each.occasion), registry)
             for each in invitations.chain(invitation)]
    return _(", sedan ").join(names)


def _qr_svg(link: str) -> Markup:
    # Inline SVG: no request leaves the page, and it prints sharply on the letter.
    svg = segno.make(link, error="m").svg_inline(scale=5, border=2, svgclass="qr", lineclass=None,
                                                 omitsize=True)
    return Markup(svg)  # noqa: S704 - segno's own SVG output, no user text inside


def _sms_href(text: str) -> str:
    # "sms:?&body=" opens the messaging app with the text on both iOS and Android.
    return "sms:?&body=" + quote(text)


@bp.get("/inbjudningar/<int:invitation_id>")
@requires(STAFF)
def handout(invitation_id: int) -> Any:
    invitation = scope.invitation_or_404(invitation_id)
    token = _remembered_token(invitation)
    link = invitations.public_link(token) if token else None
    label = _label(invitation)
    questionnaire = current_app.extensions["stegvis.questionnaires"].get(
        invitation.questionnaire_key, invitation.questionnaire_version)
    followup = invitation.followup_months is not None
    sms = i18n.render_in(invitations.language_of(invitation), "answering/sms.txt", link=link,
                         followup=followup).strip() if link else None
    return render_template(
        "staff/handout.html", invitation=invitation, link=link, label=label,
        questionnaire_name=questionnaire.name if questionnaire else invitation.questionnaire_key,
        qr=_qr_svg(link) if link else None, sms=_sms_href(sms) if sms else None,
        sms_text=sms if followup else None,
        closed=_closed(invitation.enrolment, invitations.occasion_of(invitation)),
        code=_remembered_code(invitation), code_address=invitations.short_code_address(),
        answered=_answered(invitation), email_form=EmailInvitationForm(),
        mail_enabled=mail.configured(), handover_form=HandoverForm(), empty_form=EmptyForm(),
    )


@bp.post("/inbjudningar/<int:invitation_id>/ny-lank")
@requires(STAFF)
def new_link(invitation_id: int) -> Any:
    invitation = scope.invitation_or_404(invitation_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    if _answered(invitation):
        flash(_("Den enkäten är redan besvarad."))
    elif _closed(invitation.enrolment, invitations.occasion_of(invitation)):
        _refuse_closed()
    else:
        token = invitations.rotate(invitation)
        _remember(invitation, token)
        _audit("link_resent", invitation)
        db.session.commit()
        flash(_("En ny länk är skapad. Den gamla länken fungerar också tills enkäten är "
                "inskickad, och båda fortsätter med samma svar."))
    return redirect(url_for(".handout", invitation_id=invitation.id))


@bp.route("/inbjudningar/<int:invitation_id>/avsluta-lankar", methods=["GET", "POST"])
@requires(STAFF)
def end_links(invitation_id: int) -> Any:
    """Sent to the wrong person: every link to this survey stops working, on purpose,
    and a new one is made for the right person. Asked for a confirmation first."""
    invitation = scope.invitation_or_404(invitation_id)
    form = EmptyForm()
    if request.method == "POST" and not form.validate_on_submit():
        abort(400)
    if _answered(invitation):
        flash(_("Den enkäten är redan besvarad."))
        return redirect(url_for(".handout", invitation_id=invitation.id))
    if _closed(invitation.enrolment, invitations.occasion_of(invitation)):
        _refuse_closed()
        return redirect(url_for(".handout", invitation_id=invitation.id))
    if request.method == "GET":
        return render_template("staff/end_links.html", invitation=invitation,
                               label=_label(invitation), form=form)
    token = invitations.rotate(invitation, end_earlier=True)
    _remember(invitation, token)
    _audit("links_ended", invitation)
    db.session.commit()
    flash(_("De tidigare länkarna fungerar inte längre. Här är en ny länk."))
    return redirect(url_for(".handout", invitation_id=invitation.id))


@bp.get("/inbjudningar/<int:invitation_id>/brev")
@requires(STAFF)
def letter(invitation_id: int) -> Any:
    invitation = scope.invitation_or_404(invitation_id)
    token = _remembered_token(invitation)
    if token is None or _answered(invitation):
        flash(_("Skapa en ny länk först. Länken visas bara när den skapas."))
        return redirect(url_for(".handout", invitation_id=invitation.id))
    link = invitations.public_link(token)
    _audit("link_letter", invitation)
    db.session.commit()
    organisation = invitation.enrolment.insats.organisation
    return i18n.render_in(
        invitations.language_of(invitation), "answering/letter.html", link=link,
        qr=_qr_svg(link), expires=invitation.expires_at.date(),
        questionnaires=_questionnaires(invitation), followup=invitation.followup_months is not None,
        participant=invitation.enrolment.participant.pseudonym,
        sender=organisation.name,
        responsible=journey.Responsible(organisation.name, organisation.privacy_contact or ""),
        code=_remembered_code(invitation), code_address=invitations.short_code_address())


@bp.post("/inbjudningar/<int:invitation_id>/epost")
@requires(STAFF)
def email(invitation_id: int) -> Any:
    invitation = scope.invitation_or_404(invitation_id)
    form = EmailInvitationForm()
    token = _remembered_token(invitation)
    if not mail.configured():
        abort(404)
    if token is None:
        flash(_("Skapa en ny länk först. Länken visas bara när den skapas."))
    elif form.validate_on_submit():
        link = invitations.public_link(token)
        body = i18n.render_in(invitations.language_of(invitation), "answering/invitation_email.txt",
                          link=link, expires=invitation.expires_at.date(),
                          questionnaires=_questionnaires(invitation))
        subject, _sep, text = body.partition("\n\n")
        try:
            mail.send(form.email.data.strip(), subject.strip(), text)
        except OSError:
            flash(_("E-posten kunde inte skickas. Försök igen eller välj ett annat sätt."))
        else:
            _audit("link_emailed", invitation)
            db.session.commit()
            flash(_("Länken är skickad med e-post."))
    else:
        for error in form.email.errors:
            flash(error)
    return redirect(url_for(".handout", invitation_id=invitation.id))


@bp.post("/inbjudningar/<int:invitation_id>/surfplatta")
@requires(STAFF)
def tablet(invitation_id: int) -> Any:
    """Start the participant's survey on this device and lock the staff pages."""
    invitation = scope.invitation_or_404(invitation_id)
    form = HandoverForm()
    if not form.validate_on_submit() or _answered(invitation) or \
            _closed(invitation.enrolment, invitations.occasion_of(invitation)):
        abort(400)
    token = _remembered_token(invitation) or invitations.rotate(invitation)
    assisted = Assisted(form.assisted.data)
    response: Response | None = invitation.response
    if response is not None:
        response.assisted = assisted
    sessions.forget_link()
    row = sessions.current()
    if row is None:  # requires(STAFF) let us in, so the session is there
        abort(400)
    row.kiosk = {"invitation_id": invitation.id, "enrolment_id": invitation.enrolment_id,
                 "assisted": assisted.value}
    row.unlock_failures = 0
    _audit("link_tablet", invitation)
    db.session.commit()
    # The participant pages read this copy (assisted, the way back to the lock screen);
    # the lock itself is the server-side mark above.
    session["kiosk"] = {"invitation_id": invitation.id, "assisted": assisted.value}
    return redirect(url_for("answering.entry", token=token))
