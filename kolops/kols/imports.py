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
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kolops.accounts.models import Organization
from kolops.core.permissions import SYSTEM_READER, group_ids_for
from kolops.core.regions import REGIONS
from kolops.core.uploads import storage_name

from . import bulk
from .choices import ImportStatus
from .import_retention import import_job_file_remove
from .import_run import ImportRun, Progress, rate_order
from .importers import columns as cols
from .importers import readers, validate, writers
from .importers.validate import Catalog, RowError
from .models import Category, Channel, ImportJob, RateCard
from .query import ChannelQuery
from .selectors import channel_search, current_rates
from .services import require

logger = logging.getLogger(__name__)
# After writing this many rows, PostgreSQL's planner statistics are refreshed (see bulk.analyze).
ANALYZE_AFTER_ROWS = 1000


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


def read_limits(*, size_limit: bool = True) -> readers.ReadLimits:
    """The size limits of import files (settings KOLOPS_IMPORT_*); without `size_limit` only
    the workbook's unpacking is bounded."""
    return readers.ReadLimits(
        max_bytes=settings.KOLOPS_IMPORT_MAX_BYTES if size_limit else 2**62,
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
    if size is None and getattr(data, "seekable", lambda: False)():
        size = data.seek(0, 2)  # a plain file: its length, without reading it
    if size is not None and size > limit:
        raise readers.ReadError(readers.size_message(size, limit))
    if hasattr(data, "seek"):
        data.seek(0)
    # In pieces: read(limit + 1) would allocate the whole limit up front.
    chunks, read = [], 0
    while piece := data.read(1024 * 1024):
        chunks.append(piece)
        read += len(piece)
        if read > limit:
            raise readers.ReadError(readers.size_message(size or read, limit))
    return b"".join(chunks)


def kols_import(
    *,
    by,
    group: Organization,
    file_name: str,
    data,
    dry_run: bool,
    progress: Progress | None = None,
    encoding: str | None = None,
    size_limit: bool = True,
) -> ImportResult:
    """Import a KOL file (CSV or XLSX bytes, or a file) into `group`; see the module rules.

    With `dry_run` nothing is written and the counts say what an import would do.
    `progress(phase, done, total)` is called as rows are read ("reading") and written
    ("writing"). `by=None` is a trusted system import (the command line), which may also lift
    the upload size limit (`size_limit=False`); `encoding` overrides CSV encoding sniffing.
    """
    if group.group_id != group.pk:
        raise ValueError("KOLs belong to an organization group, not to a subsidiary or brand.")
    if by is not None:
        require(by, "kols.import", group)
    result = ImportResult(dry_run=dry_run)
    limits = read_limits(size_limit=size_limit or by is not None)
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
            if progress:
                # Reported before the transaction, so other connections see the phase change.
                progress("writing", 0, validation.total_rows)
            with transaction.atomic():
                # Serialise imports into one group (PostgreSQL); SQLite's IMMEDIATE transactions
                # already do. FOR NO KEY UPDATE: an edit's foreign-key check on the group row
                # (KEY SHARE) must not wait for it, or an edit holding a KOL and an import waiting
                # for that KOL deadlock (lock order group → KOL → channel).
                organization = Organization.objects.select_for_update(no_key=True).filter(pk=group.pk)
                list(organization.values_list("pk"))
                run.execute(write=True)
                if run.errors:
                    transaction.set_rollback(True)
                elif run.created + run.updated >= ANALYZE_AFTER_ROWS:
                    # Before COMMIT, which runs the deferred foreign-key checks of every row
                    # written: they must be planned on statistics that know these rows.
                    bulk.analyze(run.touched_models())
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


def export_queryset(*, user, query: ChannelQuery, group: Organization | None = None):
    """The channels `user` may export that match `query` (in `group` only, when given), with
    what a row needs prefetched.

    The search is scoped to what `user` may see; export needs `kols.export` in the group too.
    The command line's SYSTEM_READER, a trusted server-side caller, exports what it reads.
    """
    channels = channel_search(user=user, query=query)
    if user is not SYSTEM_READER:
        channels = channels.filter(group_id__in=sorted(group_ids_for(user, "kols.export")))
    if group is not None:
        channels = channels.filter(group_id=group.pk)
    return (
        channels.select_related("kol")
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
    current = getattr(channel, "current_rate_list", None)  # prefetched by export_queryset
    if current is None:
        current = list(current_rates().filter(channel=channel))
    rates = _export_rates(current)
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


def channels_export(*, user, query: ChannelQuery, fmt: str, group: Organization | None = None) -> bytes:
    """The channels `user` may export matching `query`, as `fmt` (csv or xlsx) bytes.

    Streams the search in chunks (with per-chunk prefetching), in the import's columns, with
    formula-like text neutralised; the file re-imports unchanged.
    """
    if fmt not in writers.FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}")
    channels = export_queryset(user=user, query=query, group=group)
    rows = (export_row(channel) for channel in channels.iterator(chunk_size=2000))
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


# ---- import jobs (the upload page and its background task) --------------------------------


def import_job_create(*, by, group: Organization, upload, file_name: str, dry_run: bool) -> ImportJob:
    """Keep an uploaded file as an ImportJob of `group`, to preview (`dry_run`) or import.

    The file goes through Django's storage (every web and worker host sees it). Its rows are
    counted roughly, to choose between running it at once and in the background.
    """
    require(by, "kols.import", group)
    limits = read_limits()
    content = read_upload(upload, limits.max_bytes)
    job = ImportJob(
        group=group,
        created_by=by,
        filename=(file_name or "import")[-255:],
        dry_run=dry_run,
        total_rows=readers.count_rows(file_name, content, limits=limits),
    )
    job.file.save(storage_name(file_name or "import"), ContentFile(content), save=False)
    job.save()
    return job


def import_job_start(job: ImportJob, *, language: str | None = None) -> bool:
    """Run `job` now, or queue it when it has more rows than KOLOPS_IMPORT_BACKGROUND_ROWS.

    Returns whether it was queued. The task starts after the surrounding transaction commits,
    so a worker never looks for a job that is not saved yet.
    """
    from .tasks import import_job_run

    if job.total_rows > settings.KOLOPS_IMPORT_BACKGROUND_ROWS:
        transaction.on_commit(lambda: import_job_run.enqueue(job.pk, language))
        return True
    import_job_run.call(job.pk, language)
    return False


@transaction.atomic
def import_job_confirm(*, by, job: ImportJob) -> ImportJob:
    """Turn a clean preview into the real import (the "Import now" button).

    Only the person who uploaded the file can, and only once: a preview that was already
    confirmed, or that found errors, is refused. The file is checked again when it runs, so
    changes made since the preview are taken into account.
    """
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    require(by, "kols.import", job.group)
    if job.created_by_id != by.pk:
        raise PermissionDenied(_("Only the person who uploaded this file can import it."))
    if not (job.dry_run and job.status == ImportStatus.DONE and not (job.result or {}).get("errors")):
        raise ValidationError(_("This file cannot be imported: preview it first, without errors."))
    if not job.file.name:
        raise ValidationError(_("The file of this preview has been removed. Upload it again to import it."))
    job.dry_run = False
    job.status = ImportStatus.PENDING
    job.processed_rows = 0
    job.result = {}
    job.finished_at = None
    job.save(update_fields=["dry_run", "status", "processed_rows", "result", "finished_at", "updated_at"])
    return job


def import_job_execute(*, job_id: int, language: str | None = None) -> dict:
    """Run ImportJob `job_id` as it says (preview or import) and keep the outcome on it.

    Idempotent: only a waiting job is claimed (one conditional UPDATE), so a task delivered
    twice, or a double click, runs it once; and an import of a file already imported changes
    nothing anyway. A crash marks the job failed; the import itself is all or nothing.
    """
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING, processed_rows=0, result={"phase": "reading"}, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("group", "created_by").get(pk=job_id)
    if not claimed:
        return job.result

    def progress(phase: str, done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(
            processed_rows=done, total_rows=max(total, done), result={"phase": phase}
        )

    with translation.override(language or settings.LANGUAGE_CODE):
        try:
            if job.created_by is None:
                raise PermissionDenied(_("The person who uploaded this file no longer has an account."))
            with job.file.open("rb") as handle:
                data = handle.read()
            result = kols_import(
                by=job.created_by,
                group=job.group,
                file_name=job.filename,
                data=data,
                dry_run=job.dry_run,
                progress=progress,
            )
        except Exception as error:
            logger.exception("Import job %s failed", job_id)
            message = (
                str(error) if isinstance(error, PermissionDenied) else _("The import stopped unexpectedly.")
            )
            payload = {"errors": [RowError(None, None, "", message).as_dict()], "dry_run": job.dry_run}
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportStatus.FAILED, result=payload, finished_at=timezone.now()
            )
            import_job_file_remove(job_id=job_id)  # a rejected file is not kept
            return payload
    payload = {
        **result.as_dict(),
        "warnings": result.warnings,
        "dry_run": result.dry_run,
        "total_rows": result.total_rows,
    }
    ImportJob.objects.filter(pk=job_id).update(
        status=ImportStatus.DONE,
        result=payload,
        total_rows=result.total_rows,
        processed_rows=result.total_rows,
        finished_at=timezone.now(),
    )
    if result.errors:
        import_job_file_remove(job_id=job_id)  # a rejected file is not kept: its report says why
    return payload
