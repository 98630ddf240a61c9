from django import forms
from django.utils.translation import gettext_lazy as _


class ApiTokenForm(forms.Form):
    """Name a new API token."""

    name = forms.CharField(label=_("Token name"), max_length=100)
