"""The report pages. Figures come from `analysis`; the report runner makes them (jobs.py).

The web page and the PDF are one template (reports/_report.html, see view.py and
document.py); Excel and CSV are the same Tables. A request never makes a report itself:
it asks for the job and shows the result, or says the report is being made and offers
to look again (a link; with JavaScript the page opens the report when it is made).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from urllib.parse import urlencode

from flask import abort, jsonify, render_template, request, send_file, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, Field, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import MonthInput

from analysis.selection import FIRST_YEAR, Month, MonthError, period

from .. import audit
from ..auth.access import STAFF, requires
from ..extensions import db
from ..models import JobState, ReportJob
from ..staff import scope
from ..staff.forms import MultiCheckboxField, choices
from ..validators import DATABASE_INT_MAX
from . import bp, jobs
from .build import report_options


class MonthPicker(MonthInput):
    """The browser's month picker from FIRST_YEAR to this month; a browser without one
    shows a text box, and the placeholder says what to write there."""

    def __call__(self, field: Field, **kwargs: Any) -> Any:
        kwargs.setdefault("min", f"{FIRST_YEAR}-01")
        kwargs.setdefault("max", str(Month.of(dt.date.today())))
        kwargs.setdefault("placeholder", gettext("ÅÅÅÅ-MM"))
        kwargs.setdefault("pattern", "[0-9]{4}-[0-9]{2}")
        return super().__call__(field, **kwargs)


class MonthField(StringField):
    """A whole month, YYYY-MM (`Month.parse`, the one rule); `data` is a Month or None
    when left empty. Anything else is the form's error, in the staff language."""

    widget = MonthPicker()

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        text = str(valuelist[0]).strip() if valuelist else ""
        if text:
            try:
                self.data = Month.parse(text)
            except MonthError as error:
                raise ValueError(error.translated(gettext)) from None

    def _value(self) -> str:
        if self.raw_data:  # what was written, also when it is refused
            return str(self.raw_data[0])
        return str(self.data) if self.data else ""


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    insats = MultiCheckboxField(_l("Insatser"), coerce=int,
                                validators=[DataRequired(_l("Välj minst en insats."))])
    fran = MonthField(_l("Från och med månad"))
    till = MonthField(_l("Till och med månad"))
    ort = SelectField(_l("Ort"), validators=[Optional()])
    # The PDF's appendix (figures per group); the web page always has it, folded away.
    bilaga = BooleanField(_l("Med bilaga per grupp"), description=_l(
        "Bilagan med siffror per grupp kommer med i PDF-filen. På webbsidan finns den "
        "alltid, hopfälld."))

    def validate_till(self, field: MonthField) -> None:
        try:
            self.period()
        except MonthError as error:
            raise ValidationError(error.translated(gettext)) from None

    def period(self) -> tuple[dt.date | None, dt.date | None]:
        """The first and the last day of the chosen whole months (None: open)."""
        return period(self.fran.data, self.till.data)


def _form():  # type: ignore[no-untyped-def]
    insatser = scope.visible_insatser()
    form = ReportForm(request.args)
    form.insats.choices = choices((i.id, i.name) for i in insatser)
    if not request.args and len(insatser) == 1:
        form.insats.data = [insatser[0].id]  # the only insats: nothing else to choose
    sites = sorted({site.name for i in insatser for site in i.sites})
    form.ort.choices = choices([("", _l("Alla orter"))] + [(s, s) for s in sites])
    return form, {i.id: i for i in insatser}


def _chosen(form: ReportForm, insatser: dict[int, Any]) -> list[Any]:
    return [insatser[i] for i in (form.insats.data or []) if i in insatser]


def _job(kind: str, form: ReportForm, insatser: dict[int, Any]) -> ReportJob:
    """The job that makes this report (jobs.ask): made, in the making, or queued now."""
    params = jobs.Params(
        kind=kind, insatser=tuple(i.id for i in _chosen(form, insatser)),
        fran=str(form.fran.data or ""), till=str(form.till.data or ""), ort=form.ort.data or "",
        bilaga=kind == "pdf" and bool(form.bilaga.data), lang=str(get_locale() or "sv"),
        day=dt.date.today().isoformat())
    waited = request.args.get("jobb", type=int)
    return jobs.ask(params, current_user.organisation_id, current_user.id,
                    waited if waited is not None and 0 < waited <= DATABASE_INT_MAX else None)


def _delivered(kind: str, form: ReportForm, insatser: dict[int, Any]) -> None:
    """Audited when the report reaches the user (not while it is being made)."""
    audit.report_made(kind, report_options(_chosen(form, insatser), *form.period(),
                                           form.ort.data, ""))


def _query() -> str:
    """The report's own parameters, for the download links (not the job asked about)."""
    return urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "jobb"])


def _not_made(job: ReportJob | None, form: ReportForm, refused: str = "",
              endpoint: str = "reports.report", **values: str) -> Any:
    """The report page while a report is being made (a link to look again; its script
    opens the report when it is made), when it failed, or when the user is over their
    limit (429)."""
    again = None
    if job is not None and job.state in jobs.ACTIVE:
        again = f"{url_for(endpoint, **values)}?{_query()}&jobb={job.id}"
    failed = job is not None and job.state == JobState.failed
    status = 429 if refused else 500 if failed else 200 if endpoint == "reports.report" else 202
    return render_template("reports/report.html", form=form, view=None, query=_query(),
                           again=again, job_id=job.id if job else None, failed=failed,
                           refused=refused), status


@bp.get("/jobb/<int:job_id>")
@requires(STAFF)
def job_state(job_id: int) -> Any:
    """The state of a report being made, for the waiting page's script (report-wait.js):
    only of a report the user may see (its insatser theirs), and nothing of the report."""
    job = db.session.get(ReportJob, job_id)
    visible = {insats.id for insats in scope.visible_insatser()}
    if (job is None or job.organisation_id != current_user.organisation_id
            or not set(jobs.Params.read(job.params).insatser) <= visible):
        abort(404)
    return jsonify(state=str(job.state))


@bp.get("/")
@requires(STAFF)
def report() -> Any:
    form, insatser = _form()
    made = None
    if request.args and form.validate():
        try:
            job = _job("visning", form, insatser)
        except jobs.Refused as refused:
            return _not_made(None, form, str(refused))
        if job.state != JobState.done:
            return _not_made(job, form)
        _delivered("visning", form, insatser)
        made = Markup(job.result.decode("utf-8"))  # noqa: S704 - rendered by jobs.make
    status = 400 if request.args and form.errors else 200
    return render_template("reports/report.html", form=form, view=made,
                           query=_query()), status


@bp.get("/ladda-ner.<kind>")
@requires(STAFF)
def download(kind: str) -> Any:
    form, insatser = _form()
    if kind not in ("pdf", "xlsx", "csv") or not form.validate():
        return render_template("reports/report.html", form=form, view=None), 400
    try:
        job = _job(kind, form, insatser)
    except jobs.Refused as refused:
        return _not_made(None, form, str(refused))
    if job.state != JobState.done:
        return _not_made(job, form, endpoint="reports.download", kind=kind)
    _delivered(kind, form, insatser)
    return send_file(io.BytesIO(job.result), mimetype=job.content_type, as_attachment=True,
                     download_name=job.filename)
