"""Top-level URL map: each app owns its prefix."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kolops.api.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="kols:list", permanent=False), name="home"),
    path("accounts/", include("kolops.accounts.urls")),
    # allauth: sign-in, passwords, second factor, the company identity provider (docs/sign-in.md)
    path("accounts/", include("allauth.account.urls")),
    path("accounts/2fa/", include("allauth.mfa.urls")),
    path("accounts/3rdparty/", include("allauth.socialaccount.urls")),
    path("accounts/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("kols/", include("kolops.kols.urls")),
    path("campaigns/", include("kolops.campaigns.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
