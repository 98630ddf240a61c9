"""REST endpoints of the KOL database (mounted under /api/; OpenAPI at /api/openapi.json).

Handlers only wire things (DESIGN §3): reads go through `kols.selectors` and `.for_user()`,
writes through `kols.services`, which raise PermissionDenied (→ 403) and ValidationError
(→ 422, field → messages). An object outside the caller's groups is 404, as on the pages.

A KOL's and a channel's reads and writes answer with an `ETag`; a change needs it back in
`If-Match` (428 without it, 412 when someone changed the object since: `core.concurrency`).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from kolops.accounts.models import Organization
from kolops.core.concurrency import IfMatch, conditional_write, etag, etag_header_doc, require_if_match
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
    ChannelOut,
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
# An update needs If-Match: 428 without it, 412 when it is not the current version.
UPDATE_ERRORS = {**ERRORS, 412: ErrorOut, 428: ErrorOut}


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
    return _channel_page_out(page.rows, page.next_cursor)


def _is_float(annotation) -> bool:
    return annotation is float or float in getattr(annotation, "__args__", ())


# (field, its resolver or None, whether it is a float) for every field of ChannelOut.
_CHANNEL_OUT_FIELDS = [
    (name, ChannelOut._ninja_resolvers.get(name), _is_float(field.annotation))
    for name, field in ChannelOut.model_fields.items()
]


def _channel_page_out(rows: list[Channel], next_cursor: str | None) -> ChannelPageOut:
    """A page of channels as the response schema, built without validating each row again.

    ninja serializes an instance of the declared response schema as it is, where validating
    ORM objects (through its attribute getter) cost as much as the query. The values come
    from the database in the schema's types, but for decimals in float fields; resolvers run
    as in validation.
    """
    items = []
    for row in rows:
        values = {}
        for name, resolver, is_float in _CHANNEL_OUT_FIELDS:
            value = resolver._func(row) if resolver else getattr(row, name)
            values[name] = float(value) if is_float and value is not None else value
        items.append(ChannelOut.model_construct(**values))
    return ChannelPageOut.model_construct(items=items, next=next_cursor)


@router.get(
    "/channels/{int:channel_id}",
    response={200: ChannelDetailOut, **READ_ERRORS},
    summary="A channel",
    openapi_extra=etag_header_doc(200),
)
def get_channel(request, channel_id: int, response: HttpResponse):
    """A channel with its audience by region and its rate card; `ETag` is its version."""
    return _with_channel_etag(response, _channel_detail(request.auth, channel_id))


@router.patch(
    "/channels/{int:channel_id}",
    response={200: ChannelDetailOut, **UPDATE_ERRORS},
    summary="Change a channel",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def update_channel(
    request, channel_id: int, payload: ChannelPatch, response: HttpResponse, if_match: IfMatch = None
):
    """Change a channel's stats or audience; only the fields given change.

    `region_shares`, when given, replaces the channel's audience shares by region. Send the
    channel's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the channel
    changed since you read it.
    """
    channel = get_scoped_or_404(Channel.objects, request.auth, action="change", pk=channel_id)
    expected = require_if_match(if_match)
    with transaction.atomic():
        services.channel_update(
            by=request.auth, channel=channel, data=payload.service_data(), expected_version=expected
        )
        if payload.region_shares is not None:
            _region_shares_set(request.auth, channel, payload.region_shares)
    return _with_channel_etag(response, _channel_detail(request.auth, channel_id))


# ---------------------------------------------------------------- KOLs


@router.get("/kols", response={200: KolPageOut, **READ_ERRORS}, summary="List KOLs")
def list_kols(
    request,
    q: str = Query("", max_length=200, description="Words in names, handles, notes or tags."),
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


@router.get(
    "/kols/{int:kol_id}",
    response={200: KolDetailOut, **READ_ERRORS},
    summary="A KOL",
    openapi_extra=etag_header_doc(200),
)
def get_kol(request, kol_id: int, response: HttpResponse):
    """A KOL with every channel, its audience and its rates.

    `ETag` is the version of the KOL's own attributes; each channel has its own (GET it).
    """
    return _with_kol_etag(response, _kol_detail(request.auth, kol_id))


@router.post(
    "/kols",
    response={201: KolDetailOut, **ERRORS},
    summary="Create a KOL",
    openapi_extra=etag_header_doc(201),
)
def create_kol(request, payload: KolIn, response: HttpResponse):
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
    return Status(201, _with_kol_etag(response, _kol_detail(request.auth, kol.pk)))


@router.patch(
    "/kols/{int:kol_id}",
    response={200: KolDetailOut, **UPDATE_ERRORS},
    summary="Change a KOL",
    openapi_extra=etag_header_doc(200, 412),
)
@conditional_write
def update_kol(request, kol_id: int, payload: KolPatch, response: HttpResponse, if_match: IfMatch = None):
    """Change a KOL's attributes; only the fields given change.

    `categories` and `tags`, when given, replace the KOL's; `archived` archives or restores it.
    Send the KOL's `ETag` as `If-Match`: 428 without it, 412 (nothing saved) when the KOL
    changed since you read it.
    """
    kol = get_scoped_or_404(Kol.objects, request.auth, action="change", pk=kol_id)
    expected = require_if_match(if_match)
    categories = None if payload.categories is None else _categories(payload.categories)
    with transaction.atomic():
        kol = services.kol_update(
            by=request.auth,
            kol=kol,
            data=payload.service_data(),
            categories=categories,
            tags=payload.tags,
            expected_version=expected,
        )
        if payload.archived is not None and payload.archived != kol.is_archived:
            services.kol_archive(by=request.auth, kol=kol, archived=payload.archived)
    return _with_kol_etag(response, _kol_detail(request.auth, kol_id))


@router.post(
    "/kols/{int:kol_id}/channels",
    response={201: ChannelDetailOut, **ERRORS},
    summary="Add a channel",
    openapi_extra=etag_header_doc(201),
)
def create_channel(request, kol_id: int, payload: ChannelIn, response: HttpResponse):
    """Add a platform account to a KOL, with its audience by region and rates when given."""
    kol = get_scoped_or_404(Kol.objects, request.auth, action="change", pk=kol_id)
    with transaction.atomic():
        channel = _channel_create(request.auth, kol, payload)
    return Status(201, _with_channel_etag(response, _channel_detail(request.auth, channel.pk)))


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


def _with_kol_etag(response: HttpResponse, kol: Kol) -> Kol:
    response["ETag"] = etag(services.kol_version(kol))
    return kol


def _with_channel_etag(response: HttpResponse, channel: Channel) -> Channel:
    response["ETag"] = etag(services.channel_version(channel))
    return channel


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
