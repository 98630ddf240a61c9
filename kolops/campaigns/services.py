"""Writes of campaigns, briefs and proposals. Pages, the API and the CLI all call these.

A proposal is versioned: the optimizer or a person makes a draft version, the specialist edits
it (add, remove, swap), submits it, and a manager other than the submitter decides each item.
A submitted version is never edited again: a change is a new version (`proposal_copy`).

Lock order (docs/architecture.md, "Concurrent writes"): the campaign row, then its brief, then
a proposal, then its items. A campaign or brief edit carries the version its writer read
(`expected_version`) and is checked on the locked row (`kolops.core.concurrency`).
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError
from simple_history.utils import bulk_create_with_history

from kolops.accounts.models import Organization
from kolops.core.concurrency import check_version, version_of
from kolops.core.permissions import has_permission
from kolops.core.uploads import storage_name
from kolops.kols.models import Category, Channel
from kolops.kols.services import require

from . import planning_service, selectors
from .brief import BriefDocument, brief_parse
from .choices import (
    CAMPAIGN_TRANSITIONS,
    CampaignStatus,
    Decision,
    ProposalSource,
    ProposalStatus,
)
from .document import CampaignDocument, ConstraintsDocument
from .messages import ineligible_label, plan_failure_message
from .models import Brief, BriefAttachment, Campaign, Proposal, ProposalItem
from .planning.plan import Scored, alternatives

CAMPAIGN_FIELDS = (
    "name",
    "objective",
    "description",
    "target_age_buckets",
    "target_gender",
    "target_regions",
    "platforms",
    "markets",
    "tiers",
    "start_on",
    "end_on",
    "budget",
    "currency",
    "reserve_percent",
    "max_fee_per_kol",
    "target_views",
    "target_engagements",
    "target_clicks",
    "target_leads",
    "target_conversions",
    "max_cpm",
    "max_cpe",
    "constraints",
)


def _schema_messages(error, whole: str = "document") -> list[str]:
    """A pydantic ValidationError as "path: message" lines ("tiers.giant: Input should be …")."""
    return [
        f"{'.'.join(str(p) for p in e['loc'] if p != '[key]') or whole}: {e['msg']}" for e in error.errors()
    ]


def campaign_version(campaign: Campaign, brief: Brief | None = None) -> str:
    """The version of a campaign as its form and the API edit it: its fields, categories and
    status, and its brief (a campaign document holds the brief). Read from the database when
    `brief` is not given."""
    if brief is None:
        brief = Brief.objects.only("pk", "updated_at").filter(campaign_id=campaign.pk).first()
    return version_of(campaign, *([brief] if brief is not None else []))


def brief_version(brief: Brief) -> str:
    """The version of a brief document."""
    return version_of(brief)


def _lock_campaign(campaign_id: int) -> Campaign:
    """Lock a campaign's row for a write of it or its brief (campaign → brief → proposal →
    item). FOR NO KEY UPDATE: proposals can still be added to it meanwhile."""
    # of=("self",): the campaign's row only, not its group's organization row.
    campaigns = Campaign.objects.select_for_update(no_key=True, of=("self",)).select_related("group")
    return campaigns.get(pk=campaign_id)


def _validate_campaign(campaign: Campaign) -> None:
    if campaign.start_on and campaign.end_on and campaign.end_on < campaign.start_on:
        raise ValidationError({"end_on": _("The campaign ends before it starts.")})
    if campaign.max_fee_per_kol is not None and campaign.max_fee_per_kol > campaign.budget:
        raise ValidationError({"max_fee_per_kol": _("The maximum fee per KOL is larger than the budget.")})
    # The constraints are read back as a ConstraintsDocument by every plan: a document the plan
    # cannot read must not be saved (it would fail every later plan of the campaign).
    try:
        constraints = ConstraintsDocument.model_validate(campaign.constraints or {})
    except SchemaError as error:
        raise ValidationError({"constraints": _schema_messages(error)}) from None
    # Must-include and excluded channels are the campaign group's own, never another group's.
    if errors := planning_service.channels_outside_group(campaign.group_id, constraints):
        raise ValidationError(errors)
    campaign.full_clean(exclude=["group", "organization", "created_by"])


@transaction.atomic
def campaign_create(
    *, by, organization: Organization, data: dict, categories: list[Category] = ()
) -> Campaign:
    """Create a campaign of `organization` (a group, subsidiary or brand) with an empty brief."""
    group = organization.group or organization
    require(by, "campaigns.change", group)
    campaign = Campaign(group=group, organization=organization, created_by=by)
    for field in CAMPAIGN_FIELDS:
        if field in data:
            setattr(campaign, field, data[field])
    _validate_campaign(campaign)
    campaign.save()
    campaign.categories.set(categories)
    Brief.objects.create(campaign=campaign, document=brief_parse({}), updated_by=by)
    return campaign


@transaction.atomic
def campaign_update(
    *,
    by,
    campaign: Campaign,
    data: dict,
    categories: list[Category] | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Campaign:
    """Change a campaign's fields; a closed campaign is read-only.

    The fields are set on the row locked for the write and read fresh, so a change made
    meanwhile to a field not in `data` (its status) is kept. With `expected_version`, nothing is
    saved and StaleVersion is raised when the campaign changed since that version was read.
    Returns the saved campaign.
    """
    require(by, "campaigns.change", campaign.group)
    campaign = _lock_campaign(campaign.pk)
    check_version(campaign_version(campaign), expected_version)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be changed."))
    if "organization" in data:
        organization = data["organization"]
        if (organization.group_id or organization.pk) != campaign.group_id:
            raise ValidationError({"organization": _("Choose an organization of the campaign's group.")})
        campaign.organization = organization
    for field in CAMPAIGN_FIELDS:
        if field in data:
            setattr(campaign, field, data[field])
    _validate_campaign(campaign)
    campaign.save()
    if categories is not None:
        campaign.categories.set(categories)
    return campaign


def campaign_fields_from_document(doc: CampaignDocument) -> dict:
    """Model fields of a campaign document (the brief and categories are set apart)."""
    return {
        "name": doc.name,
        "objective": doc.objective,
        "description": doc.description,
        "target_age_buckets": doc.audience.age_buckets,
        "target_gender": doc.audience.gender,
        "target_regions": doc.audience.regions,
        "platforms": doc.platforms,
        "markets": doc.markets,
        "tiers": doc.tiers,
        "start_on": doc.start_on,
        "end_on": doc.end_on,
        "budget": doc.budget,
        "currency": doc.currency,
        "reserve_percent": doc.reserve_percent,
        "max_fee_per_kol": doc.max_fee_per_kol,
        "target_views": doc.kpi.views,
        "target_engagements": doc.kpi.engagements,
        "target_clicks": doc.kpi.clicks,
        "target_leads": doc.kpi.leads,
        "target_conversions": doc.kpi.conversions,
        "max_cpm": doc.kpi.max_cpm,
        "max_cpe": doc.kpi.max_cpe,
        "constraints": doc.constraints.model_dump(mode="json", exclude_defaults=True),
    }


def _categories_named(slugs: list[str]) -> list[Category]:
    found = list(Category.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {c.slug for c in found})
    if unknown:
        raise ValidationError(
            {"categories": _("Unknown categories: %(codes)s.") % {"codes": ", ".join(unknown)}}
        )
    return found


@transaction.atomic
def campaign_create_from_document(*, by, organization: Organization, doc: CampaignDocument) -> Campaign:
    """Create a campaign and its brief from a whole campaign document (API, files)."""
    campaign = campaign_create(
        by=by,
        organization=organization,
        data=campaign_fields_from_document(doc),
        categories=_categories_named(doc.categories),
    )
    brief_save(by=by, campaign=campaign, document=doc.brief.model_dump(mode="json"))
    return campaign


@transaction.atomic
def campaign_update_from_document(
    *,
    by,
    campaign: Campaign,
    doc: CampaignDocument,
    organization: Organization | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Campaign:
    """Replace a campaign's fields and brief with those of a whole campaign document
    (and its organization, when given: one of the campaign's group).

    With `expected_version`, nothing is saved and StaleVersion is raised when the campaign or
    its brief changed since that version was read.
    """
    data = campaign_fields_from_document(doc)
    if organization is not None:
        data["organization"] = organization
    campaign = campaign_update(
        by=by,
        campaign=campaign,
        data=data,
        categories=_categories_named(doc.categories),
        expected_version=expected_version,
    )
    brief_save(by=by, campaign=campaign, document=doc.brief.model_dump(mode="json"))
    return campaign


def _merge_patch(target, patch):
    """`patch` applied to `target` as a JSON merge patch (RFC 7396), except that null sets a
    value to null: objects merge key by key, any other value (lists too) replaces."""
    if not isinstance(patch, dict) or not isinstance(target, dict):
        return patch
    merged = dict(target)
    for key, value in patch.items():
        merged[key] = _merge_patch(target.get(key), value)
    return merged


def _document_errors(error: SchemaError) -> ValidationError:
    """A pydantic error of a patched document as field path → messages (422 by path)."""
    errors: dict[str, list[str]] = {}
    for e in error.errors():
        path = ".".join(str(p) for p in e["loc"] if p != "[key]") or "__all__"
        errors.setdefault(path, []).append(e["msg"])
    return ValidationError(errors)


@transaction.atomic
def campaign_patch(
    *,
    by,
    campaign: Campaign,
    changes: dict,
    organization: Organization | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Campaign:
    """Change only the parts of a campaign document given in `changes` (JSON values, merged
    into the current document: objects such as `kpi` or `brief` merge key by key, lists and
    values replace). The result is validated as a whole document before anything is saved.

    The current document is read on the locked row, so a concurrent change to another field
    is kept; with `expected_version`, StaleVersion is raised when the campaign changed since.
    """
    require(by, "campaigns.change", campaign.group)
    campaign = _lock_campaign(campaign.pk)
    check_version(campaign_version(campaign), expected_version)
    current = planning_service.campaign_document(campaign).model_dump(mode="json")
    try:
        doc = CampaignDocument.model_validate(_merge_patch(current, changes))
    except SchemaError as error:
        raise _document_errors(error) from None
    return campaign_update_from_document(by=by, campaign=campaign, doc=doc, organization=organization)


@transaction.atomic
def campaign_set_status(*, by, campaign: Campaign, status: str) -> Campaign:
    """Move a campaign along draft → planning → running → closed (see CAMPAIGN_TRANSITIONS)."""
    require(by, "campaigns.change", campaign.group)
    if status not in CampaignStatus.values:
        raise ValidationError(_("Value %(value)r is not a valid choice.") % {"value": status})
    if status != campaign.status:
        if status not in CAMPAIGN_TRANSITIONS[CampaignStatus(campaign.status)]:
            raise ValidationError(
                _("A campaign cannot go from “%(from)s” to “%(to)s”.")
                % {"from": campaign.get_status_display(), "to": CampaignStatus(status).label}
            )
        campaign.status = status
        campaign.save(update_fields=["status", "updated_at"])
    return campaign


@transaction.atomic
def brief_save(
    *, by, campaign: Campaign, document: dict, expected_version: str | Iterable[str] | None = None
) -> Brief:
    """Validate and store the campaign's brief (the previous version stays in its history).

    With `expected_version`, nothing is saved and StaleVersion is raised when the brief changed
    since that version was read.
    """
    require(by, "campaigns.change", campaign.group)
    locked = _lock_campaign(campaign.pk)  # the campaign, then its brief
    if locked.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be changed."))
    brief, _created = Brief.objects.get_or_create(campaign=locked)
    check_version(brief_version(brief), expected_version)
    try:
        normalised = brief_parse(document)
    except SchemaError as error:
        raise ValidationError(_schema_messages(error, "brief")) from None
    brief.document = normalised
    brief.updated_by = by
    brief.save()
    campaign.brief = brief  # the campaign may hold the previous version in its cache
    return brief


@transaction.atomic
def brief_patch(
    *, by, campaign: Campaign, changes: dict, expected_version: str | Iterable[str] | None = None
) -> Brief:
    """Change only the parts of the brief given in `changes` (merged into the current document
    as `campaign_patch` does); the whole result is validated before it is saved."""
    require(by, "campaigns.change", campaign.group)
    locked = _lock_campaign(campaign.pk)  # the campaign, then its brief
    brief, _created = Brief.objects.get_or_create(campaign=locked)
    check_version(brief_version(brief), expected_version)
    try:
        document = BriefDocument.model_validate(_merge_patch(brief.document or {}, changes))
    except SchemaError as error:
        raise _document_errors(error) from None
    return brief_save(by=by, campaign=campaign, document=document.model_dump(mode="json"))


@transaction.atomic
def brief_attach(*, by, brief: Brief, file, name: str = "") -> BriefAttachment:
    """Attach a file to a brief; it is downloaded under `name` (the file's own by default)."""
    require(by, "campaigns.change", brief.campaign.group)
    name = (name or file.name)[:255]
    file.name = storage_name(file.name)
    return BriefAttachment.objects.create(brief=brief, file=file, name=name, uploaded_by=by)


# ---------------------------------------------------------------- proposals


def _next_version(campaign: Campaign) -> int:
    # The campaign row is locked first, so two people generating at once get distinct versions.
    _lock_campaign(campaign.pk)
    return (campaign.proposals.aggregate(v=Max("version"))["v"] or 0) + 1


def _item_from_scored(proposal: Proposal, scored: Scored, source: str) -> ProposalItem:
    c, f, fit = scored.candidate, scored.forecast, scored.fit
    return ProposalItem(
        proposal=proposal,
        channel_id=c.channel_id,
        kol_id=c.kol_id,
        kol_name=c.kol_name,
        platform=c.platform,
        handle=c.handle,
        tier=c.tier,
        followers=c.followers,
        engagement_rate=None if c.engagement_rate is None else round(c.engagement_rate, 2),
        cost=planning_service.money(f.cost, proposal.currency),
        expected_views=round(f.views),
        expected_engagements=round(f.engagements),
        expected_clicks=round(f.clicks),
        fit_total=fit.total,
        fit_audience=fit.audience,
        fit_content=fit.content,
        fit_performance=fit.performance,
        fit_cost=fit.cost,
        fit_reliability=fit.reliability,
        fit_risk=fit.risk,
        fit_notes=list(fit.notes),
        basis=f.basis,
        risk_flags=list(c.risk_flags),
        past_rating=c.history.rating,
        value=scored.value,
        source=source,
    )


def _require_open(campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be changed."))


def _require_draft(proposal: Proposal) -> None:
    _require_open(proposal.campaign)
    if proposal.status != ProposalStatus.DRAFT:
        raise ValidationError(_("This version was submitted: make a new version to change it."))


def _start_planning(by, campaign: Campaign) -> None:
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be planned."))
    if campaign.status == CampaignStatus.DRAFT:
        campaign_set_status(by=by, campaign=campaign, status=CampaignStatus.PLANNING)


def proposal_generate(*, by, campaign: Campaign) -> Proposal:
    """Plan the campaign and keep the optimizer's mix as a new draft version.

    An infeasible plan saves nothing and raises ValidationError naming the constraint. The plan
    is made before the transaction opens: on SQLite a write transaction locks the database,
    and planning a large pool takes seconds.
    """
    require(by, "campaigns.change", campaign.group)
    if campaign.status == CampaignStatus.CLOSED:
        raise ValidationError(_("A closed campaign cannot be planned."))
    doc = planning_service.campaign_document(campaign)
    outcome = planning_service.plan_document(user=by, doc=doc, group_id=campaign.group_id)
    if outcome.solution.status == "infeasible":
        # Before any change: the rollback would not undo a status set on the caller's instance.
        raise ValidationError(plan_failure_message(outcome.solution, campaign.currency))
    with transaction.atomic():
        return _proposal_from_plan(by, campaign, doc, outcome)


def _proposal_from_plan(by, campaign: Campaign, doc, outcome) -> Proposal:
    _start_planning(by, campaign)
    proposal = Proposal.objects.create(
        campaign=campaign,
        version=_next_version(campaign),
        source=ProposalSource.OPTIMIZER,
        currency=campaign.currency,
        solver_status=outcome.solution.status,
        plan={k: v for k, v in planning_service.plan_json(outcome, doc).items() if k != "items"},
        created_by=by,
    )
    items = [_item_from_scored(proposal, s, ProposalSource.OPTIMIZER) for s in outcome.chosen()]
    # bulk_create_with_history: one insert for the items and one for their first history rows.
    bulk_create_with_history(items, ProposalItem, default_user=by)
    return proposal


@transaction.atomic
def proposal_create_manual(*, by, campaign: Campaign) -> Proposal:
    """An empty draft version to fill by hand."""
    require(by, "campaigns.change", campaign.group)
    _start_planning(by, campaign)
    return Proposal.objects.create(
        campaign=campaign,
        version=_next_version(campaign),
        source=ProposalSource.MANUAL,
        currency=campaign.currency,
        created_by=by,
    )


@transaction.atomic
def proposal_copy(*, by, proposal: Proposal) -> Proposal:
    """A new draft version with the same items, decisions cleared, to change a submitted one.

    A version still waiting for approval is superseded by its copy; a decided one stays decided.
    """
    campaign = proposal.campaign
    require(by, "campaigns.change", campaign.group)
    _start_planning(by, campaign)
    copy = Proposal.objects.create(
        campaign=campaign,
        version=_next_version(campaign),
        source=ProposalSource.COPY,
        currency=proposal.currency,
        solver_status=proposal.solver_status,
        plan=proposal.plan,
        note=_("Copy of version %(version)s") % {"version": proposal.version},
        created_by=by,
    )
    # The copy replaces the version waiting for approval: its pending items are not decided.
    # Read from the database: the caller's object may predate the last decision.
    current = Proposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
    if current.status == ProposalStatus.SUBMITTED:
        current.status = ProposalStatus.SUPERSEDED
        current.save()  # save(), not update(): the history keeps the change
    for item in selectors.own_items(proposal.items.all()):
        item.pk = None
        item.proposal = copy
        item.decision, item.decision_comment, item.decided_by, item.decided_at = (
            Decision.PENDING,
            "",
            None,
            None,
        )
        item.save()
    return copy


def _score_one(by, proposal: Proposal, channel_id: int) -> Scored:
    campaign = proposal.campaign
    doc = planning_service.campaign_document(campaign)
    scoring = planning_service.score_document(
        user=by, doc=doc, group_id=campaign.group_id, picked={channel_id}
    )
    for scored in scoring.scored:
        if scored.candidate.channel_id == channel_id:
            return scored
    reason = scoring.blocked_must_include.get(channel_id, "not_found")
    raise ValidationError(
        _("This channel cannot be proposed: %(reason)s.") % {"reason": ineligible_label(reason)}
    )


def _check_pick(by, proposal: Proposal, channel_id: int) -> None:
    campaign = proposal.campaign
    require(by, "campaigns.change", campaign.group)
    _require_draft(proposal)
    if not Channel.objects.filter(pk=channel_id, group_id=campaign.group_id).exists():
        # Another group's channel is refused like one that does not exist.
        raise ValidationError(
            _("This channel cannot be proposed: %(reason)s.") % {"reason": ineligible_label("not_found")}
        )
    if proposal.items.filter(channel_id=channel_id).exists():
        raise ValidationError(_("This channel is already in the proposal."))


def _lock_proposal_status(proposal: Proposal) -> None:
    """Lock a proposal's row (campaign → proposal → item) and read its stored status onto
    `proposal`: the caller's copy may predate a submission."""
    proposal.status = (
        Proposal.objects.select_for_update(no_key=True).values_list("status", flat=True).get(pk=proposal.pk)
    )


def _locked_draft(by, proposal: Proposal, channel_id: int) -> None:
    """Check again inside the transaction, on the locked row: the version may have been
    submitted while the channel was being scored."""
    _lock_proposal_status(proposal)
    _check_pick(by, proposal, channel_id)


def proposal_add(*, by, proposal: Proposal, channel_id: int) -> ProposalItem:
    """Add a channel of the campaign's group to a draft version by hand, scored and forecast
    like the optimizer's (another group's channel is not found, whatever the user sees).

    Scored before the transaction opens (see `proposal_generate`)."""
    _check_pick(by, proposal, channel_id)
    item = _item_from_scored(proposal, _score_one(by, proposal, channel_id), ProposalSource.MANUAL)
    with transaction.atomic():
        _locked_draft(by, proposal, channel_id)
        item.save()
    return item


@transaction.atomic
def proposal_remove(*, by, item: ProposalItem) -> None:
    """Take an item out of a draft version, checked on the locked, stored version (it may have
    been submitted since the caller read it)."""
    proposal = item.proposal
    require(by, "campaigns.change", proposal.campaign.group)
    _lock_proposal_status(proposal)
    _require_draft(proposal)
    item.delete()


def proposal_swap(*, by, item: ProposalItem, channel_id: int) -> ProposalItem:
    """Replace an item of a draft version with another channel of its tier and of the
    campaign's group (scored before the transaction opens, see `proposal_generate`)."""
    proposal = item.proposal
    _check_pick(by, proposal, channel_id)
    replacement = _item_from_scored(proposal, _score_one(by, proposal, channel_id), ProposalSource.MANUAL)
    if replacement.tier != item.tier:
        raise ValidationError(_("Swap for a KOL of the same tier, or remove this one and add the other."))
    with transaction.atomic():
        _locked_draft(by, proposal, channel_id)
        item.delete()
        replacement.save()
    return replacement


def swap_alternatives(*, by, item: ProposalItem, limit: int | None = None) -> list[Scored]:
    """Channels of the item's tier and the campaign's group, not in the proposal, best value
    first (reads only)."""
    proposal = item.proposal
    campaign = proposal.campaign
    doc = planning_service.campaign_document(campaign)
    scoring = planning_service.score_document(user=by, doc=doc, group_id=campaign.group_id)
    taken = set(proposal.items.values_list("channel_id", flat=True))
    return alternatives(
        scoring, tier=item.tier, taken=taken, limit=limit or settings.KOLOPS_PLAN_ALTERNATIVES
    )


@transaction.atomic
def proposal_submit(*, by, proposal: Proposal) -> Proposal:
    """Send a draft version with at least one item to the managers for approval.

    Checked on the locked, stored version, not the caller's copy: one read before another
    person submitted it (and managers decided it) must not send it back for approval.
    """
    require(by, "campaigns.change", proposal.campaign.group)
    proposal = Proposal.objects.select_for_update(no_key=True).get(pk=proposal.pk)
    _require_draft(proposal)
    if not selectors.own_items(proposal.items.all()).exists():
        raise ValidationError(_("Add at least one KOL before submitting."))
    proposal.status = ProposalStatus.SUBMITTED
    proposal.submitted_by = by
    proposal.submitted_at = timezone.now()
    proposal.save()
    return proposal


@transaction.atomic
def item_decide(*, by, item: ProposalItem, decision: str, comment: str = "") -> ProposalItem:
    """A manager approves or rejects one item of a submitted version; a rejection needs a
    comment. The submitter cannot decide their own proposal. When every item is decided the
    version is decided; until then a decision may be changed (the history keeps each one)."""
    proposal = Proposal.objects.select_for_update(no_key=True).get(pk=item.proposal_id)
    if not _may_approve(by, proposal):
        raise PermissionDenied(_("Only a manager can approve or reject proposed KOLs."))
    _require_open(proposal.campaign)
    if proposal.status != ProposalStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted version can be approved or rejected."))
    if proposal.submitted_by_id == getattr(by, "pk", None):
        raise ValidationError(_("Another manager must decide on a proposal you submitted."))
    if decision not in (Decision.APPROVED, Decision.REJECTED):
        raise ValidationError(_("Choose approve or reject."))
    comment = comment.strip()
    if decision == Decision.REJECTED and not comment:
        raise ValidationError({"comment": _("Say why the KOL is rejected.")})
    item.decision, item.decision_comment = decision, comment
    item.decided_by, item.decided_at = by, timezone.now()
    item.save()
    if not selectors.own_items(proposal.items.filter(decision=Decision.PENDING)).exists():
        proposal.status = ProposalStatus.DECIDED
        proposal.save(update_fields=["status", "updated_at"])
    return item


def _may_approve(user, proposal: Proposal) -> bool:
    return has_permission(user, "campaigns.approve", proposal.campaign.group_id)
