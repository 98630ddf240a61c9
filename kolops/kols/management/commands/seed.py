"""`kolops seed --kols N [--seed S] [--group ID]`: add realistic synthetic KOLs to a group."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max
from django.utils import timezone

from kolops.accounts.choices import OrganizationKind
from kolops.accounts.models import Organization
from kolops.kols.models import Kol
from kolops.kols.seeding.demo import DEMO_GROUP
from kolops.kols.seeding.generator import generate_kols
from kolops.kols.seeding.writer import iter_counts, seed_write


def resolve_group(group_id: int | None) -> Organization:
    """The group to seed: the one given (or the group it belongs to), the only one, or the demo group."""
    if group_id is not None:
        org = Organization.objects.filter(pk=group_id).select_related("group").first()
        if org is None:
            raise CommandError(f"No organization with id {group_id}.")
        return org.group or org
    groups = Organization.objects.filter(kind=OrganizationKind.GROUP)
    if groups.count() == 1:
        return groups.get()
    demo = groups.filter(name=DEMO_GROUP).first()
    if demo is None:
        raise CommandError("Name the group with --group ID (or run `kolops demo-setup` first).")
    return demo


class Command(BaseCommand):
    help = "Add N synthetic Vietnamese and Chinese KOLs, with channels, audiences, prices and history."

    def add_arguments(self, parser):
        parser.add_argument("--kols", type=int, required=True, help="how many KOLs to add")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--group", type=int, help="id of the group (default: the only or the demo group)")

    def handle(self, *args, kols, seed, group, **options):
        if kols < 0:
            raise CommandError("--kols must be zero or more.")
        target = resolve_group(group)
        # Numbers in handles continue after every KOL id ever given, so handles stay unique.
        start = Kol.objects.aggregate(last=Max("id"))["last"] or 0
        started = time.perf_counter()
        data = generate_kols(kols, seed=seed, start=start, today=timezone.localdate())
        result = seed_write(group=target, kols=data)
        seconds = time.perf_counter() - started
        counts = ", ".join(f"{n:,} {kind}" for kind, n in iter_counts(result))
        self.stdout.write(self.style.SUCCESS(f"Seeded {target.name} in {seconds:.1f} s: {counts}."))
