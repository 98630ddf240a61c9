"""Roles, what each role may do, and the one place that scopes queries to a user.

Every query a user can reach goes through `QuerySet.for_user(user, action)`: it keeps the rows
of the organization groups in which the user holds a role that grants `<app>.<action>`.
A group's data is invisible to every other group.
"""

from collections.abc import Iterable

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a member does in an organization."""

    ADMIN = "admin", _("Administrator")
    MANAGER = "manager", _("Manager (approves)")
    SPECIALIST = "specialist", _("KOL specialist")
    REVIEWER = "reviewer", _("Content reviewer")
    FINANCE = "finance", _("Finance")
    VIEWER = "viewer", _("Viewer")


_ALL = frozenset(Role.values)
_EDITORS = frozenset({Role.ADMIN, Role.MANAGER, Role.SPECIALIST})

# permission → roles that hold it. Permissions are "<area>.<action>".
PERMISSIONS: dict[str, frozenset[str]] = {
    "kols.view": _ALL,
    "kols.change": _EDITORS,
    "kols.import": _EDITORS,
    "kols.export": _ALL - {Role.VIEWER},
    "campaigns.view": _ALL,
    "campaigns.change": _EDITORS,
    "campaigns.approve": frozenset({Role.ADMIN, Role.MANAGER}),
    "campaigns.export": _ALL - {Role.VIEWER},
    "accounts.view": _ALL,
    "accounts.manage": frozenset({Role.ADMIN}),
}


def roles_with(permission: str) -> frozenset[str]:
    """The roles that hold `permission`; unknown permissions are held by nobody."""
    return PERMISSIONS.get(permission, frozenset())


class SystemReader:
    """The trusted server-side reader of management commands (`kolops search`).

    It holds the viewer role in every organization group, so it reads through the same
    `.for_user()` scoping as everyone and every service refuses to write on its behalf.
    `user=None` deliberately sees nothing: a view that forgets its user must not see all.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False
    pk = None

    def __str__(self) -> str:
        return "system reader"


SYSTEM_READER = SystemReader()


def roles_by_group(user) -> dict[int, frozenset[str]]:
    """The roles `user` holds in each organization group (one query, cached on the user)."""
    if user is SYSTEM_READER:
        from kolops.accounts.models import Organization

        groups = Organization.objects.filter(group_id=models.F("pk")).values_list("pk", flat=True)
        return {group_id: frozenset({Role.VIEWER}) for group_id in groups}
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cached = user.__dict__.get("_kolops_roles")
    if cached is None:
        from kolops.accounts.models import Membership

        roles: dict[int, set[str]] = {}
        for group_id, role in Membership.objects.filter(
            user=user, organization__group__isnull=False
        ).values_list("organization__group_id", "role"):
            roles.setdefault(group_id, set()).add(role)
        cached = {group_id: frozenset(r) for group_id, r in roles.items()}
        user.__dict__["_kolops_roles"] = cached
    return cached


def group_ids_for(user, permission: str) -> set[int]:
    """Ids of the organization groups in which `user` holds `permission`."""
    allowed = roles_with(permission)
    return {group_id for group_id, roles in roles_by_group(user).items() if roles & allowed}


def has_permission(user, permission: str, group_id: int | None = None) -> bool:
    """Whether `user` holds `permission` anywhere, or in the group `group_id` when given."""
    groups = group_ids_for(user, permission)
    return bool(groups) if group_id is None else group_id in groups


class OrgScopedQuerySet(models.QuerySet):
    """A QuerySet whose model names the path to its organization group and its permission area.

    Models set `org_group_field` (e.g. "group" or "kol__group") and `permission_area`
    (e.g. "kols") as class attributes.
    """

    def for_user(self, user, action: str = "view") -> "OrgScopedQuerySet":
        """Rows `user` may `action` ("view", "change", …): scoped by group and role."""
        model = self.model
        permission = f"{model.permission_area}.{action}"
        groups: Iterable[int] = group_ids_for(user, permission)
        if not groups:
            return self.none()
        return self.filter(**{f"{model.org_group_field}__in": sorted(groups)})
