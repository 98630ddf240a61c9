"""Account pages: API tokens (sign-in, passwords and the second factor are allauth's pages)."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView

from .forms import ApiTokenForm
from .models import ApiToken
from .services import api_token_create, api_token_revoke


@method_decorator(reauthentication_required(allow_get=True), name="post")
class TokenListView(LoginRequiredMixin, FormView):
    """The user's API tokens, and a form to create one (its key is shown once).

    Creating a token asks for the password (or second factor) again unless the user confirmed
    it in the last few minutes (`ACCOUNT_REAUTHENTICATION_TIMEOUT`).
    """

    template_name = "accounts/tokens.html"
    form_class = ApiTokenForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tokens"] = ApiToken.objects.filter(user=self.request.user).order_by("-created_at")
        return context

    def form_valid(self, form):
        _token, key = api_token_create(user=self.request.user, name=form.cleaned_data["name"])
        return self.render_to_response(self.get_context_data(form=ApiTokenForm(), new_key=key))


class TokenRevokeView(LoginRequiredMixin, View):
    """Revoke one of the user's own tokens."""

    def post(self, request, pk: int):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        api_token_revoke(token=token)
        messages.success(request, _("The token was revoked."))
        return redirect("accounts:tokens")
