"""Fixtures shared by every test: organizations, users in each role, a KOL with a channel."""

import pytest
from django.contrib.auth import get_user_model

from kolops.accounts.choices import OrganizationKind, Role
from kolops.accounts.services import membership_grant, organization_create
from kolops.kols import services as kol_services
from kolops.kols.models import Category

User = get_user_model()
PASSWORD = "Kolops-test-pass-1"


@pytest.fixture
def group(db):
    """A company group with a subsidiary and a brand under it."""
    root = organization_create(name="Sao Mai Group", kind=OrganizationKind.GROUP)
    sub = organization_create(name="Sao Mai Cosmetics", kind=OrganizationKind.SUBSIDIARY, parent=root)
    organization_create(name="Lotus Beauty", kind=OrganizationKind.BRAND, parent=sub)
    return root


@pytest.fixture
def other_group(db):
    """A second, unrelated company group: its data must stay invisible to `group`'s users."""
    return organization_create(name="Other Group", kind=OrganizationKind.GROUP)


def make_user(username: str, org, role: str):
    user = User.objects.create_user(username=username, password=PASSWORD, email=f"{username}@example.com")
    membership_grant(user=user, organization=org, role=role)
    return user


@pytest.fixture
def make_member(group):
    """A factory: make_member(role, org=group) → a user with that role."""
    counter = {"n": 0}

    def factory(role: str, org=None):
        counter["n"] += 1
        return make_user(f"{role}{counter['n']}", org or group, role)

    return factory


@pytest.fixture
def specialist(make_member):
    return make_member(Role.SPECIALIST)


@pytest.fixture
def manager(make_member):
    return make_member(Role.MANAGER)


@pytest.fixture
def viewer(make_member):
    return make_member(Role.VIEWER)


@pytest.fixture
def outsider(other_group):
    """An administrator of another group."""
    return make_user("outsider", other_group, Role.ADMIN)


@pytest.fixture
def dual(make_member, other_group):
    """A specialist of `group` who is also a viewer of `other_group`: roles in two groups."""
    user = make_member(Role.SPECIALIST)
    membership_grant(user=user, organization=other_group, role=Role.VIEWER)
    return user


@pytest.fixture
def kol(group, specialist):
    """A Vietnamese beauty KOL in `group` with one TikTok channel."""
    beauty = Category.objects.get(slug="beauty")
    kol = kol_services.kol_create(
        by=specialist,
        group=group,
        data={
            "display_name": "Ngọc Trinh",
            "real_name": "Trần Thị Ngọc Trinh",
            "home_region": "VN-SG",
            "kol_type": "celebrity",
            "notes": "Thời trang, làm đẹp",
        },
        categories=[beauty],
        tags=["skincare"],
    )
    kol_services.channel_create(
        by=specialist,
        kol=kol,
        data={
            "platform": "tiktok",
            "handle": "@ngoctrinh",
            "followers": 1_500_000,
            "engagement_rate": "4.20",
            "avg_views": 250_000,
            "aud_age_18_24": "45",
            "aud_female": "70",
            "aud_male": "30",
        },
    )
    return kol


@pytest.fixture
def channel(kol):
    return kol.channels.get()


@pytest.fixture
def client_for(client):
    """client_for(user) → the test client signed in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login
