"""A demo campaign for `kolops demo-setup`: the documented example campaign, planned once."""

import json
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from kolops.accounts.models import Organization

from . import services
from .document import CampaignDocument
from .models import Campaign, Proposal

EXAMPLE = settings.PROJECT_DIR / "docs" / "examples" / "campaign.json"
DEMO_BRAND = "Lotus Beauty"


@dataclass(frozen=True)
class DemoCampaign:
    """The demo campaign, its first proposal, or why it could not be planned."""

    campaign: Campaign
    proposal: Proposal | None
    problem: str = ""


def demo_campaign_setup(*, group: Organization, by) -> DemoCampaign | None:
    """Create docs/examples/campaign.json for the demo brand with a first optimizer proposal.

    Only when the group has no campaign yet (so it is safe to run again) and the example file
    is there (a source checkout); None when nothing was made. A pool too small for the
    example's quotas keeps the campaign without a proposal and says why.
    """
    if Campaign.objects.filter(group=group).exists() or not EXAMPLE.exists():
        return None
    doc = CampaignDocument.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    brand = Organization.objects.filter(group=group, name=DEMO_BRAND).first() or group
    campaign = services.campaign_create_from_document(by=by, organization=brand, doc=doc)
    try:
        return DemoCampaign(campaign, services.proposal_generate(by=by, campaign=campaign))
    except ValidationError as error:
        return DemoCampaign(campaign, None, " ".join(error.messages))
