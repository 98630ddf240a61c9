"""Form helpers shared by every app."""

from django import forms


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes, and mark invalid fields for screen and style."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""
            else:
                css = "form-control"
            if self.is_bound and name in self.errors:
                css += " is-invalid"
                widget.attrs["aria-describedby"] = f"id_{name}_errors"
            if css:
                widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
