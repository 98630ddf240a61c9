"""View mixins shared by every app: sign-in, group membership and scoped object lookup."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404

from kolops.core.permissions import group_ids_for, has_permission


class OrgRequiredMixin(LoginRequiredMixin):
    """Signed-in users with a role in some organization group; `permission` must be held."""

    permission = "kols.view"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_permission(request.user, self.permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def get_scoped_or_404(queryset, user, *, action: str = "view", **lookup):
    """The object `user` may `action`: 404 when it is out of their groups, 403 when only
    their role forbids the action (they can see it but not change it)."""
    model = queryset.model
    try:
        obj = queryset.for_user(user, "view").get(**lookup)
    except model.DoesNotExist:
        raise Http404 from None
    if action != "view":
        group_id = _group_id_of(obj, model.org_group_field)
        if group_id not in group_ids_for(user, f"{model.permission_area}.{action}"):
            raise PermissionDenied
    return obj


def _group_id_of(obj, path: str) -> int:
    parts = path.split("__")
    for part in parts[:-1]:
        obj = getattr(obj, part)
    return getattr(obj, f"{parts[-1]}_id")
