"""The Django admin lets superusers in and nobody else: group administration is not its job."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from conftest import PASSWORD
from kolops.accounts.choices import Role
from kolops.accounts.models import Membership
from kolops.accounts.services import membership_grant

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def staff(group):
    """A staff user with every model permission who administers `group`, but no superuser."""
    user = User.objects.create_user("staffer", "staffer@example.com", PASSWORD, is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    membership_grant(user=user, organization=group, role=Role.ADMIN)
    return user


def refused(response) -> bool:
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    )


def test_a_staff_user_gets_nothing_from_the_admin_index(client, staff):
    client.force_login(staff)
    assert refused(client.get(reverse("admin:index")))


def test_a_staff_user_gets_no_membership_page(client, staff):
    client.force_login(staff)
    assert refused(client.get(reverse("admin:accounts_membership_add")))
    assert refused(client.get(reverse("admin:accounts_membership_changelist")))


def test_a_staff_user_gets_no_page_of_any_model_in_the_admin(client, staff):
    # Given a staff user with every model permission, when they open each model's list and add page
    client.force_login(staff)
    pages = [
        reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}")
        for model in admin.site._registry
        for page in ("changelist", "add")
    ]
    # then every one is refused
    assert pages
    assert [page for page in pages if not refused(client.get(page))] == []


def test_a_staff_user_cannot_make_itself_administrator_of_another_group(client, staff, other_group):
    client.force_login(staff)
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": staff.pk, "organization": other_group.pk, "role": Role.ADMIN},
    )
    assert refused(response)
    assert not Membership.objects.filter(user=staff, organization=other_group).exists()


def test_a_superuser_manages_memberships_in_the_admin(client, group, specialist):
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.post(
        reverse("admin:accounts_membership_add"),
        {"user": root.pk, "organization": group.pk, "role": Role.VIEWER},
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=root, organization=group, role=Role.VIEWER).exists()


def test_the_admin_menu_entry_is_shown_to_superusers_only(client, staff):
    client.force_login(staff)
    assert reverse("admin:index") not in client.get(reverse("accounts:tokens")).content.decode()
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    assert reverse("admin:index") in client.get(reverse("accounts:tokens")).content.decode()


def test_demo_setup_names_the_superuser(tmp_path, settings, capsys):
    settings.VAR_DIR = tmp_path
    call_command("demo-setup", kols=0)
    output = capsys.readouterr().out
    assert "Superuser: admin " in output
    assert reverse("account_login") in output


def test_a_password_set_in_the_admin_revokes_the_user_tokens(client, specialist):
    from kolops.accounts.services import api_token_authenticate, api_token_create

    _token, key = api_token_create(user=specialist, name="laptop")
    root = User.objects.create_superuser("root", "root@example.com", PASSWORD)
    client.force_login(root)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[specialist.pk]),
        {"password1": "Another-pass-2468", "password2": "Another-pass-2468", "usable_password": "true"},
    )
    assert response.status_code == 302
    specialist.refresh_from_db()
    assert specialist.check_password("Another-pass-2468")
    assert api_token_authenticate(key) is None
