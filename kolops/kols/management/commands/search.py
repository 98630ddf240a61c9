"""`kolops search`: the channel search of the KOL list, from a terminal or a script.

    kolops search [--q TEXT] [--platform P] [--category C] [--tier T] [--region R]
                  [--min-followers N] [--max-followers N] [--min-er X]
                  [--max-price AMOUNT --currency CUR] [--limit N] [--user USERNAME] --json

With `--json` it prints a JSON list of channels, each with the keys `id`, `kol_id`, `kol`,
`platform`, `handle`, `followers`, `tier` and `engagement_rate` (a percentage or null).
It runs as a trusted server-side reader across every group, or as `--user` with that user's
scope. The arguments are validated by the API's `ChannelFilters`, and the rows come from
`selectors.channel_page`, so the command, the API and the list page cannot disagree.
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from kolops.core.money import Currency
from kolops.core.permissions import SYSTEM_READER
from kolops.core.tiers import Tier
from kolops.kols import selectors
from kolops.kols.choices import Platform
from kolops.kols.schemas import ChannelBrief, ChannelFilters

# ChannelFilters field → the option that sets it (for error messages).
OPTIONS = {
    "q": "--q",
    "platform": "--platform",
    "category": "--category",
    "tier": "--tier",
    "region": "--region",
    "min_followers": "--min-followers",
    "max_followers": "--max-followers",
    "min_er": "--min-er",
    "max_price": "--max-price",
    "price_currency": "--currency",
}
MAX_LIMIT = 10_000


class Command(BaseCommand):
    help = "Search channels with the KOL list's filters; --json prints a JSON list."

    def add_arguments(self, parser):
        parser.add_argument("--q", default="", help="Words in names, handles, notes or tags.")
        parser.add_argument(
            "--platform",
            action="append",
            default=[],
            metavar="P",
            help=f"Platform, repeatable: {', '.join(Platform.values)}.",
        )
        parser.add_argument(
            "--category", action="append", default=[], metavar="C", help="Category code, repeatable."
        )
        parser.add_argument(
            "--tier",
            action="append",
            default=[],
            metavar="T",
            help=f"Tier, repeatable: {', '.join(Tier.values)}.",
        )
        parser.add_argument(
            "--region",
            action="append",
            default=[],
            metavar="R",
            help="Home region code (VN, VN-SG, CN-GD …).",
        )
        parser.add_argument("--min-followers", metavar="N")
        parser.add_argument("--max-followers", metavar="N")
        parser.add_argument("--min-er", metavar="X", help="Engagement rate from (%%).")
        parser.add_argument("--max-price", metavar="AMOUNT", help="Has a current price up to AMOUNT.")
        parser.add_argument(
            "--currency",
            default=Currency.VND.value,
            metavar="CUR",
            help=f"Currency of --max-price: {', '.join(Currency.values)} (default VND).",
        )
        parser.add_argument("--limit", type=int, default=50, metavar="N", help="At most N channels (50).")
        parser.add_argument("--user", metavar="USERNAME", help="Search with this user's scope.")
        parser.add_argument("--json", action="store_true", help="Print a JSON list.")

    def handle(self, *args, **options):
        limit = options["limit"]
        if not 1 <= int(limit) <= MAX_LIMIT:
            raise CommandError(f"--limit: give a number from 1 to {MAX_LIMIT}.")
        filters = self.filters(options)
        reader = self.reader(options.get("user"))
        page = selectors.channel_page(user=reader, query=filters.to_query(), size=int(limit))
        rows = [ChannelBrief.from_orm(channel).model_dump(mode="json") for channel in page.rows]
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            self.write_table(rows)

    def filters(self, options) -> ChannelFilters:
        """The options as the API's ChannelFilters; invalid values stop with a clear message."""
        values = {
            "q": options.get("q") or "",
            "platform": options.get("platform") or [],
            "category": options.get("category") or [],
            "tier": options.get("tier") or [],
            "region": options.get("region") or [],
            "min_followers": options.get("min_followers"),
            "max_followers": options.get("max_followers"),
            "min_er": options.get("min_er"),
            "max_price": options.get("max_price"),
            "price_currency": options.get("currency") or Currency.VND.value,
        }
        try:
            return ChannelFilters(**values)
        except ValidationError as exc:
            raise CommandError("; ".join(self.describe(error) for error in exc.errors())) from None

    @staticmethod
    def describe(error: dict) -> str:
        loc = error.get("loc") or ()
        option = OPTIONS.get(str(loc[0]), str(loc[0])) if loc else ""
        value = ""
        if loc and "input" in error and not isinstance(error["input"], list | dict):
            value = f" {error['input']!r}"
        message = error["msg"].removeprefix("Value error, ")
        return f"{option}{value}: {message}" if option else message

    @staticmethod
    def reader(username: str | None):
        """Who the search runs as: `--user`, or the system reader (every group, read only)."""
        if not username:
            return SYSTEM_READER
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {username!r}.")
        return user

    def write_table(self, rows: list[dict]) -> None:
        for row in rows:
            er = "—" if row["engagement_rate"] is None else f"{row['engagement_rate']:.2f}%"
            self.stdout.write(
                f"{row['kol'][:30]:<30}  {row['platform']:<12} @{row['handle'][:24]:<24} "
                f"{row['followers']:>12,}  {row['tier']:<6} {er:>8}"
            )
        self.stdout.write(f"{len(rows)} channel(s).")
