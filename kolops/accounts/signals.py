"""Reactions to account events: a saved password, a sign-in."""

import time

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.account.signals import user_logged_in
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models.signals import post_save
from django.dispatch import receiver

from .services import credentials_changed, second_factor_enabled, second_factor_required

# A password typed this many seconds ago, at sign-in, is as good as one typed to confirm access.
JUST_TYPED_SECONDS = 60


@receiver(post_save, sender=get_user_model(), dispatch_uid="kolops_password_saved")
def on_password_saved(sender, instance, created, **kwargs):
    """A new password, by whatever path it is saved (the account pages' change, set and reset,
    `kolops changepassword`, the admin, a shell), revokes the user's API tokens; their other
    sessions end with the old password by themselves.

    `set_password()` marks the user (`_password`) until the save that stores the new hash; a
    hash upgraded at sign-in is saved unmarked, so it revokes nothing.
    """
    if not created and getattr(instance, "_password", None) is not None:
        credentials_changed(user=instance)


@receiver(user_logged_in, dispatch_uid="kolops_sign_in_confirms_second_factor_set_up")
def on_signed_in(sender, request, user, **kwargs):
    """An administrator who must set up the authenticator app is sent to it right after signing
    in; the password they have just typed confirms access, so the set-up does not ask for it
    again. Everybody else still confirms it before a sensitive change."""
    if not settings.KOLOPS_MFA_REQUIRED_FOR_ADMINS:
        return
    if not second_factor_required(user) or second_factor_enabled(user):
        return
    records = get_authentication_records(request, user)
    last = records[-1] if records else {}
    if last.get("method") == "password" and time.time() - last.get("at", 0) < JUST_TYPED_SECONDS:
        record_authentication(request, user, method="password", reauthenticated=True)
