"""Signing in: by user name or e-mail, throttled per account and per address; no sign-up."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from conftest import PASSWORD

pytestmark = pytest.mark.django_db
User = get_user_model()


def signed_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("kols:list")


def test_a_user_signs_in_with_the_user_name(client, specialist, sign_in):
    assert signed_in(sign_in(client, specialist.username))


def test_a_user_signs_in_with_the_e_mail_address(client, specialist, sign_in):
    assert signed_in(sign_in(client, specialist.email))


def test_a_wrong_password_is_refused(client, specialist, sign_in):
    response = sign_in(client, specialist.username, "wrong-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_after_five_failures_on_one_account_even_the_right_password_is_refused(client, specialist, sign_in):
    # Given five wrong passwords for one account, each from a different address
    for attempt in range(5):
        sign_in(client, specialist.username, "wrong-password", ip=f"203.0.113.{attempt}")
    # When the right password comes from yet another address
    response = sign_in(client, specialist.username, ip="203.0.113.99")
    # Then it is refused, and the page says why
    assert not signed_in(response)
    assert "Too many failed login attempts" in response.content.decode()


def test_the_user_name_and_the_e_mail_address_share_one_allowance(client, specialist, sign_in):
    for attempt in range(3):
        sign_in(client, specialist.username, "wrong-password", ip=f"203.0.113.{attempt}")
    for attempt in range(2):
        sign_in(client, specialist.email.upper(), "wrong-password", ip=f"203.0.113.{10 + attempt}")
    assert not signed_in(sign_in(client, specialist.username, ip="203.0.113.99"))
    assert not signed_in(sign_in(client, specialist.email, ip="203.0.113.98"))


def test_the_refusal_is_in_the_user_language(client, specialist, sign_in):
    for _attempt in range(5):
        sign_in(client, specialist.username, "wrong-password")
    client.cookies["django_language"] = "zh-hans"
    response = sign_in(client, specialist.username)
    assert not signed_in(response)
    with translation.override("zh-hans"):
        expected = translation.gettext("Too many failed login attempts. Try again later.")
    assert expected != "Too many failed login attempts. Try again later."
    assert expected in response.content.decode()


def test_the_throttle_of_one_account_leaves_the_others_alone(client, specialist, manager, sign_in):
    for attempt in range(5):
        sign_in(client, specialist.username, "wrong-password", ip=f"203.0.113.{attempt}")
    assert signed_in(sign_in(client, manager.username, ip="203.0.113.99"))


def test_after_ten_failures_from_one_address_nobody_signs_in_from_it(client, specialist, sign_in):
    # Given ten wrong sign-ins from one address, each for a different (unknown) account
    for attempt in range(10):
        sign_in(client, f"nobody{attempt}", "wrong-password", ip="192.0.2.10")
    # When a real user signs in with the right password from that address
    refused = sign_in(client, specialist.username, ip="192.0.2.10")
    # Then it is refused there, and works from another address
    assert not signed_in(refused)
    assert "Too many failed login attempts" in refused.content.decode()
    assert signed_in(sign_in(client, specialist.username, ip="192.0.2.11"))


def test_a_forged_forwarded_for_header_does_not_reset_the_address_allowance(client, specialist):
    # Given ten wrong sign-ins from one address, each claiming another in X-Forwarded-For
    for attempt in range(10):
        client.post(
            reverse("account_login"),
            {"login": f"nobody{attempt}", "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.20",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    # When the right password comes from that address, claiming yet another
    response = client.post(
        reverse("account_login"),
        {"login": specialist.username, "password": PASSWORD},
        REMOTE_ADDR="192.0.2.20",
        HTTP_X_FORWARDED_FOR="198.51.100.99",
    )
    # Then it is refused: without a trusted proxy the header is not the client's address
    assert not signed_in(response)
    assert "Too many failed login attempts" in response.content.decode()


def test_nobody_signs_up(client):
    response = client.post(
        reverse("account_signup"),
        {"username": "newcomer", "email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "Sign Up Closed" in response.content.decode()
    assert not User.objects.filter(username="newcomer").exists()


def test_the_sign_in_page_does_not_offer_to_sign_up(client):
    page = client.get(reverse("account_login")).content.decode()
    assert reverse("account_signup") not in page
    assert reverse("account_reset_password") in page


def test_every_login_required_page_sends_to_the_sign_in_page(client):
    response = client.get(reverse("kols:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_the_company_identity_provider_is_off_by_default(client):
    assert "/accounts/oidc/" not in client.get(reverse("account_login")).content.decode()
    assert client.get("/accounts/oidc/company/login/").status_code == 404


def test_a_configured_identity_provider_is_offered_on_the_sign_in_page(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": "company",
                    "name": "Microsoft",
                    "client_id": "kolops",
                    "secret": "s3cret",
                    "settings": {"server_url": "https://login.example.com/tenant/v2.0"},
                }
            ]
        }
    }
    page = client.get(reverse("account_login")).content.decode()
    assert "Microsoft" in page
    assert "/accounts/oidc/company/login/" in page
