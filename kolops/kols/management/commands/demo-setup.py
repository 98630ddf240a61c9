"""`kolops demo-setup --kols N`: a ready-to-try installation; prints how to sign in every time."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse

from kolops.campaigns.demo import demo_campaign_setup
from kolops.kols.seeding.demo import demo_setup
from kolops.kols.seeding.writer import iter_counts


class Command(BaseCommand):
    help = (
        "Create the demo organizations, users, KOLs and campaign when missing, and print the sign-in details."
    )

    def add_arguments(self, parser):
        parser.add_argument("--kols", type=int, default=2000, help="KOLs to seed into an empty demo group")
        parser.add_argument("--seed", type=int, default=1, help="random seed of the demo data")
        parser.add_argument(
            "--base-url",
            default=os.environ.get("KOLOPS_BASE_URL", "http://127.0.0.1:8000"),
            help="where the site is served (for the printed sign-in link)",
        )

    def handle(self, *args, kols, seed, base_url, **options):
        result = demo_setup(kols=kols, seed=seed)
        if result.seeded:
            counts = ", ".join(f"{n:,} {kind}" for kind, n in iter_counts(result.seeded))
            self.stdout.write(f"Seeded in {result.seed_seconds:.1f} s: {counts}.")
        self.stdout.write(f"Demo group: {result.group.name} ({result.kols:,} KOLs)")
        specialist = get_user_model().objects.filter(username="specialist").first()
        if specialist and (demo := demo_campaign_setup(group=result.group, by=specialist)):
            if demo.proposal:
                planned = f"proposal v{demo.proposal.version} with {demo.proposal.items.count()} KOLs"
            else:
                planned = f"not planned: {demo.problem}"
            self.stdout.write(f"Demo campaign: {demo.campaign.name}, {planned}.")
        site = base_url.rstrip("/")
        self.stdout.write(self.style.SUCCESS(f"Sign in at {site}{reverse('account_login')}"))
        width = max(len(c.username) for c in result.credentials)
        for credential in result.credentials:
            line = f"  {credential.username:<{width}}  {credential.password}  ({credential.role})"
            if credential.note:
                line += f"  — {credential.note}"
            self.stdout.write(line)
        superusers = [c.username for c in result.credentials if self._is_superuser(c.username)]
        if superusers:
            self.stdout.write(
                f"Superuser: {', '.join(superusers)} (the only account the Django admin at "
                f"{site}{reverse('admin:index')} lets in)."
            )
        self.stdout.write(
            "Superusers and group administrators set up an authenticator app (TOTP) when they first sign in."
        )
        self.stdout.write(f"Passwords are kept in {result.admin_file.parent}/demo-*.txt.")

    @staticmethod
    def _is_superuser(username: str) -> bool:
        return get_user_model().objects.filter(username=username, is_superuser=True).exists()
