"""`kolops plan`: a campaign's KOL mix from a terminal or a script, as JSON; nothing is saved.

Exit statuses (the command's docstring): 0 when a mix was found, 1 when the constraints cannot
be met, 2 for a bad file or argument.
"""

import copy
import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from kolops.accounts.choices import OrganizationKind
from kolops.accounts.models import Organization
from kolops.accounts.services import organization_create
from kolops.campaigns.models import Brief, Campaign, Proposal, ProposalItem
from kolops.campaigns.tests.factories import EXAMPLES, assert_plan_contract, example, make_campaign, make_pool
from kolops.kols.models import Channel, Kol

pytestmark = pytest.mark.django_db

EXAMPLE_FILE = EXAMPLES / "campaign.json"
# The example's quotas need mid-tier beauty KOLs in Vietnam, which 300 seeded KOLs do not hold.
SEEDED_KOLS = 1000


def run_plan(*args: str) -> tuple[int, str, str]:
    """Run `kolops plan ARGS` in-process: (exit status, stdout, the error message if any)."""
    out = StringIO()
    try:
        call_command("plan", *args, stdout=out, stderr=StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue(), str(error)
    except SystemExit as stop:
        return stop.code, out.getvalue(), ""
    return 0, out.getvalue(), ""


def plan_json(*args: str) -> tuple[int, dict]:
    status, out, error = run_plan(*args, "--json")
    assert not error, error
    return status, json.loads(out)


def write(tmp_path, data, name="campaign.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def example_plan(django_db_setup, django_db_blocker) -> tuple[int, dict]:
    """`kolops plan --campaign-file docs/examples/campaign.json --json` over a seeded group.

    Seeding once for the module keeps the tests fast; it runs in a transaction that is rolled
    back, so no other test sees the seeded KOLs.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        organization_create(name="Sao Mai Group", kind=OrganizationKind.GROUP)
        call_command("seed", kols=SEEDED_KOLS, seed=7, stdout=StringIO())
        assert Kol.objects.count() == SEEDED_KOLS
        result = plan_json("--campaign-file", str(EXAMPLE_FILE))
        transaction.set_rollback(True)
    return result


@pytest.fixture
def campaign(group, specialist, pool) -> Campaign:
    return make_campaign(specialist, Organization.objects.get(name="Lotus Beauty"))


def small_document(**overrides) -> dict:
    """The example without its tier quotas, which the ten KOLs of `pool` can meet."""
    return {**copy.deepcopy(example("campaign.json")), "constraints": {}, **overrides}


# ---------------------------------------------------------------- the example over seeded data


def test_the_example_file_prints_json_with_the_contract_keys(example_plan):
    _status, plan = example_plan
    assert_plan_contract(plan)
    assert (plan["objective"], plan["currency"], plan["budget"], plan["reserve"]) == (
        "engagement",
        "VND",
        150_000_000,
        15_000_000,
    )


def test_the_example_plan_is_optimal_and_exits_zero(example_plan):
    status, plan = example_plan
    assert (status, plan["solver"]["status"], plan["solver"]["message"]) == (0, "optimal", "")
    assert plan["items"]


def test_the_example_plan_spends_at_most_the_budget_minus_the_reserve(example_plan):
    _status, plan = example_plan
    assert 0 < plan["spent"] <= plan["budget"] - plan["reserve"]
    assert sum(item["cost"] for item in plan["items"]) == pytest.approx(plan["spent"])


def test_the_example_plan_is_never_below_greedy(example_plan):
    _status, plan = example_plan
    assert plan["objective_value"] >= plan["greedy"]["objective"] > 0


def test_the_example_plan_meets_its_tier_quotas(example_plan):
    _status, plan = example_plan
    tiers = [item["tier"] for item in plan["items"]]
    for tier, quota in example("campaign.json")["constraints"]["tiers"].items():
        assert quota.get("min_count", 0) <= tiers.count(tier) <= quota.get("max_count", len(tiers)), tier
    assert sum(item["platform"] == "tiktok" for item in plan["items"]) >= 4


# ---------------------------------------------------------------- saved campaigns


def test_a_saved_campaign_is_planned_by_its_id(campaign, pool):
    status, plan = plan_json("--campaign", str(campaign.pk))
    assert (status, plan["solver"]["status"], plan["budget"]) == (0, "optimal", 100_000_000)
    assert plan["items"] and {i["channel_id"] for i in plan["items"]} <= {c.pk for c in pool}


def test_an_unknown_campaign_id_exits_2(db):
    status, _out, error = run_plan("--campaign", "999999", "--json")
    assert (status, error) == (2, "campaign 999999 not found")


def test_user_scopes_the_plan_to_their_groups(campaign, outsider, other_group, tmp_path):
    theirs = make_pool(other_group, outsider, n=10, prefix="ngoai")
    _status, plan = plan_json(
        "--campaign-file", write(tmp_path, small_document()), "--user", outsider.username
    )
    assert plan["items"] and {i["channel_id"] for i in plan["items"]} <= {c.pk for c in theirs}
    # Their scope does not hold the other group's campaign either.
    status, _out, error = run_plan("--campaign", str(campaign.pk), "--user", outsider.username)
    assert (status, error) == (2, f"campaign {campaign.pk} not found")


def test_an_unknown_user_exits_2(db):
    status, _out, error = run_plan("--campaign-file", str(EXAMPLE_FILE), "--user", "ghost")
    assert (status, error) == (2, "no active user 'ghost'")


def test_without_json_it_prints_a_table_of_the_same_plan(campaign):
    _status, plan = plan_json("--campaign", str(campaign.pk))
    status, out, _error = run_plan("--campaign", str(campaign.pk))
    lines = out.splitlines()
    assert status == 0
    assert lines[0].startswith("Solver: optimal, gap 0.0000%")
    assert lines[1].startswith("Budget 100,000,000 VND (reserve 10,000,000), spent ")
    rows = lines[3:-1]
    assert [row.split()[0] for row in rows] == [str(item["channel_id"]) for item in plan["items"]]
    assert all(row.endswith(item["kol"]) for row, item in zip(rows, plan["items"], strict=True))
    assert lines[-1].startswith(f"Expected: {plan['expected']['views']:,} views")


def test_planning_writes_nothing(campaign, pool, tmp_path):
    tables = (Campaign, Brief, Proposal, ProposalItem, Kol, Channel)

    def counts():
        return [m.objects.count() for m in tables] + [Campaign.history.count(), Brief.history.count()]

    before = counts()
    assert run_plan("--campaign", str(campaign.pk), "--json")[0] == 0
    assert run_plan("--campaign-file", write(tmp_path, small_document()), "--json")[0] == 0
    assert counts() == before
    campaign.refresh_from_db()
    assert campaign.status == "draft"


# ---------------------------------------------------------------- bad files and infeasible plans


def test_a_file_that_is_not_json_exits_2_saying_where(tmp_path):
    status, _out, error = run_plan("--campaign-file", write(tmp_path, '{"name": "x",\n  oops}'))
    assert status == 2
    assert error.endswith("not JSON (line 2, column 3: Expecting property name enclosed in double quotes)")


def test_a_file_that_is_not_text_exits_2(tmp_path):
    path = tmp_path / "campaign.json"
    path.write_bytes(b"\xff\xfe\x00binary")
    status, _out, error = run_plan("--campaign-file", str(path))
    assert status == 2
    assert error == f"{path}: not UTF-8 text (byte 0)"


def test_a_missing_file_exits_2(tmp_path):
    status, _out, error = run_plan("--campaign-file", str(tmp_path / "none.json"))
    assert (status, error) == (2, f"{tmp_path / 'none.json'}: No such file or directory")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"budget": "lots"}, "budget"),
        ({"objective": "fame"}, "objective"),
        ({"colour": "red"}, "colour"),
        ({"end_on": "2027-04-01"}, "(file)"),
    ],
    ids=["budget", "objective", "unknown-field", "ends-before-start"],
)
def test_an_invalid_document_exits_2_naming_the_field(tmp_path, change, field):
    status, _out, error = run_plan("--campaign-file", write(tmp_path, {**example("campaign.json"), **change}))
    assert status == 2
    assert error.splitlines()[0].endswith("not a valid campaign document")
    assert any(line.strip().startswith(f"{field}: ") for line in error.splitlines()[1:]), error


def test_a_nested_field_is_named_by_its_path(tmp_path):
    document = example("campaign.json")
    document["constraints"]["tiers"]["nano"]["min_count"] = -1
    status, _out, error = run_plan("--campaign-file", write(tmp_path, document))
    assert status == 2
    assert "  constraints.tiers.nano.min_count: Input should be greater than or equal to 0" in error


def test_unknown_categories_exit_2_naming_them(db, tmp_path):
    path = write(tmp_path, {**example("campaign.json"), "categories": ["beauty", "astrology"]})
    assert run_plan("--campaign-file", path) == (2, "", "unknown categories: astrology")


def test_an_infeasible_document_exits_1_naming_the_constraint(pool, tmp_path):
    # At least 10 nano KOLs wanted; the pool has two.
    path = write(tmp_path, small_document(constraints={"tiers": {"nano": {"min_count": 10}}}))
    status, out, _error = run_plan("--campaign-file", path, "--json")
    plan = json.loads(out)
    assert (status, plan["solver"]["status"], plan["items"]) == (1, "infeasible", [])
    assert plan["solver"]["message"] == "Tier Nano: at least 10 KOLs cannot be met. Eligible candidates: 2."


def test_the_console_command_exits_2_for_a_bad_file(tmp_path):
    """The real entry point passes the status on to the shell (no database is reached)."""
    path = write(tmp_path, "not json")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "kolops.settings.test"}
    done = subprocess.run(
        [sys.executable, "-m", "kolops.cli", "plan", "--campaign-file", path, "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr
    assert "not JSON (line 1, column 1" in done.stderr and done.stdout == ""
