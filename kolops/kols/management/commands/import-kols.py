"""`kolops import-kols FILE [--dry-run] [--json] [--group ID] [--user USERNAME]`.

Imports a KOL file (CSV or XLSX, one row per channel) with the same service as the upload
page: all or nothing, idempotent. With `--json` it prints
{"created": n, "updated": n, "unchanged": n, "errors": [{"row", "column", "message", "value"}]};
the exit status is 1, and nothing is written, when the file has any error.

Who imports: `--user` imports as that user (their permission is checked, history names them).
Without `--user` it is a system import — the command is run on the server by someone with shell
access, who is trusted — into `--group`, or into the only organization group when there is
one. A system import has no upload size limit.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from kolops.accounts.choices import OrganizationKind
from kolops.accounts.models import Organization
from kolops.core.permissions import group_ids_for
from kolops.kols.imports import ImportResult, kols_import


class Command(BaseCommand):
    help = "Import KOLs from a CSV or XLSX file, one row per channel. Nothing is written if any row is wrong."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument("--dry-run", action="store_true", help="check the file and count, write nothing")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--group", type=int, metavar="ID", help="the organization group to import into")
        parser.add_argument(
            "--user", metavar="USERNAME", help="import as this user (default: a system import)"
        )
        parser.add_argument(
            "--encoding", help="the CSV's encoding, when sniffing guesses wrong (e.g. cp1258)"
        )

    def handle(self, *args, file, dry_run, json: bool, group, user, encoding, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file.")
        by = self.user(user)
        target = self.group(group, by)
        result = kols_import(
            by=by,
            group=target,
            file_name=path.name,
            data=path.read_bytes(),
            dry_run=dry_run,
            encoding=encoding,
            size_limit=by is not None,
        )
        if json:
            self.stdout.write(_json(result.as_dict()))
        else:
            self.report(result, target)
        if result.errors:
            raise CommandError("The file has errors; nothing was written.", returncode=1)

    @staticmethod
    def user(username: str | None):
        if not username:
            return None
        found = get_user_model().objects.filter(username=username, is_active=True).first()
        if found is None:
            raise CommandError(f"--user: no active user {username!r}.")
        return found

    @staticmethod
    def group(group_id: int | None, user) -> Organization:
        """The target group: --group, else the only group (the user's, or the installation's)."""
        groups = Organization.objects.filter(kind=OrganizationKind.GROUP)
        if user is not None:
            groups = groups.filter(pk__in=group_ids_for(user, "kols.import"))
        if group_id is not None:
            found = groups.filter(pk=group_id).first()
            if found is None:
                raise CommandError(f"--group: no organization group {group_id} to import into.")
            return found
        candidates = list(groups.order_by("pk")[:20])
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise CommandError("There is no organization group to import into.")
        listed = ", ".join(f"{g.pk} ({g.name})" for g in candidates)
        raise CommandError(f"Several organization groups exist; choose one with --group ID: {listed}.")

    def report(self, result: ImportResult, group: Organization) -> None:
        verb = "would be" if result.dry_run else "were"
        if result.errors:
            self.stderr.write(f"{len(result.errors)} problem(s); nothing was written:")
            for error in result.errors:
                where = f"row {error['row']}" if error["row"] else "file"
                column = f", {error['column']}" if error["column"] else ""
                value = f" (value: {error['value']})" if error.get("value") else ""
                self.stderr.write(f"  {where}{column}: {error['message']}{value}")
            return
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"{group.name}: {result.created} channel(s) {verb} created, {result.updated} updated, "
            f"{result.unchanged} unchanged."
        )


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)
