"""The database side of one KOL import: which KOL each row belongs to, what differs, the writes.

Only `kols.imports.kols_import` uses this; its docstring states the rules. Work goes batch by
batch: KOLs first (new channels need their KOL's id), then channels with their audience
regions, rates and follower snapshots.

Database rows are handled as plain attribute rows (`kols.bulk.load`, from `.values()` of just
the compared fields), not model instances: building 100k model instances, with their signals
and date parsing, costs more than the import itself. Full rows are loaded only for what
changed, because they feed the UPDATE and the history row. `_apply_channel_fields` and
`kol_search_text` from `kols.services` work on attribute rows as they do on instances, so
handles, tiers and search text follow the same rules as the web forms.
"""

import functools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kolops.core.text import fold as _fold_text

from . import bulk
from .choices import AGE_FIELDS, KolStatus
from .importers import columns as cols
from .importers.validate import RowError, RowRecord, Validation
from .models import AudienceRegionShare, Category, Channel, FollowerSnapshot, Kol, RateCard, Tag
from .selectors import current_rates
from .services import KOL_FIELDS, _apply_channel_fields, category_mask, kol_search_text, kols_lock

BATCH_SIZE = 1000
# Channel fields a row can change (history is written when one of them does).
CHANNEL_DATA_FIELDS = (
    "handle",
    "url",
    "followers",
    "avg_views",
    "engagement_rate",
    "er_basis",
    "verified",
    *AGE_FIELDS.values(),
    "aud_female",
    "aud_male",
)
AUDIENCE_FIELDS = frozenset((*AGE_FIELDS.values(), "aud_female", "aud_male"))
STATS_FIELDS = frozenset(("followers", "avg_views", "engagement_rate"))
# Copies of the KOL's attributes on each channel row (`services.channels_sync_from_kol`).
KOL_COPY_FIELDS = (
    "kol_name",
    "kol_type",
    "kol_status",
    "home_region",
    "category_mask",
    "search_text",
    "is_archived",
)
# ... and what the channel derives itself: tier from followers, the handle's comparable key.
CHANNEL_COPY_FIELDS = (*KOL_COPY_FIELDS, "tier", "handle_key")
CHANNEL_COMPARED = ("kol_id", "platform", *CHANNEL_DATA_FIELDS, *CHANNEL_COPY_FIELDS)
KOL_COMPARED = (*KOL_FIELDS, "archived_at")
# Attributes with no empty value: an empty cell keeps the current one.
KEEP_WHEN_EMPTY = frozenset(("kol_type", "status", "er_basis", "verified"))
LIST_FIELDS = frozenset(("languages", "risk_flags"))

Progress = Callable[[str, int, int], None]


def chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def column_name(key: str) -> str:
    """The file column behind a key of RowRecord.kol."""
    if key.startswith("contact:"):
        return key.split(":", 1)[1]
    for column in cols.COLUMNS:
        if column.part == cols.KOL and column.field_name == key:
            return column.name
    return key


def display_value(value) -> str:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


@functools.lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """`core.text.fold`, remembered: tag names repeat across a file's KOLs."""
    return _fold_text(text)


def _same(key: str, a, b) -> bool:
    """Whether two rows give one KOL the same value (names and lists loosely)."""
    if key == "display_name":
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    if key == "categories":
        return set(a) == set(b)
    if key == "tags":
        return {fold(t) for t in a} == {fold(t) for t in b}
    return a == b


read_kol = operator.attrgetter(*KOL_FIELDS)


_ABSENT = object()


def rate_order(rate) -> tuple:
    """Among current rates of one deliverable and currency, the latest valid_from wins."""
    return (rate.valid_from is not None, rate.valid_from or date.min, rate.id or 0)


@dataclass
class KolPlan:
    """One KOL the file touches: its rows, and the values they agree on."""

    kol_id: int | None
    records: list[RowRecord] = field(default_factory=list)
    # What its rows say: RowRecord.kol keys → values. One row's own dict when the KOL has one
    # row; merged, with `origin` (key → the row a value came from), when it has several.
    values: dict[str, Any] = field(default_factory=dict)
    origin: dict[str, int] | None = None
    changed: bool = False
    # The copies its channels carry; None when neither the KOL nor its handles change, so
    # its channels keep theirs.
    copies: dict[str, Any] | None = None
    kol_row: Any = None  # the KOL's attribute row, while its batch is planned


class ImportRun:
    """Plan every KOL, then every channel, batch by batch; write when asked to."""

    def __init__(self, *, by, group, validation: Validation, file_name: str, progress: Progress | None):
        self.group = group
        self.user = by if by is not None and by.is_authenticated else None
        self.records = validation.records
        self.progress = progress
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.reason = (_("Import of %(file)s") % {"file": file_name})[:100]
        self.regions_present = validation.has_column("audience_regions")
        self.errors: list[RowError] = []
        self.created = self.updated = self.unchanged = 0
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.category_by_id = {c.pk: c for c in self.categories.values()}
        self.plan_of: dict[int, KolPlan] = {}  # id(record) → its KOL's plan
        self.new_kol = bulk.blank(Kol)
        self.new_channel = bulk.blank(Channel)
        self.new_rate = bulk.blank(RateCard)

    def touched_models(self) -> list:
        """The tables an import writes to, history included."""
        models = [Kol, Channel, RateCard, AudienceRegionShare, FollowerSnapshot, Tag]
        return [
            *models,
            Kol.categories.through,
            Kol.tags.through,
            Kol.history.model,
            Channel.history.model,
            RateCard.history.model,
        ]

    def _history(self, model, rows: list, *, update: bool) -> None:
        bulk.insert_history(
            model,
            rows,
            update=update,
            user_id=self.user.pk if self.user else None,
            reason=self.reason,
            when=self.now,
        )

    def execute(self, *, write: bool) -> None:
        """Plan (and with `write`, apply) the import; problems go to `self.errors`."""
        existing = self._existing_channels()
        plans = self._group_by_kol(existing)
        if self.errors:
            return
        tags = self._tags(plans, write=write)
        if write:
            self._lock_kols(plans)
        for chunk in chunks(list(plans.values())):
            self._plan_kols(chunk, tags, existing, write=write and not self.errors)
        if self.errors:
            return
        done = 0
        for chunk in chunks(self.records):
            self._plan_channels(chunk, existing, write=write)
            done += len(chunk)
            if self.progress:
                self.progress("writing", done, len(self.records))

    def _lock_kols(self, plans: dict[Any, KolPlan]) -> None:
        """Lock the KOLs the file changes, in id order, before reading or writing them or their
        channels: the lock order of every KOL write (KOL → channel, docs/architecture.md), so an
        import and a person editing one of its KOLs queue instead of deadlocking. New KOLs
        need no lock; the group lock taken by the caller serialises imports."""
        kols_lock(plan.kol_id for plan in plans.values() if plan.kol_id is not None)

    def _existing_channels(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(platform, handle key) → (channel id, KOL id) of the group's channels in the file."""
        by_platform: dict[str, list[str]] = defaultdict(list)
        for record in self.records:
            by_platform[record.channel["platform"]].append(record.handle_key)
        found = {}
        for platform, keys in by_platform.items():
            for chunk in chunks(keys):
                rows = Channel.objects.filter(group=self.group, platform=platform, handle_key__in=chunk)
                for pk, kol_id, key in rows.values_list("pk", "kol_id", "handle_key"):
                    found[(platform, key)] = (pk, kol_id)
        return found

    def _group_by_kol(self, existing) -> dict[Any, KolPlan]:
        """Give every row its KOL (see `kols.imports`) and merge what its rows say."""
        by_name: dict[str, int] = {}
        for record in self.records:
            hit = existing.get((record.channel["platform"], record.handle_key))
            if hit:
                by_name.setdefault(record.name_key, hit[1])
        plans: dict[Any, KolPlan] = {}
        for record in self.records:
            hit = existing.get((record.channel["platform"], record.handle_key))
            kol_id = hit[1] if hit else by_name.get(record.name_key)
            key = kol_id if kol_id is not None else ("new", record.name_key)
            plan = plans.get(key)
            if plan is None:
                # A KOL's first row: its values are the row's own (the common case, one row a
                # KOL), shared, not copied.
                plan = plans[key] = KolPlan(kol_id=kol_id, values=record.kol)
                plan.records.append(record)
                self.plan_of[id(record)] = plan
                continue
            if plan.origin is None:
                first = plan.records[0]
                plan.values = dict(first.kol)
                plan.origin = dict.fromkeys(first.kol, first.row)
            plan.records.append(record)
            self.plan_of[id(record)] = plan
            for name, value in record.kol.items():
                seen = plan.values.get(name, _ABSENT)
                if seen is _ABSENT or (seen is None and value is not None):
                    plan.values[name] = value
                    plan.origin[name] = record.row
                elif value is not None and not _same(name, seen, value):
                    self.errors.append(
                        RowError(
                            record.row,
                            column_name(name),
                            display_value(value),
                            _(
                                "Row %(row)s gives this KOL a different value (“%(other)s”); "
                                "all rows of one KOL must agree."
                            )
                            % {"row": plan.origin[name], "other": display_value(seen)},
                        )
                    )
        return plans

    def _tags(self, plans, *, write: bool) -> dict[str, Tag]:
        """The group's tags the file names, by key; created when missing (unless a dry run)."""
        names: dict[str, str] = {}
        for plan in plans.values():
            for name in plan.values.get("tags") or []:
                names.setdefault(fold(name)[:60], name[:60])
        tags: dict[str, Tag] = {}
        keys = list(names)
        for chunk in chunks(keys):
            tags.update({t.key: t for t in Tag.objects.filter(group=self.group, key__in=chunk)})
        missing = [Tag(group=self.group, key=k, name=names[k]) for k in keys if k not in tags]
        if missing and write:
            Tag.objects.bulk_create(missing, batch_size=BATCH_SIZE, ignore_conflicts=True)
            for chunk in chunks([t.key for t in missing]):
                tags.update({t.key: t for t in Tag.objects.filter(group=self.group, key__in=chunk)})
        else:
            tags.update({t.key: t for t in missing})
        return tags

    def _plan_kols(self, chunk: list[KolPlan], tags: dict[str, Tag], existing, *, write: bool) -> None:
        """Apply the file's values to a batch of KOLs, write what changed, and work out the
        copies their channels carry; channels of these KOLs that the file does not list are
        brought in step here too."""
        ids = [p.kol_id for p in chunk if p.kol_id is not None]
        kols = bulk.load(Kol.objects.filter(pk__in=ids), KOL_COMPARED) if ids else {}
        old_categories: dict[int, set[int]] = defaultdict(set)
        old_tags: dict[int, dict[str, str]] = defaultdict(dict)
        siblings: dict[int, list[dict]] = defaultdict(list)
        if ids:
            links = Kol.categories.through.objects.filter(kol_id__in=ids)
            for kol_id, category_id in links.values_list("kol_id", "category_id"):
                old_categories[kol_id].add(category_id)
            links = Kol.tags.through.objects.filter(kol_id__in=ids)
            for kol_id, key, name in links.values_list("kol_id", "tag__key", "tag__name"):
                old_tags[kol_id][key] = name
            rows = Channel.objects.filter(kol_id__in=ids).order_by("pk")
            for row in rows.values("pk", "kol_id", "handle", *KOL_COPY_FIELDS):
                siblings[row["kol_id"]].append(row)
        in_file = {}  # existing channel id → the handle the file gives it
        for plan in chunk:
            for record in plan.records:
                hit = existing.get((record.channel["platform"], record.handle_key))
                if hit:
                    in_file[hit[0]] = record.channel["handle"]
        new_kols, changed_kols = [], []
        category_sets: dict[int, list[int]] = {}  # plan index → category ids to set
        tag_sets: dict[int, list[int]] = {}
        for index, plan in enumerate(chunk):
            kol = kols.get(plan.kol_id) if plan.kol_id else None
            is_new = kol is None
            if is_new:
                kol = self.new_kol(group_id=self.group.pk, created_by_id=self.user.pk if self.user else None)
            # `_apply_kol` sets new lists and dicts, never changes them in place: no copies.
            before = read_kol(kol)
            self._apply_kol(kol, plan)
            if kol.status != KolStatus.BLACKLISTED:
                kol.blacklist_reason = ""
            elif not kol.blacklist_reason.strip():
                self.errors.append(
                    RowError(
                        plan.records[0].row, "blacklist_reason", "", _("Give the reason for blacklisting.")
                    )
                )
            after = read_kol(kol)
            fields = [f for f, old, new in zip(KOL_FIELDS, before, after, strict=True) if old != new]
            categories = old_categories.get(plan.kol_id, set())
            if "categories" in plan.values:
                wanted = {self.categories[s].pk for s in plan.values["categories"] or []}
                if wanted != categories:
                    category_sets[index] = sorted(wanted)
                    categories = wanted
            tag_names = old_tags.get(plan.kol_id, {})
            if "tags" in plan.values:
                wanted_tags = {}
                for name in plan.values["tags"] or []:
                    tag = tags[fold(name)[:60]]
                    wanted_tags[tag.key] = tag.name
                if set(wanted_tags) != set(tag_names):
                    tag_sets[index] = [tags[k].pk for k in wanted_tags]
                    tag_names = wanted_tags
            plan.changed = bool(is_new or fields or index in category_sets or index in tag_sets)
            if is_new:
                new_kols.append(kol)
            elif fields:
                changed_kols.append((kol, fields))
            # The KOL's handles: its channels by id (with the file's spelling), then new ones.
            own = siblings.get(plan.kol_id, [])
            handles = [in_file.get(s["pk"], s["handle"]) for s in own]
            added = [
                r.channel["handle"]
                for r in plan.records
                if (r.channel["platform"], r.handle_key) not in existing
            ]
            respelled = any(in_file.get(s["pk"], s["handle"]) != s["handle"] for s in own)
            if plan.changed or added or respelled:
                plan.copies = {
                    "kol_name": kol.display_name,
                    "kol_type": kol.kol_type,
                    "kol_status": kol.status,
                    "home_region": kol.home_region,
                    "category_mask": category_mask(self.category_by_id[i] for i in categories),
                    "search_text": kol_search_text(kol, [*handles, *added, *sorted(tag_names.values())]),
                    "is_archived": kol.archived_at is not None,
                }
            plan.kol_row = kol
        if write:
            self._write_kols(chunk, new_kols, changed_kols, category_sets, tag_sets, siblings, in_file)
        for plan in chunk:
            plan.kol_row = None

    def _write_kols(self, chunk, new_kols, changed_kols, category_sets, tag_sets, siblings, in_file) -> None:
        bulk.insert(Kol, new_kols, now=self.now)
        self._history(Kol, new_kols, update=False)
        if changed_kols:
            full = bulk.load(Kol.objects.filter(pk__in=[k.id for k, _f in changed_kols]))
            fields = sorted({f for _k, changed in changed_kols for f in changed})
            rows = []
            for kol, _changed in changed_kols:
                row = full[kol.id]
                for name in fields:
                    setattr(row, name, getattr(kol, name))
                row.updated_at = self.now
                rows.append(row)
            bulk.update(Kol, rows, [*fields, "updated_at"])
            self._history(Kol, rows, update=True)
        for plan in chunk:
            plan.kol_id = plan.kol_row.id
        self._set_links(Kol.categories.through, "category_id", chunk, category_sets)
        self._set_links(Kol.tags.through, "tag_id", chunk, tag_sets)
        # Channels of these KOLs that the file does not list still carry the KOL's copies.
        stale = []
        for plan in chunk:
            if plan.copies is None:
                continue
            for sibling in siblings.get(plan.kol_id, []):
                if sibling["pk"] not in in_file and any(sibling[k] != v for k, v in plan.copies.items()):
                    stale.append(SimpleNamespace(id=sibling["pk"], **plan.copies))
        bulk.update(Channel, stale, KOL_COPY_FIELDS)

    def _apply_kol(self, kol, plan: KolPlan) -> None:
        contacts = dict(kol.contacts or {})
        for key, value in plan.values.items():
            if key in ("categories", "tags"):
                continue
            if key.startswith("contact:"):
                kind = key.split(":", 1)[1]
                if value:
                    contacts[kind] = value
                else:
                    contacts.pop(kind, None)
            elif key in KEEP_WHEN_EMPTY:
                if value is not None:
                    setattr(kol, key, value)
            elif key in LIST_FIELDS:
                setattr(kol, key, list(value or []))
            else:
                setattr(kol, key, value or "")
        kol.contacts = contacts

    def _set_links(self, through, column: str, chunk: list[KolPlan], sets: dict[int, list[int]]) -> None:
        """Replace the category or tag links of the KOLs whose set changed."""
        if not sets:
            return
        kol_ids = [chunk[i].kol_id for i in sets]
        through.objects.filter(kol_id__in=kol_ids).delete()
        links = [(chunk[i].kol_id, target) for i, targets in sets.items() for target in targets]
        bulk.insert_values(through, ["kol_id", column], links)

    def _plan_channels(self, chunk: list[RowRecord], existing, *, write: bool) -> None:
        """Compare a batch of rows with their channels, count them, and write the differences."""
        hits = [existing.get((r.channel["platform"], r.handle_key)) for r in chunk]
        ids = [h[0] for h in hits if h]
        channels = bulk.load(Channel.objects.filter(pk__in=ids), CHANNEL_COMPARED) if ids else {}
        old_regions: dict[int, set] = defaultdict(set)
        if ids and self.regions_present:
            shares = AudienceRegionShare.objects.filter(channel_id__in=ids)
            for channel_id, region, share in shares.values_list("channel_id", "region", "share"):
                old_regions[channel_id].add((region, share))
        rates = self._current_rates(ids) if ids and any(r.prices for r in chunk) else {}

        new_channels, data_changed, copies_changed = [], [], []
        changed_fields: set[str] = set()
        snapshots, region_reset, region_rows, new_rates, changed_rates = [], [], [], [], []
        for record, hit in zip(chunk, hits, strict=True):
            plan = self.plan_of[id(record)]
            if hit:
                channel = channels[hit[0]]
                before = {f: getattr(channel, f) for f in CHANNEL_COMPARED}
            else:
                channel = self.new_channel(kol_id=plan.kol_id, group_id=self.group.pk)
            data = {k: v for k, v in record.channel.items() if v is not None or k not in KEEP_WHEN_EMPTY}
            if "url" in data and data["url"] is None:
                data["url"] = ""
            _apply_channel_fields(channel, data)
            if plan.copies is not None:
                channel.__dict__.update(plan.copies)
            regions_changed = False
            if self.regions_present:
                wanted = {(s.code, s.share) for s in record.regions or []}
                regions_changed = wanted != old_regions.get(hit[0] if hit else 0, set())
            created, repriced = self._plan_rates(channel, record, rates.get(hit[0], {}) if hit else {})
            new_rates += created
            changed_rates += repriced
            if regions_changed:
                region_reset.append(channel)
                region_rows.extend((channel, s) for s in record.regions or [])
            if hit is None:
                channel.stats_updated_at = self.now
                if regions_changed or any(getattr(channel, f) is not None for f in AUDIENCE_FIELDS):
                    channel.audience_updated_at = self.now
                new_channels.append(channel)
                snapshots.append(channel)
                self.created += 1
                continue
            fields = [f for f in CHANNEL_DATA_FIELDS if getattr(channel, f) != before[f]]
            if STATS_FIELDS.intersection(fields):
                channel.stats_updated_at = self.now
            if regions_changed or AUDIENCE_FIELDS.intersection(fields):
                channel.audience_updated_at = self.now
            if "followers" in fields:
                snapshots.append(channel)
            if fields or regions_changed:
                data_changed.append(channel)
                changed_fields.update(fields)
            elif any(getattr(channel, f) != before[f] for f in CHANNEL_COPY_FIELDS):
                copies_changed.append(channel)
            if fields or regions_changed or created or repriced or plan.changed:
                self.updated += 1
            else:
                self.unchanged += 1
        if write:
            self._write_channels(
                new_channels, data_changed, changed_fields, copies_changed, region_reset, region_rows
            )
            self._write_rates(new_rates, changed_rates)
            # Today's follower count; a second import on the same day overwrites it.
            bulk.insert_values(
                FollowerSnapshot,
                ["channel_id", "taken_on", "followers"],
                [(c.id, self.today, c.followers) for c in snapshots],
                upsert=(["channel_id", "taken_on"], ["followers"]),
            )

    def _write_channels(
        self, new, changed, changed_fields, copies_changed, region_reset, region_rows
    ) -> None:
        bulk.insert(Channel, new, now=self.now)
        self._history(Channel, new, update=False)
        if changed:
            full = bulk.load(Channel.objects.filter(pk__in=[c.id for c in changed]))
            fields = sorted(
                {*changed_fields, *CHANNEL_COPY_FIELDS, "stats_updated_at", "audience_updated_at"}
            )
            rows = []
            for channel in changed:
                row = full[channel.id]
                for name in fields:
                    if hasattr(channel, name):
                        setattr(row, name, getattr(channel, name))
                row.updated_at = self.now
                rows.append(row)
            bulk.update(Channel, rows, [*fields, "updated_at"])
            self._history(Channel, rows, update=True)
        bulk.update(Channel, copies_changed, CHANNEL_COPY_FIELDS)
        if region_reset:
            AudienceRegionShare.objects.filter(channel_id__in=[c.id for c in region_reset]).delete()
            bulk.insert_values(
                AudienceRegionShare,
                ["channel_id", "level", "region", "share"],
                [(c.id, s.level, s.code, s.share) for c, s in region_rows],
            )

    def _write_rates(self, new_rates: list, changed_rates: list) -> None:
        for rate in new_rates:
            rate.channel_id = rate.channel.id
            del rate.channel
        bulk.insert(RateCard, new_rates, now=self.now)
        self._history(RateCard, new_rates, update=False)
        for rate in changed_rates:
            rate.updated_at = self.now
        bulk.update(RateCard, changed_rates, ["price", "updated_at"])
        self._history(RateCard, changed_rates, update=True)

    def _current_rates(self, channel_ids: list[int]) -> dict[int, dict[tuple[str, str], SimpleNamespace]]:
        """channel id → (deliverable, currency) → the current rate an import compares with."""
        found: dict[int, dict[tuple[str, str], SimpleNamespace]] = defaultdict(dict)
        for rate in bulk.load(current_rates(self.today).filter(channel_id__in=channel_ids)).values():
            slot = found[rate.channel_id]
            key = (rate.deliverable_type, rate.currency)
            if key not in slot or rate_order(rate) > rate_order(slot[key]):
                slot[key] = rate
        return found

    def _plan_rates(self, channel, record: RowRecord, current) -> tuple[list, list]:
        """Rates to create, and rates whose price changes, for one row's prices."""
        created, changed = [], []
        for deliverable, price in record.prices.items():
            rate = current.get((deliverable, record.currency))
            if rate is None:
                created.append(
                    self.new_rate(
                        channel=channel,
                        deliverable_type=deliverable,
                        price=price,
                        currency=record.currency,
                        valid_from=self.today,
                    )
                )
            elif rate.price != price:
                rate.price = price
                changed.append(rate)
        return created, changed
