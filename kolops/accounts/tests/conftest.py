"""Fixtures of the sign-in tests: a clean rate-limit cache, and signing in through the form."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import PASSWORD


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits live in the cache: every test starts, and leaves, with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sign_in():
    """sign_in(client, login, password=PASSWORD, ip=…) posts the sign-in form; returns the answer."""

    def post(client, login: str, password: str = PASSWORD, ip: str = "198.51.100.7"):
        return client.post(reverse("account_login"), {"login": login, "password": password}, REMOTE_ADDR=ip)

    return post
