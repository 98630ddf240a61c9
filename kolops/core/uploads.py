"""Uploaded files are kept private and only as long as they are needed.

- **Private.** Files are written through Django's storage with FILE_UPLOAD_PERMISSIONS (0600)
  in directories made with FILE_UPLOAD_DIRECTORY_PERMISSIONS (0700): only the service user
  reads them. They are never served to browsers except through a view that checks the group.
- **Removed.** Each app that keeps uploads has a purge service, listed in `PURGERS`, which
  removes what is older than the cutoff it is given (now − KOLOPS_UPLOAD_RETENTION_DAYS) and
  keeps the records that say what happened (see each service for what "older" means there).
  The `purge_expired_uploads` task (`kolops.core.tasks`) runs them once a day; it re-enqueues
  itself for the next day, and `kolops migrate` starts it. Every purge is idempotent: running it twice, or two
  runs at once, removes each file once and fails on none.
"""

import datetime
import logging

from django.conf import settings
from django.core.files.storage import Storage
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

# The purge service of each app that keeps uploads: `(before: datetime) -> int` (files removed).
PURGERS = {
    "import_files": "kolops.kols.import_retention.import_files_purge",
    "brief_attachments": "kolops.campaigns.attachments.brief_attachments_purge",
}


# The longest extension a stored file's name keeps (see `storage_name`).
MAX_STORED_EXTENSION = 10


def storage_name(name: str) -> str:
    """The name to store an upload under: `name` with its extension cut to MAX_STORED_EXTENSION
    characters. The record keeps the name as uploaded, for the download and the report.

    Django's storage shortens a long stem to fit the file column, but refuses a name whose
    extension alone does not fit (SuspiciousFileOperation: a 400 page that lost the form).
    """
    stem, dot, extension = name.rpartition(".")
    return f"{stem}{dot}{extension[:MAX_STORED_EXTENSION]}" if dot else name


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Uploads older than this are removed: `now` − KOLOPS_UPLOAD_RETENTION_DAYS."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.KOLOPS_UPLOAD_RETENTION_DAYS)


def stored_file_delete(storage: Storage, name: str) -> None:
    """Remove `name` from `storage`; a file that is already gone is not an error."""
    if name and storage.exists(name):
        storage.delete(name)


def uploads_purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove every app's expired uploads (see `PURGERS`); returns the files removed per kind."""
    before = retention_cutoff(now)
    removed = {kind: import_string(path)(before=before) for kind, path in PURGERS.items()}
    logger.info("Expired uploads removed: %s", removed)
    return removed
