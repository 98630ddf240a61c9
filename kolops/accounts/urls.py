"""The app's own account pages. Sign-in, sign-out, passwords and the second factor are allauth's
(`allauth.urls`, under the same prefix)."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.TokenListView.as_view(), name="tokens"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
]
