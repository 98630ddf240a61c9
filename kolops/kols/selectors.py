"""Reads of the KOL database: the channel search every list, the API and the CLI use."""

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal

from django.db import connections
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from kolops.core.lookups import AnyOf
from kolops.core.money import Currency, fx_rate
from kolops.core.pagination import Page, count_capped, decode_cursor, keyset_page
from kolops.core.regions import REGIONS
from kolops.core.text import fold

from . import text_index
from .choices import AGE_FIELDS
from .models import AudienceRegionShare, Category, Channel, ContactLog, Kol, RateCard, SavedSearch, Tag
from .query import DEFAULT_SORT, SORTS, ChannelQuery

Channel._meta.pk.register_lookup(AnyOf)  # `pk__any_of`, for `_among`


def current_rates(on: date | None = None) -> QuerySet:
    """Rate-card prices valid on `on` (today by default)."""
    on = on or timezone.localdate()
    return RateCard.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_until__isnull=True) | Q(valid_until__gte=on),
    )


def _price_condition(query: ChannelQuery) -> Q:
    """Rates whose price, converted into the query's currency, lies in the asked range.

    The range is converted into each stored currency instead, so the price index serves it.
    """
    target_rate = fx_rate(query.price_currency)
    either = Q()
    for currency in Currency.values:
        factor = target_rate / fx_rate(currency)
        cond = Q(currency=currency)
        if query.min_price is not None:
            cond &= Q(price__gte=Decimal(query.min_price) * factor)
        if query.max_price is not None:
            cond &= Q(price__lte=Decimal(query.max_price) * factor)
        either |= cond
    return either


def _category_mask(slugs: list[str]) -> int:
    mask = 0
    for bit in Category.objects.filter(slug__in=slugs).values_list("bit", flat=True):
        mask |= 1 << bit
    return mask


def _text_filter(qs: QuerySet, text: str, *, by_index: bool = True) -> QuerySet:
    """Channels whose search text contains every word of `text` (folded), anywhere.

    PostgreSQL serves `LIKE '%word%'` from its trigram index itself. On SQLite the words long
    enough for the trigram index go to its FTS5 table in one MATCH; shorter ones stay LIKE.
    """
    words = fold(text).split()
    if by_index and connections[qs.db].vendor == "sqlite" and (indexed := text_index.indexed_words(words)):
        match = text_index.sqlite_match(indexed)
        # The words travel as a bound parameter; the SQL text is a constant.
        qs = qs.filter(pk__in=RawSQL(text_index.SQLITE_MATCH_IDS, [match]))  # noqa: S611
        words = [w for w in words if w not in indexed]
    for word in words:
        qs = qs.filter(search_text__contains=word)
    return qs


def _region_condition(codes: list[str], *, ranged: bool) -> Q:
    """Home region is one of `codes` or inside one ("VN" holds "VN-SG").

    `ranged`: as index ranges. `home_region LIKE 'VN-%'` cannot use an index; the range
    'VN' ≤ home_region < 'VN.' can ('.' is the character right after '-'), and within it
    exactly 'VN' and the values from 'VN-' on are the code and its subdivisions.
    """
    condition = Q()
    for code in codes:
        if ranged:
            within = Q(home_region__gte=code, home_region__lt=f"{code}.")
            condition |= within & (Q(home_region=code) | Q(home_region__gte=f"{code}-"))
        else:
            condition |= Q(home_region=code) | Q(home_region__startswith=f"{code}-")
    return condition


# A subquery filter (price, audience region, tags) "has many rows" from this many on: on SQLite
# a count starts from fewer; on PostgreSQL fewer are read first, more are checked channel by channel.
LEAD_ROWS = 10_000


def _fewer_than(related: QuerySet, column: str, limit: int) -> bool:
    """Whether `related` has fewer than `limit` rows.

    SQLite counts them from a covering index, stopping at `limit`. PostgreSQL answers from its
    statistics (the planner's row estimate): counting would read them all, since a price range
    in three currencies is a bitmap scan, which cannot stop early.
    """
    rows = related.order_by().values(column)
    if connections[rows.db].vendor == "postgresql":
        return json.loads(rows.explain(format="json"))[0]["Plan"]["Plan Rows"] < limit
    return rows[:limit].count() < limit


def _among(qs: QuerySet, ids) -> QuerySet:
    """The channels of `qs` whose id is in `ids`; on PostgreSQL the ids go as one array
    parameter (`AnyOf`), which thousands of them need to stay fast."""
    if connections[qs.db].vendor == "postgresql":
        return qs.filter(pk__any_of=sorted(ids))
    return qs.filter(pk__in=sorted(ids))


def _related(
    qs: QuerySet, column: str, related: QuerySet, related_column: str, *, counting: bool
) -> QuerySet:
    """Keep channels whose `column` (pk or kol_id) is among `related`'s `related_column` values.

    Which form is fast depends on how many related rows there are, which neither planner
    tells well (SQLite has no histograms; PostgreSQL misjudges the channel side when audience
    filters are combined), so that is settled first (`_fewer_than`):

    - SQLite: a page walks channels in sort order and checks each with a correlated EXISTS,
      and stops after a page. A count has no order to follow: when the related rows are few,
      `IN (subquery)` lets it start from them instead of checking every channel.
    - PostgreSQL: few related rows are read first, and the channels are looked up by their
      ids (2,000 prices between 5K and 30K CNY: no need to read 95,000 Xiaohongshu channels
      to hash-join them). With many, each channel that passed the filters of its own row is
      checked on its own through the (channel, …) index: a scalar subquery, which is never
      turned into a join, `(SELECT … LIMIT 1) IS NOT NULL`. As EXISTS it would be planned as
      a semi-join that hashes every related row first (230,000 audience shares for "≥ 30 % in
      Ho Chi Minh City") to count a thousand channels. Tags stay EXISTS: PostgreSQL walks
      the KOL-tag links into the (kol, …) channel index, which holds the filtered columns.
    """
    vendor = connections[qs.db].vendor
    matching = related.filter(**{related_column: OuterRef(column)})
    if vendor == "sqlite":
        if counting and _fewer_than(related, related_column, LEAD_ROWS):
            return qs.filter(**{f"{column}__in": related.values(related_column)})
    elif vendor == "postgresql" and column == "pk":
        if _fewer_than(related, related_column, LEAD_ROWS):
            ids = set(related.order_by().values_list(related_column, flat=True)[: LEAD_ROWS + 1])
            if len(ids) <= LEAD_ROWS:
                return _among(qs, ids)
        alias = f"has_{related.model._meta.model_name}"
        probe = Subquery(matching.values(related_column)[:1])
        return qs.alias(**{alias: probe}).filter(**{f"{alias}__isnull": False})
    return qs.filter(Exists(matching))


def _search(
    *,
    user,
    query: ChannelQuery,
    counting: bool = False,
    group_id: int | None = None,
    text_by_index: bool = True,
) -> QuerySet:
    """`channel_search`, shaped for a page (`counting` False) or for a capped count."""
    qs = Channel.objects.for_user(user)
    if group_id is not None:
        # One group's pool (a campaign's): equality on the leading column of every index.
        qs = qs.filter(group_id=group_id)
    if not query.include_archived:
        qs = qs.filter(is_archived=False)
    if query.q.strip():
        qs = _text_filter(qs, query.q, by_index=text_by_index)
    if query.platforms:
        qs = qs.filter(platform__in=query.platforms)
    if query.tiers:
        qs = qs.filter(tier__in=query.tiers)
    if query.kol_types:
        qs = qs.filter(kol_type__in=query.kol_types)
    if query.statuses:
        qs = qs.filter(kol_status__in=query.statuses)
    if query.regions:
        # SQLite has no histograms and takes any range for a few rows: offered "VN" as one, it
        # sorts half the table for a page, where walking the sort index (whose trailing columns
        # hold home_region) stops after a page, and it prefers it to a platform, tier or type
        # for a count. So on SQLite the range is offered only to counts with no such filter.
        # PostgreSQL estimates ranges from its histograms and always gets it.
        ranged = connections[qs.db].vendor != "sqlite" or (
            counting and not (query.platforms or query.tiers or query.kol_types)
        )
        qs = qs.filter(_region_condition(query.regions, ranged=ranged))
    if query.categories:
        mask = _category_mask(query.categories)
        qs = qs.alias(category_hit=F("category_mask").bitand(mask)).filter(category_hit__gt=0)
    if query.tags:
        # The tag ids first (a handful): given a subquery instead, SQLite guesses it long and
        # reads every KOL-tag link rather than the tag_id index.
        tag_ids = list(Tag.objects.filter(key__in=[fold(t) for t in query.tags]).values_list("id", flat=True))
        tagged = Kol.tags.through.objects.filter(tag_id__in=tag_ids)
        qs = _related(qs, "kol_id", tagged, "kol_id", counting=counting)
    if query.min_followers is not None:
        qs = qs.filter(followers__gte=query.min_followers)
    if query.max_followers is not None:
        qs = qs.filter(followers__lte=query.max_followers)
    if query.min_er is not None:
        qs = qs.filter(engagement_rate__gte=query.min_er)
    if query.max_er is not None:
        qs = qs.filter(engagement_rate__lte=query.max_er)
    if query.verified is not None:
        qs = qs.filter(verified=query.verified)
    if query.min_price is not None or query.max_price is not None:
        rates = current_rates().filter(_price_condition(query))
        if query.price_deliverable:
            rates = rates.filter(deliverable_type=query.price_deliverable)
        qs = _related(qs, "pk", rates, "channel_id", counting=counting)
    if query.age_buckets and query.min_age_share is not None:
        fields = [AGE_FIELDS[b] for b in query.age_buckets if b in AGE_FIELDS]
        if len(fields) == 1:
            qs = qs.filter(**{f"{fields[0]}__gte": query.min_age_share})
        elif fields:
            # An unknown bucket counts as 0 %: it must not hide a channel whose known ones qualify.
            shares = [Coalesce(F(f), Value(Decimal(0))) for f in fields]
            total = sum(shares[1:], shares[0])
            qs = qs.alias(age_share=total).filter(age_share__gte=query.min_age_share)
    if query.min_female is not None:
        qs = qs.filter(aud_female__gte=query.min_female)
    if query.min_male is not None:
        qs = qs.filter(aud_male__gte=query.min_male)
    if query.audience_region and query.min_region_share is not None:
        shares = AudienceRegionShare.objects.filter(
            region=query.audience_region, share__gte=query.min_region_share
        )
        qs = _related(qs, "pk", shares, "channel_id", counting=counting)
    return qs


def channel_search(*, user, query: ChannelQuery, group_id: int | None = None) -> QuerySet:
    """Channels `user` may see that match `query`, unordered (see `channel_page`); with
    `group_id`, only that organization group's (nothing if `user` may not see it)."""
    return _search(user=user, query=query, group_id=group_id)


# A text search whose words match at most this many channels starts from them.
TEXT_MATCHES_FIRST = 5_000


def _text_only(query: ChannelQuery) -> ChannelQuery:
    """The query's words (and whether archived channels count), without its other filters."""
    return ChannelQuery(q=query.q, include_archived=query.include_archived)


def _words_are_whole_search(query: ChannelQuery) -> bool:
    """Whether `query` filters by its words alone (its sort aside): their matches are the result."""
    return replace(query, sort=DEFAULT_SORT) == _text_only(query)


def _text_matches(
    *, user, query: ChannelQuery, group_id: int | None, field: str | None = None
) -> list[tuple] | None:
    """On PostgreSQL, the ids of the channels holding the query's words, when they are few.

    PostgreSQL guesses how many channels hold a word from its trigram statistics, and guesses
    high: it then walks the sort index and reads the table row by row until a page of matches
    turns up (60,000 rows for a rare name, 300 ms), or for a count combines the trigram index
    with a platform's 190,000 index entries. Asked for the words alone, without an order, it
    reads the trigram index and just the matching rows; when they are few, the page and the
    count start from those ids. None when they are many (a common word: the walk finds a page
    at once), on SQLite, or when no word is long enough for the trigram index.

    Each match is (id,), or (id, value of `field`) when a field is named.
    """
    words = text_index.indexed_words(fold(query.q).split())
    if not words or connections[Channel.objects.db].vendor != "postgresql":
        return None
    matches = _search(user=user, query=_text_only(query), group_id=group_id).order_by()
    rows = list(matches.values_list("pk", *([field] if field else []))[: TEXT_MATCHES_FIRST + 1])
    return rows if len(rows) <= TEXT_MATCHES_FIRST else None


def _common_words_on_sqlite(query: ChannelQuery) -> bool:
    """On SQLite, whether the query's words are in more than TEXT_MATCHES_FIRST channels.

    SQLite always starts from its trigram index and sorts what it finds: right for a rare name,
    200 ms for "review" on YouTube, where walking the sort index finds a page at once. Counted
    in the trigram index alone (every group's channels), stopping at the limit.
    """
    words = text_index.indexed_words(fold(query.q).split())
    if not words or connections[Channel.objects.db].vendor != "sqlite":
        return False
    with connections[Channel.objects.db].cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM ({text_index.SQLITE_MATCH_IDS} LIMIT %s)",  # noqa: S608 (constant SQL)
            [text_index.sqlite_match(words), TEXT_MATCHES_FIRST + 1],
        )
        return cursor.fetchone()[0] > TEXT_MATCHES_FIRST


def _after_in_order(pairs, *, descending: bool, cursor: str | None, size: int) -> list[int]:
    """Of (sort value, id) pairs, the ids of the first `size` + 1 after `cursor`, in page order.

    The order of `core.pagination.keyset_page`: by value then id, unknown values last.
    """
    known = sorted(((v, pk) for v, pk in pairs if v is not None), reverse=descending)
    unknown = sorted((pk for v, pk in pairs if v is None), reverse=descending)
    if cursor:
        value, last = decode_cursor(cursor)
        beyond = (lambda pk: pk < last) if descending else (lambda pk: pk > last)
        if value is None:
            known, unknown = [], [pk for pk in unknown if beyond(pk)]
        else:
            later = (lambda key: key < (value, last)) if descending else (lambda key: key > (value, last))
            known = [key for key in known if later(key)]
    return ([pk for _v, pk in known] + unknown)[: size + 1]


def channel_page(
    *, user, query: ChannelQuery, cursor: str | None = None, size: int = 50, group_id: int | None = None
) -> Page:
    """One keyset page of `channel_search`, in the query's sort order.

    When the query's words match few channels (`_text_matches`), those are read with their
    sort values and the page's ids picked from them, so the page itself reads a page of rows
    (not for the name sort: text orders by the database's collation). When they match many,
    the page walks the sort index (on SQLite too, `_common_words_on_sqlite`).
    """
    field, descending = SORTS.get(query.sort, SORTS[DEFAULT_SORT])
    text = bool(query.q.strip())
    by_value = field != "kol_name"
    matches = (
        _text_matches(user=user, query=query, group_id=group_id, field=field if by_value else None)
        if text
        else None
    )
    by_index = not (text and _common_words_on_sqlite(query))  # else check the words row by row
    found = _search(user=user, query=query, group_id=group_id, text_by_index=by_index)
    if matches is not None:
        found = _among(found, [match[0] for match in matches])
        if by_value:
            if _words_are_whole_search(query):
                pairs = [(value, pk) for pk, value in matches]
            else:
                pairs = found.order_by().values_list(field, "pk")
            found = Channel.objects.filter(
                pk__in=_after_in_order(pairs, descending=descending, cursor=cursor, size=size)
            )
    return keyset_page(found, field=field, descending=descending, cursor=cursor, size=size)


def channel_count(*, user, query: ChannelQuery, cap: int) -> tuple[int, bool]:
    """How many channels match, counted up to `cap`.

    On PostgreSQL a text search starts from few text matches (`_text_matches`); SQLite's count
    starts from its trigram index anyway.
    """
    counted = _search(user=user, query=query, counting=True)
    matches = _text_matches(user=user, query=query, group_id=None) if query.q.strip() else None
    if matches is None:
        return count_capped(counted, cap)
    if _words_are_whole_search(query):
        return min(len(matches), cap), len(matches) > cap
    return count_capped(_among(counted, [match[0] for match in matches]), cap)


def kol_detail(*, user, pk: int) -> Kol:
    """A KOL with everything its page shows, in a fixed number of queries."""
    return (
        Kol.objects.for_user(user)
        .select_related("group", "created_by")
        .prefetch_related(
            "categories",
            "tags",
            Prefetch(
                "channels",
                queryset=Channel.objects.order_by("-followers").prefetch_related(
                    "region_shares",
                    Prefetch("rates", queryset=RateCard.objects.order_by("deliverable_type", "price")),
                    "snapshots",
                ),
            ),
            Prefetch("contacts_log", queryset=ContactLog.objects.select_related("by")),
        )
        .get(pk=pk)
    )


def region_name(code: str) -> str:
    """A region's name in the active language, or its code when unknown."""
    region = REGIONS.get(code)
    return region.name() if region else code


def saved_searches_for(user) -> QuerySet:
    """The saved searches `user` owns, in groups they can still see."""
    return SavedSearch.objects.for_user(user).filter(user=user)


def categories_all() -> list[Category]:
    """Every content category, in mask order."""
    return list(Category.objects.all())


def kol_chart_data(kol: Kol) -> dict:
    """Plain data for the KOL page's charts: follower growth and audience per channel.

    Reads only what `kol_detail` prefetched, so it adds no query.
    """
    from .choices import AGE_BUCKETS

    channels = []
    for channel in kol.channels.all():
        channels.append(
            {
                "id": channel.pk,
                "name": f"{channel.get_platform_display()} @{channel.handle}",
                "growth": [[s.taken_on.isoformat(), s.followers] for s in channel.snapshots.all()],
                "ages": [[label, float(getattr(channel, f"aud_age_{b}") or 0)] for b, label in AGE_BUCKETS],
                "gender": {"female": float(channel.aud_female or 0), "male": float(channel.aud_male or 0)},
                "regions": [[region_name(r.region), float(r.share)] for r in channel.region_shares.all()],
            }
        )
    return {"channels": channels}
