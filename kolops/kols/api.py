"""REST endpoints of the KOL database (mounted under /api/; OpenAPI at /api/openapi.json).

Handlers only wire things (DESIGN §3): reads go through `kols.selectors` and `.for_user()`,
writes through `kols.services`, which raise PermissionDenied (→ 403) and ValidationError
(→ 422, field → messages). An object outside the caller's groups is 404, as on the pages.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kolops.accounts.models import Organization
from kolops.core.pagination import keyset_page
from kolops.core.permissions import group_ids_for
from kolops.core.views import get_scoped_or_404

from . import selectors, services
from .models import Category, Channel, Kol, RateCard
from .query import ChannelQuery
from .schemas import (
    ChannelDetailOut,
    ChannelFilters,
    ChannelIn,
    ChannelPageOut,
    ChannelPatch,
    ErrorOut,
    KolDetailOut,
    KolIn,
    KolPageOut,
    KolPatch,
)
from .services import RegionShareInput

router = Router(tags=["KOLs"])

MAX_LIMIT = 200
ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
READ_ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


# ---------------------------------------------------------------- channels


@router.get("/channels", response={200: ChannelPageOut, **READ_ERRORS}, summary="Search channels")
def list_channels(
    request,
    filters: Query[ChannelFilters],
    after: str | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Rows per page (≤ 200)."),
):
    """Channels you may see that match every filter given, one keyset page at a time.

    The filters are the list page's, under the same names. Pass the answer's `next` as
    `after` to read the following page; `next` is null on the last page. `limit` ≤ 200.
    """
    with _cursor_errors():
        page = selectors.channel_page(user=request.auth, query=filters.to_query(), cursor=after, size=limit)
    return {"items": page.rows, "next": page.next_cursor}


@router.get(
    "/channels/{int:channel_id}", response={200: ChannelDetailOut, **READ_ERRORS}, summary="A channel"
)
def get_channel(request, channel_id: int):
    """A channel with its audience by region and its rate card."""
    return _channel_detail(request.auth, channel_id)


@router.patch(
    "/channels/{int:channel_id}", response={200: ChannelDetailOut, **ERRORS}, summary="Change a channel"
)
def update_channel(request, channel_id: int, payload: ChannelPatch):
    """Change a channel's stats or audience; only the fields given change.

    `region_shares`, when given, replaces the channel's audience shares by region.
    """
    channel = get_scoped_or_404(Channel.objects, request.auth, action="change", pk=channel_id)
    with transaction.atomic():
        services.channel_update(by=request.auth, channel=channel, data=payload.service_data())
        if payload.region_shares is not None:
            _region_shares_set(request.auth, channel, payload.region_shares)
    return _channel_detail(request.auth, channel_id)


# ---------------------------------------------------------------- KOLs


@router.get("/kols", response={200: KolPageOut, **READ_ERRORS}, summary="List KOLs")
def list_kols(
    request,
    q: str = "",
    include_archived: bool = False,
    after: str | None = None,
    limit: int = Query(50, ge=1, le=MAX_LIMIT, description="Rows per page (≤ 200)."),
):
    """KOLs you may see, by name, one keyset page at a time.

    `q` matches names, handles, notes and tags like the channel search does (accents and
    traditional Chinese folded). Pass `next` as `after` for the following page.
    """
    kols = _kol_search(request.auth, q=q, include_archived=include_archived)
    with _cursor_errors():
        page = keyset_page(kols, field="display_name", descending=False, cursor=after, size=limit)
    return {"items": page.rows, "next": page.next_cursor}


@router.get("/kols/{int:kol_id}", response={200: KolDetailOut, **READ_ERRORS}, summary="A KOL")
def get_kol(request, kol_id: int):
    """A KOL with every channel, its audience and its rates."""
    return _kol_detail(request.auth, kol_id)


@router.post("/kols", response={201: KolDetailOut, **ERRORS}, summary="Create a KOL")
def create_kol(request, payload: KolIn):
    """Create a KOL, and its channels when `channels` is given (all or nothing).

    `group` is the organization whose group pool the KOL joins; it may be left out when you
    can add KOLs to one group only.
    """
    group = _creation_group(request.auth, payload.group)
    categories = _categories(payload.categories)
    with transaction.atomic():
        kol = services.kol_create(
            by=request.auth,
            group=group,
            data=payload.service_data(),
            categories=categories,
            tags=payload.tags,
        )
        for index, channel in enumerate(payload.channels):
            with _errors_under(f"channels.{index}"):
                _channel_create(request.auth, kol, channel)
    return Status(201, _kol_detail(request.auth, kol.pk))


@router.patch("/kols/{int:kol_id}", response={200: KolDetailOut, **ERRORS}, summary="Change a KOL")
def update_kol(request, kol_id: int, payload: KolPatch):
    """Change a KOL's attributes; only the fields given change.

    `categories` and `tags`, when given, replace the KOL's; `archived` archives or restores it.
    """
    kol = get_scoped_or_404(Kol.objects, request.auth, action="change", pk=kol_id)
    categories = None if payload.categories is None else _categories(payload.categories)
    with transaction.atomic():
        kol = services.kol_update(
            by=request.auth,
            kol=kol,
            data=payload.service_data(),
            categories=categories,
            tags=payload.tags,
        )
        if payload.archived is not None and payload.archived != kol.is_archived:
            services.kol_archive(by=request.auth, kol=kol, archived=payload.archived)
    return _kol_detail(request.auth, kol_id)


@router.post(
    "/kols/{int:kol_id}/channels", response={201: ChannelDetailOut, **ERRORS}, summary="Add a channel"
)
def create_channel(request, kol_id: int, payload: ChannelIn):
    """Add a platform account to a KOL, with its audience by region and rates when given."""
    kol = get_scoped_or_404(Kol.objects, request.auth, action="change", pk=kol_id)
    with transaction.atomic():
        channel = _channel_create(request.auth, kol, payload)
    return Status(201, _channel_detail(request.auth, channel.pk))


# ---------------------------------------------------------------- helpers


@contextmanager
def _cursor_errors() -> Iterator[None]:
    """A malformed cursor, or one from another sort order, is the caller's error (422)."""
    try:
        yield
    except (ValueError, TypeError, ValidationError) as exc:
        raise ValidationError({"after": [_("This cursor is not valid for this list.")]}) from exc


@contextmanager
def _errors_under(prefix: str) -> Iterator[None]:
    """Report a nested object's validation errors under its path, e.g. `channels.0.handle`."""
    try:
        yield
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ValidationError(
                {
                    prefix if field == "__all__" else f"{prefix}.{field}": messages
                    for field, messages in exc.message_dict.items()
                }
            ) from exc
        raise ValidationError({prefix: exc.messages}) from exc


def _creation_group(user, organization_id: int | None) -> Organization:
    """The group a new KOL joins: the one named (any organization of it), or the user's only one.

    An organization outside the user's groups is refused like a group they may not edit, so
    the answer does not tell whether it exists.
    """
    if organization_id is None:
        editable = group_ids_for(user, "kols.change")
        if not editable:
            raise PermissionDenied(_("You do not have permission to do this."))
        if len(editable) > 1:
            raise ValidationError(
                {
                    "group": [
                        _("You can add KOLs to several groups: say which one (%(ids)s).")
                        % {"ids": ", ".join(str(pk) for pk in sorted(editable))}
                    ]
                }
            )
        organization_id = next(iter(editable))
    organization = Organization.objects.select_related("group").filter(pk=organization_id).first()
    if organization is None or organization.group_id not in group_ids_for(user, "kols.view"):
        raise PermissionDenied(_("You do not have permission to do this."))
    return organization.group


def _categories(slugs: list[str]) -> list[Category]:
    categories = list(Category.objects.filter(slug__in=slugs))
    unknown = sorted(set(slugs) - {c.slug for c in categories})
    if unknown:
        raise ValidationError(
            {"categories": [_("Unknown category: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    return categories


def _channel_create(user, kol: Kol, payload: ChannelIn) -> Channel:
    """Create a channel with its region shares and rates (inside the caller's transaction)."""
    channel = services.channel_create(by=user, kol=kol, data=payload.service_data())
    if payload.region_shares is not None:
        _region_shares_set(user, channel, payload.region_shares)
    for index, rate in enumerate(payload.rates):
        with _errors_under(f"rates.{index}"):
            services.rate_card_save(by=user, channel=channel, data=rate.service_data())
    return channel


def _region_shares_set(user, channel: Channel, shares) -> None:
    with _errors_under("region_shares"):
        services.audience_regions_set(
            by=user,
            channel=channel,
            shares=[RegionShareInput(level=s.level, region=s.region, share=s.share) for s in shares],
        )


def _kol_detail(user, kol_id: int) -> Kol:
    try:
        return selectors.kol_detail(user=user, pk=kol_id)
    except Kol.DoesNotExist:
        raise Http404 from None


def _channel_detail(user, channel_id: int) -> Channel:
    # TODO(selectors): move to `selectors.channel_detail` (proposed; selectors.py is owned elsewhere).
    channels = Channel.objects.prefetch_related(
        "region_shares",
        Prefetch("rates", queryset=RateCard.objects.order_by("deliverable_type", "price")),
    )
    return get_scoped_or_404(channels, user, pk=channel_id)


def _kol_search(user, *, q: str, include_archived: bool) -> QuerySet:
    """KOLs `user` may see that have a channel the channel search finds for `q`, or whose name
    holds every word of `q` (a KOL without channels has only its name).

    TODO(selectors): move to `selectors.kol_search` (proposed; selectors.py is owned elsewhere).
    """
    kols = Kol.objects.for_user(user).prefetch_related("categories", "tags")
    if not include_archived:
        kols = kols.filter(archived_at__isnull=True)
    if q.strip():
        channels = selectors.channel_search(user=user, query=ChannelQuery(q=q, include_archived=True))
        name_hit = Q()
        for word in q.split():
            name_hit &= Q(display_name__icontains=word)
        kols = kols.filter(Q(pk__in=channels.values("kol_id")) | name_hit)
    return kols
