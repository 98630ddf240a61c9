"""`kolops retier`: re-derive channel tiers after KOLOPS_TIER_SCHEME or its overrides changed."""

from django.core.management.base import BaseCommand

from kolops.kols.services import channels_retier


class Command(BaseCommand):
    help = "Re-derive every channel's tier from its followers under the active tier scheme."

    def handle(self, *args, **options):
        changed = channels_retier()
        self.stdout.write(f"{changed} channel(s) changed tier.")
