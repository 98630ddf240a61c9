"""Choices of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kolops.core.permissions import Role

__all__ = ["OrganizationKind", "Role"]


class OrganizationKind(models.TextChoices):
    """Levels of the organization tree: a group owns subsidiaries, which own brands."""

    GROUP = "group", _("Group")
    SUBSIDIARY = "subsidiary", _("Subsidiary")
    BRAND = "brand", _("Brand")
