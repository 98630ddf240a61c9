"""Every API operation, fuzzed from its OpenAPI schema: no input gives a 5xx, every answer
matches the schema.

schemathesis generates requests for each operation of /api/openapi.json (valid and invalid
bodies, query parameters, ids), a bounded and deterministic number of them, and sends them to
the app in-process as a manager of a group with KOLs, channels, a campaign, a draft proposal
and a proposal a specialist submitted (so that approvals run too). Each request is sent twice: with the ids schemathesis made up (mostly 404s) and with the ids of
the seeded objects, so reads, plans and writes really run. Examples of one operation share a
database transaction, rolled back after the operation.
"""

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from kolops.accounts.models import Organization
from kolops.accounts.services import api_token_create
from kolops.api.api import api
from kolops.campaigns import services as campaign_services
from kolops.campaigns.tests.factories import make_campaign, make_pool

pytestmark = pytest.mark.django_db

# Bounded for CI; KOLOPS_FUZZ_EXAMPLES=500 KOLOPS_FUZZ_COVERAGE=1 searches much further.
EXAMPLES_PER_OPERATION = int(os.environ.get("KOLOPS_FUZZ_EXAMPLES", 25))
COVERAGE_PHASE = os.environ.get("KOLOPS_FUZZ_COVERAGE", "") == "1"

CONFIG = schemathesis.Config.from_dict(
    {
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": COVERAGE_PHASE},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "generation": {"max-examples": EXAMPLES_PER_OPERATION},
    }
)

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler(), config=CONFIG)

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.status_code_conformance,
]


@pytest.fixture(autouse=True)
def connection_kept_open():
    """Requests keep the test's database connection (and its transaction) open, as Django's
    test client does: WSGIHandler would otherwise close it after each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(group, specialist, manager, kol):
    """A manager's token and the ids of objects of their group, by path parameter name: a draft
    proposal to change and submit, and an item of a submitted one to approve or reject."""
    channels = make_pool(group, specialist, n=6, prefix="fuzz")
    brand = Organization.objects.get(name="Lotus Beauty")
    campaign = make_campaign(specialist, brand)
    submitted = campaign_services.proposal_submit(
        by=specialist, proposal=campaign_services.proposal_generate(by=specialist, campaign=campaign)
    )
    draft = campaign_services.proposal_generate(by=specialist, campaign=campaign)
    _record, key = api_token_create(user=manager, name="fuzz")
    return {
        "token": key,
        "ids": {
            "kol_id": kol.pk,
            "channel_id": channels[0].pk,
            "campaign_id": campaign.pk,
            "proposal_id": draft.pk,
            "item_id": submitted.items.first().pk,
        },
        "body_ids": {"organization": brand.pk, "group": group.pk},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=not os.environ.get("KOLOPS_FUZZ_EXAMPLES"),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_input_gives_a_server_error_or_an_answer_outside_the_schema(case, seeded):
    headers = {"Authorization": f"Bearer {seeded['token']}", "If-Match": "*"}

    # With the ids schemathesis made up,
    case.call_and_validate(headers=headers, checks=CHECKS)

    # and with ids of the seeded objects, so that the operation reads or writes one.
    body_ids = isinstance(case.body, dict) and set(case.body) & set(seeded["body_ids"])
    if case.path_parameters or body_ids:
        for name in case.path_parameters or {}:
            case.path_parameters[name] = seeded["ids"].get(name, case.path_parameters[name])
        for name in body_ids or ():
            case.body[name] = seeded["body_ids"][name]
        case.call_and_validate(headers=headers, checks=CHECKS)


def test_every_operation_of_the_api_is_fuzzed():
    # Given the operations the API declares, when schemathesis reads its schema, then it can
    # generate requests for each of them (none is dropped as unreadable).
    declared = {
        f"{method.upper()} {path}"
        for path, methods in api.get_openapi_schema()["paths"].items()
        for method in methods
    }
    readable = {result.ok().label for result in schema.get_all_operations() if hasattr(result, "ok")}
    assert declared and readable == declared
