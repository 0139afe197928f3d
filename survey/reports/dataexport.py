"""Dataexport: the per-person answers, apart from the report, for förbund admins only.

The report publishes aggregates; this page hands out personal data (pseudonyms, answers,
comments, gender, birth year). So it asks why, writes who, when, what and why to the
audit log before the file leaves, warns that the file holds personal data, and tells
browsers and proxies not to keep a copy. Text cells are formula-safe (analysis/cells.py).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from analysis.rows import CSV_COLUMNS

from .. import audit, validators
from ..auth.access import ADMIN, requires
from ..extensions import db
from ..staff import scope
from ..staff.forms import MultiCheckboxField, choices
from . import bp
from .rows import answer_rows, csv_record, write_csv


class DataExportForm(FlaskForm):
    insats = MultiCheckboxField(_l("Insatser"), coerce=int,
                                validators=[DataRequired(_l("Välj minst en insats."))])
    fran = DateField(_l("Från och med"), validators=[Optional()])
    till = DateField(_l("Till och med"), validators=[Optional()])
    format = RadioField(_l("Filformat"), choices=choices([("csv", "CSV"), ("xlsx", "Excel")]),
                        default="csv", validators=[DataRequired()])
    syfte = TextAreaField(
        _l("Syfte: varför behövs uppgifterna om varje person?"),
        description=_l("Skrivs i loggen tillsammans med ditt namn, tiden och urvalet."),
        validators=[DataRequired(_l("Skriv varför uppgifterna behövs.")),
                    Length(min=10, max=500, message=_l("Skriv syftet med 10–500 tecken.")),
                    validators.plain_text],
    )

    def validate_till(self, field: DateField) -> None:
        if field.data and self.fran.data and field.data < self.fran.data:
            raise ValidationError(_l("Slutdatum kan inte vara före startdatum."))


def period_text(date_from: dt.date | None, date_to: dt.date | None) -> str:
    """A selection's period as the audit log writes it."""
    if not (date_from or date_to):
        return "hela tiden"
    return f"{date_from or 'början'}–{date_to or 'idag'}"


@bp.route("/dataexport", methods=["GET", "POST"])
@requires(ADMIN)
def data_export() -> Any:
    insatser = {i.id: i for i in scope.visible_insatser()}
    form = DataExportForm()
    form.insats.choices = choices((i.id, i.name) for i in insatser.values())
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("reports/dataexport.html", form=form), status
    chosen = [insatser[i] for i in form.insats.data if i in insatser]
    names = ", ".join(sorted(i.name for i in chosen))
    kind = form.format.data
    what = f"{kind.upper()}: {names}; {period_text(form.fran.data, form.till.data)}"
    # Logged before the file is made: a failed download is still an attempt to know of.
    audit.record("data_export", what, reason=form.syfte.data.strip())
    db.session.commit()
    rows = answer_rows([i.id for i in chosen], form.fran.data, form.till.data)
    if kind == "csv":
        buffer = io.StringIO()
        write_csv(rows, buffer)
        body: bytes | str = buffer.getvalue()
        mimetype = "text/csv"
    else:
        from analysis.xlsx import MIMETYPE, write_rows  # openpyxl only when asked for

        out = io.BytesIO()
        write_rows(CSV_COLUMNS, (csv_record(row) for row in rows), out, "Svar per person")
        body, mimetype = out.getvalue(), MIMETYPE
    name = f"stegvis-dataexport-{dt.date.today().isoformat()}.{kind}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={name}",
        # Personal data: no browser or proxy cache may keep a copy.
        "Cache-Control": "no-store",
    })
