"""Fixtures the campaign tests share: a brand of the test group and a pool of KOLs."""

import pytest

from kolops.accounts.models import Organization

from .factories import make_pool


@pytest.fixture
def brand(group) -> Organization:
    """The brand under the test group's subsidiary."""
    return Organization.objects.get(name="Lotus Beauty")


@pytest.fixture
def pool(group, specialist):
    """Ten beauty KOLs of `group`: two of each tier, TikTok and Facebook in turn."""
    return make_pool(group, specialist, n=10)
