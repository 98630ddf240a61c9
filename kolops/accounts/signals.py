"""Reactions to allauth's account events."""

from allauth.account.signals import password_changed, password_reset, password_set
from django.dispatch import receiver

from .services import credentials_changed


@receiver(password_changed, dispatch_uid="kolops_password_changed")
@receiver(password_set, dispatch_uid="kolops_password_set")
@receiver(password_reset, dispatch_uid="kolops_password_reset")
def on_password_changed(sender, request, user, **kwargs):
    """A new password revokes the user's API tokens (their other sessions end with the old one)."""
    credentials_changed(user=user)
