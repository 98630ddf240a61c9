"""Template filters for the sign-in pages: allauth's forms drawn with Bootstrap's classes."""

from django import forms, template

register = template.Library()


def bootstrap_class(widget) -> str:
    """The Bootstrap class of a widget (the same choice as core.forms.BootstrapFormMixin)."""
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
        return ""
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    return "form-control"


@register.filter
def bootstrap(field):
    """Render a bound field's widget with its Bootstrap class (and `is-invalid` on errors)."""
    classes = [field.field.widget.attrs.get("class", ""), bootstrap_class(field.field.widget)]
    attrs = {}
    if field.errors:
        classes.append("is-invalid")
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    attrs["class"] = " ".join(c for c in classes if c)
    return field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)
