"""The REST API object. Every app contributes a router from its own `api.py`."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import NinjaAPI

from .auth import api_auth

api = NinjaAPI(
    title="KOLOps API",
    version="1",
    description="KOL database, campaigns, briefs, plans and proposals. Every call is scoped to your groups.",
    auth=api_auth,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    # Out of the caller's groups or absent: one answer, so ids of other groups are not revealed.
    return api.create_response(request, {"detail": "Not found"}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


def _register_routers() -> None:
    from kolops.campaigns.api import router as campaigns_router
    from kolops.kols.api import router as kols_router

    api.add_router("/", kols_router)
    api.add_router("/", campaigns_router)


_register_routers()
