"""How allauth behaves here: accounts are made by administrators, never by signing up."""

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib.auth import get_user_model
from django.db.models import Q


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in, password reset and security notices, without public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up: an administrator creates every account (also for identity-provider
        sign-in, which only opens the account that already has the provider's e-mail)."""
        return False

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """Count failed sign-ins per account, whether its user name or its e-mail was typed.

        allauth counts per typed text, which gives an account one allowance for its user name and
        another for its address; a text that names no single account keeps allauth's key.
        """
        login = credentials.get("email") or credentials.get("username") or ""
        if login:
            matches = list(
                get_user_model()
                .objects.filter(Q(username__iexact=login) | Q(email__iexact=login))
                .values_list("pk", flat=True)[:2]
            )
            if len(matches) == 1:
                return f"account:{matches[0]}"
        return super()._get_login_attempts_cache_key(request, **credentials)
