"""`kolops demo-setup`: a complete demo installation, made once, described every time."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from kolops.accounts.models import Membership, Organization
from kolops.kols.models import Channel, Kol
from kolops.kols.seeding.demo import ADMIN_USERNAME, DEMO_GROUP, DEMO_USERS, demo_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(tmp_path, settings):
    settings.VAR_DIR = tmp_path
    return tmp_path


def counts():
    return (
        Organization.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        Kol.objects.count(),
        Channel.objects.count(),
    )


def test_running_twice_changes_nothing_and_prints_the_same_credentials(var_dir, capsys):
    call_command("demo-setup", kols=40)
    first_counts, first_output = counts(), capsys.readouterr().out
    call_command("demo-setup", kols=40)
    second_output = capsys.readouterr().out
    assert counts() == first_counts
    password = (var_dir / "demo-admin.txt").read_text().split("admin: ")[1].strip()
    for output in (first_output, second_output):
        assert "/accounts/login/" in output
        assert password in output
    assert "Seeded" in first_output and "Seeded" not in second_output


def test_the_tree_the_users_and_the_kols_are_there(var_dir):
    result = demo_setup(kols=30)
    group = Organization.objects.get(name=DEMO_GROUP)
    assert result.group == group
    assert Organization.objects.filter(group=group).count() == 7  # group, 2 subsidiaries, 4 brands
    assert Kol.objects.filter(group=group).count() == 30
    admin = get_user_model().objects.get(username=ADMIN_USERNAME)
    assert admin.is_superuser
    assert Membership.objects.get(user=admin, organization=group).role == "admin"
    for username, (role, _where) in DEMO_USERS.items():
        user = get_user_model().objects.get(username=username)
        assert user.memberships.get().role == role


def test_every_printed_password_signs_in(var_dir, client):
    result = demo_setup(kols=0)
    for credential in result.credentials:
        assert client.login(username=credential.username, password=credential.password)


def test_passwords_are_generated_once_and_kept_out_of_the_repository(var_dir):
    first = demo_setup(kols=0).credentials
    second = demo_setup(kols=0).credentials
    assert [c.password for c in first] == [c.password for c in second]
    assert len({c.password for c in first}) == len(first)
    assert (var_dir / "demo-admin.txt").stat().st_mode & 0o077 == 0


def test_a_lost_password_file_gives_new_working_passwords(var_dir, client):
    old = demo_setup(kols=0).credentials[0].password
    (var_dir / "demo-admin.txt").unlink()
    new = demo_setup(kols=0).credentials[0]
    assert new.password != old
    assert client.login(username=ADMIN_USERNAME, password=new.password)


def test_kols_are_seeded_only_into_an_empty_demo_group(var_dir):
    demo_setup(kols=10)
    assert demo_setup(kols=50).seeded is None
    assert Kol.objects.count() == 10


def test_a_pool_too_small_for_the_demo_campaign_keeps_it_unplanned_and_says_why(var_dir, capsys):
    call_command("demo-setup", kols=40)
    out = capsys.readouterr().out
    assert "Demo campaign: Lotus Beauty – Son tint mùa hè 2027, not planned: Tier Mid: at least 2 KOLs" in out
