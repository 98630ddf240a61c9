"""Writes of campaigns, briefs and proposals: the rules every page, the API and the CLI share."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kolops.accounts.choices import OrganizationKind, Role
from kolops.accounts.services import organization_create
from kolops.campaigns import services
from kolops.campaigns.choices import CampaignStatus, Decision, ProposalSource, ProposalStatus
from kolops.campaigns.models import Brief, Campaign, Proposal, ProposalItem
from kolops.campaigns.tests.factories import campaign_data, make_campaign, make_pool
from kolops.kols.models import Category

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    """Every message of a ValidationError as one text, to look for a field path or a name."""
    return " ".join(error.value.messages)


@pytest.fixture
def campaign(brand, specialist):
    return make_campaign(specialist, brand)


@pytest.fixture
def second_manager(make_member):
    return make_member(Role.MANAGER)


@pytest.fixture
def draft(campaign, specialist, pool):
    """An empty hand-made version 1 of `campaign`."""
    return services.proposal_create_manual(by=specialist, campaign=campaign)


@pytest.fixture
def submitted(draft, specialist, pool):
    """Version 1 with three channels (nano, micro, mid), submitted by the specialist."""
    for channel in pool[:3]:
        services.proposal_add(by=specialist, proposal=draft, channel_id=channel.pk)
    return services.proposal_submit(by=specialist, proposal=draft)


# ---------------------------------------------------------------- campaigns


def test_a_campaign_belongs_to_the_group_of_its_brand_and_starts_as_a_draft_with_an_empty_brief(
    group, brand, specialist
):
    campaign = services.campaign_create(by=specialist, organization=brand, data=campaign_data())
    assert (campaign.group, campaign.organization, campaign.created_by) == (group, brand, specialist)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.brief.document["deliverables"] == []
    assert campaign.plannable_budget == Decimal(90_000_000)


def test_a_campaign_that_ends_before_it_starts_is_refused_on_end_on(brand, specialist):
    data = campaign_data(start_on=datetime.date(2027, 6, 1), end_on=datetime.date(2027, 5, 1))
    with pytest.raises(ValidationError) as error:
        services.campaign_create(by=specialist, organization=brand, data=data)
    assert set(error.value.message_dict) == {"end_on"}
    assert not Campaign.objects.exists()


def test_a_maximum_fee_per_kol_above_the_budget_is_refused(brand, specialist):
    data = campaign_data(budget=Decimal(10_000_000), max_fee_per_kol=Decimal(20_000_000))
    with pytest.raises(ValidationError) as error:
        services.campaign_create(by=specialist, organization=brand, data=data)
    assert set(error.value.message_dict) == {"max_fee_per_kol"}


def test_a_campaign_cannot_be_created_for_an_organization_of_another_group(specialist, other_group):
    with pytest.raises(PermissionDenied):
        services.campaign_create(by=specialist, organization=other_group, data=campaign_data())
    assert not Campaign.objects.exists()


def test_a_campaign_cannot_move_to_an_organization_of_another_group(campaign, specialist, other_group):
    with pytest.raises(ValidationError) as error:
        services.campaign_update(by=specialist, campaign=campaign, data={"organization": other_group})
    assert set(error.value.message_dict) == {"organization"}
    campaign.refresh_from_db()
    assert campaign.organization.name == "Lotus Beauty"


def test_a_campaign_may_move_to_another_organization_of_its_group(campaign, specialist, group):
    sister = organization_create(name="Hoa Sen Skincare", kind=OrganizationKind.BRAND, parent=group)
    services.campaign_update(by=specialist, campaign=campaign, data={"organization": sister, "name": "Mới"})
    campaign.refresh_from_db()
    assert (campaign.organization, campaign.name, campaign.group) == (sister, "Mới", group)


def test_an_update_is_validated_like_a_creation(campaign, specialist):
    with pytest.raises(ValidationError) as error:
        services.campaign_update(by=specialist, campaign=campaign, data={"end_on": datetime.date(2027, 1, 1)})
    assert set(error.value.message_dict) == {"end_on"}
    campaign.refresh_from_db()
    assert campaign.end_on == datetime.date(2027, 6, 30)


def test_planning_constraints_that_are_not_a_constraints_document_are_refused(brand, specialist):
    data = campaign_data(constraints={"tiers": {"giant": {"min_count": 1}}})
    with pytest.raises(ValidationError) as error:
        services.campaign_create(by=specialist, organization=brand, data=data)
    assert set(error.value.message_dict) == {"constraints"}
    assert "tiers.giant" in messages_of(error)


def test_a_closed_campaign_cannot_be_changed(campaign, specialist):
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed campaign cannot be changed"):
        services.campaign_update(by=specialist, campaign=campaign, data={"name": "Renamed"})
    campaign.refresh_from_db()
    assert campaign.name == "Lotus Beauty – Son tint mùa hè"


def test_the_brief_of_a_closed_campaign_cannot_be_changed(campaign, specialist):
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    before = campaign.brief.history.count()
    with pytest.raises(ValidationError, match="closed campaign cannot be changed"):
        services.brief_save(by=specialist, campaign=campaign, document={"notes": "late change"})
    campaign.brief.refresh_from_db()
    assert campaign.brief.document["notes"] == ""
    assert campaign.brief.history.count() == before


@pytest.mark.parametrize(
    "path",
    [
        [CampaignStatus.PLANNING],
        [CampaignStatus.CLOSED],
        [CampaignStatus.PLANNING, CampaignStatus.DRAFT],
        [CampaignStatus.PLANNING, CampaignStatus.RUNNING, CampaignStatus.CLOSED],
        [CampaignStatus.PLANNING, CampaignStatus.CLOSED],
    ],
    ids=lambda path: "-".join(path),
)
def test_allowed_status_changes_are_saved(campaign, specialist, path):
    for status in path:
        services.campaign_set_status(by=specialist, campaign=campaign, status=status)
    campaign.refresh_from_db()
    assert campaign.status == path[-1]


@pytest.mark.parametrize(
    ("path", "refused", "message"),
    [
        ([], CampaignStatus.RUNNING, "from “Draft” to “Running”"),
        (
            [CampaignStatus.PLANNING, CampaignStatus.RUNNING],
            CampaignStatus.DRAFT,
            "from “Running” to “Draft”",
        ),
        ([CampaignStatus.CLOSED], CampaignStatus.PLANNING, "from “Closed” to “Planning”"),
    ],
)
def test_other_status_changes_are_refused_naming_both_statuses(campaign, specialist, path, refused, message):
    for status in path:
        services.campaign_set_status(by=specialist, campaign=campaign, status=status)
    with pytest.raises(ValidationError, match=message):
        services.campaign_set_status(by=specialist, campaign=campaign, status=refused)
    campaign.refresh_from_db()
    assert campaign.status == (path[-1] if path else CampaignStatus.DRAFT)


def test_an_unknown_status_is_refused_as_invalid(campaign, specialist):
    with pytest.raises(ValidationError):
        services.campaign_set_status(by=specialist, campaign=campaign, status="archived")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


# ---------------------------------------------------------------- briefs


@pytest.mark.parametrize(
    ("document", "path"),
    [
        ({"draft_due_on": "2027-02-30"}, "draft_due_on"),
        ({"cta": {"required": True}}, "cta"),
        ({"deliverables": [{"type": "post", "count": 0}]}, "deliverables.0.count"),
        ({"posting_window": {"start": "2027-05-07", "end": "2027-05-01"}}, "posting_window"),
        ({"disclosure": [{"market": "VN", "within_first_chars": 0}]}, "disclosure.0.within_first_chars"),
        ({"product": {"name": "Son", "colour": "đỏ"}}, "product.colour"),
    ],
    ids=["bad-date", "required-cta-without-text", "zero-count", "window-reversed", "zero-chars", "extra"],
)
def test_a_brief_that_is_not_a_valid_document_is_refused_naming_the_field_path(
    campaign, specialist, document, path
):
    with pytest.raises(ValidationError) as error:
        services.brief_save(by=specialist, campaign=campaign, document=document)
    assert any(message.startswith(f"{path}: ") for message in error.value.messages), error.value.messages
    campaign.brief.refresh_from_db()
    assert campaign.brief.document["deliverables"] != []  # the factory's brief is kept


def test_a_saved_brief_is_normalised(campaign, specialist):
    brief = services.brief_save(
        by=specialist,
        campaign=campaign,
        document={"required_hashtags": ["LotusSummerTint"], "required_mentions": ["lotusbeauty.vn"]},
    )
    brief.refresh_from_db()
    assert brief.document["required_hashtags"] == ["#LotusSummerTint"]
    assert brief.document["required_mentions"] == ["@lotusbeauty.vn"]
    assert brief.document["usage_rights"]["kind"] == "organic"  # defaults are filled in
    assert brief.updated_by == specialist


def test_every_saved_brief_stays_in_the_history(campaign, specialist):
    brief = Brief.objects.get(campaign=campaign)
    before = brief.history.count()
    services.brief_save(by=specialist, campaign=campaign, document={"notes": "một"})
    services.brief_save(by=specialist, campaign=campaign, document={"notes": "hai"})
    assert brief.history.count() == before + 2
    assert [h.document["notes"] for h in brief.history.order_by("-history_id")[:2]] == ["hai", "một"]


def test_an_attachment_is_kept_with_the_brief(campaign, specialist):
    upload = SimpleUploadedFile("bang-mau.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    attachment = services.brief_attach(by=specialist, brief=campaign.brief, file=upload)
    assert list(campaign.brief.attachments.all()) == [attachment]
    assert attachment.name == "bang-mau.pdf"


# ---------------------------------------------------------------- generating proposals


def test_the_first_generated_proposal_is_version_1_with_the_optimizers_items(campaign, specialist, pool):
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    assert (proposal.version, proposal.status, proposal.source) == (1, ProposalStatus.DRAFT, "optimizer")
    assert proposal.solver_status == "optimal"
    assert proposal.items.count() > 0
    assert set(proposal.items.values_list("source", flat=True)) == {ProposalSource.OPTIMIZER}
    assert "items" not in proposal.plan and proposal.plan["solver"]["status"] == "optimal"


def test_a_second_generation_is_version_2_and_keeps_version_1(campaign, specialist, pool):
    first = services.proposal_generate(by=specialist, campaign=campaign)
    second = services.proposal_generate(by=specialist, campaign=campaign)
    assert second.version == 2
    assert list(campaign.proposals.values_list("version", flat=True)) == [2, 1]
    assert first.items.count() == second.items.count() > 0


def test_a_generated_proposal_spends_at_most_the_budget_minus_the_reserve(campaign, specialist, pool):
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    spent = sum(item.cost for item in proposal.items.all())
    assert 0 < spent <= campaign.plannable_budget == Decimal(90_000_000)
    assert proposal.plan["spent"] == float(spent)
    assert proposal.plan["reserve"] == 10_000_000


def test_an_item_keeps_a_snapshot_of_what_the_plan_saw(campaign, specialist, pool):
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    item = proposal.items.order_by("followers").first()
    channel = next(c for c in pool if c.pk == item.channel_id)
    assert (item.kol_id, item.kol_name, item.platform, item.handle) == (
        channel.kol_id,
        channel.kol.display_name,
        channel.platform,
        channel.handle,
    )
    assert (item.followers, item.tier, item.engagement_rate) == (
        channel.followers,
        channel.tier,
        channel.engagement_rate,
    )
    assert item.cost == channel.rates.get().price  # one piece of the platform's deliverable
    assert item.expected_views > 0 and item.expected_engagements > 0
    assert 0 <= item.fit_total <= 1
    assert item.basis["cost"]["items"][0]["type"] == ("short_video" if item.platform == "tiktok" else "post")


def test_generating_moves_a_draft_campaign_to_planning(campaign, specialist, pool):
    services.proposal_generate(by=specialist, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNING


def test_a_closed_campaign_cannot_be_planned(campaign, specialist, pool):
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    with pytest.raises(ValidationError, match="closed campaign cannot be planned"):
        services.proposal_generate(by=specialist, campaign=campaign)
    assert not Proposal.objects.exists()


def test_infeasible_constraints_raise_a_message_naming_the_tier_and_save_nothing(brand, specialist, pool):
    # Two macro KOLs in the pool, five wanted.
    campaign = make_campaign(specialist, brand, constraints={"tiers": {"macro": {"min_count": 5}}})
    with pytest.raises(ValidationError) as error:
        services.proposal_generate(by=specialist, campaign=campaign)
    assert messages_of(error) == "Tier Macro: at least 5 KOLs cannot be met. Eligible candidates: 2."
    assert not Proposal.objects.exists() and not ProposalItem.objects.exists()
    assert campaign.status == CampaignStatus.DRAFT  # not even the instance in hand moved on
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_a_blacklisted_kol_is_never_proposed(campaign, specialist, pool, group):
    blacklisted = make_pool(group, specialist, n=5, prefix="den", status="blacklisted")
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    chosen = set(proposal.items.values_list("channel_id", flat=True))
    assert chosen and not chosen & {c.pk for c in blacklisted}
    with pytest.raises(ValidationError, match="the KOL is blacklisted"):
        services.proposal_add(by=specialist, proposal=proposal, channel_id=blacklisted[0].pk)


def test_a_blacklisted_must_include_channel_makes_the_plan_infeasible(brand, specialist, pool, group):
    (blacklisted,) = make_pool(group, specialist, n=1, prefix="den", status="blacklisted")
    campaign = make_campaign(specialist, brand, constraints={"must_include": [blacklisted.pk]})
    with pytest.raises(ValidationError) as error:
        services.proposal_generate(by=specialist, campaign=campaign)
    assert messages_of(error) == (
        f"Must-include channel {blacklisted.pk} cannot be planned: the KOL is blacklisted."
    )
    assert not Proposal.objects.exists()


def test_a_manual_version_starts_empty_and_moves_the_campaign_to_planning(campaign, specialist):
    proposal = services.proposal_create_manual(by=specialist, campaign=campaign)
    assert (proposal.version, proposal.source, proposal.items.count()) == (1, ProposalSource.MANUAL, 0)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PLANNING


# ---------------------------------------------------------------- editing a draft


def test_a_channel_added_by_hand_is_scored_like_the_optimizers(draft, specialist, pool):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[2].pk)
    assert (item.channel_id, item.source, item.tier) == (pool[2].pk, ProposalSource.MANUAL, "mid")
    assert item.cost == Decimal(12_020_000) and item.expected_engagements > 0
    assert 0 < item.fit_total <= 1


def test_a_channel_cannot_be_added_twice(draft, specialist, pool):
    services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    with pytest.raises(ValidationError, match="already in the proposal"):
        services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    assert draft.items.count() == 1


def test_a_channel_of_another_group_cannot_be_added(draft, specialist, outsider, other_group):
    (foreign,) = make_pool(other_group, outsider, n=1, prefix="ngoai")
    with pytest.raises(ValidationError, match="not found or archived"):
        services.proposal_add(by=specialist, proposal=draft, channel_id=foreign.pk)
    assert not draft.items.exists()


def test_an_item_can_be_removed_from_a_draft(draft, specialist, pool):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    services.proposal_remove(by=specialist, item=item)
    assert not draft.items.exists()


def test_a_swap_replaces_the_item_with_the_other_channel(draft, specialist, pool):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    replacement = services.proposal_swap(by=specialist, item=item, channel_id=pool[5].pk)
    assert list(draft.items.values_list("channel_id", flat=True)) == [pool[5].pk]
    assert (replacement.tier, replacement.source) == ("nano", ProposalSource.MANUAL)


def test_swap_alternatives_are_channels_of_the_items_tier_not_in_the_proposal(draft, specialist, pool):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    alternatives = services.swap_alternatives(by=specialist, item=item)
    assert [s.candidate.channel_id for s in alternatives] == [pool[5].pk]


def test_a_swap_to_a_channel_already_in_the_proposal_is_refused(draft, specialist, pool):
    first = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    services.proposal_add(by=specialist, proposal=draft, channel_id=pool[5].pk)
    with pytest.raises(ValidationError, match="already in the proposal"):
        services.proposal_swap(by=specialist, item=first, channel_id=pool[5].pk)
    assert draft.items.count() == 2


def test_a_swap_for_a_channel_of_another_tier_is_refused(draft, specialist, pool):
    nano = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    with pytest.raises(ValidationError, match="same tier"):
        services.proposal_swap(by=specialist, item=nano, channel_id=pool[1].pk)  # a micro channel
    assert list(draft.items.values_list("channel_id", flat=True)) == [pool[0].pk]


@pytest.mark.parametrize("edit", ["add", "remove", "swap", "submit"])
def test_a_draft_of_a_closed_campaign_cannot_be_edited(draft, campaign, specialist, pool, edit):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    draft.refresh_from_db()
    with pytest.raises(ValidationError, match="closed campaign"):
        if edit == "add":
            services.proposal_add(by=specialist, proposal=draft, channel_id=pool[5].pk)
        elif edit == "remove":
            services.proposal_remove(by=specialist, item=item)
        elif edit == "swap":
            services.proposal_swap(by=specialist, item=item, channel_id=pool[5].pk)
        else:
            services.proposal_submit(by=specialist, proposal=draft)
    assert list(draft.items.values_list("channel_id", flat=True)) == [pool[0].pk]


def test_no_decision_is_taken_once_the_campaign_is_closed(submitted, campaign, specialist, manager):
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    item = submitted.items.first()
    with pytest.raises(ValidationError, match="closed campaign"):
        services.item_decide(by=manager, item=item, decision=Decision.APPROVED)
    item.refresh_from_db()
    assert item.decision == Decision.PENDING


@pytest.mark.parametrize("edit", ["add", "remove", "swap"])
def test_a_submitted_version_cannot_be_edited(submitted, specialist, pool, edit):
    item = submitted.items.first()
    with pytest.raises(ValidationError, match="make a new version"):
        if edit == "add":
            services.proposal_add(by=specialist, proposal=submitted, channel_id=pool[4].pk)
        elif edit == "remove":
            services.proposal_remove(by=specialist, item=item)
        else:
            services.proposal_swap(by=specialist, item=item, channel_id=pool[4].pk)
    assert sorted(submitted.items.values_list("channel_id", flat=True)) == sorted(c.pk for c in pool[:3])


def test_a_submitted_version_cannot_be_submitted_again(submitted, specialist):
    with pytest.raises(ValidationError, match="make a new version"):
        services.proposal_submit(by=specialist, proposal=submitted)


def test_a_copy_is_the_next_version_with_the_same_items_and_no_decisions(submitted, specialist, manager):
    rejected = submitted.items.first()
    services.item_decide(by=manager, item=rejected, decision=Decision.REJECTED, comment="Giá cao")
    copy = services.proposal_copy(by=specialist, proposal=submitted)
    assert (copy.version, copy.status, copy.source) == (2, ProposalStatus.DRAFT, ProposalSource.COPY)
    assert copy.note == "Copy of version 1"
    assert sorted(copy.items.values_list("channel_id", "cost")) == sorted(
        submitted.items.values_list("channel_id", "cost")
    )
    assert set(copy.items.values_list("decision", "decision_comment", "decided_by", "decided_at")) == {
        (Decision.PENDING, "", None, None)
    }
    rejected.refresh_from_db()
    assert rejected.decision == Decision.REJECTED  # the original keeps its decisions


def test_a_copy_supersedes_the_version_waiting_for_approval(submitted, specialist, manager):
    services.proposal_copy(by=specialist, proposal=submitted)
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUPERSEDED
    with pytest.raises(ValidationError, match="Only a submitted version"):
        services.item_decide(by=manager, item=submitted.items.first(), decision=Decision.APPROVED)


def test_a_copy_leaves_a_decided_version_decided(submitted, specialist, manager):
    for item in submitted.items.all():
        services.item_decide(by=manager, item=item, decision=Decision.APPROVED)
    services.proposal_copy(by=specialist, proposal=submitted)
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.DECIDED


def test_a_copy_can_be_edited_again(submitted, specialist, pool):
    copy = services.proposal_copy(by=specialist, proposal=submitted)
    services.proposal_add(by=specialist, proposal=copy, channel_id=pool[4].pk)
    assert copy.items.count() == 4 and submitted.items.count() == 3


# ---------------------------------------------------------------- submitting and deciding


def test_an_empty_version_cannot_be_submitted(draft, specialist):
    with pytest.raises(ValidationError, match="at least one KOL"):
        services.proposal_submit(by=specialist, proposal=draft)
    draft.refresh_from_db()
    assert draft.status == ProposalStatus.DRAFT


def test_submitting_records_who_and_when(submitted, specialist):
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUBMITTED
    assert submitted.submitted_by == specialist and submitted.submitted_at is not None


def test_a_specialist_cannot_decide(submitted, specialist):
    with pytest.raises(PermissionDenied):
        services.item_decide(by=specialist, item=submitted.items.first(), decision=Decision.APPROVED)


def test_a_manager_cannot_decide_on_a_proposal_they_submitted(draft, manager, pool):
    services.proposal_add(by=manager, proposal=draft, channel_id=pool[0].pk)
    services.proposal_submit(by=manager, proposal=draft)
    with pytest.raises(ValidationError, match="Another manager must decide"):
        services.item_decide(by=manager, item=draft.items.get(), decision=Decision.APPROVED)
    assert draft.items.get().decision == Decision.PENDING


def test_a_draft_cannot_be_decided(draft, specialist, manager, pool):
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    with pytest.raises(ValidationError, match="Only a submitted version"):
        services.item_decide(by=manager, item=item, decision=Decision.APPROVED)


@pytest.mark.parametrize("comment", ["", "   "])
def test_a_rejection_needs_a_comment(submitted, manager, comment):
    item = submitted.items.first()
    with pytest.raises(ValidationError) as error:
        services.item_decide(by=manager, item=item, decision=Decision.REJECTED, comment=comment)
    assert set(error.value.message_dict) == {"comment"}
    item.refresh_from_db()
    assert item.decision == Decision.PENDING


def test_pending_is_not_a_decision(submitted, manager):
    with pytest.raises(ValidationError, match="approve or reject"):
        services.item_decide(by=manager, item=submitted.items.first(), decision=Decision.PENDING)


def test_a_decision_records_the_manager_the_time_and_the_comment(submitted, manager):
    item = services.item_decide(
        by=manager, item=submitted.items.first(), decision=Decision.REJECTED, comment="  Trùng lịch  "
    )
    item.refresh_from_db()
    assert (item.decision, item.decision_comment, item.decided_by) == (
        Decision.REJECTED,
        "Trùng lịch",
        manager,
    )
    assert item.decided_at is not None


def test_the_version_stays_submitted_until_every_item_is_decided(submitted, manager):
    first, *rest = submitted.items.all()
    services.item_decide(by=manager, item=first, decision=Decision.APPROVED)
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.SUBMITTED
    for item in rest:
        services.item_decide(by=manager, item=item, decision=Decision.APPROVED)
    submitted.refresh_from_db()
    assert submitted.status == ProposalStatus.DECIDED


def test_a_decided_version_takes_no_more_decisions(submitted, manager):
    for item in submitted.items.all():
        services.item_decide(by=manager, item=item, decision=Decision.APPROVED)
    with pytest.raises(ValidationError, match="Only a submitted version"):
        services.item_decide(
            by=manager, item=submitted.items.first(), decision=Decision.REJECTED, comment="Đổi ý"
        )


def test_the_history_keeps_every_decision_on_an_item(submitted, manager, second_manager):
    item = submitted.items.first()
    services.item_decide(by=manager, item=item, decision=Decision.REJECTED, comment="Giá cao")
    services.item_decide(by=second_manager, item=item, decision=Decision.APPROVED)
    decisions = item.history.order_by("history_id").values_list("decision", "decision_comment", "decided_by")
    assert list(decisions) == [
        (Decision.PENDING, "", None),  # added to the draft
        (Decision.REJECTED, "Giá cao", manager.pk),
        (Decision.APPROVED, "", second_manager.pk),
    ]


def test_generated_items_have_their_first_history_row(campaign, specialist, pool):
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    items = list(proposal.items.all())
    assert ProposalItem.history.filter(id__in=[i.pk for i in items], history_type="+").count() == len(items)


# ---------------------------------------------------------------- viewers


def test_a_viewer_cannot_write_anything(brand, campaign, specialist, viewer, pool):
    submitted = services.proposal_create_manual(by=specialist, campaign=campaign)
    services.proposal_add(by=specialist, proposal=submitted, channel_id=pool[0].pk)
    services.proposal_submit(by=specialist, proposal=submitted)
    draft = services.proposal_create_manual(by=specialist, campaign=campaign)
    item = services.proposal_add(by=specialist, proposal=draft, channel_id=pool[1].pk)
    decided = submitted.items.get()
    writes = {
        "campaign_create": lambda: services.campaign_create(
            by=viewer, organization=brand, data=campaign_data()
        ),
        "campaign_update": lambda: services.campaign_update(by=viewer, campaign=campaign, data={"name": "X"}),
        "campaign_set_status": lambda: services.campaign_set_status(
            by=viewer, campaign=campaign, status="closed"
        ),
        "brief_save": lambda: services.brief_save(by=viewer, campaign=campaign, document={}),
        "brief_attach": lambda: services.brief_attach(
            by=viewer, brief=campaign.brief, file=SimpleUploadedFile("a.txt", b"a")
        ),
        "proposal_generate": lambda: services.proposal_generate(by=viewer, campaign=campaign),
        "proposal_create_manual": lambda: services.proposal_create_manual(by=viewer, campaign=campaign),
        "proposal_copy": lambda: services.proposal_copy(by=viewer, proposal=draft),
        "proposal_add": lambda: services.proposal_add(by=viewer, proposal=draft, channel_id=pool[4].pk),
        "proposal_remove": lambda: services.proposal_remove(by=viewer, item=item),
        "proposal_swap": lambda: services.proposal_swap(by=viewer, item=item, channel_id=pool[4].pk),
        "proposal_submit": lambda: services.proposal_submit(by=viewer, proposal=draft),
        "item_decide": lambda: services.item_decide(by=viewer, item=decided, decision=Decision.APPROVED),
    }
    counts = (Campaign.objects.count(), Proposal.objects.count(), ProposalItem.objects.count())
    outcomes = {}
    for name, write in writes.items():
        try:
            write()
        except Exception as error:  # the kind of refusal is what is checked
            outcomes[name] = type(error)
        else:
            outcomes[name] = None
    assert outcomes == dict.fromkeys(writes, PermissionDenied)
    assert (Campaign.objects.count(), Proposal.objects.count(), ProposalItem.objects.count()) == counts
    campaign.refresh_from_db()
    assert (campaign.name, campaign.status) == ("Lotus Beauty – Son tint mùa hè", CampaignStatus.PLANNING)
    assert not campaign.brief.attachments.exists()


def test_an_outsider_cannot_write_to_another_groups_campaign(campaign, outsider):
    with pytest.raises(PermissionDenied):
        services.campaign_update(by=outsider, campaign=campaign, data={"name": "X"})
    with pytest.raises(PermissionDenied):
        services.proposal_generate(by=outsider, campaign=campaign)


def test_categories_of_a_campaign_are_kept(brand, specialist):
    campaign = make_campaign(specialist, brand, categories=("beauty", "fashion"))
    assert sorted(campaign.categories.values_list("slug", flat=True)) == ["beauty", "fashion"]
    services.campaign_update(
        by=specialist, campaign=campaign, data={}, categories=[Category.objects.get(slug="food")]
    )
    assert list(campaign.categories.values_list("slug", flat=True)) == ["food"]


def test_a_version_compares_its_costs_with_the_budget_in_its_own_currency(campaign, specialist, pool):
    from kolops.campaigns.selectors import proposal_detail, proposal_table

    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    services.campaign_update(
        by=specialist, campaign=campaign, data={"currency": "USD", "budget": Decimal(5_700)}
    )
    table = proposal_table(proposal_detail(user=specialist, pk=proposal.pk))
    # 5,700 USD at the configured rates (USD 1, VND 0.000038) is 150,000,000 VND.
    assert (proposal.currency, table.budget) == ("VND", Decimal(150_000_000))


def test_a_brief_attachment_over_the_size_limit_is_refused_with_its_size(settings):
    from kolops.campaigns.forms import BriefForm

    settings.KOLOPS_BRIEF_ATTACHMENT_MAX_BYTES = 1024
    upload = SimpleUploadedFile("moodboard.pdf", b"x" * 2048)
    form = BriefForm({"product_category": "general", "usage_kind": "organic"}, {"attachment": upload})
    assert not form.is_valid()
    assert form.errors["attachment"] == ["The file is 2.0\xa0KB; at most 1.0\xa0KB can be attached."]
