"""Response headers every answer carries: the browser features a page may use, and caching.

`SecurityHeadersMiddleware` sits right after Django's SecurityMiddleware, before WhiteNoise,
so static files get the Permissions-Policy too. Static files are answered before the session
and the user are read, so they stay cacheable; every other answer to a signed-in user (a
session or an API token) is marked `no-store`: pages and API answers hold a group's data,
which must not stay in a shared proxy's or the browser's cache after signing out.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


def permissions_policy_header(policy: dict[str, list[str]]) -> str:
    """The Permissions-Policy header of `policy` ({feature: [allowed origins]}).

    An empty list denies the feature everywhere (`camera=()`); "self" allows this site only;
    other entries are origins, which the header quotes.
    """
    parts = []
    for feature, origins in policy.items():
        allowed = " ".join(origin if origin in ("self", "*") else f'"{origin}"' for origin in origins)
        parts.append(f"{feature}=({allowed})")
    return ", ".join(parts)


def signed_in(request) -> bool:
    """Whether `request` carries credentials: a signed-in session or an API token.

    Token authentication sets `request.user` when the token is valid; a request that sends an
    Authorization header counts even when it is refused, since its answer is about that caller.
    """
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)  # absent on static files: WhiteNoise answered first
    return bool(user is not None and user.is_authenticated)


class SecurityHeadersMiddleware:
    """Adds Permissions-Policy (KOLOPS_PERMISSIONS_POLICY) to every answer and
    `Cache-Control: no-store` to every answer to a signed-in request."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "KOLOPS_PERMISSIONS_POLICY", None) or {}
        self.permissions_policy = permissions_policy_header(policy)

    def __call__(self, request):
        response = self.get_response(request)
        if self.permissions_policy:
            response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if signed_in(request):
            add_never_cache_headers(response)
        return response
