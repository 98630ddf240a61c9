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
- **Bulk.** Reads and writes go in batches (multi-row INSERT, executemany UPDATE: see
  `kols.bulk`), never one `save()` per row; history rows are written in bulk too. The channels' copies of KOL attributes
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
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from kolops.accounts.models import Organization
from kolops.core.permissions import group_ids_for
from kolops.core.regions import REGIONS

from .import_run import ImportRun, Progress, rate_order
from .importers import columns as cols
from .importers import readers, validate, writers
from .importers.validate import Catalog, RowError
from .models import Category, Channel, RateCard
from .query import ChannelQuery
from .selectors import channel_search, current_rates
from .services import require

logger = logging.getLogger(__name__)


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
    run = ImportRun(by=by, group=group, validation=validation, file_name=file_name, progress=progress)
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
        if key not in picked or rate_order(rate) > rate_order(picked[key]):
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
