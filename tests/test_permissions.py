"""Who may open every URL of the project: one explicit rule per URL name, checked for every role.

`RULES` names each URL pattern of `kolops.urls` (pages and API operations) with the kind of
access it grants. A URL added without a rule fails `test_every_url_has_a_permission_rule`, so
nobody can ship a page or an endpoint whose permissions were never stated. Admin URLs are one
family: only superusers get in.

For every rule and method the test runs as:
  anonymous → sent to the login page (pages) or 401 (API);
  outsider  → an administrator of another group: 404 for this group's objects, their own group
              only on lists, and nothing of this group changes;
  viewer    → this group's read-only role: reads work, every write is 403 and changes nothing;
  stranger  → signed in without any membership: refused (403 / 404) or shown nothing;
  editor    → the control: a specialist of this group (or the record's owner) is let in, so
              the refusals above are not an accident of a broken URL.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from kolops.accounts.services import api_token_create
from kolops.api.api import api
from kolops.kols import services
from kolops.kols.models import ImportJob

pytestmark = pytest.mark.django_db
User = get_user_model()

# ---------------------------------------------------------------- kinds of access

PUBLIC = "public"  # anyone, signed in or not (login, language switch, API docs)
PERSONAL = "personal"  # any signed-in user, on their own records only (password, tokens, saved searches)
MEMBERS = "members"  # no group data (the import template): any member of some group, nobody else
GROUP_READ = "group read"  # a list of the caller's groups: an outsider sees only their own group
OBJECT_READ = "object read"  # one object: members of its group see it, others get 404
GROUP_WRITE = "group write"  # a form or endpoint that adds to a group: editors only
OBJECT_WRITE = "object write"  # a change to one object: 404 outside its group, 403 for viewers
OWNER_ONLY = "owner only"  # a record of one user: 404 for everybody else
EXPORT = "export"  # a download of the caller's groups: not for viewers (kols.export)
ROUTE_ONLY = "route only"  # not a page (ninja's API root): 404 for everyone
APPROVE = "approve"  # a manager's decision on one object: 404 outside its group, 403 for the rest


def _none(world) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    """How to call one URL name, and the kind of access it grants."""

    access: str
    methods: tuple[str, ...] = ("GET",)
    kwargs: Callable[[SimpleNamespace], dict] = _none
    data: Callable[[SimpleNamespace], dict] = _none
    secret: str = "ngoctrinh"  # text that shows this group's data is in the answer
    api_path: str | None = None  # the OpenAPI path of an API operation (answers 401, takes JSON)
    overrides: tuple[tuple[str, str], ...] = ()  # (role, expected status) where the kind's rule differs
    headers: tuple[tuple[str, str], ...] = ()  # request headers (an API update's If-Match)


def kol_pk(w):
    return {"pk": w.kol.pk}


def channel_pk(w):
    return {"pk": w.channel.pk}


GET_POST = ("GET", "POST")
WITHOUT_AUTHENTICATOR = (("outsider", 404), ("viewer", 404), ("stranger", 404))
KOL_FORM = {"display_name": "Changed", "kol_type": "kol", "status": "active"}
CHANNEL_FORM = {"platform": "tiktok", "handle": "ngoctrinh", "followers": 1, "er_basis": "followers"}


def campaign_pk(w):
    return {"pk": w.campaign.pk}


def draft_pk(w):
    return {"pk": w.draft.pk}


def draft_item_pk(w):
    return {"pk": w.draft_item.pk}


# API updates need If-Match; `*` accepts any version (the permission checks come before it).
ANY_VERSION = (("If-Match", "*"),)
CAMPAIGN_SECRET = "Lotus Summer"
CAMPAIGN_FORM = {
    "name": "Changed",
    "objective": "awareness",
    "start_on": "2027-01-01",
    "end_on": "2027-02-01",
    "budget": "1000000",
    "currency": "VND",
    "reserve_percent": "10",
}


def campaign_document(w) -> dict:
    return {
        "name": "Intruder campaign",
        "objective": "awareness",
        "organization": w.group.pk,
        "start_on": "2027-01-01",
        "end_on": "2027-02-01",
        "budget": "1000000",
        "currency": "VND",
        "brief": {"deliverables": [{"type": "post", "platform": "tiktok", "count": 1}]},
    }


RULES: dict[str, Rule] = {
    "home": Rule(PUBLIC),
    # accounts
    # accounts: allauth's pages (sign-in, passwords, second factor, identity provider)
    "account_login": Rule(PUBLIC, GET_POST, data=lambda w: {"login": "nobody", "password": "wrong"}),
    "account_logout": Rule(PUBLIC, ("POST",)),
    "account_inactive": Rule(PUBLIC),
    # Sign-up is closed: the form is answered and nobody is created (the snapshot is unchanged).
    "account_signup": Rule(
        PUBLIC,
        GET_POST,
        data=lambda w: {
            "username": "intruder",
            "email": "intruder@example.com",
            "password1": "Kolops-test-pass-1",
            "password2": "Kolops-test-pass-1",
        },
    ),
    "account_reauthenticate": Rule(PERSONAL, GET_POST, data=lambda w: {"password": "wrong"}),
    "account_request_reauthentication_code": Rule(PERSONAL, GET_POST),
    "account_confirm_reauthentication_code": Rule(PERSONAL, GET_POST),
    "account_email": Rule(PERSONAL, GET_POST),
    "account_email_verification_sent": Rule(PUBLIC),
    "account_change_password": Rule(PERSONAL, GET_POST, data=lambda w: {"oldpassword": "wrong"}),
    "account_set_password": Rule(PERSONAL, GET_POST),
    "account_reset_password": Rule(PUBLIC, GET_POST, data=lambda w: {"email": "nobody@example.com"}),
    "account_reset_password_done": Rule(PUBLIC),
    "account_reset_password_from_key": Rule(
        PUBLIC,
        GET_POST,
        kwargs=lambda w: {"uidb36": "1", "key": "no-such-key"},
        data=lambda w: {"password1": "x", "password2": "x"},
    ),
    "account_reset_password_from_key_done": Rule(PUBLIC),
    "account_confirm_login_code": Rule(PUBLIC, GET_POST),
    "account_confirm_email": Rule(PUBLIC, kwargs=lambda w: {"key": "no-such-key"}),
    "mfa_index": Rule(PERSONAL),
    "mfa_authenticate": Rule(PUBLIC, GET_POST),
    "mfa_reauthenticate": Rule(PERSONAL, GET_POST),
    "mfa_activate_totp": Rule(PERSONAL, GET_POST),
    "mfa_generate_recovery_codes": Rule(PERSONAL, GET_POST),
    # Pages of an authenticator app the user has: nobody in the world has one, so 404.
    "mfa_deactivate_totp": Rule(PERSONAL, GET_POST, overrides=WITHOUT_AUTHENTICATOR),
    "mfa_view_recovery_codes": Rule(PERSONAL, overrides=WITHOUT_AUTHENTICATOR),
    "mfa_download_recovery_codes": Rule(PERSONAL, overrides=WITHOUT_AUTHENTICATOR),
    "socialaccount_login_cancelled": Rule(PUBLIC),
    # The error page of a failed identity-provider sign-in answers 401 to everybody.
    "socialaccount_login_error": Rule(
        PUBLIC, overrides=tuple((role, 401) for role in ("anonymous", "outsider", "viewer", "stranger"))
    ),
    "socialaccount_signup": Rule(PUBLIC, GET_POST),
    "socialaccount_connections": Rule(PERSONAL, GET_POST),
    # No identity provider is configured by default: its sign-in routes find nothing.
    "openid_connect_login": Rule(ROUTE_ONLY, GET_POST, kwargs=lambda w: {"provider_id": "company"}),
    "openid_connect_callback": Rule(ROUTE_ONLY, kwargs=lambda w: {"provider_id": "company"}),
    "accounts:tokens": Rule(PERSONAL, GET_POST, data=lambda w: {"name": "mine"}),
    "accounts:token_revoke": Rule(OWNER_ONLY, ("POST",), kwargs=lambda w: {"pk": w.token.pk}),
    "set_language": Rule(PUBLIC, ("POST",), data=lambda w: {"language": "en", "next": "/kols/"}),
    # KOL pages
    "kols:list": Rule(GROUP_READ),
    "kols:count": Rule(GROUP_READ, secret="1 channel"),  # the group has one channel
    "kols:create": Rule(GROUP_WRITE, GET_POST, data=lambda w: {**KOL_FORM, "group": w.group.pk}),
    "kols:detail": Rule(OBJECT_READ, kwargs=kol_pk),
    "kols:edit": Rule(OBJECT_WRITE, GET_POST, kwargs=kol_pk, data=lambda w: KOL_FORM),
    "kols:archive": Rule(OBJECT_WRITE, ("POST",), kwargs=kol_pk),
    "kols:channel_create": Rule(
        OBJECT_WRITE, GET_POST, kwargs=kol_pk, data=lambda w: {**CHANNEL_FORM, "handle": "another"}
    ),
    "kols:contact_create": Rule(
        OBJECT_WRITE, ("POST",), kwargs=kol_pk, data=lambda w: {"via": "phone", "summary": "Called"}
    ),
    "kols:channel_edit": Rule(OBJECT_WRITE, GET_POST, kwargs=channel_pk, data=lambda w: CHANNEL_FORM),
    "kols:channel_delete": Rule(OBJECT_WRITE, ("POST",), kwargs=channel_pk),
    "kols:rate_create": Rule(
        OBJECT_WRITE,
        GET_POST,
        kwargs=channel_pk,
        data=lambda w: {"deliverable_type": "post", "price": "100", "currency": "VND"},
    ),
    "kols:rate_delete": Rule(OBJECT_WRITE, ("POST",), kwargs=lambda w: {"pk": w.rate.pk}),
    # A saved search is the caller's own list filter: viewers may keep them too, but it lives
    # in a group, so a user without a membership cannot.
    "kols:search_save": Rule(
        PERSONAL, ("POST",), data=lambda w: {"name": "Mine", "query": "q=x"}, overrides=(("stranger", 403),)
    ),
    "kols:search_delete": Rule(OWNER_ONLY, ("POST",), kwargs=lambda w: {"pk": w.saved_search.pk}),
    # import and export
    "kols:export": Rule(EXPORT, kwargs=lambda w: {"fmt": "csv"}),
    "kols:import": Rule(
        GROUP_WRITE,
        GET_POST,
        data=lambda w: {
            "group": w.group.pk,
            "file": SimpleUploadedFile(
                "kols.csv", b"display_name,platform,handle\nIntruder,tiktok,intruder\n"
            ),
        },
    ),
    # The empty template is no data: any member may download it.
    "kols:import_template": Rule(MEMBERS, kwargs=lambda w: {"fmt": "csv"}),
    "kols:import_job": Rule(OBJECT_WRITE, kwargs=lambda w: {"pk": w.import_job.pk}),
    "kols:import_confirm": Rule(OBJECT_WRITE, ("POST",), kwargs=lambda w: {"pk": w.import_job.pk}),
    "kols:import_cancel": Rule(OBJECT_WRITE, ("POST",), kwargs=lambda w: {"pk": w.import_job.pk}),
    # campaigns, briefs, proposals
    "campaigns:list": Rule(GROUP_READ, secret=CAMPAIGN_SECRET),
    "campaigns:create": Rule(
        GROUP_WRITE, GET_POST, data=lambda w: {**CAMPAIGN_FORM, "organization": w.group.pk}
    ),
    "campaigns:detail": Rule(OBJECT_READ, kwargs=campaign_pk, secret=CAMPAIGN_SECRET),
    "campaigns:edit": Rule(
        OBJECT_WRITE,
        GET_POST,
        kwargs=campaign_pk,
        data=lambda w: {**CAMPAIGN_FORM, "organization": w.group.pk},
    ),
    "campaigns:status": Rule(
        OBJECT_WRITE, ("POST",), kwargs=campaign_pk, data=lambda w: {"status": "closed"}
    ),
    "campaigns:brief": Rule(
        OBJECT_WRITE,
        GET_POST,
        kwargs=campaign_pk,
        data=lambda w: {
            "product_category": "general",
            "usage_kind": "organic",
            "deliverables-TOTAL_FORMS": "0",
            "deliverables-INITIAL_FORMS": "0",
        },
    ),
    "campaigns:plan": Rule(OBJECT_WRITE, ("POST",), kwargs=campaign_pk),
    "campaigns:attachment": Rule(OBJECT_READ, kwargs=lambda w: {"pk": w.attachment.pk}),
    "campaigns:proposal": Rule(OBJECT_READ, kwargs=draft_pk),
    "campaigns:proposal_pick": Rule(OBJECT_WRITE, kwargs=draft_pk),
    "campaigns:proposal_add": Rule(
        OBJECT_WRITE, ("POST",), kwargs=draft_pk, data=lambda w: {"channel": w.channel.pk}
    ),
    "campaigns:proposal_submit": Rule(OBJECT_WRITE, ("POST",), kwargs=draft_pk),
    "campaigns:proposal_copy": Rule(OBJECT_WRITE, ("POST",), kwargs=lambda w: {"pk": w.submitted.pk}),
    # An export reads one proposal: outside its group 404, and viewers may not export (403).
    "campaigns:proposal_export": Rule(OBJECT_WRITE, kwargs=lambda w: {"pk": w.draft.pk, "fmt": "xlsx"}),
    "campaigns:item_remove": Rule(OBJECT_WRITE, ("POST",), kwargs=draft_item_pk),
    "campaigns:item_alternatives": Rule(OBJECT_WRITE, kwargs=draft_item_pk),
    "campaigns:item_swap": Rule(
        OBJECT_WRITE, ("POST",), kwargs=draft_item_pk, data=lambda w: {"channel": w.channel.pk}
    ),
    "campaigns:item_decide": Rule(
        APPROVE,
        ("POST",),
        kwargs=lambda w: {"pk": w.submitted_item.pk},
        data=lambda w: {"decision": "approved"},
    ),
    # REST API (kols.api)
    "api:api-root": Rule(ROUTE_ONLY),
    "api:unknown_path": Rule(ROUTE_ONLY, kwargs=lambda w: {"rest": "kols/abc"}),  # a JSON 404
    "api:no_operation": Rule(ROUTE_ONLY),  # /api/ itself, a JSON 404
    "api:openapi-json": Rule(PUBLIC),
    "api:openapi-view": Rule(PUBLIC),
    "api:list_channels": Rule(GROUP_READ, api_path="/api/channels"),
    "api:get_channel": Rule(
        OBJECT_READ, kwargs=lambda w: {"channel_id": w.channel.pk}, api_path="/api/channels/{channel_id}"
    ),
    "api:update_channel": Rule(
        OBJECT_WRITE,
        ("PATCH",),
        kwargs=lambda w: {"channel_id": w.channel.pk},
        data=lambda w: {"followers": 1},
        api_path="/api/channels/{channel_id}",
        headers=ANY_VERSION,
    ),
    "api:list_kols": Rule(GROUP_READ, secret="Trinh", api_path="/api/kols"),
    "api:create_kol": Rule(
        GROUP_WRITE,
        ("POST",),
        data=lambda w: {"display_name": "Intruder", "group": w.group.pk},
        api_path="/api/kols",
    ),
    "api:get_kol": Rule(OBJECT_READ, kwargs=lambda w: {"kol_id": w.kol.pk}, api_path="/api/kols/{kol_id}"),
    "api:update_kol": Rule(
        OBJECT_WRITE,
        ("PATCH",),
        kwargs=lambda w: {"kol_id": w.kol.pk},
        data=lambda w: {"notes": "changed"},
        api_path="/api/kols/{kol_id}",
        headers=ANY_VERSION,
    ),
    "api:create_channel": Rule(
        OBJECT_WRITE,
        ("POST",),
        kwargs=lambda w: {"kol_id": w.kol.pk},
        data=lambda w: {"platform": "youtube", "handle": "intruder"},
        api_path="/api/kols/{kol_id}/channels",
    ),
    # REST API (campaigns.api)
    "api:list_campaigns": Rule(GROUP_READ, secret=CAMPAIGN_SECRET, api_path="/api/campaigns"),
    "api:create_campaign": Rule(GROUP_WRITE, ("POST",), data=campaign_document, api_path="/api/campaigns"),
    "api:get_campaign": Rule(
        OBJECT_READ,
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        secret=CAMPAIGN_SECRET,
        api_path="/api/campaigns/{campaign_id}",
    ),
    "api:update_campaign": Rule(
        OBJECT_WRITE,
        ("PUT",),
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        data=campaign_document,
        api_path="/api/campaigns/{campaign_id}",
        headers=ANY_VERSION,
    ),
    "api:patch_campaign": Rule(
        OBJECT_WRITE,
        ("PATCH",),
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        data=lambda w: {"name": "Intruder campaign"},
        api_path="/api/campaigns/{campaign_id}",
        headers=ANY_VERSION,
    ),
    "api:get_brief": Rule(
        OBJECT_READ,
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        secret=CAMPAIGN_SECRET,
        api_path="/api/campaigns/{campaign_id}/brief",
    ),
    "api:update_brief": Rule(
        OBJECT_WRITE,
        ("PUT",),
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        data=lambda w: {"notes": "changed"},
        api_path="/api/campaigns/{campaign_id}/brief",
        headers=ANY_VERSION,
    ),
    "api:patch_brief": Rule(
        OBJECT_WRITE,
        ("PATCH",),
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        data=lambda w: {"notes": "changed"},
        api_path="/api/campaigns/{campaign_id}/brief",
        headers=ANY_VERSION,
    ),
    "api:plan_campaign": Rule(
        OBJECT_READ,
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        secret="Trinh",
        api_path="/api/campaigns/{campaign_id}/plan",
    ),
    # Plans a document in the group of the organization it names: a caller without a role there is
    # refused as if the organization did not exist (422), so none of its KOLs are shown.
    "api:plan_document": Rule(
        GROUP_READ,
        ("POST",),
        data=campaign_document,
        secret="Trinh",
        api_path="/api/plan",
        overrides=(("outsider", 422), ("stranger", 422)),
    ),
    "api:list_proposals": Rule(
        OBJECT_READ,
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        secret="optimizer",
        api_path="/api/campaigns/{campaign_id}/proposals",
    ),
    "api:create_proposal": Rule(
        OBJECT_WRITE,
        ("POST",),
        kwargs=lambda w: {"campaign_id": w.campaign.pk},
        api_path="/api/campaigns/{campaign_id}/proposals",
    ),
    "api:get_proposal": Rule(
        OBJECT_READ,
        kwargs=lambda w: {"proposal_id": w.draft.pk},
        secret="Trinh",
        api_path="/api/proposals/{proposal_id}",
    ),
    "api:submit_proposal": Rule(
        OBJECT_WRITE,
        ("POST",),
        kwargs=lambda w: {"proposal_id": w.draft.pk},
        api_path="/api/proposals/{proposal_id}/submit",
    ),
    "api:decide_item": Rule(
        APPROVE,
        ("POST",),
        kwargs=lambda w: {"item_id": w.submitted_item.pk},
        data=lambda w: {"decision": "approved"},
        api_path="/api/proposal-items/{item_id}/decision",
    ),
}

# Regex parts of URLs (the admin's, allauth's), with an example path each.
ADMIN_REGEX_EXAMPLES = {
    r"^([^/]+)/history/([^/]+)/$": "1/history/1/",
    r"(?P<url>.*)$": "no-such-page/",
    # allauth's one-time links
    r"^confirm-email/(?P<key>[-:\w]+)/$": "confirm-email/no-such-key/",
    r"^password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$": "password/reset/key/1-no-such-key/",
    r"^(?P<provider_id>[^/]+)/": "company/",
}
ROLES = ("anonymous", "outsider", "viewer", "stranger", "editor", "approver")
# Who the control request runs as, per kind of access (None: no control needed).
CONTROL_ROLE = {
    GROUP_WRITE: "editor",
    OBJECT_WRITE: "editor",
    OWNER_ONLY: "editor",
    EXPORT: "editor",
    APPROVE: "approver",
}


# ---------------------------------------------------------------- the URL map


def url_patterns(patterns=None, prefix: str = "", example: str = "", namespace: str = ""):
    """Every URL pattern of the project: (name with namespace, route text, example path)."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        route = str(pattern.pattern)
        part = _example(route)
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from url_patterns(pattern.url_patterns, prefix + route, example + part, inner)
        else:
            assert isinstance(pattern, URLPattern)
            name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
            yield name, prefix + route, "/" + example + part


def _example(route: str) -> str:
    """A concrete path for one pattern part: converters become 1, known regexes an example."""
    if route.startswith("^") or "(?P<" in route or route.endswith("$"):
        if route in ADMIN_REGEX_EXAMPLES:
            return ADMIN_REGEX_EXAMPLES[route]
        match = re.fullmatch(r"\^\(\?P<app_label>([\w|]+)\)/\$", route)
        if match:
            return match.group(1).split("|")[0] + "/"
        raise AssertionError(f"add an example path for the URL regex {route!r} to ADMIN_REGEX_EXAMPLES")
    return re.sub(r"<[^>]+>", "1", route)


def test_every_url_has_a_permission_rule():
    missing = sorted(
        f"{name} ({route})"
        for name, route, _example_path in url_patterns()
        if name not in RULES and not name.startswith("admin:")
    )
    assert missing == [], "URLs without a permission rule in tests/test_permissions.py: " + ", ".join(missing)
    names = {name for name, _route, _path in url_patterns()}
    assert sorted(set(RULES) - names) == [], "rules for URLs that no longer exist"


def test_every_api_operation_has_a_permission_rule():
    schema = api.get_openapi_schema()
    operations = {(method.upper(), path) for path, item in schema["paths"].items() for method in item}
    ruled = {(rule.methods[0], rule.api_path) for rule in RULES.values() if rule.api_path}
    assert operations == ruled
    assert all(len(rule.methods) == 1 for rule in RULES.values() if rule.api_path)


# ---------------------------------------------------------------- the world the requests meet


def campaign_world(group, specialist, manager) -> dict:
    """A campaign with a brief and an attachment, a submitted proposal version and a draft one."""
    from kolops.campaigns import services as campaign_services

    campaign = campaign_services.campaign_create(
        by=specialist,
        organization=group,
        data={**CAMPAIGN_FORM, "name": "Lotus Summer launch", "budget": Decimal(1_000_000)},
    )
    brief = campaign_services.brief_save(
        by=specialist,
        campaign=campaign,
        document={
            "product": {"name": "Lotus Summer tint"},
            "deliverables": [{"type": "post", "platform": "tiktok", "count": 1}],
        },
    )
    attachment = campaign_services.brief_attach(
        by=specialist, brief=brief, file=ContentFile(b"ngoctrinh brief notes", name="notes.txt")
    )
    submitted = campaign_services.proposal_generate(by=specialist, campaign=campaign)
    campaign_services.proposal_submit(by=specialist, proposal=submitted)
    draft = campaign_services.proposal_generate(by=specialist, campaign=campaign)
    return {
        "campaign": campaign,
        "attachment": attachment,
        "submitted": submitted,
        "submitted_item": submitted.items.get(),
        "draft": draft,
        "draft_item": draft.items.get(),
        "approver": manager,
    }


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """The sign-in pages count attempts in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(group, other_group, specialist, manager, viewer, outsider, kol, channel):
    """A group with a KOL, channel, rate, saved search, API token and import job, a campaign
    with proposals, and its people."""
    rate = services.rate_card_save(
        by=specialist,
        channel=channel,
        data={"deliverable_type": "post", "price": Decimal(100), "currency": "VND"},
    )
    saved_search = services.saved_search_create(
        by=specialist, group=group, name="Beauty", query="category=beauty"
    )
    token, _key = api_token_create(user=specialist, name="laptop")
    import_job = ImportJob.objects.create(
        group=group,
        created_by=specialist,
        file=ContentFile(b"display_name\nX\n", name="kols.csv"),
        filename="kols.csv",
        dry_run=True,
    )
    return SimpleNamespace(
        group=group,
        kol=kol,
        channel=channel,
        rate=rate,
        saved_search=saved_search,
        token=token,
        import_job=import_job,
        anonymous=None,
        outsider=outsider,
        viewer=viewer,
        stranger=User.objects.create_user(username="stranger", password="Kolops-test-pass-1"),
        editor=specialist,
        **campaign_world(group, specialist, manager),
    )


VOLATILE_FIELDS = {"last_login", "last_used_at"}


def snapshot(except_owned_by=None) -> dict:
    """Every row of the KOL and account apps and of users (history included).

    `except_owned_by` leaves out that user's own records, for the pages that change only them.
    """
    models = [
        *apps.get_app_config("kols").get_models(),
        *apps.get_app_config("accounts").get_models(),
        *apps.get_app_config("campaigns").get_models(),
        User,
    ]
    state = {}
    for model in models:
        rows = model._default_manager.order_by("pk")
        if except_owned_by is not None:
            if model is User:
                rows = rows.exclude(pk=except_owned_by.pk)
            elif "user" in {f.name for f in model._meta.fields}:
                rows = rows.exclude(user=except_owned_by)
        state[model._meta.label] = [
            {k: v for k, v in row.items() if k not in VOLATILE_FIELDS} for row in rows.values()
        ]
    return state


def request(client, method: str, url: str, rule: Rule, world):
    data = rule.data(world)
    if rule.api_path:
        if method == "GET":
            return client.get(url)
        return client.generic(
            method, url, json.dumps(data), content_type="application/json", headers=dict(rule.headers)
        )
    return client.get(url) if method == "GET" else client.post(url, data)


# ---------------------------------------------------------------- what each role must get


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def assert_sent_to_login(response, rule):
    if rule.api_path:
        assert response.status_code == 401, response.status_code
    else:
        assert is_login_redirect(response), (response.status_code, response.get("Location"))


def assert_answered(response, rule):
    # Public pages may redirect anywhere, even to the login page (logout does).
    assert response.status_code < 400, response.status_code


def assert_let_in(response, rule):
    assert response.status_code < 400, response.status_code
    assert not is_login_redirect(response)


def assert_shows_group_data(response, rule):
    assert_let_in(response, rule)
    assert rule.secret in text_of(response)


def assert_hides_group_data(response, rule):
    assert_let_in(response, rule)
    assert rule.secret not in text_of(response)


def assert_status(code):
    def check(response, rule):
        assert response.status_code == code, response.status_code

    return check


def assert_status_in(*codes):
    def check(response, rule):
        assert response.status_code in codes, response.status_code

    return check


def assert_refused_or_hidden(response, rule):
    # Pages refuse a user without a membership (403); API lists answer with nothing.
    if response.status_code != 403:
        assert_hides_group_data(response, rule)


def assert_nothing_into_group(response, rule):
    # An outsider may use the form for their own group; aimed at this group it must not act.
    assert response.status_code < 500 and response.status_code != 401, response.status_code


EXPECTED = {
    PUBLIC: {
        "anonymous": assert_answered,
        "outsider": assert_answered,
        "viewer": assert_answered,
        "stranger": assert_answered,
    },
    PERSONAL: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_let_in,
        "viewer": assert_let_in,
        "stranger": assert_let_in,
    },
    MEMBERS: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_let_in,
        "viewer": assert_let_in,
        "stranger": assert_status(403),
    },
    GROUP_READ: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_hides_group_data,
        "viewer": assert_shows_group_data,
        "stranger": assert_refused_or_hidden,
    },
    OBJECT_READ: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_status(404),
        "viewer": assert_shows_group_data,
        "stranger": assert_status_in(403, 404),
    },
    GROUP_WRITE: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_nothing_into_group,
        "viewer": assert_status(403),
        "editor": assert_let_in,
        "stranger": assert_status(403),
    },
    OBJECT_WRITE: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_status(404),
        "viewer": assert_status(403),
        "editor": assert_let_in,
        "stranger": assert_status_in(403, 404),
    },
    OWNER_ONLY: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_status(404),
        "viewer": assert_status(404),
        "editor": assert_let_in,
        "stranger": assert_status_in(403, 404),
    },
    EXPORT: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_hides_group_data,
        "viewer": assert_status(403),
        "editor": assert_shows_group_data,
        "stranger": assert_status(403),
    },
    APPROVE: {
        "anonymous": assert_sent_to_login,
        "outsider": assert_status(404),
        "viewer": assert_status(403),
        "stranger": assert_status_in(403, 404),
        "editor": assert_status(403),
        "approver": assert_let_in,
    },
    ROUTE_ONLY: {
        "anonymous": assert_status(404),
        "outsider": assert_status(404),
        "viewer": assert_status(404),
        "stranger": assert_status(404),
    },
}


def cases():
    for name, rule in RULES.items():
        for method in rule.methods:
            for role in ROLES:
                if role in EXPECTED[rule.access]:
                    yield pytest.param(name, method, role, id=f"{name} {method} {role}")


def is_placeholder(url: str) -> bool:
    """The import / export views are being written: until then they are `_NotYet` stubs."""
    view_class = getattr(resolve(url).func, "view_class", None)
    return view_class is not None and view_class.__name__ == "_NotYet"


@pytest.mark.parametrize(("name", "method", "role"), list(cases()))
def test_access(world, client, name, method, role):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(world))
    user = getattr(world, role)
    if user is not None:
        client.force_login(user)
    may_change = role == CONTROL_ROLE.get(rule.access)
    own_records_only = rule.access == PERSONAL and user is not None
    before = snapshot(except_owned_by=user if own_records_only else None)

    response = request(client, method, url, rule, world)

    expected = dict(rule.overrides)
    check = assert_status(expected[role]) if role in expected else EXPECTED[rule.access][role]
    try:
        check(response, rule)
        if not may_change:
            assert snapshot(except_owned_by=user if own_records_only else None) == before, "the data changed"
    except AssertionError:
        if is_placeholder(url):
            pytest.xfail(f"{name} is still a placeholder view")
        raise


# ---------------------------------------------------------------- admin: superusers only


def admin_paths() -> list[str]:
    return [
        path for name, _route, path in url_patterns() if name.startswith("admin:") and name != "admin:login"
    ]


def admin_refusal_target(path: str) -> str:
    # Django's admin sends a non-staff logout to the admin index, which sends them to log in.
    return reverse("admin:index") if path == reverse("admin:logout") else reverse("admin:login")


@pytest.fixture
def staff(world):
    """Staff, with every model permission and an administrator of the group: still no superuser."""
    from django.contrib.auth.models import Permission

    from kolops.accounts.services import membership_grant

    user = User.objects.create_user(username="staff", password="Kolops-test-pass-1", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    membership_grant(user=user, organization=world.group, role="admin")
    return user


@pytest.mark.parametrize(
    "role", ["anonymous", "outsider", "viewer", "stranger", "editor", "approver", "staff"]
)
def test_admin_is_for_superusers_only(world, staff, client, role):
    user = staff if role == "staff" else getattr(world, role)
    if user is not None:
        client.force_login(user)
    before = snapshot()
    for path in admin_paths():
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 302, (method, path, response.status_code)
            target = admin_refusal_target(path)
            assert response["Location"].split("?")[0] == target, (method, path, response["Location"])
    assert snapshot() == before


def test_admin_lets_superusers_in(world, client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:kols_kol_change", args=[world.kol.pk])).status_code == 200


def test_the_admin_login_page_sends_to_the_app_sign_in(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_admin_login_page_refuses_a_signed_in_staff_user(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:login")).status_code == 403
