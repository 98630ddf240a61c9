"""The campaign pages stay within a fixed number of queries as proposals grow."""

import pytest
from django.urls import reverse

from kolops.campaigns import services

from .factories import make_campaign, make_pool

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(group, specialist):
    make_pool(group, specialist, n=40)
    campaign = make_campaign(specialist, group, budget="2000000000")
    proposal = services.proposal_generate(by=specialist, campaign=campaign)
    assert proposal.items.count() >= 15
    return proposal


def test_the_proposal_page_reads_a_fixed_number_of_queries(
    client_for, specialist, proposal, django_assert_max_num_queries
):
    client = client_for(specialist)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("campaigns:proposal", args=[proposal.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="kol-name"') == proposal.items.count()


def test_the_campaign_page_reads_a_fixed_number_of_queries(
    client_for, specialist, proposal, django_assert_max_num_queries
):
    services.proposal_copy(by=specialist, proposal=proposal)
    client = client_for(specialist)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("campaigns:detail", args=[proposal.campaign_id]))
    assert response.status_code == 200


def test_the_campaign_list_reads_a_fixed_number_of_queries(
    client_for, specialist, group, django_assert_max_num_queries
):
    for n in range(12):
        make_campaign(specialist, group, name=f"Campaign {n}")
    client = client_for(specialist)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("campaigns:list"))
    assert response.content.decode().count("Campaign ") >= 12


def test_the_next_status_offered_first_is_the_next_step_not_closing(client_for, specialist, group):
    campaign = make_campaign(specialist, group)
    page = client_for(specialist).get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    options = page[page.index('name="status"') :].split("</select>")[0]
    assert options.index('value="planning"') < options.index('value="closed"')


def test_a_new_campaign_is_for_the_group_unless_another_organization_is_chosen(client_for, specialist, group):
    page = client_for(specialist).get(reverse("campaigns:create")).content.decode()
    assert f'<option value="{group.pk}" selected>' in page


def test_adding_by_hand_finds_channels_of_the_campaigns_group_only(
    client_for, specialist, proposal, outsider, other_group
):
    make_pool(other_group, outsider, n=1, prefix="pool")  # same names, another group
    page = client_for(specialist).get(reverse("campaigns:proposal_pick", args=[proposal.pk]), {"q": "pool1"})
    rows = page.content.decode().count('name="channel"')
    assert rows == proposal.campaign.group.kols.filter(display_name__contains="pool1").count() > 0
