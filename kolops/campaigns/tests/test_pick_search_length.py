"""The hand-pick search of a draft reads at most MAX_SEARCH_TEXT characters, as the list page
and the API do: each word is one more text match to check, and the search answers every key
typed (five thousand words took two seconds on PostgreSQL)."""

import re

import pytest
from django.urls import reverse

from kolops.campaigns import services
from kolops.kols.query import MAX_SEARCH_TEXT

from .factories import make_campaign

pytestmark = pytest.mark.django_db


def offered(html: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="channel" value="(\d+)"', html)}


def test_words_past_the_longest_search_text_are_not_read(client_for, specialist, brand, pool):
    # Given a draft, and a search naming a KOL of the pool, then a word no KOL has, far past
    # the longest search text
    proposal = services.proposal_create_manual(by=specialist, campaign=make_campaign(specialist, brand))
    wanted = pool[0]
    text = wanted.handle + " " * MAX_SEARCH_TEXT + " khongaico"
    # When the pick list is asked for it
    response = client_for(specialist).get(reverse("campaigns:proposal_pick", args=[proposal.pk]), {"q": text})
    # Then the word past the limit is not read: the named KOL is offered
    assert response.status_code == 200
    assert wanted.pk in offered(response.content.decode())


def test_a_search_within_the_limit_reads_every_word(client_for, specialist, brand, pool):
    proposal = services.proposal_create_manual(by=specialist, campaign=make_campaign(specialist, brand))
    text = pool[0].handle + " khongaico"
    response = client_for(specialist).get(reverse("campaigns:proposal_pick", args=[proposal.pk]), {"q": text})
    assert offered(response.content.decode()) == set()
