"""`kolops plan`: plan a campaign's KOL mix from a terminal or a script; nothing is saved.

    kolops plan --campaign-file FILE.json [--json] [--user USERNAME]
    kolops plan --campaign ID [--json] [--user USERNAME]

FILE.json is a campaign document (docs/campaigns.md; docs/examples/campaign.json). The plan
runs over the channels of one organization group only: a saved campaign's group, or the group
of the organization the file names (`"organization": ID`; it may be left out when the reader
sees one group only). It reads as the trusted server-side reader, or as `--user`, who must see
that group, through the same `planning_service` as the proposal page and the API.

With `--json` it prints `{"objective", "currency", "budget", "reserve", "spent", "expected":
{"views", "engagements", "clicks"}, "solver": {"status", "gap", "seconds", "message"},
"greedy": {"spent", "objective"}, "objective_value", "items": [{"channel_id", "kol",
"platform", "tier", "cost", "expected", "fit": {"total", "audience", "content",
"performance", "cost", "reliability", "risk"}}]}`; without it, a table. The exit status is 0
when a mix was found, 1 when the constraints cannot be met, 2 for a bad file or argument.
"""

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.management.base import BaseCommand, CommandError
from pydantic import ValidationError

from kolops.campaigns import planning_service
from kolops.campaigns.document import CampaignDocument
from kolops.campaigns.models import Campaign
from kolops.core.permissions import SYSTEM_READER


@contextmanager
def _stdout_to_stderr():
    """Send what native code prints while planning to standard error (HiGHS can print debug
    lines to file descriptor 1), so standard output holds the plan alone."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        os.dup2(2, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)


def _validation_text(error: DjangoValidationError) -> str:
    """A refusal of the planning service as "field: message" lines."""
    if hasattr(error, "error_dict"):
        return "\n".join(
            f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages
        )
    return "\n".join(error.messages)


class Command(BaseCommand):
    help = "Plan a campaign's KOL mix (from a file or a saved campaign) without saving anything."
    requires_system_checks = []  # a read-only command: the checks cost a third of a second

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--campaign-file", metavar="FILE.json", help="A campaign document (JSON).")
        source.add_argument("--campaign", metavar="ID", type=int, help="A saved campaign's id.")
        parser.add_argument("--json", action="store_true", help="Print the plan as JSON.")
        parser.add_argument("--user", metavar="USERNAME", help="Plan with this user's scope.")

    def handle(self, *args, **options):
        started = time.perf_counter()
        user = self._user(options.get("user"))
        doc, group_id = self._document(options, user)
        unknown = planning_service.unknown_categories(doc)
        if unknown:
            raise CommandError(f"unknown categories: {', '.join(unknown)}", returncode=2)
        try:  # group_id None: the group of the organization the file names
            with _stdout_to_stderr():
                outcome = planning_service.plan_document(user=user, doc=doc, group_id=group_id)
        except DjangoValidationError as error:
            raise CommandError(_validation_text(error), returncode=2) from None
        result = planning_service.plan_json(outcome, doc)
        result["seconds_total"] = round(time.perf_counter() - started, 3)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self._print_table(result)
        if outcome.solution.status == "infeasible":
            raise SystemExit(1)

    def _user(self, username):
        if not username:
            return SYSTEM_READER
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}", returncode=2)
        return user

    def _document(self, options, user) -> tuple[CampaignDocument, int | None]:
        """The campaign document, and the group a saved campaign belongs to (None for a file)."""
        if options.get("campaign") is not None:
            campaign = Campaign.objects.for_user(user).filter(pk=options["campaign"]).first()
            if campaign is None:
                raise CommandError(f"campaign {options['campaign']} not found", returncode=2)
            return planning_service.campaign_document(campaign), campaign.group_id
        path = Path(options["campaign_file"])
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}", returncode=2) from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: not UTF-8 text (byte {error.start})", returncode=2) from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})", returncode=2
            ) from None
        try:
            return CampaignDocument.model_validate(data), None
        except ValidationError as error:
            lines = [
                f"  {'.'.join(str(p) for p in e['loc']) or '(file)'}: {e['msg']}" for e in error.errors()
            ]
            raise CommandError(
                f"{path}: not a valid campaign document\n" + "\n".join(lines), returncode=2
            ) from None

    def _print_table(self, result: dict) -> None:
        solver = result["solver"]
        out = self.stdout.write
        out(
            f"Solver: {solver['status']}, gap {solver['gap']:.4%}, {solver['seconds']} s. {solver['message']}"
        )
        out(
            f"Budget {result['budget']:,.0f} {result['currency']} (reserve {result['reserve']:,.0f}), "
            f"spent {result['spent']:,.0f}; objective {result['objective_value']:,.0f}, "
            f"greedy {result['greedy']['objective']:,.0f}"
        )
        out(f"{'channel':>9}  {'tier':<6} {'platform':<12} {'cost':>14} {'views':>11} {'fit':>5}  KOL")
        for item in result["items"]:
            out(
                f"{item['channel_id']:>9}  {item['tier']:<6} {item['platform']:<12} {item['cost']:>14,.0f} "
                f"{item['expected']['views']:>11,} {item['fit']['total']:>5.2f}  {item['kol']}"
            )
        expected = result["expected"]
        out(
            f"Expected: {expected['views']:,} views, {expected['engagements']:,} engagements, {expected['clicks']:,} clicks"
        )
