"""Writes of the KOL database. Views, the API, the CLI and imports all call these.

Every write that changes a KOL's searchable attributes re-copies them onto its channels
(`channels_sync_from_kol`), so search can read the channel row alone.

Lock order (docs/architecture.md, "Concurrent writes"): the KOL row first, then its channels,
then a channel's rate card; several KOLs in ascending id order. Every write below that touches
a channel locks its KOL first (`_lock_kol`, `_lock_channel`), so two writers of one KOL queue
instead of deadlocking (a KOL edit re-copies onto every channel of the KOL). Writes that edit
a form's or an API document's fields take `expected_version` and check it on the locked row
(`kolops.core.concurrency`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kolops.accounts.models import Organization
from kolops.core.concurrency import check_version, version_of
from kolops.core.permissions import has_permission
from kolops.core.text import fold, normalize_handle
from kolops.core.tiers import tier_for

from .choices import AGE_FIELDS, KolStatus, RegionLevel
from .models import (
    AudienceRegionShare,
    Category,
    Channel,
    ContactLog,
    FollowerSnapshot,
    Kol,
    RateCard,
    SavedSearch,
    Tag,
)

KOL_FIELDS = (
    "display_name",
    "real_name",
    "kol_type",
    "home_region",
    "languages",
    "agency",
    "manager_name",
    "contacts",
    "notes",
    "status",
    "blacklist_reason",
    "risk_flags",
)
CHANNEL_FIELDS = (
    "platform",
    "handle",
    "url",
    "followers",
    "avg_views",
    "engagement_rate",
    "er_basis",
    "verified",
    "stats_updated_at",
)


def require(user, permission: str, group: Organization) -> None:
    """Raise PermissionDenied unless `user` holds `permission` in `group`."""
    if not has_permission(user, permission, group.pk):
        raise PermissionDenied(_("You do not have permission to do this."))


def kol_version(kol: Kol) -> str:
    """The version of a KOL's own attributes, categories, tags and archive state (its channels
    have their own): every service that changes them saves the KOL."""
    return version_of(kol)


def channel_version(channel: Channel) -> str:
    """The version of a channel's stats, audience and audience by region."""
    return version_of(channel)


def _lock_kol(kol_id: int) -> Kol:
    """Lock a KOL's row for a write that changes it or its channels (KOL → channel → rate).

    FOR NO KEY UPDATE: rows that only point at the KOL (contact logs, proposal items) can still
    be added meanwhile.
    """
    # of=("self",): the KOL's row only, not its group's (an import locks the group first).
    return Kol.objects.select_for_update(no_key=True, of=("self",)).select_related("group").get(pk=kol_id)


def kols_lock(kol_ids: Iterable[int], *, chunk_size: int = 1000) -> None:
    """Lock many KOLs' rows before a bulk write changes them or their channels (an import, a
    re-tiering): in ascending id order, the order across KOLs, a chunk at a time so the ids fit
    in one statement. FOR NO KEY UPDATE, as `_lock_kol`."""
    ids = sorted(set(kol_ids))
    for start in range(0, len(ids), chunk_size):
        chunk = Kol.objects.select_for_update(no_key=True).filter(pk__in=ids[start : start + chunk_size])
        list(chunk.order_by("pk").values_list("pk"))


def _lock_channel(channel_id: int) -> tuple[Kol, Channel]:
    """Lock a channel's KOL, then the channel (KOL → channel), and return both.

    The KOL is read without a lock first: a channel never moves to another KOL, and the check
    after locking proves it did not.
    """
    kol_id = Channel.objects.values_list("kol_id", flat=True).get(pk=channel_id)
    kol = _lock_kol(kol_id)
    channel = Channel.objects.select_for_update(no_key=True).get(pk=channel_id)
    if channel.kol_id != kol.pk:  # pragma: no cover - channels do not change KOL
        raise ValidationError(_("This channel moved to another KOL; reload the page."))
    channel.kol = kol
    return kol, channel


def category_mask(categories: Iterable[Category]) -> int:
    """The bit mask of a set of categories."""
    mask = 0
    for category in categories:
        mask |= 1 << category.bit
    return mask


def kol_search_text(kol: Kol, handles: Iterable[str] = ()) -> str:
    """The folded text a search matches: names, handles, notes and tags."""
    parts = [kol.display_name, kol.real_name, kol.notes, *handles]
    return fold(" ".join(p for p in parts if p))


def channels_sync_from_kol(kol: Kol) -> None:
    """Copy `kol`'s searchable attributes onto every one of its channels.

    Call it with the KOL's row locked (`_lock_kol`): the update locks every channel of the KOL.
    """
    channels = list(kol.channels.all())
    handles = [c.handle for c in channels]
    tags = [t.name for t in kol.tags.all()] if kol.pk else []
    text = kol_search_text(kol, [*handles, *tags])
    kol.channels.update(
        kol_name=kol.display_name,
        kol_type=kol.kol_type,
        kol_status=kol.status,
        home_region=kol.home_region,
        category_mask=category_mask(kol.categories.all()),
        search_text=text,
        is_archived=kol.archived_at is not None,
    )


def validate_kol(kol: Kol) -> None:
    """Model validation plus the rules a form cannot express alone."""
    if kol.status == KolStatus.BLACKLISTED and not kol.blacklist_reason.strip():
        raise ValidationError({"blacklist_reason": _("Give the reason for blacklisting.")})
    kol.full_clean(exclude=["group", "created_by"])


def tags_resolve(*, group: Organization, names: Iterable[str]) -> list[Tag]:
    """The group's tags with these names, created when missing (matched by folded name)."""
    result = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        tag, _created = Tag.objects.get_or_create(
            group=group, key=fold(name)[:60], defaults={"name": name[:60]}
        )
        result.append(tag)
    return result


@transaction.atomic
def kol_create(
    *,
    by,
    group: Organization,
    data: dict,
    categories: Iterable[Category] = (),
    tags: Iterable[str] = (),
) -> Kol:
    """Create a KOL in `group` from `data` (fields of KOL_FIELDS)."""
    require(by, "kols.change", group)
    kol = Kol(group=group, created_by=by if by and by.is_authenticated else None)
    for field in KOL_FIELDS:
        if field in data:
            setattr(kol, field, data[field])
    validate_kol(kol)
    kol.save()
    kol.categories.set(list(categories))
    kol.tags.set(tags_resolve(group=group, names=tags))
    return kol


@transaction.atomic
def kol_update(
    *,
    by,
    kol: Kol,
    data: dict,
    categories: Iterable[Category] | None = None,
    tags: Iterable[str] | None = None,
    expected_version: str | Iterable[str] | None = None,
) -> Kol:
    """Change a KOL's attributes; its channels' search copies follow.

    With `expected_version` (a page form's or an API caller's), nothing is saved and
    StaleVersion is raised when the KOL changed since that version was read.
    """
    require(by, "kols.change", kol.group)
    # Tags are the group's, shared by every KOL: created before the KOL is locked, as an import
    # does (tags, then KOLs), so the two never wait for each other in opposite orders.
    tag_list = None if tags is None else tags_resolve(group=kol.group, names=tags)
    # Lock order: the KOL first, then (channels_sync_from_kol) its channels.
    kol = _lock_kol(kol.pk)
    check_version(kol_version(kol), expected_version)
    for field in KOL_FIELDS:
        if field in data:
            setattr(kol, field, data[field])
    if kol.status != KolStatus.BLACKLISTED:
        kol.blacklist_reason = ""
    validate_kol(kol)
    kol.save()
    if categories is not None:
        kol.categories.set(list(categories))
    if tag_list is not None:
        kol.tags.set(tag_list)
    channels_sync_from_kol(kol)
    return kol


@transaction.atomic
def kol_archive(*, by, kol: Kol, archived: bool = True) -> Kol:
    """Archive (or restore) a KOL. Archived KOLs leave search; their history stays."""
    kol = _lock_kol(kol.pk)  # the KOL, then (channels_sync_from_kol) its channels
    require(by, "kols.change", kol.group)
    kol.archived_at = timezone.now() if archived else None
    kol.save(update_fields=["archived_at", "updated_at"])
    channels_sync_from_kol(kol)
    return kol


def _apply_channel_fields(channel: Channel, data: dict) -> None:
    for field in CHANNEL_FIELDS:
        if field in data:
            setattr(channel, field, data[field])
    for bucket, field in AGE_FIELDS.items():
        if f"aud_age_{bucket}" in data:
            setattr(channel, field, data[f"aud_age_{bucket}"])
    for field in ("aud_female", "aud_male"):
        if field in data:
            setattr(channel, field, data[field])
    channel.handle = channel.handle.strip().lstrip("@").strip()
    channel.handle_key = normalize_handle(channel.handle)
    channel.tier = tier_for(channel.followers or 0, channel.platform)


def validate_audience(channel: Channel) -> None:
    """Age shares, and gender shares, each sum to at most 100 %."""
    errors = {}
    ages = [getattr(channel, f) for f in AGE_FIELDS.values()]
    if sum(a for a in ages if a is not None) > 100:
        errors["aud_age_18_24"] = _("Age shares add up to more than 100 %.")
    genders = [channel.aud_female, channel.aud_male]
    if sum(g for g in genders if g is not None) > 100:
        errors["aud_female"] = _("Female and male shares add up to more than 100 %.")
    if errors:
        raise ValidationError(errors)


def validate_channel(channel: Channel) -> None:
    """Model validation, audience sums, and one account per platform handle in the group."""
    channel.full_clean(exclude=["kol", "group", "handle_key", "tier"], validate_unique=False)
    validate_audience(channel)
    clash = Channel.objects.filter(
        group_id=channel.group_id, platform=channel.platform, handle_key=channel.handle_key
    ).exclude(pk=channel.pk)
    if clash.exists():
        raise ValidationError(
            {
                "handle": _("This %(platform)s handle already belongs to another KOL.")
                % {"platform": channel.get_platform_display()}
            }
        )


@transaction.atomic
def channel_create(*, by, kol: Kol, data: dict) -> Channel:
    """Add a platform account to `kol`; its tier follows from followers."""
    require(by, "kols.change", kol.group)
    kol = _lock_kol(kol.pk)  # the KOL, then its channels (the new one and the search copies)
    channel = Channel(kol=kol, group_id=kol.group_id)
    _apply_channel_fields(channel, data)
    validate_channel(channel)
    if channel.stats_updated_at is None:
        channel.stats_updated_at = timezone.now()
    channel.save()
    channels_sync_from_kol(kol)
    follower_snapshot_record(channel=channel, followers=channel.followers)
    return channel


@transaction.atomic
def channel_update(
    *, by, channel: Channel, data: dict, expected_version: str | Iterable[str] | None = None
) -> Channel:
    """Change a channel's stats or audience; a follower change is kept as today's snapshot.

    With `expected_version`, nothing is saved and StaleVersion is raised when the channel
    changed since that version was read.
    """
    # Lock order: the KOL, then this channel, then (channels_sync_from_kol) its siblings.
    # Locking the channel first deadlocked against a KOL edit on PostgreSQL.
    kol, channel = _lock_channel(channel.pk)
    require(by, "kols.change", kol.group)
    check_version(channel_version(channel), expected_version)
    old_followers = channel.followers
    _apply_channel_fields(channel, data)
    validate_channel(channel)
    if channel.followers != old_followers and "stats_updated_at" not in data:
        channel.stats_updated_at = timezone.now()
    channel.save()
    channels_sync_from_kol(kol)
    if channel.followers != old_followers:
        follower_snapshot_record(channel=channel, followers=channel.followers)
    return channel


@transaction.atomic
def channel_delete(*, by, channel: Channel) -> None:
    """Remove a platform account that was entered by mistake (its history stays)."""
    require(by, "kols.change", channel.kol.group)
    kol, channel = _lock_channel(channel.pk)  # the KOL, then the channel
    channel.delete()
    channels_sync_from_kol(kol)


def follower_snapshot_record(*, channel: Channel, followers: int, on: date | None = None) -> None:
    """Keep `followers` as the channel's count on `on` (today by default)."""
    FollowerSnapshot.objects.update_or_create(
        channel=channel, taken_on=on or timezone.localdate(), defaults={"followers": followers}
    )


@dataclass(frozen=True)
class RegionShareInput:
    """One audience-region share to store."""

    level: str
    region: str
    share: Decimal


def validate_region_shares(shares: Iterable[RegionShareInput]) -> None:
    """Shares of one level (country, province, city) sum to at most 100 %."""
    totals: dict[str, Decimal] = {}
    for s in shares:
        totals[s.level] = totals.get(s.level, Decimal(0)) + Decimal(s.share)
    for level, total in totals.items():
        if total > 100:
            raise ValidationError(
                _("Audience shares by %(level)s add up to %(total)s %%, more than 100 %%.")
                % {
                    "level": RegionLevel(level).label if level in RegionLevel.values else level,
                    "total": total,
                }
            )


@transaction.atomic
def audience_regions_set(*, by, channel: Channel, shares: list[RegionShareInput]) -> None:
    """Replace a channel's audience shares by region (a change of the channel's version)."""
    require(by, "kols.change", channel.kol.group)
    validate_region_shares(shares)
    _kol, channel = _lock_channel(channel.pk)  # the KOL, then the channel
    channel.region_shares.all().delete()
    AudienceRegionShare.objects.bulk_create(
        AudienceRegionShare(channel=channel, level=s.level, region=s.region, share=s.share) for s in shares
    )
    now = timezone.now()
    Channel.objects.filter(pk=channel.pk).update(audience_updated_at=now, updated_at=now)


@transaction.atomic
def rate_card_save(*, by, channel: Channel, data: dict, rate: RateCard | None = None) -> RateCard:
    """Add a price to a channel's rate card, or change one."""
    require(by, "kols.change", channel.kol.group)
    _lock_channel(channel.pk)  # the KOL, then the channel, then its rate card
    rate = rate or RateCard(channel=channel)
    for field in ("deliverable_type", "price", "currency", "valid_from", "valid_until", "note"):
        if field in data:
            setattr(rate, field, data[field])
    if rate.valid_from and rate.valid_until and rate.valid_until < rate.valid_from:
        raise ValidationError({"valid_until": _("The end of validity is before its start.")})
    rate.full_clean(exclude=["channel"])
    rate.save()
    return rate


@transaction.atomic
def rate_card_delete(*, by, rate: RateCard) -> None:
    """Remove a price from a rate card."""
    require(by, "kols.change", rate.channel.kol.group)
    _lock_channel(rate.channel_id)  # the KOL, then the channel, then its rate card
    rate.delete()


@transaction.atomic
def contact_log_add(
    *,
    by,
    kol: Kol,
    via: str,
    summary: str,
    contacted_at: datetime | None = None,
    next_contact_on: date | None = None,
) -> ContactLog:
    """Record a contact with `kol` and when to get in touch next."""
    require(by, "kols.change", kol.group)
    entry = ContactLog(
        kol=kol,
        by=by,
        via=via,
        summary=summary,
        contacted_at=contacted_at or timezone.now(),
        next_contact_on=next_contact_on,
    )
    entry.full_clean(exclude=["kol", "by"])
    entry.save()
    return entry


@transaction.atomic
def saved_search_create(*, by, group: Organization, name: str, query: str) -> SavedSearch:
    """Keep the current list filters under `name` for `by`; a list without filters is not a
    search to keep."""
    require(by, "kols.view", group)
    search = SavedSearch(user=by, group=group, name=name.strip(), query=query.lstrip("?").strip())
    if not search.query:
        raise ValidationError(
            {"query": _("Choose some filters first: a saved search keeps the list's filters.")}
        )
    search.full_clean(exclude=["user", "group"])
    search.save()
    return search


@transaction.atomic
def saved_search_delete(*, by, search: SavedSearch) -> None:
    """Forget a saved search; only its owner can."""
    if search.user_id != by.pk:
        raise PermissionDenied(_("Only the owner can delete a saved search."))
    search.delete()


def channels_retier(*, batch_size: int = 5000) -> int:
    """Re-derive every channel's tier from its followers after the tier scheme changed.

    Returns how many channels changed tier. Runs in batches so a million channels do not
    hold one long write lock. Each batch locks its channels' KOLs first, in id order (KOL →
    channel), so it never deadlocks with an edit or an import.
    """
    changed = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Channel.objects.filter(pk__gt=last_id).order_by("pk").values_list("pk", "kol_id")[:batch_size]
            )
            if not batch:
                return changed
            last_id = batch[-1][0]
            kols_lock(kol_id for _pk, kol_id in batch)
            # Read after the KOLs are locked: no edit can change these followers meanwhile.
            rows = Channel.objects.filter(pk__in=[pk for pk, _kol in batch]).values_list(
                "pk", "platform", "followers", "tier"
            )
            updates = [
                Channel(pk=pk, tier=tier_for(followers, platform))
                for pk, platform, followers, tier in rows
                if tier_for(followers, platform) != tier
            ]
            Channel.objects.bulk_update(updates, ["tier"])
            changed += len(updates)
