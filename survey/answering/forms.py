"""Forms built from questionnaire data: one item per screen."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

from questionnaires import Item, Scale

from .. import validators
from ..validators import COMMENT_MAX

DONT_KNOW = "vet-inte"


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
            validators.plain_text,
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
