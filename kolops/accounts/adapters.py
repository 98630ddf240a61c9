"""How allauth behaves here: accounts are made by administrators, never by signing up."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-in, password reset and security notices, without public sign-up."""

    def is_open_for_signup(self, request) -> bool:
        """Nobody signs up: an administrator creates every account (also for identity-provider
        sign-in, which only opens the account that already has the provider's e-mail)."""
        return False
