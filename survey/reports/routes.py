"""The report pages. Figures come from `analysis`; this module fetches rows and renders.

The web page and the PDF are one template (reports/_report.html, see view.py and
document.py); Excel and CSV are the same Tables.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, request, send_file
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError
from wtforms.widgets import MonthInput

from analysis.selection import FIRST_YEAR, Month, MonthError, period

from .. import audit
from ..auth.access import STAFF, requires
from ..staff import scope
from ..staff.forms import MultiCheckboxField, choices
from . import bp
from .build import report_for
from .view import build_view, named_for_reader, staff_numbers


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


def _report(form: ReportForm, insatser: dict[int, Any]):  # type: ignore[no-untyped-def]
    chosen = [insatser[i] for i in (form.insats.data or []) if i in insatser]
    title = f"{current_user.organisation.name}: " + ", ".join(i.name for i in chosen)
    report, options = report_for(chosen, *form.period(), form.ort.data, title)
    return report, options, title


@bp.get("/")
@requires(STAFF)
def report() -> Any:
    form, insatser = _form()
    view = None
    if request.args and form.validate():
        built, options, _title = _report(form, insatser)
        audit.report_made("visning", options)
        view = build_view(built, current_app.extensions["stegvis.questionnaires"], gettext)
    status = 400 if request.args and form.errors else 200
    return render_template("reports/report.html", form=form, view=view,
                           query=request.query_string.decode()), status


@bp.get("/ladda-ner.<kind>")
@requires(STAFF)
def download(kind: str) -> Any:
    form, insatser = _form()
    if kind not in ("pdf", "xlsx", "csv") or not form.validate():
        return render_template("reports/report.html", form=form, view=None), 400
    built, options, title = _report(form, insatser)
    audit.report_made(kind, options)
    name = "stegvis-rapport"
    if kind == "pdf":
        from .document import render_pdf

        data = render_pdf(built, current_app.extensions["stegvis.questionnaires"], title,
                          appendix=form.bilaga.data)
        return send_file(io.BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"{name}.pdf")
    built = named_for_reader(built, staff_numbers().locale)
    if kind == "csv":  # the report's tables: aggregates only, like the Excel file
        from analysis.report_csv import write_report_csv

        buffer = io.StringIO()
        write_report_csv(built, buffer, gettext)
        return Response(buffer.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={name}.csv"})
    from analysis import xlsx  # openpyxl only when a file is asked for

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.xlsx"
        xlsx.write_xlsx(built, path, gettext)
        data = path.read_bytes()
    return send_file(io.BytesIO(data), mimetype=xlsx.MIMETYPE, as_attachment=True,
                     download_name=f"{name}.xlsx")
