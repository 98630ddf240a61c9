"""Writes of the accounts app: organizations, memberships, tokens."""

import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from .choices import OrganizationKind, Role
from .models import ApiToken, Membership, Organization

User = get_user_model()


@transaction.atomic
def organization_create(*, name: str, kind: str, parent: Organization | None = None) -> Organization:
    """Create an organization. A group has no parent; subsidiaries and brands need one.

    The new node's `group` is its root, so scoping needs no tree walk.
    """
    if kind == OrganizationKind.GROUP:
        if parent is not None:
            raise ValueError("A group is the root of its tree and has no parent.")
        org = Organization.objects.create(name=name, kind=kind)
        org.group = org
        org.save(update_fields=["group"])
        return org
    if parent is None:
        raise ValueError("A subsidiary or brand belongs to a parent organization.")
    return Organization.objects.create(name=name, kind=kind, parent=parent, group=parent.group)


@transaction.atomic
def organization_place(*, organization: Organization) -> Organization:
    """Save `organization` where its kind and parent put it, deriving its `group` (root).

    A group has no parent; subsidiaries and brands need one. Moving a subtree is refused:
    the group a KOL pool belongs to must not change under it.
    """
    from django.core.exceptions import ValidationError

    if organization.kind == OrganizationKind.GROUP:
        if organization.parent_id is not None:
            raise ValidationError({"parent": "A group is the root of its tree and has no parent."})
        organization.save()
        if organization.group_id != organization.pk:
            organization.group = organization
            organization.save(update_fields=["group"])
        return organization
    if organization.parent_id is None:
        raise ValidationError({"parent": "A subsidiary or brand belongs to a parent organization."})
    new_group = organization.parent.group_id
    if organization.pk and organization.group_id and organization.group_id != new_group:
        raise ValidationError({"parent": "An organization cannot move to another group."})
    organization.group_id = new_group
    organization.save()
    return organization


@transaction.atomic
def membership_grant(*, user, organization: Organization, role: str) -> Membership:
    """Give `user` `role` in `organization` (replacing a role they had there)."""
    if role not in Role.values:
        raise ValueError(f"Unknown role {role!r}")
    membership, _created = Membership.objects.update_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    user.__dict__.pop("_kolops_roles", None)
    return membership


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """Create an API token for `user`; returns the record and the key, shown only once."""
    key = "kol_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:12], key_hash=ApiToken.hash_key(key))
    return token, key


def api_token_authenticate(key: str):
    """The active user owning the live token `key`, or None. Records the time of use."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> None:
    """Revoke `token`; it stops working at once and stays listed for the record."""
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


@transaction.atomic
def credentials_changed(*, user) -> int:
    """End what the old password opened: every live API token of `user` is revoked.

    Called whenever a password is changed, set or reset. The user's other browser sessions end
    with the old password by themselves: Django keeps a hash of the password in each session and
    signs out a session whose hash no longer matches; the browser that made the change gets the
    new hash. Returns the number of tokens revoked.
    """
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def second_factor_required(user) -> bool:
    """Whether `user` must use a second factor: superusers and the administrators of a group."""
    from kolops.core.permissions import roles_by_group

    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(Role.ADMIN in roles for roles in roles_by_group(user).values())


def second_factor_enabled(user) -> bool:
    """Whether `user` has set up an authenticator app (TOTP)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
