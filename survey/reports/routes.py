"""The report pages. Figures come from `analysis`; this module fetches rows and renders."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from flask import Response, current_app, render_template, request, send_file
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError

from analysis.instruments import heading
from analysis.suppression import is_suppressed
from analysis.tables import VERDICT_NAMES, all_tables, suppression_note

from .. import audit
from ..auth.access import STAFF, requires
from ..extensions import db
from ..staff import scope
from ..staff.forms import MultiCheckboxField, choices
from . import bp
from .build import report_for


class ReportForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    insats = MultiCheckboxField(_l("Insatser"), coerce=int)
    fran = DateField(_l("Från och med"), validators=[Optional()])
    till = DateField(_l("Till och med"), validators=[Optional()])
    ort = SelectField(_l("Ort"), validators=[Optional()])

    def validate_till(self, field: DateField) -> None:
        if field.data and self.fran.data and field.data < self.fran.data:
            raise ValidationError(_l("Slutdatum kan inte vara före startdatum."))


def _form():  # type: ignore[no-untyped-def]
    insatser = scope.visible_insatser()
    form = ReportForm(request.args)
    form.insats.choices = choices((i.id, i.name) for i in insatser)
    sites = sorted({site.name for i in insatser for site in i.sites})
    form.ort.choices = choices([("", _l("Alla orter"))] + [(s, s) for s in sites])
    return form, {i.id: i for i in insatser}


def _report(form: ReportForm, insatser: dict[int, Any]):  # type: ignore[no-untyped-def]
    chosen = [insatser[i] for i in (form.insats.data or []) if i in insatser]
    title = f"{current_user.organisation.name}: " + ", ".join(i.name for i in chosen)
    report, options = report_for(chosen, form.fran.data, form.till.data, form.ort.data, title)
    return report, [i.id for i in chosen], options


def _charts(report: dict[str, Any]) -> list[dict[str, str]]:
    # Matplotlib is imported on the first report, not at start-up: every worker that only
    # serves participants stays small.
    from analysis import charts

    registry = current_app.extensions["stegvis.questionnaires"]
    out = []
    for ident, occasions in report["indicators_by_version"].items():
        for occasion, items in occasions.items():
            if _shown(items):
                title = f"{heading(report, ident)} – {occasion}"
                out.append({"title": title, "src": charts.data_uri(
                    charts.indicator_chart(_shown(items), registry, ident))})
    for ident, dims in report["change_by_version"].items():
        if _shown(dims):
            out.append({"title": f"{heading(report, ident)} – start → avslut",
                        "src": charts.data_uri(charts.change_chart(_shown(dims)))})
    return out


def _shown(cells: dict[str, Any]) -> dict[str, Any]:
    """The cells the disclosure rule left: a chart of hidden ones would be empty."""
    return {key: cell for key, cell in cells.items() if not is_suppressed(cell)}


@bp.get("/")
@requires(STAFF)
def report() -> Any:
    form, insatser = _form()
    result = None
    if request.args and form.validate() and form.insats.data:
        built, _ids, _options = _report(form, insatser)
        result = {"report": built, "tables": all_tables(built), "charts": _charts(built),
                  "note": suppression_note(built), "verdicts": VERDICT_NAMES,
                  "query": request.query_string.decode()}
    status = 400 if request.args and form.errors else 200
    return render_template("reports/report.html", form=form, result=result), status


@bp.get("/ladda-ner.<kind>")
@requires(STAFF)
def download(kind: str) -> Any:
    form, insatser = _form()
    if kind not in ("pdf", "xlsx", "csv") or not form.validate() or not form.insats.data:
        return render_template("reports/report.html", form=form, result=None), 400
    built, _ids, options = _report(form, insatser)
    audit.record(f"report_{kind}", ", ".join(options.insatser))
    db.session.commit()
    name = "stegvis-rapport"
    if kind == "csv":  # the report's tables: aggregates only, like the Excel file
        from analysis.report_csv import write_report_csv

        buffer = io.StringIO()
        write_report_csv(built, buffer)
        return Response(buffer.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={name}.csv"})
    from analysis import pdf, xlsx  # Matplotlib and openpyxl only when a file is asked for

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{name}.{kind}"
        if kind == "pdf":
            pdf.write_pdf(built, path, registry=current_app.extensions["stegvis.questionnaires"])
            mimetype = "application/pdf"
        else:
            xlsx.write_xlsx(built, path)
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        data = path.read_bytes()
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                     download_name=f"{name}.{kind}")
