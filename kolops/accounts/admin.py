"""The Django admin: for superusers only, signed in like everybody else.

Group administration is done through the services (and their pages), never here: the admin is
not scoped by group, so a staff user who is not a superuser gets nothing from it.
"""

from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from .choices import OrganizationKind
from .models import ApiToken, Membership, Organization, Profile
from .services import organization_place


class OrganizationAdminForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name", "kind", "parent"]

    def clean(self):
        data = super().clean()
        is_group = data.get("kind") == OrganizationKind.GROUP
        if is_group and data.get("parent"):
            self.add_error("parent", _("A group is the root of its tree and has no parent."))
        if not is_group and not data.get("parent"):
            self.add_error("parent", _("A subsidiary or brand belongs to a parent organization."))
        parent = data.get("parent")
        if self.instance.pk and parent and self.instance.group_id not in (None, parent.group_id):
            self.add_error("parent", _("An organization cannot move to another group."))
        return data


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationAdminForm
    list_display = ["name", "kind", "parent", "group"]
    list_filter = ["kind"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        # The tree's root pointer is derived, never typed: the same rule as organization_create.
        organization_place(organization=obj)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]


admin.site.register(Profile)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "key_hash"]


def superusers_only(request) -> bool:
    """Whether the admin lets `request.user` in: an active superuser, nobody else."""
    return request.user.is_active and request.user.is_superuser


def signed_in_like_everybody(login_view):
    """The admin's sign-in page sends to the app's own (rate limits, second factor); a signed-in
    user who is not a superuser is refused rather than asked for another account."""

    @wraps(login_view)
    def view(request, *args, **kwargs):
        if not request.user.is_authenticated:
            next_url = request.GET.get("next") or resolve_url("admin:index")
            return HttpResponseRedirect(f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': next_url})}")
        if not superusers_only(request):
            raise PermissionDenied
        return login_view(request, *args, **kwargs)

    return view


admin.site.has_permission = superusers_only
admin.site.login = signed_in_like_everybody(admin.site.login)
