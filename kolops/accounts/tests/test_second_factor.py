"""The second factor: an authenticator app (TOTP) with recovery codes, required for superusers
and group administrators, optional for everybody else."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from kolops.accounts.choices import Role
from kolops.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def required_for_administrators(settings):
    settings.KOLOPS_MFA_REQUIRED_FOR_ADMINS = True


def totp_code(secret: str) -> str:
    """The code an authenticator app shows for `secret` now (RFC 6238: 30-second periods)."""
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def wrong_code(secret: str) -> str:
    """A code the app shows in none of the periods around now (so none the tolerance accepts)."""
    now = int(time.time()) // 30
    near = {format_hotp_value(hotp_value(secret, now + shift)) for shift in range(-3, 4)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in near)


def confirm_password(client, password: str = PASSWORD):
    """Answer allauth's "confirm access" page, as a user setting up the app is asked to."""
    return client.post(reverse("account_reauthenticate"), {"password": password})


def enrol(client) -> str:
    """Set up the authenticator app on the signed-in `client`; returns its secret."""
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302, response.content.decode()
    return secret


def sign_in(client, user, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": user.username, "password": password})


@pytest.fixture
def administrator(make_member):
    return make_member(Role.ADMIN)


def test_an_administrator_is_sent_to_set_up_the_app_after_signing_in(client, administrator):
    # Given a group administrator without an authenticator app, signed in with the password
    sign_in(client, administrator)
    # When they open any page of the app
    response = client.get(reverse("kols:list"))
    # Then they are sent to set up the app first
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_administrator_without_the_app_gets_nothing_from_the_api_session(client, administrator):
    sign_in(client, administrator)
    response = client.get("/api/channels")
    assert response.status_code == 403
    assert "authenticator" in response.json()["detail"]


def test_a_superuser_must_set_up_the_app_too(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", PASSWORD)
    sign_in(client, root)
    assert client.get(reverse("admin:index"))["Location"] == reverse("mfa_activate_totp")


def test_a_specialist_may_do_without_the_app(client, specialist):
    sign_in(client, specialist)
    assert client.get(reverse("kols:list")).status_code == 200


def test_after_setting_up_the_app_the_administrator_uses_the_app(client, administrator):
    sign_in(client, administrator)
    enrol(client)
    assert Authenticator.objects.filter(user=administrator, type=Authenticator.Type.TOTP).exists()
    assert client.get(reverse("kols:list")).status_code == 200


def test_an_administrator_sent_to_set_up_the_app_is_not_asked_for_the_password_again(client, administrator):
    # Given a group administrator who has just signed in with the password
    sign_in(client, administrator)
    # When they are sent to set up the app
    response = client.get(reverse("mfa_activate_totp"))
    # Then the set-up page opens at once: the password was typed seconds ago
    assert response.status_code == 200
    assert "mfa.totp.secret" in client.session


def test_an_administrator_signed_in_long_ago_confirms_the_password_first(client, administrator, monkeypatch):
    sign_in(client, administrator)
    later = time.time() + django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_setting_up_the_app_asks_for_the_password_again(client, specialist):
    sign_in(client, specialist)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_setting_up_the_app_shows_the_recovery_codes(client, specialist):
    sign_in(client, specialist)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)}, follow=True)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=specialist, type="recovery_codes")
    ).get_unused_codes()
    assert len(codes) == 10
    assert codes[0] in response.content.decode()


def test_a_wrong_code_does_not_set_up_the_app(client, specialist):
    sign_in(client, specialist)
    confirm_password(client)
    client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert not Authenticator.objects.filter(user=specialist).exists()


def enrolled(user) -> str:
    """`user` with the app set up (in a browser of their own); returns the secret."""
    browser = Client()
    sign_in(browser, user)
    return enrol(browser)


def test_with_the_app_the_password_alone_does_not_sign_in(client, specialist):
    enrolled(specialist)
    response = sign_in(client, specialist)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("kols:list"))["Location"].startswith(reverse("account_login"))


def test_the_password_and_a_code_of_the_app_sign_in(client, specialist):
    secret = enrolled(specialist)
    sign_in(client, specialist)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("kols:list")
    assert client.get(reverse("kols:list")).status_code == 200


def test_a_wrong_code_does_not_sign_in(client, specialist):
    secret = enrolled(specialist)
    sign_in(client, specialist)
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert client.get(reverse("kols:list")).status_code == 302


def test_a_recovery_code_signs_in_once(client, specialist):
    enrolled(specialist)
    code = RecoveryCodes(
        Authenticator.objects.get(user=specialist, type="recovery_codes")
    ).get_unused_codes()[0]
    sign_in(client, specialist)
    assert client.post(reverse("mfa_authenticate"), {"code": code})["Location"] == reverse("kols:list")

    again = Client()
    sign_in(again, specialist)
    assert again.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert again.get(reverse("kols:list")).status_code == 302


def test_creating_an_api_token_asks_for_the_password_again(client, specialist):
    # Given a user signed in with the password, who has not confirmed it since
    sign_in(client, specialist)
    # When they create a token
    response = client.post(reverse("accounts:tokens"), {"name": "laptop"})
    # Then they are asked for their password first, and no token exists yet
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not ApiToken.objects.filter(user=specialist).exists()
    # And once they confirm it, the token asked for is created
    client.post(response["Location"], {"password": PASSWORD}, follow=True)
    assert ApiToken.objects.filter(user=specialist, name="laptop").exists()


def test_a_wrong_password_creates_no_token(client, specialist):
    sign_in(client, specialist)
    location = client.post(reverse("accounts:tokens"), {"name": "laptop"})["Location"]
    assert client.post(location, {"password": "wrong-password"}).status_code == 200
    assert not ApiToken.objects.filter(user=specialist).exists()


def test_a_confirmation_lasts_until_the_reauthentication_timeout(client, specialist, monkeypatch):
    # Given a user who has just confirmed the password
    sign_in(client, specialist)
    confirm_password(client)
    confirmed_at, timeout = time.time(), django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT
    # When they create a token a few seconds before the timeout, it is created at once
    monkeypatch.setattr(time, "time", lambda: confirmed_at + timeout - 5)
    assert client.post(reverse("accounts:tokens"), {"name": "first"}).status_code == 200
    # When they create another once the timeout has passed, they are asked for the password again
    monkeypatch.setattr(time, "time", lambda: confirmed_at + timeout + 1)
    response = client.post(reverse("accounts:tokens"), {"name": "second"})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert list(ApiToken.objects.filter(user=specialist).values_list("name", flat=True)) == ["first"]


def test_the_token_list_needs_no_password_again(client, specialist):
    sign_in(client, specialist)
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_changing_the_password_needs_the_current_one(client, specialist):
    sign_in(client, specialist)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "wrong-password", "password1": "Another-pass-2468", "password2": "Another-pass-2468"},
    )
    assert response.status_code == 200
    specialist.refresh_from_db()
    assert specialist.check_password(PASSWORD)


def test_the_requirement_is_a_setting_that_is_on_by_default():
    from kolops.settings import base

    assert base.KOLOPS_MFA_REQUIRED_FOR_ADMINS is True
    assert django_settings.MFA_SUPPORTED_TYPES == ["totp", "recovery_codes"]


def test_an_administrator_token_works_only_once_the_app_is_set_up(client, administrator):
    from kolops.accounts.services import api_token_create

    _token, key = api_token_create(user=administrator, name="script")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/channels").status_code == 401
    sign_in(client, administrator)
    enrol(client)
    assert api.get("/api/channels").status_code == 200


def test_a_specialist_token_works_without_the_app(specialist):
    from kolops.accounts.services import api_token_create

    _token, key = api_token_create(user=specialist, name="script")
    assert Client(headers={"Authorization": f"Bearer {key}"}).get("/api/channels").status_code == 200
