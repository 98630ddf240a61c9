"""A demo campaign for `kolops demo-setup`: the documented example campaign, planned once."""

import json

from django.conf import settings
from django.db import transaction

from kolops.accounts.models import Organization

from . import services
from .document import CampaignDocument
from .models import Campaign, Proposal

EXAMPLE = settings.PROJECT_DIR / "docs" / "examples" / "campaign.json"
DEMO_BRAND = "Lotus Beauty"


def demo_campaign_setup(*, group: Organization, by) -> Proposal | None:
    """Create docs/examples/campaign.json for the demo brand with a first optimizer proposal.

    Only when the group has no campaign yet (so it is safe to run again) and the example file
    is there (a source checkout); returns the proposal, or None when nothing was made.
    """
    if Campaign.objects.filter(group=group).exists() or not EXAMPLE.exists():
        return None
    doc = CampaignDocument.model_validate(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    brand = Organization.objects.filter(group=group, name=DEMO_BRAND).first() or group
    with transaction.atomic():
        campaign = services.campaign_create_from_document(by=by, organization=brand, doc=doc)
        return services.proposal_generate(by=by, campaign=campaign)
