"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from kolops.core.numbers import MAX_BIGINT, MIN_BIGINT


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields for screen and style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""
            elif isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            if css and css not in widget.attrs.get("class", ""):
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()

    def full_clean(self):
        super().full_clean()
        # Marked after cleaning (not in __init__), so fields added by subclasses are cleaned too.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = (widget.attrs.get("class", "") + " is-invalid").strip()
                widget.attrs["aria-describedby"] = f"id_{name}_errors"


class BoundedModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several rows by id, where an id beyond 64 bits is an invalid choice like any
    unknown id: Django looks the ids up with `__in`, which SQLite cannot bind past 64 bits
    (OverflowError, a 500)."""

    def _check_values(self, value):
        key = self.to_field_name or "pk"
        if key == "pk":
            for pk in value:
                try:
                    number = int(str(pk).strip())
                except ValueError:
                    continue  # not a number: Django refuses it as it is
                if not MIN_BIGINT <= number <= MAX_BIGINT:
                    raise ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                    )
        return super()._check_values(value)


def apply_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it can."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
