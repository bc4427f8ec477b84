"""Web forms clean free text the way the importer does, so the two never disagree.

A name typed in the web form with a full-width letter or a double blank would otherwise be
stored as typed, and the next import of the same register (where cells.text folds and
collapses it) would report the row as updated though nobody changed it.
"""

from django import forms
from django.core.exceptions import ValidationError

from .kinds import Kind


def clean_like_import(form: forms.Form, kind: Kind) -> None:
    """From a form's clean(): run the import column's own parser over each free-text field of
    the same name. Codes (text_format columns: USCC, ID and mobile numbers) have their own
    validators in the forms already; multi-line boxes keep their line breaks."""
    for column in kind.columns:
        field = form.fields.get(column.name)
        value = form.cleaned_data.get(column.name)
        if (column.text_format or column.ref or not isinstance(field, forms.CharField)
                or isinstance(field.widget, forms.Textarea) or not isinstance(value, str) or not value):
            continue
        try:
            form.cleaned_data[column.name] = column.parse(value) or ""
        except ValidationError as e:
            form.add_error(column.name, e)
