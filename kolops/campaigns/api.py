"""REST endpoints of campaigns, briefs, plans and proposals (mounted under /api/).

Handlers only wire things (DESIGN §3): reads through `campaigns.selectors` and `.for_user()`,
writes through `campaigns.services`, which raise PermissionDenied (→ 403) and ValidationError
(→ 422). An object outside the caller's groups is 404.

A campaign and a brief answer with an `ETag`; PUT and PATCH need it back in `If-Match` (428
without it, 412 when someone changed the object since: `core.concurrency`).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from kolops.accounts.models import Organization
from kolops.core.concurrency import IfMatch, conditional_write, etag, etag_header_doc, require_if_match
from kolops.core.permissions import group_ids_for
from kolops.core.views import get_scoped_or_404
from kolops.kols.schemas import ErrorOut

from . import planning_service, selectors, services
from .brief import BriefDocument
from .document import CampaignDocument
from .models import Campaign, Proposal, ProposalItem
from .schemas import (
    BriefPatch,
    CampaignOut,
    CampaignPatch,
    CampaignSummaryOut,
    DecisionIn,
    PlanOut,
    ProposalOut,
    ProposalSummaryOut,
)

router = Router(tags=["Campaigns"])
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# An update needs If-Match: 428 without it, 412 when it is not the current version.
UPDATE_ERRORS = {**ERRORS, 412: ErrorOut, 428: ErrorOut}


def _campaign_out(user, pk: int, response: HttpResponse | None = None) -> dict:
    """The campaign as a document; its version goes to `response`'s ETag."""
    campaign = get_scoped_or_404(Campaign.objects.select_related("brief"), user, pk=pk)
    if response is not None:
        response["ETag"] = etag(services.campaign_version(campaign, campaign.brief))
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


@router.post(
    "/campaigns",
    response={201: CampaignOut, **ERRORS},
    summary="Create a campaign",
    openapi_extra=etag_header_doc(201),
)
def create_campaign(request, payload: CampaignDocument, response: HttpResponse):
    """Create a campaign with its brief and constraints from a campaign document."""
    organization = _organization(request.auth, payload.organization)
    _check_categories(payload)
    campaign = services.campaign_create_from_document(by=request.auth, organization=organization, doc=payload)
    return Status(201, _campaign_out(request.auth, campaign.pk, response))


@router.get(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **READ_ERRORS},
    summary="A campaign",
    openapi_extra=etag_header_doc(200),
)
def get_campaign(request, campaign_id: int, response: HttpResponse):
    """A campaign as a whole document: target, money, KPI targets, brief and constraints.

    `ETag` is the version of the whole document (the brief included).
    """
    return _campaign_out(request.auth, campaign_id, response)


def _moved_to(user, campaign: Campaign, organization_id: int | None) -> Organization | None:
    """The organization a document moves the campaign to, or None when it stays."""
    if organization_id is None or organization_id == campaign.organization_id:
        return None
    return _organization(user, organization_id)


@router.put(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **UPDATE_ERRORS},
    summary="Replace a campaign",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def update_campaign(
    request, campaign_id: int, payload: CampaignDocument, response: HttpResponse, if_match: IfMatch = None
):
    """Replace a campaign's fields, brief and constraints with the document's; an organization
    given moves the campaign to it (one of the campaign's group).

    Send the campaign's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the
    campaign or its brief changed since you read it.
    """
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    expected = require_if_match(if_match)
    _check_categories(payload)
    services.campaign_update_from_document(
        by=request.auth,
        campaign=campaign,
        doc=payload,
        organization=_moved_to(request.auth, campaign, payload.organization),
        expected_version=expected,
    )
    return _campaign_out(request.auth, campaign_id, response)


@router.patch(
    "/campaigns/{int:campaign_id}",
    response={200: CampaignOut, **UPDATE_ERRORS},
    summary="Change a campaign",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def patch_campaign(
    request, campaign_id: int, payload: CampaignPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change only the fields given: objects (`kpi`, `audience`, `brief`, `constraints`) merge
    key by key into the campaign's, lists and values replace; the result must be a valid
    campaign document.

    Send the campaign's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the
    campaign or its brief changed since you read it.
    """
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    expected = require_if_match(if_match)
    services.campaign_patch(
        by=request.auth,
        campaign=campaign,
        changes=payload.changes(),
        organization=_moved_to(request.auth, campaign, payload.organization),
        expected_version=expected,
    )
    return _campaign_out(request.auth, campaign_id, response)


def _brief_out(brief, response: HttpResponse) -> dict:
    response["ETag"] = etag(services.brief_version(brief))
    return brief.document


@router.get(
    "/campaigns/{int:campaign_id}/brief",
    response={200: BriefDocument, **READ_ERRORS},
    summary="A brief",
    openapi_extra=etag_header_doc(200),
)
def get_brief(request, campaign_id: int, response: HttpResponse):
    """The campaign's brief document (docs/examples/brief.json is a complete example);
    `ETag` is its version."""
    campaign = get_scoped_or_404(Campaign.objects.select_related("brief"), request.auth, pk=campaign_id)
    return _brief_out(campaign.brief, response)


@router.put(
    "/campaigns/{int:campaign_id}/brief",
    response={200: BriefDocument, **UPDATE_ERRORS},
    summary="Replace a brief",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def update_brief(
    request, campaign_id: int, payload: BriefDocument, response: HttpResponse, if_match: IfMatch = None
):
    """Replace the campaign's brief; the previous one stays in its history.

    Send the brief's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the brief
    changed since you read it.
    """
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    expected = require_if_match(if_match)
    brief = services.brief_save(
        by=request.auth,
        campaign=campaign,
        document=payload.model_dump(mode="json"),
        expected_version=expected,
    )
    return _brief_out(brief, response)


@router.patch(
    "/campaigns/{int:campaign_id}/brief",
    response={200: BriefDocument, **UPDATE_ERRORS},
    summary="Change a brief",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def patch_brief(
    request, campaign_id: int, payload: BriefPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change only the fields of the brief given (objects merge key by key, lists and values
    replace); the result must be a valid brief.

    Send the brief's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the brief
    changed since you read it.
    """
    campaign = get_scoped_or_404(Campaign.objects, request.auth, action="change", pk=campaign_id)
    expected = require_if_match(if_match)
    brief = services.brief_patch(
        by=request.auth, campaign=campaign, changes=payload.changes(), expected_version=expected
    )
    return _brief_out(brief, response)


@router.get(
    "/campaigns/{int:campaign_id}/plan", response={200: PlanOut, **READ_ERRORS}, summary="Plan a campaign"
)
def plan_campaign(request, campaign_id: int):
    """The optimizer's mix for a saved campaign, over its own group's channels; nothing is saved.

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
