"""`kolops export-kols FILE [--group ID] [--user USERNAME] [filters of kolops search]`.

Writes the KOL database as FILE, CSV or XLSX by its extension, in the import's columns (one
row per channel), so the file can be edited and imported back. The filters are those of
`kolops search` and the list page (validated by the API's ChannelFilters). Without `--user`
it exports as the trusted server-side reader (every group, or `--group`).
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from kolops.accounts.models import Organization
from kolops.core.money import Currency
from kolops.core.permissions import SYSTEM_READER
from kolops.kols.imports import channels_export
from kolops.kols.schemas import ChannelFilters


class Command(BaseCommand):
    help = "Export KOLs (one row per channel) to a .csv or .xlsx file that imports back unchanged."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write: a .csv or .xlsx file name")
        parser.add_argument("--group", type=int, metavar="ID", help="only this organization group")
        parser.add_argument("--user", metavar="USERNAME", help="export what this user may export")
        parser.add_argument("--q", default="", help="words in names, handles, notes or tags")
        parser.add_argument(
            "--platform", action="append", default=[], metavar="P", help="platform, repeatable"
        )
        parser.add_argument(
            "--category", action="append", default=[], metavar="C", help="category code, repeatable"
        )
        parser.add_argument("--tier", action="append", default=[], metavar="T", help="tier, repeatable")
        parser.add_argument(
            "--region", action="append", default=[], metavar="R", help="home region, repeatable"
        )
        parser.add_argument("--min-followers", metavar="N")
        parser.add_argument("--max-followers", metavar="N")
        parser.add_argument("--min-er", metavar="X", help="engagement rate from (%%)")
        parser.add_argument("--max-price", metavar="AMOUNT")
        parser.add_argument("--currency", default=Currency.VND.value, metavar="CUR")
        parser.add_argument("--include-archived", action="store_true", help="also archived KOLs' channels")

    def handle(self, *args, file, group, user, **options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("csv", "xlsx"):
            raise CommandError(f"{file}: give a file name ending in .csv or .xlsx.")
        reader = SYSTEM_READER
        if user:
            reader = get_user_model().objects.filter(username=user, is_active=True).first()
            if reader is None:
                raise CommandError(f"--user: no active user {user!r}.")
        target = None
        if group is not None:
            target = Organization.objects.filter(pk=group, group_id=group).first()
            if target is None:
                raise CommandError(f"--group: no organization group {group}.")
        try:
            filters = ChannelFilters(
                q=options["q"],
                platform=options["platform"],
                category=options["category"],
                tier=options["tier"],
                region=options["region"],
                min_followers=options["min_followers"],
                max_followers=options["max_followers"],
                min_er=options["min_er"],
                max_price=options["max_price"],
                price_currency=options["currency"],
                include_archived=options["include_archived"],
            )
        except ValidationError as error:
            raise CommandError(
                "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
            ) from None
        data = channels_export(user=reader, query=filters.to_query(), fmt=fmt, group=target)
        path.write_bytes(data)
        self.stdout.write(f"Wrote {path} ({len(data):,} bytes).")
