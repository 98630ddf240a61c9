"""Writes and reads keyed by something other than an id stay inside one organization group.

The user `dual` edits KOLs in two groups. A platform handle, a KOL name or a tag name shared
by both groups never makes a write in one group touch the other group's rows, and a search
kept to one group returns that group's channels only.
"""

import pytest

from kolops.accounts.choices import Role
from kolops.accounts.services import membership_grant
from kolops.kols import services
from kolops.kols.imports import kols_import
from kolops.kols.models import Channel, Kol, Tag
from kolops.kols.query import ChannelQuery
from kolops.kols.selectors import channel_page, channel_search
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def dual(make_member, other_group):
    """A specialist of both groups."""
    user = make_member(Role.SPECIALIST)
    membership_grant(user=user, organization=other_group, role=Role.SPECIALIST)
    return user


def run_import(by, group, rows):
    return kols_import(by=by, group=group, file_name="kols.csv", data=csv_bytes(rows), dry_run=False)


def test_importing_a_handle_another_group_has_creates_a_channel_and_leaves_theirs_alone(
    dual, group, other_group
):
    run_import(dual, other_group, [channel_row(followers="12000", tags="skincare")])
    theirs = Channel.objects.get(group=other_group)
    result = run_import(dual, group, [channel_row(followers="99000", tags="skincare")])
    assert (result.created, result.updated) == (1, 0)
    theirs.refresh_from_db()
    assert theirs.followers == 12_000
    ours = Channel.objects.get(group=group)
    assert (ours.handle_key, ours.followers, ours.kol.group) == (theirs.handle_key, 99_000, group)


def test_a_kol_name_another_group_has_gives_this_group_a_kol_of_its_own(dual, group, other_group):
    run_import(dual, other_group, [channel_row()])
    run_import(dual, group, [channel_row(platform="youtube", handle="maianh_yt")])
    assert Kol.objects.filter(display_name="Mai Anh").count() == 2
    assert Kol.objects.get(group=other_group).channels.count() == 1


def test_a_tag_name_another_group_uses_is_a_tag_of_each_group(dual, group, other_group):
    (theirs,) = services.tags_resolve(group=other_group, names=["Skincare"])
    (ours,) = services.tags_resolve(group=group, names=["skincare"])
    assert ours != theirs and (ours.group, theirs.group) == (group, other_group)
    assert Tag.objects.filter(key="skincare").count() == 2


def test_a_search_kept_to_one_group_returns_that_groups_channels_only(dual, group, other_group):
    run_import(dual, other_group, [channel_row()])
    run_import(dual, group, [channel_row()])
    everything = channel_search(user=dual, query=ChannelQuery(q="mai anh"))
    ours = channel_search(user=dual, query=ChannelQuery(q="mai anh"), group_id=group.pk)
    page = channel_page(user=dual, query=ChannelQuery(q="mai anh"), group_id=other_group.pk)
    assert everything.count() == 2
    assert {c.group_id for c in ours} == {group.pk}
    assert {c.group_id for c in page.rows} == {other_group.pk}


def test_a_search_kept_to_a_group_the_user_has_no_role_in_finds_nothing(specialist, other_group, outsider):
    services.kol_create(by=outsider, group=other_group, data={"display_name": "Mai Anh", "kol_type": "kol"})
    kol = Kol.objects.get(group=other_group)
    services.channel_create(
        by=outsider, kol=kol, data={"platform": "tiktok", "handle": "maianh", "followers": 9000}
    )
    assert channel_search(user=outsider, query=ChannelQuery(), group_id=other_group.pk).exists()
    assert not channel_search(user=specialist, query=ChannelQuery(), group_id=other_group.pk).exists()
