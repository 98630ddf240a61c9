"""Per-request account rules: the signed-in user's time zone, and the second factor that
administrators must set up before anything else."""

import zoneinfo

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _


class UserTimezoneMiddleware:
    """Show times in the user's zone (profile), stored in UTC always."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            profile = getattr(user, "profile", None) if hasattr(user, "profile") else None
            zone = profile.time_zone if profile else None
        if zone:
            try:
                timezone.activate(zoneinfo.ZoneInfo(zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Keep superusers and group administrators without an authenticator app on its set-up page.

    They may sign out, change the language and use the account pages (setting up the app
    needs them); every other page sends them to set it up, and the API refuses their session
    (403). Off when `KOLOPS_MFA_REQUIRED_FOR_ADMINS` is false.
    """

    ALLOWED_URL_NAMES = frozenset({"set_language"})
    ALLOWED_PREFIXES = ("account_", "mfa_")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.KOLOPS_MFA_REQUIRED_FOR_ADMINS and self._must_set_up(request):
            return self._refuse(request)
        return self.get_response(request)

    def _must_set_up(self, request) -> bool:
        from .services import second_factor_enabled, second_factor_required

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        if self._allowed(request.path_info):
            return False
        return second_factor_required(user) and not second_factor_enabled(user)

    def _allowed(self, path: str) -> bool:
        if path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            name = resolve(path).url_name or ""
        except Resolver404:
            return False
        return name in self.ALLOWED_URL_NAMES or name.startswith(self.ALLOWED_PREFIXES)

    def _refuse(self, request):
        message = _("Set up an authenticator app first: administrators sign in with a second factor.")
        if request.path_info.startswith(reverse("api:api-root")):
            return JsonResponse({"detail": str(message)}, status=403)
        messages.warning(request, message)
        return redirect("mfa_activate_totp")
