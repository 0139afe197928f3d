"""Forms built from questionnaire data: one item per screen."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional, ValidationError

from questionnaires import Item, Scale

DONT_KNOW = "vet-inte"
COMMENT_MAX = 1000

# Control characters (other than line breaks and tabs) cannot be meant by a person and
# PostgreSQL refuses NUL in text, so they are refused with a message instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _plain_text(form: FlaskForm, field: TextAreaField) -> None:
    if field.data and _CONTROL.search(field.data):
        raise ValidationError(_l("Texten innehåller tecken som inte går att spara."))
    if field.data and any(0xD800 <= ord(ch) <= 0xDFFF for ch in field.data):
        raise ValidationError(_l("Texten innehåller tecken som inte går att spara."))


class _LinkForm(FlaskForm):
    class Meta:
        csrf = False  # the link-bound token is checked for every POST (link_csrf.py)


class ItemForm(_LinkForm):
    """Validation only: the screen draws its own large buttons with faces."""

    value = RadioField(validate_choice=False)
    comment = TextAreaField(
        validators=[
            Optional(),
            Length(max=COMMENT_MAX, message=_l("Skriv högst %(max)d tecken.")),
            _plain_text,
        ]
    )

    def chosen(self) -> tuple[bool, int | None]:
        """(answered, value): value None means "vet inte"."""
        raw = (self.value.data or "").strip()  # whitespace alone passes Optional()
        if not raw:
            return False, None
        if raw == DONT_KNOW:
            return True, None
        return True, int(raw)

    def cleaned_comment(self) -> str | None:
        text = (self.comment.data or "").strip()
        return text or None


def item_form(item: Item, scale: Scale, **form_options: object) -> ItemForm:
    allowed = [str(step.value) for step in scale.steps]
    if scale.dont_know is not None:
        allowed.append(DONT_KNOW)
    form = ItemForm(**form_options)
    form.value.validators = [
        Optional(),
        AnyOf(allowed, message=_l("Välj ett av svaren på skärmen."), values_formatter=str),
    ]
    if not item.comment:
        form.comment.data = None
    return form


class LanguageForm(_LinkForm):
    language = StringField()
