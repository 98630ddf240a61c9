"""The REST API of campaigns, briefs, plans and proposals: bearer tokens, scoped to the caller."""

import copy

import pytest
from django.test import Client

from kolops.accounts.models import Organization
from kolops.accounts.services import api_token_create
from kolops.campaigns import services
from kolops.campaigns.choices import CampaignStatus, Decision, ProposalStatus
from kolops.campaigns.document import CampaignDocument
from kolops.campaigns.models import Campaign, Proposal, ProposalItem
from kolops.campaigns.tests.factories import assert_plan_contract, example, make_campaign, make_pool

pytestmark = pytest.mark.django_db

JSON = "application/json"
EXAMPLE = example("campaign.json")


def client_of(user) -> Client:
    """A client that authenticates with a bearer token of `user` only (no session)."""
    _record, key = api_token_create(user=user, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def document(organization, **overrides) -> dict:
    """The example campaign document of docs/, for `organization`."""
    return {**copy.deepcopy(EXAMPLE), "organization": organization.pk, **overrides}


def plannable_document(organization) -> dict:
    """The example without its tier quotas, so that the ten KOLs of `pool` can meet it."""
    return document(organization, constraints={})


@pytest.fixture
def api(specialist) -> Client:
    return client_of(specialist)


@pytest.fixture
def campaign(brand, specialist, pool) -> Campaign:
    return make_campaign(specialist, brand)


def post(client: Client, url: str, body=None):
    return client.post(url, body if body is not None else {}, content_type=JSON)


def put(client: Client, url: str, body):
    """PUT as a client that has just read the object: with its ETag as If-Match."""
    return client.put(url, body, content_type=JSON, HTTP_IF_MATCH=client.get(url)["ETag"])


# ---------------------------------------------------------------- campaigns


def test_anonymous_callers_get_401(campaign):
    assert Client().get(f"/api/campaigns/{campaign.pk}").status_code == 401
    assert Client().post("/api/plan", EXAMPLE, content_type=JSON).status_code == 401


def test_a_campaign_created_from_a_document_reads_back_as_the_same_document(api, brand):
    sent = document(brand)
    response = post(api, "/api/campaigns", sent)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == CampaignStatus.DRAFT
    got = api.get(f"/api/campaigns/{created['id']}")
    assert got.status_code == 200
    body = got.json()
    for key in ("id", "status", "created_at", "updated_at"):
        body.pop(key)
    # Categories are a set: they come back in the categories' own order, not the sender's.
    assert sorted(body["categories"]) == sorted(sent["categories"])
    body["categories"] = sent["categories"]
    # Money comes back with its two decimals ("150000000.00"): the same amount.
    assert CampaignDocument.model_validate(body) == CampaignDocument.model_validate(sent)


def test_a_created_campaign_has_the_documents_brief_and_categories(api, brand, specialist):
    created = post(api, "/api/campaigns", document(brand)).json()
    campaign = Campaign.objects.get(pk=created["id"])
    assert (campaign.organization, campaign.created_by) == (brand, specialist)
    assert sorted(campaign.categories.values_list("slug", flat=True)) == ["beauty", "fashion", "lifestyle"]
    assert campaign.brief.document["cta"]["keywords"] == ["LOTUS15"]
    assert campaign.constraints["tiers"]["nano"] == {"min_count": 10, "max_count": 20}


def test_a_document_without_an_organization_is_refused_naming_it(api):
    response = post(api, "/api/campaigns", {**EXAMPLE, "organization": None})
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"organization"}
    assert not Campaign.objects.exists()


def test_an_organization_of_another_group_is_forbidden(api, other_group):
    assert post(api, "/api/campaigns", document(other_group)).status_code == 403
    assert not Campaign.objects.exists()


def test_unknown_categories_are_refused_naming_them(api, brand):
    response = post(api, "/api/campaigns", document(brand, categories=["beauty", "astrology"]))
    assert response.status_code == 422
    assert response.json()["detail"] == {"categories": ["Unknown categories: astrology."]}


def test_an_invalid_document_is_422_with_the_field_path(api, brand):
    body = document(brand)
    body["constraints"]["tiers"]["mid"]["min_count"] = -1
    response = post(api, "/api/campaigns", body)
    assert response.status_code == 422
    paths = [error["loc"] for error in response.json()["detail"]]
    assert ["body", "payload", "constraints", "tiers", "mid", "min_count"] in paths


def test_a_campaign_is_replaced_by_a_put_document(api, campaign, brand):
    response = put(api, f"/api/campaigns/{campaign.pk}", document(brand, name="Son tint – đợt 2"))
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Son tint – đợt 2"
    campaign.refresh_from_db()
    assert (campaign.name, campaign.budget, campaign.brief.document["product"]["name"]) == (
        "Son tint – đợt 2",
        150_000_000,
        "Lotus Summer Lip Tint",
    )


def test_a_put_document_moves_the_campaign_to_its_organization(api, campaign, group):
    sister = Organization.objects.get(name="Sao Mai Cosmetics")
    response = put(api, f"/api/campaigns/{campaign.pk}", document(sister))
    assert response.status_code == 200, response.content
    assert response.json()["organization"] == sister.pk
    campaign.refresh_from_db()
    assert campaign.organization == sister


def test_a_put_document_naming_an_organization_of_another_group_is_forbidden(api, campaign, other_group):
    response = put(api, f"/api/campaigns/{campaign.pk}", document(other_group, name="Moved"))
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert (campaign.organization.name, campaign.name) == ("Lotus Beauty", "Lotus Beauty – Son tint mùa hè")


def test_a_put_that_ends_before_it_starts_is_422(api, campaign, brand):
    response = put(api, f"/api/campaigns/{campaign.pk}", document(brand, end_on="2027-04-01"))
    assert response.status_code == 422
    assert "the campaign ends before it starts" in response.content.decode()


def test_the_list_holds_the_callers_campaigns_only(api, campaign, outsider, other_group):
    make_campaign(outsider, other_group, name="Không phải của bạn")
    assert [c["id"] for c in api.get("/api/campaigns").json()] == [campaign.pk]


# ---------------------------------------------------------------- briefs


def test_a_brief_put_is_stored_and_read_back_normalised(api, campaign):
    brief = {**EXAMPLE["brief"], "required_hashtags": ["LotusSummerTint"]}
    response = put(api, f"/api/campaigns/{campaign.pk}/brief", brief)
    assert response.status_code == 200, response.content
    assert response.json()["required_hashtags"] == ["#LotusSummerTint"]
    assert api.get(f"/api/campaigns/{campaign.pk}/brief").json() == response.json()
    assert campaign.brief.history.count() == 3  # created, the factory's brief, this one


@pytest.mark.parametrize(
    ("brief", "path"),
    [
        ({"cta": {"required": True}}, ["cta"]),
        ({"draft_due_on": "2027-13-01"}, ["draft_due_on"]),
        ({"deliverables": [{"type": "post", "count": 0}]}, ["deliverables", 0, "count"]),
        ({"proofs": [{"claim": "Lâu trôi 8 giờ"}]}, ["proofs", 0, "document"]),
    ],
    ids=["required-cta-without-text", "bad-date", "zero-count", "proof-without-document"],
)
def test_an_invalid_brief_put_is_422_with_the_field_path(api, campaign, brief, path):
    response = put(api, f"/api/campaigns/{campaign.pk}/brief", brief)
    assert response.status_code == 422
    assert ["body", "payload", *path] in [error["loc"] for error in response.json()["detail"]]
    campaign.brief.refresh_from_db()
    assert campaign.brief.history.count() == 2


def test_the_brief_of_a_closed_campaign_cannot_be_put(api, campaign, specialist):
    services.campaign_set_status(by=specialist, campaign=campaign, status=CampaignStatus.CLOSED)
    response = put(api, f"/api/campaigns/{campaign.pk}/brief", {"notes": "late"})
    assert response.status_code == 422
    assert response.json()["detail"] == {"__all__": ["A closed campaign cannot be changed."]}


# ---------------------------------------------------------------- plans


def test_a_saved_campaigns_plan_has_the_contract_keys(api, campaign):
    response = api.get(f"/api/campaigns/{campaign.pk}/plan")
    assert response.status_code == 200, response.content
    plan = response.json()
    assert_plan_contract(plan)
    assert plan["items"] and plan["solver"]["status"] == "optimal"
    assert (plan["objective"], plan["currency"], plan["budget"], plan["reserve"]) == (
        "engagement",
        "VND",
        100_000_000,
        10_000_000,
    )


def test_a_plan_reads_without_saving(api, campaign):
    api.get(f"/api/campaigns/{campaign.pk}/plan")
    assert not Proposal.objects.exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT


def test_a_posted_document_is_planned_without_being_saved(api, brand, pool):
    response = post(api, "/api/plan", plannable_document(brand))
    assert response.status_code == 200, response.content
    plan = response.json()
    assert_plan_contract(plan)
    assert plan["solver"]["status"] == "optimal" and plan["items"]
    assert plan["spent"] <= plan["budget"] - plan["reserve"]
    assert {item["channel_id"] for item in plan["items"]} <= {c.pk for c in pool}
    assert sum(item["cost"] for item in plan["items"]) == plan["spent"]
    assert not Campaign.objects.exists()


def test_a_plan_item_carries_its_expected_results_and_fit(api, brand, pool):
    plan = post(api, "/api/plan", plannable_document(brand)).json()
    item = plan["items"][0]
    channel = next(c for c in pool if c.pk == item["channel_id"])
    assert (item["kol"], item["platform"], item["tier"]) == (
        channel.kol.display_name,
        channel.platform,
        channel.tier,
    )
    assert item["expected"]["views"] > 0 and 0 <= item["fit"]["total"] <= 1
    assert plan["expected"]["views"] == sum(i["expected"]["views"] for i in plan["items"])


def test_an_infeasible_document_answers_200_naming_the_tier(api, brand, pool):
    # At least 10 nano KOLs wanted; the pool has two.
    body = document(brand, constraints={"tiers": {"nano": {"min_count": 10}}})
    plan = post(api, "/api/plan", body).json()
    assert plan["solver"]["status"] == "infeasible"
    assert plan["solver"]["message"] == "Tier Nano: at least 10 KOLs cannot be met. Eligible candidates: 2."
    assert plan["items"] == [] and plan["spent"] == 0


def test_an_unreachable_budget_share_is_not_worded_as_a_count_of_candidates(api, brand, pool):
    # The two mid KOLs cost 24,090,000 together; 25 % of the plannable 135,000,000 is wanted.
    body = document(brand, constraints={"tiers": {"mid": {"min_share": "25"}}})
    message = post(api, "/api/plan", body).json()["solver"]["message"]
    assert message.startswith("Tier Mid: at least 25 % of the budget cannot be met.")
    assert "Eligible candidates: 24090000.0" not in message
    assert message.endswith("Its eligible candidates cost ₫24,090,000 in all."), message


def test_a_plan_sees_only_the_callers_channels(brand, pool, outsider, other_group):
    theirs = make_pool(other_group, outsider, n=10, prefix="ngoai")
    plan = post(client_of(outsider), "/api/plan", plannable_document(other_group)).json()
    assert plan["items"] and {i["channel_id"] for i in plan["items"]} <= {c.pk for c in theirs}


def test_a_plan_for_an_organization_of_another_group_is_refused(brand, pool, outsider):
    response = post(client_of(outsider), "/api/plan", plannable_document(brand))
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"organization"}


# ---------------------------------------------------------------- proposals


def test_posting_to_proposals_generates_a_draft_version(api, campaign):
    response = post(api, f"/api/campaigns/{campaign.pk}/proposals")
    assert response.status_code == 201, response.content
    proposal = response.json()
    assert (proposal["campaign_id"], proposal["version"], proposal["status"]) == (campaign.pk, 1, "draft")
    assert proposal["solver_status"] == "optimal" and proposal["items"]
    assert {i["decision"] for i in proposal["items"]} == {Decision.PENDING}
    listed = api.get(f"/api/campaigns/{campaign.pk}/proposals").json()
    assert [(p["id"], p["version"]) for p in listed] == [(proposal["id"], 1)]


def test_an_infeasible_generation_is_422_naming_the_tier(api, brand, specialist, pool):
    campaign = make_campaign(specialist, brand, constraints={"tiers": {"macro": {"min_count": 5}}})
    response = post(api, f"/api/campaigns/{campaign.pk}/proposals")
    assert response.status_code == 422
    assert response.json()["detail"] == {
        "__all__": ["Tier Macro: at least 5 KOLs cannot be met. Eligible candidates: 2."]
    }
    assert not Proposal.objects.exists()


def test_a_generated_version_is_submitted_then_decided_by_a_manager(api, campaign, manager):
    proposal = post(api, f"/api/campaigns/{campaign.pk}/proposals").json()
    submitted = post(api, f"/api/proposals/{proposal['id']}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == ProposalStatus.SUBMITTED
    assert submitted.json()["submitted_at"] is not None
    boss = client_of(manager)
    first, *rest = proposal["items"]
    rejected = post(
        boss, f"/api/proposal-items/{first['id']}/decision", {"decision": "rejected", "comment": "Giá cao"}
    )
    assert rejected.status_code == 200, rejected.content
    assert rejected.json()["status"] == ProposalStatus.SUBMITTED
    for item in rest:
        answer = post(boss, f"/api/proposal-items/{item['id']}/decision", {"decision": "approved"})
        assert answer.status_code == 200
    decided = api.get(f"/api/proposals/{proposal['id']}").json()
    assert decided["status"] == ProposalStatus.DECIDED
    by_id = {i["id"]: i for i in decided["items"]}
    assert (by_id[first["id"]]["decision"], by_id[first["id"]]["decision_comment"]) == ("rejected", "Giá cao")
    assert {by_id[i["id"]]["decision"] for i in rest} <= {"approved"}


def test_a_rejection_without_a_comment_is_422(api, campaign, manager):
    proposal = post(api, f"/api/campaigns/{campaign.pk}/proposals").json()
    post(api, f"/api/proposals/{proposal['id']}/submit")
    item_id = proposal["items"][0]["id"]
    response = post(client_of(manager), f"/api/proposal-items/{item_id}/decision", {"decision": "rejected"})
    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"comment"}


def test_the_submitter_cannot_decide_even_as_a_manager(campaign, manager):
    own = client_of(manager)
    proposal = post(own, f"/api/campaigns/{campaign.pk}/proposals").json()
    post(own, f"/api/proposals/{proposal['id']}/submit")
    item_id = proposal["items"][0]["id"]
    response = post(own, f"/api/proposal-items/{item_id}/decision", {"decision": "approved"})
    assert response.status_code == 422
    assert ProposalItem.objects.get(pk=item_id).decision == Decision.PENDING


def test_a_specialist_cannot_decide(api, campaign):
    proposal = post(api, f"/api/campaigns/{campaign.pk}/proposals").json()
    post(api, f"/api/proposals/{proposal['id']}/submit")
    item_id = proposal["items"][0]["id"]
    response = post(api, f"/api/proposal-items/{item_id}/decision", {"decision": "approved"})
    assert response.status_code == 403


def test_an_empty_version_cannot_be_submitted(api, campaign, specialist):
    empty = services.proposal_create_manual(by=specialist, campaign=campaign)
    response = post(api, f"/api/proposals/{empty.pk}/submit")
    assert response.status_code == 422
    assert response.json()["detail"] == {"__all__": ["Add at least one KOL before submitting."]}


# ---------------------------------------------------------------- scope


def call(client: Client, method: str, path: str, body=None):
    if method == "get":
        return client.get(path)
    return getattr(client, method)(path, body if body is not None else {}, content_type=JSON)


def test_another_groups_campaign_is_404_everywhere(campaign, specialist, outsider, other_group, pool):
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    services.proposal_submit(by=specialist, proposal=proposal)
    ids = {"c": campaign.pk, "p": proposal.pk, "i": proposal.items.first().pk}
    calls = [
        ("get", "/api/campaigns/{c}", None),
        ("put", "/api/campaigns/{c}", document(other_group)),
        ("get", "/api/campaigns/{c}/brief", None),
        ("put", "/api/campaigns/{c}/brief", {}),
        ("patch", "/api/campaigns/{c}", {"name": "Intruder"}),
        ("patch", "/api/campaigns/{c}/brief", {"notes": "Intruder"}),
        ("get", "/api/campaigns/{c}/plan", None),
        ("get", "/api/campaigns/{c}/proposals", None),
        ("post", "/api/campaigns/{c}/proposals", None),
        ("get", "/api/proposals/{p}", None),
        ("post", "/api/proposals/{p}/submit", None),
        ("post", "/api/proposal-items/{i}/decision", {"decision": "approved"}),
    ]
    caller = client_of(outsider)
    answers = {
        f"{method} {url}": (response.status_code, response.json())
        for method, url, body in calls
        for response in [call(caller, method, url.format(**ids), body)]
    }
    assert answers == dict.fromkeys(answers, (404, {"detail": "Not found"}))
    assert Proposal.objects.count() == 1


def test_a_viewers_writes_are_403_and_write_nothing(campaign, brand, specialist, viewer, pool):
    draft = services.proposal_create_manual(by=specialist, campaign=campaign)
    services.proposal_add(by=specialist, proposal=draft, channel_id=pool[0].pk)
    submitted = services.proposal_create_manual(by=specialist, campaign=campaign)
    item = services.proposal_add(by=specialist, proposal=submitted, channel_id=pool[1].pk)
    services.proposal_submit(by=specialist, proposal=submitted)
    ids = {"c": campaign.pk, "p": draft.pk, "i": item.pk}
    calls = [
        ("post", "/api/campaigns", document(brand)),
        ("put", "/api/campaigns/{c}", document(brand)),
        ("put", "/api/campaigns/{c}/brief", {}),
        ("patch", "/api/campaigns/{c}", {"name": "Viewer"}),
        ("patch", "/api/campaigns/{c}/brief", {"notes": "Viewer"}),
        ("post", "/api/campaigns/{c}/proposals", None),
        ("post", "/api/proposals/{p}/submit", None),
        ("post", "/api/proposal-items/{i}/decision", {"decision": "approved"}),
    ]
    caller = client_of(viewer)
    counts = (Campaign.objects.count(), Proposal.objects.count(), ProposalItem.objects.count())
    answers = {
        f"{method} {url}": call(caller, method, url.format(**ids), body).status_code
        for method, url, body in calls
    }
    assert answers == dict.fromkeys(answers, 403)
    assert (Campaign.objects.count(), Proposal.objects.count(), ProposalItem.objects.count()) == counts
    campaign.refresh_from_db()
    draft.refresh_from_db()
    assert (campaign.name, draft.status) == ("Lotus Beauty – Son tint mùa hè", ProposalStatus.DRAFT)
    assert ProposalItem.objects.get(pk=item.pk).decision == Decision.PENDING


def test_a_viewer_may_read_and_plan(campaign, viewer):
    caller = client_of(viewer)
    assert caller.get(f"/api/campaigns/{campaign.pk}").status_code == 200
    assert caller.get(f"/api/campaigns/{campaign.pk}/plan").json()["solver"]["status"] == "optimal"
