"""Helpers the campaign pages share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from kolops.accounts.models import Organization
from kolops.core.permissions import group_ids_for

from .. import selectors
from ..models import Campaign, Proposal


def report(request, error: ValidationError) -> None:
    """A service's refusal as messages at the top of the next page."""
    for message in error.messages:
        messages.error(request, message)


def editable_organizations(user):
    """Organizations (groups, subsidiaries, brands) in which `user` may plan campaigns."""
    groups = group_ids_for(user, "campaigns.change")
    return Organization.objects.filter(group_id__in=groups).order_by("name")


def campaign_or_404(user, pk):
    try:
        return selectors.campaign_detail(user=user, pk=pk)
    except Campaign.DoesNotExist:
        raise Http404 from None


def proposal_or_404(user, pk):
    try:
        return selectors.proposal_detail(user=user, pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None
