"""Participant routes. The token in the URL is the only credential a participant has."""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import (
    abort,
    current_app,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup

from questionnaires import Scale

from .. import i18n, ratelimit, readaloud, recordings
from . import bp, journey, link_csrf
from .forms import DONT_KNOW, LanguageForm, item_form
from .journey import LinkState


def registry():  # type: ignore[no-untyped-def]
    return current_app.extensions["stegvis.questionnaires"]


@bp.url_value_preprocessor
def load_survey(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if not values or "token" not in values:
        return
    # Counted before the lookup: guessing links costs the guesser, not the database.
    ratelimit.hit("answering", "PARTICIPANT_RATE_LIMIT")
    g.token = values["token"]
    g.link_state, g.survey = journey.find(g.token, registry())
    if request.method == "POST":
        link_csrf.check(_form_key())
    response = g.survey.response if g.survey else None
    if response is not None:
        i18n.use(i18n.language("lattlast" if response.easy else response.language))
    else:
        # No language chosen yet, or no such link: what the browser asks for.
        i18n.use(i18n.from_browser())


@bp.context_processor
def _link_form() -> dict[str, Any]:
    return {"csrf_field": _csrf_field}


def _form_key() -> str:
    """What a form's CSRF token is bound to: the link and the survey it is showing, so a
    page of the first survey on an exit link, posted after that survey was sent, cannot
    store an answer in the next one (it gets the kind "open too long" page instead)."""
    if g.survey is None:
        return str(g.token)
    return f"{g.token}:{g.survey.invitation.id}"


def _csrf_field() -> Markup:
    return link_csrf.hidden_field(_form_key())


def _link_problem() -> tuple[str, int] | None:
    """The kind page for a link that cannot be answered, or None when it can."""
    state = g.link_state
    if state is not LinkState.open and i18n.is_known(request.args.get("sprak")):
        i18n.use(i18n.from_browser())  # one of the other languages the page offers
    if state is LinkState.submitted:
        return render_template("answering/already_answered.html"), 200
    if state is LinkState.expired:
        return render_template("answering/link_broken.html", expired=True), 410
    if state is LinkState.unknown:
        return render_template("answering/link_broken.html", expired=False), 404
    return None


# Added to every participant form by static/screen.js; its absence means no script ran.
SCREEN_FIELD = "next_screen"


def _wants_screen() -> bool:
    """The page's script marks a form it sends (screen.js): answer such a POST with the
    next screen itself instead of a redirect to it, saving a round trip per tap."""
    return request.method == "POST" and request.form.get(SCREEN_FIELD) == "1"


def _go(endpoint: str, **values: Any) -> Any:
    """After a POST that changed something: the next screen. Without the page's script,
    POST-redirect-GET as always; with it, that screen rendered now (200), carrying its own
    URL so the script can put it in the address bar (reload and back then GET it)."""
    url = url_for(endpoint, token=g.token, **values)
    if not _wants_screen():
        return redirect(url)
    g.screen_url = url
    reply = current_app.make_response(_SCREENS[endpoint](**values))
    reply.headers["Content-Location"] = url
    return reply


def open_survey(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only for links that can still be answered, after a language has been chosen."""

    @wraps(view)
    def wrapper(token: str, **kwargs: Any) -> Any:
        if (
            g.link_state is LinkState.submitted
            and request.method == "POST"
            and request.endpoint == "answering.review"
        ):
            # A second tap on "Skicka": the first one already stored everything.
            return _go(".thanks")
        problem = _link_problem()
        if problem is not None:
            return problem
        if g.survey.response is None:
            return redirect(url_for(".language", token=token))
        return view(token, **kwargs)

    return wrapper


def _assisted() -> str:
    """Set by the handledare at a tablet hand-over; otherwise the participant is alone."""
    kiosk = session.get("kiosk") or {}
    if g.survey is not None and kiosk.get("invitation_id") == g.survey.first_invitation_id:
        return str(kiosk.get("assisted", "sjalv"))
    return "sjalv"


@bp.get("/<token>")
def entry(token: str) -> Any:
    problem = _link_problem()
    if problem is not None:
        return problem
    if g.survey.response is None:
        return _first_visit(token)
    number = g.survey.resume_at()
    if number is None:
        return redirect(url_for(".review", token=token))
    if number == 1:
        return redirect(url_for(".welcome", token=token))
    return redirect(url_for(".question", token=token, number=number))


def _first_visit(token: str) -> Any:
    """Start in the language the handledare noted at enrolment ("Byt språk" is one tap
    away on every screen); without one, the participant chooses first, on the language
    screen shown right here (one round trip less on a slow phone; its form posts to the
    language screen's own address)."""
    before = g.survey.previous  # the survey before this one on an exit link
    if before is not None:
        chosen = i18n.language("lattlast" if before.easy else before.language)
    else:
        noted = g.survey.about().language
        if not i18n.is_known(noted):
            return _language_page(LanguageForm())
        chosen = i18n.language(noted)
    if not journey.choose_language(g.survey, chosen.stored, chosen.easy, _assisted()):
        journey.rollback()
        return render_template("answering/already_answered.html")
    journey.commit()
    return redirect(url_for(".welcome", token=token))


def _return_to() -> Any:
    """Where the language screen leads: back to the screen it was opened from, or on."""
    number = request.args.get("fraga", type=int)
    if number == 0:
        return _go(".review")
    if number and g.survey.item_at(number):
        return _go(".question", number=number)
    return _go(".welcome")


def _language_page(form: LanguageForm, error: bool = False) -> Any:
    page = render_template(
        "answering/language.html", form=form, languages=i18n.PARTICIPANT_LANGUAGES,
        prompts=i18n.in_each_language(i18n.CHOOSE_LANGUAGE),
        organisation=g.survey.about().organisation, error=error,
    )
    return (page, 400) if error else page


@bp.route("/<token>/sprak", methods=["GET", "POST"])
def language(token: str) -> Any:
    problem = _link_problem()
    if problem is not None:
        return problem
    form = LanguageForm()
    if form.validate_on_submit():
        code = form.language.data
        if not i18n.is_known(code):
            return _language_page(form, error=True)
        chosen = i18n.language(code)
        if not journey.choose_language(g.survey, chosen.stored, chosen.easy, _assisted()):
            journey.rollback()
            return render_template("answering/already_answered.html")
        journey.commit()
        i18n.use(chosen)  # the next screen, if rendered now, is in the chosen language
        return _return_to()
    return _language_page(form)


@bp.get("/<token>/start")
@open_survey
def welcome(token: str) -> Any:
    return _welcome_page()


def _welcome_page() -> str:
    return render_template("answering/welcome.html", listen=_listen(recordings.WELCOME),
                           responsible=g.survey.responsible())


@bp.route("/<token>/<int:number>", methods=["GET", "POST"])
@open_survey
def question(token: str, number: int) -> Any:
    survey = g.survey
    item = survey.item_at(number)
    if item is None:
        abort(404)
    form = item_form(item, survey.questionnaire.scale_for(item))
    if request.method == "POST":
        if not form.validate():
            return _question_page(number, item, form), 400
        answered, value = form.chosen()
        comment = form.cleaned_comment() if item.comment else None
        if not (answered or comment or request.form.get(SKIP) or request.form.get(ASKED)):
            # A missed tap: ask once whether to skip (missed.js asks without a round trip).
            return _question_page(number, item, form, missed=True)
        if answered or comment:
            if not journey.save_answer(survey, item, value, comment):
                journey.rollback()
                return render_template("answering/already_answered.html")
            journey.commit()
        following = number + 1 if number < len(survey.items) else None
        if following is None or request.args.get("granska"):
            return _go(".review")
        return _go(".question", number=following)
    return _question_page(number, item, form)


def _next_question_page(number: int) -> str:
    """Question `number` shown in answer to the previous one's POST: a form of its own,
    not bound to the posted data, and never "back to review" (that POST leads there)."""
    item = g.survey.item_at(number)
    form = item_form(item, g.survey.questionnaire.scale_for(item), formdata=None)
    return _question_page(number, item, form, back_to_review=False)


# The missed-tap prompt's "Hoppa över" button, and the mark that the prompt was shown
# (a second "Nästa" with nothing chosen then moves on: the participant is asked once).
SKIP = "hoppa"
ASKED = "fragat"


def _question_page(number, item, form, back_to_review=None, missed=False):  # type: ignore[no-untyped-def]
    if back_to_review is None:
        back_to_review = bool(request.args.get("granska"))
    previous = g.survey.answers().get(item.id)
    if previous is not None and not form.value.raw_data:
        form.value.data = DONT_KNOW if previous.value is None else str(previous.value)
        if item.comment and form.comment.data is None:
            form.comment.data = previous.comment
    scale = g.survey.questionnaire.scale_for(item)
    return render_template(
        "answering/question.html",
        number=number,
        total=len(g.survey.items),
        item=item,
        scale=scale,
        # A choice item's answers have no order: a plain list, no face from sad to happy.
        faces=None if scale.is_choice else _faces(scale),
        form=form,
        back_to_review=back_to_review, missed=missed,
        listen=_listen(item.id, number),
    )


@functools.cache
def _faces(scale: Scale) -> dict[int | None, Markup]:
    """The face beside each step of a scale (None: "vet inte"), drawn by the `face` macro
    once per scale and process instead of once per step on every question screen."""
    face = get_template_attribute("answering/_macros.html", "face")
    span = scale.highest - scale.lowest
    faces = {step.value: face((step.value - scale.lowest) / span) for step in scale.steps}
    faces[None] = face(None)
    return faces


def _listen(screen: str, number: int | None = None) -> readaloud.Listen:
    """The Lyssna button of a screen: the förbund's recording first, then a generated
    file (question screens), else the phone's own voice if it has one (listen.js)."""
    language = i18n.current()
    recorded = g.survey.recording(screen, language.code)
    if recorded is not None:
        # The checksum in the URL: a new recording is a new URL, the old one caches for ever.
        return readaloud.Listen(url=url_for(".listen_screen", token=g.token, screen=screen,
                                            sprak=language.code, v=recorded.checksum[:16]))
    if number is not None:
        return readaloud.offer(
            language, g.survey.questionnaire, g.survey.item_at(number),
            url_for(".listen", token=g.token, number=number, sprak=language.code))
    if readaloud.generated_file(language, g.survey.questionnaire, screen) is not None:
        return readaloud.Listen(url=url_for(".listen_screen", token=g.token, screen=screen,
                                            sprak=language.code))
    return readaloud.Listen(speak=language.tag)


@bp.get("/<token>/<int:number>/lyssna")
@open_survey
def listen(token: str, number: int) -> Any:
    """The read-aloud audio of one question in the participant's language (issue 4)."""
    item = g.survey.item_at(number)
    path = item and readaloud.audio_file(i18n.current(), g.survey.questionnaire, item)
    if not path:
        abort(404)
    return _send_generated(path)


def _send_generated(path):  # type: ignore[no-untyped-def]
    reply = send_file(path, mimetype=readaloud.MIMETYPES[path.suffix], conditional=True,
                      max_age=3600)
    reply.cache_control.public = False
    reply.cache_control.private = True  # the URL holds the participant's token
    return reply


@bp.get("/<token>/lyssna/<screen>")
def listen_screen(token: str, screen: str) -> Any:
    """A recording of one screen (welcome, a question, review, thanks) under the link's
    rules: a link that can be answered, or one just answered (its thank-you screen)."""
    if g.link_state not in (LinkState.open, LinkState.submitted) or g.survey.response is None:
        abort(404)
    recorded = g.survey.recording(screen, i18n.current().code)
    if recorded is not None:
        return recordings.send(g.survey.recorded_audio(recorded), recorded.mimetype,
                               recorded.checksum)
    # No recording: espeak-ng's, where it has the language (`make audio` made the file).
    known = screen in {s.key for s in readaloud.screens(g.survey.questionnaire, i18n.current())}
    path = known and readaloud.generated_file(i18n.current(), g.survey.questionnaire, screen)
    if not path:
        abort(404)
    return _send_generated(path)


@bp.route("/<token>/granska", methods=["GET", "POST"])
@open_survey
def review(token: str) -> Any:
    survey = g.survey
    answers = survey.answers()
    error = None
    if request.method == "POST":  # the link's CSRF token was checked in load_survey
        if not answers:
            error = _("Svara på minst en fråga innan du skickar in.")
        else:
            journey.submit(survey)
            journey.commit()
            return _go(".thanks")
    return _review_page(error)


def _review_page(error: str | None = None) -> Any:
    page = render_template("answering/review.html", answers=g.survey.answers(), error=error,
                           listen=_listen(recordings.REVIEW))
    return (page, 400) if error else page


@bp.get("/<token>/tack")
def thanks(token: str) -> Any:
    if g.link_state is LinkState.submitted:
        return _thanks_page()
    return redirect(url_for(".entry", token=token))


def _thanks_page() -> str:
    return render_template("answering/thanks.html", listen=_listen(recordings.THANKS))


# The screens a POST can lead to, rendered in its response when the page's script asks.
_SCREENS: dict[str, Callable[..., Any]] = {
    ".welcome": _welcome_page,
    ".question": _next_question_page,
    ".review": _review_page,
    ".thanks": _thanks_page,
}
