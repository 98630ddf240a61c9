"""The REST API object. Every app contributes a router from its own `api.py`.

Every answer under /api/ is JSON, errors included: an unknown path or a non-numeric id is a
404 like an id of another group, and a value no database column can hold is a 422.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router
from ninja.errors import HttpError

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
    return api.create_response(request, {"detail": str(exc) or _("Forbidden")}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    # Out of the caller's groups or absent: one answer, so ids of other groups are not revealed.
    return api.create_response(request, {"detail": _("Not found")}, status=404)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DataError)
def data_error(request, exc):
    # The schemas bound every value to its column; should one still not fit, it is the
    # caller's value that is wrong, not the server (the transaction has been rolled back).
    return api.create_response(
        request,
        {"detail": {"__all__": [_("A value is out of range or not valid for its field.")]}},
        status=422,
    )


@api.exception_handler(HttpError)
def http_error(request, exc):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        # django-ninja's answer to a body that is not JSON: an invalid input like any other.
        error = {"type": "json_invalid", "loc": ["body"], "msg": _("The body is not valid JSON.")}
        return api.create_response(request, {"detail": [error]}, status=422)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# Registered after every app's router: paths no operation matches, such as /api/kols/abc.
_unknown = Router(auth=None)


_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]


@_unknown.api_operation(_METHODS, "/{path:rest}", include_in_schema=False)
def unknown_path(request, rest: str):
    raise Http404


@_unknown.api_operation(_METHODS, "/", include_in_schema=False)
def no_operation(request):
    """/api/ itself: the operations are listed at /api/docs."""
    raise Http404


def _register_routers() -> None:
    from kolops.campaigns.api import router as campaigns_router
    from kolops.kols.api import router as kols_router

    api.add_router("/", kols_router)
    api.add_router("/", campaigns_router)
    api.add_router("/", _unknown)


_register_routers()
