"""`kolops purge-uploads`: remove the uploaded files past their retention period now.

The daily `purge_expired_uploads` task (started by `kolops migrate`, run by `kolops db_worker`)
does the same; this command is for a cron job or a systemd timer instead of the worker, or to
purge at once. What is removed, and when, is described in kolops.core.uploads and
docs/operations.md. `--schedule` queues the daily task again (when none is waiting).
"""

from django.core.management.base import BaseCommand

from kolops.core import tasks, uploads


class Command(BaseCommand):
    help = "Remove uploaded files past their retention period (KOLOPS_UPLOAD_RETENTION_DAYS)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--schedule",
            action="store_true",
            help="queue the daily purge task instead of purging now (nothing happens when one is waiting)",
        )

    def handle(self, *args, schedule: bool = False, **options):
        if schedule:
            queued = tasks.purge_schedule()
            self.stdout.write(
                "Daily purge queued."
                if queued
                else "Nothing queued: a purge task is already waiting, or the task backend runs tasks at once."
            )
            return
        removed = uploads.uploads_purge()
        self.stdout.write(
            f"Removed {removed['import_files']} import files and {removed['brief_attachments']} brief attachments."
        )
