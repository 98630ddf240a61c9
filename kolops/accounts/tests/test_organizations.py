"""The organization tree: every node knows its group, however it was created."""

import pytest
from django.core.exceptions import ValidationError

from kolops.accounts.admin import OrganizationAdminForm
from kolops.accounts.choices import OrganizationKind
from kolops.accounts.models import Organization
from kolops.accounts.services import membership_grant, organization_create, organization_place
from kolops.core.permissions import group_ids_for

pytestmark = pytest.mark.django_db


def test_a_brand_belongs_to_the_group_at_the_root(group):
    brand = Organization.objects.get(kind=OrganizationKind.BRAND)
    assert brand.group == group
    assert group.group == group


def test_placing_a_node_derives_its_group(group):
    sub = organization_place(organization=Organization(name="New sub", kind="subsidiary", parent=group))
    assert sub.group == group
    root = organization_place(organization=Organization(name="New group", kind="group"))
    assert root.group == root


def test_a_subsidiary_needs_a_parent():
    with pytest.raises(ValidationError):
        organization_place(organization=Organization(name="Orphan", kind="subsidiary"))


def test_a_node_cannot_move_to_another_group(group, other_group):
    brand = Organization.objects.get(kind=OrganizationKind.BRAND)
    brand.parent = other_group
    with pytest.raises(ValidationError):
        organization_place(organization=brand)


def test_the_admin_form_refuses_a_group_with_a_parent(group):
    form = OrganizationAdminForm(data={"name": "X", "kind": "group", "parent": group.pk})
    assert not form.is_valid()
    assert "parent" in form.errors


def test_members_of_a_brand_reach_the_groups_pool(group, django_user_model):
    brand = Organization.objects.get(kind=OrganizationKind.BRAND)
    user = django_user_model.objects.create_user("brandie")
    membership_grant(user=user, organization=brand, role="specialist")
    assert group_ids_for(user, "kols.change") == {group.pk}


def test_a_group_cannot_have_a_parent(group):
    with pytest.raises(ValueError):
        organization_create(name="Nested", kind="group", parent=group)
