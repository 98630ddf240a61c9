"""REST endpoints of campaigns, briefs, plans and proposals (mounted under /api/).

Handlers only wire things (DESIGN §3): reads through `campaigns.selectors` and `.for_user()`,
writes through `campaigns.services`, which raise PermissionDenied (→ 403) and ValidationError
(→ 422). An object outside the caller's groups is 404.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Router, Status

from kolops.accounts.models import Organization
from kolops.core.permissions import group_ids_for
from kolops.core.views import get_scoped_or_404
from kolops.kols.schemas import ErrorOut

from . import planning_service, selectors, services
from .brief import BriefDocument
from .document import CampaignDocument
from .models import Campaign, Proposal, ProposalItem
from .schemas import (
    CampaignOut,
    CampaignSummaryOut,
    DecisionIn,
    PlanOut,
    ProposalOut,
    ProposalSummaryOut,
)

router = Router(tags=["Campaigns"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _campaign_out(user, pk: int) -> dict:
    campaign = get_scoped_or_404(Campaign.objects.select_related("brief"), user, pk=pk)
    doc = planning_service.campaign_document(campaign)
    return doc.model_dump() | {
        "id": campaign.pk,
        "status": campaign.status,
        "created_at": campaign.created_at,
        "updated_at": campaign.updated_at,
    }


def _organization(user, organization_id: int | None) -> Organization:
    """The organization a new campaign belongs to; one outside the caller's groups is refused
    like one they may not plan for, so the answer does not tell whether it exists."""
    if organization_id is None:
        raise ValidationError({"organization": [_("Say which organization the campaign belongs to.")]})
    organization = Organization.objects.filter(pk=organization_id).first()
    if organization is None or (organization.group_id or organization.pk) not in group_ids_for(
        user, "campaigns.change"
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    return organization


def _check_categories(doc: CampaignDocument) -> None:
    unknown = planning_service.unknown_categories(doc)
    if unknown:
        raise ValidationError(
            {"categories": [_("Unknown categories: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )


@router.get("/campaigns", response={200: list[CampaignSummaryOut], **READ_ERRORS}, summary="List campaigns")
def list_campaigns(request, status: str = ""):
    """Campaigns of your groups, newest first (at most 500)."""
    return [
        {
            "id": c.pk,
            "name": c.name,
            "organization": c.organization_id,
            "objective": c.objective,
            "status": c.status,
            "start_on": c.start_on.isoformat(),
            "end_on": c.end_on.isoformat(),
            "budget": c.budget,
            "currency": c.currency,
        }
        for c in selectors.campaign_list(user=request.auth, status=status)[:500]
    ]


@router.post("/campaigns", response={201: CampaignOut, **ERRORS}, summary="Create a campaign")
def create_campaign(request, payload: CampaignDocument):
    """Create a campaign with its brief and constraints from a campaign document."""
    organization = _organization(request.auth, payload.organization)
    _check_categories(payload)
    campaign = services.campaign_create_from_document(by=request.auth, organization=organization, doc=payload)
    return Status(201, _campaign_out(request.auth, campaign.pk))


@router.get("/campaigns/{int:campaign_id}", response={200: CampaignOut, **READ_ERRORS}, summary="A campaign")
def get_campaign(request, campaign_id: int):
    """A campaign as a whole document: target, money, KPI targets, brief and constraints."""
    return _campaign_out(request.auth, campaign_id)


@router.put(
    "/campaigns/{int:campaign_id}", response={200: CampaignOut, **ERRORS}, summary="Replace a campaign"
)
def update_campaign(request, campaign_id: int, payload: CampaignDocument):
    """Replace a campaign's fields, brief and constraints with the document's; an organization
    given moves the campaign to it (one of the campaign's group)."""
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    _check_categories(payload)
    organization = None
    if payload.organization is not None and payload.organization != campaign.organization_id:
        organization = _organization(request.auth, payload.organization)
    services.campaign_update_from_document(
        by=request.auth, campaign=campaign, doc=payload, organization=organization
    )
    return _campaign_out(request.auth, campaign_id)


@router.get(
    "/campaigns/{int:campaign_id}/brief", response={200: BriefDocument, **READ_ERRORS}, summary="A brief"
)
def get_brief(request, campaign_id: int):
    """The campaign's brief document (docs/examples/brief.json is a complete example)."""
    campaign = get_scoped_or_404(Campaign.objects.select_related("brief"), request.auth, pk=campaign_id)
    return campaign.brief.document


@router.put(
    "/campaigns/{int:campaign_id}/brief", response={200: BriefDocument, **ERRORS}, summary="Replace a brief"
)
def update_brief(request, campaign_id: int, payload: BriefDocument):
    """Replace the campaign's brief; the previous one stays in its history."""
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    return services.brief_save(
        by=request.auth, campaign=campaign, document=payload.model_dump(mode="json")
    ).document


@router.get(
    "/campaigns/{int:campaign_id}/plan", response={200: PlanOut, **READ_ERRORS}, summary="Plan a campaign"
)
def plan_campaign(request, campaign_id: int):
    """The optimizer's mix for a saved campaign, over the channels you may see; nothing is saved.

    An infeasible plan answers 200 with `solver.status` "infeasible" and the failing constraint
    in `solver.message`.
    """
    campaign = get_scoped_or_404(Campaign.objects.select_related("brief"), request.auth, pk=campaign_id)
    doc = planning_service.campaign_document(campaign)
    return _plan(request.auth, doc)


@router.post("/plan", response={200: PlanOut, **READ_ERRORS}, summary="Plan a campaign document")
def plan_document(request, payload: CampaignDocument):
    """Plan a campaign described in the body (as `kolops plan --campaign-file`); nothing is saved."""
    _check_categories(payload)
    return _plan(request.auth, payload)


def _plan(user, doc: CampaignDocument) -> dict:
    outcome = planning_service.plan_document(user=user, doc=doc)
    return planning_service.plan_json(outcome, doc)


@router.get(
    "/campaigns/{int:campaign_id}/proposals",
    response={200: list[ProposalSummaryOut], **READ_ERRORS},
    summary="A campaign's proposal versions",
)
def list_proposals(request, campaign_id: int):
    """The campaign's proposal versions, newest first."""
    campaign = get_scoped_or_404(Campaign.objects, request.auth, pk=campaign_id)
    return list(campaign.proposals.order_by("-version"))


@router.post(
    "/campaigns/{int:campaign_id}/proposals",
    response={201: ProposalOut, **ERRORS},
    summary="Generate a proposal",
)
def create_proposal(request, campaign_id: int):
    """Plan the campaign and keep the optimizer's mix as a new draft version (422 if infeasible)."""
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    proposal = services.proposal_generate(by=request.auth, campaign=campaign)
    return Status(201, _proposal_out(request.auth, proposal.pk))


def _proposal_out(user, pk: int) -> Proposal:
    try:
        return selectors.proposal_detail(user=user, pk=pk)
    except Proposal.DoesNotExist:
        raise Http404 from None


@router.get("/proposals/{int:proposal_id}", response={200: ProposalOut, **READ_ERRORS}, summary="A proposal")
def get_proposal(request, proposal_id: int):
    """A proposal version with every item, its forecast, fit and decision."""
    return _proposal_out(request.auth, proposal_id)


@router.post(
    "/proposals/{int:proposal_id}/submit", response={200: ProposalOut, **ERRORS}, summary="Submit a proposal"
)
def submit_proposal(request, proposal_id: int):
    """Send a draft version for approval."""
    proposal = get_scoped_or_404(Proposal.objects, request.auth, action="change", pk=proposal_id)
    services.proposal_submit(by=request.auth, proposal=proposal)
    return _proposal_out(request.auth, proposal_id)


@router.post(
    "/proposal-items/{int:item_id}/decision",
    response={200: ProposalOut, **ERRORS},
    summary="Decide on an item",
)
def decide_item(request, item_id: int, payload: DecisionIn):
    """Approve or reject one item of a submitted version (managers; a rejection needs a comment)."""
    item = get_scoped_or_404(ProposalItem.objects, request.auth, action="approve", pk=item_id)
    services.item_decide(by=request.auth, item=item, decision=payload.decision, comment=payload.comment)
    return _proposal_out(request.auth, item.proposal_id)
