"""The documented examples (docs/examples) are valid documents, and the campaign plans well.

They are what a new user copies first, so they must validate as they are, and the campaign
example must give a sensible plan against the demo data of `make demo`.
"""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from kolops.campaigns import planning_service
from kolops.campaigns.brief import BriefDocument
from kolops.campaigns.demo import demo_campaign_setup
from kolops.campaigns.document import CampaignDocument
from kolops.campaigns.tests.factories import EXAMPLES, example
from kolops.core.permissions import SYSTEM_READER
from kolops.kols.models import Channel, Kol
from kolops.kols.seeding.demo import demo_setup

pytestmark = pytest.mark.django_db

DEMO_KOLS = 2000  # what `make demo` seeds (`kolops demo-setup` defaults to it)


def test_the_campaign_example_is_a_campaign_document():
    doc = CampaignDocument.model_validate(example("campaign.json"))
    assert doc.objective == "engagement" and doc.budget == Decimal(150_000_000)
    assert doc.constraints.tiers["nano"].min_count == 10


def test_the_campaign_examples_brief_is_a_brief_document():
    brief = BriefDocument.model_validate(example("campaign.json")["brief"])
    assert brief.cta.required and brief.deliverables


def test_the_campaign_examples_brief_is_already_normalised():
    """Saving the brief changes nothing in it: what the file shows is what is stored."""
    brief = example("campaign.json")["brief"]
    assert BriefDocument.model_validate(brief).model_dump(mode="json") == brief


def test_the_brief_example_is_a_brief_document():
    if not (EXAMPLES / "brief.json").exists():
        pytest.skip("docs/examples/brief.json does not exist yet")
    brief = BriefDocument.model_validate(example("brief.json"))
    assert brief.product.name and brief.deliverables


def test_the_categories_the_campaign_example_names_exist():
    doc = CampaignDocument.model_validate(example("campaign.json"))
    assert planning_service.unknown_categories(doc) == []


@pytest.fixture(scope="module")
def demo_plan(django_db_setup, django_db_blocker, tmp_path_factory) -> dict:
    """The campaign example planned (as `kolops plan` does) over the demo installation.

    Seeded once for the module in a transaction that is rolled back afterwards.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        demo_setup(kols=DEMO_KOLS, seed=1, var_dir=tmp_path_factory.mktemp("var"))
        assert Kol.objects.count() == DEMO_KOLS
        doc = CampaignDocument.model_validate(example("campaign.json"))
        outcome = planning_service.plan_document(user=SYSTEM_READER, doc=doc)
        plan = planning_service.plan_json(outcome, doc)
        kols = dict(
            Channel.objects.filter(pk__in=[i["channel_id"] for i in plan["items"]]).values_list(
                "pk", "kol_id"
            )
        )
        for item in plan["items"]:
            item["kol_id"] = kols[item["channel_id"]]  # for the one-channel-per-KOL check
        # What `kolops demo-setup` adds: the example as a saved campaign, planned once.
        specialist = get_user_model().objects.get(username="specialist")
        group = Kol.objects.first().group
        proposal = demo_campaign_setup(group=group, by=specialist).proposal
        plan["demo"] = {
            "campaign": proposal.campaign.name,
            "brand": proposal.campaign.organization.name,
            "items": proposal.items.count(),
            "again": demo_campaign_setup(group=group, by=specialist),
        }
        transaction.set_rollback(True)
    return plan


def test_demo_setup_saves_the_example_campaign_with_the_optimizers_proposal(demo_plan):
    demo = demo_plan["demo"]
    assert (demo["campaign"], demo["brand"]) == (example("campaign.json")["name"], "Lotus Beauty")
    assert demo["items"] == len(demo_plan["items"])


def test_demo_setup_adds_no_second_campaign(demo_plan):
    assert demo_plan["demo"]["again"] is None


def test_the_campaign_example_plans_optimally_with_at_least_20_kols(demo_plan):
    assert demo_plan["solver"]["status"] == "optimal"
    assert len(demo_plan["items"]) >= 20
    assert demo_plan["objective_value"] >= demo_plan["greedy"]["objective"]


def test_the_campaign_example_plan_meets_every_tier_and_platform_quota(demo_plan):
    plannable = demo_plan["budget"] - demo_plan["reserve"]
    constraints = example("campaign.json")["constraints"]
    for kind, key in (("tiers", "tier"), ("platforms", "platform")):
        for name, quota in constraints[kind].items():
            chosen = [item for item in demo_plan["items"] if item[key] == name]
            spent = sum(item["cost"] for item in chosen)
            assert len(chosen) >= quota.get("min_count", 0), name
            assert len(chosen) <= quota.get("max_count", len(chosen)), name
            assert spent >= float(quota.get("min_share", 0)) / 100 * plannable, name
            assert spent <= float(quota.get("max_share", 100)) / 100 * plannable, name


def test_the_campaign_example_plan_keeps_the_reserve_and_the_fee_ceiling(demo_plan):
    document = example("campaign.json")
    assert demo_plan["spent"] <= demo_plan["budget"] - demo_plan["reserve"]
    assert demo_plan["reserve"] == float(document["budget"]) * float(document["reserve_percent"]) / 100
    assert max(item["cost"] for item in demo_plan["items"]) <= float(document["max_fee_per_kol"])


def test_the_campaign_example_plan_has_one_channel_per_kol_of_the_wanted_kinds(demo_plan):
    document = example("campaign.json")
    kols = [item["kol_id"] for item in demo_plan["items"]]
    assert len(set(kols)) == len(kols)
    assert {item["platform"] for item in demo_plan["items"]} <= set(document["platforms"])
    assert {item["tier"] for item in demo_plan["items"]} <= set(document["tiers"])
