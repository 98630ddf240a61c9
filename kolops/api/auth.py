"""API authentication: a bearer token (`Authorization: Bearer kol_…`) or the browser session."""

from django.conf import settings
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth

from kolops.accounts.services import api_token_authenticate, second_factor_enabled, second_factor_required


class TokenAuth(HttpBearer):
    """Bearer tokens issued on the account page; only their hash is stored.

    The token of a superuser or group administrator who has not set up the second factor is
    refused, as their browser session is (`SecondFactorRequiredMiddleware`).
    """

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is None:
            return None
        if (
            settings.KOLOPS_MFA_REQUIRED_FOR_ADMINS
            and second_factor_required(user)
            and not second_factor_enabled(user)
        ):
            return None
        request.user = user
        return user


class SessionAuth(NinjaSessionAuth):
    """The browser session. Its writes need the CSRF token (header X-CSRFToken), as forms do.

    ninja's `django_auth` checks CSRF before it looks for a session, so a caller with neither a
    session nor a valid token got "403 CSRF check Failed" on a write. The check only protects a
    signed-in session; without one the answer is 401, as for a read.
    """

    def __call__(self, request):
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api_auth = [TokenAuth(), SessionAuth()]
