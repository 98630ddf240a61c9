"""Passwords: a one-time reset link by e-mail; a new password ends the other sessions and
revokes the API tokens."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from kolops.accounts.models import ApiToken
from kolops.accounts.services import api_token_authenticate, api_token_create

pytestmark = pytest.mark.django_db
User = get_user_model()
NEW_PASSWORD = "Another-pass-2468"


def reset_link() -> str:
    """The path of the reset link in the last e-mail sent."""
    body = mail.outbox[-1].body
    return re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1)


def request_reset(client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def set_password_through(client, link: str, password: str):
    """Open the link (it redirects to a page without the key in the URL) and post the password."""
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    return client.post(form_url, {"password1": password, "password2": password})


def can_sign_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


def test_a_reset_link_is_mailed_to_the_address_of_the_account(client, specialist):
    request_reset(client, specialist.email)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [specialist.email]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_the_answer_does_not_tell_a_stranger_which_addresses_exist(client, specialist):
    # Given an address with an account and one without, when a reset is asked for each
    known = request_reset(client, specialist.email)
    unknown = request_reset(Client(), "nobody@example.com")
    # Then both get the same answer, and a reset link goes to the account's address only
    done = (302, reverse("account_reset_password_done"))
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == done
    links = [message.to for message in mail.outbox if "/accounts/password/reset/key/" in message.body]
    assert links == [[specialist.email]]


def test_the_link_sets_a_new_password_and_the_old_one_stops_working(client, specialist):
    # Given a reset link
    request_reset(client, specialist.email)
    link = reset_link()
    # When the new password is set through it
    response = set_password_through(client, link, NEW_PASSWORD)
    # Then the new password works and the old one does not
    assert response.status_code == 302
    assert can_sign_in(specialist.username, NEW_PASSWORD)
    assert not can_sign_in(specialist.username, PASSWORD)


def test_a_reset_link_works_once(client, specialist):
    request_reset(client, specialist.email)
    link = reset_link()
    set_password_through(client, link, NEW_PASSWORD)

    again = Client()
    response = again.get(link, follow=True)
    assert "The password reset link was invalid" in response.content.decode()
    again.post(
        response.redirect_chain[-1][0] if response.redirect_chain else link,
        {"password1": "Third-pass-97531", "password2": "Third-pass-97531"},
    )
    assert not can_sign_in(specialist.username, "Third-pass-97531")
    assert can_sign_in(specialist.username, NEW_PASSWORD)


def signed_in_elsewhere(user) -> Client:
    """Another browser of `user`, signed in with the password."""
    other = Client()
    assert other.login(username=user.username, password=PASSWORD)
    assert other.get(reverse("accounts:tokens")).status_code == 200
    return other


def test_a_password_reset_ends_every_session_and_revokes_the_tokens(client, specialist):
    # Given a signed-in browser and a live API token
    other = signed_in_elsewhere(specialist)
    _token, key = api_token_create(user=specialist, name="laptop")
    # When the password is reset by e-mail
    request_reset(client, specialist.email)
    set_password_through(client, reset_link(), NEW_PASSWORD)
    # Then the browser is signed out and the token no longer opens the API
    response = other.get(reverse("accounts:tokens"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert api_token_authenticate(key) is None
    assert not ApiToken.objects.filter(user=specialist, revoked_at__isnull=True).exists()


def change_password(client, user, new_password: str):
    """Sign in through the form (which counts as having just confirmed the password), then change it."""
    client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    return client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password},
    )


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(client, specialist):
    other = signed_in_elsewhere(specialist)
    response = change_password(client, specialist, NEW_PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("accounts:tokens")).status_code == 200
    assert other.get(reverse("accounts:tokens"))["Location"].startswith(reverse("account_login"))


def test_a_password_change_revokes_every_api_token(client, specialist, manager):
    _mine, my_key = api_token_create(user=specialist, name="laptop")
    _theirs, their_key = api_token_create(user=manager, name="server")
    change_password(client, specialist, NEW_PASSWORD)
    assert api_token_authenticate(my_key) is None
    assert api_token_authenticate(their_key) == manager


def test_an_api_call_with_a_revoked_token_is_refused(client, specialist):
    _token, key = api_token_create(user=specialist, name="laptop")
    api = Client(headers={"Authorization": f"Bearer {key}"})
    assert api.get("/api/channels").status_code == 200
    change_password(client, specialist, NEW_PASSWORD)
    assert api.get("/api/channels").status_code == 401
