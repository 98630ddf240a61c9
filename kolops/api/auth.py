"""API authentication: a bearer token (`Authorization: Bearer kol_…`) or the browser session."""

from ninja.security import HttpBearer, django_auth

from kolops.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """Bearer tokens issued on the account page; only their hash is stored."""

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api_auth = [TokenAuth(), django_auth]
