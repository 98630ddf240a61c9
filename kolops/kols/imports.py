"""Import and export of the KOL database, one row per channel (CSV or XLSX).

`kols_import` is the one code path behind the upload page, the background task and the
`kolops import-kols` command. Its rules:

- **All or nothing.** A file with any error writes nothing: the file is checked completely
  first (pure engine, `kolops.kols.importers`), then written inside one transaction that rolls
  back if the database side finds a problem (a KOL's rows disagree, a blacklisting without a
  reason, a concurrent import created the same handle).
- **Idempotent.** Rows are matched by platform + normalised handle within the group; only what
  differs is written, so importing the same file twice reports every row `unchanged` the
  second time, and writes no history.
- **Which KOL.** A row whose channel exists belongs to that channel's KOL (a channel never moves
  to another KOL). A new channel joins the KOL of another row of the same file with the same
  `kol_name` (compared without case), else a new KOL is created. Several rows with one name
  are thus one KOL with several channels; its columns must agree on all its rows (a cell left
  empty on some of them is fine).
- **Columns.** A column absent from the file is left untouched. An empty cell clears the value;
  for values that cannot be empty (type, status, engagement basis, verified) it keeps the
  current one. Prices set the current rate-card price of their deliverable in `price_currency`;
  an empty price cell leaves the rate card alone.
- **Bulk.** Reads and writes go in batches (`bulk_create` / `bulk_update`), never one `save()`
  per row; history rows are written in bulk too. The channels' copies of KOL attributes
  (name, type, status, region, categories, search text, tier) are kept in step with the
  helpers of `kols.services`.
- **Who.** `by` must hold `kols.import` in `group`. `by=None` is a trusted system import: the
  `kolops import-kols` command run on the server by someone with shell access; its records
  carry no user.

`channels_export` writes what the list shows, in the same columns, so an export re-imports
unchanged.
"""

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kolops.accounts.models import Organization
from kolops.core.permissions import group_ids_for
from kolops.core.regions import REGIONS
from kolops.core.text import fold

from .choices import AGE_FIELDS, KolStatus
from .importers import columns as cols
from .importers import readers, validate, writers
from .importers.validate import Catalog, RowError, RowRecord, Validation
from .models import AudienceRegionShare, Category, Channel, FollowerSnapshot, Kol, RateCard, Tag
from .query import ChannelQuery
from .selectors import channel_search, current_rates
from .services import KOL_FIELDS, _apply_channel_fields, category_mask, kol_search_text, require

logger = logging.getLogger(__name__)

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
# Copies of KOL attributes on the channel row, and the derived tier (no history: excluded).
CHANNEL_COPY_FIELDS = (
    "kol_name",
    "kol_type",
    "kol_status",
    "home_region",
    "category_mask",
    "search_text",
    "is_archived",
    "tier",
    "handle_key",
)
# Attributes with no empty value: an empty cell keeps the current one.
KEEP_WHEN_EMPTY = frozenset(("kol_type", "status", "er_basis", "verified"))
LIST_FIELDS = frozenset(("languages", "risk_flags"))

Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What an import did (or, in a dry run, would do), row by row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    total_rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict:
        """The documented result: counts and errors [{row, column, message, value}]."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": self.errors,
        }

    def set_errors(self, errors: list[RowError], total: int | None = None) -> None:
        """Report `errors` (at most the setting's limit; a last line counts the rest)."""
        limit = max_errors()
        self.errors = [e.as_dict() for e in errors[:limit]]
        total = max(total or 0, len(errors))
        if total > limit:
            more = RowError(None, None, "", _("… and %(count)s more errors.") % {"count": total - limit})
            self.errors.append(more.as_dict())
        self.created = self.updated = self.unchanged = 0


def max_errors() -> int:
    return getattr(settings, "KOLOPS_IMPORT_MAX_ERRORS", 1000)


def read_limits() -> readers.ReadLimits:
    """The size limits of import files (settings KOLOPS_IMPORT_*)."""
    return readers.ReadLimits(
        max_bytes=settings.KOLOPS_IMPORT_MAX_BYTES,
        xlsx_max_entries=settings.KOLOPS_IMPORT_XLSX_MAX_ENTRIES,
        xlsx_max_unpacked_bytes=settings.KOLOPS_IMPORT_XLSX_MAX_UNPACKED_BYTES,
    )


def import_catalog() -> Catalog:
    """The categories and regions the validator accepts, by code or name in any language."""
    return Catalog.build(
        categories=Category.objects.values_list("slug", "name_en", "name_vi", "name_zh"),
        regions=((r.code, r.level, (r.en, r.vi, r.zh)) for r in REGIONS.values()),
    )


def read_upload(data, limit: int) -> bytes:
    """The bytes of `data` (bytes or a file), refusing more than `limit` before reading it all."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    size = getattr(data, "size", None)
    if size is not None and size > limit:
        raise readers.ReadError(readers.size_message(size, limit))
    if hasattr(data, "seek"):
        data.seek(0)
    content = data.read(limit + 1)
    if len(content) > limit:
        raise readers.ReadError(readers.size_message(size or len(content), limit))
    return content


def kols_import(
    *,
    by,
    group: Organization,
    file_name: str,
    data,
    dry_run: bool,
    progress: Progress | None = None,
    encoding: str | None = None,
) -> ImportResult:
    """Import a KOL file (CSV or XLSX bytes, or a file) into `group`; see the module rules.

    With `dry_run` nothing is written and the counts say what an import would do.
    `progress(phase, done, total)` is called as rows are read ("reading") and written
    ("writing"). `by=None` is a trusted system import (the command line).
    """
    if by is not None:
        require(by, "kols.import", group)
    result = ImportResult(dry_run=dry_run)
    limits = read_limits()
    try:
        content = read_upload(data, limits.max_bytes)
        table = readers.open_table(file_name, content, limits=limits, encoding=encoding)
        estimate = table.estimated_rows
        validation = validate.validate_table(
            table,
            import_catalog(),
            max_errors=max_errors(),
            progress=(lambda n: progress("reading", n, max(n, estimate))) if progress else None,
        )
    except readers.ReadError as error:
        result.set_errors([RowError(None, None, "", error.message)])
        return result
    result.total_rows = validation.total_rows
    result.warnings = validation.warnings
    if validation.errors:
        result.set_errors(validation.errors, validation.error_count)
        return result
    run = _ImportRun(by=by, group=group, validation=validation, file_name=file_name, progress=progress)
    try:
        if dry_run:
            run.execute(write=False)
        else:
            with transaction.atomic():
                # Serialise imports into one group (PostgreSQL); SQLite's IMMEDIATE transactions
                # already do.
                list(Organization.objects.select_for_update().filter(pk=group.pk).values_list("pk"))
                run.execute(write=True)
                if run.errors:
                    transaction.set_rollback(True)
    except IntegrityError:
        logger.warning("KOL import into group %s hit a conflicting write", group.pk, exc_info=True)
        result.set_errors(
            [
                RowError(
                    None,
                    None,
                    "",
                    _(
                        "Another change to these channels happened while importing. Nothing was "
                        "written; run the import again."
                    ),
                )
            ]
        )
        return result
    if run.errors:
        result.set_errors(sorted(run.errors, key=lambda e: e.row or 0))
        return result
    result.created, result.updated, result.unchanged = run.created, run.updated, run.unchanged
    return result


def _chunks(items: list, size: int = BATCH_SIZE) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _column_name(key: str) -> str:
    """The file column behind a key of RowRecord.kol."""
    if key.startswith("contact:"):
        return key.split(":", 1)[1]
    for column in cols.COLUMNS:
        if column.part == cols.KOL and column.field_name == key:
            return column.name
    return key


def _same(key: str, a, b) -> bool:
    """Whether two rows give one KOL the same value (names and lists loosely)."""
    if key == "display_name":
        return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
    if key == "categories":
        return set(a) == set(b)
    if key == "tags":
        return {fold(t) for t in a} == {fold(t) for t in b}
    return a == b


@dataclass
class _KolPlan:
    """One KOL the file touches: its rows, and the values they agree on."""

    kol_id: int | None
    records: list[RowRecord] = field(default_factory=list)
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)  # key → (value, row)
    changed: bool = False
    # The copies its channels carry (filled once the KOL is planned).
    copies: dict[str, Any] = field(default_factory=dict)
    kol: Kol | None = None  # only while its batch is planned


class _ImportRun:
    """The database side of one import: plan every KOL, then every channel, batch by batch."""

    def __init__(self, *, by, group, validation: Validation, file_name: str, progress: Progress | None):
        self.group = group
        self.user = by if by is not None and by.is_authenticated else None
        self.validation = validation
        self.records = validation.records
        self.progress = progress
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.reason = _("Import of %(file)s") % {"file": file_name}
        self.reason = self.reason[:100]
        present = {c.name for c in validation.columns}
        self.regions_present = "audience_regions" in present
        self.errors: list[RowError] = []
        self.created = self.updated = self.unchanged = 0
        self.categories = {c.slug: c for c in Category.objects.all()}
        self.plan_of: dict[int, _KolPlan] = {}  # id(record) → its KOL's plan

    # ---- helpers ----------------------------------------------------------------------------

    def _history(self, model, objs: list, *, update: bool) -> None:
        if objs:
            model.history.bulk_history_create(
                objs,
                batch_size=BATCH_SIZE,
                update=update,
                default_user=self.user,
                default_change_reason=self.reason,
                default_date=self.now,
            )

    def _report(self, done: int) -> None:
        if self.progress:
            self.progress("writing", done, len(self.records))

    # ---- the run ----------------------------------------------------------------------------

    def execute(self, *, write: bool) -> None:
        """Plan (and with `write`, apply) the import; problems go to `self.errors`."""
        existing = self._existing_channels()
        plans = self._group_by_kol(existing)
        if self.errors:
            return
        tags = self._tags(plans, write=write)
        for chunk in _chunks(list(plans.values())):
            self._plan_kols(chunk, tags, existing, write=write and not self.errors)
        if self.errors:
            return
        done = 0
        for chunk in _chunks(self.records):
            self._plan_channels(chunk, plans, existing, write=write)
            done += len(chunk)
            self._report(done)

    def _existing_channels(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(platform, handle key) → (channel id, KOL id) of the group's channels in the file."""
        by_platform: dict[str, list[str]] = defaultdict(list)
        for record in self.records:
            by_platform[record.channel["platform"]].append(record.handle_key)
        found = {}
        for platform, keys in by_platform.items():
            for chunk in _chunks(keys):
                rows = Channel.objects.filter(group=self.group, platform=platform, handle_key__in=chunk)
                for pk, kol_id, key in rows.values_list("pk", "kol_id", "handle_key"):
                    found[(platform, key)] = (pk, kol_id)
        return found

    def _group_by_kol(self, existing) -> dict[Any, _KolPlan]:
        """Give every row its KOL (see the module rules) and merge what its rows say."""
        by_name: dict[str, int] = {}
        for record in self.records:
            hit = existing.get((record.channel["platform"], record.handle_key))
            if hit:
                by_name.setdefault(record.name_key, hit[1])
        plans: dict[Any, _KolPlan] = {}
        for record in self.records:
            hit = existing.get((record.channel["platform"], record.handle_key))
            kol_id = hit[1] if hit else by_name.get(record.name_key)
            key = kol_id if kol_id is not None else ("new", record.name_key)
            plan = plans.get(key)
            if plan is None:
                plan = plans[key] = _KolPlan(kol_id=kol_id)
            plan.records.append(record)
            self.plan_of[id(record)] = plan
            for name, value in record.kol.items():
                seen = plan.values.get(name)
                if seen is None or (seen[0] is None and value is not None):
                    plan.values[name] = (value, record.row)
                elif value is not None and not _same(name, seen[0], value):
                    self.errors.append(
                        RowError(
                            record.row,
                            _column_name(name),
                            _display_value(value),
                            _(
                                "Row %(row)s gives this KOL a different value (“%(other)s”); "
                                "all rows of one KOL must agree."
                            )
                            % {"row": seen[1], "other": _display_value(seen[0])},
                        )
                    )
        return plans

    def _tags(self, plans, *, write: bool) -> dict[str, Tag]:
        """The group's tags the file names, by key; created when missing (unless a dry run)."""
        names: dict[str, str] = {}
        for plan in plans.values():
            for name in (plan.values.get("tags") or (None, 0))[0] or []:
                names.setdefault(fold(name)[:60], name[:60])
        tags: dict[str, Tag] = {}
        keys = list(names)
        for chunk in _chunks(keys):
            tags.update({t.key: t for t in Tag.objects.filter(group=self.group, key__in=chunk)})
        missing = [Tag(group=self.group, key=k, name=names[k]) for k in keys if k not in tags]
        if missing and write:
            Tag.objects.bulk_create(missing, batch_size=BATCH_SIZE, ignore_conflicts=True)
            for chunk in _chunks([t.key for t in missing]):
                tags.update({t.key: t for t in Tag.objects.filter(group=self.group, key__in=chunk)})
        else:
            tags.update({t.key: t for t in missing})
        return tags

    def _plan_kols(self, chunk: list[_KolPlan], tags: dict[str, Tag], existing, *, write: bool) -> None:
        """Apply the file's values to a batch of KOLs, write what changed, and work out the
        copies their channels carry; channels of these KOLs that the file does not list are
        brought in step here too."""
        ids = [p.kol_id for p in chunk if p.kol_id is not None]
        kols = Kol.objects.in_bulk(ids) if ids else {}
        old_categories: dict[int, set[int]] = defaultdict(set)
        old_tags: dict[int, dict[str, str]] = defaultdict(dict)
        siblings: dict[int, list[dict]] = defaultdict(list)
        if ids:
            for kol_id, category_id in Kol.categories.through.objects.filter(kol_id__in=ids).values_list(
                "kol_id", "category_id"
            ):
                old_categories[kol_id].add(category_id)
            for kol_id, key, name in Kol.tags.through.objects.filter(kol_id__in=ids).values_list(
                "kol_id", "tag__key", "tag__name"
            ):
                old_tags[kol_id][key] = name
            for row in (
                Channel.objects.filter(kol_id__in=ids)
                .order_by("pk")
                .values("pk", "kol_id", "handle", *CHANNEL_COPY_FIELDS)
            ):
                siblings[row["kol_id"]].append(row)
        in_file = {
            existing[(r.channel["platform"], r.handle_key)][0]: r.channel["handle"]
            for p in chunk
            for r in p.records
            if (r.channel["platform"], r.handle_key) in existing
        }
        new_kols, changed_kols = [], []
        changed_fields: set[str] = set()
        category_sets: dict[int, list[int]] = {}  # plan index → category ids to set
        tag_sets: dict[int, list[int]] = {}
        for index, plan in enumerate(chunk):
            kol = kols.get(plan.kol_id) if plan.kol_id else None
            is_new = kol is None
            if is_new:
                kol = Kol(group_id=self.group.pk, created_by=self.user)
            before = {f: _copy(getattr(kol, f)) for f in KOL_FIELDS}
            self._apply_kol(kol, plan)
            if kol.status != KolStatus.BLACKLISTED:
                kol.blacklist_reason = ""
            elif not kol.blacklist_reason.strip():
                self.errors.append(
                    RowError(
                        plan.records[0].row,
                        "blacklist_reason",
                        "",
                        _("Give the reason for blacklisting."),
                    )
                )
            fields = [f for f in KOL_FIELDS if getattr(kol, f) != before[f]]
            categories = sorted(old_categories.get(plan.kol_id, set()))
            if "categories" in plan.values:
                wanted = sorted({self.categories[s].pk for s in plan.values["categories"][0] or []})
                if wanted != categories:
                    category_sets[index] = wanted
                    categories = wanted
            tag_names = dict(old_tags.get(plan.kol_id, {}))
            if "tags" in plan.values:
                wanted_tags = {}
                for name in plan.values["tags"][0] or []:
                    tag = tags[fold(name)[:60]]
                    wanted_tags[tag.key] = tag.name
                if set(wanted_tags) != set(tag_names):
                    tag_sets[index] = [tags[k].pk for k in wanted_tags]
                    tag_names = wanted_tags
            plan.changed = bool(is_new or fields or index in category_sets or index in tag_sets)
            if is_new:
                new_kols.append(kol)
            elif fields:
                kol.updated_at = self.now
                changed_kols.append(kol)
                changed_fields.update(fields)
            # The KOL's handles: its channels by id (with the file's spelling), then new ones.
            handles = [in_file.get(s["pk"], s["handle"]) for s in siblings.get(plan.kol_id, [])]
            handles += [
                r.channel["handle"]
                for r in plan.records
                if (r.channel["platform"], r.handle_key) not in existing
            ]
            category_ids = set(categories)
            category_objects = [c for c in self.categories.values() if c.pk in category_ids]
            plan.copies = {
                "kol_name": kol.display_name,
                "kol_type": kol.kol_type,
                "kol_status": kol.status,
                "home_region": kol.home_region,
                "category_mask": category_mask(category_objects),
                "search_text": kol_search_text(kol, [*handles, *sorted(tag_names.values())]),
                "is_archived": kol.archived_at is not None,
            }
            plan.kol = kol
        if not write:
            for plan in chunk:
                plan.kol = None
            return
        Kol.objects.bulk_create(new_kols, batch_size=BATCH_SIZE)
        self._history(Kol, new_kols, update=False)
        if changed_kols:
            Kol.objects.bulk_update(
                changed_kols, [*sorted(changed_fields), "updated_at"], batch_size=BATCH_SIZE
            )
            self._history(Kol, changed_kols, update=True)
        for plan in chunk:
            plan.kol_id = plan.kol.pk
            plan.kol = None
        self._set_relations(Kol.categories.through, "category_id", chunk, category_sets)
        self._set_relations(Kol.tags.through, "tag_id", chunk, tag_sets)
        # Channels of these KOLs that the file does not list still carry the KOL's copies.
        stale = []
        for plan in chunk:
            for sibling in siblings.get(plan.kol_id, []):
                if sibling["pk"] in in_file:
                    continue
                if any(sibling[k] != v for k, v in plan.copies.items()):
                    stale.append(Channel(pk=sibling["pk"], **plan.copies))
        if stale:
            Channel.objects.bulk_update(stale, list(plan.copies), batch_size=BATCH_SIZE)

    def _apply_kol(self, kol: Kol, plan: _KolPlan) -> None:
        contacts = dict(kol.contacts or {})
        for key, (value, _row) in plan.values.items():
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

    def _set_relations(self, through, column: str, chunk: list[_KolPlan], sets: dict[int, list[int]]) -> None:
        """Replace the category or tag links of the KOLs whose set changed."""
        if not sets:
            return
        kol_ids = [chunk[i].kol_id for i in sets]
        through.objects.filter(kol_id__in=kol_ids).delete()
        links = [
            through(kol_id=chunk[i].kol_id, **{column: target})
            for i, targets in sets.items()
            for target in targets
        ]
        through.objects.bulk_create(links, batch_size=BATCH_SIZE)

    def _plan_channels(self, chunk: list[RowRecord], plans, existing, *, write: bool) -> None:
        """Compare a batch of rows with their channels, count them, and write the differences."""
        hits = [existing.get((r.channel["platform"], r.handle_key)) for r in chunk]
        ids = [h[0] for h in hits if h]
        channels = Channel.objects.in_bulk(ids) if ids else {}
        old_regions: dict[int, set] = defaultdict(set)
        if ids and self.regions_present:
            for channel_id, region, share in AudienceRegionShare.objects.filter(
                channel_id__in=ids
            ).values_list("channel_id", "region", "share"):
                old_regions[channel_id].add((region, share))
        rates = self._current_rates(ids) if ids and any(r.prices for r in chunk) else {}

        new_channels, data_changed, copies_changed = [], [], []
        changed_fields: set[str] = set()
        snapshots, region_rows, region_reset, new_rates, changed_rates = [], [], [], [], []
        for record, hit in zip(chunk, hits, strict=True):
            plan = self.plan_of[id(record)]
            channel = channels[hit[0]] if hit else Channel(kol_id=plan.kol_id, group_id=self.group.pk)
            before = {f: getattr(channel, f) for f in (*CHANNEL_DATA_FIELDS, *CHANNEL_COPY_FIELDS)}
            data = {k: v for k, v in record.channel.items() if v is not None or k not in KEEP_WHEN_EMPTY}
            if "url" in data and data["url"] is None:
                data["url"] = ""
            _apply_channel_fields(channel, data)
            for name, value in plan.copies.items():
                setattr(channel, name, value)
            fields = [f for f in CHANNEL_DATA_FIELDS if getattr(channel, f) != before[f]] if hit else []
            regions_changed = False
            if self.regions_present:
                wanted = {(s.code, s.share) for s in record.regions or []}
                regions_changed = wanted != old_regions.get(hit[0] if hit else 0, set())
            rate_changes = self._plan_rates(channel, record, rates.get(hit[0], {}) if hit else {})
            if hit is None:
                channel.stats_updated_at = self.now
                if any(getattr(channel, f) is not None for f in AUDIENCE_FIELDS) or regions_changed:
                    channel.audience_updated_at = self.now
                new_channels.append(channel)
                snapshots.append(channel)
                self.created += 1
            else:
                if STATS_FIELDS.intersection(fields):
                    channel.stats_updated_at = self.now
                if AUDIENCE_FIELDS.intersection(fields) or regions_changed:
                    channel.audience_updated_at = self.now
                if "followers" in fields:
                    snapshots.append(channel)
                if fields or regions_changed:
                    channel.updated_at = self.now
                    data_changed.append(channel)
                    changed_fields.update(fields)
                elif any(getattr(channel, f) != before[f] for f in CHANNEL_COPY_FIELDS):
                    copies_changed.append(channel)
                if fields or regions_changed or rate_changes[0] or rate_changes[1] or plan.changed:
                    self.updated += 1
                else:
                    self.unchanged += 1
            if regions_changed:
                region_reset.append(channel)
                region_rows.extend((channel, s) for s in record.regions or [])
            new_rates.extend(rate_changes[0])
            changed_rates.extend(rate_changes[1])
        if not write:
            return
        Channel.objects.bulk_create(new_channels, batch_size=BATCH_SIZE)
        self._history(Channel, new_channels, update=False)
        if data_changed:
            update_fields = {
                *changed_fields,
                *CHANNEL_COPY_FIELDS,
                "stats_updated_at",
                "audience_updated_at",
                "updated_at",
            }
            Channel.objects.bulk_update(data_changed, sorted(update_fields), batch_size=BATCH_SIZE)
            self._history(Channel, [c for c in data_changed if c.pk], update=True)
        if copies_changed:
            Channel.objects.bulk_update(copies_changed, list(CHANNEL_COPY_FIELDS), batch_size=BATCH_SIZE)
        if region_reset:
            AudienceRegionShare.objects.filter(channel_id__in=[c.pk for c in region_reset]).delete()
            AudienceRegionShare.objects.bulk_create(
                [
                    AudienceRegionShare(channel_id=c.pk, level=s.level, region=s.code, share=s.share)
                    for c, s in region_rows
                ],
                batch_size=BATCH_SIZE,
            )
        for rate in new_rates:
            rate.channel_id = rate.channel.pk
        RateCard.objects.bulk_create(new_rates, batch_size=BATCH_SIZE)
        self._history(RateCard, new_rates, update=False)
        if changed_rates:
            RateCard.objects.bulk_update(changed_rates, ["price", "updated_at"], batch_size=BATCH_SIZE)
            self._history(RateCard, changed_rates, update=True)
        if snapshots:
            FollowerSnapshot.objects.bulk_create(
                [
                    FollowerSnapshot(channel_id=c.pk, taken_on=self.today, followers=c.followers)
                    for c in snapshots
                ],
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["channel", "taken_on"],
                update_fields=["followers"],
            )

    def _current_rates(self, channel_ids: list[int]) -> dict[int, dict[tuple[str, str], RateCard]]:
        """channel id → (deliverable, currency) → the current rate an import compares with."""
        found: dict[int, dict[tuple[str, str], RateCard]] = defaultdict(dict)
        for rate in current_rates(self.today).filter(channel_id__in=channel_ids):
            slot = found[rate.channel_id]
            key = (rate.deliverable_type, rate.currency)
            if key not in slot or _rate_order(rate) > _rate_order(slot[key]):
                slot[key] = rate
        return found

    def _plan_rates(self, channel: Channel, record: RowRecord, current) -> tuple[list, list]:
        """Rates to create and rates whose price changes, for one row's prices."""
        created, changed = [], []
        for deliverable, price in record.prices.items():
            rate = current.get((deliverable, record.currency))
            if rate is None:
                created.append(
                    RateCard(
                        channel=channel,
                        deliverable_type=deliverable,
                        price=price,
                        currency=record.currency,
                        valid_from=self.today,
                    )
                )
            elif rate.price != price:
                rate.price = price
                rate.updated_at = self.now
                changed.append(rate)
        return created, changed


def _rate_order(rate: RateCard) -> tuple:
    """Among current rates of one deliverable and currency, the latest valid_from wins."""
    return (rate.valid_from is not None, rate.valid_from or date.min, rate.pk or 0)


def _copy(value):
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return dict(value)
    return value


def _display_value(value) -> str:
    if isinstance(value, list | tuple):
        return ";".join(str(v) for v in value)
    return "" if value is None else str(value)


# ---- export -------------------------------------------------------------------------------


def export_queryset(*, user, query: ChannelQuery):
    """The channels `user` may export that match `query`, with what a row needs prefetched."""
    return (
        channel_search(user=user, query=query)
        .filter(group_id__in=sorted(group_ids_for(user, "kols.export")))
        .select_related("kol")
        .prefetch_related(
            "kol__categories",
            "kol__tags",
            "region_shares",
            Prefetch("rates", queryset=current_rates(), to_attr="current_rate_list"),
        )
        .order_by("kol_name", "kol_id", "platform", "handle_key", "pk")
    )


def export_row(channel: Channel) -> list:
    """One channel as a row of cells, in the order of `columns.COLUMNS`."""
    kol = channel.kol
    contacts = kol.contacts or {}
    rates = _export_rates(
        getattr(channel, "current_rate_list", None) or list(current_rates().filter(channel=channel))
    )
    currency = next(iter(rates), None)
    prices = rates.get(currency, {}) if currency else {}
    shares = sorted(
        channel.region_shares.all(), key=lambda s: (_LEVEL_ORDER.get(s.level, 9), -s.share, s.region)
    )
    values = {
        "kol_name": kol.display_name,
        "real_name": kol.real_name,
        "kol_type": kol.kol_type,
        "categories": ";".join(c.slug for c in kol.categories.all()),
        "home_region": kol.home_region,
        "languages": ";".join(kol.languages or []),
        "agency": kol.agency,
        "manager": kol.manager_name,
        "tags": ";".join(t.name for t in kol.tags.all()),
        "notes": kol.notes,
        "status": kol.status,
        "blacklist_reason": kol.blacklist_reason,
        "risk_flags": ";".join(kol.risk_flags or []),
        "audience_regions": ";".join(f"{s.region}:{writers.plain_decimal(s.share)}" for s in shares),
        "price_currency": currency or "",
    }
    row = []
    for column in cols.COLUMNS:
        if column.name in values:
            value = values[column.name]
        elif column.part == cols.CONTACT:
            value = contacts.get(column.field_name, "")
        elif column.part == cols.CHANNEL:
            value = getattr(channel, column.field_name)
        elif column.part == cols.RATE:
            value = prices.get(column.field_name)
        else:  # pragma: no cover - every column is handled above
            value = None
        row.append(value)
    return row


_LEVEL_ORDER = {"country": 0, "province": 1, "city": 2}


def _export_rates(rates: Iterable[RateCard]) -> dict[str, dict[str, Decimal]]:
    """Current prices by currency → deliverable, the currency with most prices first.

    A row has one price_currency: a channel priced in several currencies exports the one it
    has most prices in (ties: VND, CNY, USD); the others stay untouched on re-import.
    """
    picked: dict[tuple[str, str], RateCard] = {}
    for rate in rates:
        key = (rate.currency, rate.deliverable_type)
        if key not in picked or _rate_order(rate) > _rate_order(picked[key]):
            picked[key] = rate
    by_currency: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for (currency, deliverable), rate in picked.items():
        by_currency[currency][deliverable] = rate.price
    order = ["VND", "CNY", "USD"]
    ranked = sorted(by_currency, key=lambda c: (-len(by_currency[c]), order.index(c) if c in order else 9))
    return {c: by_currency[c] for c in ranked}


def channels_export(*, user, query: ChannelQuery, fmt: str) -> bytes:
    """The channels `user` may export matching `query`, as `fmt` (csv or xlsx) bytes.

    Streams the search in chunks (with per-chunk prefetching), in the import's columns, with
    formula-like text neutralised; the file re-imports unchanged.
    """
    if fmt not in writers.FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    rows = (
        export_row(channel) for channel in export_queryset(user=user, query=query).iterator(chunk_size=2000)
    )
    return writers.write(fmt, rows)


def import_template(fmt: str) -> bytes:
    """The template download: the columns and one example row; XLSX adds a sheet that
    explains every column."""
    rows = [cols.example_row()]
    if fmt == "csv":
        return writers.write_csv(rows)
    help_rows = [[_("column"), _("required"), _("type"), _("meaning"), _("example")]]
    for column in cols.COLUMNS:
        kind = str(column.kind)
        if column.choices:
            kind += ": " + ", ".join(column.allowed_values())
        help_rows.append(
            [column.name, _("yes") if column.required else "", kind, str(column.meaning), column.example]
        )
    return writers.write_xlsx(rows, extra_sheets={_("Columns"): help_rows})
